"""State presets: a fully filled entry shows, publicly and in the exports, every field its
state's law requires; an entry missing one is flagged in the admin and by the report."""

import html
import json
from dataclasses import dataclass
from http import HTTPStatus

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.commands import run_report
from tests.factories import (
    AgreementFactory,
    DataElementFactory,
    DestructionTermFactory,
    DistrictProfileFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    SubprocessorFactory,
    UsageStatementFactory,
    VendorFactory,
)
from tests.helpers import validation_messages
from vendors.models import LegalBasis, StatePreset, Vendor
from vendors.open_data import load_schema
from vendors.state_presets import (
    PRESETS,
    entries_missing_required_fields,
    missing_requirements,
)

pytestmark = pytest.mark.django_db

STATES = [state for state in StatePreset if state != StatePreset.NONE]
PDF = b"%PDF-1.4\n% signed agreement\n%%EOF\n"

PARENT_RIGHTS = "Email the privacy office to review, correct or delete your child's records."
COMPLAINTS = "Send a written complaint to the Chief Privacy Officer; we answer within 30 days."


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PAGE_CACHE_SECONDS = 0


@dataclass
class Entry:
    district: object
    vendor: Vendor
    record: object
    element: object
    agreement: object
    subprocessor: object
    incident: object


@pytest.fixture
def entry(parent_audience):
    """A published title with every field any preset asks for."""
    district = DistrictProfileFactory(parent_rights=PARENT_RIGHTS, complaint_process=COMPLAINTS)
    vendor = VendorFactory(
        name="Reading Buddy",
        slug="reading-buddy",
        company="Buddy Learning Inc.",
        description="A reading practice app for grades K to 5.",
        business_address="12 Elm Street, Springfield, IL 62701",
    )
    element = DataElementFactory(
        name="Student Reading Level",
        description="The grade level of the books a student reads comfortably.",
    )
    record = SharingRecordFactory(
        vendor=vendor,
        audience=parent_audience,
        elements=[element],
        usage_statement=UsageStatementFactory(text="Used only to recommend books to read."),
        destruction_term=DestructionTermFactory(text="Deleted within 45 days of the end."),
        legal_basis=LegalBasis.FERPA_SCHOOL_OFFICIAL,
    )
    agreement = AgreementFactory(
        vendor=vendor,
        contact_name="Dana Whitfield, Student Privacy Office",
        signed_agreement=SimpleUploadedFile("dpa.pdf", PDF),
        signed_agreement_public=True,
    )
    subprocessor = SubprocessorFactory(vendor=vendor, name="CloudHost LLC")
    incident = SecurityIncidentFactory(vendor=vendor, students_affected=37)
    return Entry(district, vendor, record, element, agreement, subprocessor, incident)


def set_state(entry, state):
    entry.district.state = state
    entry.district.save()


def document_url(entry):
    return reverse(
        "vendors:agreement_signed_agreement",
        kwargs={"slug": entry.vendor.slug, "pk": entry.agreement.pk},
    )


# What each requirement looks like on the permalink (or, for the district-wide texts, the
# link there and the text on the home page), and in the JSON export.
ON_PAGE = {
    "data_elements": lambda e: [e.element.name],
    "element_definitions": lambda e: [e.element.description],
    "usage": lambda e: [e.record.usage_statement.text],
    "deletion_terms": lambda e: [e.record.destruction_term.text],
    "legal_basis": lambda e: [str(e.record.legal_basis_explanation)],
    "description": lambda e: [e.vendor.description],
    "profile": lambda e: [e.vendor.description, e.vendor.company],
    "public_contract": lambda e: [f'href="{document_url(e)}"', "Signed agreement (PDF)"],
    "inspect_contract": lambda e: [f'href="{document_url(e)}"'],
    "date_signed": lambda e: ["Jan. 15, 2026"],
    "contact": lambda e: [e.agreement.contact_name],
    "business_address": lambda e: [e.vendor.business_address],
    "subprocessors": lambda e: [e.subprocessor.name],
    "incident_counts": lambda e: ["37"],
    "parent_rights": lambda e: ['href="/#parent-rights"'],
    "complaint_process": lambda e: ['href="/#complaints"'],
}
ON_HOME_PAGE = {"parent_rights": PARENT_RIGHTS, "complaint_process": COMPLAINTS}


