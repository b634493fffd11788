"""Bulk import and export through django-import-export 4.4.3, which does not yet declare
Django 6: these tests are what hold it to Django 6.1."""

import contextlib
import csv
import datetime
import io
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from http import HTTPStatus
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.contrib.admin import site as admin_site
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.test.client import encode_multipart
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    AgreementFactory,
    DataElementFactory,
    DestructionTermFactory,
    SharingRecordFactory,
    SubprocessorFactory,
    UsageStatementFactory,
    VendorFactory,
)
from tests.helpers import (
    CSV_FORMAT,
    EXPORT_URL,
    IMPORT_URL,
    admin_export,
    confirm,
    entity_expansion_xlsx,
    new_title_csv,
    rebuilt_xlsx,
    upload,
    zip_bomb_xlsx,
)
from vendors.admin import VendorAdmin
from vendors.models import (
    Agreement,
    AgreementStatus,
    Audience,
    DataElement,
    DestructionTerm,
    EndReason,
    LegalBasis,
    PublicationStatus,
    SharingRecord,
    Subprocessor,
    UsageStatement,
    Vendor,
)
from vendors.resources import (
    MAX_XLSX_MEMBERS,
    UPLOAD_LIFETIME,
    AgreementResource,
    SubprocessorResource,
    VendorResource,
)

pytestmark = pytest.mark.django_db


def export_csv(**filters):
    return VendorResource().export(Vendor.objects.filter(**filters)).csv


def rows(csv_text):
    return list(csv.DictReader(io.StringIO(csv_text)))


def page_text(response):
    return response.content.decode()


@pytest.fixture
def catalog(parent_audience, student_audience):
    return [DataElementFactory(slug="parent-email"), DataElementFactory(slug="student-name")]


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
    exported = admin_export(admin_client, f"{EXPORT_URL}?status__exact=draft", CSV_FORMAT)
    names = [row["name"] for row in rows(exported.decode("utf-8-sig"))]
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
    message = str(invalid.error_dict["parent-data data elements"])
    assert "A published sharing record must name at least one data element." in message


def test_an_empty_new_statement_is_refused(admin_client, district, catalog):
    csv_text = new_title_csv(**{"parent-data usage statement text": ""})
    response = upload(admin_client, csv_text)
    (invalid,) = response.context["result"].invalid_rows
    assert "parent-data usage statement text" in invalid.error_dict
    assert not UsageStatement.objects.filter(title="Reading").exists()


def test_an_unknown_audience_is_named(admin_client, district, catalog):
    # Headers that are not ours are for the staff member to match to ours, before any preview.
    csv_text = new_title_csv().replace("parent-data ", "grandparent-data ")
    response = upload(admin_client, csv_text)
    assert "grandparent-data status" in page_text(response)
    assert response.context["form"].needs_mapping
    assert "result" not in response.context
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


def test_a_file_over_the_limit_is_refused_with_the_limit_stated(admin_client, district, settings):
    settings.IMPORT_MAX_BYTES = 2 * 2**20
    response = upload(admin_client, b"x" * (2 * 2**20 + 1))
    assert response.status_code == HTTPStatus.OK
    assert "the limit is 2.0\xa0MB" in page_text(response)


def test_the_file_limit_fits_a_5000_title_export(settings, demo_content):
    call_command("generate_clearinghouse", vendors=100, verbosity=0)
    per_title = len(export_csv().encode()) / Vendor.objects.count()
    assert 5000 * per_title * 1.2 < settings.IMPORT_MAX_BYTES


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


# Business address, legal basis, agreements and subprocessors (issue 6).


def test_vendor_export_carries_the_business_address_and_each_records_legal_basis(
    district, parent_audience
):
    record = SharingRecordFactory(
        audience=parent_audience,
        vendor__business_address="1 Main Street\nSpringfield",
        legal_basis=LegalBasis.OTHER,
        legal_basis_other="A state law allows it.",
    )
    (row,) = rows(export_csv(pk=record.vendor.pk))
    assert row["business_address"] == "1 Main Street\nSpringfield"
    assert row["parent-data legal basis"] == "other"
    assert row["parent-data legal basis other"] == "A state law allows it."


