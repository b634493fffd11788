"""Public pages rendered once per content version, compressed once, revalidated for free.

A page is kept when nothing in it can belong to one visitor: a GET from someone not signed
in, answered 200 by a view of a public namespace (PAGE_CACHE_NAMESPACES), with no cookie
set, no `Vary: Cookie` (which a CSRF token adds) and nothing private. Staff always get a
fresh render, so draft previews never land in the cache.

It sits after the session middleware and before the locale, CSRF, auth and message
middleware, which have nothing to do for a stored page. The response is kept whole, as
Django's own cache middleware keeps it, with what the middleware inside added on its way
out (the language's Vary, Content-Language): one entry per content coding, under the
absolute address (the host checked by `get_host()`) and the version it was rendered under.

Compression happens here, once per version: the biggest pages are bound by their size on
the wire, and brotli's window sees what every title repeats, which gzip's cannot.

A streamed response (the open data's whole lists, too big to build while a visitor waits)
is compressed as it passes, reaches the visitor in the coding asked for, and is kept in
every coding once it is complete: from then on it is a stored page like any other.
"""

import gzip
import hashlib
import time
import zlib

import brotli
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date, parse_http_date_safe

from . import version

COMPRESSIBLE = ("text/", "application/json", "application/schema+json", "application/xml")
COMPRESSIBLE += ("application/atom+xml",)
MIN_COMPRESS_BYTES = 200
CODINGS = ("br", "gzip", "identity")
# Quality 8, once per version: much smaller than 5, far cheaper than 11.
BROTLI = {"quality": 8, "lgwin": 22}
# brotli holds back its output until it has seen megabytes: while a stream passes, it is
# made to give what it has after the first piece and after each 4 MB (whoever asked, so
# that a version's bytes are always the same). At 3,000 titles that costs 0.1 % against
# giving nothing until the end; compressing in pieces at all costs 3 % against one whole
# body (388 KB, not 376 KB), the price of a first byte in 0.1 s instead of 6 s.
BROTLI_FLUSH_BYTES = 4_000_000


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or not is_anonymous(request):
            return self.get_response(request)
        page = StoredPage(request)
        response = page.answer()
        if response is None:
            redirect = canonical_redirect(request)
            if redirect is not None:
                return redirect
            response = self.get_response(request)
            if response.status_code == 503 and page.entry is not None:
                # The database is unreachable: the last good copy beats an error page.
                return page.stale(response)
            if not is_public_page(request, response):
                return response
            if response.streaming:
                response = page.store_as_it_streams(response)
            else:
                response = page.store(response)
        return page.validated(response)


def is_anonymous(request):
    """No signed-in staff member: no session cookie, or one that names no signed-in user
    (made up, expired or signed out), which costs a session lookup, never a render."""
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return SESSION_KEY not in request.session


def canonical_redirect(request):
    """For a public page, a redirect to its address without the query parameters its view
    does not read (tracking tags, cache-busters: `reads_query_parameters` names those it
    reads; none, if it says nothing), so that they make no new entries. None when the
    address is already canonical. Temporary: a view may read more parameters one day."""
    if not request.GET:
        return None
    # Resolved in the address's own language, as LocaleMiddleware (later) will choose it.
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(request.path_info)
    except Resolver404:
        return None
    if set(match.namespaces).isdisjoint(settings.PAGE_CACHE_NAMESPACES):
        return None
    reads = getattr(getattr(match.func, "view_class", match.func), "query_parameters", ())
    if set(request.GET) <= set(reads):
        return None
    query = request.GET.copy()
    for name in set(query) - set(reads):
        del query[name]
    address = request.path + (f"?{query.urlencode()}" if query else "")
    return HttpResponseRedirect(address)


