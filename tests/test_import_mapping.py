"""A district's own spreadsheet: its headers matched to ours, in the admin and in
`manage.py import_titles --mapping`, and its data elements named as the district writes them."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import DataElementFactory
from tests.helpers import CSV_FORMAT, IMPORT_URL, confirm, new_title_csv, run_command, upload
from vendors.models import ColumnMapping, SharingRecord, Vendor
from vendors.resources import VendorResource

pytestmark = pytest.mark.django_db


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content)
    return str(path)


THEIR_HEADERS = {
    "name": "App name",
    "company": "Vendor",
    "parent-data data elements": "Data collected",
}
MAPPING = {theirs: ours for ours, theirs in THEIR_HEADERS.items()}


def district_sheet(**cells):
    data = tablib.Dataset().load(new_title_csv(**cells), format="csv")
    data.headers = [THEIR_HEADERS.get(header, header) for header in data.headers]
    return data.csv


@pytest.fixture
def catalog(district, parent_audience, student_audience):
    return [
        DataElementFactory(slug="parent-email", name="Parent Email"),
        DataElementFactory(slug="phone-number", name="Phone Number", name_es="Número de teléfono"),
    ]


def map_columns(client, response, **choices):
    """Post the mapping step as a staff member would: the form's choices, some changed."""
    form = response.context["form"]
    assert form.needs_mapping
    data = {name: form.data.get(name, "") for name in ("stored_file", "original_name")}
    data.update({"resource": "0", "format": CSV_FORMAT})
    for field in form.column_fields():
        data[field.name] = choices.get(field.label, field.value())
    data.update(choices.get("extra", {}))
    return client.post(IMPORT_URL, data)


def test_a_district_sheet_asks_for_its_columns_with_ours_matched_already(admin_client, catalog):
    sheet = district_sheet().replace("privacy_policy_url", "Privacy policy URL")
    response = upload(admin_client, sheet)
    form = response.context["form"]
    assert form.needs_mapping and "result" not in response.context
    chosen = {field.label: field.value() for field in form.column_fields()}
    assert chosen["slug"] == "slug" and chosen["App name"] == ""
    assert chosen["Privacy policy URL"] == "privacy_policy_url"
    page = response.content.decode()
    assert "Match your columns to ours" in page and "App name" in page


def test_a_district_sheet_imports_through_the_mapping_and_saves_it(admin_client, catalog):
    step = upload(admin_client, district_sheet(company="Acme"))
    preview = map_columns(admin_client, step, **MAPPING, extra={"save_mapping_as": "Our sheet"})
    assert preview.context["result"].totals["new"] == 1
    confirm(admin_client, preview)
    title = Vendor.objects.get(slug="new-app")
    assert (title.name, title.company) == ("New App", "Acme")
    record = SharingRecord.objects.get(vendor=title)
    assert [element.slug for element in record.elements.all()] == ["parent-email"]
    assert ColumnMapping.objects.get(name="Our sheet").columns == MAPPING


def test_a_saved_mapping_goes_straight_to_the_preview(admin_client, catalog):
    saved = ColumnMapping.objects.create(name="Our sheet", columns=MAPPING)
    response = admin_client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "saved_mapping": saved.pk,
            "import_file": _file(district_sheet()),
        },
    )
    assert response.context["result"].totals["new"] == 1
    confirm(admin_client, response)
    assert Vendor.objects.get(slug="new-app").name == "New App"


def _file(content):
    return SimpleUploadedFile("titles.csv", content.encode(), content_type="text/csv")


def test_a_mapping_that_leaves_out_a_required_column_says_which(admin_client, catalog):
    step = upload(admin_client, district_sheet())
    response = map_columns(admin_client, step, **{**MAPPING, "App name": ""})
    assert "No column of the file is mapped to: name." in response.content.decode()
    assert not Vendor.objects.exists()


def test_two_columns_mapped_to_one_of_ours_are_refused(admin_client, catalog):
    step = upload(admin_client, district_sheet())
    response = map_columns(admin_client, step, **{**MAPPING, "Vendor": "name"})
    assert "are both mapped to “name”" in response.content.decode()


def test_the_command_imports_through_a_saved_mapping(catalog, tmp_path):
    ColumnMapping.objects.create(name="Our sheet", columns=MAPPING)
    path = write(tmp_path, "titles.csv", district_sheet(company="Acme"))
    status, _out, err = run_command("import_titles", path, "--mapping", "Our sheet")
    assert status == 0, err
    assert Vendor.objects.get(slug="new-app").company == "Acme"


def test_the_command_names_an_unknown_mapping_and_exits_2(catalog, tmp_path):
    ColumnMapping.objects.create(name="Our sheet", columns=MAPPING)
    path = write(tmp_path, "titles.csv", district_sheet())
    status, _out, err = run_command("import_titles", path, "--mapping", "Their sheet")
    assert status == 2
    assert "no saved column mapping “Their sheet”" in err and "Our sheet" in err


