"""The anchors of /changes/: a name and a day that a privacy officer can link and read,
never a database id, unique on the page, and the old ids still land."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import DataElementFactory, SharingRecordFactory
from vendors.models import SharingRecord, Vendor

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = datetime.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def at(hour):
    """A moment on DAY in the site's time zone, hours apart: separate changes."""
    return timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(hour)))


def date_history(model, obj, *hours):
    """Give the object's history rows, oldest first, the given hours of DAY."""
    rows = list(model.history.filter(id=obj.pk).order_by("history_date", "history_id"))
    for row, hour in zip(rows, hours, strict=True):
        model.history.filter(history_id=row.history_id).update(history_date=at(hour))


@pytest.fixture
def clever(district, parent_audience):
    """Clever, published at 9:00, then edited twice the same day."""
    record = SharingRecordFactory(
        vendor__name="Clever",
        vendor__slug="clever",
        audience=parent_audience,
        elements=[DataElementFactory(name="Parent Email")],
    )
    vendor = record.vendor
    for description in ("First rewording.", "Second rewording."):
        vendor.description = description
        vendor.save()
    date_history(Vendor, vendor, 9, 10, 11)
    SharingRecord.history.update(history_date=at(9))
    return vendor


def anchors(client):
    page = client.get(reverse("vendors:changes")).content.decode()
    return re.findall(r'<li class="change-list__entry[^"]*" id="([^"]+)"', page), page


def test_anchors_are_the_title_slug_and_the_day(client, clever):
    ids, _page = anchors(client)
    assert ids[-1] == "clever-2026-03-10"
    assert all(re.fullmatch(r"clever-2026-03-10(-\d+)?", anchor) for anchor in ids)


def test_two_changes_to_one_title_the_same_day_get_distinct_anchors(client, clever):
    ids, _page = anchors(client)
    assert ids == ["clever-2026-03-10-3", "clever-2026-03-10-2", "clever-2026-03-10"]


def test_a_later_change_leaves_the_earlier_anchors_where_they_were(client, clever):
    before, _page = anchors(client)
    clever.description = "Third rewording."
    clever.save()
    Vendor.history.filter(id=clever.pk, history_date__gt=at(11)).update(history_date=at(12))
    after, _page = anchors(client)
    assert after[1:] == before
    assert after[0] == "clever-2026-03-10-4"


def test_a_records_change_is_named_by_its_title_and_audience(client, clever):
    record = clever.sharing_records.get()
    record.elements.add(DataElementFactory(name="Parent Mobile Phone Number"))
    SharingRecord.history.filter(history_date__gt=at(11)).update(history_date=at(13))
    ids, _page = anchors(client)
    assert ids[0] == "clever-parent-data-2026-03-10"


def test_no_anchor_is_a_database_id_but_the_old_ids_still_land(client, clever):
    ids, page = anchors(client)
    assert not any(re.search(r"\d+$", anchor) and "2026" not in anchor for anchor in ids)
    newest = Vendor.history.filter(id=clever.pk).latest("history_date")
    # The id it had before, kept on an empty span at the start of the same entry.
    old = f'<span class="change-list__old-anchor" id="vendor-{newest.history_id}"></span>'
    assert f'id="clever-2026-03-10-3">{old}' in page
    assert len(set(re.findall(r' id="([^"]+)"', page))) == len(re.findall(r' id="([^"]+)"', page))


def test_the_feed_links_an_entry_without_a_page_to_its_named_anchor(client, clever):
    clever.delete()
    feed = ET.fromstring(client.get(reverse("vendors:changes_feed")).content)  # noqa: S314
    link = feed.find(f"{ATOM}entry").find(f"{ATOM}link").get("href")
    today = timezone.localdate().isoformat()
    assert link.endswith(f"{reverse('vendors:changes')}#clever-{today}")
