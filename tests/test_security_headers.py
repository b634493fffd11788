"""Every response, whatever serves it, carries the production security headers."""

import re
from datetime import timedelta
from http import HTTPStatus
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import SharingRecordFactory

pytestmark = pytest.mark.django_db

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@pytest.fixture
def secure_client(settings):
    # WhiteNoise reads its settings when the client's handler first loads the middleware.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    return Client()


def public_page(client, district, parent_audience):
    SharingRecordFactory(vendor__slug="clever", audience=parent_audience)
    return client.get(reverse("vendors:vendor_detail", args=["clever"]), secure=True)


def admin_page(client, district, parent_audience):
    return client.get(reverse("admin:login"), secure=True)


def static_file(client, district, parent_audience):
    return client.get("/static/css/site.css", secure=True)


def not_found(client, district, parent_audience):
    return client.get("/vendors/no-such-title/", secure=True)


RESPONSES = pytest.mark.parametrize(
    "fetch",
    [public_page, admin_page, static_file, not_found],
    ids=["public page", "admin page", "static file", "404"],
)


@RESPONSES
def test_csp_allows_nothing_but_this_site(secure_client, district, parent_audience, fetch):
    policy = fetch(secure_client, district, parent_audience)["Content-Security-Policy"]
    directives = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in policy.split(";") if part.strip()
    )
    assert directives["default-src"] == "'none'"
    assert directives["script-src"].split()[0] == "'self'"
    assert directives["style-src"].split()[0] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@RESPONSES
def test_https_is_enforced_with_hsts(secure_client, district, parent_audience, fetch):
    hsts = fetch(secure_client, district, parent_audience)["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains; preload"


@RESPONSES
def test_other_security_headers_are_set(secure_client, district, parent_audience, fetch):
    response = fetch(secure_client, district, parent_audience)
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@RESPONSES
def test_permissions_policy_denies_powerful_features(
    secure_client, district, parent_audience, fetch
):
    policy = fetch(secure_client, district, parent_audience)["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "fullscreen"):
        assert f"{feature}=()" in policy


def test_static_file_fixture_really_reaches_whitenoise(secure_client, district, parent_audience):
    response = static_file(secure_client, district, parent_audience)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/css")


def test_plain_http_is_redirected_to_https(settings, district):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/vendors/")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == "https://testserver/vendors/"


def test_https_terminated_at_the_proxy_is_not_redirected(settings, district):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/vendors/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == HTTPStatus.OK


def test_admin_cookies_are_secure_and_http_only(client):
    response = client.get(reverse("admin:login"), secure=True)
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["httponly"] is True
    assert csrf["samesite"] == "Lax"


def test_session_cookie_is_secure_and_http_only(admin_client):
    response = admin_client.get(reverse("admin:index"), secure=True)
    session = response.cookies["sessionid"]
    assert session["secure"] is True
    assert session["httponly"] is True


def test_admin_session_expires_after_the_configured_idle_time(admin_client):
    admin_client.get(reverse("admin:index"), secure=True)
    session = Session.objects.get()
    idle = (session.expire_date - timezone.now()).total_seconds()
    assert 30 * 60 - 60 < idle <= 30 * 60


def test_an_idle_admin_session_is_signed_out(admin_client):
    admin_client.get(reverse("admin:index"), secure=True)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = admin_client.get(reverse("admin:index"), secure=True)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def template_files():
    return sorted(TEMPLATES_DIR.rglob("*.html"))


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE), "inline <script>"),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> block"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "event-handler attribute"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


@pytest.mark.parametrize("template", template_files(), ids=lambda p: p.name)
def test_templates_contain_no_inline_code_the_csp_would_block(template):
    source = template.read_text()
    for pattern, what in INLINE_CODE:
        match = pattern.search(source)
        assert match is None or "csp_nonce" in source[match.start() : match.end() + 200], (
            f"{what} in {template.name}: use a static file (or a nonce)"
        )