def test_import_sets_the_business_address_and_legal_basis(admin_client, district, catalog):
    csv_text = new_title_csv(
        business_address="2 Elm Road",
        **{"parent-data legal basis": "parent_consent", "parent-data legal basis other": ""},
    )
    confirm(admin_client, upload(admin_client, csv_text))
    record = SharingRecord.objects.get(vendor__slug="new-app")
    assert record.vendor.business_address == "2 Elm Road"
    assert record.legal_basis == LegalBasis.PARENT_CONSENT


def test_a_file_from_before_the_new_columns_still_imports_and_keeps_them(
    admin_client, district, catalog
):
    vendor = VendorFactory(slug="new-app", business_address="2 Elm Road")
    SharingRecordFactory(
        vendor=vendor,
        audience=Audience.objects.get(slug="parent-data"),
        legal_basis=LegalBasis.FERPA_SCHOOL_OFFICIAL,
    )
    response = confirm(admin_client, upload(admin_client, new_title_csv()))
    assert response.status_code == HTTPStatus.FOUND
    vendor.refresh_from_db()
    assert vendor.business_address == "2 Elm Road"
    assert vendor.sharing_records.get().legal_basis == LegalBasis.FERPA_SCHOOL_OFFICIAL


def test_import_and_export_carry_the_no_subprocessors_statement(admin_client, district, catalog):
    confirm(admin_client, upload(admin_client, new_title_csv(has_no_subprocessors="Yes")))
    vendor = Vendor.objects.get(slug="new-app")
    assert vendor.has_no_subprocessors
    (row,) = rows(export_csv(pk=vendor.pk))
    assert row["has_no_subprocessors"] == "yes"


def test_a_no_subprocessors_cell_that_is_not_yes_or_no_is_refused(admin_client, district, catalog):
    response = upload(admin_client, new_title_csv(has_no_subprocessors="maybe"))
    (invalid,) = response.context["result"].invalid_rows
    assert "“maybe” is not yes or no." in str(invalid.error_dict["has_no_subprocessors"])
    assert not Vendor.objects.filter(slug="new-app").exists()


def test_an_unknown_legal_basis_lists_the_codes(admin_client, district, catalog):
    csv_text = new_title_csv(
        **{"parent-data legal basis": "because", "parent-data legal basis other": ""}
    )
    (invalid,) = upload(admin_client, csv_text).context["result"].invalid_rows
    message = str(invalid.error_dict["parent-data legal basis"])
    assert "ferpa_school_official" in message and "leave it blank" in message


def test_other_legal_basis_needs_its_words(admin_client, district, catalog):
    csv_text = new_title_csv(
        **{"parent-data legal basis": "other", "parent-data legal basis other": ""}
    )
    (invalid,) = upload(admin_client, csv_text).context["result"].invalid_rows
    assert "plain language" in str(invalid.error_dict["parent-data legal basis other"])


def test_words_without_the_other_legal_basis_are_refused(admin_client, district, catalog):
    csv_text = new_title_csv(
        **{"parent-data legal basis": "parent_consent", "parent-data legal basis other": "A law."}
    )
    (invalid,) = upload(admin_client, csv_text).context["result"].invalid_rows
    message = str(invalid.error_dict["parent-data legal basis other"])
    assert "Only write a basis here when the legal basis is “Other”." in message


AGREEMENT_IMPORT_URL = reverse("admin:vendors_agreement_import")
SUBPROCESSOR_IMPORT_URL = reverse("admin:vendors_subprocessor_import")


def agreement_csv(*overrides):
    base = {
        "vendor": "quiz-maker",
        "audience": "",
        "status": "active",
        "signed_on": "2026-01-15",
        "effective_on": "2026-02-01",
        "expires_on": "2029-01-31",
        "last_reviewed_on": "",
        "next_review_due": "2027-02-01",
        "contact_name": "Office of Student Privacy",
        "contact_email": "privacy@district.example",
        "contact_phone": "555-0100",
        "ended_on": "",
        "end_reason": "",
        "destruction_requested_on": "",
        "destruction_certified_on": "",
    }
    data = tablib.Dataset(headers=list(base))
    for override in overrides or [{}]:
        data.append(list({**base, **override}.values()))
    return data.csv


def upload_to(client, url, content):
    return client.post(
        url,
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile("rows.csv", content.encode(), "text/csv"),
        },
    )


def confirm_at(client, url, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name) for name in form.fields}
    return client.post(url.replace("/import/", "/process_import/"), data)


