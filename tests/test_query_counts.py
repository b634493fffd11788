"""Every public page costs the same few queries for 3 titles as for 30, so that a render
after an edit stays fast at a thousand titles. Counted with the page cache empty, as after
every write: the page's own queries and the two of its header and footer (the district
and the audience list), which a render reads each time rather than keep a cache of its own."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    AgreementFactory,
    DataElementFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    SubprocessorFactory,
    VendorFactory,
)
from vendors.models import AgreementStatus, VendorSlugRedirect

pytestmark = pytest.mark.django_db

# The whole JSON list is the dearest page: 12, of which the decision's schools and its
# approved alternatives are one query each.
MAX_QUERIES = 12

PAGES = [
    "/",
    "/parent-data/",
    "/student-data/",
    "/parent-data/?q=title&element=shared&agreement=active",
    "/vendors/",
    "/vendors/title-0/",
    "/data-elements/",
    "/data-elements/shared/",
    "/changes/",
    "/changes/feed/",
    "/incidents/",
    "/search/?q=title",
    "/export/clearinghouse.csv",
    "/api/v1/vendors.json",
    "/api/v1/vendors/title-0.json",
    "/es/parent-data/",
    "/ht/vendors/title-0/",
    "/request/",
    "/request/sent/",
    "/request/thanks/",
    "/es/request/",
    "/subscribe/",
    "/annual-notice/",
    "/es/annual-notice/",
]


def add_titles(start, count, parent, student, shared):
    for number in range(start, start + count):
        vendor = VendorFactory(name=f"Title {number}", slug=f"title-{number}")
        for audience in (parent, student):
            SharingRecordFactory(vendor=vendor, audience=audience, elements=[shared])
        AgreementFactory(vendor=vendor)
        AgreementFactory(vendor=vendor, audience=student, status=AgreementStatus.ENDED)
        SubprocessorFactory(vendor=vendor)
        SecurityIncidentFactory(vendor=vendor, elements=[shared])
        VendorSlugRedirect.objects.create(vendor=vendor, old_slug=f"old-title-{number}")


def counts():
    """Each page rendered afresh, as after an edit to a title."""
    found = {}
    for url in PAGES:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(url)
            assert response.status_code == HTTPStatus.OK, url
            # A streamed list reads the database as it is sent.
            response.getvalue()
        found[url] = len(queries)
    return found


def test_every_public_page_costs_the_same_few_queries_for_3_and_30_titles(
    district, parent_audience, student_audience
):
    shared = DataElementFactory(slug="shared")
    add_titles(0, 3, parent_audience, student_audience, shared)
    with_3 = counts()
    add_titles(3, 27, parent_audience, student_audience, shared)
    with_30 = counts()
    assert with_30 == with_3
    too_many = {url: count for url, count in with_30.items() if count > MAX_QUERIES}
    assert not too_many, with_30
