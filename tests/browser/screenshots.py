"""`make screenshots`: PNGs of the demo site for the README, taken with the browser tests' Chromium.

Not collected by the suite (the name does not start with test_); the Makefile runs it by path.
"""

import datetime
from pathlib import Path

import pytest

from vendors.models import AgreementStatus, EndReason, PublicationStatus, Vendor

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

PAGES = {
    "home": "/",
    "audience": "/parent-data/",
    "filtered": "/parent-data/?element=parent-mobile-phone-number",
    "vendor": "/vendors/clever/",
    "data-element": "/data-elements/parent-email/",
    "former-vendor": "/vendors/allhere/",
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