@pytest.fixture
def quiz_maker(district, parent_audience):
    return VendorFactory(slug="quiz-maker", name="Quiz Maker")


def test_agreement_export_has_one_row_per_agreement_named_by_slugs(
    district, parent_audience, quiz_maker
):
    AgreementFactory(vendor=quiz_maker)
    AgreementFactory(
        vendor=quiz_maker,
        audience=parent_audience,
        status=AgreementStatus.ENDED,
        ended_on=datetime.date(2026, 3, 1),
        end_reason=EndReason.TERMINATED,
    )
    exported = rows(AgreementResource().export(Agreement.objects.all()).csv)
    assert [(r["vendor"], r["audience"], r["status"]) for r in exported] == [
        ("quiz-maker", "", "active"),
        ("quiz-maker", "parent-data", "ended"),
    ]
    assert exported[0]["expires_on"] == "2029-01-31"
    assert exported[1]["end_reason"] == "terminated"


def test_agreement_import_creates_then_updates_the_titles_agreement(admin_client, quiz_maker):
    response = upload_to(admin_client, AGREEMENT_IMPORT_URL, agreement_csv())
    assert response.context["result"].totals["new"] == 1
    confirm_at(admin_client, AGREEMENT_IMPORT_URL, response)
    agreement = Agreement.objects.get(vendor=quiz_maker, audience=None)
    assert agreement.expires_on == datetime.date(2029, 1, 31)
    assert agreement.contact_name == "Office of Student Privacy"

    ended = {"status": "ended", "ended_on": "2026-06-30", "end_reason": "vendor_ceased"}
    response = upload_to(admin_client, AGREEMENT_IMPORT_URL, agreement_csv(ended))
    assert response.context["result"].totals["update"] == 1
    confirm_at(admin_client, AGREEMENT_IMPORT_URL, response)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ENDED
    assert agreement.end_reason == EndReason.VENDOR_CEASED
    assert Agreement.objects.count() == 1


def test_an_agreement_for_one_audience_is_its_own_row(admin_client, quiz_maker):
    response = upload_to(
        admin_client, AGREEMENT_IMPORT_URL, agreement_csv({}, {"audience": "parent-data"})
    )
    confirm_at(admin_client, AGREEMENT_IMPORT_URL, response)
    assert sorted(
        str(slug) for slug in Agreement.objects.values_list("audience__slug", flat=True)
    ) == ["None", "parent-data"]


def test_a_bad_date_names_the_column_and_the_format(admin_client, quiz_maker):
    response = upload_to(
        admin_client, AGREEMENT_IMPORT_URL, agreement_csv({"expires_on": "31/31/2029"})
    )
    assert response.status_code == HTTPStatus.OK
    (invalid,) = response.context["result"].invalid_rows
    message = str(invalid.error_dict["expires_on"])
    assert "31/31/2029" in message and "YYYY-MM-DD" in message


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("status", "signed", "pending, active, ended"),
        ("end_reason", "bankrupt", "expired, terminated, vendor_ceased"),
        ("vendor", "no-such-title", "No title has the slug “no-such-title”"),
        ("audience", "teachers", "No audience has the slug “teachers”"),
    ],
)
def test_an_unknown_value_gets_a_clear_message(admin_client, quiz_maker, column, value, expected):
    response = upload_to(admin_client, AGREEMENT_IMPORT_URL, agreement_csv({column: value}))
    assert response.status_code == HTTPStatus.OK
    (invalid,) = response.context["result"].invalid_rows
    assert expected in str(invalid.error_dict[column])


def test_the_agreements_own_rules_apply_to_an_import(admin_client, quiz_maker):
    response = upload_to(admin_client, AGREEMENT_IMPORT_URL, agreement_csv({"status": "ended"}))
    (invalid,) = response.context["result"].invalid_rows
    assert "Say when sharing ended" in str(invalid.error_dict["ended_on"])


def test_an_agreement_file_with_one_bad_row_changes_nothing(admin_client, quiz_maker):
    VendorFactory(slug="reading-log")
    data = tablib.Dataset().load(
        agreement_csv({}, {"vendor": "reading-log", "signed_on": "yesterday"}), format="csv"
    )
    result = AgreementResource().import_data(data, dry_run=False)
    assert result.has_validation_errors()
    assert not Agreement.objects.exists()


