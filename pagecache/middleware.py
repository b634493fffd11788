"""Public pages rendered once per content version, compressed once, revalidated for free.

A page is kept only when nothing in it can belong to one visitor: an anonymous GET (no
session cookie) answered 200 by a view of a public namespace (PAGE_CACHE_NAMESPACES),
with no cookie set, no `Vary: Cookie` (which a CSRF token adds) and nothing private.
Staff, who carry a session, always get a fresh render, so draft previews never land in
the cache.

It sits after LocaleMiddleware and CommonMiddleware, which have checked the host and
chosen the language, and before the CSRF, auth and message middleware, which have nothing
to do for a stored page. A page is stored under its absolute address (host included) and
content coding, with the version it was rendered under and its headers in the entry; a
stored page is served only while that version is current.

Compression happens here, once per version, because the biggest pages (an audience page,
the whole-list JSON) are bound by their size on the wire, and brotli's 4 MB window sees
what every title repeats, where gzip's 32 KB window cannot. Compressing on each request,
as GZipMiddleware would, would cost more than the render it replaces. The README's
"Performance" has the measured sizes and throughput.
"""

import gzip
import hashlib

import brotli
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import (
    get_conditional_response,
    has_vary_header,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import http_date

from . import version

# Headers each answer sets itself rather than replaying them from the entry.
NOT_STORED = {"content-length", "content-encoding", "vary", "etag", "last-modified"}
COMPRESSIBLE = ("text/", "application/json", "application/schema+json", "application/xml")
COMPRESSIBLE += ("application/atom+xml",)
MIN_COMPRESS_BYTES = 200
IDENTITY = "identity"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return self.get_response(request)
        page = StoredPage(request)
        response = get_conditional_response(
            request, etag=page.etag, last_modified=page.last_modified
        )
        if response is None:
            response = page.answer()
        if response is None:
            response = self.get_response(request)
            if not is_public_page(request, response):
                return response
            response = page.store(response)
        return page.finish(response)


def is_public_page(request, response):
    match = request.resolver_match
    cache_control = response.get("Cache-Control", "")
    return (
        match is not None
        and not set(match.namespaces).isdisjoint(settings.PAGE_CACHE_NAMESPACES)
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_vary_header(response, "Cookie")
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


class StoredPage:
    """One address in one content coding: its validators under the current version, and
    its entry in the cache, read together with the version in one lookup."""

    def __init__(self, request):
        self.request = request
        self.coding = preferred_coding(request.headers.get("Accept-Encoding", ""))
        address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
        self.key = f"page:{address}"
        self.version, found = version.current_with([self.key_for(self.coding)])
        self.entry = found.get(self.key_for(self.coding))
        # Strong, and one per content coding: the same tag always means the same bytes.
        language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        self.etag = f'"{self.version:x}-{language}-{self.coding}"'
        self.last_modified = version.last_modified(self.version)

    def key_for(self, coding):
        return f"{self.key}:{coding}"

    def answer(self):
        """The stored page, or None when none is stored under the current version."""
        if self.entry is None or self.entry["version"] != self.version:
            return None
        return self.response_from(self.entry)

    def store(self, response):
        """Keep the page under every coding; answer this request from what was kept."""
        bodies = {IDENTITY: response.content}
        if len(response.content) >= MIN_COMPRESS_BYTES and response.get(
            "Content-Type", ""
        ).startswith(COMPRESSIBLE):
            # Quality 8, once per version: much smaller than 5, far cheaper than 11.
            bodies["br"] = brotli.compress(response.content, quality=8, lgwin=22)
            bodies["gzip"] = gzip.compress(response.content, compresslevel=6, mtime=0)
        headers = {k: v for k, v in response.headers.items() if k.lower() not in NOT_STORED}
        entries = {
            coding: {
                "version": self.version,
                "headers": headers,
                "coding": coding if coding in bodies else IDENTITY,
                "varies": len(bodies) > 1,
                "body": bodies.get(coding, response.content),
            }
            for coding in ("br", "gzip", IDENTITY)
        }
        cache.set_many(
            {self.key_for(coding): entry for coding, entry in entries.items()},
            timeout=settings.PAGE_CACHE_SECONDS,
        )
        return self.response_from(entries[self.coding])

    def response_from(self, entry):
        response = HttpResponse(status=200)
        for name, value in entry["headers"].items():
            response[name] = value
        if entry["varies"]:
            patch_vary_headers(response, ("Accept-Encoding",))
        if entry["coding"] != IDENTITY:
            response["Content-Encoding"] = entry["coding"]
        response["Content-Length"] = str(len(entry["body"]))
        if self.request.method != "HEAD":
            response.content = entry["body"]
        return response

    def finish(self, response):
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
        if response.status_code == 304:
            patch_vary_headers(response, ("Accept-Encoding",))
        return response


def preferred_coding(accept_encoding):
    """brotli, else gzip, else identity, from an Accept-Encoding header (q=0 refuses)."""
    accepted = set()
    for part in accept_encoding.lower().split(","):
        coding, _, params = part.partition(";")
        if params.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        accepted.add(coding.strip())
    return next((c for c in ("br", "gzip") if c in accepted or "*" in accepted), IDENTITY)
