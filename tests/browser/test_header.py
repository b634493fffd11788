"""The header leaves room for the answer on a phone: a "Menu" button opens the navigation and
the search, with a keyboard too, and without JavaScript a link does the same."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PUBLIC_PAGES = ["/", "/parent-data/", "/vendors/clever/", "/data-elements/", "/ht/parent-data/"]


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    yield context.new_page()
    context.close()


def header_height(page):
    return page.eval_on_selector("header", "header => header.getBoundingClientRect().height")


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_the_header_takes_at_most_a_quarter_of_a_phones_first_screen(phone, site, path):
    phone.goto(site + path)
    assert header_height(phone) <= 844 / 4


def test_the_navigation_is_behind_the_menu_button_on_a_phone(phone, site):
    phone.goto(site + "/parent-data/")
    menu = phone.get_by_role("button", name="Menu")
    navigation = phone.get_by_role("navigation", name="Main")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="Student Data")).to_be_visible()
    expect(phone.get_by_placeholder("Search the clearinghouse")).to_be_visible()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()


def test_the_menu_opens_from_the_keyboard_and_escape_closes_it(phone, site):
    phone.goto(site + "/parent-data/")
    menu = phone.get_by_role("button", name="Menu")
    menu.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    phone.keyboard.press("Tab")
    first_link = phone.get_by_role("navigation", name="Main").get_by_role("link").first
    expect(first_link).to_be_focused()
    assert phone.evaluate("parseFloat(getComputedStyle(document.activeElement).outlineWidth)") > 0
    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(first_link).to_be_hidden()


def test_the_languages_stay_in_sight_on_a_phone(phone, site):
    phone.goto(site + "/parent-data/")
    languages = phone.get_by_role("navigation", name="Language")
    expect(languages.get_by_role("link", name="español")).to_be_in_viewport()


def test_the_menu_opens_without_javascript_and_its_links_work(browser, site):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/vendors/")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation).to_be_hidden()
    page.get_by_role("link", name="Menu").click()
    navigation.get_by_role("link", name="Data elements").click()
    expect(page).to_have_url(site + "/data-elements/")
    page.get_by_role("link", name="Menu").click()
    page.get_by_role("link", name="Close menu").click()
    expect(navigation).to_be_hidden()
    context.close()


def test_the_desktop_header_shows_the_navigation_and_search_without_a_menu(browser, site):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(site + "/vendors/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link").first).to_be_visible()
    expect(page.get_by_placeholder("Search the clearinghouse")).to_be_visible()
    assert header_height(page) < 200
    context.close()


def test_the_home_page_has_one_search_box_with_a_visible_label(browser, site):
    for options in (PHONE, DESKTOP):
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(site + "/")
        assert page.locator("input[type=search]").count() == 1
        expect(page.locator("label[for=home-q]")).to_be_visible()
        context.close()


def test_the_search_page_has_one_search_box(browser, site):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(site + "/search/?q=clever")
    assert page.locator("input[type=search]").count() == 1
    context.close()


def test_the_home_page_answers_both_questions_in_one_tap(phone, site):
    phone.goto(site + "/")
    phone.get_by_role("link", name="Titles added, updated or retired, newest first").click()
    expect(phone).to_have_url(site + "/changes/")
    phone.goto(site + "/")
    phone.get_by_role("link", name="Or browse every kind of data the district shares").click()
    expect(phone).to_have_url(site + "/data-elements/")


def test_headings_and_card_headings_share_the_sites_font_and_link_colour(browser, site):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    page.goto(site + "/")
    body_font = page.evaluate("getComputedStyle(document.body).fontFamily")
    fonts = page.eval_on_selector_all(
        "h1, h2, h3", "all => all.map(h => getComputedStyle(h).fontFamily)"
    )
    assert set(fonts) == {body_font}
    # Staff's own headings in a Markdown passage too (USWDS sets those in Merriweather).
    page.eval_on_selector(
        ".site-prose", "prose => prose.insertAdjacentHTML('beforeend', '<h3>x</h3>')"
    )
    assert (
        page.eval_on_selector(".site-prose > h3", "h => getComputedStyle(h).fontFamily")
        == body_font
    )
    colours = page.eval_on_selector_all(
        "main a:not(:visited)", "all => all.map(a => getComputedStyle(a).color)"
    )
    assert set(colours) == {"rgb(0, 94, 162)"}
    context.close()


def test_no_page_asks_for_an_icon_it_does_not_get(page, site):
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.goto(site + "/")
    page.wait_for_load_state("load")
    assert failed == []
    assert page.request.get(site + "/favicon.ico").status == 200
