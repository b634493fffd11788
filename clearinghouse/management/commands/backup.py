"""Write the whole database and the uploaded files into one .tar.gz archive."""

import io
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

# Recreated by `migrate` in the target database; rows pointing at them are dumped by
# natural key (app label and model name), so their ids need not match.
EXCLUDED = ["contenttypes", "auth.permission"]
# XML rather than JSON: Django's JSON encoder cuts timestamps to milliseconds, and a
# restore must give back exactly what was saved.
DATA_NAME = "data.xml"
MEDIA_NAME = "media"


class Command(BaseCommand):
    help = "Back up every table (history included) and MEDIA_ROOT into a .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument(
            "archive",
            nargs="?",
            help="Where to write the archive (default: backups/clearinghouse-<UTC time>.tar.gz).",
        )

    def handle(self, *args, archive=None, **options):
        if archive is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            archive = Path("backups") / f"clearinghouse-{stamp}.tar.gz"
        archive = Path(archive)
        archive.parent.mkdir(parents=True, exist_ok=True)

        data = io.StringIO()
        call_command(
            "dumpdata",
            exclude=EXCLUDED,
            natural_foreign=True,
            format="xml",
            stdout=data,
        )
        payload = data.getvalue().encode()

        with tarfile.open(archive, "w:gz") as tar:
            info = tarfile.TarInfo(DATA_NAME)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                tar.add(media_root, arcname=MEDIA_NAME)
        self.stdout.write(f"Backed up to {archive}")
