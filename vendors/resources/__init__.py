"""The admin's spreadsheets, import and export, one module per kind of row: titles with
their sharing records (titles.py), agreements and subprocessors (agreements.py), what
they share (base.py), and the uploaded file itself (uploads.py)."""

from .agreements import AgreementResource, SubprocessorResource
from .titles import VendorResource
from .uploads import (
    MAX_XLSX_MEMBERS,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    UNREADABLE_FILE,
    UPLOAD_FOLDER,
    UPLOAD_LIFETIME,
    VendorImportForm,
    check_upload,
    discard_stale_uploads,
    read_failure_message,
)