def in_json(key, data, e):
    vendor = data["vendor"]
    record = vendor["audiences"][0]
    agreement = vendor["agreements"][0]
    checks = {
        "data_elements": lambda: record["data_elements"][0]["name"] == e.element.name,
        "element_definitions": lambda: (
            record["data_elements"][0]["description"] == e.element.description
        ),
        "usage": lambda: record["usage_statement"] == e.record.usage_statement.text,
        "deletion_terms": lambda: record["destruction_term"] == e.record.destruction_term.text,
        "legal_basis": lambda: (
            record["legal_basis"]["explanation"] == str(e.record.legal_basis_explanation)
        ),
        "description": lambda: vendor["description"] == e.vendor.description,
        "profile": lambda: vendor["company"] == e.vendor.company,
        "public_contract": lambda: agreement["signed_agreement_url"].endswith(document_url(e)),
        "inspect_contract": lambda: agreement["signed_agreement_url"].endswith(document_url(e)),
        "date_signed": lambda: agreement["signed_on"] == "2026-01-15",
        "contact": lambda: agreement["point_of_contact"]["name"] == e.agreement.contact_name,
        "business_address": lambda: vendor["business_address"] == e.vendor.business_address,
        "subprocessors": lambda: vendor["subprocessors"][0]["name"] == e.subprocessor.name,
        "incident_counts": lambda: vendor["security_incidents"][0]["students_affected"] == 37,
        "parent_rights": lambda: data["district"]["parent_rights"] == PARENT_RIGHTS,
        "complaint_process": lambda: data["district"]["complaint_process"] == COMPLAINTS,
    }
    return checks[key]()


def blank_usage(e):
    e.record.usage_statement.text = " "
    e.record.usage_statement.save()


def blank_deletion_terms(e):
    e.record.destruction_term.text = " "
    e.record.destruction_term.save()


def remove_subprocessors(e):
    e.vendor.subprocessors.all().delete()


def blank(obj, field):
    def remove(e):
        target = getattr(e, obj)
        setattr(target, field, None if field in {"signed_on", "students_affected"} else "")
        target.save()

    return remove


def make_contract_private(e):
    e.agreement.signed_agreement_public = False
    e.agreement.save()


def no_way_to_inspect(e):
    make_contract_private(e)
    blank("district", "parent_rights")(e)


REMOVE = {
    "data_elements": lambda e: e.record.elements.clear(),
    "element_definitions": blank("element", "description"),
    "usage": blank_usage,
    "deletion_terms": blank_deletion_terms,
    "legal_basis": blank("record", "legal_basis"),
    "description": blank("vendor", "description"),
    "profile": blank("vendor", "company"),
    "public_contract": make_contract_private,
    "inspect_contract": no_way_to_inspect,
    "date_signed": blank("agreement", "signed_on"),
    "contact": blank("agreement", "contact_name"),
    "business_address": blank("vendor", "business_address"),
    "subprocessors": remove_subprocessors,
    "incident_counts": blank("incident", "students_affected"),
    "parent_rights": blank("district", "parent_rights"),
    "complaint_process": blank("district", "complaint_process"),
}

EVERY_REQUIREMENT = [(state, item.key) for state in STATES for item in PRESETS[state]]


def admin_panel(admin_client, vendor):
    response = admin_client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk]))
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_every_state_has_a_preset_and_every_requirement_is_tested():
    assert set(PRESETS) == set(STATES)
    keys = {item.key for items in PRESETS.values() for item in items}
    assert keys == set(ON_PAGE) == set(REMOVE)
    for items in PRESETS.values():
        assert all(item.citation and str(item.label) for item in items)


@pytest.mark.parametrize("state", STATES)
def test_a_fully_filled_entry_shows_every_required_field_on_its_permalink(client, entry, state):
    set_state(entry, state)
    page = html.unescape(client.get(entry.vendor.get_absolute_url()).content.decode())
    home = html.unescape(client.get(reverse("vendors:home")).content.decode())
    for item in PRESETS[state]:
        for evidence in ON_PAGE[item.key](entry):
            assert evidence in page, (item.key, evidence)
        if item.key in ON_HOME_PAGE:
            assert ON_HOME_PAGE[item.key] in home, item.key


@pytest.mark.parametrize("state", STATES)
def test_a_fully_filled_entry_exports_every_required_field(client, entry, state):
    set_state(entry, state)
    url = reverse("vendors:api_vendor_detail", kwargs={"slug": entry.vendor.slug})
    data = json.loads(client.get(url).content)
    jsonschema.validate(data, load_schema())
    assert data["district"]["state"] == state
    for item in PRESETS[state]:
        assert in_json(item.key, data, entry), item.key


@pytest.mark.parametrize("state", STATES)
def test_a_fully_filled_entry_is_not_flagged(admin_client, entry, state):
    set_state(entry, state)
    assert missing_requirements(entry.vendor) == []
    assert entries_missing_required_fields() == []
    name = StatePreset(state).label
    assert f"All fields the {name} preset requires are filled." in admin_panel(
        admin_client, entry.vendor
    )
    output, code = run_report()
    assert code == 0, output


