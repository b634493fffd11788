"""The uploaded spreadsheet: what it must be before anything reads it, and where it waits
between the preview and the confirm."""

import contextlib
import datetime
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export.forms import ImportForm

# An XLSX file is a zip archive of XML parts, and a zip can unpack to a thousand times its
# size. Its table of contents says how much, so these are checked before a byte is unpacked.
# An export of 5,000 titles is 9 parts and 31 MB of XML; a spreadsheet program adds a few
# parts of its own.
MAX_XLSX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024
MAX_XLSX_MEMBERS = 100

# Between the preview and the confirm the upload waits in MEDIA_ROOT, which every host
# shares: the confirm may reach another gunicorn than the preview did. The folder is the
# library's MediaStorage's (IMPORT_EXPORT_TMP_STORAGE_CLASS in settings).
UPLOAD_FOLDER = "spreadsheet-imports"
# A preview left unconfirmed is discarded after this long. A staff session ends after 30
# idle minutes, so no one can still confirm it by then.
UPLOAD_LIFETIME = datetime.timedelta(hours=2)

UNREADABLE_FILE = _(
    "The file could not be read as the format chosen. In your spreadsheet, save it as "
    "XLSX or as “CSV UTF-8” and upload it again. Nothing was changed."
)


NOT_UTF8 = _(
    "The file is not UTF-8 text. In your spreadsheet, save it as "
    "“CSV UTF-8” (or as XLSX) and upload it again. Nothing was changed."
)


class VendorImportForm(ImportForm):
    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        check_upload(import_file, import_file.size)
        return import_file


def check_upload(import_file, size):
    """What an uploaded file must be before anything parses it, in the admin and in
    `manage.py import_titles`: not too large, and no zip that unpacks to too much."""
    # settings.IMPORT_MAX_BYTES (IMPORT_MAX_MB) fits a 5,000-title export.
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if zipfile.is_zipfile(import_file):
        check_workbook_size(import_file)
    import_file.seek(0)


def read_failure_message(error):
    """What to tell the publisher when the file's format cannot read it."""
    if isinstance(error, UnicodeDecodeError):
        return NOT_UTF8
    # Whatever the parser said (a broken zip, XML with entities expanding past expat's
    # limit, …), the fix is the same.
    return UNREADABLE_FILE


def check_workbook_size(import_file):
    """Refuse a zip (an XLSX file) that would unpack to more than any real workbook. The
    sizes it declares bind: Python's zipfile stops reading a part at its declared size."""
    try:
        parts = zipfile.ZipFile(import_file).infolist()
    except zipfile.BadZipFile:
        raise ValidationError(UNREADABLE_FILE) from None
    if len(parts) > MAX_XLSX_MEMBERS:
        raise ValidationError(
            _("The XLSX file holds %(count)d parts; the limit is %(limit)d.")
            % {"count": len(parts), "limit": MAX_XLSX_MEMBERS}
        )
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_XLSX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            _("The XLSX file unpacks to %(size)s; the limit is %(limit)s.")
            % {
                "size": filesizeformat(unpacked),
                "limit": filesizeformat(MAX_XLSX_UNCOMPRESSED_BYTES),
            }
        )


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
