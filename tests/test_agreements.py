"""Agreements over their life, the legal basis of each record, and subprocessors."""

import csv
import datetime
import io
import json
from http import HTTPStatus

import jsonschema
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import change_form_data
from tests.factories import (
    AgreementFactory,
    SharingRecordFactory,
    SubprocessorFactory,
)
from tests.helpers import validation_messages
from tests.seed_page import visible_text
from vendors.forms import SharingRecordForm
from vendors.models import (
    Agreement,
    AgreementStatus,
    EndReason,
    LegalBasis,
    PublicationStatus,
    Vendor,
)
from vendors.open_data import load_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Reading Buddy",
        vendor__slug="reading-buddy",
        audience=parent_audience,
        legal_basis=LegalBasis.FERPA_SCHOOL_OFFICIAL,
    )


@pytest.fixture
def vendor(record):
    return record.vendor


def permalink(client, vendor):
    response = client.get(vendor.get_absolute_url())
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def test_permalink_shows_the_agreement_status_as_a_badge(client, vendor):
    AgreementFactory(vendor=vendor, status=AgreementStatus.PENDING)
    assert "Agreement: Pending" in permalink(client, vendor)


def test_audience_page_shows_each_entry_badge(client, vendor, parent_audience):
    AgreementFactory(vendor=vendor, status=AgreementStatus.ACTIVE)
    page = client.get(parent_audience.get_absolute_url()).content.decode()
    assert "Agreement: Active" in page


def test_an_audience_own_agreement_overrides_the_general_one(
    vendor, record, parent_audience, student_audience
):
    AgreementFactory(vendor=vendor, status=AgreementStatus.ACTIVE)
    own = AgreementFactory(vendor=vendor, audience=parent_audience, status=AgreementStatus.PENDING)
    student_record = SharingRecordFactory(vendor=vendor, audience=student_audience)
    assert record.agreement == own
    assert student_record.agreement.audience is None


def test_permalink_shows_the_agreement_dates(client, vendor):
    AgreementFactory(
        vendor=vendor,
        signed_on=datetime.date(2026, 1, 15),
        expires_on=datetime.date(2029, 1, 31),
        next_review_due=datetime.date(2027, 8, 1),
    )
    page = permalink(client, vendor)
    assert "Jan. 15, 2026" in page
    assert "Jan. 31, 2029" in page
    assert "Aug. 1, 2027" in page


def test_permalink_names_the_district_point_of_contact(client, vendor):
    AgreementFactory(vendor=vendor, contact_name="Ms. Rivera", contact_email="rivera@d.example")
    page = permalink(client, vendor)
    assert "Ms. Rivera" in page
    assert 'href="mailto:rivera@d.example"' in page


def test_permalink_shows_the_vendor_business_address(client, vendor):
    vendor.business_address = "1 Main Street\nSpringfield, IL 62701"
    vendor.save()
    assert "1 Main Street<br>Springfield, IL 62701" in permalink(client, vendor)


def test_legal_basis_is_explained_in_plain_language(client, vendor):
    page = permalink(client, vendor)
    assert "FERPA school official" in page
    assert "without asking you first" in page


def test_directory_information_basis_mentions_the_parent_opt_out(client, record):
    record.legal_basis = LegalBasis.DIRECTORY_INFORMATION
    record.save()
    assert "unless you have opted out" in permalink(client, record.vendor)


def test_other_legal_basis_shows_the_staff_wording_escaped(client, record):
    record.legal_basis = LegalBasis.OTHER
    record.legal_basis_other = "State contract <b>law</b> 12.3"
    record.save()
    page = permalink(client, record.vendor)
    assert "State contract &lt;b&gt;law&lt;/b&gt; 12.3" in page


def test_an_unstated_legal_basis_is_said_plainly(client, record):
    record.legal_basis = ""
    record.save()
    assert "has not stated the legal basis" in permalink(client, record.vendor)


