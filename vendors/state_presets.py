"""State presets: what each state's posting law requires a district to publish per recipient.

The district profile names the state (`DistrictProfile.state`). Each preset is a list of
`Requirement`s drawn from the bold items of the transparency-laws reference; each
requirement checks a published title, with its records, agreements and subprocessors
prefetched (`with_requirement_details`), and says True when the title satisfies it.
Everything a requirement checks is shown on the title's public page and in the exports,
so a satisfied requirement is a published one.

Two choices worth knowing:
- Illinois asks for each operator's subcontractors. An empty list is ambiguous (none, or
  not yet asked?), so it counts as missing unless staff tick the title's "passes the
  data to no other company" box (`Vendor.has_no_subprocessors`).
- Texts that are the same for every title (how parents exercise their rights, the
  complaint process) live once on the district profile, appear on the home page, and
  every title's page links to them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import DistrictProfile, SharingRecord, StatePreset, Vendor


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    citation: str
    check: Callable  # (vendor, district) -> bool

    def is_met(self, vendor, district):
        return bool(self.check(vendor, district))

    def __str__(self):
        return f"{self.label} ({self.citation})"


def records(vendor):
    return vendor.listed_records


def covering_agreements(vendor):
    """The agreement covering each published record (None where a record has none)."""
    return [record.agreement for record in records(vendor)]


def current_agreements(vendor):
    """The agreements that cover a record, or every one when no record is published."""
    covering = covering_agreements(vendor)
    return covering if covering else list(vendor.agreements.all()) or [None]


def has_data_elements(vendor, district):
    return bool(records(vendor)) and all(record.elements.all() for record in records(vendor))


def has_element_definitions(vendor, district):
    return has_data_elements(vendor, district) and all(
        element.description.strip()
        for record in records(vendor)
        for element in record.elements.all()
    )


def has_usage(vendor, district):
    return bool(records(vendor)) and all(
        record.usage_statement.text.strip() for record in records(vendor)
    )


def has_deletion_terms(vendor, district):
    return bool(records(vendor)) and all(
        record.destruction_term.text.strip() for record in records(vendor)
    )


def has_legal_basis(vendor, district):
    return bool(records(vendor)) and all(
        str(record.legal_basis_explanation).strip() for record in records(vendor)
    )


def has_description(vendor, district):
    return bool(vendor.description.strip())


def has_profile(vendor, district):
    return bool(vendor.description.strip() and vendor.company.strip())


def has_public_contract(vendor, district):
    return all(
        agreement is not None and agreement.signed_agreement_url
        for agreement in current_agreements(vendor)
    )


def has_date_signed(vendor, district):
    return all(
        agreement is not None and agreement.signed_on for agreement in current_agreements(vendor)
    )


def has_named_contact(vendor, district):
    return all(
        agreement is not None and agreement.contact_name.strip()
        for agreement in current_agreements(vendor)
    )


def has_business_address(vendor, district):
    return bool(vendor.business_address.strip())


def has_subprocessors_stated(vendor, district):
    return bool(vendor.subprocessors.all()) or vendor.has_no_subprocessors


def has_parent_rights(vendor, district):
    return bool(district and district.parent_rights.strip())


def has_complaint_process(vendor, district):
    return bool(district and district.complaint_process.strip())


def has_incident_counts(vendor, district):
    """Every published breach states the number of students affected (its discovery
    date is required anyway)."""
    return all(incident.students_affected is not None for incident in vendor.public_incidents)


def can_inspect_contract(vendor, district):
    return has_public_contract(vendor, district) or has_parent_rights(vendor, district)


DATA_ELEMENTS = ("data_elements", _("The data elements shared"), has_data_elements)
USAGE = ("usage", _("How the data is used (its purpose)"), has_usage)
PUBLIC_CONTRACT = (
    "public_contract",
    _("A public copy of the signed agreement (PDF)"),
    has_public_contract,
)

LAWS = {
    StatePreset.COLORADO: (
        "C.R.S. 22-16-107",
        [DATA_ELEMENTS, USAGE, PUBLIC_CONTRACT],
    ),
    StatePreset.CONNECTICUT: (
        "C.G.S. 10-234bb",
        [
            ("date_signed", _("The date the agreement was signed"), has_date_signed),
            ("description", _("A brief description of the title"), has_description),
            USAGE,
            DATA_ELEMENTS,
            ("deletion_terms", _("When and how the data is deleted"), has_deletion_terms),
        ],
    ),
    StatePreset.UTAH: (
        "Utah Code 53E-9-303, 305, 309",
        [
            USAGE,
            ("legal_basis", _("The legal basis (FERPA exception) relied on"), has_legal_basis),
            DATA_ELEMENTS,
            (
                "element_definitions",
                _("A definition of each data element"),
                has_element_definitions,
            ),
        ],
    ),
    StatePreset.LOUISIANA: (
        "La. R.S. 17:3913",
        [
            (
                "profile",
                _("A profile of the recipient: description and company"),
                has_profile,
            ),
            PUBLIC_CONTRACT,
            DATA_ELEMENTS,
            USAGE,
            ("legal_basis", _("The legal authority for the use"), has_legal_basis),
            ("contact", _("A named point of contact at the district"), has_named_contact),
            (
                "complaint_process",
                _("The parent complaint process (district profile)"),
                has_complaint_process,
            ),
        ],
    ),
    StatePreset.ILLINOIS: (
        "105 ILCS 85/27",
        [
            DATA_ELEMENTS,
            USAGE,
            PUBLIC_CONTRACT,
            ("business_address", _("The vendor's business address"), has_business_address),
            (
                "subprocessors",
                _("Its subcontractors, or that it has none"),
                has_subprocessors_stated,
            ),
            (
                "parent_rights",
                _("How parents exercise their rights (district profile)"),
                has_parent_rights,
            ),
            (
                "incident_counts",
                _("Each breach with the number of students affected"),
                has_incident_counts,
            ),
        ],
    ),
    StatePreset.OHIO: (
        "R.C. 3319.326",
        [
            ("contact", _("A point of contact at the district"), has_named_contact),
            (
                "inspect_contract",
                _(
                    "A way to inspect the agreement: a public copy, or how to ask for one "
                    "(district profile)"
                ),
                can_inspect_contract,
            ),
        ],
    ),
}

PRESETS = {
    state: [Requirement(key, label, citation, check) for key, label, check in items]
    for state, (citation, items) in LAWS.items()
}


def requirements_for(state):
    """The requirements of a state's preset; none for no state."""
    return PRESETS.get(state, [])


