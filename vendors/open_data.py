"""Open data: the whole clearinghouse as CSV and JSON, published content only.

Current and former (retired) titles are both listed, told apart by `listing`: families
and journalists still need to know what a former vendor received and whether its data
was certified destroyed.

The field names here are a promise to whoever builds on them (see docs/open-data.md and
the JSON Schema beside this module): add fields, never rename or remove one within v1.
Query strings are ignored, so no parameter can change what is published.
"""

import csv
import hashlib
import io
import json
from http import HTTPStatus
from pathlib import Path

from django.db.models import Prefetch
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views import View

from .models import (
    DataElement,
    DistrictProfile,
    SecurityIncident,
    SharingRecord,
    Vendor,
)

SCHEMA_PATH = Path(__file__).with_name("schemas") / "vendors-v1.schema.json"
CACHE_MAX_AGE = 300
# No indentation: the whole list is 17% smaller in gzip without it (12.5 MB raw at 1,000
# titles, 708 KB gzipped, against 10.5 MB and 591 KB), and readers pretty-print anyway.
COMPACT_JSON = {"ensure_ascii": False, "separators": (",", ":")}
# A spreadsheet runs a cell that starts with one of these as a formula; staff text must not.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = [
    "vendor_name",
    "vendor_slug",
    "company",
    "permalink",
    "audience",
    "audience_slug",
    "audience_page",
    "data_elements",
    "data_element_categories",
    "usage_statement",
    "destruction_term",
    "privacy_policy_label",
    "privacy_policy_url",
    "terms_of_service_label",
    "terms_of_service_url",
    "website_label",
    "website_url",
    "last_updated",
    # Added after the first release: appended so that existing column positions hold.
    "agreement_status",
    "agreement_signed_on",
    "agreement_effective_on",
    "agreement_expires_on",
    "agreement_last_reviewed_on",
    "agreement_next_review_due",
    "agreement_contact",
    "agreement_ended_on",
    "agreement_end_reason",
    "destruction_requested_on",
    "destruction_certified_on",
    "legal_basis",
    "legal_basis_explanation",
    "business_address",
    "subprocessors",
    "security_incidents",
    "listing",
    "agreement_signed_agreement_url",
    "agreement_destruction_certificate_url",
    "no_subprocessors",
    "data_element_definitions",
]

# One row per published incident, for whoever counts breaches (Illinois wants a list).
INCIDENT_CSV_COLUMNS = [
    "vendor_name",
    "vendor_slug",
    "company",
    "listing",
    "permalink",
    "discovered_on",
    "disclosed_on",
    "students_affected",
    "data_elements",
    "summary",
    "notice_url",
    "url",
]


def published_vendors():
    """Current and former titles with their published records and every join the exports
    need."""
    return (
        Vendor.objects.public()
        .order_by("name")
        .with_public_details(SharingRecord.objects.public(), "public_records")
    )


def listing(vendor):
    return "former" if vendor.is_former else "current"


def last_modified(vendors, district=None):
    """The newest change to anything the exports show: a title (its agreements,
    subprocessors and incidents touch it when saved), a published record, a shared text,
    or the district profile (its texts are in every JSON response). Read from the rows
    already loaded for the body, so it costs no query; draft records are not among them,
    so the header says nothing about them."""
    stamps = [district.updated_at] if district else []
    for vendor in vendors:
        stamps.append(vendor.updated_at)
        for record in getattr(vendor, "public_records", ()):
            stamps += [
                record.updated_at,
                record.usage_statement.updated_at,
                record.destruction_term.updated_at,
            ]
    return max(stamps, default=None)


