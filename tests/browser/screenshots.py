"""`make screenshots`: PNGs of the demo site for the README, taken with the browser tests' Chromium.

Not collected by the suite (the name does not start with test_); the Makefile runs it by path.
"""

import datetime
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import ReviewRequestFactory
from vendors.models import AgreementStatus, EndReason, PublicationStatus, ReviewRequest, Vendor

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

PAGES = {
    "home": "/",
    "audience": "/parent-data/",
    "filtered": "/parent-data/?element=parent-mobile-phone-number",
    "vendor": "/vendors/clever/",
    "data-element": "/data-elements/parent-email/",
    "former-vendor": "/vendors/allhere/",
    "vendor-list": "/vendors/",
}

WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


def retire_allhere():
    """An illustration, not the seed's content: what AllHere's page says once staff record
    that sharing ended and retire the title."""
    allhere = Vendor.objects.get(slug="allhere")
    for agreement in allhere.agreements.all():
        agreement.status = AgreementStatus.ENDED
        agreement.ended_on = datetime.date(2024, 6, 30)
        agreement.end_reason = EndReason.VENDOR_CEASED
        agreement.destruction_requested_on = datetime.date(2024, 7, 2)
        agreement.save()
    Vendor.objects.filter(pk=allhere.pk).set_status(PublicationStatus.RETIRED)


@pytest.mark.parametrize("width", WIDTHS)
def test_write_screenshots(browser, site, width):
    retire_allhere()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(**WIDTHS[width])
    page = context.new_page()
    for name, path in PAGES.items():
        page.goto(site + path)
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png")
    if width == "phone":
        page.get_by_role("button", name="Menu").click()
        page.screenshot(path=SCREENSHOTS / "menu-phone.png")
    context.close()


REQUEST_SCREENSHOTS = {
    "phone": SCREENSHOTS,
    "desktop": Path(tempfile.gettempdir()) / "requests-shots",
}


@pytest.mark.parametrize("width", WIDTHS)
def test_write_request_screenshots(browser, site, width, settings, mail_server, django_user_model):
    """A teacher's request for a review: the form at its duplicate check, "check your inbox",
    and the staff's queue. The README shows the phone ones; the desktop ones are for review."""
    folder = REQUEST_SCREENSHOTS[width]
    folder.mkdir(parents=True, exist_ok=True)
    settings.DISTRICT_EMAIL_DOMAINS = ["dadeschools.example"]
    Vendor.objects.filter(slug="clever").update(decision="approved")
    context = browser.new_context(**WIDTHS[width])
    page = context.new_page()
    page.goto(site + "/request/")
    page.get_by_label("Name of the tool").fill("Clever")
    page.get_by_label("Its website").fill("https://clever.com/")
    page.get_by_label("How and with whom will it be used?").fill(
        "My 3rd-grade class, to sign in to the reading apps at school."
    )
    page.locator("label", has_text="3\u20135").click()
    page.locator("label", has_text="I don't know which data it will need").click()
    page.get_by_label("Your district email address").fill("ms.rivera@dadeschools.example")
    page.get_by_role("button", name="Continue").click()
    page.screenshot(path=folder / f"request-form-{width}.png")
    page.get_by_role("button", name="Send my request").first.click()
    page.screenshot(path=folder / f"request-inbox-{width}.png")
    ReviewRequest.objects.update(confirmed_at=timezone.now())
    # Two more in the queue, as an illustration: one under review, one waiting on its vendor.
    schoology = Vendor.objects.get(slug="schoology")
    ReviewRequestFactory(tool_name="Schoology", status="in_review", title=schoology)
    waiting = ReviewRequestFactory(tool_name="Prodigy Math", status="waiting_on_vendor")
    ReviewRequest.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=9)
    )
    django_user_model.objects.create_superuser("root", "root@district.example", "a-long-passw0rd!")
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-passw0rd!")
    page.click("input[type=submit]")
    page.goto(site + "/admin/vendors/reviewrequest/")
    page.screenshot(path=folder / f"request-queue-{width}.png")
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_write_vendor_response_screenshots(browser, site, width, django_user_model):
    """The vendor's form (with the check a submission fails on) and the side-by-side review."""
    from vendors.models import VendorInvitation

    _invitation, token = VendorInvitation.issue(
        Vendor.objects.get(slug="clever"), "privacy@clever.example", "en"
    )
    django_user_model.objects.create_superuser("root", "root@district.example", "a-long-passw0rd!")
    context = browser.new_context(**WIDTHS[width])
    page = context.new_page()
    page.goto(f"{site}/vendor-response/{token}/")
    page.screenshot(path=SCREENSHOTS / f"vendor-response-form-{width}.png")
    if width == "phone":
        return context.close()
    unticked = page.locator(".vendor-form__elements input:not(:checked)").first.get_attribute("id")
    page.click(f"label[for='{unticked}']")
    page.check("#id_generative_ai_0")
    page.check("#id_trains_models_1")
    page.fill("#id_company", "Clever Inc. (a Kahoot! company)")
    page.fill("#id_accessibility_report_url", "https://clever.com/accessibility/vpat.pdf")
    page.fill("#id_attestation_name", "Ada Vendor")
    page.fill("#id_attestation_title", "Privacy officer")
    page.click("label[for=id_attest]")
    page.get_by_role("button", name="Submit").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-passw0rd!")
    page.click("input[type=submit]")
    from vendors.models import Proposal

    proposal = Proposal.objects.get()
    for review_width in WIDTHS:
        page.set_viewport_size(WIDTHS[review_width]["viewport"])
        page.goto(f"{site}/admin/vendors/proposal/{proposal.pk}/review/")
        page.screenshot(path=SCREENSHOTS / f"vendor-response-review-{review_width}.png")
    context.close()
