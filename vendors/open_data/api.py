"""The JSON API's documents (/api/v1/), as vendors/schemas/vendors-v1.schema.json says."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from . import document_url, iso_or_none, listing

SCHEMA_VERSION = 1
# No indentation: the whole list is markedly smaller in gzip without it, and readers
# pretty-print anyway.
COMPACT_JSON = {"ensure_ascii": False, "separators": (",", ":")}


def json_text(document):
    """The document as every response of the API writes it (JsonResponse's encoder)."""
    return json.dumps(document, cls=DjangoJSONEncoder, **COMPACT_JSON)


def vendor_list_document(vendors, district, absolute):
    """/api/v1/vendors.json: every public title, nested."""
    elements = {}
    return {
        "schema_version": SCHEMA_VERSION,
        "district": district_data(district),
        "vendors": [vendor_data(vendor, absolute, elements) for vendor in vendors],
    }


def vendor_list_text(chunks, district, absolute):
    """The text of vendor_list_document for the titles in `chunks` (lists of titles), piece
    by piece as each chunk is read: joined, the same characters, so that streaming it
    changes nothing a client reads."""
    # The document with no titles ends with their empty list: the titles go in its place.
    opening, closing = json_text(vendor_list_document([], district, absolute)).rsplit("[]", 1)
    yield opening + "["
    separator = ""
    elements = {}
    for vendors in chunks:
        if vendors:
            entries = (json_text(vendor_data(v, absolute, elements)) for v in vendors)
            yield separator + ",".join(entries)
            separator = ","
    yield "]" + closing


def vendor_page_document(page, district, absolute, links):
    """/api/v1/vendors.json?page=N: the list document for one page of titles, with where
    it stands among the pages and the addresses (or null) of the next and previous."""
    return {
        **vendor_list_document(page.object_list, district, absolute),
        "page": page.number,
        "pages": page.paginator.num_pages,
        "page_size": page.paginator.per_page,
        "count": page.paginator.count,
        "next": links["next"],
        "previous": links["prev"],
    }


def vendor_document(vendor, district, absolute):
    """/api/v1/vendors/<slug>.json: one public title, current or former."""
    return {
        "schema_version": SCHEMA_VERSION,
        "district": district_data(district),
        "vendor": vendor_data(vendor, absolute),
    }


def vendor_data(vendor, absolute, elements=None):
    """`elements` keeps each data element's entry, the same wherever the element is listed,
    across a document's titles: worked out once, it is most of the whole list's cost."""
    if elements is None:
        elements = {}

    def link(label, url):
        return {"label": label, "url": url}

    return {
        "name": vendor.name,
        "slug": vendor.slug,
        "listing": listing(vendor),
        "company": vendor.company,
        "description": vendor.description,
        "permalink": absolute(vendor.get_absolute_url()),
        "api_url": absolute(reverse("vendors:api_vendor_detail", kwargs={"slug": vendor.slug})),
        "links": {
            "privacy_policy": link(vendor.privacy_policy_label, vendor.privacy_policy_url),
            "terms_of_service": link(vendor.terms_label, vendor.terms_url),
            "website": link(vendor.website_label, vendor.website_url),
        },
        "last_updated": vendor.updated_at.isoformat(),
        "business_address": vendor.business_address,
        "agreements": [
            agreement_data(agreement, absolute) for agreement in vendor.agreements.all()
        ],
        "subprocessors": [
            {"name": sub.name, "purpose": sub.purpose, "location": sub.location}
            for sub in vendor.subprocessors.all()
        ],
        "no_subprocessors": vendor.has_no_subprocessors,
        "security_incidents": [
            incident_data(incident, absolute) for incident in vendor.public_incidents
        ],
        "audiences": [record_data(record, absolute, elements) for record in vendor.public_records],
        "generative_ai": vendor.generative_ai,
        "trains_models": vendor.trains_models,
        "accessibility_report_url": vendor.accessibility_report_url,
        "decision": decision_data(vendor, absolute),
    }


def decision_data(vendor, absolute):
    """The decision and its terms; None while none is recorded. Reads the schools and
    alternatives that `with_public_details` prefetched."""
    if not vendor.decision:
        return None
    consent_form = vendor.consent_form_url
    return {
        "status": vendor.decision,
        "label": str(vendor.get_decision_display()),
        "conditions": vendor.decision_conditions,
        "reason": vendor.decision_reason,
        "grade_bands": [band.value for band in vendor.grade_bands],
        "schools": [school.name for school in vendor.schools.all()],
        "alternatives": [alternative.slug for alternative in vendor.alternatives.all()],
        "decided_on": iso_or_none(vendor.decided_on),
        "consent_form_url": absolute(consent_form) if consent_form else None,
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


def incident_data(incident, absolute):
    return {
        "discovered_on": incident.discovered_on.isoformat(),
        "disclosed_on": iso_or_none(incident.disclosed_on),
        "summary": incident.summary,
        "data_elements": [element.slug for element in incident.elements.all()],
        "students_affected": incident.students_affected,
        "notice_url": incident.notice_url,
        "url": absolute(incident.get_absolute_url()),
    }


def agreement_data(agreement, absolute):
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
        "signed_agreement_url": document_url(agreement, "signed_agreement", absolute),
        "destruction_certificate_url": document_url(agreement, "destruction_certificate", absolute),
    }


def record_data(record, absolute, elements):
    return {
        "audience": {
            "name": record.audience.name,
            "slug": record.audience.slug,
            "title": record.audience.title,
        },
        "audience_page": absolute(record.get_absolute_url()),
        "data_elements": [
            element_data(element, absolute, elements) for element in record.elements.all()
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


def element_data(element, absolute, known):
    if element.pk not in known:
        known[element.pk] = {
            "name": element.name,
            "slug": element.slug,
            "description": element.description,
            "category": {"name": element.category.name, "slug": element.category.slug},
            "url": absolute(element.get_absolute_url()),
        }
    return known[element.pk]
