"""`manage.py import_titles PATH [--dry-run] [--mapping NAME]`: the admin's import, for cron.

Exit status: 0 when the file applied (or, with --dry-run, would apply) cleanly; 1 when
rows have errors, and then nothing is written; 2 when the file cannot be read."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vendors.resources.base import FileRefused
from vendors.resources.files import import_titles, read_titles, saved_mapping

ROW_ERRORS, UNREADABLE = 1, 2


class Command(BaseCommand):
    help = (
        "Import software titles from PATH (.csv or .xlsx, the admin's export format) "
        "with the admin's rules: a file with any bad row changes nothing. --dry-run says "
        "what would change and writes nothing. --mapping NAME reads a district's own "
        "headers through a column mapping saved in the admin. Exit status: 0 clean, 1 row errors, "
        "2 a file that cannot be read."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count; write nothing."
        )
        parser.add_argument(
            "--mapping",
            metavar="NAME",
            help="The saved column mapping that renames the file's headers to ours.",
        )

    def handle(self, path, dry_run, mapping=None, **options):
        try:
            columns = saved_mapping(mapping) if mapping else None
            result = import_titles(read_titles(path), dry_run=dry_run, column_mapping=columns)
        except FileRefused as error:
            raise CommandError(str(error), returncode=UNREADABLE) from None
        refusals = [error.error for error in result.base_errors]
        if refusals:
            raise CommandError(
                " ".join(str(error) for error in refusals),
                returncode=UNREADABLE
                if all(isinstance(error, FileRefused) for error in refusals)
                else ROW_ERRORS,
            )
        problems = list(self.row_problems(result))
        totals = result.totals
        self.stdout.write(
            _("New: %(new)d. Updated: %(update)d. Unchanged: %(skip)d. Errors: %(errors)d.")
            % {**totals, "errors": len(result.invalid_rows) + len(result.row_errors())}
        )
        if problems:
            for line in problems:
                self.stderr.write(line)
            raise CommandError(_("Nothing was imported."), returncode=ROW_ERRORS)
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))

    def row_problems(self, result):
        # Numbered as the admin numbers them: the first row below the header is row 1.
        def where(number):
            return _("Row %(row)d (line %(line)d of the file)") % {
                "row": number,
                "line": number + 1,
            }

        for row in result.invalid_rows:
            for column, messages in row.error_dict.items():
                for message in messages:
                    yield f"{where(row.number)}, {column}: {message}"
        for number, errors in result.row_errors():
            for error in errors:
                yield f"{where(number)}: {error.error}"
