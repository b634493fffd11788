"""The titles' spreadsheet as a file on disk, for `manage.py export_titles` and
`import_titles`: the admin's formats, checks and messages, without a browser."""

import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from ..models import ColumnMapping, Vendor
from .base import FileRefused
from .titles import VendorResource
from .uploads import check_upload, read_failure_message

# As the admin reads and writes them: CSV in UTF-8, a byte-order mark tolerated.
FORMATS = {".csv": lambda: CSV(encoding="utf-8-sig"), ".xlsx": XLSX}


def file_format(path):
    try:
        return FORMATS[Path(path).suffix.lower()]()
    except KeyError:
        raise FileRefused(
            _("“%(name)s” is neither .csv nor .xlsx: the file's extension says its format.")
            % {"name": Path(path).name}
        ) from None


def export_titles(path):
    """Write every title as the admin's export of the unfiltered list does; the count."""
    fmt = file_format(path)
    # The admin's list: its model's ordering, and the primary key to settle ties.
    titles = Vendor.objects.order_by(*Vendor._meta.ordering, "-pk")
    data = VendorResource().export(titles, force_native_type=fmt.is_binary())
    content = fmt.export_data(data)
    Path(path).write_bytes(content.encode() if isinstance(content, str) else content)
    return len(data)


def read_titles(path):
    """The file as a dataset, after the admin's upload checks; FileRefused says why not."""
    fmt = file_format(path)
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        raise FileRefused(
            _("“%(path)s” could not be read: %(reason)s.")
            % {"path": path, "reason": error.strerror or error}
        ) from None
    try:
        check_upload(io.BytesIO(content), len(content))
    except ValidationError as error:
        raise FileRefused(" ".join(error.messages)) from None
    try:
        return fmt.create_dataset(content)
    except Exception as error:  # The parsers raise anything: the admin catches all too.
        raise FileRefused(read_failure_message(error)) from error


def saved_mapping(name):
    """The columns of the saved mapping called `name`; FileRefused names the saved ones."""
    try:
        return ColumnMapping.objects.get(name=name).columns
    except ColumnMapping.DoesNotExist:
        saved = ", ".join(ColumnMapping.objects.values_list("name", flat=True)) or _("none")
        raise FileRefused(
            _("There is no saved column mapping “%(name)s”. Saved mappings: %(saved)s.")
            % {"name": name, "saved": saved}
        ) from None


def import_titles(dataset, dry_run, column_mapping=None):
    """Import as the admin's confirm does (all or nothing); its Result."""
    return VendorResource(column_mapping=column_mapping).import_data(dataset, dry_run=dry_run)
