"""Bulk import and export through django-import-export 4.4.3, which does not yet declare
Django 6: these tests are what hold it to Django 6.1."""

import csv
import io
from http import HTTPStatus

import pytest
import tablib
from django.contrib.admin import site as admin_site
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import (
    DataElementFactory,
    DestructionTermFactory,
    SharingRecordFactory,
    UsageStatementFactory,
    VendorFactory,
)
from vendors.admin import VendorAdmin
from vendors.models import DestructionTerm, PublicationStatus, SharingRecord, UsageStatement, Vendor
from vendors.resources import MAX_IMPORT_BYTES, VendorResource

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:vendors_vendor_import")
EXPORT_URL = reverse("admin:vendors_vendor_export")
CSV_FORMAT = "0"  # The first of the admin's import and export formats.


def export_csv(**filters):
    return VendorResource().export(Vendor.objects.filter(**filters)).csv


def rows(csv_text):
    return list(csv.DictReader(io.StringIO(csv_text)))


def upload(client, content, name="titles.csv"):
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, content, content_type="text/csv"),
        },
    )


def confirm(client, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name) for name in form.fields}
    return client.post(reverse("admin:vendors_vendor_process_import"), data)


def page_text(response):
    return response.content.decode()


@pytest.fixture
def catalog(parent_audience, student_audience):
    return [DataElementFactory(slug="parent-email"), DataElementFactory(slug="student-name")]


def new_title_csv(**overrides):
    row = {
        "slug": "new-app",
        "name": "New App",
        "company": "",
        "status": "published",
        "description": "Helps children read.",
        "privacy_policy_label": "Privacy",
        "privacy_policy_url": "https://new.example/privacy",
        "terms_label": "",
        "terms_url": "",
        "website_label": "",
        "website_url": "",
        "parent-data status": "published",
        "parent-data elements intro": "",
        "parent-data data elements": "parent-email",
        "parent-data usage statement": "Reading",
        "parent-data usage statement text": "Used to teach reading.",
        "parent-data destruction term": "Thirty days",
        "parent-data destruction term text": "Destroyed in 30 days.",
    }
    row.update(overrides)
    data = tablib.Dataset(headers=list(row))
    data.append(list(row.values()))
    return data.csv


def test_export_has_one_row_per_title_with_each_audience_record(
    district, parent_audience, student_audience
):
    element = DataElementFactory(slug="parent-email")
    record = SharingRecordFactory(audience=parent_audience, elements=[element])
    (row,) = rows(export_csv())
    assert row["slug"] == record.vendor.slug
    assert row["parent-data status"] == "published"
    assert row["parent-data data elements"] == "parent-email"
    assert row["parent-data usage statement text"] == record.usage_statement.text
    assert row["parent-data destruction term"] == record.destruction_term.title
    assert row["student-data status"] == ""


def test_admin_export_of_a_filtered_changelist_contains_only_the_filtered_titles(
    admin_client, district, parent_audience
):
    SharingRecordFactory(vendor__name="Drafty", vendor__status=PublicationStatus.DRAFT)
    SharingRecordFactory(vendor__name="Live", vendor__status=PublicationStatus.PUBLISHED)
    url = f"{EXPORT_URL}?status__exact=draft"
    form = admin_client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial}
    data.update({"resource": "0", "format": CSV_FORMAT})
    response = admin_client.post(url, data)
    assert response.status_code == HTTPStatus.OK, page_text(response)[:2000]
    names = [row["name"] for row in rows(response.content.decode("utf-8-sig"))]
    assert names == ["Drafty"]


def test_export_as_xlsx_opens_as_a_spreadsheet(district, parent_audience):
    SharingRecordFactory(audience=parent_audience, vendor__name="Sheet App")
    xlsx = VendorResource().export(Vendor.objects.all()).xlsx
    back = tablib.Dataset().load(xlsx, format="xlsx")
    assert back["name"] == ["Sheet App"]


