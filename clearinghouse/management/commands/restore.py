"""Load a `backup` archive into an empty database and put the uploaded files back."""

import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings

from .backup import DATA_NAME, MEDIA_NAME

# Filled by `migrate` itself, so present in any freshly migrated database.
MIGRATION_MADE = {"contenttypes.ContentType", "auth.Permission"}
# The staff roles are made by a data migration too; the backup carries their current
# permissions, so the fresh copies give way to it.
ROLE_GROUPS = {"Clearinghouse editor", "Clearinghouse publisher"}


class Command(BaseCommand):
    help = "Restore a backup archive into an empty, migrated database, with its uploaded files."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="A .tar.gz archive written by `manage.py backup`.")

    def handle(self, *args, archive, **options):
        archive = Path(archive)
        if not archive.is_file():
            raise CommandError(f"No backup archive at {archive}.")
        call_command("migrate", interactive=False, verbosity=0)
        only_role_groups = not Group.objects.exclude(name__in=ROLE_GROUPS).exists()
        migration_made = MIGRATION_MADE | ({"auth.Group"} if only_role_groups else set())
        occupied = [
            model._meta.label
            for model in apps.get_models()
            if model._meta.label not in migration_made and model._default_manager.exists()
        ]
        if occupied:
            raise CommandError(
                "The database is not empty (it has rows in "
                + ", ".join(sorted(occupied))
                + "). Restore into an empty database, so nothing is silently mixed."
            )
        with tempfile.TemporaryDirectory() as scratch:
            try:
                with tarfile.open(archive, "r:gz") as tar:
                    # The "data" filter refuses absolute paths, "..", links out and device files.
                    tar.extractall(scratch, filter="data")
            except (tarfile.TarError, OSError) as error:
                raise CommandError(
                    f"{archive} is not a backup archive (not a gzip-compressed tar file): {error}"
                ) from error
            data = Path(scratch) / DATA_NAME
            if not data.is_file():
                raise CommandError(f"{archive} holds no {DATA_NAME}: is it a backup archive?")
            # The archive already holds the history; loading links must not add to it.
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                Group.objects.filter(name__in=ROLE_GROUPS).delete()
                call_command("loaddata", str(data), verbosity=0)
            media = Path(scratch) / MEDIA_NAME
            if media.is_dir():
                self.copy_tree(media, Path(settings.MEDIA_ROOT))
        self.stdout.write(f"Restored {archive}")

    @staticmethod
    def copy_tree(source, target):
        for path in source.rglob("*"):
            destination = target / path.relative_to(source)
            if path.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(path.read_bytes())
