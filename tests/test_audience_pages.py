"""A long audience page: a page of entries at a time under an index of every title, old
links that still land on their title, and the agreement-status filter."""

import re
from http import HTTPStatus

import pytest

from tests.factories import AgreementFactory, SharingRecordFactory
from vendors.models import AgreementStatus, VendorSlugRedirect
from vendors.views.pages import AUDIENCE_ENTRIES_PER_PAGE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_titles(district, parent_audience):
    records = [
        SharingRecordFactory(
            vendor__name=f"Title {number:03}",
            vendor__slug=f"title-{number:03}",
            audience=parent_audience,
        )
        for number in range(AUDIENCE_ENTRIES_PER_PAGE + 5)
    ]
    last = records[-1].vendor
    VendorSlugRedirect.objects.create(vendor=last, old_slug="old-last-title")
    return records


def entries(content):
    return re.findall(r'<li class="entry" id="([^"]+)"', content)


def test_a_long_audience_page_shows_one_page_of_entries_and_links_the_next(client, many_titles):
    content = client.get("/parent-data/").content.decode()
    assert len(entries(content)) == AUDIENCE_ENTRIES_PER_PAGE
    assert 'href="?page=2" rel="next"' in content
    second = client.get("/parent-data/?page=2").content.decode()
    assert entries(second) == [f"title-{AUDIENCE_ENTRIES_PER_PAGE + n:03}" for n in range(5)]


def test_the_index_points_at_the_page_holding_each_title_on_another_page(client, many_titles):
    content = client.get("/parent-data/").content.decode()
    last = f"title-{AUDIENCE_ENTRIES_PER_PAGE + 4:03}"
    # An old link such as /parent-data/#title-044 lands on the index line, one click away.
    assert f'<li id="{last}">' in content
    assert f'<a href="?page=2#{last}">Title {AUDIENCE_ENTRIES_PER_PAGE + 4:03}</a>' in content


def test_an_old_slug_anchor_still_lands_on_its_title(client, many_titles):
    first = client.get("/parent-data/").content.decode()
    assert 'id="old-last-title"' in first
    second = client.get("/parent-data/?page=2").content.decode()
    assert 'id="old-last-title"' in second


def test_paging_keeps_the_search_and_filters(client, many_titles):
    content = client.get("/parent-data/?q=title").content.decode()
    assert 'href="?q=title&amp;page=2" rel="next"' in content


def test_a_page_number_out_of_range_shows_the_last_page(client, many_titles):
    response = client.get("/parent-data/?page=99")
    assert response.status_code == HTTPStatus.OK
    assert f"title-{AUDIENCE_ENTRIES_PER_PAGE + 4:03}" in entries(response.content.decode())


@pytest.fixture
def agreements(district, parent_audience, student_audience):
    active = SharingRecordFactory(vendor__slug="active-one", audience=parent_audience)
    AgreementFactory(vendor=active.vendor, status=AgreementStatus.ACTIVE)
    ended = SharingRecordFactory(vendor__slug="ended-one", audience=parent_audience)
    AgreementFactory(vendor=ended.vendor, status=AgreementStatus.ENDED)
    # Ended in general, but the parents' own agreement, which counts here, is pending.
    own = SharingRecordFactory(vendor__slug="own-pending", audience=parent_audience)
    AgreementFactory(vendor=own.vendor, status=AgreementStatus.ENDED)
    AgreementFactory(vendor=own.vendor, audience=parent_audience, status=AgreementStatus.PENDING)
    SharingRecordFactory(vendor__slug="no-agreement", audience=parent_audience)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("agreement=active", ["active-one"]),
        ("agreement=ended", ["ended-one"]),
        ("agreement=pending", ["own-pending"]),
        ("agreement=active&agreement=pending", ["active-one", "own-pending"]),
    ],
)
def test_the_audience_page_filters_by_agreement_status(client, agreements, query, expected):
    content = client.get(f"/parent-data/?{query}").content.decode()
    assert sorted(entries(content)) == expected


def test_the_agreement_filter_combines_with_the_search(client, agreements):
    content = client.get("/parent-data/?agreement=active&q=nothing-matches-this").content.decode()
    assert entries(content) == []
    assert "No software title here matches" in content


def test_the_agreement_filter_is_a_labelled_checkbox_that_stays_checked(client, agreements):
    content = client.get("/parent-data/?agreement=ended").content.decode()
    assert '<legend class="usa-legend">Agreement status</legend>' in content
    assert re.search(r'id="agreement-ended"[^>]*value="ended" checked', content)
    assert '<label class="usa-checkbox__label" for="agreement-pending">Pending</label>' in content


def test_an_unknown_agreement_status_is_a_bad_request(client, agreements):
    assert client.get("/parent-data/?agreement=lapsed").status_code == HTTPStatus.BAD_REQUEST


def test_asking_for_an_entry_redirects_to_the_page_that_holds_it(client, many_titles):
    last = f"title-{AUDIENCE_ENTRIES_PER_PAGE + 4:03}"
    response = client.get("/parent-data/", {"entry": last, "q": "title"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/parent-data/?q=title&page=2#{last}"


def test_asking_for_an_entry_by_an_old_slug_lands_on_its_anchor(client, many_titles):
    response = client.get("/parent-data/", {"entry": "old-last-title"})
    assert response["Location"] == "/parent-data/?page=2#old-last-title"


def test_asking_for_an_unknown_entry_lands_on_the_first_page(client, many_titles):
    response = client.get("/parent-data/", {"entry": "no-such-title", "page": "2"})
    assert response["Location"] == "/parent-data/?#main-content"
