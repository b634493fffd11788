"""Subscribing on a phone without JavaScript, from the form to the confirmation's button."""

import re

import pytest
from playwright.sync_api import expect

from vendors.models import Subscription

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_parent_subscribes_on_a_phone_without_javascript(
    phone_page_without_javascript, site, mail_server, settings
):
    settings.SITE_URL = site
    page = phone_page_without_javascript
    page.goto(f"{site}/es/subscribe/")
    page.locator("#id_email").fill("parent@example.org")
    page.locator("label[for=id_scope_1]").click()
    # USWDS draws its own box: the input itself sits off screen, as a parent never sees it.
    page.locator("label.usa-checkbox__label", has_text="Clever").click()
    page.locator("button[type=submit].subscribe-form__submit").click()
    expect(page.locator("h1")).to_have_count(1)
    assert Subscription.objects.count() == 0
    [message] = mail_server.messages
    link = re.search(rf"{re.escape(site)}/es/subscribe/confirm/\S+/", mail_server.text(message))
    page.goto(link.group(0))
    page.locator("main button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("parent@example.org")
    subscription = Subscription.objects.get()
    assert subscription.language == "es"
    assert [vendor.slug for vendor in subscription.titles.all()] == ["clever"]