def test_an_editor_may_export_agreements_but_not_import_them(editor_client, district):
    assert editor_client.get(reverse("admin:vendors_agreement_export")).status_code == (
        HTTPStatus.OK
    )
    assert editor_client.get(AGREEMENT_IMPORT_URL).status_code == HTTPStatus.FORBIDDEN


def subprocessor_csv(*rows_):
    data = tablib.Dataset(headers=["vendor", "name", "purpose", "location", "position"])
    for row in rows_:
        data.append(row)
    return data.csv


def test_subprocessor_import_adds_and_then_updates_by_title_and_name(admin_client, quiz_maker):
    csv_text = subprocessor_csv(["quiz-maker", "Cloud Host", "Stores the data.", "", ""])
    confirm_at(
        admin_client,
        SUBPROCESSOR_IMPORT_URL,
        upload_to(admin_client, SUBPROCESSOR_IMPORT_URL, csv_text),
    )
    csv_text = subprocessor_csv(
        ["quiz-maker", "Cloud Host", "Stores the data.", "United States", "1"]
    )
    confirm_at(
        admin_client,
        SUBPROCESSOR_IMPORT_URL,
        upload_to(admin_client, SUBPROCESSOR_IMPORT_URL, csv_text),
    )
    (sub,) = Subprocessor.objects.all()
    assert (sub.vendor, sub.location, sub.position) == (quiz_maker, "United States", 1)


def test_subprocessor_export_names_the_title_by_slug(quiz_maker):
    SubprocessorFactory(vendor=quiz_maker, name="Cloud Host")
    (row,) = rows(SubprocessorResource().export(Subprocessor.objects.all()).csv)
    assert (row["vendor"], row["name"]) == ("quiz-maker", "Cloud Host")


# Where an upload waits between the preview and the confirm.