def vendor_data(vendor, request):
    def link(label, url):
        return {"label": label, "url": url}

    return {
        "name": vendor.name,
        "slug": vendor.slug,
        "listing": listing(vendor),
        "company": vendor.company,
        "description": vendor.description,
        "permalink": request.build_absolute_uri(vendor.get_absolute_url()),
        "api_url": request.build_absolute_uri(
            reverse("vendors:api_vendor_detail", kwargs={"slug": vendor.slug})
        ),
        "links": {
            "privacy_policy": link(vendor.privacy_policy_label, vendor.privacy_policy_url),
            "terms_of_service": link(vendor.terms_label, vendor.terms_url),
            "website": link(vendor.website_label, vendor.website_url),
        },
        "last_updated": vendor.updated_at.isoformat(),
        "business_address": vendor.business_address,
        "agreements": [agreement_data(agreement, request) for agreement in vendor.agreements.all()],
        "subprocessors": [
            {"name": sub.name, "purpose": sub.purpose, "location": sub.location}
            for sub in vendor.subprocessors.all()
        ],
        "no_subprocessors": vendor.has_no_subprocessors,
        "security_incidents": [
            incident_data(incident, request) for incident in vendor.public_incidents
        ],
        "audiences": [record_data(record, request) for record in vendor.public_records],
    }


def district_data(district):
    """The district and its texts that every title's entry relies on (state laws ask for
    how parents exercise their rights and complain); empty strings before it is set up."""
    if district is None:
        return {
            "name": "",
            "state": "",
            "contact_email": "",
            "parent_rights": "",
            "complaint_process": "",
        }
    return {
        "name": district.full_name,
        "state": district.state,
        "contact_email": district.contact_email,
        "parent_rights": district.parent_rights,
        "complaint_process": district.complaint_process,
    }


def incident_data(incident, request):
    return {
        "discovered_on": incident.discovered_on.isoformat(),
        "disclosed_on": iso_or_none(incident.disclosed_on),
        "summary": incident.summary,
        "data_elements": [element.slug for element in incident.elements.all()],
        "students_affected": incident.students_affected,
        "notice_url": incident.notice_url,
        "url": request.build_absolute_uri(incident.get_absolute_url()),
    }


def iso_or_none(day):
    return day.isoformat() if day else None


def document_url(agreement, field, request):
    url = agreement.public_document_url(field)
    return request.build_absolute_uri(url) if url else None


def agreement_data(agreement, request):
    return {
        "audience": agreement.audience.slug if agreement.audience else None,
        "status": agreement.status,
        "status_label": str(agreement.get_status_display()),
        "signed_on": iso_or_none(agreement.signed_on),
        "effective_on": iso_or_none(agreement.effective_on),
        "expires_on": iso_or_none(agreement.expires_on),
        "last_reviewed_on": iso_or_none(agreement.last_reviewed_on),
        "next_review_due": iso_or_none(agreement.next_review_due),
        "point_of_contact": {
            "name": agreement.contact_name,
            "email": agreement.contact_email,
            "phone": agreement.contact_phone,
        },
        "ended_on": iso_or_none(agreement.ended_on),
        "end_reason": agreement.end_reason,
        "destruction_requested_on": iso_or_none(agreement.destruction_requested_on),
        "destruction_certified_on": iso_or_none(agreement.destruction_certified_on),
        "signed_agreement_url": document_url(agreement, "signed_agreement", request),
        "destruction_certificate_url": document_url(agreement, "destruction_certificate", request),
    }


def contact_text(agreement):
    parts = [agreement.contact_name, agreement.contact_email, agreement.contact_phone]
    return ", ".join(part for part in parts if part)


def record_data(record, request):
    return {
        "audience": {
            "name": record.audience.name,
            "slug": record.audience.slug,
            "title": record.audience.title,
        },
        "audience_page": request.build_absolute_uri(record.get_absolute_url()),
        "data_elements": [
            {
                "name": element.name,
                "slug": element.slug,
                "description": element.description,
                "category": {"name": element.category.name, "slug": element.category.slug},
                "url": request.build_absolute_uri(element.get_absolute_url()),
            }
            for element in record.elements.all()
        ],
        "usage_statement": record.usage_statement.text,
        "destruction_term": record.destruction_term.text,
        "legal_basis": {
            "code": record.legal_basis,
            "label": str(record.get_legal_basis_display()) if record.legal_basis else "",
            "explanation": str(record.legal_basis_explanation),
        },
        "last_updated": record.updated_at.isoformat(),
    }


