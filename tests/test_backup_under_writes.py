"""A backup taken while an editor keeps adding titles restores whole, every foreign key intact.

An integration test with real processes, on databases of its own: SQLite files in the default
rollback-journal mode and in WAL mode, and PostgreSQL when DATABASE_URL names it (two scratch
databases beside the test database, dropped afterwards). A writer process adds titles, each
with a sharing record per audience and the usage statement written for them, in one
transaction; `manage.py backup` runs meanwhile, and `manage.py restore` loads the archive into
an empty database.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import time

import environ
import psycopg
import pytest
from django.apps import apps
from django.conf import settings

from vendors.models import SharingRecord, Vendor

WRITTEN = "written-"
WRITER = f"""
import sys, time
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from django.db import transaction
from vendors.models import (
    Audience, DataElement, DestructionTerm, PublicationStatus, SharingRecord, UsageStatement,
    Vendor,
)
call_command("load_demo_content", verbosity=0)
audiences = list(Audience.objects.all())
elements = list(DataElement.objects.all()[:3])
term = DestructionTerm.objects.first()
started, stop = Path(sys.argv[1]), Path(sys.argv[2])
deadline = time.monotonic() + 60
number = 0
while not stop.exists() and time.monotonic() < deadline:
    with transaction.atomic():
        usage = UsageStatement.objects.create(title=f"Usage {{number}}", text="For the service.")
        title = Vendor.objects.create(
            name=f"Written {{number}}", slug=f"{WRITTEN}{{number}}", description="New.",
            status=PublicationStatus.PUBLISHED,
        )
        for audience in audiences:
            record = SharingRecord.objects.create(
                vendor=title, audience=audience, usage_statement=usage, destruction_term=term,
                status=PublicationStatus.PUBLISHED,
            )
            record.elements.set(elements)
    number += 1
    started.touch()
"""
SECONDS = 60

URL = os.environ.get("DATABASE_URL", "")
DATABASES = ["sqlite-delete", "sqlite-wal"] + (["postgresql"] if URL.startswith("postgres") else [])


def manage(database_url, folder, *args, timeout=SECONDS):
    """Run manage.py against database_url, with the media and cache in folder."""
    return subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=environment(database_url, folder),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def environment(database_url, folder):
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(folder / "media"),
        "PAGE_CACHE_DIR": str(folder / "cache"),
    }


def succeeded(result):
    assert result.returncode == 0, result.stderr[-3000:]
    return result


class Database:
    """One database, by URL, with a plain DB-API connection for the test's own counting."""

    def __init__(self, url, connect):
        self.url = url
        self.connect = connect

    def count(self, sql):
        connection = self.connect()
        try:
            return connection.execute(sql).fetchone()[0]
        finally:
            connection.close()


def sqlite_database(path):
    return Database(f"sqlite:///{path}", lambda: sqlite3.connect(path))


