"""Sign-in with the district's OpenID Connect provider, against a real one on loopback."""

import html
import logging
from http import HTTPStatus
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from allauth.socialaccount.internal import statekit
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client
from django.urls import reverse

from clearinghouse.oidc import login_url
from clearinghouse.oidc.claims import Refusal, person_from_claims
from tests.helpers import free_port, validation_messages

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
EDITORS = "clearinghouse-editors"
PUBLISHERS = "clearinghouse-publishers"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def start(client):
    """The click on "Sign in with …": the redirect to the provider's authorization page."""
    response = client.post(login_url(), {"process": "login"}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == HTTPStatus.FOUND, response.content
    return response["Location"]


def authorize(authorization_url, sub):
    """The person picks their account on the provider's form; its redirect back to us."""
    answer = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == HTTPStatus.FOUND, answer.text
    return answer.headers["Location"]


def come_back(client, callback_url):
    parts = urlsplit(callback_url)
    return client.get(f"{parts.path}?{parts.query}", REMOTE_ADDR="203.0.113.7")


def sign_in(client, provider, sub, **claims):
    provider.set_user(sub, **claims)
    return come_back(client, authorize(start(client), sub))


def page_text(response):
    return html.unescape(response.content.decode())


def staff_claims(email="ana@district.example", groups=(EDITORS,), **extra):
    return {
        "email": email,
        "email_verified": True,
        "given_name": "Ana",
        "family_name": "Pierre",
        "groups": list(groups),
        **extra,
    }


def roles(user):
    return sorted(user.groups.values_list("name", flat=True))


def is_signed_in_to_the_admin(client):
    return client.get(reverse("admin:index")).status_code == HTTPStatus.OK


def audit(caplog, event):
    return [r for r in caplog.records if r.name == "clearinghouse.auth" and r.event == event]


def test_a_first_sign_in_creates_a_staff_member_with_the_roles_the_claims_give(client, oidc):
    response = sign_in(client, oidc, "ana", **staff_claims())
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")
    user = get_user_model().objects.get(email="ana@district.example")
    assert (user.is_staff, user.is_superuser, user.first_name) == (True, False, "Ana")
    assert not user.has_usable_password()
    assert roles(user) == ["Clearinghouse editor"]
    assert is_signed_in_to_the_admin(client)


def test_the_code_exchange_proved_the_pkce_verifier(client, oidc):
    before = oidc.pkce.verified
    authorization_url = start(client)
    query = parse_qs(urlsplit(authorization_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["nonce"][0] and query["state"][0]
    oidc.set_user("ana", **staff_claims())
    come_back(client, authorize(authorization_url, "ana"))
    assert oidc.pkce.verified == before + 1


def test_roles_follow_the_claims_at_each_sign_in(client, oidc):
    sign_in(client, oidc, "ana", **staff_claims(groups=[EDITORS]))
    client.logout()
    sign_in(client, oidc, "ana", **staff_claims(groups=[PUBLISHERS, "other-group"]))
    user = get_user_model().objects.get(email="ana@district.example")
    assert roles(user) == ["Clearinghouse publisher"]
    assert get_user_model().objects.count() == 1


def test_a_password_account_with_the_same_address_is_kept_and_linked(client, oidc):
    existing = get_user_model().objects.create_user(
        "ana.pierre", "Ana@District.example", PASSWORD, is_staff=True
    )
    sign_in(client, oidc, "ana", **staff_claims(groups=[PUBLISHERS]))
    assert get_user_model().objects.count() == 1
    assert roles(existing) == ["Clearinghouse publisher"]
    assert is_signed_in_to_the_admin(client)


def test_the_break_glass_superusers_address_is_not_taken_over(client, oidc):
    get_user_model().objects.create_superuser("root", "it@district.example", PASSWORD)
    response = sign_in(client, oidc, "it", **staff_claims(email="it@district.example"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "signs in with its password" in page_text(response)
    assert not is_signed_in_to_the_admin(client)


def test_an_address_outside_the_districts_domains_is_refused_and_logged(client, oidc, caplog):
    caplog.set_level(logging.INFO, logger="clearinghouse.auth")
    response = sign_in(client, oidc, "eve", **staff_claims(email="eve@gmail.example"))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Only accounts with one of the district's email addresses" in page_text(response)
    (record,) = audit(caplog, "oidc_refused")
    assert (record.reason, record.username, record.ip) == (
        "domain_not_allowed",
        "eve@gmail.example",
        "203.0.113.7",
    )
    assert not get_user_model().objects.exists()
    assert not is_signed_in_to_the_admin(client)


def test_a_person_without_a_role_is_refused(client, oidc, caplog):
    caplog.set_level(logging.INFO, logger="clearinghouse.auth")
    response = sign_in(client, oidc, "ana", **staff_claims(groups=["teachers"]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "no role in the clearinghouse" in page_text(response)
    assert [r.reason for r in audit(caplog, "oidc_refused")] == ["no_role"]
    assert not get_user_model().objects.exists()


def test_losing_every_role_at_the_provider_removes_them_here(client, oidc):
    sign_in(client, oidc, "ana", **staff_claims(groups=[EDITORS]))
    client.logout()
    response = sign_in(client, oidc, "ana", **staff_claims(groups=[]))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert roles(get_user_model().objects.get()) == []
    assert not is_signed_in_to_the_admin(client)


def test_an_unverified_address_is_refused(client, oidc):
    response = sign_in(client, oidc, "ana", **staff_claims(email_verified=False))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "has not verified the email address" in page_text(response)
    assert not get_user_model().objects.exists()


def test_an_address_without_email_verified_is_trusted_as_entra_id_sends_none(client, oidc):
    claims = staff_claims()
    del claims["email_verified"]
    assert sign_in(client, oidc, "ana", **claims).status_code == HTTPStatus.FOUND
    assert is_signed_in_to_the_admin(client)


def test_a_deactivated_account_is_refused(client, oidc):
    sign_in(client, oidc, "ana", **staff_claims())
    client.logout()
    get_user_model().objects.update(is_active=False)
    response = sign_in(client, oidc, "ana", **staff_claims())
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "deactivated" in page_text(response)


def with_query(url, **changes):
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_a_tampered_state_is_refused(client, oidc, caplog):
    caplog.set_level(logging.INFO, logger="clearinghouse.auth")
    oidc.set_user("ana", **staff_claims())
    callback = authorize(start(client), "ana")
    response = come_back(client, with_query(callback, state="forged-state"))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "did not match a sign-in started in this browser" in page_text(response)
    assert [r.reason for r in audit(caplog, "oidc_failed")] == ["state_mismatch"]
    assert not is_signed_in_to_the_admin(client)


def test_an_answer_after_the_session_ended_asks_to_start_again(client, oidc):
    oidc.set_user("ana", **staff_claims())
    callback = authorize(start(client), "ana")
    client.cookies.clear()
    response = come_back(client, callback)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    content = page_text(response)
    assert "your browser's session ended" in content
    assert f'action="{login_url()}"' in content


def test_an_id_token_minted_for_another_sign_in_is_refused(client, oidc):
    # The provider echoes the nonce it was sent: a different one in the session is what a
    # replayed ID token (or a code from someone else's sign-in) looks like.
    oidc.set_user("ana", **staff_claims())
    callback = authorize(start(client), "ana")
    session = client.session
    for state, *_rest in session[statekit.STATES_SESSION_KEY].values():
        state["nonce"] = "a-nonce-from-another-sign-in"
    session.save()
    response = come_back(client, callback)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not get_user_model().objects.exists()


def test_an_authorization_request_stripped_of_its_nonce_is_refused(client, oidc):
    oidc.set_user("ana", **staff_claims())
    parts = urlsplit(start(client))
    query = {k: v[0] for k, v in parse_qs(parts.query).items() if k != "nonce"}
    answer = requests.post(
        urlunsplit(parts._replace(query=urlencode(query))),
        data={"sub": "ana"},
        allow_redirects=False,
        timeout=5,
    )
    # The provider, like a certified one, sends the person back with an error, not a code.
    assert "error=invalid_request" in answer.headers["Location"]
    response = come_back(client, answer.headers["Location"])
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The sign-in did not finish" in page_text(response)
    assert not get_user_model().objects.exists()


def test_cancelling_at_the_provider_ends_on_a_clear_page(client, oidc):
    answer = requests.post(start(client), data={"action": "deny"}, allow_redirects=False, timeout=5)
    response = come_back(client, answer.headers["Location"])
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "The sign-in did not finish" in page_text(response)


@pytest.fixture
def provider_down(oidc, settings):
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"


def test_an_unreachable_provider_gives_a_clear_503_on_the_click(client, provider_down, caplog):
    caplog.set_level(logging.INFO, logger="clearinghouse.auth")
    response = client.post(login_url(), {"process": "login"})
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "cannot be reached" in page_text(response)
    assert response["Retry-After"]
    assert [r.reason for r in audit(caplog, "oidc_unavailable")] == ["ConnectionError"]


def test_the_login_page_shows_the_districts_button(client, oidc, district):
    response = client.get(reverse("admin:login"))
    content = page_text(response)
    assert response.status_code == HTTPStatus.OK
    assert f"Sign in with {district.full_name}" in content
    assert f'action="{login_url()}"' in content


def test_the_login_page_renders_while_the_provider_is_down(client, provider_down):
    response = client.get(reverse("admin:login"))
    assert response.status_code == HTTPStatus.OK
    assert "Sign in with" in page_text(response)


def test_without_an_issuer_there_is_no_button_and_no_sign_in_address(client):
    assert "Sign in with" not in client.get(reverse("admin:login")).content.decode()
    assert client.post(login_url(), {"process": "login"}).status_code == HTTPStatus.NOT_FOUND


def test_a_get_of_the_sign_in_address_shows_a_button_rather_than_starting(client, oidc):
    response = client.get(login_url())
    assert response.status_code == HTTPStatus.OK
    assert 'method="post"' in page_text(response)


def test_allauths_own_account_pages_are_not_served(client, oidc):
    for path in ("/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND
    prefix = reverse("admin:index")
    for path in ("signup/", "password/reset/", "email/", "3rdparty/"):
        assert client.get(f"{prefix}{path}").status_code in {HTTPStatus.NOT_FOUND, HTTPStatus.FOUND}


def test_required_2fa_lets_in_staff_the_provider_signed_in(client, oidc, settings):
    settings.ADMIN_REQUIRE_2FA = True
    sign_in(client, oidc, "ana", **staff_claims())
    assert is_signed_in_to_the_admin(client)


def test_a_provider_sign_in_is_logged_as_such(client, oidc, caplog):
    caplog.set_level(logging.INFO, logger="clearinghouse.auth")
    sign_in(client, oidc, "ana", **staff_claims())
    (record,) = audit(caplog, "login")
    assert (record.method, record.ip) == ("identity_provider", "203.0.113.7")


def password_sign_in(client, username):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.4",
    )


def test_with_password_sign_in_for_superusers_staff_cannot_use_a_password(client, settings, oidc):
    settings.PASSWORD_SIGN_IN = "superusers"
    get_user_model().objects.create_user("bob", "bob@district.example", PASSWORD, is_staff=True)
    response = password_sign_in(client, "bob")
    assert response.status_code == HTTPStatus.OK
    assert "emergency administrator account only" in page_text(response)
    assert not is_signed_in_to_the_admin(client)


def test_with_password_sign_in_for_superusers_the_break_glass_superuser_can(client, settings, oidc):
    settings.PASSWORD_SIGN_IN = "superusers"
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    assert password_sign_in(client, "root").status_code == HTTPStatus.FOUND
    assert is_signed_in_to_the_admin(client)


def test_a_refused_staff_password_counts_towards_the_lockout(client, settings):
    settings.PASSWORD_SIGN_IN = "superusers"
    get_user_model().objects.create_user("bob", "bob@district.example", PASSWORD, is_staff=True)
    for _ in range(5):
        password_sign_in(client, "bob")
    assert password_sign_in(client, "bob").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_an_issuer_without_its_client_is_a_configuration_error(settings):
    settings.OIDC_ISSUER = "https://login.example/tenant/v2.0"
    settings.OIDC_CLIENT_ID = ""
    settings.OIDC_CLIENT_SECRET = ""
    with pytest.raises(SystemCheckError, match="OIDC_CLIENT_SECRET"):
        call_command("check")


def test_the_sign_in_pages_are_valid_html(client, oidc, district, java, tmp_path, settings):
    documents = {
        "refused": sign_in(client, oidc, "eve", **staff_claims(email="eve@elsewhere.example")),
        "failed": come_back(client, with_query(authorize(start(client), "eve"), state="forged")),
        "confirm": client.get(login_url()),
    }
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    documents["unavailable"] = client.post(login_url(), {"process": "login"})
    pages = {name: response.content.decode() for name, response in documents.items()}
    assert validation_messages(java, pages, tmp_path) == {}


def test_a_provider_that_goes_down_mid_sign_in_gives_the_503(client, oidc, settings):
    oidc.set_user("ana", **staff_claims())
    callback = authorize(start(client), "ana")
    settings.OIDC_ISSUER = f"http://127.0.0.1:{free_port()}"
    response = come_back(client, callback)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert not get_user_model().objects.exists()


def test_the_admin_lists_linked_accounts_but_not_allauths_apps(admin_client, oidc):
    sign_in(Client(), oidc, "ana", **staff_claims())
    response = admin_client.get(reverse("admin:socialaccount_socialaccount_changelist"))
    assert response.status_code == HTTPStatus.OK
    assert "ana" in page_text(response)
    prefix = reverse("admin:index")
    for model in (
        "socialaccount/socialapp/",
        "socialaccount/socialtoken/",
        "account/emailaddress/",
    ):
        assert admin_client.get(prefix + model).status_code == HTTPStatus.NOT_FOUND


def test_the_sign_in_returns_to_the_admin_page_asked_for(client, oidc):
    wanted = reverse("admin:auth_group_changelist")
    page = page_text(client.get(reverse("admin:login"), {"next": wanted}))
    assert f'name="next" value="{wanted}"' in page
    oidc.set_user("ana", **staff_claims())
    response = client.post(login_url(), {"process": "login", "next": wanted})
    response = come_back(client, authorize(response["Location"], "ana"))
    assert response["Location"] == wanted


def test_the_sign_in_never_returns_to_another_site(client, oidc):
    oidc.set_user("ana", **staff_claims())
    response = client.post(login_url(), {"process": "login", "next": "https://evil.example/"})
    response = come_back(client, authorize(response["Location"], "ana"))
    assert response["Location"] == reverse("admin:index")


def test_a_single_string_claim_can_carry_a_role(settings, oidc):
    # Google sends no groups: the README's recipe names people by address instead.
    settings.OIDC_ROLES_CLAIM = "email"
    settings.OIDC_PUBLISHER_VALUES = ["Privacy.Officer@district.example"]
    person = person_from_claims({"email": "privacy.officer@district.example"})
    assert person.groups == ["Clearinghouse publisher"]


@pytest.mark.parametrize("verified", [True, "true", "True"])
def test_email_verified_may_come_as_a_string(verified, oidc):
    claims = {**staff_claims(), "email_verified": verified}
    assert person_from_claims(claims).email == "ana@district.example"


@pytest.mark.parametrize("groups", [{"nested": EDITORS}, 42, None])
def test_a_roles_claim_of_another_shape_gives_no_role(groups, oidc):
    with pytest.raises(Refusal, match="no_role"):
        person_from_claims({**staff_claims(), "groups": groups})
