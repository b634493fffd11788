"""Vendors' answers: AI and accessibility on a title, the invitation a vendor answers without
an account, the proposal staff review field by field, and editors' changes held for a
publisher. Nothing a vendor sends is public until staff accept it and a publisher publishes."""

import csv
import datetime
import html
import io
import json
import re
from http import HTTPStatus

import jsonschema
import pytest
import tablib
from django.core import signing
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import change_form_data, post_action
from tests.factories import (
    DataElementFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    SubprocessorFactory,
    VendorFactory,
    vendor_invitation,
)
from vendors.models import (
    AIAnswer,
    DataElement,
    FieldDecision,
    Proposal,
    ProposalSource,
    ProposalStatus,
    PublicationStatus,
    Vendor,
    VendorInvitation,
)
from vendors.models.responses import LINK_SALT
from vendors.open_data import load_schema
from vendors.resources import VendorResource

pytestmark = pytest.mark.django_db

# As measured (the same with 1 or 40 catalog elements, 1 or 5 subprocessors): the district
# profile, the session and the messages are among them.
VENDOR_FORM_QUERIES = 12
REVIEW_PAGE_QUERIES = 16


def csv_rows(response):
    text = response.getvalue().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def stated(district, parent_audience):
    """A published title whose vendor has answered the AI questions and links its VPAT."""
    record = SharingRecordFactory(
        vendor__name="Reading Buddy",
        vendor__slug="reading-buddy",
        vendor__generative_ai=AIAnswer.YES,
        vendor__trains_models=AIAnswer.NO,
        vendor__accessibility_report_url="https://reading-buddy.example/vpat.pdf",
        audience=parent_audience,
    )
    return record.vendor


# AI and accessibility, on the title


def test_the_permalink_says_what_the_vendor_stated_about_ai_and_its_vpat(client, stated):
    page = client.get(stated.get_absolute_url()).content.decode()
    assert 'id="ai-accessibility"' in page
    assert 'class="vendor-ai__generative">Yes<' in page
    assert 'class="vendor-ai__training">No<' in page
    assert 'href="https://reading-buddy.example/vpat.pdf"' in page


def test_a_title_whose_vendor_said_nothing_reads_not_stated_rather_than_no(
    client, district, parent_audience
):
    record = SharingRecordFactory(vendor__slug="quiet", audience=parent_audience)
    page = client.get(record.vendor.get_absolute_url()).content.decode()
    assert 'class="vendor-ai__generative">Not stated<' in page
    assert "has not told the district either way" in page


def test_the_open_data_json_carries_the_ai_answers_and_the_vpat(client, stated):
    data = client.get("/api/v1/vendors/reading-buddy.json").json()
    jsonschema.validate(data, load_schema())
    assert data["vendor"]["generative_ai"] == "yes"
    assert data["vendor"]["trains_models"] == "no"
    assert data["vendor"]["accessibility_report_url"] == "https://reading-buddy.example/vpat.pdf"
    listing = json.loads(client.get("/api/v1/vendors.json").getvalue())
    jsonschema.validate(listing, load_schema())


def test_the_csv_appends_the_ai_and_vpat_columns(client, stated):
    response = client.get("/export/clearinghouse.csv")
    [row] = csv_rows(response)
    assert list(row)[-3:] == ["generative_ai", "trains_models", "accessibility_report_url"]
    assert (row["generative_ai"], row["trains_models"]) == ("yes", "no")
    assert row["accessibility_report_url"] == "https://reading-buddy.example/vpat.pdf"


def test_the_spreadsheet_round_trips_the_ai_answers(district, parent_audience, stated):
    exported = VendorResource().export(Vendor.objects.all())
    assert exported.dict[0]["generative_ai"] == "yes"
    data = tablib.Dataset().load(exported.csv, format="csv")
    rows = [list(row) for row in data]
    rows[0][data.headers.index("trains_models")] = "yes"
    result = VendorResource().import_data(tablib.Dataset(*rows, headers=data.headers))
    assert not result.has_errors() and not result.has_validation_errors()
    stated.refresh_from_db()
    assert stated.trains_models == AIAnswer.YES


