"""Rendered public pages, cached under the content version, compressed once, revalidated free.

A page is cached only when nothing in it can belong to one visitor: an anonymous GET
(no session cookie) for a page of the public site, answered 200 with no cookie set
and no Vary: Cookie (which a CSRF token adds). Staff, who carry a session, always get
a fresh render, so draft previews never land in the cache. Compression happens here,
on cached pages only, so a response that carries a token is never compressed.
"""

import functools
import gzip
import hashlib

import brotli
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from vendors import content_version

PUBLIC_NAMESPACES = {"vendors"}
# Headers rebuilt for each answer rather than replayed from the cache.
NOT_STORED = {"content-length", "content-encoding", "vary", "etag", "last-modified"}
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/schema+json",
    "application/xml",
    "application/atom+xml",
)
MIN_COMPRESS_BYTES = 200


def is_admin(path):
    return path.startswith("/" + settings.ADMIN_URL.lstrip("/"))


class PageRequest:
    """What both halves of the cache compute once per request: the version read before
    any render, the language, the content coding, the keys and the validators.

    A page is stored under its address and content coding, with the version it was
    rendered under and its headers inside the entry; a hit needs the version to match.
    The version lives in the page cache too, so the version and the page come back in
    one lookup of two keys (one round trip with Redis, two small files on disk), which is
    most of what a hit costs."""

    def __init__(self, request, language):
        self.language = language
        self.coding = preferred_coding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        self.key = f"page:{language}:{path_hash}"
        # Read before rendering: a write during the render moves the version past this
        # one, so the page stored under it is never served as the newer content.
        self.version, found = content_version.current_with([self.key_for(self.coding)])
        self.found = found.get(self.key_for(self.coding))
        # Strong, and one per content coding: the same tag always means the same bytes,
        # as downloads and range requests expect.
        self.etag = f'"{self.version:x}-{language}-{self.coding or "identity"}"'
        self.last_modified = content_version.last_modified(self.version)

    def key_for(self, coding):
        return f"{self.key}:{coding or 'identity'}"

    def cached_answer(self, request):
        """A 304 or the stored page, finished, or None when the page must be rendered."""
        response = get_conditional_response(
            request, etag=self.etag, last_modified=self.last_modified
        )
        if response is None:
            entry = self.lookup()
            if entry is None:
                return None
            response = answer(entry, request)
        return finish(response, self)

    def lookup(self):
        """The stored entry for this coding, if it is of this version; else None."""
        entry = self.found
        if entry is None and self.coding is None:
            # Few clients take no compression, so no identity copy is kept of a page that
            # has compressed ones: it is unzipped from the gzip copy.
            entry = caches[settings.PAGE_CACHE].get(self.key_for("gzip"))
            if entry is not None and entry["coding"] == "gzip":
                entry = {**entry, "coding": None, "body": gzip.decompress(entry["body"])}
        if entry is None or entry["version"] != self.version:
            return None
        return entry

    def store(self, headers, bodies):
        """Keeps the page under each coding it was compressed into; a page that is not
        compressed is kept as it is under every coding's key (it is small or rare)."""
        if "gzip" in bodies:
            codings = {"br": "br", "gzip": "gzip"}
        else:
            codings = dict.fromkeys(("br", "gzip", None))
        caches[settings.PAGE_CACHE].set_many(
            {
                self.key_for(key_coding): self.entry(headers, bodies, coding)
                for key_coding, coding in codings.items()
            },
            timeout=settings.PAGE_CACHE_SECONDS,
        )

    def entry(self, headers, bodies, coding):
        """What is stored of a page, and answered from: the body in one coding (None for
        identity), with the headers to replay and the version it was rendered under."""
        return {
            "version": self.version,
            "headers": headers,
            "coding": coding,
            "varies": "gzip" in bodies,
            "body": bodies[coding or "identity"],
        }