def postgresql_database(config, name):
    return Database(
        URL.rsplit("/", 1)[0] + f"/{name}",
        lambda: psycopg.connect(
            dbname=name,
            user=config["USER"],
            password=config["PASSWORD"],
            host=config["HOST"],
            port=config["PORT"] or None,
        ),
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("backup-under-writes")


@pytest.fixture(scope="module")
def migrated_sqlite(folder):
    path = folder / "migrated.sqlite3"
    succeeded(manage(f"sqlite:///{path}", folder, "migrate", timeout=4 * SECONDS))
    return path


@pytest.fixture(params=DATABASES)
def source_and_target(request, folder):
    """A migrated source, and an empty migrated target: copies of one migrated database."""
    if request.param.startswith("sqlite"):
        migrated = request.getfixturevalue("migrated_sqlite")
        source, target = folder / "source.sqlite3", folder / "target.sqlite3"
        for path in (source, target):
            path.unlink(missing_ok=True)
            shutil.copyfile(migrated, path)
        with sqlite3.connect(source) as connection:
            connection.execute(f"PRAGMA journal_mode={request.param.removeprefix('sqlite-')}")
        yield sqlite_database(source), sqlite_database(target)
        return
    config = environ.Env.db_url_config(URL)
    server = postgresql_database(config, "postgres")
    prefix = f"{config['NAME']}_backup"
    source, target = f"{prefix}_source", f"{prefix}_target"

    def drop():
        with server.connect() as connection:
            connection.autocommit = True
            for name in (source, target):
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with server.connect() as connection:
        connection.autocommit = True
        connection.execute(f'CREATE DATABASE "{target}"')
        succeeded(manage(postgresql_database(config, target).url, folder, "migrate"))
        connection.execute(f'CREATE DATABASE "{source}" TEMPLATE "{target}"')
    yield postgresql_database(config, source), postgresql_database(config, target)
    drop()


# The test's own SQL names only tables and columns from the models, and constants.
def written_titles(database):
    return database.count(
        f"SELECT COUNT(*) FROM {Vendor._meta.db_table} WHERE slug LIKE '{WRITTEN}%'"  # noqa: S608
    )


def titles_without_all_their_records(database):
    audiences = database.count("SELECT COUNT(*) FROM vendors_audience")
    return database.count(
        f"SELECT COUNT(*) FROM {Vendor._meta.db_table} AS title "  # noqa: S608
        f"WHERE slug LIKE '{WRITTEN}%' AND {audiences} != "
        f"(SELECT COUNT(*) FROM {SharingRecord._meta.db_table} AS record "
        "WHERE record.vendor_id = title.id)"
    )


def foreign_keys():
    """(table, column, referenced table, referenced column) of every constrained key."""
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if (field.many_to_one or field.one_to_one) and field.db_constraint:
                target = field.target_field
                yield (
                    model._meta.db_table,
                    field.column,
                    target.model._meta.db_table,
                    target.column,
                )


def rows_and_dangling_references(database):
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    rows = sum(database.count(f'SELECT COUNT(*) FROM "{table}"') for table in tables)  # noqa: S608
    dangling = sum(
        database.count(
            f'SELECT COUNT(*) FROM "{table}" AS child WHERE child."{column}" IS NOT NULL '  # noqa: S608
            f'AND NOT EXISTS (SELECT 1 FROM "{target}" AS parent '
            f'WHERE parent."{key}" = child."{column}")'
        )
        for table, column, target, key in foreign_keys()
    )
    return rows, dangling


def test_a_backup_taken_during_writes_restores_with_every_foreign_key_intact(
    source_and_target, folder
):
    source, target = source_and_target
    started, stop = folder / "started", folder / "stop"
    started.unlink(missing_ok=True)
    stop.unlink(missing_ok=True)
    writer = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", WRITER, str(started), str(stop)],
        cwd=settings.BASE_DIR,
        env=environment(source.url, folder),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + SECONDS
        while not started.exists():
            assert writer.poll() is None, writer.stderr.read()[-3000:]
            assert time.monotonic() < deadline, "the writer never committed a title"
            time.sleep(0.05)
        before = written_titles(source)
        succeeded(manage(source.url, folder, "backup", str(folder / "backup.tar.gz")))
        after = written_titles(source)
    finally:
        stop.touch()
        try:
            writer.wait(timeout=SECONDS)
        except subprocess.TimeoutExpired:
            writer.kill()
            writer.wait()
    assert writer.returncode == 0, writer.stderr.read()[-3000:]
    assert after > before, "the writer should have gone on adding titles during the backup"

    succeeded(manage(target.url, folder, "restore", str(folder / "backup.tar.gz")))

    rows, dangling = rows_and_dangling_references(target)
    restored = written_titles(target)
    print(f"{rows} rows compared, {dangling} dangling; {restored} of {after} written titles")
    assert dangling == 0
    assert before <= restored <= after
    assert titles_without_all_their_records(target) == 0
