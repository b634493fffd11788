"""The district's decision on each title, on every public surface: the permalink, audience
entries, search, the A-Z list and its filters, the open data, the change log and feed; who
may set it, its consent form, its history."""

import csv
import datetime
import io
import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from http import HTTPStatus

import jsonschema
import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.admin_forms import change_form_data
from tests.factories import (
    SchoolFactory,
    SharingRecordFactory,
    VendorFactory,
)
from vendors.models import Decision, PublicationStatus, SharingRecord, Vendor
from vendors.open_data import load_schema
from vendors.resources import VendorResource
from vendors.views.vendor_list import VENDORS_PER_PAGE

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ATOM = "{http://www.w3.org/2005/Atom}"

# Each decision with the terms it needs, and a sentence of its own the permalink shows.
TERMS = {
    Decision.APPROVED: ({}, "The district has approved Clever."),
    Decision.APPROVED_WITH_CONDITIONS: (
        {"decision_conditions": "Teacher-led use only; students do not create accounts."},
        "Teacher-led use only; students do not create accounts.",
    ),
    Decision.CONSENT_REQUIRED: ({}, "A parent must consent before their child uses Clever."),
    Decision.NOT_APPROVED: (
        {"decision_reason": "It shows students advertising."},
        "The district has not approved Clever.",
    ),
    Decision.UNDER_REVIEW: ({}, "The district is reviewing Clever and has not decided yet."),
}


@pytest.fixture(autouse=True)
def media_and_no_page_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PAGE_CACHE_SECONDS = 0


