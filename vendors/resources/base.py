"""What every spreadsheet shares: all-or-nothing imports in English, exports that no
spreadsheet runs as formulas, and the cells that need a clearer message than the library's."""

import datetime
import logging

import tablib
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export import resources, widgets

from ..open_data.spreadsheets import FORMULA_PREFIXES, spreadsheet_safe
from .diff import ChangedFieldsDiff

logger = logging.getLogger(__name__)


class FileRefused(ValueError):
    """A file this site will not import, with the message that says why: the publisher's
    to fix, not an error of the site's."""


def choice_error(choices, blank_allowed=False):
    codes = ", ".join(choices.values)
    if blank_allowed:
        return _("Use one of: %(codes)s, or leave it blank.") % {"codes": codes}
    return _("Use one of: %s.") % codes


class AllOrNothingResource(resources.ModelResource):
    """Strips the cells, pins English, and rolls every row back when any row is invalid."""

    # The spreadsheet holds the English texts. The admin follows the staff member's browser
    # language, and a translated field reads and writes that language's column, so pin English.
    def export(self, *args, **kwargs):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            dataset = super().export(*args, **kwargs)
        # Staff text such as a title named =HYPERLINK(…) is written as the public CSV writes
        # it, quoted as text, in every format; the import takes the quote off again.
        safe = tablib.Dataset(headers=dataset.headers)
        for row in dataset:
            safe.append([spreadsheet_safe(cell) if isinstance(cell, str) else cell for cell in row])
        return safe

    def import_data(self, dataset, **kwargs):
        # All or nothing: one invalid row rolls back every other row too.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            result = super().import_data(dataset, **kwargs)
        # The page shows each error's message only; its traceback belongs in the server log.
        row_errors = [error for _number, errors in result.row_errors() for error in errors]
        for error in [*result.base_errors, *row_errors]:
            if not isinstance(error.error, FileRefused):
                logger.error("The import stopped at an unexpected error", exc_info=error.error)
        return result

    @classmethod
    def get_diff_class(cls):
        return ChangedFieldsDiff

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if isinstance(value, str):
                # Spreadsheets pad cells with spaces; a slug or status with one would not match.
                value = value.strip()
                if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
                    value = value[1:]  # Quoted by the export (see export()).
                row[column] = value
            elif value is None:
                row[column] = ""

    def require_columns(self, dataset, columns):
        if not dataset.headers or not len(dataset):
            raise FileRefused(_("The file is empty: it needs a header row and one row per entry."))
        headers = [str(header).strip() if header else "" for header in dataset.headers]
        missing = [column for column in columns if column not in headers]
        if missing:
            raise FileRefused(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        return headers


class DayWidget(widgets.DateWidget):
    """A date cell, written as 2027-01-31 (a spreadsheet's own date cells work too), with a
    message that says so for anything else."""

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()  # A spreadsheet's date cell.
        try:
            return super().clean(value, row, **kwargs)
        except ValueError:
            raise ValueError(
                _("“%(value)s” is not a date: write it as YYYY-MM-DD, e.g. 2027-01-31.")
                % {"value": value}
            ) from None


class YesNoWidget(widgets.BooleanWidget):
    """A yes/no cell. The library reads any unknown word as "no"; a typo must not silently
    state that a vendor passes the data to no one, so anything else is refused."""

    YES = {"yes", "y", "true", "1"}
    NO = {"no", "n", "false", "0", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        word = "" if value is None else str(value).strip().lower()
        if word in self.YES:
            return True
        if word in self.NO:
            return False
        raise ValueError(_("“%(value)s” is not yes or no.") % {"value": value})

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class SlugWidget(widgets.ForeignKeyWidget):
    """A title or audience named by its slug; before_import_row has checked that it exists."""

    def __init__(self, model):
        super().__init__(model, field="slug")
