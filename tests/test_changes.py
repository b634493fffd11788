import datetime
import xml.etree.ElementTree as ET
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import change_form_data
from tests.factories import (
    AudienceFactory,
    DataElementFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    UsageStatementFactory,
    VendorFactory,
)
from vendors.models import (
    DestructionTerm,
    PublicationStatus,
    SecurityIncident,
    SharingRecord,
    UsageStatement,
    Vendor,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def later():
    """Move every recorded change ten minutes into the past, so that what a test does next
    counts as a separate change rather than part of the same save."""
    for model in (Vendor, SharingRecord, UsageStatement, DestructionTerm, SecurityIncident):
        model.history.update(history_date=F("history_date") - timedelta(minutes=10))


def feed_of(client):
    response = client.get(reverse("vendors:changes_feed"))
    assert response.status_code == HTTPStatus.OK
    return ET.fromstring(response.content)  # noqa: S314 (our own server's output, not a stranger's)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # These tests read the view's context, which a cached answer (tests/test_page_cache.py)
    # does not have; a zero timeout makes every request render.
    settings.PAGE_CACHE_SECONDS = 0


def entries(client, **params):
    response = client.get(reverse("vendors:changes"), params)
    assert response.status_code == HTTPStatus.OK
    return [(e.kind, e.subject, e.summary) for e in response.context["entries"]]


@pytest.fixture
def clever(district, parent_audience):
    parent_email = DataElementFactory(name="Parent Email")
    record = SharingRecordFactory(
        vendor__name="Clever", audience=parent_audience, elements=[parent_email]
    )
    later()
    return record


def test_publishing_a_title_shows_it_as_added(client, clever):
    assert entries(client)[-1] == ("added", "Clever", "Added to the clearinghouse.")


def test_the_records_of_a_title_published_with_it_are_not_listed_separately(client, clever):
    assert len(entries(client)) == 1


def test_a_draft_title_and_its_edits_never_appear(client, district, parent_audience):
    record = SharingRecordFactory(
        vendor__name="Secret Draft",
        vendor__status=PublicationStatus.DRAFT,
        audience=parent_audience,
    )
    later()
    record.vendor.description = "Still being written."
    record.vendor.save()
    record.elements.add(DataElementFactory())
    later()
    record.vendor.delete()
    assert entries(client) == []
    assert "Secret Draft" not in client.get(reverse("vendors:changes_feed")).content.decode()


def test_a_published_title_edit_names_the_fields_that_changed(client, clever):
    clever.vendor.description = "A new description."
    clever.vendor.website_url = "https://clever.example/new"
    clever.vendor.save()
    assert entries(client)[0] == ("updated", "Clever", "Changed: description, website URL.")


def test_added_data_elements_are_one_entry_naming_them(client, clever):
    clever.elements.add(DataElementFactory(name="Parent Phone"))
    clever.elements.add(DataElementFactory(name="Home Address"))
    assert entries(client)[0] == (
        "updated",
        "Clever: Parent Data",
        "Now also shares Home Address, Parent Phone.",
    )
    assert len(entries(client)) == 2


def test_removed_data_elements_are_named(client, clever):
    clever.elements.clear()
    assert entries(client)[0][2] == "No longer shares Parent Email."


def test_retiring_a_title_shows_it_as_retired(client, clever):
    Vendor.objects.filter(pk=clever.vendor.pk).set_status(PublicationStatus.RETIRED)
    assert entries(client)[0][:2] == ("retired", "Clever")


def test_unpublishing_shows_removed_without_the_draft_rename(client, clever):
    vendor = clever.vendor
    vendor.status = PublicationStatus.DRAFT
    vendor.save()
    later()
    vendor.name = "Clever Secret Rename"
    vendor.save()
    assert entries(client)[0] == ("removed", "Clever", "Removed from the clearinghouse.")
    assert "Secret" not in client.get(reverse("vendors:changes")).content.decode()


def test_deleting_a_title_shows_it_as_removed_once(client, clever):
    clever.vendor.delete()
    assert entries(client)[0] == ("removed", "Clever", "Removed from the clearinghouse.")
    assert len(entries(client)) == 2


def test_a_new_audience_for_a_public_title_is_added(client, clever, student_audience):
    SharingRecordFactory(vendor=clever.vendor, audience=student_audience)
    assert entries(client)[0][:2] == ("added", "Clever: Student Data")


def test_a_draft_sharing_record_never_appears(client, clever, student_audience):
    draft = SharingRecordFactory(
        vendor=clever.vendor, audience=student_audience, status=PublicationStatus.DRAFT
    )
    later()
    draft.elements.add(DataElementFactory(name="Student Secret"))
    assert len(entries(client)) == 1


def test_rewording_a_usage_statement_names_the_records_that_show_it(client, clever):
    statement = clever.usage_statement
    statement.text = "Used to sign students in."
    statement.save()
    kind, subject, summary = entries(client)[0]
    assert (kind, subject) == ("updated", "Clever: Parent Data")
    assert "how the data is being used" in summary
    assert statement.title not in client.get(reverse("vendors:changes")).content.decode()


def test_rewording_a_statement_no_public_record_uses_does_not_appear(client, clever):
    unused = UsageStatementFactory()
    later()
    unused.text = "Reworded."
    unused.save()
    assert len(entries(client)) == 1


def test_switching_a_records_destruction_term_is_an_update(client, clever):
    clever.destruction_term = DestructionTerm.objects.create(title="Other", text="Ninety days.")
    clever.save()
    assert entries(client)[0] == (
        "updated",
        "Clever: Parent Data",
        "Changed: when & how the data will be destroyed.",
    )


def test_changes_are_newest_first_with_their_dates(client, clever):
    clever.vendor.company = "Clever Inc."
    clever.vendor.save()
    response = client.get(reverse("vendors:changes"))
    shown = response.context["entries"]
    assert shown[0].date > shown[1].date
    newest = timezone.localtime(shown[0].date).strftime("%Y-%m-%dT%H:%M:%S%z")
    assert f'datetime="{newest}"' in response.content.decode()


def test_the_change_log_is_paginated(client, district, parent_audience):
    for number in range(30):
        VendorFactory(name=f"Title {number:02d}")
        later()
    first = client.get(reverse("vendors:changes"))
    assert len(first.context["entries"]) == 25
    assert "?page=2" in first.content.decode()
    assert len(entries(client, page=2)) == 5


def test_a_bad_page_number_is_not_found(client, clever):
    # Not parametrized: a parametrized test here makes pytest-playwright's browser parameter
    # reorder the session, and the browser tests' flush would then run before the rest.
    for page in ["abc", "99999999999999999999", "-1", "0"]:
        response = client.get(reverse("vendors:changes"), {"page": page})
        assert response.status_code == HTTPStatus.NOT_FOUND, page


def test_the_query_count_does_not_grow_with_the_number_of_changes(client, clever):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("vendors:changes")).status_code == HTTPStatus.OK
        return len(context)

    few = queries()
    for number in range(20):
        clever.elements.add(DataElementFactory())
        clever.vendor.description = f"Version {number}"
        clever.vendor.save()
        later()
    assert queries() == few


