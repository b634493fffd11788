"""The uploaded spreadsheet: what it must be before anything reads it, and where it waits
between the preview and the confirm."""

import contextlib
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

# Hundreds of titles fit in well under a megabyte; anything far larger is the wrong file.
MAX_IMPORT_BYTES = 2 * 1024 * 1024

# Between the preview and the confirm the upload waits in MEDIA_ROOT, which every host
# shares: the confirm may reach another gunicorn than the preview did. The folder is the
# library's MediaStorage's (IMPORT_EXPORT_TMP_STORAGE_CLASS in settings).
UPLOAD_FOLDER = "spreadsheet-imports"
# A preview left unconfirmed is discarded after this long. A staff session ends after 30
# idle minutes, so no one can still confirm it by then.
UPLOAD_LIFETIME = datetime.timedelta(hours=2)


class VendorImportForm(ImportForm):
    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        if import_file.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(import_file.size),
                    "limit": filesizeformat(MAX_IMPORT_BYTES),
                }
            )
        return import_file


def upload_storage():
    # The one the library's MediaStorage picks.
    return storages["import_export" if "import_export" in settings.STORAGES else "default"]


def discard_stale_uploads():
    """Delete the uploads of previews that no one confirmed in time."""
    storage = upload_storage()
    try:
        _folders, names = storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - UPLOAD_LIFETIME
    for name in names:
        path = f"{UPLOAD_FOLDER}/{name}"
        # Another worker may be sweeping, or confirming, at the same moment.
        with contextlib.suppress(FileNotFoundError):
            if storage.get_modified_time(path) < cutoff:
                storage.delete(path)
