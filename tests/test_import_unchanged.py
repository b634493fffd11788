"""A re-import changes only what differs: the change log and every "Last updated" are a
promise to parents, and a file equal to what is stored must leave them as they were."""

import pytest
import tablib
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.helpers import confirm, upload
from vendors.models import SharingRecord, Vendor
from vendors.resources import VendorResource

pytestmark = pytest.mark.django_db


def export_csv():
    return VendorResource().export(Vendor.objects.all()).csv


def history_rows():
    """Rows in every history table, the many-to-many ones included."""
    tables = {
        model._meta.db_table: model
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
    }
    assert "vendors_historicalsharingrecord_elements" in tables
    return {table: model.objects.count() for table, model in tables.items()}


def timestamps():
    return {
        "titles": dict(Vendor.objects.values_list("slug", "updated_at")),
        "records": dict(SharingRecord.objects.values_list("pk", "updated_at")),
    }


def changed_cell(csv_text, slug, column, value):
    data = tablib.Dataset().load(csv_text, format="csv")
    rows = [list(row) for row in data]
    row = next(row for row in rows if row[data.headers.index("slug")] == slug)
    row[data.headers.index(column)] = value
    changed = tablib.Dataset(*rows, headers=data.headers)
    return changed.csv


@pytest.fixture
def generated(demo_content):
    call_command("generate_clearinghouse", vendors=12, verbosity=0)


@pytest.fixture
def district_inventory(demo_content):
    """As many titles as a real district's inventory holds."""
    call_command("generate_clearinghouse", vendors=3000, verbosity=0)


@pytest.mark.parametrize("content", ["demo_content", "generated", "district_inventory"])
def test_reimporting_what_is_stored_writes_nothing(admin_client, request, settings, content):
    # The preview within the request, whose result the test reads (the worker's is the same).
    settings.IMPORT_BACKGROUND_PREVIEW_ROWS = 10_000
    request.getfixturevalue(content)
    exported = export_csv()
    history, before = history_rows(), timestamps()
    change_log = Client().get("/changes/").content

    preview = upload(admin_client, exported)
    result = preview.context["result"]
    assert result.totals["skip"] == Vendor.objects.count()
    assert result.totals["new"] == result.totals["update"] == 0
    assert not result.valid_rows()
    assert "importing it changes nothing" in preview.content.decode()
    confirm(admin_client, preview)

    assert history_rows() == history
    assert timestamps() == before
    assert Client().get("/changes/").content == change_log


def test_a_translation_stored_as_null_reads_as_the_empty_cell_it_exports_to(
    admin_client, demo_content
):
    # The admin and loaddata store a text nobody entered as NULL or as "", by path.
    Vendor.objects.update(terms_label_en=None)
    SharingRecord.objects.update(elements_intro_en=None, legal_basis_other_en=None)
    history = history_rows()
    result = upload(admin_client, export_csv()).context["result"]
    assert result.totals["skip"] == Vendor.objects.count()
    assert history_rows() == history


def test_a_changed_field_is_the_one_row_and_field_previewed_and_written(admin_client, demo_content):
    history, before = history_rows(), timestamps()
    changed = changed_cell(export_csv(), "clever", "company", "Kahoot! (Clever)")

    preview = upload(admin_client, changed)
    result = preview.context["result"]
    assert (result.totals["update"], result.totals["skip"]) == (1, Vendor.objects.count() - 1)
    (row,) = result.valid_rows()
    assert row.object_repr == "Clever"
    assert [column for column, _diff in row.diff] == ["company"]
    assert "Kahoot! (Clever)" in str(row.diff[0][1])
    confirm(admin_client, preview)

    after = timestamps()
    assert Vendor.objects.get(slug="clever").company == "Kahoot! (Clever)"
    moved = {slug for slug, moment in after["titles"].items() if moment != before["titles"][slug]}
    assert moved == {"clever"}
    assert after["records"] == before["records"]
    grown = {table: count - history[table] for table, count in history_rows().items()}
    assert {table: more for table, more in grown.items() if more} == {"vendors_historicalvendor": 1}


def test_a_changed_record_writes_the_record_and_moves_its_title_only(admin_client, demo_content):
    clever = Vendor.objects.get(slug="clever")
    record = clever.sharing_records.get(audience__slug="parent-data")
    elements = sorted(record.elements.values_list("slug", flat=True))
    history, before = history_rows(), timestamps()
    changed = changed_cell(
        export_csv(), "clever", "parent-data data elements", "; ".join(elements[:-1])
    )

    preview = upload(admin_client, changed)
    (row,) = preview.context["result"].valid_rows()
    assert [column for column, _diff in row.diff] == ["parent-data data elements"]
    confirm(admin_client, preview)

    assert sorted(record.elements.values_list("slug", flat=True)) == elements[:-1]
    after = timestamps()
    assert {s for s, t in after["titles"].items() if t != before["titles"][s]} == {"clever"}
    assert {pk for pk, t in after["records"].items() if t != before["records"][pk]} == {record.pk}
    # The title's own fields did not change: its history has no empty entry.
    assert history_rows()["vendors_historicalvendor"] == history["vendors_historicalvendor"]
    assert (
        history_rows()["vendors_historicalsharingrecord"]
        > history["vendors_historicalsharingrecord"]
    )


def import_queries(count):
    call_command("generate_clearinghouse", vendors=count, seed=count, verbosity=0)
    dataset = tablib.Dataset().load(export_csv(), format="csv")
    with CaptureQueriesContext(connection) as queries:
        result = VendorResource().import_data(dataset, dry_run=True)
    assert result.totals["skip"] == len(dataset)
    Vendor.objects.all().delete()
    # The library gives each row a savepoint, so that a failed row leaves the transaction
    # usable: not a query of ours, and nothing the database reads.
    return len([q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_reading_a_file_costs_the_same_queries_for_5_titles_as_for_50(demo_content):
    # Every title, record, element and shared text is read in a few queries, not per row.
    assert import_queries(50) <= import_queries(5) + 2