@pytest.fixture(autouse=True)
def temp_folders(settings, tmp_path, monkeypatch):
    """Each test keeps its uploads in folders of its own, and can see what is left in them:
    MEDIA_ROOT, and the system temp folder (what tempfile and $TMPDIR name)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    return [settings.MEDIA_ROOT, system_temp]


def fail_unexpectedly(*args, **kwargs):
    raise RuntimeError("The disk is full.")


def files_left(folders):
    return [
        path
        for folder in folders
        if folder.exists()
        for path in folder.rglob("*")
        if path.is_file()
    ]


@pytest.mark.parametrize(
    "content",
    [
        new_title_csv(**{"parent-data data elements": "shoe-size"}),  # a bad row
        new_title_csv(name="Élan App").encode("utf-16"),  # unreadable
    ],
    ids=["bad-row", "unreadable"],
)
def test_a_refused_preview_leaves_no_file_behind(
    admin_client, district, catalog, temp_folders, content
):
    response = upload(admin_client, content)
    assert response.status_code == HTTPStatus.OK
    assert not response.context.get("confirm_form")
    assert files_left(temp_folders) == []


def test_a_confirmed_import_leaves_no_file_behind(admin_client, district, catalog, temp_folders):
    preview = upload(admin_client, new_title_csv())
    assert len(files_left(temp_folders)) == 1
    confirm(admin_client, preview)
    assert files_left(temp_folders) == []


def test_a_preview_that_fails_unexpectedly_leaves_no_file_behind(
    admin_client, district, catalog, temp_folders, monkeypatch
):
    monkeypatch.setattr(VendorResource, "import_data", fail_unexpectedly)
    with pytest.raises(RuntimeError):
        upload(admin_client, new_title_csv())
    assert files_left(temp_folders) == []


def test_a_confirm_whose_upload_has_expired_says_so_and_changes_nothing(
    admin_client, district, catalog, temp_folders
):
    preview = upload(admin_client, new_title_csv())
    (stored,) = files_left(temp_folders)
    long_ago = time.time() - UPLOAD_LIFETIME.total_seconds() - 60
    os.utime(stored, (long_ago, long_ago))
    upload(admin_client, new_title_csv(slug="other-app"))  # Any later preview sweeps it away.
    assert not stored.exists()
    response = confirm(admin_client, preview)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == IMPORT_URL
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("no longer on the server" in message for message in shown), shown
    assert not Vendor.objects.exists()


def test_a_confirm_that_finds_errors_says_nothing_was_imported(
    admin_client, district, catalog, temp_folders
):
    preview = upload(admin_client, new_title_csv())
    DataElement.objects.filter(slug="parent-email").delete()  # Changed since the preview.
    response = confirm(admin_client, preview)
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    assert any("Nothing was imported" in message for message in shown), shown
    assert not any(message.startswith("Import finished") for message in shown), shown
    assert not Vendor.objects.exists()
    assert files_left(temp_folders) == []


ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Host:
    """One gunicorn on loopback, with the environment a container of the compose file has."""

    def __init__(self, environment, folder):
        self.base = f"http://127.0.0.1:{free_port()}"
        folder.mkdir()
        (folder / "tmp").mkdir()
        self.log = folder / "gunicorn.log"
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config=gunicorn.conf.py",
                "--no-control-socket",
                "--access-logfile=/dev/null",
                "clearinghouse.wsgi",
            ],
            cwd=ROOT,
            env={
                **environment,
                "GUNICORN_BIND": self.base.removeprefix("http://"),
                # What each host has of its own: its temp folder and its page cache.
                "TMPDIR": str(folder / "tmp"),
                "PAGE_CACHE_DIR": str(folder / "cache"),
            },
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)  # noqa: S310
                return
            time.sleep(0.1)
        self.stop()
        pytest.fail(f"gunicorn did not start: {self.log.read_text()}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=20)


SITE_FOR_TWO_HOSTS = """
from django.test import Client
from django.test.client import encode_multipart
from tests.factories import AudienceFactory, DataElementFactory, DistrictProfileFactory
from django.contrib.auth import get_user_model
DistrictProfileFactory(); AudienceFactory(); DataElementFactory(slug="parent-email")
client = Client()
client.force_login(get_user_model().objects.create_superuser("publisher", "p@example.org", None))
print(client.cookies["sessionid"].value)
"""


@pytest.fixture
def two_hosts(tmp_path):
    """Two gunicorns as the compose file runs them: one database and one MEDIA_ROOT, each
    with its own temp folder; and a publisher's session cookie."""
    environment = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "two-hosts-one-secret-key-for-this-test-only-0123456789-abcdef",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "WEB_CONCURRENCY": "1",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=environment, check=True)  # noqa: S603
    session = subprocess.run(  # noqa: S603 (our own command line)
        [*manage, "shell", "-v0", "-c", SITE_FOR_TWO_HOSTS],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    hosts = [Host(environment, tmp_path / "host-a"), Host(environment, tmp_path / "host-b")]
    yield hosts, session, tmp_path / "media"
    for host in hosts:
        host.stop()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def publisher_browser(session):
    """A publisher's browser: it keeps its cookies, whichever host answers, and shows
    redirects and errors as they come."""
    cookies = {"sessionid": session}
    opener = urllib.request.build_opener(NoRedirects)

    def fetch(url, fields=None):
        request = urllib.request.Request(url)  # noqa: S310 (our own loopback address)
        if fields is not None:
            request.data = encode_multipart("boundary", fields)
            request.add_header("Content-Type", "multipart/form-data; boundary=boundary")
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
        try:
            response = opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _equals, value = header.split(";")[0].partition("=")
                cookies[name] = value
            return response.status, response.read().decode(), response.headers

    return fetch


def hidden_inputs(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def test_an_import_previewed_on_one_host_is_confirmed_on_another(two_hosts):
    (host_a, host_b), session, media = two_hosts
    fetch = publisher_browser(session)
    import_path = "/admin/vendors/vendor/import/"
    status, page, _headers = fetch(host_a.base + import_path)
    assert status == HTTPStatus.OK, page[:500]
    form = hidden_inputs(page)
    status, preview, _headers = fetch(
        host_a.base + import_path,
        {
            "csrfmiddlewaretoken": form["csrfmiddlewaretoken"],
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile("titles.csv", new_title_csv().encode()),
        },
    )
    assert status == HTTPStatus.OK and "Confirm import" in preview, preview[-3000:]

    status, body, headers = fetch(
        host_b.base + "/admin/vendors/vendor/process_import/", hidden_inputs(preview)
    )

    assert status == HTTPStatus.FOUND, body[-3000:] + host_b.log.read_text()[-3000:]
    assert headers["Location"] == "/admin/vendors/vendor/"
    assert fetch(host_b.base + "/vendors/new-app/")[0] == HTTPStatus.OK
    assert files_left([media]) == []


# Exports: a cell a spreadsheet would run as a formula is written as text.

FORMULAS = ['=HYPERLINK("https://evil.example","Open")', "+1+1", "-1+1", "@SUM(1)"]
FORMULA_PREFIXES = tuple(formula[0] for formula in FORMULAS)


@pytest.fixture
def formulas_everywhere(district, parent_audience):
    """Staff text that starts like a formula, in each kind of row the admin exports."""
    equals, plus, minus, at = FORMULAS
    record = SharingRecordFactory(
        audience=parent_audience,
        vendor__name=equals,
        vendor__company=plus,
        vendor__description=minus,
        vendor__business_address=at,
        usage_statement__title=plus,
        usage_statement__text=equals,
    )
    AgreementFactory(vendor=record.vendor, contact_name=equals, contact_phone=plus)
    SubprocessorFactory(vendor=record.vendor, name=equals, purpose=minus, location=at)


def exported_cells(content, title):
    """Every cell as a spreadsheet program would take it: for XLSX, the formula itself."""
    if title == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        cells = [cell for row in book.active.iter_rows() for cell in row]
        assert not [cell.value for cell in cells if cell.data_type == "f"]
        return [cell.value for cell in cells if cell.value is not None]
    data = tablib.Dataset().load(content.decode("utf-8-sig"), format=title)
    return [cell for row in data for cell in row]


EXPORT_PAGES = [
    reverse("admin:vendors_vendor_export"),
    reverse("admin:vendors_agreement_export"),
    reverse("admin:vendors_subprocessor_export"),
]
EXPORT_FORMATS = [f().get_title() for f in VendorAdmin(Vendor, admin_site).get_export_formats()]


@pytest.mark.parametrize("url", EXPORT_PAGES)
@pytest.mark.parametrize("title", EXPORT_FORMATS)
def test_no_admin_export_holds_a_live_formula(admin_client, formulas_everywhere, url, title):
    content = admin_export(admin_client, url, str(EXPORT_FORMATS.index(title)))
    cells = [str(cell) for cell in exported_cells(content, title)]
    assert [cell for cell in cells if cell.startswith(FORMULA_PREFIXES)] == []
    assert any(cell.lstrip("'") in FORMULAS for cell in cells)  # The text is still there.


def test_a_formula_like_text_survives_an_export_and_import(admin_client, formulas_everywhere):
    before = Vendor.objects.values_list("name", "company", "description").get()
    exported = admin_export(admin_client, EXPORT_URL, CSV_FORMAT)
    Vendor.objects.update(name="Renamed", company="", description="")
    response = confirm(admin_client, upload(admin_client, exported.decode("utf-8-sig")))
    assert response.status_code == HTTPStatus.FOUND
    assert Vendor.objects.values_list("name", "company", "description").get() == before


# Hostile XLSX files: refused before they are unpacked or expanded.


def upload_xlsx(client, content):
    formats = [f().get_title() for f in VendorAdmin(Vendor, admin_site).get_import_formats()]
    return client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": str(formats.index("xlsx")),
            "import_file": SimpleUploadedFile("titles.xlsx", content),
        },
    )


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_read(
    admin_client, district, catalog
):
    bomb = zip_bomb_xlsx()
    assert len(bomb) < 2 * 2**20
    started = time.monotonic()
    response = upload_xlsx(admin_client, bomb)
    assert time.monotonic() - started < 5
    assert response.status_code == HTTPStatus.OK
    assert "unpacks to" in page_text(response) and "the limit is" in page_text(response)
    assert not Vendor.objects.exists()