def test_import_preview_shows_what_would_be_created_and_changes_nothing(
    admin_client, district, catalog
):
    response = upload(admin_client, new_title_csv())
    assert response.status_code == HTTPStatus.OK
    result = response.context["result"]
    assert not result.has_errors()
    assert result.totals["new"] == 1
    assert "New App" in page_text(response)
    assert not Vendor.objects.filter(slug="new-app").exists()


def test_confirmed_import_creates_the_title_and_its_record(admin_client, district, catalog):
    response = confirm(admin_client, upload(admin_client, new_title_csv()))
    assert response.status_code == HTTPStatus.FOUND
    record = SharingRecord.objects.get(vendor__slug="new-app")
    assert [e.slug for e in record.elements.all()] == ["parent-email"]
    assert record.usage_statement.text == "Used to teach reading."
    assert "New App" in Client().get("/parent-data/").content.decode()


def test_import_preview_shows_a_changed_field_of_an_existing_title(admin_client, district, catalog):
    VendorFactory(slug="new-app", name="Old Name")
    response = upload(admin_client, new_title_csv())
    result = response.context["result"]
    assert result.totals["update"] == 1
    assert "Old Name" in page_text(response)


def test_an_error_names_the_row_and_the_column(admin_client, district, catalog):
    response = upload(admin_client, new_title_csv(privacy_policy_url="javascript:alert(1)"))
    result = response.context["result"]
    (invalid,) = result.invalid_rows
    assert invalid.number == 1
    assert "privacy_policy_url" in invalid.error_dict


def test_a_file_with_one_bad_row_changes_nothing(admin_client, district, catalog):
    existing = VendorFactory(slug="old-app", name="Old App")
    data = tablib.Dataset().load(new_title_csv(), format="csv")
    good = list(data[0])
    data.append(["old-app", "Renamed App", *good[2:]])
    bad = list(good)
    bad[0], bad[1] = "bad-app", "Bad App"
    bad[data.headers.index("parent-data data elements")] = "no-such-element"
    data.append(bad)
    response = upload(admin_client, data.csv)
    assert response.context["result"].has_validation_errors()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    # Even run for real, the good rows roll back with the bad one.
    result = VendorResource().import_data(data, dry_run=False)
    assert result.has_validation_errors()
    existing.refresh_from_db()
    assert existing.name == "Old App"
    assert not Vendor.objects.filter(slug__in=["new-app", "bad-app"]).exists()


def test_an_unknown_data_element_is_named(admin_client, district, catalog):
    response = upload(admin_client, new_title_csv(**{"parent-data data elements": "shoe-size"}))
    (invalid,) = response.context["result"].invalid_rows
    assert "shoe-size" in str(invalid.error_dict["parent-data data elements"])


def test_a_published_record_without_data_elements_is_refused(admin_client, district, catalog):
    response = upload(admin_client, new_title_csv(**{"parent-data data elements": ""}))
    (invalid,) = response.context["result"].invalid_rows
    assert "parent-data data elements" in invalid.error_dict


def test_an_empty_new_statement_is_refused(admin_client, district, catalog):
    csv_text = new_title_csv(**{"parent-data usage statement text": ""})
    response = upload(admin_client, csv_text)
    (invalid,) = response.context["result"].invalid_rows
    assert "parent-data usage statement text" in invalid.error_dict
    assert not UsageStatement.objects.filter(title="Reading").exists()


def test_an_unknown_audience_is_named(admin_client, district, catalog):
    csv_text = new_title_csv().replace("parent-data ", "grandparent-data ")
    response = upload(admin_client, csv_text)
    assert "grandparent-data" in page_text(response)
    assert response.context["result"].has_errors()
    assert not Vendor.objects.exists()


def test_missing_columns_are_named(admin_client, district, catalog):
    data = tablib.Dataset().load(new_title_csv(), format="csv")
    del data["description"]
    response = upload(admin_client, data.csv)
    assert "Missing columns: description" in page_text(response)
    assert not Vendor.objects.exists()


