"""A retired title stays findable: in search, on its data elements' pages and in its
audience's section, marked "Former vendor", after the current titles, with whether its data
was destroyed. Retired here the way staff do it: end the agreement, then the admin's action."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import AgreementFactory, DataElementFactory, SharingRecordFactory
from tests.helpers import retire_title
from vendors.models import AgreementStatus, PublicationStatus, Vendor

pytestmark = pytest.mark.django_db

ENDED_ON = datetime.date(2024, 6, 30)


@pytest.fixture
def phone(db):
    return DataElementFactory(name="Parent Mobile Phone Number", slug="parent-mobile-phone-number")


@pytest.fixture
def allhere(district, parent_audience, phone, publisher_client):
    """Three titles receive the phone number; AllHere, first by name, is then retired."""
    records = [
        SharingRecordFactory(
            vendor__name=name, vendor__slug=name.lower(), audience=parent_audience, elements=[phone]
        )
        for name in ("AllHere", "Clever", "DashPass")
    ]
    for record in records:
        AgreementFactory(vendor=record.vendor)
    vendor = records[0].vendor
    vendor.slug_redirects.create(old_slug="all-here")
    retire_title(publisher_client, vendor, ENDED_ON)
    publisher_client.logout()
    return vendor


def days_since_the_end():
    return (timezone.localdate() - ENDED_ON).days


def entry_ids(content):
    return re.findall(r'<li class="entry[^"]*" id="([^"]+)"', content)


def test_a_former_vendor_stays_in_its_audience_section_after_the_current_ones(client, allhere):
    content = client.get("/parent-data/").content.decode()
    assert entry_ids(content) == ["clever", "dashpass", "allhere"]
    former = content[content.index('id="former-heading"') :]
    assert 'id="allhere"' in former
    assert "Former vendor" in former


def test_a_former_entry_says_its_data_is_not_yet_certified_destroyed(client, allhere):
    content = client.get("/parent-data/").content.decode()
    entry = content[content.index('id="allhere"') :]
    assert f"{days_since_the_end()} days" in entry[: entry.index("</li>")]


def test_an_old_anchor_of_a_former_vendor_still_lands_on_its_entry(client, allhere):
    content = client.get("/parent-data/").content.decode()
    entry = content[content.index('id="allhere"') :]
    assert 'id="all-here"' in entry[: entry.index("</li>")]


def test_a_former_vendor_is_found_by_search_after_the_current_ones(client, allhere):
    content = client.get("/search/", {"q": "phone"}).content.decode()
    names = re.findall(r'<h3 class="entry__name"><a href="/vendors/[^"]+/">([^<]+)</a>', content)
    assert names == ["Clever", "DashPass", "AllHere"]
    assert "Former vendor" in content


def test_a_former_vendor_is_found_by_its_name(client, allhere):
    content = client.get("/search/", {"q": "allhere"}).content.decode()
    assert 'href="/vendors/allhere/"' in content
    assert f"{days_since_the_end()} days" in content


def test_a_former_vendor_is_on_its_element_page_after_the_current_ones(client, allhere, phone):
    content = client.get(phone.get_absolute_url()).content.decode()
    recipients = content[content.index('class="usa-list element-recipients"') :]
    assert re.findall(r'<li><a href="/parent-data/#([^"]+)"', recipients) == [
        "clever",
        "dashpass",
        "allhere",
    ]
    assert "Former vendor" in recipients
    assert f"{days_since_the_end()} days" in recipients


def test_the_ended_agreement_filter_finds_the_former_vendor(client, allhere):
    content = client.get("/parent-data/", {"agreement": "ended"}).content.decode()
    assert entry_ids(content) == ["allhere"]
    content = client.get("/parent-data/", {"agreement": "active"}).content.decode()
    assert entry_ids(content) == ["clever", "dashpass"]


def test_the_home_page_counts_only_current_titles(client, allhere):
    response = client.get("/")
    (audience,) = response.context["audiences"]
    assert audience.title_count == 2


def retire_more(parent_audience, phone, count):
    for number in range(count):
        record = SharingRecordFactory(
            vendor__name=f"Gone {number}", audience=parent_audience, elements=[phone]
        )
        AgreementFactory(vendor=record.vendor, status=AgreementStatus.ENDED, ended_on=ENDED_ON)
        Vendor.objects.filter(pk=record.vendor_id).set_status(PublicationStatus.RETIRED)


@pytest.mark.parametrize(
    "url", ["/parent-data/", "/search/?q=phone", "/data-elements/parent-mobile-phone-number/"]
)
def test_former_vendors_cost_no_more_queries_however_many(
    client, allhere, parent_audience, phone, url, django_assert_num_queries
):
    cache.clear()
    with CaptureQueriesContext(connection) as one_former:
        client.get(url)
    retire_more(parent_audience, phone, 5)
    cache.clear()
    with django_assert_num_queries(len(one_former)):
        client.get(url)