def test_an_empty_change_log_says_so(client, district):
    response = client.get(reverse("vendors:changes"))
    assert "Nothing has changed" in response.content.decode()


def test_every_page_links_to_the_change_log_and_its_feed(client, district):
    html = client.get(reverse("vendors:home")).content.decode()
    assert f'href="{reverse("vendors:changes")}"' in html
    feed_url = reverse("vendors:changes_feed")
    assert f'<link rel="alternate" type="application/atom+xml" href="{feed_url}"' in html


def test_the_feed_is_valid_atom_with_an_entry_per_change(client, clever):
    clever.elements.add(DataElementFactory(name="Parent Phone"))
    response = client.get(reverse("vendors:changes_feed"))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feed_of(client)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    feed_entries = feed.findall(f"{ATOM}entry")
    assert len(feed_entries) == 2
    for entry in feed_entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
    assert feed_entries[0].find(f"{ATOM}title").text == "Updated: Clever: Parent Data"
    assert "Now also shares Parent Phone." in feed_entries[0].find(f"{ATOM}summary").text


def test_feed_entry_ids_stay_the_same_between_requests(client, clever):
    def ids():
        feed = feed_of(client)
        return [entry.find(f"{ATOM}id").text for entry in feed.findall(f"{ATOM}entry")]

    assert ids() == ids()


def test_a_removed_title_in_the_feed_links_to_the_change_log(client, clever):
    clever.vendor.delete()
    feed = feed_of(client)
    link = feed.find(f"{ATOM}entry").find(f"{ATOM}link").get("href")
    assert reverse("vendors:changes") in link


def test_a_title_public_before_another_audience_was_added_keeps_its_name(client, clever):
    AudienceFactory(slug="staff-data", name="Staff", title="Staff Data")
    assert entries(client)[-1][1] == "Clever"


def test_an_admin_save_changing_elements_is_one_entry(publisher_client, client, clever):
    parent_phone = DataElementFactory(name="Parent Phone")
    url = reverse("admin:vendors_vendor_change", args=[clever.vendor.pk])
    data = change_form_data(publisher_client.get(url))
    shared = list(clever.elements.values_list("pk", flat=True))
    data["sharing_records-0-elements"] = [*shared, parent_phone.pk]
    assert publisher_client.post(url, data).status_code == HTTPStatus.FOUND
    assert entries(client)[:2] == [
        ("updated", "Clever: Parent Data", "Now also shares Parent Phone."),
        ("added", "Clever", "Added to the clearinghouse."),
    ]


