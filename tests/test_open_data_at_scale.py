"""The open data at a district's size: the whole lists streamed and then kept, the paged
JSON listing, and query counts that do not grow with the titles."""

import gzip
import json
from http import HTTPStatus

import brotli
import jsonschema
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import JsonResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.factories import DataElementFactory, SharingRecordFactory
from vendors import open_data
from vendors.models import DistrictProfile
from vendors.open_data import load_schema, public_vendors
from vendors.open_data.api import COMPACT_JSON, vendor_list_document
from vendors.open_data.spreadsheets import CSV_COLUMNS, csv_rows, csv_text
from vendors.views import open_data as open_data_views

pytestmark = pytest.mark.django_db

LIST = "/api/v1/vendors.json"
CSV = "/export/clearinghouse.csv"


@pytest.fixture
def five_titles(district, parent_audience):
    element = DataElementFactory()
    for letter in "abcde":
        SharingRecordFactory(
            vendor__name=f"Title {letter}",
            vendor__slug=f"title-{letter}",
            audience=parent_audience,
            elements=[element],
        )


@pytest.fixture
def pages_of_two(monkeypatch):
    monkeypatch.setattr(open_data_views, "PAGE_SIZE", 2)


def page(client, number):
    response = client.get(f"{LIST}?page={number}")
    assert response.status_code == HTTPStatus.OK
    return response


def slugs(response):
    return [vendor["slug"] for vendor in response.json()["vendors"]]


def test_the_first_page_links_to_the_next_and_says_where_it_stands(
    client, five_titles, pages_of_two
):
    response = page(client, 1)
    data = response.json()
    jsonschema.validate(data, load_schema())
    assert slugs(response) == ["title-a", "title-b"]
    assert (data["page"], data["pages"], data["page_size"], data["count"]) == (1, 3, 2, 5)
    assert data["next"] == "http://testserver/api/v1/vendors.json?page=2"
    assert data["previous"] is None
    assert response["Link"] == '<http://testserver/api/v1/vendors.json?page=2>; rel="next"'


def test_a_middle_page_links_both_ways(client, five_titles, pages_of_two):
    response = page(client, 2)
    assert slugs(response) == ["title-c", "title-d"]
    assert response.json()["previous"] == "http://testserver/api/v1/vendors.json?page=1"
    assert response["Link"] == (
        '<http://testserver/api/v1/vendors.json?page=3>; rel="next", '
        '<http://testserver/api/v1/vendors.json?page=1>; rel="prev"'
    )


def test_the_last_page_holds_the_rest_and_links_only_back(client, five_titles, pages_of_two):
    response = page(client, 3)
    jsonschema.validate(response.json(), load_schema())
    assert slugs(response) == ["title-e"]
    assert response.json()["next"] is None
    assert response["Link"] == '<http://testserver/api/v1/vendors.json?page=2>; rel="prev"'


def test_the_pages_together_are_the_whole_list_in_its_order(client, five_titles, pages_of_two):
    paged = [slug for number in (1, 2, 3) for slug in slugs(page(client, number))]
    whole = json.loads(client.get(LIST).getvalue())
    assert paged == [vendor["slug"] for vendor in whole["vendors"]]


def test_titles_of_the_same_name_keep_their_pages(client, district, parent_audience, pages_of_two):
    for slug in ("same-c", "same-a", "same-b"):
        SharingRecordFactory(vendor__name="Same Name", vendor__slug=slug, audience=parent_audience)
    assert slugs(page(client, 1)) + slugs(page(client, 2)) == ["same-a", "same-b", "same-c"]


@pytest.mark.parametrize(
    "query", ["abc", "0", "-1", "1.5", "", "01", "+1", "1e2", "%EF%BC%91", "1&page=2"]
)
def test_a_malformed_page_gets_a_400_with_a_json_error(client, five_titles, query):
    response = client.get(f"{LIST}?page={query}")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "page" in response.json()["error"]


@pytest.mark.parametrize("number", ["2", "99999999999999999999", "9" * 4000])
def test_a_page_past_the_end_is_not_found(client, five_titles, number):
    response = client.get(f"{LIST}?page={number}")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response.json()["error"].endswith("1.")


def test_an_empty_clearinghouse_has_one_empty_page(client, district):
    data = page(client, 1).json()
    assert (data["vendors"], data["pages"], data["count"], data["next"]) == ([], 1, 0, None)


def test_other_parameters_are_redirected_away_from_a_page(client, five_titles):
    response = client.get(f"{LIST}?page=1&utm_source=newsletter")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{LIST}?page=1"


@pytest.mark.parametrize("url", [CSV, "/api/v1/vendors/title-a.json"])
def test_only_the_json_list_reads_page(client, five_titles, url):
    response = client.get(f"{url}?page=2")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == url


def test_an_unchanged_page_answers_304_to_its_etag(client, five_titles, pages_of_two):
    etag = page(client, 2)["ETag"]
    response = client.get(f"{LIST}?page=2", headers={"if-none-match": etag})
    assert response.status_code == HTTPStatus.NOT_MODIFIED