def test_a_duplicate_slug_in_the_file_is_refused(admin_client, district, catalog):
    data = tablib.Dataset().load(new_title_csv(), format="csv")
    data.append(list(data[0]))
    response = upload(admin_client, data.csv)
    assert "rows 1 and 2" in page_text(response)
    assert not Vendor.objects.exists()


def test_a_file_in_the_wrong_encoding_gets_a_clear_message(admin_client, district, catalog):
    content = new_title_csv(name="Élan Ñ App").encode("utf-16")
    response = upload(admin_client, content)
    assert response.status_code == HTTPStatus.OK
    assert "not UTF-8" in page_text(response)
    assert not Vendor.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "The submitted file is empty."), ("slug,name\n", "No valid data to import.")],
)
def test_an_empty_file_gets_a_clear_message(admin_client, district, catalog, content, message):
    response = upload(admin_client, content)
    assert response.status_code == HTTPStatus.OK
    assert message in response.context["form"].errors["import_file"][0]
    assert not Vendor.objects.exists()


def test_a_file_over_the_limit_is_refused_with_the_limit_stated(admin_client, district):
    response = upload(admin_client, b"x" * (MAX_IMPORT_BYTES + 1))
    assert response.status_code == HTTPStatus.OK
    assert "the limit is 2.0\xa0MB" in page_text(response)


def test_an_editor_may_export_but_not_import(editor_client, district):
    assert editor_client.get(EXPORT_URL).status_code == HTTPStatus.OK
    assert editor_client.get(IMPORT_URL).status_code == HTTPStatus.FORBIDDEN


PUBLIC_PAGES = ["/", "/parent-data/", "/student-data/", "/vendors/", "/data-elements/"]


def test_round_trip_export_then_import_into_an_empty_database_renders_the_same_pages(
    district, parent_audience, student_audience
):
    elements = [DataElementFactory(), DataElementFactory(), DataElementFactory()]
    usage, destruction = UsageStatementFactory(), DestructionTermFactory()
    for n in range(3):
        record = SharingRecordFactory(
            audience=parent_audience,
            vendor__name=f"Title {n}",
            vendor__company=f"Company {n}",
            elements=elements[: n + 1],
            usage_statement=usage,
            destruction_term=destruction,
            elements_intro="These are shared:" if n else "",
        )
        SharingRecordFactory(vendor=record.vendor, audience=student_audience, elements=elements)
    SharingRecordFactory(vendor__status=PublicationStatus.DRAFT, audience=parent_audience)
    slugs = list(Vendor.objects.values_list("slug", flat=True))
    pages = PUBLIC_PAGES + [f"/vendors/{slug}/" for slug in slugs]
    before = {url: Client().get(url).content for url in pages}

    exported = export_csv()
    Vendor.objects.all().delete()
    UsageStatement.objects.all().delete()
    DestructionTerm.objects.all().delete()
    result = VendorResource().import_data(
        tablib.Dataset().load(exported, format="csv"), dry_run=False
    )

    assert not result.has_errors() and not result.has_validation_errors()
    after = {url: Client().get(url).content for url in pages}
    assert after == before


def test_an_xlsx_file_imports_like_a_csv(admin_client, district, catalog):
    xlsx = tablib.Dataset().load(new_title_csv(), format="csv").xlsx
    formats = [f().get_title() for f in VendorAdmin(Vendor, admin_site).get_import_formats()]
    response = admin_client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": str(formats.index("xlsx")),
            "import_file": SimpleUploadedFile("titles.xlsx", xlsx),
        },
    )
    confirm(admin_client, response)
    assert Vendor.objects.filter(slug="new-app").exists()


def test_import_preview_shows_changed_data_elements_of_an_existing_record(
    admin_client, district, catalog
):
    confirm(admin_client, upload(admin_client, new_title_csv()))
    changed = new_title_csv(**{"parent-data data elements": "parent-email; student-name"})
    response = upload(admin_client, changed)
    assert response.context["result"].totals["update"] == 1
    assert "student-name" in page_text(response)
    record = SharingRecord.objects.get(vendor__slug="new-app")
    assert [e.slug for e in record.elements.all()] == ["parent-email"]
