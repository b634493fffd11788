"""Load a `backup` archive into an empty database and put the uploaded files back.

The restore is checked before it is kept: every foreign key must name a row that is there,
and each table must hold as many rows as the archive does (a row lost or merged on the way
would otherwise go unnoticed). Otherwise nothing is kept, and the command says why.
"""

import tarfile
import tempfile
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import BaseCommand, CommandError, call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, connection, router, transaction
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
            # One transaction: a restore that fails its checks leaves the database empty.
            # The archive already holds the history; loading links must not add to it.
            with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
                Group.objects.filter(name__in=ROLE_GROUPS).delete()
                try:
                    call_command("loaddata", str(data), verbosity=0)
                    connection.check_constraints()
                except (DatabaseError, DeserializationError) as error:
                    raise CommandError(
                        f"Nothing was restored: {archive} does not load into this database "
                        f"({error})."
                    ) from error
                self.check_row_counts(archived_rows(data), archive)
                media = Path(scratch) / MEDIA_NAME
                if media.is_dir():
                    self.copy_tree(media, Path(settings.MEDIA_ROOT))
        self.stdout.write(f"Restored {archive}")

    @staticmethod
    def check_row_counts(archived, archive):
        mismatched = []
        for model in apps.get_models(include_auto_created=True):
            label = model._meta.label
            if (
                label in MIGRATION_MADE
                or model._meta.proxy
                or not router.allow_migrate_model(connection.alias, model)
            ):
                continue
            restored = model._base_manager.count()
            if restored != archived[label]:
                mismatched.append(f"{label}: {archived[label]} in the archive, {restored} loaded")
        if mismatched:
            raise CommandError(
                f"Nothing was restored: the tables do not match {archive} ("
                + "; ".join(mismatched)
                + ")."
            )

    @staticmethod
    def copy_tree(source, target):
        for path in source.rglob("*"):
            destination = target / path.relative_to(source)
            if path.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
            else:
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(path.read_bytes())


def archived_rows(data):
    """How many rows of each model the archive holds, by label. Django's XML keeps a
    many-to-many link inside the object that owns it, one `<object>` per linked row."""
    rows = Counter()
    depth = 0
    # loaddata has read this file already, with a parser that refuses DTDs and entities.
    for event, element in ElementTree.iterparse(data, events=("start", "end")):  # noqa: S314
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth == 1 and element.tag == "object":
            model = apps.get_model(element.get("model"))
            rows[model._meta.label] += 1
            for field in element.iterfind("field[@rel='ManyToManyRel']"):
                through = model._meta.get_field(field.get("name")).remote_field.through
                rows[through._meta.label] += len(field.findall("object"))
            element.clear()
    return rows
