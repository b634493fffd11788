"""What every page carries: a description for search engines, an icon, and the district's
statement with its email address a link."""

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/parent-data/",
    "/student-data/",
    "/vendors/",
    "/vendors/clever/",
    "/data-elements/",
    "/data-elements/parent-email/",
    "/search/?q=phone",
    "/changes/",
    "/incidents/",
    "/no-such-page/",
    "/es/parent-data/",
    "/ht/vendors/clever/",
    "/subscribe/",
    "/annual-notice/",
]
DESCRIPTION = re.compile(r'<meta name="description" content="([^"]+)">')


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_describes_itself_to_search_engines(client, demo_content, path):
    page = client.get(path).content.decode()
    descriptions = DESCRIPTION.findall(page)
    assert len(descriptions) == 1
    assert len(descriptions[0]) > 50


def test_the_default_description_is_the_districts_statement_in_the_visitors_language(
    client, demo_content
):
    page = client.get("/vendors/").content.decode()
    assert DESCRIPTION.search(page).group(1) == (
        "M-DCPS understand that parents have a right to know how their child’s personal "  # noqa: RUF001 - the seed's
        "information (PII) is being collected, used, and shared."
    )


def test_every_page_links_its_icon(client, demo_content):
    page = client.get("/parent-data/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert Path(finders.find("favicon.svg")).read_text().startswith("<svg")


def test_favicon_ico_sends_browsers_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/static/favicon.ico"
    # An ICO file's own first bytes: reserved 0, type 1 (icon).
    assert Path(finders.find("favicon.ico")).read_bytes()[:4] == b"\x00\x00\x01\x00"


def test_the_email_address_in_the_districts_statement_is_a_mailto_link(client, demo_content):
    page = client.get(reverse("vendors:home")).content.decode()
    assert (
        'please contact us at <a href="mailto:innovation@dadeschools.net" '
        'rel="noopener noreferrer">innovation@dadeschools.net</a>.'
    ) in page


def test_an_email_address_staff_already_linked_is_not_linked_twice(client, district):
    district.intro = (
        "Write to [our office](mailto:privacy@district.example) or privacy@district.example."
    )
    district.save()
    page = client.get(reverse("vendors:home")).content.decode()
    assert page.count('href="mailto:privacy@district.example"') >= 2
    assert '<a href="mailto:privacy@district.example" rel="noopener noreferrer"><a' not in page
    assert (
        '<a href="mailto:privacy@district.example" rel="noopener noreferrer">our office</a>' in page
    )


def test_search_boxes_have_a_visible_label_or_a_placeholder(client, demo_content):
    home = client.get(reverse("vendors:home")).content.decode()
    assert '<label class="usa-label search-form__label" for="home-q">' in home
    vendors = client.get(reverse("vendors:vendor_list")).content.decode()
    assert 'placeholder="Search the clearinghouse"' in vendors


def test_the_home_page_has_one_search_box(client, demo_content):
    home = client.get(reverse("vendors:home")).content.decode()
    assert home.count('type="search"') == 1
