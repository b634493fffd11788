"""A permalink as a privacy officer uses it: links to its sections, copied with JavaScript
and plain #links without; a print button only where it works; two printed pages at most;
and a former vendor's answer to "is the data destroyed?"."""

import datetime
import re

import pytest
from django.utils import timezone
from pytest_playwright_axe import Axe

from vendors.models import AgreementStatus, EndReason, PublicationStatus, Vendor

pytestmark = pytest.mark.django_db(transaction=True)

CLEVER = "/vendors/clever/"
SECTIONS = ["agreement", "destruction", "audience-parent-data", "audience-student-data", "links"]


def pdf_pages(pdf):
    """Pages in a PDF that Chromium wrote: one /Type /Page object each (not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


@pytest.fixture
def no_script(browser):
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()


@pytest.fixture
def with_clipboard(browser, site):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("anchor", SECTIONS)
def test_each_section_has_a_visible_link_named_for_it(page, site, anchor):
    page.goto(site + CLEVER)
    heading_id = "links-heading" if anchor == "links" else anchor
    heading = page.locator(f"#{heading_id}").inner_text()
    link = page.get_by_role("link", name=f"Link to this section {heading}", exact=True)
    assert link.is_visible()
    assert link.get_attribute("href") == f"#{anchor}"


def test_a_section_link_copies_the_sections_address(with_clipboard, site):
    page = with_clipboard
    page.goto(site + CLEVER)
    page.get_by_role("link", name=re.compile(r"Link to this section .*agreement")).click()
    assert page.evaluate("navigator.clipboard.readText()") == f"{site}{CLEVER}#agreement"
    assert page.url.endswith("#agreement")
    status = page.locator("#agreement-link ~ .section-link__status")
    assert status.text_content() == "Link copied"


def test_without_javascript_a_section_link_shows_the_address_in_the_address_bar(no_script, site):
    no_script.goto(site + CLEVER)
    no_script.locator('.section-link__link[href="#destruction"]').click()
    assert no_script.url == f"{site}{CLEVER}#destruction"


def test_the_print_button_shows_with_javascript_and_prints(page, site):
    page.add_init_script("window.print = () => { window.printed = true; };")
    page.goto(site + CLEVER)
    button = page.get_by_role("button", name="Print this page")
    assert button.is_visible()
    button.click()
    assert page.evaluate("window.printed") is True


def test_without_javascript_there_is_no_dead_print_button(no_script, site):
    no_script.goto(site + CLEVER)
    assert no_script.get_by_role("button", name="Print this page").count() == 0


@pytest.mark.parametrize("paper", ["Letter", "A4"])
def test_clever_prints_on_two_pages_at_most(page, site, paper):
    page.goto(site + CLEVER)
    page.emulate_media(media="print")
    assert pdf_pages(page.pdf(format=paper)) <= 2


def test_in_print_the_status_tag_is_black_on_white_and_no_address_follows_the_site_name(page, site):
    page.goto(site + CLEVER)
    page.emulate_media(media="print")
    badge = page.locator(".agreement-badge").first.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.color, s.borderTopStyle, s.borderTopColor]; }"
    )
    assert badge == ["rgb(0, 0, 0)", "solid", "rgb(0, 0, 0)"]
    after_site_name = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header a'), '::after').content"
    )
    assert after_site_name in ("none", "normal")
    fonts = page.evaluate(
        "[...new Set([...document.querySelectorAll('main h1, main h2, main h3, main p, main li')]"
        ".filter(e => e.offsetParent !== null).map(e => getComputedStyle(e).fontFamily))]"
    )
    assert len(fonts) == 1, fonts
    assert not page.locator(".site-nav").is_visible()
    assert not page.locator(".site-footer").is_visible()


def retire_allhere(requested=True):
    vendor = Vendor.objects.get(slug="allhere")
    agreement = vendor.agreements.get()
    agreement.status = AgreementStatus.ENDED
    agreement.ended_on = datetime.date(2024, 6, 30)
    agreement.end_reason = EndReason.VENDOR_CEASED
    agreement.destruction_requested_on = datetime.date(2024, 7, 2) if requested else None
    agreement.save()
    vendor.status = PublicationStatus.RETIRED
    vendor.save()
    return (timezone.localdate() - agreement.ended_on).days


def test_a_retired_title_says_destruction_is_asked_for_and_not_certified(page, site):
    days = retire_allhere()
    page.goto(site + "/vendors/allhere/")
    expected = (
        "Sharing ended June 30, 2024. The district has asked for the data to be destroyed; "
        f"the vendor has not yet certified it ({days} days since sharing ended)."
    )
    banner = page.locator(".former-banner").inner_text()
    assert expected in " ".join(banner.split())
    page.goto(site + "/vendors/allhere/#destruction")
    section = page.locator(".vendor-destruction")
    assert expected in " ".join(section.inner_text().split())
    assert page.locator("#destruction").is_visible()


def test_a_retired_titles_page_has_no_wcag_violations_and_reflows(page, site):
    retire_allhere(requested=False)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(site + "/vendors/allhere/")
    assert "has not recorded asking for the data to be destroyed" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}},
        html_report_generated=False,
        json_report_generated=False,
    )
    assert [violation["id"] for violation in results["violations"]] == []
