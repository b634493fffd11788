"""The demo content reproduces the district's source page word for word."""

import re

import pytest
from django.urls import reverse

from tests.helpers import skip_unless_required
from tests.seed_page import SEED_DIR, load_seed, seed_available, visible_text

if not seed_available():
    skip_unless_required(
        f"The district's source page, kept outside the repository, is not in {SEED_DIR}: "
        "set CLEARINGHOUSE_SEED_DIR to the folder holding it to compare the demo content "
        "against it.",
        "CLEARINGHOUSE_SEED_REQUIRED",
    )

pytestmark = pytest.mark.django_db

INTRO, SECTIONS = load_seed()
AUDIENCE_SLUGS = {"Parent Data": "parent-data", "Student Data": "student-data"}


def audience_section(permalink_html, section):
    """The part of a title's permalink about one audience: what it receives, and why."""
    start = permalink_html.index(f'id="audience-{AUDIENCE_SLUGS[section]}"')
    return permalink_html[start : permalink_html.index("</section>", start)]


@pytest.fixture
def audience_pages(client, demo_content):
    return {
        section: client.get(reverse("vendors:audience", args=[slug])).content.decode()
        for section, slug in AUDIENCE_SLUGS.items()
    }


@pytest.fixture
def permalinks(client, demo_content):
    """Each title's full entry, on its permalink (an audience page shows a short one)."""
    slugs = {entry.name.lower() for entries in SECTIONS.values() for entry in entries}
    return {
        slug: client.get(reverse("vendors:vendor_detail", args=[slug])).content.decode()
        for slug in slugs
    }


def test_the_seed_has_both_sections_with_four_titles_each():
    assert [len(entries) for entries in SECTIONS.values()] == [4, 4]


def test_home_page_shows_the_intro_statement_and_contact(client, demo_content):
    text = visible_text(client.get(reverse("vendors:home")).content.decode())
    assert INTRO in text
    assert "innovation@dadeschools.net" in text


@pytest.mark.parametrize("section", SECTIONS)
def test_audience_page_lists_the_seed_titles_in_the_seed_order(audience_pages, section):
    text = visible_text(audience_pages[section])
    names = [entry.name for entry in SECTIONS[section]]
    positions = [text.index(f"Full entry for {name}") for name in names]
    assert positions == sorted(positions)


@pytest.mark.parametrize("section", SECTIONS)
def test_every_description_is_reproduced_word_for_word(permalinks, section):
    for entry in SECTIONS[section]:
        text = visible_text(permalinks[entry.name.lower()])
        for paragraph in entry.description:
            assert paragraph in text, (entry.name, paragraph)


@pytest.mark.parametrize("section", SECTIONS)
def test_every_element_appears_under_its_title_in_the_right_section(permalinks, section):
    for entry in SECTIONS[section]:
        html = audience_section(permalinks[entry.name.lower()], section)
        shown = re.findall(r'<a href="/data-elements/[^"]+/">([^<]+)</a>', html)
        assert shown and sorted(shown) == sorted(entry.elements), entry.name
        assert entry.elements_intro in visible_text(html)


@pytest.mark.parametrize("section", SECTIONS)
def test_both_statements_are_shown_for_every_title(permalinks, section):
    for entry in SECTIONS[section]:
        text = visible_text(permalinks[entry.name.lower()])
        assert entry.usage in text
        assert entry.destruction in text


@pytest.mark.parametrize("section", SECTIONS)
def test_each_statement_is_shown_once_on_the_audience_page(audience_pages, section):
    text = visible_text(audience_pages[section])
    for statement in {entry.usage for entry in SECTIONS[section]} | {
        entry.destruction for entry in SECTIONS[section]
    }:
        assert text.count(statement) == 1


@pytest.mark.parametrize("section", SECTIONS)
def test_every_link_label_and_url_is_reproduced(permalinks, section):
    for entry in SECTIONS[section]:
        html = permalinks[entry.name.lower()]
        text = visible_text(html)
        for label in entry.links.values():
            assert label in text
            if label.startswith("http"):
                assert f'href="{label}"' in html
            elif label.startswith("www."):
                assert f'href="https://{label}"' in html


def test_a_label_without_an_address_is_text_not_a_dead_link(permalinks):
    html = permalinks["dashpass"]
    for label in ("Privacy and Data Protection Policy", "Terms of Use", "DashPass Home 2022"):
        assert label in visible_text(html)
        assert not re.search(rf"<a [^>]*>\s*{re.escape(label)}", html)


def test_permalink_shows_both_audiences_for_a_title(client, demo_content):
    text = visible_text(
        client.get(reverse("vendors:vendor_detail", args=["schoology"])).content.decode()
    )
    assert "Parent Data" in text and "Student Data" in text


def test_the_demo_content_names_no_company_the_seed_does_not(client, demo_content):
    # The seed links Schoology's policies to powerschool.com, but never calls it a product
    # of PowerSchool.
    text = visible_text(
        client.get(reverse("vendors:vendor_detail", args=["schoology"])).content.decode()
    )
    assert "A product of" not in text


def test_the_demo_agreements_claim_no_more_than_being_in_place(client, demo_content):
    text = visible_text(
        client.get(reverse("vendors:vendor_detail", args=["clever"])).content.decode()
    )
    assert "Agreement in place; dates not published" in text
    assert "Agreement: Active" not in text