def spreadsheet_safe(value):
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def csv_rows(vendors, request):
    for vendor in vendors:
        for record in vendor.public_records:
            elements = list(record.elements.all())
            agreement = record.agreement
            row = {
                "vendor_name": vendor.name,
                "vendor_slug": vendor.slug,
                "company": vendor.company,
                "permalink": request.build_absolute_uri(vendor.get_absolute_url()),
                "audience": record.audience.name,
                "audience_slug": record.audience.slug,
                "audience_page": request.build_absolute_uri(record.get_absolute_url()),
                "data_elements": "; ".join(
                    f"{element.name} ({element.category.name})" for element in elements
                ),
                "data_element_categories": "; ".join(
                    dict.fromkeys(element.category.name for element in elements)
                ),
                "usage_statement": record.usage_statement.text,
                "destruction_term": record.destruction_term.text,
                "privacy_policy_label": vendor.privacy_policy_label,
                "privacy_policy_url": vendor.privacy_policy_url,
                "terms_of_service_label": vendor.terms_label,
                "terms_of_service_url": vendor.terms_url,
                "website_label": vendor.website_label,
                "website_url": vendor.website_url,
                "last_updated": max(vendor.updated_at, record.updated_at).isoformat(),
                **agreement_columns(agreement, request),
                "legal_basis": record.legal_basis,
                "legal_basis_explanation": record.legal_basis_explanation,
                "business_address": vendor.business_address,
                "subprocessors": "; ".join(
                    f"{sub.name} ({sub.purpose}{', ' + sub.location if sub.location else ''})"
                    for sub in vendor.subprocessors.all()
                ),
                "security_incidents": "; ".join(
                    incident_text(incident) for incident in vendor.public_incidents
                ),
                "listing": listing(vendor),
                "no_subprocessors": "yes" if vendor.has_no_subprocessors else "",
                "data_element_definitions": "; ".join(
                    f"{element.name}: {element.description}"
                    for element in elements
                    if element.description
                ),
            }
            yield {column: spreadsheet_safe(value) for column, value in row.items()}


def incident_rows(vendors, request):
    incidents = [(incident, vendor) for vendor in vendors for incident in vendor.public_incidents]
    # Newest first across every title, as /incidents/ lists them.
    incidents.sort(key=lambda pair: (pair[0].discovered_on, pair[0].pk), reverse=True)
    for incident, vendor in incidents:
        row = {
            "vendor_name": vendor.name,
            "vendor_slug": vendor.slug,
            "company": vendor.company,
            "listing": listing(vendor),
            "permalink": request.build_absolute_uri(vendor.get_absolute_url()),
            "discovered_on": incident.discovered_on.isoformat(),
            "disclosed_on": iso_or_none(incident.disclosed_on) or "",
            "students_affected": ""
            if incident.students_affected is None
            else incident.students_affected,
            "data_elements": "; ".join(
                f"{element.name} ({element.category.name})" for element in incident.elements.all()
            ),
            "summary": incident.summary,
            "notice_url": incident.notice_url,
            "url": request.build_absolute_uri(incident.get_absolute_url()),
        }
        yield {column: spreadsheet_safe(value) for column, value in row.items()}


def incident_text(incident):
    affected = incident.students_affected
    count = _("unknown") if affected is None else str(affected)
    return _("discovered %(date)s, %(count)s students affected: %(summary)s") % {
        "date": incident.discovered_on.isoformat(),
        "count": count,
        "summary": incident.summary,
    }


