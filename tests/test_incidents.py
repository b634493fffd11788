"""Security incidents: on the title's page, on /incidents/, and in the exports."""

import csv
import datetime
import io
import json
from http import HTTPStatus

import jsonschema
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import DataElementFactory, SecurityIncidentFactory, SharingRecordFactory
from tests.helpers import query_count, validation_messages
from vendors.models import PublicationStatus
from vendors.open_data import load_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Grade Book", vendor__slug="grade-book", audience=parent_audience
    ).vendor


@pytest.fixture
def incident(vendor):
    return SecurityIncidentFactory(
        vendor=vendor, elements=[DataElementFactory(name="Student Grades")]
    )


def incidents_page(client):
    response = client.get(reverse("vendors:incident_list"))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_the_incidents_address_is_promised():
    assert reverse("vendors:incident_list") == "/incidents/"


def test_incidents_page_lists_dates_count_and_data_involved(client, incident):
    page = incidents_page(client)
    assert "Grade Book" in page
    assert "Feb. 10, 2026" in page
    assert "Feb. 20, 2026" in page
    assert "1200" in page
    assert "Student Grades" in page
    assert 'href="https://vendor.example/notice"' in page


def test_an_unknown_count_is_said_plainly(client, vendor):
    SecurityIncidentFactory(vendor=vendor, students_affected=None)
    assert "Not yet known" in incidents_page(client)


def test_a_draft_incident_is_not_public(client, vendor):
    SecurityIncidentFactory(vendor=vendor, summary="Still being checked", status="draft")
    assert "Still being checked" not in incidents_page(client)
    assert "Still being checked" not in client.get(vendor.get_absolute_url()).content.decode()


def test_an_incident_of_a_draft_title_is_not_public(client, vendor):
    vendor.status = PublicationStatus.DRAFT
    vendor.save()
    SecurityIncidentFactory(vendor=vendor, summary="Hidden with its title")
    assert "Hidden with its title" not in incidents_page(client)


def test_an_incident_of_a_former_vendor_stays_public(client, vendor):
    vendor.status = PublicationStatus.RETIRED
    vendor.save()
    SecurityIncidentFactory(vendor=vendor, summary="Happened before it ended")
    assert "Happened before it ended" in incidents_page(client)


def test_the_title_page_shows_its_incidents(client, incident):
    page = client.get(incident.vendor.get_absolute_url()).content.decode()
    assert "Security incidents" in page
    assert incident.summary in page


def test_incident_summaries_are_escaped(client, vendor):
    SecurityIncidentFactory(vendor=vendor, summary="<img src=x onerror=alert(1)>")
    page = incidents_page(client)
    assert "<img src=x" not in page
    assert "&lt;img src=x" in page


def test_an_incident_cannot_be_disclosed_before_it_was_discovered(vendor):
    incident = SecurityIncidentFactory.build(
        vendor=vendor,
        discovered_on=datetime.date(2026, 3, 1),
        disclosed_on=datetime.date(2026, 2, 1),
    )
    with pytest.raises(ValidationError, match="disclosed before"):
        incident.full_clean()


def test_incidents_page_query_count_does_not_grow(client, vendor):
    SecurityIncidentFactory.create_batch(2, vendor=vendor, elements=[DataElementFactory()])
    with_two = query_count(client, "/incidents/")
    SecurityIncidentFactory.create_batch(20, vendor=vendor, elements=[DataElementFactory()])
    assert query_count(client, "/incidents/") == with_two


def test_json_export_lists_published_incidents(client, incident):
    data = json.loads(client.get("/api/v1/vendors/grade-book.json").content)
    jsonschema.validate(data, load_schema())
    (exported,) = data["vendor"]["security_incidents"]
    assert exported["discovered_on"] == "2026-02-10"
    assert exported["students_affected"] == 1200


def test_csv_export_lists_incidents_with_count_and_date(client, incident):
    content = client.get("/export/clearinghouse.csv").getvalue().decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(content))
    assert "2026-02-10" in row["security_incidents"]
    assert "1200 students affected" in row["security_incidents"]


def test_editors_may_record_but_not_publish_incidents(editor):
    assert editor.has_perm("vendors.add_securityincident")
    assert not editor.has_perm("vendors.publish_vendor")


def test_admin_incident_pages_open(admin_client, incident):
    for url in (
        reverse("admin:vendors_securityincident_changelist"),
        reverse("admin:vendors_securityincident_add"),
        reverse("admin:vendors_securityincident_change", args=[incident.pk]),
    ):
        assert admin_client.get(url).status_code == HTTPStatus.OK


def test_incident_history_keeps_every_change(incident):
    incident.students_affected = 1300
    incident.save()
    counts = [h.students_affected for h in incident.history.order_by("history_date")]
    assert counts[0] == 1200
    assert counts[-1] == 1300


def test_filled_incident_pages_are_valid_html(client, incident, java, tmp_path):
    SecurityIncidentFactory(vendor=incident.vendor, disclosed_on=None, students_affected=None)
    documents = {
        "incidents": incidents_page(client),
        "permalink": client.get(incident.vendor.get_absolute_url()).content.decode(),
    }
    assert validation_messages(java, documents, tmp_path) == {}
