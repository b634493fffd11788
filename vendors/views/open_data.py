"""The open data's addresses. Only the JSON list reads a query parameter, `page`; the page
cache redirects any other away, so none can change what is published.

The whole lists (every title as JSON, every record as CSV) are streamed: sent as they
are read, a chunk of titles at a time, so that no worker builds the whole document before
its first byte leaves, however many titles there are. The page cache compresses such a
stream as it passes and keeps it for the content version, as it keeps any page: only the
first request after a write reads the database. Everything else is small, and rendered
whole."""

import hashlib
from http import HTTPStatus

from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views import View

from pagecache.middleware import reads_query_parameters

from ..models import DistrictProfile
from ..open_data import (
    SCHEMA_PATH,
    in_chunks,
    last_modified,
    newest_change,
    public_vendors,
    public_vendors_with_incidents,
)
from ..open_data.api import (
    COMPACT_JSON,
    vendor_document,
    vendor_list_text,
    vendor_page_document,
)
from ..open_data.spreadsheets import (
    CSV_COLUMNS,
    INCIDENT_CSV_COLUMNS,
    csv_pieces,
    csv_rows,
    csv_text,
    incident_rows,
)

CACHE_MAX_AGE = 300
# Titles per page of /api/v1/vendors.json?page=N (docs/open-data.md promises the number).
PAGE_SIZE = 100
# A page number of more digits is past the end of any list, and is not converted.
MAX_PAGE_DIGITS = 9


def validated(request, response, modified):
    """The response with its validators and caching headers, or a 304 when the client
    already has it. A whole body's ETag is its hash, so that any visible change, even a
    renamed element, gives a new one; a stream has none yet (the page cache gives it one
    from the content version)."""
    etag = None
    if not response.streaming:
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        response["ETag"] = etag
    if modified is not None:
        response["Last-Modified"] = http_date(int(modified.timestamp()))
    patch_cache_control(response, public=True, max_age=CACHE_MAX_AGE)
    return get_conditional_response(
        request,
        etag=etag,
        last_modified=int(modified.timestamp()) if modified else None,
        response=response,
    )


def in_this_language(pieces):
    """The pieces, each made in the language of the request that asked for them: a
    stream is read after the view has returned, when any other could be active."""
    language = translation.get_language()
    pieces = iter(pieces)
    while True:
        with translation.override(language):
            piece = next(pieces, None)
        if piece is None:
            return
        yield piece


class ExportView(View):
    """Renders the body, then answers 304 when the client already has it."""

    http_method_names = ["get", "head", "options"]
    includes_district = False

    def get(self, request, *args, **kwargs):
        vendors = list(self.get_queryset(**kwargs))
        if kwargs and not vendors:
            return JsonResponse(
                {"error": _("No published software title has this slug.")},
                status=HTTPStatus.NOT_FOUND,
            )
        # Only the JSON carries the district's texts, so only it reads (and dates by) them.
        district = DistrictProfile.load() if self.includes_district else None
        response = self.render(vendors, district)
        return validated(request, response, last_modified(vendors, district))

    def get_queryset(self, **kwargs):
        return public_vendors()


class StreamedExportView(View):
    """A whole list, streamed. Dated by one query, as the response leaves before its rows
    are read."""

    http_method_names = ["get", "head", "options"]
    includes_district = False
    headers = {}

    def get(self, request):
        district = DistrictProfile.load() if self.includes_district else None
        response = StreamingHttpResponse(
            in_this_language(self.pieces(in_chunks(public_vendors()), district)),
            content_type=self.content_type,
            headers=self.headers,
        )
        return validated(request, response, newest_change(district))


class CsvExportView(StreamedExportView):
    """/export/clearinghouse.csv: one row per title and audience."""

    content_type = "text/csv; charset=utf-8"
    headers = {"Content-Disposition": 'attachment; filename="clearinghouse.csv"'}

    def pieces(self, chunks, district):
        absolute = self.request.build_absolute_uri
        return csv_pieces(CSV_COLUMNS, (csv_rows(vendors, absolute) for vendors in chunks))


class IncidentCsvExportView(ExportView):
    """/export/security-incidents.csv: one row per public security incident."""

    def get_queryset(self, **kwargs):
        return public_vendors_with_incidents()

    def render(self, vendors, district):
        rows = incident_rows(vendors, self.request.build_absolute_uri)
        response = HttpResponse(
            csv_text(INCIDENT_CSV_COLUMNS, rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="security-incidents.csv"'
        return response


@reads_query_parameters("page")
class JsonListView(StreamedExportView):
    """/api/v1/vendors.json: every public title, nested, streamed; with ?page=N, the
    same document for PAGE_SIZE titles at a time, with links to the pages either side."""

    content_type = "application/json"
    includes_district = True

    def pieces(self, chunks, district):
        return vendor_list_text(chunks, district, self.request.build_absolute_uri)

    def get(self, request):
        if "page" not in request.GET:
            return super().get(request)
        number = page_number(request.GET.getlist("page"))
        if number is None:
            return JsonResponse(
                {"error": _("The page must be one whole number from 1 up, e.g. ?page=2.")},
                status=HTTPStatus.BAD_REQUEST,
            )
        paginator = Paginator(public_vendors(), PAGE_SIZE)
        if number > paginator.num_pages:
            return JsonResponse(
                {
                    "error": _("There is no such page: the last page is %(last)d.")
                    % {"last": paginator.num_pages}
                },
                status=HTTPStatus.NOT_FOUND,
            )
        return self.page_response(paginator.page(number))

    def page_response(self, page):
        def address(number):
            return self.request.build_absolute_uri(f"{self.request.path}?page={number}")

        links = {
            "next": address(page.next_page_number()) if page.has_next() else None,
            "prev": address(page.previous_page_number()) if page.has_previous() else None,
        }
        district = DistrictProfile.load()
        absolute = self.request.build_absolute_uri
        document = vendor_page_document(page, district, absolute, links)
        response = JsonResponse(document, json_dumps_params=COMPACT_JSON)
        response["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items() if url)
        # Dated by the whole list, not the page's own titles: a title added or renamed on
        # an earlier page moves the others along.
        return validated(self.request, response, newest_change(district))


def page_number(values):
    """The page asked for by `?page=`, or None unless it is one whole number from 1 up,
    written plainly: digits only, no sign, no leading zero."""
    if len(values) != 1:
        return None
    value = values[0]
    if not (value.isascii() and value.isdigit()) or value.startswith("0"):
        return None
    return int(value) if len(value) <= MAX_PAGE_DIGITS else 10**MAX_PAGE_DIGITS


class JsonDetailView(ExportView):
    """/api/v1/vendors/<slug>.json: one public title, current or former."""

    includes_district = True

    def get_queryset(self, slug):
        return public_vendors().filter(slug=slug)

    def render(self, vendors, district):
        document = vendor_document(vendors[0], district, self.request.build_absolute_uri)
        return JsonResponse(document, json_dumps_params=COMPACT_JSON)


def schema_view(request):
    """/api/v1/schema.json: the JSON Schema the API promises, for clients to validate against."""
    response = HttpResponse(SCHEMA_PATH.read_bytes(), content_type="application/schema+json")
    patch_cache_control(response, public=True, max_age=CACHE_MAX_AGE)
    return response