def agreement_columns(agreement, request):
    """The CSV's agreement columns for the agreement covering a row; blank when none."""
    if agreement is None:
        prefixes = ("agreement_", "destruction_")
        return {column: "" for column in CSV_COLUMNS if column.startswith(prefixes)}
    return {
        # Codes, not labels: a translated page must not change what a script reads.
        "agreement_status": agreement.status,
        "agreement_signed_on": iso_or_none(agreement.signed_on) or "",
        "agreement_effective_on": iso_or_none(agreement.effective_on) or "",
        "agreement_expires_on": iso_or_none(agreement.expires_on) or "",
        "agreement_last_reviewed_on": iso_or_none(agreement.last_reviewed_on) or "",
        "agreement_next_review_due": iso_or_none(agreement.next_review_due) or "",
        "agreement_contact": contact_text(agreement),
        "agreement_ended_on": iso_or_none(agreement.ended_on) or "",
        "agreement_end_reason": agreement.end_reason,
        "destruction_requested_on": iso_or_none(agreement.destruction_requested_on) or "",
        "destruction_certified_on": iso_or_none(agreement.destruction_certified_on) or "",
        "agreement_signed_agreement_url": (
            document_url(agreement, "signed_agreement", request) or ""
        ),
        "agreement_destruction_certificate_url": (
            document_url(agreement, "destruction_certificate", request) or ""
        ),
    }


class ExportView(View):
    """Renders the body, then answers 304 when the client already has it (ETag is the
    body's hash, so any visible change, even a renamed element, gives a new one)."""

    http_method_names = ["get", "head", "options"]
    includes_district = False

    def get(self, request, *args, **kwargs):
        vendors = self.get_queryset(**kwargs)
        listed = list(vendors)
        if kwargs and not listed:
            return JsonResponse(
                {"error": _("No published software title has this slug.")},
                status=HTTPStatus.NOT_FOUND,
            )
        # Only the JSON carries the district's texts, so only it reads (and dates by) them.
        district = DistrictProfile.load() if self.includes_district else None
        response = self.render(listed, district)
        etag = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        modified = last_modified(listed, district)
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
        return published_vendors()


class CsvExportView(ExportView):
    """/export/clearinghouse.csv: one row per title and audience."""

    columns = CSV_COLUMNS
    filename = "clearinghouse.csv"

    def rows(self, vendors):
        return csv_rows(vendors, self.request)

    def render(self, vendors, district):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.columns)
        writer.writeheader()
        writer.writerows(self.rows(vendors))
        response = HttpResponse(
            # A byte-order mark so that Excel reads the accents as UTF-8.
            "\ufeff" + buffer.getvalue(),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.filename}"'
        return response


class IncidentCsvExportView(CsvExportView):
    """/export/security-incidents.csv: one row per published security incident."""

    columns = INCIDENT_CSV_COLUMNS
    filename = "security-incidents.csv"

    def get_queryset(self, **kwargs):
        return (
            Vendor.objects.public()
            .order_by("name")
            .prefetch_related(
                Prefetch(
                    "security_incidents",
                    queryset=SecurityIncident.objects.public().prefetch_related(
                        Prefetch("elements", queryset=DataElement.objects.with_category())
                    ),
                    to_attr="public_incidents",
                )
            )
        )

    def rows(self, vendors):
        return incident_rows(vendors, self.request)


class JsonListView(ExportView):
    """/api/v1/vendors.json: every published title, nested."""

    includes_district = True

    def render(self, vendors, district):
        return JsonResponse(
            {
                "schema_version": 1,
                "district": district_data(district),
                "vendors": [vendor_data(vendor, self.request) for vendor in vendors],
            },
            json_dumps_params=COMPACT_JSON,
        )


class JsonDetailView(ExportView):
    """/api/v1/vendors/<slug>.json: one published title, current or former."""

    includes_district = True

    def get_queryset(self, slug):
        return published_vendors().filter(slug=slug)

    def render(self, vendors, district):
        return JsonResponse(
            {
                "schema_version": 1,
                "district": district_data(district),
                "vendor": vendor_data(vendors[0], self.request),
            },
            json_dumps_params=COMPACT_JSON,
        )


def schema_view(request):
    """/api/v1/schema.json: the JSON Schema the API promises, for clients to validate against."""
    response = HttpResponse(SCHEMA_PATH.read_bytes(), content_type="application/schema+json")
    patch_cache_control(response, public=True, max_age=CACHE_MAX_AGE)
    return response


def load_schema():
    return json.loads(SCHEMA_PATH.read_text())
