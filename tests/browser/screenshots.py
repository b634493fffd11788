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
