"""Vendors' answers: AI and accessibility on a title, the invitation a vendor answers without
an account, the proposal staff review field by field, and editors' changes held for a
publisher. Nothing a vendor sends is public until staff accept it and a publisher publishes."""

import csv
import io
import json
from http import HTTPStatus

import jsonschema
import pytest
import tablib
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import SharingRecordFactory, VendorFactory
from vendors.models import AIAnswer, Vendor
from vendors.open_data import load_schema
from vendors.resources import VendorResource

pytestmark = pytest.mark.django_db


def csv_rows(response):
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def stated(district, parent_audience):
    """A published title whose vendor has answered the AI questions and links its VPAT."""
    record = SharingRecordFactory(
        vendor__name="Reading Buddy",
        vendor__slug="reading-buddy",
        vendor__generative_ai=AIAnswer.YES,
        vendor__trains_models=AIAnswer.NO,
        vendor__accessibility_report_url="https://reading-buddy.example/vpat.pdf",
        audience=parent_audience,
    )
    return record.vendor


# AI and accessibility, on the title


def test_the_permalink_says_what_the_vendor_stated_about_ai_and_its_vpat(client, stated):
    page = client.get(stated.get_absolute_url()).content.decode()
    assert 'id="ai-accessibility"' in page
    assert 'class="vendor-ai__generative">Yes<' in page
    assert 'class="vendor-ai__training">No<' in page
    assert 'href="https://reading-buddy.example/vpat.pdf"' in page


def test_a_title_whose_vendor_said_nothing_reads_not_stated_rather_than_no(
    client, district, parent_audience
):
    record = SharingRecordFactory(vendor__slug="quiet", audience=parent_audience)
    page = client.get(record.vendor.get_absolute_url()).content.decode()
    assert 'class="vendor-ai__generative">Not stated<' in page
    assert "has not told the district either way" in page


def test_the_open_data_json_carries_the_ai_answers_and_the_vpat(client, stated):
    data = client.get("/api/v1/vendors/reading-buddy.json").json()
    jsonschema.validate(data, load_schema())
    assert data["vendor"]["generative_ai"] == "yes"
    assert data["vendor"]["trains_models"] == "no"
    assert data["vendor"]["accessibility_report_url"] == "https://reading-buddy.example/vpat.pdf"
    listing = json.loads(client.get("/api/v1/vendors.json").getvalue())
    jsonschema.validate(listing, load_schema())


def test_the_csv_appends_the_ai_and_vpat_columns(client, stated):
    response = client.get("/export/clearinghouse.csv")
    [row] = csv_rows(response)
    assert list(row)[-3:] == ["generative_ai", "trains_models", "accessibility_report_url"]
    assert (row["generative_ai"], row["trains_models"]) == ("yes", "no")
    assert row["accessibility_report_url"] == "https://reading-buddy.example/vpat.pdf"


def test_the_spreadsheet_round_trips_the_ai_answers(district, parent_audience, stated):
    exported = VendorResource().export(Vendor.objects.all())
    assert exported.dict[0]["generative_ai"] == "yes"
    data = tablib.Dataset().load(exported.csv, format="csv")
    rows = [list(row) for row in data]
    rows[0][data.headers.index("trains_models")] = "yes"
    result = VendorResource().import_data(tablib.Dataset(*rows, headers=data.headers))
    assert not result.has_errors() and not result.has_validation_errors()
    stated.refresh_from_db()
    assert stated.trains_models == AIAnswer.YES


def test_an_unknown_ai_answer_in_a_spreadsheet_is_refused(district, stated):
    data = tablib.Dataset().load(VendorResource().export(Vendor.objects.all()).csv, format="csv")
    rows = [list(row) for row in data]
    rows[0][data.headers.index("generative_ai")] = "maybe"
    result = VendorResource().import_data(tablib.Dataset(*rows, headers=data.headers), dry_run=True)
    assert result.has_validation_errors()
    stated.refresh_from_db()
    assert stated.generative_ai == AIAnswer.YES


def test_staff_edit_the_ai_answers_on_the_titles_page(admin_client, stated):
    page = admin_client.get(reverse("admin:vendors_vendor_change", args=[stated.pk]))
    assert page.status_code == HTTPStatus.OK
    html = page.content.decode()
    for name in ("generative_ai", "trains_models", "accessibility_report_url"):
        assert f'name="{name}"' in html


def test_a_vpat_link_must_be_a_web_address(district):
    vendor = VendorFactory.build(accessibility_report_url="javascript:alert(1)")
    with pytest.raises(ValidationError) as error:
        vendor.full_clean()
    assert "accessibility_report_url" in error.value.message_dict