def public_page_language(request):
    """The language of a cacheable public page, from its path alone, or None when the
    request is not one (a form post, a visitor with a session, the admin, a static file).

    English pages have no prefix, so the path names the language exactly as
    LocaleMiddleware will decide it; the address must be resolved under that language
    for /es/ and /ht/ addresses to match."""
    if request.method not in ("GET", "HEAD"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or is_admin(request.path):
        return None
    return language_of_public_path(request.path_info, getattr(request, "urlconf", None))


# Resolving an address was a fifth of what a cached hit cost in Python (149 -> 121 us a
# hit without it), and the answer depends only on the address and the URLconf, both
# fixed once the site is running.
# Bounded, since the addresses are whatever visitors type (at most 8 MB a worker, at
# gunicorn's 4 KB request-line limit); the pages being read stay in it.
@functools.lru_cache(maxsize=2048)
def language_of_public_path(path_info, urlconf):
    language = translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            match = resolve(path_info, urlconf)
        except Resolver404:
            return None
    return language if PUBLIC_NAMESPACES & set(match.namespaces) else None


class CachedPageMiddleware:
    """Answers a cached public page or a 304 before the session, locale, CSRF, auth and
    message middleware run, since none of them has anything to do for it. A miss goes on
    down the stack to PublicPageCacheMiddleware, which renders and stores the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = public_page_language(request)
        if language is None:
            return self.get_response(request)
        # The host check CommonMiddleware would make: a bad Host header gets its 400.
        request.get_host()
        page = request._page_cache = PageRequest(request, language)
        response = page.cached_answer(request)
        if response is None:
            return self.get_response(request)
        # What LocaleMiddleware adds to the pages whose address names no language: the
        # English ones, since only the other languages have a prefix.
        if language == settings.LANGUAGE_CODE:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


class PublicPageCacheMiddleware:
    """Renders and stores the pages CachedPageMiddleware did not find; marks the admin
    private. Sits after LocaleMiddleware, so a page renders in its language, and before
    anything that might touch the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_admin(request.path):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        page = getattr(request, "_page_cache", None)
        if page is None:
            # CachedPageMiddleware found this is not a cacheable public page.
            return self.get_response(request)
        response = self.get_response(request)
        if not self.storable(response):
            return response
        headers, bodies = self.entry_for(response)
        page.store(headers, bodies)
        coding = page.coding if page.coding in bodies else None
        return finish(answer(page.entry(headers, bodies, coding), request), page)

    @staticmethod
    def storable(response):
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "cookie" not in response.get("Vary", "").lower()
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def entry_for(response):
        """The headers to replay and the body in each coding: identity, and brotli and
        gzip for text worth compressing."""
        body = response.content
        headers = {k: v for k, v in response.headers.items() if k.lower() not in NOT_STORED}
        encoded = {}
        if len(body) >= MIN_COMPRESS_BYTES and is_compressible(response):
            # Compressed once per content version, not once per request. Brotli's 4 MB
            # window sees what every title repeats (entry markup, shared statements,
            # element definitions), which gzip's 32 KB window cannot: at 1,000 titles the
            # audience page is 36 KB in brotli against 56 KB in gzip, the whole-list
            # JSON 130 KB against 590 KB. Quality 8 takes 4 and 41 ms for those, 8-17%
            # smaller than quality 5 for a third more time; 11 would take 0.6 and 3.7 s
            # after every edit.
            encoded["br"] = brotli.compress(body, quality=8, lgwin=22)
            encoded["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
        return headers, {"identity": body, **encoded}


def answer(entry, request):
    response = HttpResponse(status=200)
    for name, value in entry["headers"].items():
        response[name] = value
    body = entry["body"]
    if entry["varies"]:
        patch_vary_headers(response, ("Accept-Encoding",))
    if entry["coding"]:
        response["Content-Encoding"] = entry["coding"]
    response["Content-Length"] = str(len(body))
    if request.method != "HEAD":
        response.content = body
    return response


def is_compressible(response):
    return response.get("Content-Type", "").startswith(COMPRESSIBLE)


# Formatting the date was 1% of a hit, and every hit of one version sends the same one.
last_modified_header = functools.lru_cache(maxsize=16)(http_date)


def finish(response, page):
    response["ETag"] = page.etag
    response["Last-Modified"] = last_modified_header(page.last_modified)
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE)
    if response.status_code == 304:
        patch_vary_headers(response, ("Accept-Encoding",))
    return response


def preferred_coding(accept_encoding):
    """brotli, else gzip, else None, from an Accept-Encoding header (q=0 refuses)."""
    accepted = set()
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        quality = params.replace(" ", "").lower()
        if quality.startswith("q="):
            try:
                if float(quality[2:]) <= 0:
                    continue
            except ValueError:
                continue
        accepted.add(coding.strip().lower())
    for coding in ("br", "gzip"):
        if coding in accepted or "*" in accepted:
            return coding
    return None
