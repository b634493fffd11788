"""Hostile requests against every public URL pattern: never a 5xx, never a draft, never raw HTML.

The patterns come from the URL resolver, so a page added later is fuzzed too. Each
generated input is sent to every pattern; Hypothesis runs derandomized, so a failure
reproduces on the next run.
"""

import logging
import string
from http import HTTPStatus
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import (
    AudienceFactory,
    DataElementFactory,
    DistrictProfileFactory,
    SharingRecordFactory,
)
from vendors.models import PublicationStatus

pytestmark = pytest.mark.django_db

EXAMPLES = 400
MINIMUM_REQUESTS = 2000

DRAFT_MARKER = "Zq-draft-only-7731"
# What staff typed; it must only ever reach a page escaped.
STAFF_SCRIPT = '<script>alert("staff-xss")</script>'
STAFF_IMG = '<img src=x onerror=alert("staff-xss")>'
STAFF_TEXT = f"{STAFF_SCRIPT} {STAFF_IMG} {{{{ 7|add:7 }}}} {{% debug %}}"
RAW_HTML_SIGNS = [b"<script>alert", b"<img src=x onerror", b"<svg onload"]

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE vendors_vendor; --",
    "1 UNION SELECT username, password FROM auth_user",
    '" OR ""="',
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "${7*7}",
    "<script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "../../../../etc/passwd",
    "..%2f..%2fetc%2fpasswd",
    "%00",
    "\x00",
    "%",
    "%%32%65",
    "%ff%fe",
    "\u202e\u0000\ud7ff",
    "ﷺ𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "clever",
    "parent-data",
    "draft-" + DRAFT_MARKER.lower(),
]


def public_routes():
    """Every URL pattern outside the admin, as a route with <converter:name> placeholders."""
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                if route != settings.ADMIN_URL:
                    walk(pattern.url_patterns, route)
            else:
                routes.append(route)

    walk(get_resolver().url_patterns, "")
    return routes


def fill(route, segment):
    parts = route.split("<")
    filled = parts[0]
    for part in parts[1:]:
        _placeholder, _, rest = part.partition(">")
        filled += segment + rest
    return "/" + filled


segments = st.one_of(
    st.sampled_from(INJECTIONS),
    st.text(max_size=40),
    st.text(alphabet=string.ascii_lowercase + "-_0123456789", min_size=101, max_size=3000),
    st.binary(max_size=40).map(quote_from_bytes),
    st.text(max_size=20).map(lambda text: quote(text, safe="")),
)

values = st.one_of(
    st.sampled_from(INJECTIONS),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.just("9" * 400),
    st.just("1e309"),
)

param_names = st.one_of(
    st.sampled_from(["page", "q", "sort", "audience", "element", "page[]", "q[]", "format"]),
    st.text(max_size=15),
)

queries = st.lists(st.tuples(param_names, values), max_size=6).map(
    lambda pairs: urlencode(pairs + pairs[:2])  # some parameters repeated
)

methods = st.sampled_from(
    ["GET", "GET", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"]
)

headers = st.dictionaries(
    st.sampled_from(["User-Agent", "Accept-Language", "Referer", "Cookie", "X-Fuzz", "Accept"]),
    st.one_of(
        st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=255), max_size=60),
        st.integers(min_value=1, max_value=64 * 1024).map(lambda n: "A" * n),
    ),
    max_size=3,
)


@pytest.fixture
def hostile_site():
    """Published content whose every text field holds markup, plus a draft nobody may see."""
    DistrictProfileFactory(
        full_name=f"District {STAFF_TEXT}", short_name="D<b>", intro=f"Intro {STAFF_TEXT}"
    )
    parents = AudienceFactory(title=f"Parents {STAFF_SCRIPT}", intro=STAFF_TEXT)
    AudienceFactory(name="Students", slug="student-data", title="Students", position=20)
    element = DataElementFactory(name=f"Email {STAFF_IMG}", description=STAFF_TEXT)
    SharingRecordFactory(
        vendor__name=f"Clever {STAFF_SCRIPT}",
        vendor__slug="clever",
        vendor__description=STAFF_TEXT,
        vendor__company=STAFF_IMG,
        audience=parents,
        elements_intro=STAFF_TEXT,
        usage_statement__text=STAFF_TEXT,
        destruction_term__text=STAFF_TEXT,
        elements=[element],
    )
    SharingRecordFactory(
        vendor__name=DRAFT_MARKER,
        vendor__slug="draft-" + DRAFT_MARKER.lower(),
        vendor__description=DRAFT_MARKER,
        vendor__status=PublicationStatus.DRAFT,
        audience=parents,
        elements=[element],
    )


def test_public_routes_include_every_promised_address():
    routes = public_routes()
    for route in ["", "vendors/", "vendors/<slug:slug>/", "data-elements/", "<slug:slug>/"]:
        assert route in routes
    assert not any(route.startswith(settings.ADMIN_URL) for route in routes)


def test_hostile_requests_never_cause_a_server_error_or_leak(hostile_site, caplog):
    # Thousands of expected 404/405 warnings would only slow the run; errors still show.
    caplog.set_level(logging.ERROR, logger="django.request")
    routes = public_routes()
    client = Client()
    sent = []

    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(segment=segments, query=queries, method=methods, extra_headers=headers)
    def send(segment, query, method, extra_headers):
        for route in routes:
            path = fill(route, segment)
            response = client.generic(
                method, f"{path}?{query}" if query else path, headers=extra_headers
            )
            sent.append(response.status_code)
            assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR, (method, path, query)
            content = response.getvalue()
            assert DRAFT_MARKER.encode() not in content, (method, path)
            # Open-data exports carry staff text verbatim, as data (text/csv, application/json
            # with nosniff); only a page a browser renders as HTML must have it escaped.
            if response.get("Content-Type", "").startswith("text/html"):
                for sign in RAW_HTML_SIGNS:
                    assert sign not in content, (sign, method, path)

    send()
    server_errors = [status for status in sent if status >= HTTPStatus.INTERNAL_SERVER_ERROR]
    print(f"fuzz: {len(sent)} requests to {len(routes)} patterns, {len(server_errors)} 5xx")
    assert len(sent) >= MINIMUM_REQUESTS
    assert server_errors == []


def test_the_hostile_content_is_really_on_the_pages(client, hostile_site):
    # Guards the fuzz test against passing because the payloads never reached a page.
    content = client.get("/vendors/clever/").content.decode()
    assert "Clever &lt;script&gt;alert(&quot;staff-xss&quot;)&lt;/script&gt;" in content
    # Template syntax typed by staff is shown as text, never evaluated.
    assert "{{ 7|add:7 }}" in content
