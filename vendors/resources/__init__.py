"""The admin's spreadsheets, import and export, one module per kind of row: titles with
their sharing records (titles.py), agreements and subprocessors (agreements.py), and what
they share (base.py)."""

from .agreements import AgreementResource, SubprocessorResource
from .base import MAX_IMPORT_BYTES, VendorImportForm
from .titles import VendorResource
