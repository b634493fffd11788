"""The public lists at scale: whatever the number of titles, each page a phone loads stays
small, costs the same few queries, and every old /vendors/#anchor still finds its title."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.helpers import validation_messages
from vendors.models import PublicationStatus, Vendor, VendorSlugRedirect
from vendors.views import vendor_list
from vendors.views.pages import INDEX_MAX_TITLES
from vendors.views.vendor_list import VENDORS_PER_PAGE

pytestmark = pytest.mark.django_db

MAX_HTML_BYTES = 150 * 1024
DEMO_TITLES = 4
LIST_PAGES = [
    "/parent-data/",
    "/parent-data/?page=2",
    "/student-data/",
    "/vendors/",
    "/search/?q=math",
    "/search/?q=email",
    "/search/?q=app",
]


def rendered(url):
    """A page as after an edit: rendered afresh, not from the page cache."""
    cache.clear()
    response = Client().get(url)
    assert response.status_code == HTTPStatus.OK, url
    return response


@pytest.fixture
def titles_at_their_heaviest(demo_content):
    """As many titles as the audience pages' index carries, which is also a full page of
    /vendors/: the longest either page can be."""
    assert VENDORS_PER_PAGE <= INDEX_MAX_TITLES
    call_command("generate_clearinghouse", vendors=INDEX_MAX_TITLES - DEMO_TITLES, verbosity=0)


def test_every_list_page_of_many_titles_stays_within_150_kb(titles_at_their_heaviest):
    sizes = {path: len(rendered(path).content) for path in LIST_PAGES}
    assert not {path: size for path, size in sizes.items() if size > MAX_HTML_BYTES}, sizes


def test_a_page_of_former_vendors_stays_within_150_kb(titles_at_their_heaviest):
    """A former vendor's line also says whether its data was destroyed."""
    Vendor.objects.all().set_status(PublicationStatus.RETIRED)
    for path in ("/vendors/", "/parent-data/"):
        page = rendered(path).content
        assert b'id="former-vendors"' in page or b'id="former-heading"' in page
        assert len(page) <= MAX_HTML_BYTES


def test_the_a_to_z_list_pages_past_a_page_of_titles(demo_content):
    call_command("generate_clearinghouse", vendors=VENDORS_PER_PAGE, verbosity=0)
    first = rendered("/vendors/").content.decode()
    second = rendered("/vendors/?page=2").content.decode()
    assert first.count('class="vendor-az__audiences"') == VENDORS_PER_PAGE
    assert second.count('class="vendor-az__audiences"') == DEMO_TITLES
    assert 'href="?page=2"' in first
    assert "(page 2 of 2)" in second


def entry_redirect(anchor):
    response = Client().get(f"/vendors/?entry={anchor}")
    assert response.status_code == HTTPStatus.FOUND
    return response["Location"]


def test_an_old_anchor_on_the_a_to_z_list_is_answered_with_the_page_that_holds_it(
    demo_content, monkeypatch
):
    """Clever, Schoology: the demo's titles, A to Z, two a page."""
    monkeypatch.setattr(vendor_list, "VENDORS_PER_PAGE", 2)
    names = list(Vendor.objects.listed().order_by("name").values_list("slug", flat=True))
    last = names[-1]
    last_page = (len(names) - 1) // 2 + 1
    VendorSlugRedirect.objects.create(vendor=Vendor.objects.get(slug=last), old_slug="old-name")
    assert entry_redirect(names[0]) == f"/vendors/?page=1#{names[0]}"
    assert entry_redirect(last) == f"/vendors/?page={last_page}#{last}"
    assert entry_redirect("old-name") == f"/vendors/?page={last_page}#old-name"
    letter = f"letter-{last[0]}"
    assert entry_redirect(letter).startswith("/vendors/?page=")
    assert entry_redirect("no-such-title") == "/vendors/#main-content"
    page = rendered(f"/vendors/?page={last_page}").content.decode()
    assert f'<li id="{last}"><span id="old-name"></span>' in page


def test_a_former_vendor_is_found_on_the_last_page(demo_content, monkeypatch):
    monkeypatch.setattr(vendor_list, "VENDORS_PER_PAGE", 2)
    Vendor.objects.filter(slug="allhere").set_status(PublicationStatus.RETIRED)
    public = Vendor.objects.public().count()
    last_page = (public - 1) // 2 + 1
    assert entry_redirect("allhere") == f"/vendors/?page={last_page}#allhere"
    assert entry_redirect("former-vendors") == f"/vendors/?page={last_page}#former-vendors"
    first = rendered("/vendors/").content.decode()
    # Without JavaScript, the old anchor lands on a link to the section.
    assert f'<a href="?page={last_page}#former-vendors" id="former-vendors"' in first


def test_the_pages_of_the_a_to_z_list_are_valid_html(demo_content, monkeypatch, java, tmp_path):
    """With stand-in anchors for the letters and the former vendors on other pages."""
    monkeypatch.setattr(vendor_list, "VENDORS_PER_PAGE", 2)
    vendor = Vendor.objects.get(slug="allhere")
    Vendor.objects.filter(pk=vendor.pk).set_status(PublicationStatus.RETIRED)
    vendor.slug_redirects.create(old_slug="all-here")
    documents = {
        path: rendered(path).content.decode() for path in ("/vendors/", "/vendors/?page=2")
    }
    assert "data-stands-in" in documents["/vendors/"]
    assert validation_messages(java, documents, tmp_path) == {}


QUERY_PAGES = [
    "/parent-data/",
    "/parent-data/?page=2",
    "/student-data/?q=app",
    "/vendors/",
    "/vendors/?page=2",
    "/vendors/?entry=clever",
    "/vendors/clever/",
    "/search/?q=app",
    "/search/?q=email",
]


def query_counts():
    found = {}
    for url in QUERY_PAGES:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            Client().get(url)
        found[url] = len(queries)
    return found


def test_the_lists_cost_the_same_queries_for_10_and_1000_titles(demo_content):
    call_command("generate_clearinghouse", vendors=10, seed=1, verbosity=0)
    with_10 = query_counts()
    call_command("generate_clearinghouse", vendors=990, seed=2, verbosity=0)
    assert Vendor.objects.count() >= 1000
    assert query_counts() == with_10
