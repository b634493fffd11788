import csv
import datetime
import io
import json
from http import HTTPStatus

import jsonschema
import pytest
from django.utils.http import http_date

from tests.factories import (
    AgreementFactory,
    DataElementCategoryFactory,
    DataElementFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
)
from tests.helpers import query_count
from vendors.models import AgreementStatus, EndReason, PublicationStatus, Vendor
from vendors.open_data import load_schema
from vendors.open_data.spreadsheets import CSV_COLUMNS, INCIDENT_CSV_COLUMNS

pytestmark = pytest.mark.django_db

EXPORT_URLS = ["/export/clearinghouse.csv", "/api/v1/vendors.json", "/api/v1/vendors/clever.json"]


@pytest.fixture
def clever(district, parent_audience, student_audience):
    phone = DataElementFactory(
        name="Parent Phone",
        slug="parent-phone",
        category=DataElementCategoryFactory(name="Parent Contact", slug="parent-contact"),
    )
    record = SharingRecordFactory(
        vendor__name="Clever",
        vendor__slug="clever",
        vendor__company="Clever Inc.",
        audience=parent_audience,
        elements=[phone],
        usage_statement__text="Used to sign in.",
    )
    SharingRecordFactory(vendor=record.vendor, audience=student_audience)
    return record.vendor


@pytest.fixture
def drafts(district, parent_audience, student_audience):
    SharingRecordFactory(
        vendor__name="Secret Draft App",
        vendor__slug="secret-draft",
        vendor__status=PublicationStatus.DRAFT,
        audience=parent_audience,
    )
    half = SharingRecordFactory(
        vendor__name="Half Published",
        vendor__slug="half-published",
        audience=parent_audience,
    )
    SharingRecordFactory(
        vendor=half.vendor,
        audience=student_audience,
        status=PublicationStatus.DRAFT,
        usage_statement__text="Unpublished usage wording.",
    )


def csv_rows(response):
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_has_one_row_per_title_and_audience(client, clever):
    rows = csv_rows(client.get("/export/clearinghouse.csv"))
    assert [(row["vendor_slug"], row["audience_slug"]) for row in rows] == [
        ("clever", "parent-data"),
        ("clever", "student-data"),
    ]


def test_csv_row_carries_every_promised_column(client, clever):
    row = csv_rows(client.get("/export/clearinghouse.csv"))[0]
    assert list(row) == CSV_COLUMNS
    assert row["company"] == "Clever Inc."
    assert row["permalink"] == "http://testserver/vendors/clever/"
    assert row["audience_page"] == "http://testserver/parent-data/#clever"
    assert row["data_elements"] == "Parent Phone (Parent Contact)"
    assert row["usage_statement"] == "Used to sign in."
    assert row["privacy_policy_url"] == "https://clever.example/privacy"
    assert row["last_updated"].startswith("20")


