import re
from html import unescape
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.staticfiles import finders

from tests.factories import SharingRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tricky(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Q&A Tool? #1", vendor__slug="qa-tool", audience=parent_audience
    ).vendor


def ask_links(content):
    return [unescape(href) for href in re.findall(r'href="(mailto:[^"]*\?subject=[^"]*)"', content)]


def test_vendor_page_has_an_ask_the_district_link(client, tricky):
    content = client.get("/vendors/qa-tool/").content.decode()
    assert "Ask the district about Q&amp;A Tool? #1" in content
    assert len(ask_links(content)) == 1


def test_ask_link_writes_to_the_district_contact(client, tricky):
    link = urlsplit(ask_links(client.get("/vendors/qa-tool/").content.decode())[0])
    assert link.scheme == "mailto"
    assert link.path == "privacy@district.example"


def test_ask_link_subject_and_body_are_encoded_intact(client, tricky):
    href = ask_links(client.get("/vendors/qa-tool/").content.decode())[0]
    query = urlsplit(href).query
    # Nothing in the name may end the subject early or start a new parameter.
    assert set(parse_qs(query)) == {"subject", "body"}
    fields = parse_qs(query)
    assert fields["subject"] == ["Question about Q&A Tool? #1"]
    assert "http://testserver/vendors/qa-tool/" in fields["body"][0]
    assert "+" not in query


def test_each_audience_page_entry_has_an_ask_link(client, tricky):
    content = client.get("/parent-data/").content.decode()
    assert len(ask_links(content)) == 1


def test_no_ask_link_before_the_district_has_a_contact(client, parent_audience):
    SharingRecordFactory(vendor__slug="lonely", audience=parent_audience)
    assert ask_links(client.get("/vendors/lonely/").content.decode()) == []


def test_audience_entry_links_its_permalink_and_full_entry(client, tricky):
    content = client.get("/parent-data/").content.decode()
    assert '<a href="/vendors/qa-tool/">Q&amp;A Tool? #1</a>' in content
    assert (
        'href="/vendors/qa-tool/#audience-parent-data">Full entry for Q&amp;A Tool? #1' in content
    )


def test_copy_link_button_waits_hidden_for_javascript(client, tricky):
    content = client.get("/vendors/qa-tool/").content.decode()
    assert '<p class="copy-link" hidden>' in content
    assert 'data-copy-text="http://testserver/vendors/qa-tool/"' in content


@pytest.mark.parametrize("url", ["/vendors/qa-tool/", "/parent-data/"])
def test_pages_load_scripts_only_from_files(client, tricky, url):
    content = client.get(url).content.decode()
    assert '<script src="/static/js/copy-link.js" defer></script>' in content
    assert not re.search(r"<script(?![^>]*\ssrc=)", content)
    assert " style=" not in content


@pytest.mark.parametrize("path", ["js/copy-link.js", "js/print.js", "css/print.css"])
def test_enhancement_files_are_served_as_static_files(client, path):
    assert finders.find(path) is not None


@pytest.mark.parametrize("url", ["/", "/parent-data/", "/vendors/qa-tool/"])
def test_pages_use_the_print_stylesheet_for_print_only(client, tricky, url):
    content = client.get(url).content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in content


def print_rules():
    css = re.sub(r"/\*.*?\*/", "", Path(finders.find("css/print.css")).read_text(), flags=re.S)
    return {
        selector.strip(): body
        for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)
        for selector in selectors.split(",")
    }


@pytest.mark.parametrize(
    "selector", [".site-nav", ".search-form", ".audience-filters", ".copy-link", "button"]
)
def test_print_stylesheet_hides_navigation_and_controls(selector):
    assert "display: none" in print_rules()[selector]


def test_print_stylesheet_writes_out_link_addresses_after_their_labels():
    assert 'content: " (" attr(href) ")"' in print_rules()['a[href^="http"]::after']


def test_print_stylesheet_shows_the_content_of_closed_entries():
    assert "content-visibility: visible" in print_rules()["details::details-content"]


def test_vendor_page_query_count_is_unchanged_by_the_ask_link(
    client, tricky, django_assert_num_queries
):
    # 10, as the permalink test in test_public_pages.py: the link itself adds no query.
    with django_assert_num_queries(10):
        assert client.get("/vendors/qa-tool/").status_code == HTTPStatus.OK
