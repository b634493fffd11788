"""Every public page type, in a real browser: WCAG 2.0/2.1 A and AA, keyboard use, reflow, no JS."""

import itertools
from http import HTTPStatus

import pytest
from playwright.sync_api import expect
from pytest_playwright_axe import Axe

pytestmark = pytest.mark.django_db(transaction=True)

# The viewport WCAG's reflow criterion asks a page to fit without scrolling sideways.
PHONE_WIDTH = 320
WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}

# One of each public page type in the demo content, and the 404 page.
PAGES = {
    "/": HTTPStatus.OK,
    "/parent-data/": HTTPStatus.OK,
    "/parent-data/?q=app&element=parent-mobile-phone-number": HTTPStatus.OK,
    "/student-data/": HTTPStatus.OK,
    "/vendors/": HTTPStatus.OK,
    "/vendors/clever/": HTTPStatus.OK,
    "/data-elements/": HTTPStatus.OK,
    "/data-elements/parent-email/": HTTPStatus.OK,
    "/changes/": HTTPStatus.OK,
    "/incidents/": HTTPStatus.OK,
    "/search/?q=clever": HTTPStatus.OK,
    "/no-such-page/": HTTPStatus.NOT_FOUND,
    "/request/": HTTPStatus.OK,
    "/request/confirm/not-a-token/": HTTPStatus.BAD_REQUEST,
    "/subscribe/": HTTPStatus.OK,
    "/annual-notice/": HTTPStatus.OK,
}
# The same pages in Spanish: the language switcher, translated text and English passages
# marked lang="en" must be just as accessible.
PAGES |= {f"/es{path}": status for path, status in PAGES.items()}


def open_every_entry(page):
    """Expand every <details>, so that the checks also cover the full entries."""
    page.eval_on_selector_all("details", "all => all.forEach(details => { details.open = true; })")


def wcag_violations(page):
    results = Axe().run(
        page, options=WCAG_A_AA, html_report_generated=False, json_report_generated=False
    )
    return [
        (violation["id"], [node["target"] for node in violation["nodes"]])
        for violation in results["violations"]
    ]


@pytest.mark.parametrize("path", PAGES)
def test_page_has_no_wcag_a_or_aa_violations(page, site, path):
    response = page.goto(site + path)
    assert response.status == PAGES[path]
    open_every_entry(page)
    assert wcag_violations(page) == []


@pytest.mark.parametrize("path", PAGES)
def test_page_reflows_at_320_pixels_without_horizontal_scrolling(page, site, path):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 640})
    page.goto(site + path)
    open_every_entry(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH


@pytest.mark.parametrize("path", PAGES)
def test_page_has_one_h1_and_headings_in_order(page, site, path):
    page.goto(site + path)
    levels = page.eval_on_selector_all(
        "h1, h2, h3, h4, h5, h6", "headings => headings.map(h => Number(h.tagName[1]))"
    )
    assert levels.count(1) == 1
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels))


def focus_outline_width(page):
    return page.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)")


def test_keyboard_reaches_an_entry_through_the_skip_link_and_navigation_and_opens_it(page, site):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()

    nav_link = page.get_by_role("navigation", name="Main").get_by_role("link", name="Parent Data")
    for _ in range(10):
        page.keyboard.press("Tab")
        assert focus_outline_width(page) > 0, "the focused element has no visible outline"
        if page.evaluate("document.activeElement.textContent.trim()") == "Parent Data":
            break
    expect(nav_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/parent-data/")

    full_entry = page.get_by_role("link", name="Full entry for Clever", exact=True)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Full entry for Clever":
            break
    expect(full_entry).to_be_focused()
    assert focus_outline_width(page) > 0
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/vendors/clever/#audience-parent-data")
    expect(page.get_by_role("heading", name="How the Data is Being Used")).to_be_visible()


def test_keyboard_reaches_the_search_submits_it_and_reaches_a_result(page, site):
    page.goto(site + "/")
    search_box = page.locator("#home-q")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "home-q":
            break
    expect(search_box).to_be_focused()
    assert focus_outline_width(page) > 0
    page.keyboard.type("clever")
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/search/?q=clever")
    result = page.locator(".search-results").get_by_role("link", name="Clever", exact=True)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Clever":
            break
    expect(result).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/vendors/clever/")


def test_skip_link_moves_focus_to_the_main_content(page, site):
    page.goto(site + "/parent-data/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def test_full_entry_opens_and_navigation_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Student Data").click()
    expect(page).to_have_url(site + "/student-data/")
    page.get_by_role("link", name="Full entry for Clever", exact=True).click()
    expect(page).to_have_url(site + "/vendors/clever/#audience-student-data")
    expect(
        page.get_by_role("heading", name="When & How the Data will be Destroyed")
    ).to_be_visible()
    context.close()


def test_page_stays_usable_at_200_percent_zoom(browser, site):
    # 200% zoom of a 1280 px window lays the page out like a 640 px one, twice as large.
    context = browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2)
    page = context.new_page()
    page.goto(site + "/parent-data/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    nav = page.get_by_role("navigation", name="Main")
    for link in nav.get_by_role("link").all():
        expect(link).to_be_in_viewport()
    context.close()