def test_an_xlsx_with_too_many_parts_is_refused(admin_client, district, catalog):
    response = upload_xlsx(admin_client, rebuilt_xlsx(extra_members=MAX_XLSX_MEMBERS))
    assert response.status_code == HTTPStatus.OK
    assert "parts" in page_text(response) and "the limit is" in page_text(response)
    assert not Vendor.objects.exists()


def test_an_xlsx_with_entity_expansion_is_refused_with_a_clear_message(
    admin_client, district, catalog
):
    response = upload_xlsx(admin_client, entity_expansion_xlsx())
    assert response.status_code == HTTPStatus.OK
    assert "could not be read" in page_text(response)
    assert not Vendor.objects.exists()


def test_an_xlsx_as_large_as_a_5000_title_export_is_read(admin_client, district, catalog):
    def as_large_as_5000_titles(xml):
        # Measured on `generate_clearinghouse --vendors 5000`: 9 parts, 30.9 MB unpacked.
        head, tail = xml.split(b"<sheetData>")
        yield head + b"<sheetData>"
        for _megabyte in range(31):
            yield b" " * 2**20
        yield tail

    response = upload_xlsx(admin_client, rebuilt_xlsx(as_large_as_5000_titles))
    assert response.context["confirm_form"], page_text(response)[-2000:]


