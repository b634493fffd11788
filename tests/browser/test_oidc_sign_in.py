"""Staff sign in through the district's provider in a real browser: the whole authorization-code
flow (state, nonce, PKCE) against a real OpenID Connect provider on loopback."""

import time
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.urls import reverse

from tests.conftest import role_group

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def login_page(browser, live_server, oidc, district, role_permissions):
    for name in ("Clearinghouse editor", "Clearinghouse publisher"):
        role_group(name, role_permissions)
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:login"))
    yield page
    context.close()


def go_to_the_provider(page, district):
    page.get_by_role("button", name=f"Sign in with {district.full_name}").click()
    page.wait_for_selector("#subject-input")


def choose_account(page, sub):
    page.fill("#subject-input", sub)
    page.locator("form:has(#subject-input) button[type=submit]").click()
    page.wait_for_load_state()


def test_a_staff_member_signs_in_through_the_districts_provider(
    login_page, live_server, oidc, district
):
    oidc.set_user(
        "ana",
        email="ana@district.example",
        email_verified=True,
        given_name="Ana",
        groups=["clearinghouse-publishers"],
    )
    page = login_page
    started = time.perf_counter()
    go_to_the_provider(page, district)
    at_provider = time.perf_counter()
    choose_account(page, "ana")
    page.wait_for_url(live_server.url + reverse("admin:index"))
    done = time.perf_counter()
    print(
        f"\nOIDC sign-in: {(done - started) * 1000:.0f} ms from the click to the admin's index "
        f"({(at_provider - started) * 1000:.0f} ms to the provider's page, "
        f"{(done - at_provider) * 1000:.0f} ms from its form back into the admin)"
    )
    assert page.get_by_role("heading", name="Site administration").is_visible()
    user = get_user_model().objects.get(email="ana@district.example")
    assert list(user.groups.values_list("name", flat=True)) == ["Clearinghouse publisher"]


def test_a_refused_domain_sees_why(login_page, oidc, district):
    oidc.set_user("eve", email="eve@elsewhere.example", groups=["clearinghouse-editors"])
    go_to_the_provider(login_page, district)
    choose_account(login_page, "eve")
    assert login_page.get_by_role("heading", name="You cannot sign in to the clearinghouse")
    assert "Only accounts with one of the district" in login_page.inner_text("main")
    assert not get_user_model().objects.exists()


def test_a_state_altered_on_the_way_is_not_used(login_page, oidc, district):
    oidc.set_user("ana", email="ana@district.example", groups=["clearinghouse-editors"])
    go_to_the_provider(login_page, district)
    parts = urlsplit(login_page.url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query["state"] = "altered" + query["state"][7:]
    login_page.goto(urlunsplit(parts._replace(query=urlencode(query))))
    choose_account(login_page, "ana")
    assert "did not match a sign-in started in this browser" in login_page.inner_text("main")
    assert not get_user_model().objects.exists()


def test_a_session_that_expired_at_the_provider_asks_to_start_again(login_page, oidc, district):
    oidc.set_user("ana", email="ana@district.example", groups=["clearinghouse-editors"])
    go_to_the_provider(login_page, district)
    # The idle timeout passes while the person is at the provider's page.
    Session.objects.all().delete()
    choose_account(login_page, "ana")
    main = login_page.inner_text("main")
    assert "your browser's session ended" in main
    login_page.get_by_role("button", name=f"Sign in with {district.full_name}").click()
    login_page.wait_for_selector("#subject-input")
