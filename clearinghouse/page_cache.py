"""Rendered public pages, cached under the content version, compressed once, revalidated free.

A page is cached only when nothing in it can belong to one visitor: an anonymous GET
(no session cookie) for a page of the public site, answered 200 with no cookie set
and no Vary: Cookie (which a CSRF token adds). Staff, who carry a session, always get
a fresh render, so draft previews never land in the cache. Compression happens here,
on cached pages only, so a response that carries a token is never compressed.
"""

import gzip
import hashlib

import brotli
from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from vendors import content_version

PUBLIC_NAMESPACES = {"vendors"}
# Headers rebuilt for each answer rather than replayed from the cache.
NOT_STORED = {"content-length", "content-encoding", "vary", "etag", "last-modified"}
COMPRESSIBLE = ("text/", "application/json", "application/schema+json", "application/xml")
MIN_COMPRESS_BYTES = 200


def is_admin(path):
    return path.startswith("/" + settings.ADMIN_URL.lstrip("/"))


class PublicPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_admin(request.path):
            response = self.get_response(request)
            patch_cache_control(response, private=True, no_store=True)
            return response
        if not self.cacheable_request(request):
            return self.get_response(request)

        # Read before rendering: a write during the render moves the version past
        # this one, so the page stored under it is never served as the newer content.
        version = content_version.current()
        language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
        coding = preferred_coding(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        # Strong, and one per content coding: the same tag always means the same bytes,
        # as downloads and range requests expect.
        etag = f'"{version:x}-{language}-{coding or "identity"}"'
        last_modified = content_version.last_modified(version)

        not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
        if not_modified is not None:
            return self.finish(not_modified, etag, last_modified, request)

        store = caches[settings.PAGE_CACHE]
        path_hash = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
        key = f"page:{version}:{language}:{path_hash}"
        # Each coding under its own key: a request fetches only the bytes it sends,
        # not a megabyte of HTML beside the 30 KB of brotli it wanted.
        wanted = f"{key}:{coding or 'identity'}"
        found = store.get_many([key, wanted])
        meta, body = found.get(key), found.get(wanted)
        if meta is not None and body is None and not meta["encoded"]:
            body = store.get(f"{key}:identity")  # Small or not text: stored as it is.
        if meta is None or body is None:
            response = self.get_response(request)
            if not self.storable(response):
                return response
            meta, bodies = self.entry_for(response)
            store.set_many(
                {key: meta, **{f"{key}:{name}": data for name, data in bodies.items()}},
                timeout=settings.PAGE_CACHE_SECONDS,
            )
            body = bodies.get(coding or "identity", bodies["identity"])
        used = coding if meta["encoded"] else None
        return self.finish(self.answer(meta, body, used, request), etag, last_modified, request)

    @staticmethod
    def cacheable_request(request):
        if request.method not in ("GET", "HEAD"):
            return False
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return False
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return False
        return bool(PUBLIC_NAMESPACES & set(match.namespaces))

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
        body = response.content
        headers = {k: v for k, v in response.headers.items() if k.lower() not in NOT_STORED}
        encoded = {}
        if len(body) >= MIN_COMPRESS_BYTES and response.get("Content-Type", "").startswith(
            COMPRESSIBLE
        ):
            # Compressed once per content version, not once per request. Brotli's 4 MB
            # window sees that a long page repeats the same entry markup a thousand
            # times, which gzip's 32 KB window cannot: 1,000 titles are ~210 KB in
            # brotli against ~370 KB in gzip. Quality 5 keeps the one-off cost near a
            # second for such a page; 11 would take a minute.
            encoded["br"] = brotli.compress(body, quality=5, lgwin=22)
            encoded["gzip"] = gzip.compress(body, compresslevel=6, mtime=0)
        return {"headers": headers, "encoded": bool(encoded)}, {"identity": body, **encoded}

    @staticmethod
    def answer(meta, body, coding, request):
        response = HttpResponse(status=200)
        for name, value in meta["headers"].items():
            response[name] = value
        if meta["encoded"]:
            patch_vary_headers(response, ("Accept-Encoding",))
            if coding:
                response["Content-Encoding"] = coding
        response["Content-Length"] = str(len(body))
        if request.method != "HEAD":
            response.content = body
        return response

    @staticmethod
    def finish(response, etag, last_modified, request):
        response["ETag"] = etag
        response["Last-Modified"] = http_date(last_modified)
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