# Errors: the message for the publisher, the traceback for the server log.


@pytest.mark.parametrize(
    ("owner", "method"),
    [(Vendor, "save"), (VendorResource, "before_import")],
    ids=["in-a-row", "in-the-file"],
)
def test_an_unexpected_error_shows_its_message_and_logs_its_traceback(
    admin_client, district, catalog, monkeypatch, caplog, owner, method
):
    monkeypatch.setattr(owner, method, fail_unexpectedly)
    response = upload(admin_client, new_title_csv())
    assert response.status_code == HTTPStatus.OK
    html = page_text(response)
    assert "The disk is full." in html
    for trace in ["Traceback", 'class="traceback"', "site-packages", str(ROOT)]:
        assert trace not in html
    assert [record for record in caplog.records if record.exc_info], caplog.text
    assert "Traceback (most recent call last)" in caplog.text
    assert "RuntimeError: The disk is full." in caplog.text


def test_a_refused_file_is_not_logged_as_an_error(admin_client, district, catalog, caplog):
    data = tablib.Dataset().load(new_title_csv(), format="csv")
    del data["description"]
    upload(admin_client, data.csv)
    assert not [record for record in caplog.records if record.exc_info]


def test_an_xlsx_whose_slug_is_a_number_cell_imports(admin_client, district, catalog):
    data = tablib.Dataset().load(new_title_csv(slug="2048"), format="csv")
    number_slug = tablib.Dataset(headers=data.headers)
    number_slug.append([2048, *data[0][1:]])
    confirm(admin_client, upload_xlsx(admin_client, number_slug.xlsx))
    assert Vendor.objects.filter(slug="2048").exists()


def test_round_trip_of_a_generated_inventory_keeps_every_page_in_every_language(demo_content):
    call_command("generate_clearinghouse", vendors=150, verbosity=0)
    # Only titles made today: the demo's dates and agreements are not the titles sheet's.
    Vendor.objects.filter(created_at__date__lt=timezone.localdate()).delete()
    # Wording staff entered in Spanish and Haitian Creole, on titles, records and shared texts.
    for code in ("es", "ht"):
        Vendor.objects.filter(pk__in=list(Vendor.objects.values_list("pk", flat=True))[::3]).update(
            **{
                f"description_{code}": f"Descripción {code}",
                f"website_label_{code}": f"Sitio {code}",
            }
        )
        SharingRecord.objects.filter(
            pk__in=list(SharingRecord.objects.values_list("pk", flat=True))[::4]
        ).update(**{f"elements_intro_{code}": f"Se comparten ({code}):"})
        UsageStatement.objects.update(**{f"text_{code}": f"Uso ({code})"})
        DestructionTerm.objects.update(**{f"text_{code}": f"Destrucción ({code})"})
    slugs = list(Vendor.objects.public().values_list("slug", flat=True))
    pages = [
        f"{prefix}{path}"
        for prefix in ("", "/es", "/ht")
        # The home page's "recently updated" is in the order the import wrote them.
        for path in [*PUBLIC_PAGES[1:], *(f"/vendors/{slug}/" for slug in slugs[::10])]
    ]
    before = {url: Client().get(url).content for url in pages}

    exported = export_csv()
    Vendor.objects.all().delete()
    UsageStatement.objects.all().delete()
    DestructionTerm.objects.all().delete()
    result = VendorResource().import_data(
        tablib.Dataset().load(exported, format="csv"), dry_run=False
    )

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == len(rows(exported))
    changed = [url for url in pages if Client().get(url).content != before[url]]
    assert changed == []
    assert export_csv() == exported