def test_a_saved_mapping_to_a_column_we_no_longer_have_is_a_clear_error(catalog, tmp_path):
    ColumnMapping.objects.create(name="Old", columns={**MAPPING, "Vendor": "vendor_name"})
    path = write(tmp_path, "titles.csv", district_sheet())
    status, _out, err = run_command("import_titles", path, "--mapping", "Old")
    assert status == 2
    assert "“Vendor” is mapped to “vendor_name”, which is not one of our columns." in err


def test_the_admin_refuses_to_save_a_mapping_to_an_unknown_column(admin_client, catalog):
    response = admin_client.post(
        "/admin/vendors/columnmapping/add/",
        {"name": "Bad", "columns": '{"Vendor": "vendor_name"}'},
    )
    assert "which is not one of our columns" in response.content.decode()
    assert not ColumnMapping.objects.exists()


@pytest.mark.parametrize(
    "cell", ["parent EMAIL", " Párent Emaîl ", "Número de teléfono", "parent-email; PHONE number"]
)
def test_elements_are_found_by_name_in_any_case_and_accent(catalog, tmp_path, cell):
    path = write(tmp_path, "titles.csv", new_title_csv(**{"parent-data data elements": cell}))
    status, _out, err = run_command("import_titles", path)
    assert status == 0, err
    record = SharingRecord.objects.get(vendor__slug="new-app")
    assert record.elements.exists()


def test_a_near_miss_asks_did_you_mean(admin_client, catalog, tmp_path):
    csv_text = new_title_csv(**{"parent-data data elements": "Parent Emial"})
    status, _out, err = run_command("import_titles", write(tmp_path, "titles.csv", csv_text))
    assert status == 1
    assert "Unknown data element “Parent Emial”: did you mean “Parent Email”?" in err
    preview = upload(admin_client, csv_text).content.decode()
    assert "did you mean “Parent Email”?" in preview
    assert not Vendor.objects.exists()


def mapped_import_queries(count):
    data = tablib.Dataset(headers=tablib.Dataset().load(district_sheet(), format="csv").headers)
    for number in range(count):
        row = tablib.Dataset().load(
            district_sheet(slug=f"app-{number}", **{"parent-data data elements": "parent EMAIL"}),
            format="csv",
        )[0]
        data.append(row)
    VendorResource(column_mapping=MAPPING).import_data(data)
    # Read, not written: a re-import of what is stored.
    with CaptureQueriesContext(connection) as queries:
        result = VendorResource(column_mapping=MAPPING).import_data(data, dry_run=True)
    assert result.totals["skip"] == count
    Vendor.objects.all().delete()
    return len([q for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_a_mapped_sheet_with_names_costs_the_same_queries_for_5_rows_as_for_50(catalog):
    assert mapped_import_queries(50) <= mapped_import_queries(5) + 2


def test_a_header_is_shown_as_text_never_as_markup(admin_client, catalog):
    sheet = district_sheet().replace("Vendor", "<b>Vendor</b>")
    page = upload(admin_client, sheet).content.decode()
    assert "&lt;b&gt;Vendor&lt;/b&gt;" in page and "<b>Vendor</b>" not in page


def test_a_saved_mapping_to_a_column_we_no_longer_have_is_named_in_the_preview(
    admin_client, catalog
):
    saved = ColumnMapping.objects.create(name="Old", columns={**MAPPING, "Vendor": "vendor_name"})
    response = admin_client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "saved_mapping": saved.pk,
            "import_file": _file(district_sheet()),
        },
    )
    assert "“Vendor” is mapped to “vendor_name”" in response.content.decode()
    assert not response.context.get("confirm_form")


def test_a_name_under_two_headings_asks_for_the_slug(catalog, tmp_path):
    DataElementFactory(slug="guardian-email", name="Parent Email")
    csv_text = new_title_csv(**{"parent-data data elements": "parent email"})
    status, _out, err = run_command("import_titles", write(tmp_path, "titles.csv", csv_text))
    assert status == 1
    assert "names several data elements: use one of guardian-email, parent-email" in err


def uploads_left(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_the_file_waits_for_the_mapping_and_no_longer(admin_client, catalog, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    step = upload(admin_client, district_sheet())
    assert len(uploads_left(settings.MEDIA_ROOT)) == 1
    # A mapped preview with a bad row is refused: nothing waits for a confirm.
    bad = upload(admin_client, district_sheet(**{"parent-data data elements": "shoe size"}))
    refused = map_columns(admin_client, bad, **MAPPING)
    assert not refused.context.get("confirm_form")
    assert len(uploads_left(settings.MEDIA_ROOT)) == 1  # the first file, still at its step
    confirm(admin_client, map_columns(admin_client, step, **MAPPING))
    assert uploads_left(settings.MEDIA_ROOT) == []