def pdf_upload(content=PDF, name="Consent form.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def decide(vendor, decision, **terms):
    """Give a title a decision with the terms it needs, through the model's own rules."""
    vendor.decision = decision
    for name, value in {**TERMS[decision][0], **terms}.items():
        setattr(vendor, name, value)
    if decision == Decision.CONSENT_REQUIRED and not vendor.consent_form_en:
        vendor.consent_form_en = pdf_upload()
    vendor.full_clean()
    vendor.save()
    return vendor


@pytest.fixture
def clever(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Clever", vendor__slug="clever", audience=parent_audience
    ).vendor


def later():
    """Move recorded history ten minutes back, so the next save is a change of its own."""
    for model in (Vendor, SharingRecord):
        model.history.update(history_date=F("history_date") - timedelta(minutes=10))


# The permalink


@pytest.mark.parametrize("decision", list(Decision))
def test_the_permalink_shows_each_decision_in_words_with_its_terms(client, clever, decision):
    decide(clever, decision, decided_on=datetime.date(2026, 9, 1))
    page = client.get(clever.get_absolute_url()).content.decode()
    assert f"District decision: {decision.label}" in page
    assert TERMS[decision][1] in page
    assert 'id="decision"' in page
    assert "Decided on Sept. 1, 2026" in page


def test_a_title_with_no_decision_shows_no_decision_section(client, clever):
    page = client.get(clever.get_absolute_url()).content.decode()
    assert "District decision" not in page
    assert 'id="decision"' not in page


def test_the_permalink_names_the_grades_and_schools_a_decision_is_limited_to(client, clever):
    decide(clever, Decision.APPROVED, grade_6_8=True, grade_9_12=True)
    clever.schools.set([SchoolFactory(name="Lincoln Middle"), SchoolFactory(name="Adams High")])
    page = client.get(clever.get_absolute_url()).content.decode()
    assert "For grades 6\u201312 only." in page
    assert "Only at these schools: Adams High, Lincoln Middle" in page


def test_a_not_approved_title_links_its_approved_alternatives(client, clever):
    alternative = VendorFactory(name="Quizlet", slug="quizlet")
    decide(clever, Decision.NOT_APPROVED)
    clever.alternatives.set([alternative, VendorFactory(status=PublicationStatus.DRAFT)])
    page = client.get(clever.get_absolute_url()).content.decode()
    assert "<p>It shows students advertising.</p>" in page
    assert '<a href="/vendors/quizlet/">Quizlet</a>' in page
    # A draft alternative would send a parent to a page they cannot open.
    assert "Approved alternatives: <a" in page and page.count("/vendors/vendor-") == 0


def test_staff_typed_conditions_are_escaped(client, clever):
    decide(
        clever,
        Decision.APPROVED_WITH_CONDITIONS,
        decision_conditions="<script>alert(1)</script> grades 6\u201312 only",
    )
    page = client.get(clever.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; grades 6\u201312 only" in page


def test_untranslated_conditions_show_in_english_marked_as_such(client, clever):
    decide(clever, Decision.APPROVED_WITH_CONDITIONS, decision_conditions="Grades 6\u201312 only.")
    page = client.get(f"/es{clever.get_absolute_url()}").content.decode()
    assert 'lang="en"><p>Grades 6\u201312 only.</p>' in page


# Audience pages, search and the A-Z list


def test_an_audience_entry_shows_the_decision_and_its_conditions(client, clever, parent_audience):
    decide(clever, Decision.APPROVED_WITH_CONDITIONS, grade_k_2=True)
    page = client.get(parent_audience.get_absolute_url()).content.decode()
    assert "District decision: Approved with conditions" in page
    assert "Grades K\u20132" in page
    assert "Teacher-led use only; students do not create accounts." in page


def test_a_not_approved_title_is_never_on_an_audience_page_as_receiving_data(
    client, clever, parent_audience
):
    element = clever.sharing_records.get().elements.get()
    decide(clever, Decision.NOT_APPROVED)
    page = client.get(parent_audience.get_absolute_url()).content.decode()
    assert "Clever" not in page
    assert "Clever" not in client.get(element.get_absolute_url()).content.decode()
    # Nor counted among the audience's titles on the home page.
    home = client.get("/")
    assert [a.title_count for a in home.context["audiences"] if a == parent_audience] == [0]
    # Nor reached by filtering, searching within the audience or asking for its entry.
    assert (
        "Clever"
        not in client.get(f"{parent_audience.get_absolute_url()}?q=clever").content.decode()
    )


def test_a_not_approved_title_is_listed_on_the_a_to_z_with_its_reason(client, clever):
    decide(clever, Decision.NOT_APPROVED)
    page = client.get(reverse("vendors:vendor_list")).content.decode()
    assert "District decision: Not approved" in page
    assert "It shows students advertising." in page


def test_search_shows_the_decision_badge(client, clever):
    decide(clever, Decision.CONSENT_REQUIRED)
    page = client.get(reverse("vendors:search"), {"q": "clever"}).content.decode()
    assert "District decision: Parental consent required" in page


def test_search_finds_a_not_approved_title_with_its_reason_and_no_audiences(client, district):
    refused = VendorFactory(name="TikTok", slug="tiktok")
    decide(refused, Decision.NOT_APPROVED, decision_reason="Not for school use.")
    page = client.get(reverse("vendors:search"), {"q": "tiktok"}).content.decode()
    assert "District decision: Not approved" in page
    assert "Why it is not approved:</strong> Not for school use." in page
    assert "Listed in:" not in page


def test_search_by_element_does_not_say_a_not_approved_title_receives_it(client, clever):
    element = clever.sharing_records.get().elements.get()
    decide(clever, Decision.NOT_APPROVED)
    page = client.get(reverse("vendors:search"), {"q": element.name}).content.decode()
    assert "receives" not in page


# The /vendors/ filters


@pytest.fixture
def titles(district, parent_audience):
    """One title per decision, and one approved without any grade limit."""
    made = {}
    for decision in Decision:
        vendor = SharingRecordFactory(
            vendor__name=f"Title {decision}", audience=parent_audience
        ).vendor
        made[decision] = decide(vendor, decision, grade_6_8=decision != Decision.APPROVED)
    made["no decision"] = VendorFactory(name="Title undecided")
    return made


def listed_names(response):
    return [vendor.name for section in response.context["sections"] for vendor in section.vendors]


def test_the_list_filters_by_decision_and_grade(client, titles):
    response = client.get(
        reverse("vendors:vendor_list"), {"decision": "not_approved", "grade": "6-8"}
    )
    assert response.status_code == HTTPStatus.OK
    assert listed_names(response) == ["Title not_approved"]


def test_a_decision_limited_to_no_band_covers_every_grade(client, titles):
    response = client.get(reverse("vendors:vendor_list"), {"grade": "pk"})
    assert listed_names(response) == ["Title approved"]


def test_each_applied_filter_is_a_chip_that_removes_it(client, titles):
    page = client.get(
        reverse("vendors:vendor_list"), {"decision": "under_review", "grade": "6-8"}
    ).content.decode()
    assert 'href="?grade=6-8">Decision: Under review' in page
    assert 'href="?decision=under_review">Grades 6\u20138' in page
    assert 'class="filter-chip filter-chip--clear" href="/vendors/"' in page


def test_an_empty_filtered_list_offers_the_way_back(client, district):
    VendorFactory()
    page = client.get(reverse("vendors:vendor_list"), {"decision": "not_approved"})
    assert page.status_code == HTTPStatus.OK
    assert "No software title has this decision for this grade." in page.content.decode()
    assert "Clear filters and show every title" in page.content.decode()


@pytest.mark.parametrize(
    "query", [{"decision": "banned"}, {"grade": "13"}, {"decision": "<b>", "grade": "6-8"}]
)
def test_an_unknown_filter_value_is_a_400_that_says_so_and_offers_the_way_back(
    client, district, query
):
    response = client.get(reverse("vendors:vendor_list"), query)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    page = response.content.decode()
    assert "This list cannot be filtered that way" in page
    assert 'href="/vendors/">Clear filters and show every title' in page
    assert "<b>" not in page.split("<main", 1)[1]


def test_the_filter_form_works_without_javascript(client, titles):
    page = client.get(reverse("vendors:vendor_list"), {"decision": "approved"}).content.decode()
    assert '<form class="vendor-filters" method="get" action="/vendors/"' in page
    assert '<option value="approved" selected>' in page


# Open data


@pytest.mark.parametrize("decision", list(Decision))
def test_the_json_carries_each_decision_valid_against_the_schema(client, clever, decision):
    decide(clever, decision, grade_k_2=True, decided_on=datetime.date(2026, 9, 1))
    document = client.get("/api/v1/vendors/clever.json").json()
    jsonschema.validate(document, load_schema())
    data = document["vendor"]["decision"]
    assert data["status"] == decision.value
    assert data["label"] == decision.label
    assert data["grade_bands"] == ["k-2"]
    assert data["decided_on"] == "2026-09-01"
    if decision == Decision.APPROVED_WITH_CONDITIONS:
        assert data["conditions"] == TERMS[decision][0]["decision_conditions"]
    if decision == Decision.NOT_APPROVED:
        assert data["reason"] == "It shows students advertising."
    if decision == Decision.CONSENT_REQUIRED:
        assert data["consent_form_url"] == "http://testserver/vendors/clever/consent-form.pdf"
    else:
        assert data["consent_form_url"] is None


def test_the_json_decision_is_null_while_none_is_recorded(client, clever):
    response = client.get("/api/v1/vendors.json")
    document = json.loads(b"".join(response.streaming_content))
    jsonschema.validate(document, load_schema())
    assert document["vendors"][0]["decision"] is None


def test_the_json_names_alternatives_and_schools(client, clever):
    decide(clever, Decision.NOT_APPROVED)
    clever.alternatives.set([VendorFactory(slug="quizlet")])
    clever.schools.set([SchoolFactory(name="Lincoln Middle")])
    data = client.get("/api/v1/vendors/clever.json").json()["vendor"]["decision"]
    assert data["alternatives"] == ["quizlet"]
    assert data["schools"] == ["Lincoln Middle"]


def test_the_csv_has_the_decision_columns(client, clever):
    decide(
        clever,
        Decision.APPROVED_WITH_CONDITIONS,
        grade_6_8=True,
        grade_9_12=True,
        decided_on=datetime.date(2026, 9, 1),
    )
    response = client.get("/export/clearinghouse.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["decision"] == "approved_with_conditions"
    assert row["decided_on"] == "2026-09-01"
    assert row["decision_grade_bands"] == "6-8; 9-12"
    assert (
        row["decision_conditions"]
        == TERMS[Decision.APPROVED_WITH_CONDITIONS][0]["decision_conditions"]
    )


# The change log and the feed


def test_a_decision_is_news_in_the_change_log_and_the_feed(client, clever):
    later()
    decide(
        clever,
        Decision.APPROVED,
        grade_k_2=True,
        grade_3_5=True,
        grade_6_8=True,
        grade_9_12=True,
    )
    entries = client.get(reverse("vendors:changes")).context["entries"]
    entry = entries[0]
    assert entry.subject == "Clever: approved for grades K\u201312"
    assert entry.url == "/vendors/clever/#decision"
    feed = ET.fromstring(client.get(reverse("vendors:changes_feed")).content)  # noqa: S314
    titles = [title.text for title in feed.iter(f"{ATOM}title")]
    assert "Updated: Clever: approved for grades K\u201312" in titles


def test_a_not_approved_decision_gives_its_reason_in_the_change_log(client, clever):
    later()
    decide(clever, Decision.NOT_APPROVED)
    entry = client.get(reverse("vendors:changes")).context["entries"][0]
    assert (entry.subject, entry.summary) == (
        "Clever: not approved",
        "It shows students advertising.",
    )


def test_a_draft_titles_decision_is_not_news(client, district):
    draft = VendorFactory(name="Secret", status=PublicationStatus.DRAFT)
    later()
    decide(draft, Decision.APPROVED)
    assert client.get(reverse("vendors:changes")).context["entries"] == []


# Who sets it, and its rules


def test_an_editor_cannot_change_the_decision(editor_client, clever):
    url = reverse("admin:vendors_vendor_change", args=[clever.pk])
    data = change_form_data(editor_client.get(url))
    data.update(decision="not_approved", decision_reason_en="Crafted.", grade_pk="on")
    data["description_en"] = "Edited by the editor."
    response = editor_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    clever.refresh_from_db()
    assert clever.description == "Edited by the editor."
    assert (clever.decision, clever.decision_reason, clever.grade_pk) == ("", "", False)


def test_a_publisher_sets_the_decision_and_history_records_who_and_when(publisher_client, clever):
    url = reverse("admin:vendors_vendor_change", args=[clever.pk])
    data = change_form_data(publisher_client.get(url))
    data.update(decision="approved", decided_on="2026-09-01", grade_6_8="on")
    response = publisher_client.post(url, data)
    assert response.status_code == HTTPStatus.FOUND
    clever.refresh_from_db()
    assert (clever.decision, clever.grade_6_8) == ("approved", True)
    version = clever.history.first()
    assert version.decision == "approved"
    assert version.decided_on == datetime.date(2026, 9, 1)
    assert version.history_user.username == "publisher"
    page = Client().get(clever.get_absolute_url()).content.decode()
    assert "Decided on Sept. 1, 2026" in page


def test_the_admin_says_what_each_decision_still_needs(publisher_client, clever):
    url = reverse("admin:vendors_vendor_change", args=[clever.pk])
    data = change_form_data(publisher_client.get(url))
    data["decision"] = "approved_with_conditions"
    response = publisher_client.post(url, data)
    assert response.status_code == HTTPStatus.OK
    assert "Say what the conditions are" in response.content.decode()


@pytest.mark.parametrize(
    ("decision", "field"),
    [
        (Decision.APPROVED_WITH_CONDITIONS, "decision_conditions_en"),
        (Decision.NOT_APPROVED, "decision_reason_en"),
        (Decision.CONSENT_REQUIRED, "consent_form_en"),
    ],
)
def test_a_decision_is_refused_without_the_terms_it_needs(clever, decision, field):
    clever.decision = decision
    with pytest.raises(ValidationError) as error:
        clever.full_clean()
    assert field in error.value.message_dict


def test_a_spanish_only_condition_is_not_enough(clever):
    clever.decision = Decision.APPROVED_WITH_CONDITIONS
    clever.decision_conditions_es = "Solo con el maestro."
    with pytest.raises(ValidationError):
        clever.full_clean()


# The consent form


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script>", "form.pdf", "not a PDF"),
        (PDF, "form.docx", "must end in .pdf"),
        (b"", "form.pdf", "empty"),
    ],
)
def test_a_consent_form_gets_the_checks_agreement_documents_get(clever, content, name, message):
    clever.decision = Decision.CONSENT_REQUIRED
    clever.consent_form_en = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as error:
        clever.full_clean()
    assert message in " ".join(error.value.message_dict["consent_form_en"])


def test_a_consent_form_is_stored_under_a_random_name(clever):
    decide(clever, Decision.CONSENT_REQUIRED)
    assert clever.consent_form_en.name.startswith("consent-forms/")
    assert "Consent" not in clever.consent_form_en.name


def test_the_consent_form_downloads_in_the_visitors_language(client, clever):
    spanish = PDF + b"% espanol\n"
    decide(clever, Decision.CONSENT_REQUIRED, consent_form_es=pdf_upload(spanish, "es.pdf"))
    english = client.get("/vendors/clever/consent-form.pdf")
    assert english.status_code == HTTPStatus.OK
    assert english["Content-Type"] == "application/pdf"
    assert b"".join(english.streaming_content) == PDF
    assert b"".join(client.get("/es/vendors/clever/consent-form.pdf").streaming_content) == spanish
    # No Creole form: the English one stands in.
    assert b"".join(client.get("/ht/vendors/clever/consent-form.pdf").streaming_content) == PDF


def test_the_permalink_links_the_consent_form(client, clever):
    decide(clever, Decision.CONSENT_REQUIRED)
    page = client.get(clever.get_absolute_url()).content.decode()
    assert 'href="/vendors/clever/consent-form.pdf"' in page


def test_a_draft_titles_consent_form_is_not_found(client, clever):
    decide(clever, Decision.CONSENT_REQUIRED)
    Vendor.objects.filter(pk=clever.pk).update(status=PublicationStatus.DRAFT)
    assert client.get("/vendors/clever/consent-form.pdf").status_code == HTTPStatus.NOT_FOUND


def test_a_consent_form_is_not_served_once_consent_is_no_longer_required(client, clever):
    decide(clever, Decision.CONSENT_REQUIRED)
    Vendor.objects.filter(pk=clever.pk).update(decision=Decision.APPROVED)
    assert client.get("/vendors/clever/consent-form.pdf").status_code == HTTPStatus.NOT_FOUND


def test_staff_download_a_stored_consent_form_from_the_admin(publisher_client, clever):
    decide(clever, Decision.CONSENT_REQUIRED)
    url = reverse("admin:vendors_vendor_consent_form", args=[clever.pk, "consent_form_en"])
    assert (
        url
        in publisher_client.get(
            reverse("admin:vendors_vendor_change", args=[clever.pk])
        ).content.decode()
    )
    assert publisher_client.get(url).status_code == HTTPStatus.OK


# Import and export


def test_the_titles_sheet_round_trips_the_decision(clever):
    decide(
        clever,
        Decision.APPROVED_WITH_CONDITIONS,
        grade_k_2=True,
        grade_3_5=True,
        decided_on=datetime.date(2026, 9, 1),
        decision_conditions_es="Solo con el maestro.",
    )
    exported = VendorResource().export(Vendor.objects.all())
    row = exported.dict[0]
    assert row["decision"] == "approved_with_conditions"
    assert row["grade_bands"] == "k-2; 3-5"
    assert row["decided_on"] == "2026-09-01"
    assert row["decision_conditions_es"] == "Solo con el maestro."
    result = VendorResource().import_data(exported, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 1


def test_an_import_sets_the_decision(clever):
    exported = VendorResource().export(Vendor.objects.all())
    data = exported.dict[0]
    data.update(decision="not_approved", decision_reason="Ads.", grade_bands="6-8")
    dataset = tablib.Dataset(headers=exported.headers)
    dataset.append([data[header] for header in exported.headers])
    result = VendorResource().import_data(dataset, dry_run=False)
    assert not result.has_validation_errors()
    clever.refresh_from_db()
    assert (clever.decision, clever.decision_reason, clever.grade_6_8) == (
        "not_approved",
        "Ads.",
        True,
    )


def test_an_import_refuses_an_unknown_grade_band_and_a_reasonless_refusal(clever):
    exported = VendorResource().export(Vendor.objects.all())
    data = exported.dict[0]
    data.update(decision="not_approved", grade_bands="13")
    dataset = tablib.Dataset(headers=exported.headers)
    dataset.append([data[header] for header in exported.headers])
    result = VendorResource().import_data(dataset, dry_run=False)
    assert result.has_validation_errors()
    messages = str(result.invalid_rows[0].error_dict)
    assert "Unknown grade band" in messages
    clever.refresh_from_db()
    assert clever.decision == ""


def test_demo_titles_are_approved_with_no_invented_terms(demo_content):
    for vendor in Vendor.objects.all():
        assert vendor.decision == Decision.APPROVED
        assert vendor.decided_on is None
        assert not vendor.decision_conditions and not vendor.grade_bands


def test_a_full_page_of_not_approved_titles_stays_within_150_kb(demo_content):
    """Each refused title's line carries its badge and its reason, at their longest."""
    call_command("generate_clearinghouse", vendors=VENDORS_PER_PAGE, verbosity=0)
    reason = "x" * Vendor._meta.get_field("decision_reason").max_length
    Vendor.objects.update(decision=Decision.NOT_APPROVED, decision_reason_en=reason)
    page = Client().get(reverse("vendors:vendor_list")).content
    assert page.count(b"District decision: Not approved") == VENDORS_PER_PAGE
    assert len(page) <= 150 * 1024
