"""Backups restore every table and every uploaded file exactly; migrations run both ways."""

import io
import json
import tarfile
from http import HTTPStatus
from xml.etree import ElementTree

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django_otp.plugins.otp_totp.models import TOTPDevice

from clearinghouse.management.commands.backup import DATA_NAME
from tests.factories import (
    AudienceFactory,
    DistrictProfileFactory,
    SharingRecordFactory,
    VendorFactory,
)
from vendors.models import Audience, PublicationStatus, SharingRecord, Vendor

pytestmark = pytest.mark.django_db

# These get new ids in a new database; rows pointing at them are compared by natural key.
RENUMBERED = {ContentType, Permission}


def every_model():
    return apps.get_models(include_auto_created=True)


def snapshot():
    """Every row of every table, keyed by model, in a form independent of row order."""
    tables = {}
    for model in every_model():
        rows = serializers.serialize(
            "python",
            model._default_manager.all(),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=model in RENUMBERED,
        )
        if model._meta.auto_created:
            # A many-to-many link row's own id is not data: loaddata recreates the links.
            for row in rows:
                row.pop("pk")
        tables[model._meta.db_table] = sorted(json.dumps(row, default=str) for row in rows)
    return tables


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def full_site(media_root, admin_client, django_user_model):
    DistrictProfileFactory()
    parents = AudienceFactory()
    SharingRecordFactory(vendor__name="Clever", vendor__slug="clever", audience=parents)
    renamed = VendorFactory(slug="old-name", status=PublicationStatus.RETIRED)
    renamed.slug = "new-name"
    renamed.save()
    VendorFactory(name="Drafty", status=PublicationStatus.DRAFT)
    staff = django_user_model.objects.create_user("bob", password="a long enough password")
    staff.user_permissions.add(Permission.objects.get(codename="change_vendor"))
    TOTPDevice.objects.create(user=staff, name="phone")
    # An admin session and a change-log entry, as a real site has.
    response = admin_client.post(
        f"/admin/vendors/vendor/{renamed.pk}/change/",
        {"name": "Renamed", "slug": "new-name", "description": "x", "status": "published"},
    )
    assert response.status_code in {HTTPStatus.OK, HTTPStatus.FOUND}
    (media_root / "agreements").mkdir(parents=True)
    (media_root / "agreements" / "clever.pdf").write_bytes(b"%PDF-1.7 agreement \x00\xff")


def test_every_table_is_compared():
    compared = {model._meta.db_table for model in every_model()}
    in_database = set(connection.introspection.table_names()) - {"django_migrations"}
    assert in_database <= compared


# Outside a test transaction: PostgreSQL refuses to TRUNCATE (flush) tables that have
# deferred constraint checks pending, as they do inside one.
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_every_table_and_file(full_site, media_root, tmp_path):
    before = snapshot()
    assert before["vendors_vendorslugredirect"], "the fixture should fill the history tables"
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    (media_root / "agreements" / "clever.pdf").unlink()
    assert not Vendor.objects.exists()

    call_command("restore", str(archive), verbosity=0)

    after = snapshot()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table
    assert (media_root / "agreements" / "clever.pdf").read_bytes() == (
        b"%PDF-1.7 agreement \x00\xff"
    )


# Backups read in a transaction of their own, so none can be open around them.
@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(full_site, tmp_path):
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), verbosity=0)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(Exception, match=r"not a gzip|file could not be opened|bad"):
        call_command("restore", str(bogus), verbosity=0)


def test_backup_refuses_to_run_inside_another_transaction(tmp_path):
    with transaction.atomic(), pytest.raises(CommandError, match="outside any other transaction"):
        call_command("backup", str(tmp_path / "backup.tar.gz"), verbosity=0)


def tampered(archive, change):
    """The archive with its data rewritten by change(root of the XML), as a damaged or
    hand-edited copy would be."""
    with tarfile.open(archive, "r:gz") as tar:
        members = [(member, tar.extractfile(member)) for member in tar.getmembers()]
        members = [(member, file.read() if file else None) for member, file in members]
    with tarfile.open(archive, "w:gz") as tar:
        for member, content in members:
            if member.name == DATA_NAME:
                root = ElementTree.fromstring(content)  # noqa: S314 (our own backup)
                change(root)
                content = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
                member.size = len(content)
            tar.addfile(member, io.BytesIO(content) if content is not None else None)
    return archive


@pytest.fixture
def backup_of_one_record(tmp_path):
    """An archive of a site with one title and its record, and an emptied database."""
    SharingRecordFactory(vendor__slug="clever")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    return archive


def objects_of(root, label):
    return [element for element in root if element.get("model") == label]


def restore_keeps_nothing(archive, change, message):
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(tampered(archive, change)), verbosity=0)
    for model in (Audience, Vendor, SharingRecord):
        assert not model.objects.exists(), model


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_breaks_a_foreign_key_keeps_nothing_and_says_why(backup_of_one_record):
    def drop_the_title(root):
        for element in objects_of(root, "vendors.vendor"):
            root.remove(element)

    restore_keeps_nothing(backup_of_one_record, drop_the_title, r"Nothing was restored: .*vendor")


@pytest.mark.django_db(transaction=True)
def test_a_restore_that_loads_fewer_rows_than_the_archive_holds_keeps_nothing(
    backup_of_one_record,
):
    # Two copies of one row load as one: a restore must not quietly lose a row.
    def repeat_the_title(root):
        (title,) = objects_of(root, "vendors.vendor")
        root.append(title)

    restore_keeps_nothing(
        backup_of_one_record, repeat_the_title, r"vendors\.Vendor: 2 in the archive, 1 loaded"
    )


@pytest.mark.django_db(transaction=True)
def test_every_migration_reverses_to_zero_and_applies_again():
    # Permissions are derived rows that migrate recreates; auth's own 0002, reversed, cannot
    # shrink their name column to 50 characters while longer names (our history models') exist.
    Permission.objects.all().delete()
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    # django-tasks-db's own 0013 is a RunPython with no reverse; its tables stand alone.
    reversible = {app for app, _name in leaves} - {"django_tasks_database"}
    executor.migrate([(app, None) for app in reversible])
    executor.loader.build_graph()
    assert {app for app, _name in executor.loader.applied_migrations} <= {"django_tasks_database"}

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)
    applied = MigrationLoader(connection).applied_migrations
    assert set(leaves) <= set(applied)
    # The schema works again, end to end.
    call_command("load_demo_content", verbosity=0)
    assert Vendor.objects.listed().exists()
