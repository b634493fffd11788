"""`manage.py export_titles PATH`: every title, as the admin's export writes it."""

from django.core.management.base import BaseCommand, CommandError

from vendors.resources.base import FileRefused
from vendors.resources.files import export_titles


class Command(BaseCommand):
    help = (
        "Write every software title, with its sharing records, to PATH: the file the "
        "admin's export gives for the whole list. The extension picks the format: .csv or "
        ".xlsx."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        try:
            count = export_titles(path)
        except (FileRefused, OSError) as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(f"Exported {count} titles to {path}.")