def test_an_unknown_ai_answer_in_a_spreadsheet_is_refused(district, stated):
    data = tablib.Dataset().load(VendorResource().export(Vendor.objects.all()).csv, format="csv")
    rows = [list(row) for row in data]
    rows[0][data.headers.index("generative_ai")] = "maybe"
    result = VendorResource().import_data(tablib.Dataset(*rows, headers=data.headers), dry_run=True)
    assert result.has_validation_errors()
    stated.refresh_from_db()
    assert stated.generative_ai == AIAnswer.YES


def test_staff_edit_the_ai_answers_on_the_titles_page(admin_client, stated):
    page = admin_client.get(reverse("admin:vendors_vendor_change", args=[stated.pk]))
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    for name in ("generative_ai", "trains_models", "accessibility_report_url"):
        assert f'name="{name}"' in text


def test_a_vpat_link_must_be_a_web_address(district):
    vendor = VendorFactory.build(accessibility_report_url="javascript:alert(1)")
    with pytest.raises(ValidationError) as error:
        vendor.full_clean()
    assert "accessibility_report_url" in error.value.message_dict


# The invitation


def answers(vendor, action="submit", **changes):
    """The form as the vendor would send it: the title's values, attested, with `changes`."""
    data = {
        "company": vendor.company,
        "business_address": vendor.business_address,
        "privacy_policy_url": vendor.privacy_policy_url,
        "terms_url": vendor.terms_url,
        "website_url": vendor.website_url,
        "accessibility_report_url": vendor.accessibility_report_url,
        "subprocessors": "\n".join(f"{s.name} | {s.purpose}" for s in vendor.subprocessors.all()),
        "attestation_name": "Ada Vendor",
        "attestation_title": "Privacy officer",
        "attestation_date": "2026-12-01",
        "attest": "on",
        "action": action,
    }
    for record in vendor.sharing_records.all():
        data[f"elements_{record.audience.slug}"] = [e.slug for e in record.elements.all()]
        data[f"purpose_{record.audience.slug}"] = record.usage_statement.text
    return {**data, **changes}


def form_url(token, language=""):
    prefix = f"/{language}" if language else ""
    return f"{prefix}/vendor-response/{token}/"


@pytest.fixture
def title(district, parent_audience):
    """A published title with one published record, as the vendor will find it."""
    record = SharingRecordFactory(
        vendor__name="Reading Buddy",
        vendor__slug="reading-buddy",
        vendor__company="Buddy Inc.",
        audience=parent_audience,
        elements=[DataElementFactory(name="Parent Email", slug="parent-email")],
        usage_statement__text="Used to send reading reports.",
    )
    DataElementFactory(
        name="Parent Phone", slug="parent-phone", category=record.elements.get().category
    )
    return record.vendor


def test_staff_invite_the_vendor_by_email_in_its_language(
    admin_client, mail_server, title, settings
):
    settings.SITE_URL = "https://privacy.district.example"
    change_page = admin_client.get(reverse("admin:vendors_vendor_change", args=[title.pk]))
    invite_url = reverse("admin:vendors_vendor_invite", args=[title.pk])
    assert invite_url in change_page.content.decode()

    response = admin_client.post(invite_url, {"email": "privacy@buddy.example", "language": "es"})

    assert response.status_code == HTTPStatus.FOUND
    invitation = VendorInvitation.objects.get()
    assert (invitation.vendor, invitation.language) == (title, "es")
    assert invitation.expires_at - timezone.now() > datetime.timedelta(days=29, hours=23)
    [message] = mail_server.messages
    assert message["To"] == "privacy@buddy.example"
    assert message["Content-Language"] == "es"
    body = mail_server.text(message)
    [link] = re.findall(r"https://privacy\.district\.example/es/vendor-response/[^/\s]+/", body)
    # The mailed link opens the form, in Spanish.
    token = link.split("/")[-2]
    assert VendorInvitation.from_token(token) == invitation
    assert "Reading Buddy" in body


def test_the_invitation_is_listed_on_the_invite_page(admin_client, title):
    vendor_invitation(title, email="someone@buddy.example")
    page = admin_client.get(reverse("admin:vendors_vendor_invite", args=[title.pk]))
    assert "someone@buddy.example" in page.content.decode()


def test_the_link_lasts_as_many_days_as_the_setting_says(title, settings):
    settings.VENDOR_LINK_DAYS = 7
    invitation, _token = vendor_invitation(title)
    assert invitation.expires_at - timezone.now() < datetime.timedelta(days=7, minutes=1)