def test_csv_downloads_with_a_sensible_filename(client, clever):
    response = client.get("/export/clearinghouse.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="clearinghouse.csv"'


def test_csv_neutralises_spreadsheet_formulas_in_staff_text(client, district, parent_audience):
    SharingRecordFactory(
        vendor__name="=HYPERLINK(1)", vendor__slug="formula", audience=parent_audience
    )
    assert csv_rows(client.get("/export/clearinghouse.csv"))[0]["vendor_name"] == "'=HYPERLINK(1)"


def test_json_list_is_valid_against_the_schema(client, clever):
    data = json.loads(client.get("/api/v1/vendors.json").getvalue())
    jsonschema.validate(data, load_schema())
    assert [vendor["slug"] for vendor in data["vendors"]] == ["clever"]


def test_json_detail_is_valid_against_the_schema(client, clever):
    data = client.get("/api/v1/vendors/clever.json").json()
    jsonschema.validate(data, load_schema())
    assert data["vendor"]["name"] == "Clever"


def test_json_nests_audiences_and_elements_with_their_categories(client, clever):
    vendor = client.get("/api/v1/vendors/clever.json").json()["vendor"]
    parents = vendor["audiences"][0]
    assert parents["audience"]["slug"] == "parent-data"
    assert parents["data_elements"][0]["category"] == {
        "name": "Parent Contact",
        "slug": "parent-contact",
    }
    assert vendor["links"]["privacy_policy"]["url"] == "https://clever.example/privacy"


def test_demo_content_is_valid_against_the_schema(client, demo_content):
    data = json.loads(client.get("/api/v1/vendors.json").getvalue())
    assert len(data["vendors"]) >= 4
    jsonschema.validate(data, load_schema())


def test_schema_rejects_a_response_missing_a_promised_field(client, clever):
    data = client.get("/api/v1/vendors/clever.json").json()
    del data["vendor"]["audiences"][0]["destruction_term"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, load_schema())


def test_schema_is_published_for_clients(client):
    response = client.get("/api/v1/schema.json")
    assert response.status_code == HTTPStatus.OK
    assert json.loads(response.content) == load_schema()


@pytest.mark.parametrize("url", ["/export/clearinghouse.csv", "/api/v1/vendors.json"])
def test_exports_never_contain_drafts(client, clever, drafts, url):
    content = client.get(url).getvalue().decode()
    assert "Secret Draft App" not in content
    assert "secret-draft" not in content
    assert "Unpublished usage wording." not in content
    assert "half-published" in content


def test_json_detail_of_a_draft_is_not_found(client, drafts):
    response = client.get("/api/v1/vendors/secret-draft.json")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Secret Draft App" not in response.content.decode()


def test_json_detail_omits_a_draft_audience_of_a_published_title(client, drafts):
    vendor = client.get("/api/v1/vendors/half-published.json").json()["vendor"]
    assert [record["audience"]["slug"] for record in vendor["audiences"]] == ["parent-data"]


def test_staff_see_no_drafts_in_exports_either(admin_client, drafts):
    assert b"Secret Draft App" not in admin_client.get("/api/v1/vendors.json").getvalue()


@pytest.mark.parametrize("url", EXPORT_URLS)
def test_exports_have_an_etag_and_last_modified(client, clever, url):
    response = client.get(url)
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert "max-age" in response["Cache-Control"]


@pytest.mark.parametrize("url", EXPORT_URLS)
def test_unchanged_export_answers_304_to_its_etag(client, clever, url):
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    assert response.content == b""


def test_unchanged_export_answers_304_to_if_modified_since(client, clever):
    last_modified = client.get("/api/v1/vendors.json")["Last-Modified"]
    response = client.get("/api/v1/vendors.json", headers={"if-modified-since": last_modified})
    assert response.status_code == HTTPStatus.NOT_MODIFIED


def test_an_edit_changes_the_etag(client, clever):
    before = client.get("/api/v1/vendors.json")["ETag"]
    clever.description = "A new description."
    clever.save()
    response = client.get("/api/v1/vendors.json", headers={"if-none-match": before})
    assert response.status_code == HTTPStatus.OK
    assert response["ETag"] != before


def test_old_if_modified_since_gets_the_full_export(client, clever):
    response = client.get("/api/v1/vendors.json", headers={"if-modified-since": http_date(0)})
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("url", EXPORT_URLS)
@pytest.mark.parametrize(
    "query",
    ["?status=draft", "?q=%00", "?format=xml&offset=-1", "?" + "x=1&" * 500, "?slug=secret-draft"],
)
def test_query_strings_neither_break_nor_change_exports(client, clever, drafts, url, query):
    plain = client.get(url)
    response = client.get(url + query, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert response.getvalue() == plain.getvalue()
    # Redirected to the plain address, so that no made-up parameter makes a copy.
    assert [hop[1] for hop in response.redirect_chain] in ([], [HTTPStatus.FOUND])


@pytest.mark.parametrize(
    "path", ["/api/v1/vendors/no-such.json", "/api/v1/vendors/%00.json", "/api/v1/vendors/a.b.json"]
)
def test_unknown_api_addresses_get_a_404(client, clever, path):
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_exports_refuse_writes(client, clever):
    assert client.post("/api/v1/vendors.json").status_code == HTTPStatus.METHOD_NOT_ALLOWED


@pytest.mark.parametrize("url", ["/export/clearinghouse.csv", "/api/v1/vendors.json"])
def test_export_query_count_does_not_grow_with_the_number_of_titles(
    client, district, parent_audience, url
):
    for _ in range(5):
        SharingRecordFactory(audience=parent_audience, elements=[DataElementFactory()])
    with_five = query_count(client, url)
    for _ in range(20):
        SharingRecordFactory(audience=parent_audience, elements=[DataElementFactory()])
    assert query_count(client, url) == with_five


def test_every_page_footer_links_to_the_open_data(client, clever):
    content = client.get("/").content.decode()
    assert 'href="/export/clearinghouse.csv"' in content
    assert 'href="/api/v1/vendors.json"' in content


@pytest.fixture
def former(district, parent_audience):
    """A retired title whose agreement ended, destruction not yet certified."""
    record = SharingRecordFactory(
        vendor__name="Reading Buddy",
        vendor__slug="reading-buddy",
        vendor__status=PublicationStatus.RETIRED,
        audience=parent_audience,
    )
    AgreementFactory(
        vendor=record.vendor,
        status=AgreementStatus.ENDED,
        ended_on=datetime.date(2026, 3, 1),
        end_reason=EndReason.VENDOR_CEASED,
        destruction_requested_on=datetime.date(2026, 3, 2),
    )
    return record.vendor


def test_json_lists_a_former_vendor_with_its_ended_agreement(client, clever, former):
    data = json.loads(client.get("/api/v1/vendors.json").getvalue())
    jsonschema.validate(data, load_schema())
    listed = {vendor["slug"]: vendor for vendor in data["vendors"]}
    assert listed["clever"]["listing"] == "current"
    assert listed["reading-buddy"]["listing"] == "former"
    (agreement,) = listed["reading-buddy"]["agreements"]
    assert agreement["ended_on"] == "2026-03-01"
    assert agreement["end_reason"] == "vendor_ceased"
    assert agreement["destruction_certified_on"] is None
    assert [r["audience"]["slug"] for r in listed["reading-buddy"]["audiences"]] == ["parent-data"]


def test_json_detail_of_a_former_vendor_is_published(client, former):
    response = client.get("/api/v1/vendors/reading-buddy.json")
    assert response.status_code == HTTPStatus.OK
    jsonschema.validate(response.json(), load_schema())
    assert response.json()["vendor"]["listing"] == "former"


def test_csv_lists_a_former_vendor_row_with_its_end(client, clever, former):
    rows = {row["vendor_slug"]: row for row in csv_rows(client.get("/export/clearinghouse.csv"))}
    assert rows["reading-buddy"]["listing"] == "former"
    assert rows["reading-buddy"]["agreement_ended_on"] == "2026-03-01"
    assert rows["reading-buddy"]["destruction_certified_on"] == ""
    assert rows["clever"]["listing"] == "current"


def test_schema_rejects_a_listing_it_does_not_promise(client, clever):
    data = client.get("/api/v1/vendors/clever.json").json()
    data["vendor"]["listing"] = "draft"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, load_schema())


INCIDENTS_CSV = "/export/security-incidents.csv"


def test_incident_csv_has_one_row_per_published_incident_newest_first(client, clever, former):
    phone = DataElementFactory(name="Student Phone", category__name="Student Contact")
    SecurityIncidentFactory(
        vendor=clever, discovered_on=datetime.date(2026, 1, 5), elements=[phone]
    )
    SecurityIncidentFactory(
        vendor=former,
        discovered_on=datetime.date(2026, 2, 10),
        disclosed_on=None,
        students_affected=None,
    )
    response = client.get(INCIDENTS_CSV)
    assert response.status_code == HTTPStatus.OK
    assert 'filename="security-incidents.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == INCIDENT_CSV_COLUMNS
    assert [(r["vendor_slug"], r["listing"], r["discovered_on"]) for r in rows] == [
        ("reading-buddy", "former", "2026-02-10"),
        ("clever", "current", "2026-01-05"),
    ]
    assert rows[0]["students_affected"] == ""
    assert rows[0]["disclosed_on"] == ""
    assert rows[1]["students_affected"] == "1200"
    assert rows[1]["data_elements"] == "Student Phone (Student Contact)"
    incident_pk = clever.security_incidents.get().pk
    assert rows[1]["url"].endswith(f"/incidents/#incident-{incident_pk}")


def test_incident_csv_never_contains_a_draft_incident_or_a_draft_title(client, clever, drafts):
    SecurityIncidentFactory(
        vendor=clever, status=PublicationStatus.DRAFT, summary="Still being checked."
    )
    SecurityIncidentFactory(
        vendor=Vendor.objects.get(slug="secret-draft"), summary="Hidden with its title."
    )
    content = client.get(INCIDENTS_CSV).content.decode("utf-8-sig")
    assert "Still being checked." not in content
    assert "Hidden with its title." not in content
    assert "secret-draft" not in content


def test_incident_csv_neutralises_spreadsheet_formulas(client, clever):
    SecurityIncidentFactory(vendor=clever, summary='=HYPERLINK("http://evil.example")')
    (row,) = csv_rows(client.get(INCIDENTS_CSV))
    assert row["summary"].startswith("'=")


def test_incident_csv_query_count_does_not_grow(client, clever):
    SecurityIncidentFactory.create_batch(2, vendor=clever, elements=[DataElementFactory()])
    with_two = query_count(client, INCIDENTS_CSV)
    SecurityIncidentFactory.create_batch(10, vendor=clever, elements=[DataElementFactory()])
    assert query_count(client, INCIDENTS_CSV) == with_two


def test_the_incidents_page_links_to_its_spreadsheet(client, district):
    assert f'href="{INCIDENTS_CSV}"' in client.get("/incidents/").content.decode()