@pytest.mark.parametrize(("state", "key"), EVERY_REQUIREMENT)
def test_removing_a_required_field_flags_the_entry(admin_client, entry, state, key):
    set_state(entry, state)
    REMOVE[key](entry)
    missing = missing_requirements(entry.vendor)
    assert key in [item.key for item in missing]
    label = str(next(item.label for item in PRESETS[state] if item.key == key))

    panel = admin_panel(admin_client, entry.vendor)
    assert f"Missing for the {StatePreset(state).label} preset:" in panel
    assert label in html.unescape(panel)

    output, code = run_report()
    assert code == 1
    assert f"Reading Buddy: {label}" in output or f"; {label}" in output


def test_without_a_preset_nothing_is_flagged(admin_client, entry):
    REMOVE["business_address"](entry)
    assert entries_missing_required_fields() == []
    assert "No state preset is active" in admin_panel(admin_client, entry.vendor)
    output, code = run_report()
    assert code == 0
    assert "preset requires" not in output


def test_drafts_are_not_reported(entry):
    set_state(entry, StatePreset.ILLINOIS)
    draft = VendorFactory(name="Unfinished", status="draft")
    assert missing_requirements(draft)  # it would be missing plenty...
    assert entries_missing_required_fields() == []  # ...but it is not public yet


def test_the_title_list_counts_and_filters_missing_fields(admin_client, entry):
    set_state(entry, StatePreset.ILLINOIS)
    complete = entry.vendor
    incomplete = VendorFactory(name="Math Whiz", business_address="")
    SharingRecordFactory(vendor=incomplete, audience=entry.record.audience)
    url = reverse("admin:vendors_vendor_changelist")

    listed = admin_client.get(url, {"missing_state_fields": "yes"})
    names = [vendor.name for vendor in listed.context["cl"].result_list]
    assert names == [incomplete.name]
    row = listed.context["cl"].result_list[0]
    assert "business_address" in [item.key for item in row.missing_state_requirements]
    count = len(row.missing_state_requirements)
    assert f'<td class="field-missing_state_fields">{count}</td>' in listed.content.decode()
    assert "missing fields required by state law" in listed.content.decode()

    complete_list = admin_client.get(url, {"missing_state_fields": "no"})
    assert [vendor.name for vendor in complete_list.context["cl"].result_list] == [complete.name]


def test_a_vendor_with_no_subprocessors_says_so_and_meets_illinois(client, entry):
    set_state(entry, StatePreset.ILLINOIS)
    remove_subprocessors(entry)
    entry.vendor.has_no_subprocessors = True
    entry.vendor.save()
    assert missing_requirements(entry.vendor) == []
    page = client.get(entry.vendor.get_absolute_url()).content.decode()
    assert "Reading Buddy passes the district\u2019s data to no other company." in page


def test_utah_shows_each_element_definition_in_the_full_entry(client, entry):
    # The audience page lists each title compactly and links its full entry, the permalink.
    full_entry_url = entry.vendor.get_absolute_url()
    definition = entry.element.description
    assert definition not in client.get(full_entry_url).content.decode()
    set_state(entry, StatePreset.UTAH)
    assert definition in client.get(full_entry_url).content.decode()


def test_the_pages_a_preset_fills_are_valid_html(client, entry, java, tmp_path):
    set_state(entry, StatePreset.UTAH)
    entry.vendor.has_no_subprocessors = True
    entry.vendor.save()
    remove_subprocessors(entry)
    addresses = [
        reverse("vendors:home"),
        entry.vendor.get_absolute_url(),
        entry.record.audience.get_absolute_url(),
    ]
    documents = {address: client.get(address).content.decode() for address in addresses}
    assert validation_messages(java, documents, tmp_path) == {}


def test_the_staff_dashboard_lists_titles_missing_a_required_field(admin_client, entry):
    set_state(entry, StatePreset.ILLINOIS)
    dashboard = reverse("vendors_admin:dashboard")
    assert "Every published title has the fields the state preset requires." in (
        admin_client.get(dashboard).content.decode()
    )
    REMOVE["business_address"](entry)
    page = admin_client.get(dashboard).content.decode()
    assert "Published titles missing a field the Illinois preset requires (1)" in page
    change_url = reverse("admin:vendors_vendor_change", args=[entry.vendor.pk])
    assert f'<a href="{change_url}">Reading Buddy</a>' in page


def test_the_staff_dashboard_leaves_the_preset_list_out_without_a_state(admin_client, entry):
    page = admin_client.get(reverse("vendors_admin:dashboard")).content.decode()
    assert "preset requires" not in page