def test_the_link_opens_the_form_prefilled_and_uncached(client, title):
    _invitation, token = vendor_invitation(title)
    response = client.get(form_url(token))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert 'value="Buddy Inc."' in page
    assert 'value="parent-email" id="id_elements_parent-data-parent-email" checked' in page
    assert "Used to send reading reports." in page
    assert "no-store" in response["Cache-Control"]
    # A second visit renders again rather than serving the first from the page cache.
    assert client.get(form_url(token)).content.decode().count("csrfmiddlewaretoken") == 1


@pytest.mark.parametrize(
    "token",
    ["abc", "a:b:c", "%00", signing.dumps("text", salt=LINK_SALT), signing.dumps([1, "x"])],
)
def test_a_malformed_token_gets_a_clear_404_naming_no_title(client, title, token):
    vendor_invitation(title)
    response = client.get(form_url(token))
    assert response.status_code == HTTPStatus.NOT_FOUND
    page = response.content.decode()
    assert "This link does not open a form" in page
    assert "Reading Buddy" not in page


def test_a_forged_token_gets_a_404(client, title):
    invitation, token = vendor_invitation(title)
    # A validly signed id with a made-up secret: only the stored hash's own secret opens it.
    forged = signing.dumps([invitation.pk, "guessed"], salt=LINK_SALT)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (forged, tampered):
        response = client.get(form_url(bad))
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "Reading Buddy" not in response.content.decode()


def test_an_expired_link_is_gone(client, title):
    _invitation, token = vendor_invitation(
        title, expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(form_url(token))
    assert response.status_code == HTTPStatus.GONE
    assert "This link has expired." in response.content.decode()
    assert client.post(form_url(token), {"action": "submit"}).status_code == HTTPStatus.GONE


def test_a_revoked_link_is_gone(admin_client, client, title):
    invitation, token = vendor_invitation(title)
    post_action(admin_client, "revoke", [invitation])
    response = client.get(form_url(token))
    assert response.status_code == HTTPStatus.GONE
    assert "withdrawn" in response.content.decode()


def test_a_link_is_bound_to_its_title(client, title, parent_audience):
    other = SharingRecordFactory(vendor__name="Other App", audience=parent_audience).vendor
    _first, token = vendor_invitation(title)
    second, other_token = vendor_invitation(other)
    # The other invitation's id with this link's secret opens nothing.
    _pk, secret = signing.loads(token, salt=LINK_SALT)
    crossed = signing.dumps([second.pk, secret], salt=LINK_SALT)
    assert client.get(form_url(crossed)).status_code == HTTPStatus.NOT_FOUND
    assert "Other App" in client.get(form_url(other_token)).content.decode()
    client.post(form_url(token), answers(title, company="Buddy Holdings"))
    assert Proposal.objects.get().vendor == title


# What the vendor fills in


def test_a_draft_is_kept_and_shown_again_without_being_proposed(client, title):
    invitation, token = vendor_invitation(title)
    response = client.post(
        form_url(token), answers(title, action="draft", company="", website_url="not a url")
    )
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(form_url(token)).content.decode()
    assert "Draft saved" in page
    assert 'value="not a url"' in page
    assert 'name="company" maxlength="200" class="usa-input" id="id_company">' in page
    assert not Proposal.objects.exists()
    invitation.refresh_from_db()
    assert invitation.draft_saved_at and not invitation.submitted_at


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"website_url": "javascript:alert(1)"}, "website_url", "Enter a valid URL."),
        (
            {"accessibility_report_url": "ftp://x.example/v"},
            "accessibility_report_url",
            "valid URL",
        ),
        ({"elements_parent-data": []}, "elements_parent-data", "at least one data element"),
        ({"subprocessors": "Only a name"}, "subprocessors", "Line 1"),
        ({"attestation_name": ""}, "attestation_name", "The attestation needs this."),
        ({"attest": ""}, "attest", "Confirm the answers"),
        ({"generative_ai": "maybe"}, "generative_ai", "Select a valid choice"),
    ],
)
def test_a_submission_is_held_to_the_admins_rules(client, title, changes, field, message):
    invitation, token = vendor_invitation(title)
    response = client.post(form_url(token), answers(title, **changes))
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert message in response.context["form"].errors[field][0]
    assert "Some answers need attention" in response.content.decode()
    assert not Proposal.objects.exists()
    invitation.refresh_from_db()
    assert invitation.submitted_at is None


