"""Write the whole database and the uploaded files into one .tar.gz archive.

The data is read in one read-only transaction, so the archive holds the database as it
stood at one moment, while editors go on working: a title, its sharing records and the
statement they point at are all in it or all left out, and a restore finds every row that
a foreign key names. `dumpdata` alone reads table after table, each as it is by then.

- PostgreSQL: the transaction is REPEATABLE READ, so every query in it sees the snapshot
  taken at its first one (as pg_dump does). Writers are not held up.
- SQLite (https://www.sqlite.org/isolation.html): the transaction begins deferred, takes
  the read lock at its first query and keeps it to the end. In the default rollback-journal
  mode that lock is a SHARED lock on the file, and no other connection can commit while it
  is held: a writer waits for the backup (up to its busy timeout, 5 s by default, then it
  fails with "database is locked"), so nothing changes under the reader. In WAL mode the
  reader keeps the end of the log as it was when it began and sees that snapshot while
  writers commit beside it.

It runs in a transaction of its own: inside a caller's, it could not choose its snapshot.
The uploaded files are copied after the data, so every file the data names is in the
archive unless it was deleted during the backup; one uploaded since rides along unused.
"""

import io
import tarfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError, call_command
from django.db import connection, transaction

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
        payload = self.snapshot()
        with tarfile.open(archive, "w:gz") as tar:
            info = tarfile.TarInfo(DATA_NAME)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                tar.add(media_root, arcname=MEDIA_NAME)
        self.stdout.write(f"Backed up to {archive}")

    @staticmethod
    def snapshot():
        """Every row, read in one transaction, as XML."""
        if connection.in_atomic_block:
            raise CommandError(
                "backup reads the database in a transaction of its own, so that the archive "
                "is one consistent snapshot: run it outside any other transaction."
            )
        data = io.StringIO()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            call_command(
                "dumpdata",
                exclude=EXCLUDED,
                natural_foreign=True,
                # A default manager that hid rows would hide them from the backup too.
                use_base_manager=True,
                format="xml",
                stdout=data,
            )
        return data.getvalue().encode()
