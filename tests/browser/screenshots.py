"""`make screenshots`: PNGs of the demo site for the README, taken with the browser tests' Chromium.

Not collected by the suite (the name does not start with test_); the Makefile runs it by path.
"""

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

PAGES = {
    "home": "/",
    "audience": "/parent-data/",
    "vendor": "/vendors/clever/",
    "data-element": "/data-elements/parent-email/",
}

WIDTHS = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("width", WIDTHS)
def test_write_screenshots(browser, site, width):
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
