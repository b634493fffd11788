"""The strict Content Security Policy breaks nothing: no page, public or admin, logs a CSP error."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/",
    "/parent-data/",
    "/vendors/clever/",
    "/data-elements/parent-email/",
    "/search/?q=clever",
    "/changes/",
    "/incidents/",
    "/es/parent-data/",
    "/no-such-page/",
]
ADMIN_PAGES = [
    "/admin/",
    "/admin/vendors/vendor/",
    "/admin/vendors/vendor/1/change/",
    "/admin/vendors/vendor/add/",
    "/admin/vendors/usagestatement/1/change/",
]


def csp_errors_while(page, visit):
    """Every console message and page error in which the browser reports a CSP block."""
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    visit()
    page.wait_for_load_state("load")
    return [text for text in errors if "Content Security Policy" in text]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_logs_no_csp_error(page, site, path):
    assert csp_errors_while(page, lambda: page.goto(site + path)) == []


@pytest.fixture
def signed_in_admin(page, site, django_user_model):
    django_user_model.objects.create_superuser("root", "root@district.example", "a-long-passw0rd!")
    page.goto(site + "/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-passw0rd!")
    page.click("input[type=submit]")
    page.wait_for_url(site + "/admin/")
    return page


def test_admin_login_page_logs_no_csp_error(page, site):
    assert csp_errors_while(page, lambda: page.goto(site + "/admin/login/")) == []


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_page_logs_no_csp_error(signed_in_admin, site, path):
    page = signed_in_admin
    assert csp_errors_while(page, lambda: page.goto(site + path)) == []