def test_new_data_for_an_audience_needs_its_purpose(client, title, student_audience):
    _invitation, token = vendor_invitation(title)
    response = client.post(
        form_url(token), answers(title, **{"elements_student-data": ["parent-phone"]})
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "purpose_student-data" in response.context["form"].errors


def test_a_submission_proposes_only_what_differs_and_closes_the_link(client, title):
    SubprocessorFactory(vendor=title, name="Cloud Host", purpose="Hosting")
    invitation, token = vendor_invitation(title, email="ada@buddy.example")
    response = client.post(
        form_url(token),
        answers(
            title,
            company="Buddy Holdings",
            generative_ai="yes",
            trains_models="no",
            accessibility_report_url="https://buddy.example/vpat",
            subprocessors="Cloud Host | Hosting | Ireland\nMail Co | Sends reports",
            destruction="Deleted 30 days after the contract ends.",
            **{
                "elements_parent-data": ["parent-email", "parent-phone"],
                "other_parent-data": "IP address",
            },
        ),
    )
    assert response.status_code == HTTPStatus.FOUND
    proposal = Proposal.objects.get()
    assert (proposal.source, proposal.invitation) == (ProposalSource.VENDOR, invitation)
    assert proposal.changes == {
        "title.company": "Buddy Holdings",
        "title.generative_ai": "yes",
        "title.trains_models": "no",
        "title.accessibility_report_url": "https://buddy.example/vpat",
        "subprocessors": [
            {"name": "Cloud Host", "purpose": "Hosting", "location": "Ireland"},
            {"name": "Mail Co", "purpose": "Sends reports", "location": ""},
        ],
        "destruction": "Deleted 30 days after the contract ends.",
        "record.parent-data.elements": ["parent-email", "parent-phone"],
    }
    assert proposal.notes["other_elements"] == {"parent-data": "IP address"}
    assert proposal.notes["attestation"]["name"] == "Ada Vendor"
    page = client.get(form_url(token))
    assert page.status_code == HTTPStatus.OK
    assert "Thank you" in page.content.decode()
    assert client.post(form_url(token), answers(title)).status_code == HTTPStatus.OK
    assert Proposal.objects.count() == 1


def test_the_form_is_rate_limited(client, title, settings):
    settings.PUBLIC_FORM_RATE_PER_ADDRESS = "2/h"
    _invitation, token = vendor_invitation(title)
    for _try in range(2):
        client.post(form_url(token), answers(title, action="draft"))
    response = client.post(form_url(token), answers(title, action="draft"))
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many tries" in response.content.decode()


def test_the_form_works_in_spanish(client, title):
    _invitation, token = vendor_invitation(title, language="es")
    response = client.get(form_url(token, "es"))
    assert response.status_code == HTTPStatus.OK
    assert '<html lang="es">' in response.content.decode()


def test_the_vendor_form_costs_a_fixed_number_of_queries(
    client, title, student_audience, django_assert_max_num_queries
):
    for number in range(20):
        DataElementFactory(name=f"Extra {number}")
    _invitation, token = vendor_invitation(title)
    with django_assert_max_num_queries(VENDOR_FORM_QUERIES):
        assert client.get(form_url(token)).status_code == HTTPStatus.OK


def submitted(client, vendor, email="ada@buddy.example", **changes):
    _invitation, token = vendor_invitation(vendor, email=email)
    response = client.post(form_url(token), answers(vendor, **changes))
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    return Proposal.objects.get(invitation__email=email)


# The review


def review(client, proposal, decisions):
    return client.post(reverse("admin:vendors_proposal_review", args=[proposal.pk]), decisions)


def test_staff_see_each_change_beside_the_current_value(publisher_client, client, title):
    proposal = submitted(client, title, company="Buddy Holdings", generative_ai="yes")
    page = publisher_client.get(reverse("admin:vendors_proposal_review", args=[proposal.pk]))
    assert page.status_code == HTTPStatus.OK
    text = page.content.decode()
    row = re.search(r"<th scope=\"row\">Company</th>(.*?)</tr>", text, re.S).group(1)
    assert row.index("Buddy Inc.") < row.index("Buddy Holdings")
    assert 'name="title.company" value="accepted"' in text
    assert 'name="title.company" value="rejected"' in text
    assert "Attested by Ada Vendor, Privacy officer" in text


def test_accepted_changes_are_written_with_the_vendors_name_in_the_history(
    publisher_client, client, title
):
    proposal = submitted(
        client,
        title,
        company="Buddy Holdings",
        generative_ai="yes",
        **{"elements_parent-data": ["parent-email", "parent-phone"]},
    )
    response = review(
        publisher_client,
        proposal,
        {
            "title.company": "accepted",
            "title.generative_ai": "rejected",
            "record.parent-data.elements": "accepted",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    title.refresh_from_db()
    assert title.company == "Buddy Holdings"
    assert title.generative_ai == AIAnswer.NOT_STATED
    record = title.sharing_records.get()
    assert sorted(e.slug for e in record.elements.all()) == ["parent-email", "parent-phone"]
    reason = "From the vendor's response (ada@buddy.example)"
    assert title.history.first().history_change_reason == reason
    assert record.history.first().history_change_reason == reason
    history = publisher_client.get(reverse("admin:vendors_vendor_history", args=[title.pk]))
    assert html.escape(reason) in history.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REVIEWED
    assert proposal.decisions["title.generative_ai"] == FieldDecision.REJECTED
    assert proposal.reviewed_by.username == "publisher"


def test_undecided_changes_wait_for_a_later_review(publisher_client, client, title):
    proposal = submitted(client, title, company="Buddy Holdings", generative_ai="yes")
    review(publisher_client, proposal, {"title.company": "accepted"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING
    page = publisher_client.get(reverse("admin:vendors_proposal_review", args=[proposal.pk]))
    text = page.content.decode()
    assert 'name="title.generative_ai"' in text and 'name="title.company"' not in text


def test_a_new_audience_record_from_the_vendor_is_a_draft(
    publisher_client, client, title, student_audience
):
    proposal = submitted(
        client,
        title,
        **{"elements_student-data": ["parent-phone"], "purpose_student-data": "Reading levels."},
    )
    review(
        publisher_client,
        proposal,
        {"record.student-data.elements": "accepted", "record.student-data.purpose": "accepted"},
    )
    record = title.sharing_records.get(audience=student_audience)
    assert record.status == PublicationStatus.DRAFT
    assert record.usage_statement.text == "Reading levels."
    # The shared statement other titles use is untouched.
    assert title.sharing_records.get(audience__slug="parent-data").usage_statement.text == (
        "Used to send reading reports."
    )


def test_accepted_subprocessors_replace_the_list(publisher_client, client, title):
    SubprocessorFactory(vendor=title, name="Old Host", purpose="Hosting")
    proposal = submitted(client, title, subprocessors="New Host | Hosting | Canada")
    review(publisher_client, proposal, {"subprocessors": "accepted"})
    assert list(title.subprocessors.values_list("name", "location")) == [("New Host", "Canada")]


def test_an_editor_may_not_accept_changes_into_a_public_title(editor_client, client, title):
    proposal = submitted(client, title, company="Buddy Holdings")
    page = editor_client.get(reverse("admin:vendors_proposal_review", args=[proposal.pk]))
    assert "only a publisher may review it" in page.content.decode()
    assert 'name="title.company"' not in page.content.decode()
    response = review(editor_client, proposal, {"title.company": "accepted"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    title.refresh_from_db()
    assert title.company == "Buddy Inc."


def test_an_editor_accepts_changes_into_a_draft_title(editor_client, client, title):
    Vendor.objects.filter(pk=title.pk).update(status=PublicationStatus.DRAFT)
    proposal = submitted(client, title, company="Buddy Holdings")
    response = review(editor_client, proposal, {"title.company": "accepted"})
    assert response.status_code == HTTPStatus.FOUND
    title.refresh_from_db()
    assert title.company == "Buddy Holdings"


def test_applying_is_all_or_nothing(publisher_client, client, title, monkeypatch):
    proposal = submitted(
        client, title, company="Buddy Holdings", subprocessors="Mail Co | Sends reports"
    )

    def broken(self, wanted):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("vendors.proposals.Writer.write_subprocessors", broken)
    with pytest.raises(RuntimeError):
        review(
            publisher_client, proposal, {"title.company": "accepted", "subprocessors": "accepted"}
        )
    title.refresh_from_db()
    assert title.company == "Buddy Inc."
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING and not proposal.decisions


def test_the_review_page_costs_a_fixed_number_of_queries(
    publisher_client, client, title, django_assert_max_num_queries
):
    SubprocessorFactory.create_batch(5, vendor=title)
    proposal = submitted(
        client,
        title,
        company="Buddy Holdings",
        subprocessors="Mail Co | Sends reports",
        destruction="Deleted after a year.",
        **{"elements_parent-data": ["parent-email", "parent-phone"]},
    )
    with django_assert_max_num_queries(REVIEW_PAGE_QUERIES):
        page = publisher_client.get(reverse("admin:vendors_proposal_review", args=[proposal.pk]))
    assert page.status_code == HTTPStatus.OK


# Nothing goes public by itself


def public_state(client, vendor):
    """Everything a visitor can read about a title: its page, its open data, the change log."""
    return {
        "page": client.get(vendor.get_absolute_url()).content.decode(),
        "json": client.get(f"/api/v1/vendors/{vendor.slug}.json").json()["vendor"],
        "csv": csv_rows(client.get("/export/clearinghouse.csv")),
        "changes": client.get("/changes/").content.decode(),
    }


def without_dates(state):
    page = re.sub(r"Last updated [^<]*", "", state["page"])
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return {**state, "page": page}


def test_a_vendors_response_changes_nothing_public_until_a_publisher_accepts_and_publishes(
    editor_client, publisher, title, parent_audience
):
    client = Client()  # a visitor: editor_client is signed in
    draft = SharingRecordFactory(
        vendor__name="Draft Buddy",
        vendor__slug="draft-buddy",
        vendor__status=PublicationStatus.DRAFT,
        audience=parent_audience,
    ).vendor
    before = without_dates(public_state(client, title))
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

    # Submitted, for a draft title and for the public one: nothing a visitor reads moves.
    proposal = submitted(client, draft, company="Buddy Holdings", generative_ai="yes")
    public_proposal = submitted(client, title, email="b@buddy.example", company="Buddy Holdings")
    assert without_dates(public_state(client, title)) == before
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND

    # Accepted into the draft by an editor: still nothing public. The public title's change
    # is not an editor's to accept.
    review(
        editor_client, proposal, {"title.company": "accepted", "title.generative_ai": "accepted"}
    )
    response = review(editor_client, public_proposal, {"title.company": "accepted"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert client.get(draft.get_absolute_url()).status_code == HTTPStatus.NOT_FOUND
    assert without_dates(public_state(client, title)) == before
    assert "Buddy Holdings" not in json.dumps(before)

    # A publisher publishes as today: now it is public, with the vendor's values.
    editor_client.force_login(publisher)
    post_action(editor_client, "publish", [draft])
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "A product of Buddy Holdings" in page
    assert 'class="vendor-ai__generative">Yes<' in page
    data = client.get("/api/v1/vendors/draft-buddy.json").json()["vendor"]
    assert (data["company"], data["generative_ai"]) == ("Buddy Holdings", "yes")
    assert "Draft Buddy" in client.get("/changes/").content.decode()


# Editors' changes held for a publisher


def edit_title(client, vendor, **changes):
    url = reverse("admin:vendors_vendor_change", args=[vendor.pk])
    data = {**change_form_data(client.get(url)), **changes}
    return client.post(url, data, follow=True)


def test_without_the_setting_an_editors_change_goes_live_at_once(editor_client, title):
    edit_title(editor_client, title, company="Edited Inc.")
    title.refresh_from_db()
    assert title.company == "Edited Inc."
    assert not Proposal.objects.exists()


def test_with_the_setting_an_editors_change_to_a_public_title_is_held(
    editor_client, title, settings
):
    settings.HOLD_EDITOR_CHANGES = True
    response = edit_title(editor_client, title, company="Edited Inc.", description_es="Hola.")
    assert "held for a publisher" in response.content.decode()
    title.refresh_from_db()
    assert title.company == "Buddy Inc."
    assert Client().get(title.get_absolute_url()).content.decode().count("Edited Inc.") == 0
    proposal = Proposal.objects.get()
    assert (proposal.source, proposal.proposed_by.username) == (ProposalSource.EDITOR, "editor")
    assert proposal.changes == {"title.company": "Edited Inc.", "title.description_es": "Hola."}


def test_a_held_change_goes_live_once_a_publisher_accepts_it(
    editor_client, publisher, title, settings
):
    settings.HOLD_EDITOR_CHANGES = True
    edit_title(editor_client, title, company="Edited Inc.")
    proposal = Proposal.objects.get()
    editor_client.force_login(publisher)
    review(editor_client, proposal, {"title.company": "accepted"})
    title.refresh_from_db()
    assert title.company == "Edited Inc."
    assert "editor" in title.history.first().history_change_reason
    assert "A product of Edited Inc." in Client().get(title.get_absolute_url()).content.decode()


def test_a_held_title_save_holds_its_records_changes_too(editor_client, publisher, title, settings):
    settings.HOLD_EDITOR_CHANGES = True
    record = title.sharing_records.get()
    edit_title(editor_client, title, **{"sharing_records-0-elements_intro_en": "New lead-in."})
    record.refresh_from_db()
    assert record.elements_intro == ""
    proposal = Proposal.objects.get()
    key = f"part.sharingrecord.{record.pk}.elements_intro_en"
    assert proposal.changes == {key: "New lead-in."}
    editor_client.force_login(publisher)
    review(editor_client, proposal, {key: "accepted"})
    record.refresh_from_db()
    assert record.elements_intro == "New lead-in."
    assert "editor" in record.history.first().history_change_reason


def test_a_held_save_leaves_other_inline_rows_unsaved_and_says_so(editor_client, title, settings):
    settings.HOLD_EDITOR_CHANGES = True
    subprocessor = SubprocessorFactory(vendor=title, name="Cloud Host")
    response = edit_title(editor_client, title, **{"subprocessors-0-name": "Renamed Host"})
    assert "were not saved" in response.content.decode()
    subprocessor.refresh_from_db()
    assert subprocessor.name == "Cloud Host"


def edit_part(client, admin_name, obj, **changes):
    url = reverse(f"admin:vendors_{admin_name}_change", args=[obj.pk])
    data = {**change_form_data(client.get(url)), **changes}
    return client.post(url, data, follow=True)


def test_an_editors_change_to_a_published_record_on_its_own_page_is_held(
    editor_client, publisher, title, settings
):
    settings.HOLD_EDITOR_CHANGES = True
    record = title.sharing_records.get()
    phone = DataElement.objects.get(slug="parent-phone")
    elements = [*record.elements.values_list("pk", flat=True), phone.pk]
    response = edit_part(editor_client, "sharingrecord", record, elements=elements)
    assert "held for a publisher" in response.content.decode()
    assert record.elements.count() == 1
    proposal = Proposal.objects.get()
    page = editor_client.get(reverse("admin:vendors_proposal_review", args=[proposal.pk]))
    assert "Parent Phone" in page.content.decode()
    editor_client.force_login(publisher)
    review(editor_client, proposal, {f"part.sharingrecord.{record.pk}.elements": "accepted"})
    assert sorted(record.elements.values_list("slug", flat=True)) == [
        "parent-email",
        "parent-phone",
    ]


def test_an_editors_change_to_a_published_incident_is_held(editor_client, title, settings):
    settings.HOLD_EDITOR_CHANGES = True
    incident = SecurityIncidentFactory(vendor=title)
    edit_part(editor_client, "securityincident", incident, students_affected=5)
    incident.refresh_from_db()
    assert incident.students_affected == 1200
    assert Proposal.objects.get().changes == {
        f"part.securityincident.{incident.pk}.students_affected": 5
    }


@pytest.mark.parametrize("who", ["publisher", "draft"])
def test_publishers_and_drafts_are_not_held(editor_client, publisher, title, settings, who):
    settings.HOLD_EDITOR_CHANGES = True
    if who == "publisher":
        editor_client.force_login(publisher)
    else:
        Vendor.objects.filter(pk=title.pk).update(status=PublicationStatus.DRAFT)
    edit_title(editor_client, title, company="Edited Inc.")
    title.refresh_from_db()
    assert title.company == "Edited Inc."
    assert not Proposal.objects.exists()