def active_state(district=None):
    district = district if district is not None else DistrictProfile.load()
    return district.state if district else StatePreset.NONE


def with_requirement_details(vendors):
    """Titles with everything a check reads, in a fixed number of queries."""
    return vendors.with_public_details(SharingRecord.objects.listed(), "listed_records")


def missing_requirements(vendor, district=None):
    """The active preset's requirements this title does not meet (empty with no preset)."""
    district = district if district is not None else DistrictProfile.load()
    preset = requirements_for(active_state(district))
    if not preset:
        return []
    if not hasattr(vendor, "listed_records"):
        vendor = with_requirement_details(Vendor.objects.filter(pk=vendor.pk)).get()
    return [item for item in preset if not item.is_met(vendor, district)]


def entries_missing_required_fields(vendors=None):
    """Each published title missing a field its state's preset requires, with the
    requirements it misses: [(vendor, [requirement, ...]), ...], by name. Empty when no
    preset is active. `vendors` narrows the titles checked (e.g. one admin page of them)."""
    district = DistrictProfile.load()
    if not requirements_for(active_state(district)):
        return []
    vendors = Vendor.objects.all() if vendors is None else vendors
    vendors = with_requirement_details(vendors.listed().order_by("name"))
    missing = ((vendor, missing_requirements(vendor, district)) for vendor in vendors)
    return [(vendor, items) for vendor, items in missing if items]


# States whose law dates the annual direct notice to families: (month, day, citation).
ANNUAL_NOTICE_DATES = {
    StatePreset.OHIO: (8, 1, "R.C. 3319.326"),
}


def suggested_annual_notice(district):
    """(month, day, citation) the district's state sets for the annual notice when the
    district has no date yet, else None."""
    if district is None or district.annual_notice_month is not None:
        return None
    return ANNUAL_NOTICE_DATES.get(district.state)
