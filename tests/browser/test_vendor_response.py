"""A vendor's answers end to end, as people do it: staff invite the vendor from the title's
page, the vendor fills in the form without an account (and without JavaScript), an editor
accepts the changes into the draft, a publisher publishes, and the permalink shows them."""

import re
import time

import pytest

from vendors.models import PublicationStatus, Vendor

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-passw0rd!"


def signed_in(browser, site, user):
    user.set_password(PASSWORD)
    user.save()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(site + "/admin/")
    return context, page


def test_a_vendors_answers_reach_the_permalink_once_accepted_and_published(
    browser, site, editor, publisher, mail_server
):
    title = Vendor.objects.get(slug="clever")
    Vendor.objects.filter(pk=title.pk).set_status(PublicationStatus.DRAFT)
    started = time.perf_counter()

    # Staff invite the vendor from the title's page.
    staff_context, staff = signed_in(browser, site, editor)
    staff.goto(f"{site}/admin/vendors/vendor/{title.pk}/change/")
    staff.get_by_role("link", name="Invite the vendor").click()
    staff.fill("#id_email", "privacy@clever.example")
    staff.select_option("#id_language", "en")
    staff.get_by_role("button", name="Send the invitation").click()
    staff.get_by_text("Invitation sent to privacy@clever.example").wait_for()
    [message] = mail_server.messages
    link = re.search(r"http\S+/vendor-response/\S+/", mail_server.text(message)).group(0)
    path = link.split("/", 3)[3]

    # The vendor answers, without an account or JavaScript: a draft first, then the rest.
    vendor_context = browser.new_context(java_script_enabled=False)
    vendor = vendor_context.new_page()
    vendor_started = time.perf_counter()
    vendor.goto(f"{site}/{path}")
    vendor.get_by_label("Yes").first.check()
    vendor.get_by_role("button", name="Save draft").click()
    vendor.get_by_text("Draft saved").wait_for()
    assert vendor.locator("#id_generative_ai_0").is_checked()
    vendor.fill("#id_accessibility_report_url", "https://clever.example/vpat.pdf")
    vendor.fill("#id_attestation_name", "Ada Vendor")
    vendor.fill("#id_attestation_title", "Privacy officer")
    vendor.fill("#id_attestation_date", "2026-12-01")
    # USWDS draws the box on the label and keeps the input off screen: people click the label.
    vendor.click("label[for=id_attest]")
    vendor.get_by_role("button", name="Submit").click()
    vendor.get_by_role("heading", name="Thank you").wait_for()
    vendor_seconds = time.perf_counter() - vendor_started
    vendor_context.close()

    # Nothing is public yet.
    visitor_context = browser.new_context()
    visitor = visitor_context.new_page()
    assert visitor.goto(f"{site}/vendors/clever/").status == 404

    # The editor accepts every change into the draft title.
    staff.goto(f"{site}/admin/vendors/vendor/{title.pk}/change/")
    staff.get_by_role("link", name=re.compile("The vendor's response")).click()
    for radio in staff.locator("input[type=radio][value=accepted]").all():
        radio.check()
    staff.get_by_role("button", name="Apply my decisions").click()
    staff.get_by_text("changes accepted into “Clever”").wait_for()
    staff_context.close()
    assert visitor.goto(f"{site}/vendors/clever/").status == 404

    # A publisher publishes, as today.
    publisher_context, desk = signed_in(browser, site, publisher)
    desk.goto(f"{site}/admin/vendors/vendor/?q=Clever")
    desk.check(f"input[name=_selected_action][value='{title.pk}']")
    desk.select_option("select[name=action]", "publish")
    desk.click("button[name=index]")
    desk.get_by_text("Published: 1.").wait_for()
    publisher_context.close()

    visitor.goto(f"{site}/vendors/clever/")
    assert visitor.locator(".vendor-ai__generative").inner_text() == "Yes"
    assert visitor.locator(".vendor-ai__vpat a").get_attribute("href") == (
        "https://clever.example/vpat.pdf"
    )
    visitor_context.close()
    print(
        f"\nvendor response end to end: {time.perf_counter() - started:.2f} s "
        f"(the vendor's own part, open to thank-you: {vendor_seconds:.2f} s)"
    )