def test_a_page_costs_the_same_queries_for_10_and_1000_titles(client):
    def queries(url):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == HTTPStatus.OK
        return len(captured)

    call_command("generate_clearinghouse", vendors=10, verbosity=0)
    few = (queries(f"{LIST}?page=1"), queries(f"{LIST}?page=1"))
    call_command("generate_clearinghouse", vendors=990, verbosity=0)
    assert (queries(f"{LIST}?page=1"), queries(f"{LIST}?page=10")) == few
    # Two of them read the decisions' schools and approved alternatives.
    assert few[0] <= 11


# The whole lists, streamed.


@pytest.mark.parametrize("url", [LIST, CSV])
def test_the_whole_list_is_streamed_after_a_write_then_served_whole(
    client, five_titles, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.streaming
    body = first.getvalue()
    with django_assert_num_queries(0):
        again = client.get(url)
    assert not again.streaming
    assert again.content == body
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]


@pytest.mark.parametrize("url", [LIST, CSV])
def test_the_streamed_list_answers_304_to_its_own_etag(client, five_titles, url):
    first = client.get(url)
    etag = first["ETag"]
    # Not read to its end yet, so nothing is kept: the tag of this version still answers.
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == HTTPStatus.NOT_MODIFIED
    first.getvalue()
    assert client.get(url, headers={"if-none-match": etag}).status_code == HTTPStatus.NOT_MODIFIED


def test_the_streamed_list_answers_304_to_if_modified_since(client, five_titles):
    modified = client.get(LIST)["Last-Modified"]
    response = client.get(LIST, headers={"if-modified-since": modified})
    assert response.status_code == HTTPStatus.NOT_MODIFIED


@pytest.mark.parametrize("coding", ["br", "gzip"])
def test_a_compressed_stream_holds_the_same_document(client, five_titles, coding):
    plain = client.get(LIST).getvalue()
    cache.clear()
    streamed = client.get(LIST, headers={"accept-encoding": coding})
    assert streamed.streaming
    assert streamed["Content-Encoding"] == coding
    decompress = brotli.decompress if coding == "br" else gzip.decompress
    assert decompress(streamed.getvalue()) == plain
    kept = client.get(LIST, headers={"accept-encoding": coding})
    assert not kept.streaming
    assert decompress(kept.content) == plain


# Real commits: closing a response ends its request, and Django then closes the database
# connection, which would end a test's enclosing transaction (on PostgreSQL).
@pytest.mark.django_db(transaction=True)
def test_a_stream_cut_short_keeps_nothing(client, five_titles):
    first = client.get(LIST)
    next(iter(first.streaming_content))
    first.close()
    assert client.get(LIST).streaming


def test_a_head_request_streams_nothing(client, five_titles):
    response = client.head(LIST)
    assert response.status_code == HTTPStatus.OK
    assert response.getvalue() == b""
    assert client.get(LIST).streaming


def test_a_write_during_the_stream_is_never_served_as_the_new_list(client, five_titles):
    first = client.get(LIST)
    pieces = iter(first.streaming_content)
    next(pieces)
    SharingRecordFactory(vendor__name="Title f", vendor__slug="title-f")
    b"".join(pieces)
    again = client.get(LIST)
    assert again.streaming
    assert b"title-f" in again.getvalue()


@pytest.fixture
def generated(monkeypatch):
    """Demo content and generated titles, read in chunks of seven."""
    call_command("generate_clearinghouse", vendors=30, verbosity=0)
    monkeypatch.setattr(open_data, "CHUNK_SIZE", 7)


def whole_documents():
    """The whole list as it was built before it was streamed: one document, one body."""
    absolute = RequestFactory().get("/").build_absolute_uri
    vendors = list(public_vendors())
    document = vendor_list_document(vendors, DistrictProfile.load(), absolute)
    return {
        LIST: JsonResponse(document, json_dumps_params=COMPACT_JSON).content,
        CSV: csv_text(CSV_COLUMNS, csv_rows(vendors, absolute)).encode(),
    }


@pytest.mark.parametrize("url", [LIST, CSV])
def test_the_streamed_list_is_the_document_built_whole(client, generated, url):
    response = client.get(url)
    assert response.streaming
    assert response.getvalue() == whole_documents()[url]


@pytest.mark.parametrize("url", [LIST, CSV])
def test_the_stream_costs_the_same_queries_per_chunk(
    client, district, parent_audience, monkeypatch, url
):
    monkeypatch.setattr(open_data, "CHUNK_SIZE", 2)

    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(url).getvalue()
        return len(captured)

    counts = []
    for _ in range(3):
        SharingRecordFactory.create_batch(2, audience=parent_audience)
        counts.append(queries())
    per_chunk = counts[1] - counts[0]
    assert counts[2] - counts[1] == per_chunk
    # Two of them read the decisions' schools and approved alternatives.
    assert per_chunk <= 8