def test_the_first_edit_of_a_title_loaded_without_history_is_not_shown_as_added(
    client, district, parent_audience
):
    record = SharingRecordFactory(vendor__name="Clever", audience=parent_audience)
    Vendor.history.all().delete()
    SharingRecord.history.all().delete()
    record.vendor.company = "Clever Inc."
    record.vendor.save()
    assert entries(client) == []


def test_a_translation_edit_is_recorded_without_disturbing_the_change_log(client, clever):
    vendor = clever.vendor
    vendor.description_es = "Inicio de sesión único para las escuelas."
    vendor.save()
    assert vendor.history.latest().description_es == "Inicio de sesión único para las escuelas."
    vendor.description = "A new description."
    vendor.save()
    assert entries(client)[0] == ("updated", "Clever", "Changed: description.")


DRAFT_SUMMARY = "Draft wording the publisher has not approved"


def incident_entries(client):
    return [entry for entry in entries(client) if entry[1].startswith("Security incident")]


def test_a_published_incident_is_reported_in_the_change_log(client, clever):
    SecurityIncidentFactory(vendor=clever.vendor, discovered_on=datetime.date(2026, 2, 10))
    assert incident_entries(client) == [
        (
            "added",
            "Security incident at Clever",
            "Security incident reported at Clever, discovered 2026-02-10.",
        )
    ]


def test_a_draft_incident_never_appears_not_even_its_summary(client, clever):
    SecurityIncidentFactory(
        vendor=clever.vendor, status=PublicationStatus.DRAFT, summary=DRAFT_SUMMARY
    )
    later()
    assert incident_entries(client) == []
    assert DRAFT_SUMMARY not in client.get(reverse("vendors:changes")).content.decode()
    assert DRAFT_SUMMARY not in client.get(reverse("vendors:changes_feed")).content.decode()


def test_publishing_a_draft_incident_reports_it_once_it_is_published(client, clever):
    incident = SecurityIncidentFactory(
        vendor=clever.vendor, status=PublicationStatus.DRAFT, summary=DRAFT_SUMMARY
    )
    later()
    SecurityIncident.objects.filter(pk=incident.pk).set_status(PublicationStatus.PUBLISHED)
    assert [kind for kind, _subject, _summary in incident_entries(client)] == ["added"]


def test_correcting_a_published_incident_names_the_fields_that_changed(client, clever):
    incident = SecurityIncidentFactory(vendor=clever.vendor)
    later()
    incident.students_affected = 1500
    incident.save()
    assert incident_entries(client)[0] == (
        "updated",
        "Security incident at Clever",
        "Changed: district students affected.",
    )


def test_a_draft_edit_of_a_withdrawn_incident_never_shows(client, clever):
    incident = SecurityIncidentFactory(vendor=clever.vendor)
    later()
    SecurityIncident.objects.filter(pk=incident.pk).set_status(PublicationStatus.DRAFT)
    later()
    incident.refresh_from_db()
    incident.summary = DRAFT_SUMMARY
    incident.save()
    assert [kind for kind, _subject, _summary in incident_entries(client)] == ["removed", "added"]
    assert DRAFT_SUMMARY not in client.get(reverse("vendors:changes_feed")).content.decode()


def test_an_incident_at_a_draft_title_never_appears(client, district, parent_audience):
    record = SharingRecordFactory(
        vendor__name="Secret Draft",
        vendor__status=PublicationStatus.DRAFT,
        audience=parent_audience,
    )
    SecurityIncidentFactory(vendor=record.vendor)
    assert incident_entries(client) == []
    assert "Secret Draft" not in client.get(reverse("vendors:changes_feed")).content.decode()


def test_a_published_incident_is_in_the_feed_linking_to_the_incidents_page(client, clever):
    incident = SecurityIncidentFactory(vendor=clever.vendor)
    entry = feed_of(client).find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "Added: Security incident at Clever"
    assert "Security incident reported at Clever" in entry.find(f"{ATOM}summary").text
    link = entry.find(f"{ATOM}link").get("href")
    assert link.endswith(f"{reverse('vendors:incident_list')}#incident-{incident.pk}")


def test_a_long_history_is_read_newest_first_up_to_a_bound_and_invents_no_change(
    client, clever, monkeypatch
):
    clever.vendor.name = "Clever Maps"
    clever.vendor.save()
    later()
    clever.vendor.name = "Clever Maps 2"
    clever.vendor.save()
    assert [kind for kind, *_ in entries(client)] == ["updated", "updated", "added"]
    # Only the two newest rows of each kind: the oldest change drops out, and the rename
    # read first is a baseline, not an addition.
    monkeypatch.setattr("vendors.changes.history.HISTORY_ROWS_READ", 2)
    assert entries(client) == [("updated", "Clever Maps 2", "Changed: name.")]
