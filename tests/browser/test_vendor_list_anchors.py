"""/vendors/ in pages: an address sent when the A-Z list was one page (/vendors/#clever,
/vendors/#letter-s) still lands on its title or letter, with JavaScript and as far as
possible without it."""

import pytest
from playwright.sync_api import expect

from vendors.models import PublicationStatus, Vendor
from vendors.views import vendor_list

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_a_page(site, monkeypatch):
    """The demo's four titles, AllHere, Clever, DashPass and Schoology, two a page."""
    monkeypatch.setattr(vendor_list, "VENDORS_PER_PAGE", 2)
    return site


def test_on_one_page_an_old_anchor_lands_on_its_title_without_javascript(
    phone_page_without_javascript, site
):
    page = phone_page_without_javascript
    page.goto(site + "/vendors/#schoology")
    expect(page.locator("li#schoology")).to_be_in_viewport()
    expect(page.locator("li#schoology")).to_contain_text("Schoology")


@pytest.mark.parametrize("anchor", ["schoology", "letter-s"])
def test_an_old_anchor_on_another_page_lands_there(phone_page, two_a_page, anchor):
    phone_page.goto(two_a_page + f"/vendors/#{anchor}")
    expect(phone_page).to_have_url(two_a_page + f"/vendors/?page=2#{anchor}")
    expect(phone_page.locator(f"#{anchor}")).to_be_in_viewport()
    expect(phone_page.locator(f"#{anchor}")).to_contain_text("S")


def test_without_javascript_a_letter_on_another_page_is_one_tap_away(
    phone_page_without_javascript, two_a_page
):
    page = phone_page_without_javascript
    page.goto(two_a_page + "/vendors/#letter-s")
    stand_in = page.locator("#letter-s")
    expect(stand_in).to_be_in_viewport()
    stand_in.tap()
    expect(page).to_have_url(two_a_page + "/vendors/?page=2#letter-s")
    expect(page.get_by_role("heading", name="S", exact=True)).to_be_in_viewport()


@pytest.mark.parametrize("anchor", ["allhere", "all-here", "former-vendors"])
def test_an_old_anchor_of_a_former_vendor_lands_on_it_after_the_current_ones(
    phone_page, two_a_page, anchor
):
    vendor = Vendor.objects.get(slug="allhere")
    Vendor.objects.filter(pk=vendor.pk).set_status(PublicationStatus.RETIRED)
    vendor.slug_redirects.create(old_slug="all-here")
    phone_page.goto(two_a_page + f"/vendors/#{anchor}")
    expect(phone_page).to_have_url(two_a_page + f"/vendors/?page=2#{anchor}")
    expect(phone_page.locator("#allhere")).to_be_in_viewport()
    former = phone_page.locator("section.former-vendors")
    expect(former).to_contain_text("AllHere")
    expect(former).to_contain_text("Former vendors")
