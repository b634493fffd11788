"""The list pages on a phone, as a parent uses them: the results within the first screen, a
kind of data in two taps, filters removed by their chips, all without JavaScript too; a
former vendor still found; and every list page within Lighthouse's DOM budget."""

import datetime

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from vendors.models import Agreement, AgreementStatus, PublicationStatus, Vendor
from vendors.views import pages
from vendors.views.pages import INDEX_MAX_TITLES

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
# Lighthouse flags a page past this many elements (its "Avoid an excessive DOM size" audit).
MAX_DOM_ELEMENTS = 1500
LIST_PAGES = [
    "/parent-data/",
    "/student-data/",
    "/es/parent-data/",
    "/parent-data/?category=parent-guardian-contact-information",
    "/data-elements/",
    "/data-elements/parent-mobile-phone-number/",
    "/search/?q=phone",
    "/search/?q=parent",
    "/vendors/",
]


@pytest.fixture
def allhere_retired(site):
    """AllHere as staff leave it once it collapsed: its agreement ended on 30 June 2024, the
    data asked to be destroyed, the title retired; an old slug still points at it."""
    vendor = Vendor.objects.get(slug="allhere")
    for agreement in Agreement.objects.filter(vendor=vendor):
        agreement.status = AgreementStatus.ENDED
        agreement.ended_on = datetime.date(2024, 6, 30)
        agreement.destruction_requested_on = datetime.date(2024, 7, 1)
        agreement.save()
    Vendor.objects.filter(pk=vendor.pk).set_status(PublicationStatus.RETIRED)
    vendor.slug_redirects.create(old_slug="all-here")
    return site


def first_result_top(page):
    return page.locator("main .entry").first.bounding_box()["y"]


@pytest.mark.parametrize(
    "path",
    ["/parent-data/", "/parent-data/?element=parent-mobile-phone-number", "/search/?q=phone"],
)
def test_on_a_phone_the_first_result_starts_within_the_first_screen(phone_page, site, path):
    phone_page.goto(site + path)
    assert first_result_top(phone_page) < PHONE["viewport"]["height"]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_parent_narrows_to_a_kind_of_data_in_two_taps(
    phone_page, phone_page_without_javascript, site, javascript
):
    page = phone_page if javascript else phone_page_without_javascript
    page.goto(site + "/parent-data/")
    filters = page.get_by_role("navigation", name="Show titles that receive a kind of data:")
    filters.get_by_role("link", name="Parent/Guardian Contact Information").tap()
    expect(page).to_have_url(site + "/parent-data/?category=parent-guardian-contact-information")
    page.get_by_role("link", name="Parent Mobile Phone Number", exact=True).tap()
    expect(page).to_have_url(site + "/parent-data/?element=parent-mobile-phone-number")
    names = page.locator("main .entry .entry__name").all_inner_texts()
    assert names == ["AllHere", "Clever", "DashPass"]
    assert first_result_top(page) < PHONE["viewport"]["height"]


@pytest.mark.parametrize("javascript", [True, False])
def test_a_chip_removes_its_filter_and_keeps_the_others(
    phone_page, phone_page_without_javascript, site, javascript
):
    page = phone_page if javascript else phone_page_without_javascript
    page.goto(site + "/parent-data/")
    page.get_by_label("Search Parent Data").fill("app")
    page.get_by_role("button", name="Search", exact=True).last.tap()
    page.get_by_role("link", name="Parent/Guardian Contact Information").tap()
    page.get_by_role("link", name="Parent Mobile Phone Number", exact=True).tap()
    expect(page).to_have_url(site + "/parent-data/?q=app&element=parent-mobile-phone-number")
    chips = page.locator(".filter-chip")
    expect(chips).to_have_count(3)  # the words, the element, and "Clear all"
    chips.filter(has_text="Parent Mobile Phone Number").tap()
    expect(page).to_have_url(site + "/parent-data/?q=app")
    chips.filter(has_text="app").tap()
    expect(page).to_have_url(site + "/parent-data/?")
    expect(page.locator(".filter-chip")).to_have_count(0)


def test_a_retired_title_is_found_by_search_marked_former(page, allhere_retired):
    page.goto(allhere_retired + "/search/?q=allhere")
    result = page.locator(".search-results .entry")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("Former vendor")
    expect(result).to_contain_text("days")


def test_a_retired_title_is_on_its_element_page_after_the_current_ones(page, allhere_retired):
    page.goto(allhere_retired + "/data-elements/parent-mobile-phone-number/")
    parents = page.locator("#audience-parent-data + ul > li")
    expect(parents.last).to_contain_text("AllHere")
    expect(parents.last).to_contain_text("Former vendor")
    expect(parents.first).to_contain_text("Clever")


@pytest.mark.parametrize("anchor", ["allhere", "all-here"])
def test_an_old_anchor_of_a_retired_title_lands_on_its_entry_after_the_current_ones(
    phone_page, allhere_retired, anchor
):
    phone_page.goto(f"{allhere_retired}/parent-data/#{anchor}")
    entry = phone_page.locator("li.entry#allhere")
    expect(entry).to_be_in_viewport()
    expect(entry).to_contain_text("Former vendor")
    expect(entry).to_contain_text("not yet certified")
    names = phone_page.locator("main .entry .entry__name").all_inner_texts()
    assert names[-1] == "AllHere"


@pytest.mark.parametrize("path", ["/parent-data/", "/vendors/clever/"])
def test_the_standard_statements_appear_once(page, site, path):
    page.goto(site + path)
    text = page.locator("main").inner_text()
    assert text.count("PII data from students, such as names") == 1
    assert text.count("At any time during the term of the agreement") == 1
    page.get_by_role("link", name="standard statement").first.click()
    expect(page.locator("#usage-statement-1")).to_be_in_viewport()


def dom_size(page):
    return page.evaluate("document.getElementsByTagName('*').length")


@pytest.mark.parametrize("path", LIST_PAGES)
def test_a_list_page_of_the_demo_stays_within_the_dom_budget(page, allhere_retired, path):
    page.goto(allhere_retired + path)
    assert dom_size(page) <= MAX_DOM_ELEMENTS


@pytest.fixture
def many_titles(site):
    """Enough generated titles, beside the demo's four, that the index of titles on other
    pages is at its longest."""
    call_command("generate_clearinghouse", vendors=INDEX_MAX_TITLES - 4, verbosity=0)
    return site


@pytest.mark.parametrize("path", [*LIST_PAGES, "/parent-data/?page=2"])
def test_a_list_page_of_many_titles_stays_within_the_dom_budget(page, many_titles, path):
    page.goto(many_titles + path)
    assert dom_size(page) <= MAX_DOM_ELEMENTS


def test_an_old_anchor_past_the_index_still_finds_its_page(phone_page, site, monkeypatch):
    """A list too long for an index of every title: the script asks which page holds it."""
    monkeypatch.setattr(pages, "INDEX_MAX_TITLES", 0)
    monkeypatch.setattr(pages, "AUDIENCE_ENTRIES_PER_PAGE", 2)
    phone_page.goto(site + "/parent-data/#schoology")
    expect(phone_page).to_have_url(site + "/parent-data/?page=2#schoology")
    expect(phone_page.locator("li.entry#schoology")).to_be_in_viewport()
