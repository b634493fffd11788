"""What a parent sees first: each title's data elements, labelled, ahead of the long texts."""

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.factories import DataElementFactory, SharingRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Clever",
        vendor__slug="clever",
        audience=parent_audience,
        elements=[DataElementFactory(name="Parent Email")],
    )


def test_vendor_page_shows_the_shared_elements_before_the_description(client, record):
    response = client.get(reverse("vendors:vendor_detail", args=["clever"]))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    glance = html.index('id="glance-heading"')
    assert glance < html.index('<span class="usa-tag entry__tag">Parent Email</span>', glance)
    assert glance < html.index('id="description-heading"')


def test_vendor_page_labels_each_audiences_tags(client, record):
    html = client.get(reverse("vendors:vendor_detail", args=["clever"])).content.decode()
    assert "Parent Data: data elements shared" in html
    assert 'aria-labelledby="glance-parent-data"' in html


def test_audience_page_says_what_each_title_receives_under_a_visible_label(client, record):
    html = client.get(reverse("vendors:audience", args=["parent-data"])).content.decode()
    line = re.search(r'<p class="entry__elements"><strong>Data shared:</strong> ([^<]*)</p>', html)
    assert line.group(1) == ", ".join(element.name for element in record.elements.all())


def test_staff_can_mark_a_passage_in_another_language(client, district, parent_audience):
    SharingRecordFactory(
        vendor__slug="clever",
        vendor__description='Hello. <span lang="es">Hola, familias.</span>',
        audience=parent_audience,
    )
    html = client.get(reverse("vendors:vendor_detail", args=["clever"])).content.decode()
    assert '<span lang="es">Hola, familias.</span>' in html


def test_a_malformed_language_tag_is_dropped(client, district, parent_audience):
    SharingRecordFactory(
        vendor__slug="clever",
        vendor__description='<span lang="es onmouseover">Hola</span>',
        audience=parent_audience,
    )
    html = client.get(reverse("vendors:vendor_detail", args=["clever"])).content.decode()
    assert "<span>Hola</span>" in html
