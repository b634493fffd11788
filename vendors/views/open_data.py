"""The open data's addresses. They read no query parameter, so none can change what is
published (the page cache redirects one away)."""

import hashlib
from http import HTTPStatus

from django.http import HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from ..models import DistrictProfile
from ..open_data import SCHEMA_PATH, last_modified, public_vendors, public_vendors_with_incidents
from ..open_data.api import vendor_document, vendor_list_document
from ..open_data.spreadsheets import (
    CSV_COLUMNS,
    INCIDENT_CSV_COLUMNS,
    csv_rows,
    csv_text,
    incident_rows,
)

CACHE_MAX_AGE = 300
# No indentation: the whole list is markedly smaller in gzip without it, and readers
# pretty-print anyway.
COMPACT_JSON = {"ensure_ascii": False, "separators": (",", ":")}


class ExportView(View):
    """Renders the body, then answers 304 when the client already has it (ETag is the
    body's hash, so any visible change, even a renamed element, gives a new one)."""

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
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        modified = last_modified(vendors, district)
        response["ETag"] = etag
        if modified is not None:
            response["Last-Modified"] = modified.strftime("%a, %d %b %Y %H:%M:%S GMT")
        patch_cache_control(response, public=True, max_age=CACHE_MAX_AGE)
        return get_conditional_response(
            request,
            etag=etag,
            last_modified=int(modified.timestamp()) if modified else None,
            response=response,
        )

    def get_queryset(self, **kwargs):
        return public_vendors()


class CsvExportView(ExportView):
    """/export/clearinghouse.csv: one row per title and audience."""

    columns = CSV_COLUMNS
    filename = "clearinghouse.csv"

    def rows(self, vendors):
        return csv_rows(vendors, self.request.build_absolute_uri)

    def render(self, vendors, district):
        response = HttpResponse(
            csv_text(self.columns, self.rows(vendors)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


class IncidentCsvExportView(CsvExportView):
    """/export/security-incidents.csv: one row per public security incident."""

    columns = INCIDENT_CSV_COLUMNS
    filename = "security-incidents.csv"

    def get_queryset(self, **kwargs):
        return public_vendors_with_incidents()

    def rows(self, vendors):
        return incident_rows(vendors, self.request.build_absolute_uri)


class JsonListView(ExportView):
    """/api/v1/vendors.json: every public title, nested."""

    includes_district = True

    def render(self, vendors, district):
        document = vendor_list_document(vendors, district, self.request.build_absolute_uri)
        return JsonResponse(document, json_dumps_params=COMPACT_JSON)


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