def form_data(record, **changes):
    return {
        "vendor": record.vendor.pk,
        "audience": record.audience.pk,
        "status": record.status,
        "elements": [element.pk for element in record.elements.all()],
        "usage_statement": record.usage_statement.pk,
        "destruction_term": record.destruction_term.pk,
        **changes,
    }


def test_other_legal_basis_without_wording_is_refused(record):
    form = SharingRecordForm(
        data=form_data(record, legal_basis=LegalBasis.OTHER, legal_basis_other=""),
        instance=record,
    )
    assert "legal_basis_other" in form.errors


def test_wording_without_the_other_basis_is_refused(record):
    form = SharingRecordForm(
        data=form_data(
            record, legal_basis=LegalBasis.PARENT_CONSENT, legal_basis_other="Some words"
        ),
        instance=record,
    )
    assert "legal_basis_other" in form.errors


def test_permalink_lists_subprocessors_with_purpose_and_location(client, vendor):
    SubprocessorFactory(vendor=vendor, name="Cloud Host", purpose="Hosting", location="Canada")
    page = permalink(client, vendor)
    assert "Cloud Host" in page
    assert "Hosting" in page
    assert "Canada" in page


def test_a_subprocessor_without_a_location_says_not_known(client, vendor):
    SubprocessorFactory(vendor=vendor, name="Mail Relay", location="")
    assert "Not known" in permalink(client, vendor)


def test_subprocessor_names_are_escaped(client, vendor):
    SubprocessorFactory(vendor=vendor, name="<script>alert(1)</script>")
    page = permalink(client, vendor)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_an_agreement_cannot_expire_before_it_takes_effect(vendor):
    agreement = AgreementFactory.build(
        vendor=vendor,
        effective_on=datetime.date(2026, 5, 1),
        expires_on=datetime.date(2026, 4, 1),
    )
    with pytest.raises(ValidationError, match="expire before"):
        agreement.full_clean()


def test_an_ended_agreement_needs_its_end_date(vendor):
    agreement = AgreementFactory.build(vendor=vendor, status=AgreementStatus.ENDED, ended_on=None)
    with pytest.raises(ValidationError, match="when sharing ended"):
        agreement.full_clean()


def destruction_section(page):
    return visible_text(page.split('id="destruction"')[1].split("</section>")[0])


def test_ended_agreement_says_destruction_was_asked_for_and_not_yet_certified(client, vendor):
    AgreementFactory(
        vendor=vendor,
        status=AgreementStatus.ENDED,
        ended_on=datetime.date(2024, 6, 30),
        destruction_requested_on=datetime.date(2024, 7, 2),
        end_reason=EndReason.VENDOR_CEASED,
    )
    page = permalink(client, vendor)
    days = (timezone.localdate() - datetime.date(2024, 6, 30)).days
    assert (
        "Sharing ended June 30, 2024. The district has asked for the data to be destroyed; the "
        f"vendor has not yet certified it ({days} days since sharing ended)."
    ) in destruction_section(page)
    assert "The vendor ceased operations" in page


def test_ended_agreement_without_a_request_says_none_is_recorded(client, vendor):
    AgreementFactory(
        vendor=vendor,
        status=AgreementStatus.ENDED,
        ended_on=timezone.localdate() - datetime.timedelta(days=45),
        destruction_requested_on=None,
    )
    assert (
        "The district has not recorded asking for the data to be destroyed, and the vendor has "
        "not certified that it was (45 days since sharing ended)."
    ) in destruction_section(permalink(client, vendor))


def test_a_current_title_says_sharing_has_not_ended(client, vendor):
    AgreementFactory(vendor=vendor)
    section = destruction_section(permalink(client, vendor))
    assert "The district still shares data with Reading Buddy." in section
    assert "certified it" not in section


