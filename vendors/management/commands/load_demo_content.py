from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from vendors.models import DistrictProfile

DEMO_FIXTURES = ["data_elements", "demo_content"]


class Command(BaseCommand):
    help = (
        "Load the data-element catalog and the demo clearinghouse (Miami-Dade's page) "
        "into an empty database. Does nothing once a district profile exists, so that "
        "running it again never overwrites what staff have edited."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even if content exists (overwrites demo records with the same ids).",
        )

    def handle(self, *args, force=False, **options):
        if DistrictProfile.objects.exists() and not force:
            self.stdout.write("Content already present: demo content not loaded.")
            return
        with transaction.atomic():
            call_command("loaddata", *DEMO_FIXTURES, verbosity=options["verbosity"])
            # Fixtures load raw, which records no history; give every row its "created"
            # entry so the change log starts from the demo content, not from nothing.
            call_command("populate_history", auto=True, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Loaded the demo clearinghouse."))