def is_public_page(request, response):
    match = request.resolver_match
    cache_control = response.get("Cache-Control", "")
    return (
        match is not None
        and not set(match.namespaces).isdisjoint(settings.PAGE_CACHE_NAMESPACES)
        and response.status_code == 200
        # A stream is kept only when it is compressible text: a file download (a PDF) is
        # not a page.
        and (not response.streaming or is_compressible(response))
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class StoredPage:
    """One address in one content coding, and what the cache holds of it, read together
    with the content version in one lookup."""

    def __init__(self, request):
        self.request = request
        self.coding = preferred_coding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
        self.address = hashlib.sha256(address.encode()).hexdigest()[:32]
        self.version, found = version.current_with([self.key_for(self.coding)])
        self.entry = found.get(self.key_for(self.coding))

    def key_for(self, coding):
        return f"page:{self.address}:{coding}"

    def answer(self):
        """The stored response, or None when none is stored under the current version."""
        if self.entry is None or self.entry["version"] != self.version:
            return None
        return self.for_method(self.entry["response"])

    def store(self, response):
        """Keep the page under every coding, with its validators, and answer from the copy
        in the coding this request asked for."""
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        body = response.content
        bodies = {"identity": body}
        if len(body) >= MIN_COMPRESS_BYTES and is_compressible(response):
            bodies["br"] = brotli.compress(body, **BROTLI)
            bodies["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
            patch_vary_headers(response, ("Accept-Encoding",))
        copies = self.keep(bodies, response.headers)
        return self.for_method(copies[self.coding])

    def store_as_it_streams(self, response):
        """The streamed page, sent on in this request's coding as it is made, and kept in
        every coding once it is complete. A stream cut short (the visitor left) keeps
        nothing, and a HEAD streams nothing."""
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        patch_vary_headers(response, ("Accept-Encoding",))
        headers = dict(response.items())
        if self.coding != "identity":
            response["Content-Encoding"] = self.coding
        response["ETag"] = self.etag(self.coding)
        if self.request.method == "HEAD":
            response.streaming_content = []
        else:
            response.streaming_content = self.kept_once_complete(
                response.streaming_content, headers
            )
        return response

    def kept_once_complete(self, pieces, headers):
        compressors = {
            "br": brotli.Compressor(**BROTLI),
            # A gzip wrapper (wbits 16 + 15), as gzip.compress writes for a whole page.
            "gzip": zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS),
        }
        parts = {coding: [] for coding in CODINGS}
        unflushed = 0
        for number, piece in enumerate(pieces):
            parts["identity"].append(piece)
            parts["gzip"].append(compressors["gzip"].compress(piece))
            compressed = compressors["br"].process(piece)
            unflushed += len(piece)
            if number == 0 or unflushed >= BROTLI_FLUSH_BYTES:
                compressed += compressors["br"].flush()
                unflushed = 0
            parts["br"].append(compressed)
            if parts[self.coding][-1]:
                yield parts[self.coding][-1]
        ends = {"br": compressors["br"].finish(), "gzip": compressors["gzip"].flush()}
        for coding, end in ends.items():
            parts[coding].append(end)
        # Kept before the last bytes go, so that a visitor who leaves as they arrive still
        # leaves the copy for the next.
        self.keep({coding: b"".join(parts.pop(coding)) for coding in CODINGS}, headers)
        if ends.get(self.coding):
            yield ends[self.coding]

    def keep(self, bodies, headers):
        """Store a copy of the page per coding (the plain body where there is no
        compressed one), each with its own ETag, and return them by coding."""
        copies = {}
        for coding in CODINGS:
            copy = HttpResponse(bodies.get(coding, bodies["identity"]), headers=headers)
            if coding in bodies and coding != "identity":
                copy["Content-Encoding"] = coding
            copy["Content-Length"] = str(len(copy.content))
            copy["ETag"] = self.etag(coding)
            copies[coding] = copy
        cache.set_many(
            {
                self.key_for(coding): {"version": self.version, "response": copy}
                for coding, copy in copies.items()
            },
            timeout=settings.PAGE_CACHE_SECONDS,
        )
        return copies

    def etag(self, coding):
        # Strong, one per address and coding: the same tag always means the same bytes.
        return f'"{self.version:x}-{self.address[:8]}-{coding}"'

    def validated(self, response):
        """The page with its Last-Modified, or a 304 that carries the stored page's
        validators, Cache-Control and Vary.

        Unless the view dated the page itself, it is dated by its content version. HTTP
        dates count whole seconds, so a page gets that date only once its version's second
        is over: until then another write could make a version in the same second, and a
        client asking If-Modified-Since would be told, wrongly, that its copy is current.
        The ETag is exact and always there."""
        if "Last-Modified" not in response:
            modified = version.last_modified(self.version)
            if modified < int(time.time()):
                response["Last-Modified"] = http_date(modified)
        return get_conditional_response(
            self.request,
            etag=response["ETag"],
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )

    def stale(self, error):
        """The last copy stored, while the database cannot render a new one: marked stale
        (RFC 9211), and not to be kept by browsers or proxies past the outage."""
        response = self.for_method(self.entry["response"])
        response["Cache-Status"] = "clearinghouse; hit; fwd=stale; fwd-status=503"
        response["Retry-After"] = error.get("Retry-After", "30")
        patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
        return response

    def for_method(self, response):
        if self.request.method == "HEAD":
            # The headers of the GET, Content-Length included, without its body.
            response.content = b""
        return response


def is_compressible(response):
    return response.get("Content-Type", "").startswith(COMPRESSIBLE)


def preferred_coding(accept_encoding):
    """brotli, else gzip, else identity, from an Accept-Encoding header (q=0 refuses)."""
    accepted = set()
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.partition(";")
        if params.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        accepted.add(coding.strip())
    return next((c for c in ("br", "gzip") if c in accepted or "*" in accepted), "identity")


def reads_query_parameters(*names):
    """Says which query parameters a public view reads. The page cache redirects an address
    that carries others to the same address without them, rather than keep a copy of the
    page for every made-up parameter."""

    def declare(view):
        view.query_parameters = names
        return view

    return declare