def test_an_active_agreement_without_dates_claims_no_more_than_it_is_in_place(client, vendor):
    AgreementFactory(
        vendor=vendor, signed_on=None, effective_on=None, expires_on=None, status="active"
    )
    page = permalink(client, vendor)
    assert "Agreement in place; dates not published" in page
    assert "Agreement: Active" not in page
    assert "has not published when this agreement was signed" in page


def test_an_active_agreement_with_a_date_keeps_its_status(client, vendor):
    AgreementFactory(vendor=vendor, signed_on=None, effective_on=None)
    page = permalink(client, vendor)
    assert "Agreement: Active" in page
    assert "dates not published" not in page


def test_ended_agreement_shows_when_destruction_was_certified(client, vendor):
    AgreementFactory(
        vendor=vendor,
        status=AgreementStatus.ENDED,
        ended_on=datetime.date(2026, 3, 1),
        destruction_certified_on=datetime.date(2026, 3, 20),
    )
    page = permalink(client, vendor)
    assert (
        "Sharing ended March 1, 2026. The vendor certified in writing on March 20, 2026 that the "
        "data was destroyed."
    ) in destruction_section(page)
    assert "not yet certified" not in page


def test_saving_an_agreement_updates_the_title_last_updated(vendor):
    Vendor.objects.filter(pk=vendor.pk).update(updated_at=timezone.now() - datetime.timedelta(9))
    AgreementFactory(vendor=vendor)
    vendor.refresh_from_db()
    assert vendor.updated_at > timezone.now() - datetime.timedelta(minutes=1)


def test_agreement_changes_are_kept_in_history(vendor):
    agreement = AgreementFactory(vendor=vendor, status=AgreementStatus.PENDING)
    agreement.status = AgreementStatus.ACTIVE
    agreement.save()
    assert [h.status for h in agreement.history.order_by("history_date")] == [
        AgreementStatus.PENDING,
        AgreementStatus.ACTIVE,
    ]


def test_json_export_carries_agreement_subprocessors_and_legal_basis(client, vendor):
    AgreementFactory(vendor=vendor, signed_on=datetime.date(2026, 1, 15))
    SubprocessorFactory(vendor=vendor, name="Cloud Host")
    data = json.loads(client.get("/api/v1/vendors/reading-buddy.json").content)
    jsonschema.validate(data, load_schema())
    exported = data["vendor"]
    assert exported["agreements"][0]["status"] == "active"
    assert exported["agreements"][0]["signed_on"] == "2026-01-15"
    assert exported["subprocessors"][0]["name"] == "Cloud Host"
    assert exported["audiences"][0]["legal_basis"]["code"] == "ferpa_school_official"


def test_csv_export_carries_the_agreement_of_each_row(client, vendor):
    AgreementFactory(vendor=vendor, expires_on=datetime.date(2029, 1, 31))
    content = client.get("/export/clearinghouse.csv").getvalue().decode("utf-8-sig")
    (row,) = csv.DictReader(io.StringIO(content))
    assert row["agreement_status"] == "active"
    assert row["agreement_expires_on"] == "2029-01-31"
    assert row["legal_basis"] == "ferpa_school_official"


