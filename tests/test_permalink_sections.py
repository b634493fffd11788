"""A permalink's sections, each with an anchor a privacy officer can link and a visible link
to itself; and the print button, which waits for JavaScript."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import AgreementFactory, SecurityIncidentFactory, SharingRecordFactory

pytestmark = pytest.mark.django_db

SECTIONS = [
    ("agreement", "agreement"),
    ("destruction", "destruction"),
    ("audience-parent-data", "audience-parent-data"),
    ("subprocessors", "subprocessors"),
    ("incidents", "incidents"),
    ("ai-accessibility", "ai-accessibility"),
    ("links", "links-heading"),
]


@pytest.fixture
def page(client, district, parent_audience):
    record = SharingRecordFactory(
        vendor__name="Reading Buddy", vendor__slug="reading-buddy", audience=parent_audience
    )
    AgreementFactory(vendor=record.vendor)
    SecurityIncidentFactory(vendor=record.vendor)
    response = client.get(reverse("vendors:vendor_detail", args=["reading-buddy"]))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


@pytest.mark.parametrize(("anchor", "heading"), SECTIONS)
def test_every_section_has_its_anchor_and_a_link_to_it(page, anchor, heading):
    assert f'id="{anchor}"' in page
    link = re.search(rf'<a class="section-link__link" href="#{anchor}"[^>]*>([^<]*)</a>', page)
    assert link, anchor
    assert link.group(1) == "Link to this section"
    # Its accessible name is its own words followed by the section's heading.
    assert f'aria-labelledby="{anchor}-link {heading}"' in link.group(0)
    assert re.search(rf'<h2 id="{heading}">[^<]+</h2>', page), heading


def test_the_section_links_name_distinct_sections(page):
    labelled_by = re.findall(r'class="section-link__link"[^>]*aria-labelledby="([^"]+)"', page)
    assert len(labelled_by) == len(set(labelled_by)) == len(SECTIONS)


@pytest.mark.parametrize(
    "anchor",
    ["glance-heading", "description-heading", "links-heading", "permalink-heading", "incident-"],
)
def test_the_anchors_that_were_there_before_stay(page, anchor):
    assert f'id="{anchor}' in page


def test_the_print_button_waits_hidden_for_javascript(page):
    assert re.search(r'<p class="print-page" hidden><button [^>]*type="button">Print', page)


def test_ids_on_the_page_are_unique(page):
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
