"""A teacher asks for a tool's review on a phone, without JavaScript: the form, the duplicate
check, the link read from a real SMTP server, the confirmation; then staff see it queued."""

import re
import time

import pytest
from playwright.sync_api import expect
from pytest_playwright_axe import Axe

from tests.helpers import ReceivedMail
from vendors.models import Decision, RequestStatus, ReviewRequest, Vendor

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_A_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
LINK = re.compile(r"https?://\S+/request/confirm/[^/\s]+/")


@pytest.fixture
def request_site(site, settings, mail_server):
    settings.DISTRICT_EMAIL_DOMAINS = ["dadeschools.example"]
    settings.SITE_URL = site
    Vendor.objects.filter(slug="clever").update(decision=Decision.APPROVED)
    return site


def fill_in_the_form(page, site):
    page.goto(site + "/request/")
    page.get_by_label("Name of the tool").fill("Clever")
    page.get_by_label("Its website").fill("https://clever.com/")
    page.get_by_label("How and with whom will it be used?").fill(
        "My 3rd-grade class, to sign in to the reading apps at school."
    )
    # USWDS draws its own box: a tap lands on the label, as a finger does.
    page.locator("label", has_text="3\u20135").click()
    page.locator("label", has_text="I don't know which data it will need").click()
    page.get_by_label("Your district email address").fill("ms.rivera@dadeschools.example")


def wcag_violations(page):
    results = Axe().run(
        page, options=WCAG_A_AA, html_report_generated=False, json_report_generated=False
    )
    return [violation["id"] for violation in results["violations"]]


def confirmation_link(mail_server: ReceivedMail, address):
    [message] = mail_server.to(address)
    return LINK.search(mail_server.text(message)).group(0)


def test_a_teacher_sends_a_request_end_to_end_on_a_phone_without_javascript(
    phone_page_without_javascript, request_site, mail_server
):
    page = phone_page_without_javascript
    started = time.perf_counter()
    fill_in_the_form(page, request_site)
    page.get_by_role("button", name="Continue").click()

    check = page.get_by_role("region", name="Already decided or under review")
    expect(check.get_by_role("link", name="Clever")).to_have_attribute("href", "/vendors/clever/")
    expect(check).to_contain_text("Approved")
    # The check offers the button at once, so a phone need not scroll past the answers.
    check.get_by_role("button", name="Send my request").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
    page.goto(confirmation_link(mail_server, "ms.rivera@dadeschools.example"))
    assert not ReviewRequest.objects.confirmed().exists()
    page.get_by_role("button", name="Send my request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you: your request is in")
    elapsed = time.perf_counter() - started

    queued = ReviewRequest.objects.confirmed().get()
    assert queued.tool_name == "Clever"
    assert queued.status == RequestStatus.NEW
    assert queued.grade_bands == ["3\u20135"]
    print(f"\nReview request end to end (form, check, inbox, confirm): {elapsed:.2f} s")


def test_the_check_step_and_the_confirm_page_have_no_wcag_violations(
    page, request_site, mail_server
):
    fill_in_the_form(page, request_site)
    page.get_by_role("button", name="Continue").click()
    page.eval_on_selector_all("details", "all => all.forEach(details => { details.open = true; })")
    assert wcag_violations(page) == []
    page.get_by_role("button", name="Send my request").first.click()
    page.goto(confirmation_link(mail_server, "ms.rivera@dadeschools.example"))
    assert wcag_violations(page) == []


def test_a_missing_answer_is_announced_and_the_answers_are_kept(page, request_site):
    fill_in_the_form(page, request_site)
    page.get_by_label("Name of the tool").fill("")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_have_text("Please correct the answers marked below.")
    expect(page.get_by_label("Its website")).to_have_value("https://clever.com/")
    assert wcag_violations(page) == []