def test_the_database_refuses_two_general_agreements_for_one_title(vendor):
    from django.db import IntegrityError, transaction

    AgreementFactory(vendor=vendor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(vendor=vendor)


def test_editors_may_add_and_change_agreements_and_subprocessors(editor):
    for codename in (
        "add_agreement",
        "change_agreement",
        "add_subprocessor",
        "change_subprocessor",
    ):
        assert editor.has_perm(f"vendors.{codename}")
    assert not editor.has_perm("vendors.delete_agreement")


def test_publishers_may_delete_agreements(publisher):
    assert publisher.has_perm("vendors.delete_agreement")


@pytest.mark.parametrize("model", ["agreement", "subprocessor"])
def test_admin_changelist_and_add_form_open(admin_client, vendor, model):
    AgreementFactory(vendor=vendor)
    SubprocessorFactory(vendor=vendor)
    for view in ("changelist", "add"):
        response = admin_client.get(reverse(f"admin:vendors_{model}_{view}"))
        assert response.status_code == HTTPStatus.OK


def test_demo_titles_are_active_with_no_invented_dates(demo_content):
    agreements = Agreement.objects.all()
    assert agreements.count() == 4
    assert {agreement.status for agreement in agreements} == {AgreementStatus.ACTIVE}
    assert not agreements.exclude(signed_on=None).exists()
    assert not agreements.exclude(expires_on=None).exists()


def test_a_fully_filled_agreement_page_is_valid_html(client, vendor, java, tmp_path):
    vendor.business_address = "1 Main Street\nSpringfield"
    vendor.save()
    AgreementFactory(
        vendor=vendor,
        status=AgreementStatus.ENDED,
        ended_on=datetime.date(2026, 3, 1),
        end_reason=EndReason.EXPIRED,
        destruction_requested_on=datetime.date(2026, 3, 2),
    )
    SubprocessorFactory(vendor=vendor)
    SubprocessorFactory(vendor=vendor, location="")
    documents = {"permalink": permalink(client, vendor)}
    assert validation_messages(java, documents, tmp_path) == {}


@pytest.fixture
def former(vendor):
    vendor.status = PublicationStatus.RETIRED
    vendor.save()
    AgreementFactory(
        vendor=vendor,
        status=AgreementStatus.ENDED,
        ended_on=timezone.localdate() - datetime.timedelta(days=40),
        end_reason=EndReason.TERMINATED,
    )
    return vendor


def test_a_former_vendor_leaves_the_current_lists(client, former, parent_audience):
    current = client.get(reverse("vendors:vendor_list")).content.decode()
    current_section = current.split('id="former-vendors"')[0]
    assert "Reading Buddy" not in current_section
    audience_page = client.get(parent_audience.get_absolute_url()).content.decode()
    # Its audience still lists it, under "Former vendors" (tests/test_former_vendors.py).
    assert "Reading Buddy" not in audience_page.split('id="former-heading"')[0]


def test_the_former_vendors_section_lists_it_with_its_destruction_status(client, former):
    page = client.get(reverse("vendors:vendor_list")).content.decode()
    former_section = page.split('id="former-vendors"')[1]
    assert "Reading Buddy" in former_section
    assert "the vendor has not certified that it was (40 days since sharing ended)." in (
        visible_text(former_section)
    )
    assert visible_text(former_section).count("Sharing ended") == 1


def test_a_former_vendor_permalink_stays_public_and_says_so(client, former):
    page = permalink(client, former)
    banner = visible_text(page.split("former-banner")[1].split("</div>")[0])
    assert "Former vendor." in banner
    assert "the vendor has not certified that it was (40 days since sharing ended)." in banner


def test_a_former_vendor_permalink_still_shows_what_was_shared(client, former, record):
    element = record.elements.get()
    assert element.name in permalink(client, former)


def test_without_former_vendors_the_section_is_absent(client, vendor):
    assert 'id="former-vendors"' not in client.get(reverse("vendors:vendor_list")).content.decode()


def test_admin_warns_when_every_agreement_ended_but_the_title_is_current(admin_client, vendor):
    agreement = AgreementFactory(
        vendor=vendor, status=AgreementStatus.ENDED, ended_on=datetime.date(2026, 3, 1)
    )
    url = reverse("admin:vendors_vendor_change", args=[vendor.pk])
    data = change_form_data(admin_client.get(url))
    response = admin_client.post(url, data, follow=True)
    assert agreement.pk
    assert "A publisher should retire it" in response.content.decode()


def test_former_vendor_pages_are_valid_html(client, former, java, tmp_path):
    documents = {
        "list": client.get(reverse("vendors:vendor_list")).content.decode(),
        "permalink": permalink(client, former),
    }
    assert validation_messages(java, documents, tmp_path) == {}
