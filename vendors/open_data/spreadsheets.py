"""The CSV files: one row per title and audience, and one per public security incident."""

import csv
import io

from django.utils.translation import gettext as _

from . import document_url, iso_or_none, listing

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
    "decision",
    "decided_on",
    "decision_grade_bands",
    "decision_schools",
    "decision_conditions",
    "decision_reason",
    "decision_alternatives",
    "generative_ai",
    "trains_models",
    "accessibility_report_url",
]


# One row per public incident, for whoever counts breaches (Illinois wants a list).
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


def csv_text(columns, rows):
    return "".join(csv_pieces(columns, [rows]))


def csv_pieces(columns, row_chunks):
    """The CSV text, the header first, then each chunk of rows as it is made."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    # A byte-order mark so that Excel reads the accents as UTF-8.
    yield "\ufeff" + taken(buffer)
    for rows in row_chunks:
        writer.writerows(rows)
        yield taken(buffer)


def taken(buffer):
    """What the buffer holds, leaving it empty."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def spreadsheet_safe(value):
    value = str(value)
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def csv_rows(vendors, absolute):
    for vendor in vendors:
        for record in vendor.public_records:
            elements = list(record.elements.all())
            agreement = record.agreement
            row = {
                "vendor_name": vendor.name,
                "vendor_slug": vendor.slug,
                "company": vendor.company,
                "permalink": absolute(vendor.get_absolute_url()),
                "audience": record.audience.name,
                "audience_slug": record.audience.slug,
                "audience_page": absolute(record.get_absolute_url()),
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
                **agreement_columns(agreement, absolute),
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
                **decision_columns(vendor),
                "generative_ai": vendor.generative_ai,
                "trains_models": vendor.trains_models,
                "accessibility_report_url": vendor.accessibility_report_url,
            }
            yield {column: spreadsheet_safe(value) for column, value in row.items()}


def decision_columns(vendor):
    """Codes, as in the JSON: "decision" is blank while none is recorded."""
    return {
        "decision": vendor.decision,
        "decided_on": iso_or_none(vendor.decided_on) or "",
        "decision_grade_bands": "; ".join(band.value for band in vendor.grade_bands),
        "decision_schools": "; ".join(school.name for school in vendor.schools.all()),
        "decision_conditions": vendor.decision_conditions,
        "decision_reason": vendor.decision_reason,
        "decision_alternatives": "; ".join(alt.slug for alt in vendor.alternatives.all()),
    }


def incident_rows(vendors, absolute):
    incidents = [(incident, vendor) for vendor in vendors for incident in vendor.public_incidents]
    # Newest first across every title, as /incidents/ lists them.
    incidents.sort(key=lambda pair: (pair[0].discovered_on, pair[0].pk), reverse=True)
    for incident, vendor in incidents:
        row = {
            "vendor_name": vendor.name,
            "vendor_slug": vendor.slug,
            "company": vendor.company,
            "listing": listing(vendor),
            "permalink": absolute(vendor.get_absolute_url()),
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
            "url": absolute(incident.get_absolute_url()),
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


def agreement_columns(agreement, absolute):
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
            document_url(agreement, "signed_agreement", absolute) or ""
        ),
        "agreement_destruction_certificate_url": (
            document_url(agreement, "destruction_certificate", absolute) or ""
        ),
    }


def contact_text(agreement):
    parts = [agreement.contact_name, agreement.contact_email, agreement.contact_phone]
    return ", ".join(part for part in parts if part)
