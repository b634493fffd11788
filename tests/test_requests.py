"""A teacher's request for the review of a tool: the form and its duplicate check, the
district-address confirmation, the rate limit, the staff's queue, and the mail each
requester gets, read back from a real SMTP server."""

import re
from http import HTTPStatus

import pytest
from django.core import signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    DataElementFactory,
    DistrictProfileFactory,
    ReviewRequestFactory,
    SharingRecordFactory,
    VendorFactory,
)
from tests.helpers import validation_messages
from vendors.keeping_current import action_sections
from vendors.models import (
    Decision,
    DistrictProfile,
    PublicationStatus,
    RequestStatus,
    ReviewRequest,
    Vendor,
)
from vendors.requests import TOKEN_SALT, confirmation_token

pytestmark = pytest.mark.django_db

FORM = "/request/"
LINK = re.compile(r"http://testserver(/(?:\w\w/)?request/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def district_domains(settings, district):
    settings.DISTRICT_EMAIL_DOMAINS = ["district.example"]
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def element():
    return DataElementFactory(name="Student Name")


def answers(element=None, **changes):
    data = {
        "tool_name": "Fraction Forest",
        "website": "https://fractionforest.example/",
        "intended_use": "Two 4th-grade classes, for fractions practice during math block.",
        "grade_bands": ["grades_3_5"],
        "requester_email": "teacher@district.example",
        "step": "send",
    }
    if element is not None:
        data["data_elements"] = [element.pk]
    else:
        data["data_elements_unknown"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def confirmation_link(mail_server, address):
    [message] = mail_server.to(address)
    return LINK.search(mail_server.text(message)).group(1)


def send_and_confirm(client, mail_server, **changes):
    client.post(FORM, answers(**changes))
    address = changes.get("requester_email", "teacher@district.example")
    link = confirmation_link(mail_server, address)
    return client.post(link)


# The form ------------------------------------------------------------------------------------


def test_the_form_asks_about_the_tool_and_offers_the_catalog(client, element):
    response = client.get(FORM)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    for label in ("Name of the tool", "Its website", "How and with whom will it be used?"):
        assert label in page
    assert "K\u20132" in page and "9\u201312" in page
    assert "Student Name" in page
    assert "I don&#x27;t know which data it will need" in page
    assert 'name="csrfmiddlewaretoken"' in page


@pytest.mark.parametrize("address", ["/request/", "/request/sent/", "/request/thanks/"])
def test_request_pages_are_never_kept_by_the_page_cache(client, address):
    first = client.get(address)
    assert first.status_code == HTTPStatus.OK
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert "ETag" not in first


def test_the_form_is_in_spanish_and_haitian_creole_at_their_prefixes(client):
    assert client.get("/es/request/").status_code == HTTPStatus.OK
    assert client.get("/ht/request/").status_code == HTTPStatus.OK


def test_the_check_step_lists_titles_already_decided_with_their_decision_and_link(client):
    approved = VendorFactory(name="Fraction Forest", decision=Decision.APPROVED)
    VendorFactory(name="Fraction Forest Junior")  # no decision yet: not listed
    response = client.post(FORM, answers(step="check"))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Already decided or under review" in page
    assert f'<a href="{approved.get_absolute_url()}">Fraction Forest</a>: <strong>Approved' in page
    assert "Fraction Forest Junior" not in page
    assert "Send my request" in page
    assert not ReviewRequest.objects.exists()


def test_the_check_step_matches_by_website_too(client):
    VendorFactory(
        name="FF Learning", website_url="https://www.fractionforest.example/", decision="approved"
    )
    page = client.post(FORM, answers(step="check", tool_name="Forest of Fractions")).content
    assert b"FF Learning" in page


def test_a_draft_under_review_is_mentioned_without_its_name_or_link(client):
    draft = VendorFactory(
        name="Fraction Forest Deluxe",
        status=PublicationStatus.DRAFT,
        decision=Decision.UNDER_REVIEW,
    )
    page = client.post(FORM, answers(step="check")).content.decode()
    assert "The district is already reviewing a tool with this name or website" in page
    assert "Deluxe" not in page and draft.get_absolute_url() not in page


def test_a_request_already_in_the_queue_is_mentioned_without_its_requester(client):
    ReviewRequestFactory(tool_name="Fraction forest", requester_email="first@district.example")
    page = client.post(FORM, answers(step="check")).content.decode()
    assert "The district is already reviewing a tool with this name or website" in page
    assert "first@district.example" not in page


def test_the_check_step_says_so_when_nothing_matches(client):
    page = client.post(FORM, answers(step="check")).content.decode()
    assert "No title with that name or website has been decided or is under review." in page


def test_missing_answers_are_marked_and_nothing_is_written(client, mail_server):
    response = client.post(FORM, answers(grade_bands=None, data_elements_unknown=None))
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Choose at least one grade band." in page
    assert "Choose the student data it will need, or tick" in page
    assert not ReviewRequest.objects.exists() and not mail_server.messages


def test_a_malformed_post_gets_the_form_back_not_an_error(client):
    nonsense = {"grade_bands": "nonsense", "data_elements": "x", "website": "ftp:"}
    response = client.post(FORM, nonsense)
    assert response.status_code == HTTPStatus.OK
    assert b"Please correct the answers marked below." in response.content


# Who may ask ----------------------------------------------------------------------------------


def test_an_address_outside_the_district_gets_a_field_error_and_no_mail(client, mail_server):
    response = client.post(FORM, answers(requester_email="someone@gmail.example"))
    assert response.status_code == HTTPStatus.OK
    assert "Use your district email address (one ending in @district.example)." in (
        response.content.decode()
    )
    assert not mail_server.messages
    assert not ReviewRequest.objects.exists()


def test_every_district_address_gets_the_same_inbox_page(client, mail_server):
    ReviewRequestFactory(requester_email="asked-before@district.example")
    pages = []
    for address in ("asked-before@district.example", "never-asked@district.example"):
        response = client.post(FORM, answers(requester_email=address), follow=True)
        assert response.redirect_chain == [("/request/sent/", HTTPStatus.FOUND)]
        pages.append(response.content)
    assert pages[0] == pages[1]
    assert b"Check your inbox" in pages[0]
    assert len(mail_server.to("asked-before@district.example")) == 1
    assert len(mail_server.to("never-asked@district.example")) == 1


def test_a_request_joins_the_queue_only_once_its_link_is_confirmed(client, mail_server, element):
    client.post(FORM, answers(element=element))
    pending = ReviewRequest.objects.get()
    assert pending.confirmed_at is None
    assert not ReviewRequest.objects.confirmed().exists()

    [message] = mail_server.to("teacher@district.example")
    assert message["Subject"] == "Confirm your request for a review of Fraction Forest"
    link = confirmation_link(mail_server, "teacher@district.example")
    # A mail scanner that follows the link confirms nothing.
    page = client.get(link)
    assert page.status_code == HTTPStatus.OK
    assert b"Send my request" in page.content
    assert not ReviewRequest.objects.confirmed().exists()

    response = client.post(link, follow=True)
    assert response.redirect_chain == [("/request/thanks/", HTTPStatus.FOUND)]
    assert b"Thank you: your request is in" in response.content
    confirmed = ReviewRequest.objects.confirmed().get()
    assert confirmed.grade_bands == ["3\u20135"]
    assert list(confirmed.data_elements.all()) == [element]


def test_the_mail_and_its_link_are_in_the_language_of_the_page(client, mail_server):
    client.post("/ht/request/", answers())
    [message] = mail_server.messages
    assert message["Content-Language"] == "ht"
    assert confirmation_link(mail_server, "teacher@district.example").startswith(
        "/ht/request/confirm/"
    )
    assert ReviewRequest.objects.get().language == "ht"


def test_a_used_link_cannot_confirm_again(client, mail_server):
    assert send_and_confirm(client, mail_server).status_code == HTTPStatus.FOUND
    link = confirmation_link(mail_server, "teacher@district.example")
    again = client.post(link)
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert b"This link cannot be used" in again.content
    assert client.get(link).status_code == HTTPStatus.BAD_REQUEST


def test_an_expired_link_is_refused(client, mail_server, settings):
    client.post(FORM, answers())
    link = confirmation_link(mail_server, "teacher@district.example")
    settings.REVIEW_REQUEST_LINK_HOURS = 0
    response = client.post(link)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not ReviewRequest.objects.confirmed().exists()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"id": 1, "to": "teacher@district.example"}, salt="another-salt"),
        signing.dumps({"id": "x"}, salt=TOKEN_SALT),
        signing.dumps([1, 2], salt=TOKEN_SALT),
    ],
)
def test_a_forged_or_malformed_link_gets_a_clear_page(client, mail_server, token):
    client.post(FORM, answers())
    response = client.post(f"/request/confirm/{token}/")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert b"This link cannot be used" in response.content
    assert not ReviewRequest.objects.confirmed().exists()


def test_a_link_cut_short_is_refused(client, mail_server):
    client.post(FORM, answers())
    link = confirmation_link(mail_server, "teacher@district.example")
    assert client.post(link[:-8] + "/").status_code == HTTPStatus.BAD_REQUEST


def test_a_token_for_one_address_does_not_confirm_another_request(client):
    pending = ReviewRequestFactory(confirmed_at=None, requester_email="a@district.example")
    forged = signing.dumps({"id": pending.pk, "to": "b@district.example"}, salt=TOKEN_SALT)
    assert client.post(f"/request/confirm/{forged}/").status_code == HTTPStatus.BAD_REQUEST
    assert client.post(f"/request/confirm/{confirmation_token(pending)}/").status_code == 302


def test_the_form_is_rate_limited_per_address_without_saying_who_asked(
    client, mail_server, settings
):
    settings.PUBLIC_FORM_RATE_PER_ADDRESS = "2/h"
    for _ in range(2):
        assert client.post(FORM, answers()).status_code == HTTPStatus.FOUND
    limited = client.post(FORM, answers())
    assert limited.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert b"sent too many times" in limited.content
    assert b"teacher@district.example" not in limited.content
    assert len(mail_server.messages) == 2
    # Another address from another client is not held up.
    other = Client(REMOTE_ADDR="10.0.0.9").post(
        FORM, answers(requester_email="other@district.example")
    )
    assert other.status_code == HTTPStatus.FOUND


def test_the_form_is_rate_limited_per_client(client, mail_server, settings):
    settings.PUBLIC_FORM_RATE_PER_CLIENT = "2/h"
    for number in range(2):
        client.post(FORM, answers(requester_email=f"t{number}@district.example"))
    limited = client.post(FORM, answers(requester_email="t9@district.example"))
    assert limited.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_signed_in_staff_member_is_queued_at_once_under_their_address(
    client, django_user_model, mail_server
):
    staff = django_user_model.objects.create_user(
        "ms-lee", email="Lee@District.example", password="x" * 16, is_staff=True
    )
    client.force_login(staff)
    page = client.get(FORM).content.decode()
    assert "You are signed in" in page and 'name="requester_email"' not in page
    response = client.post(FORM, answers(requester_email=None), follow=True)
    assert response.redirect_chain == [("/request/thanks/", HTTPStatus.FOUND)]
    queued = ReviewRequest.objects.confirmed().get()
    assert queued.requester_email == "lee@district.example"
    assert not mail_server.messages


def test_a_signed_in_user_who_is_not_staff_still_confirms_by_mail(
    client, django_user_model, mail_server
):
    user = django_user_model.objects.create_user("p", email="p@district.example", password="x" * 16)
    client.force_login(user)
    client.post(FORM, answers())
    assert not ReviewRequest.objects.confirmed().exists()
    assert len(mail_server.messages) == 1


def test_a_mail_server_that_is_down_gets_a_clear_page_and_keeps_nothing(client, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    response = client.post(FORM, answers())
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert b"We could not send the email" in response.content
    assert not ReviewRequest.objects.exists()


def test_a_request_does_not_retire_the_cached_pages(client, mail_server):
    from pagecache import version

    before = version.current()
    send_and_confirm(client, mail_server)
    assert version.current() == before


# The queue -----------------------------------------------------------------------------------


def test_the_queue_lists_confirmed_requests_new_first_and_oldest_first(admin_client):
    now = timezone.now()
    older_new = ReviewRequestFactory(tool_name="Older new")
    ReviewRequest.objects.filter(pk=older_new.pk).update(created_at=now - timezone.timedelta(10))
    ReviewRequestFactory(tool_name="Newer new")
    ReviewRequestFactory(tool_name="Being reviewed", status=RequestStatus.IN_REVIEW)
    ReviewRequestFactory(tool_name="Unconfirmed", confirmed_at=None)
    response = admin_client.get(reverse("admin:vendors_reviewrequest_changelist"))
    page = response.content.decode()
    rows = page[page.index('id="result_list"') :]
    positions = [rows.index(name) for name in ("Older new", "Newer new", "Being reviewed")]
    assert positions == sorted(positions)
    assert "Unconfirmed" not in page
    # The status filter counts each status.
    assert re.search(r"New\s*\(2\)", page)
    filtered = admin_client.get(
        reverse("admin:vendors_reviewrequest_changelist") + "?status__exact=in_review"
    ).content.decode()
    assert "Being reviewed" in filtered and "Older new" not in filtered


def test_the_change_page_shows_the_request_and_links_its_title(admin_client):
    title = VendorFactory(name="Fraction Forest")
    request = ReviewRequestFactory(title=title, grades_k_2=True, status=RequestStatus.IN_REVIEW)
    page = admin_client.get(
        reverse("admin:vendors_reviewrequest_change", args=[request.pk])
    ).content.decode()
    assert "K\u20132, 3\u20135" in page
    assert reverse("admin:vendors_vendor_change", args=[title.pk]) in page


def test_a_request_cannot_be_decided_before_its_title_has_a_decision(admin_client):
    request = ReviewRequestFactory()
    response = admin_client.post(
        reverse("admin:vendors_reviewrequest_change", args=[request.pk]),
        {
            "status": RequestStatus.DECIDED,
            "tool_name": request.tool_name,
            "website": request.website,
            "intended_use": request.intended_use,
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert b"A request is decided when the title it became" in response.content
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


def run_action(admin_client, action, requests):
    return admin_client.post(
        reverse("admin:vendors_reviewrequest_changelist"),
        {"action": action, "_selected_action": [r.pk for r in requests]},
        follow=True,
    )


def test_creating_a_draft_title_links_it_back_under_review(admin_client):
    first = ReviewRequestFactory(tool_name="Fraction Forest", website="https://ff.example/")
    duplicate = ReviewRequestFactory(tool_name="fraction forest")
    duplicate.duplicate_of = first
    duplicate.status = RequestStatus.DECLINED_DUPLICATE
    duplicate.save()
    response = run_action(admin_client, "create_draft_titles", [first])
    assert b"Created 1 draft title, under review: Fraction Forest." in response.content
    title = Vendor.objects.get(name="Fraction Forest")
    assert title.status == PublicationStatus.DRAFT
    assert title.decision == Decision.UNDER_REVIEW
    assert title.website_url == "https://ff.example/"
    first.refresh_from_db()
    duplicate.refresh_from_db()
    assert first.title == title and first.status == RequestStatus.IN_REVIEW
    assert duplicate.title == title


def test_creating_draft_titles_for_several_requests_is_all_or_nothing(admin_client, monkeypatch):
    requests = [ReviewRequestFactory(tool_name=f"Tool {n}") for n in range(3)]
    import vendors.requests

    original = vendors.requests.unique_slug

    def fail_on_third(name):
        if name == "Tool 2":
            raise RuntimeError("database refused")
        return original(name)

    monkeypatch.setattr(vendors.requests, "unique_slug", fail_on_third)
    admin_client.raise_request_exception = False
    run_action(admin_client, "create_draft_titles", requests)
    assert not Vendor.objects.exists()
    assert not ReviewRequest.objects.filter(title__isnull=False).exists()


def test_marking_duplicates_folds_them_into_the_first_and_tells_their_requesters(
    admin_client, mail_server, django_capture_on_commit_callbacks
):
    title = VendorFactory(name="Fraction Forest", decision=Decision.UNDER_REVIEW)
    SharingRecordFactory(vendor=title)  # public: the mail links to it
    first = ReviewRequestFactory(title=title, status=RequestStatus.IN_REVIEW)
    later = ReviewRequestFactory(requester_email="later@district.example", language="es")
    ReviewRequest.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=3)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "mark_as_duplicates", [later, first])
    assert "Folded 1 request into" in response.content.decode()
    later.refresh_from_db()
    assert later.duplicate_of == first
    assert later.status == RequestStatus.DECLINED_DUPLICATE
    assert later.title == title
    [message] = mail_server.to("later@district.example")
    assert message["Content-Language"] == "es"
    body = mail_server.text(message)
    assert "Fraction Forest" in body and "En revisión" in body
    assert f"http://testserver{title.get_absolute_url()}" in body
    assert later.__class__.objects.get(pk=later.pk).notified_at is not None


def test_a_duplicate_of_a_duplicate_folds_into_the_first(admin_client):
    first, second, third = (ReviewRequestFactory() for _ in range(3))
    from vendors.requests import fold_into

    fold_into(second, first)
    second.refresh_from_db()
    fold_into(third, second)
    third.refresh_from_db()
    assert third.duplicate_of == first


def test_marking_a_single_request_as_duplicate_asks_for_the_first_too(admin_client):
    request = ReviewRequestFactory()
    response = run_action(admin_client, "mark_as_duplicates", [request])
    assert b"Select the first request and its duplicates together." in response.content
    request.refresh_from_db()
    assert request.status == RequestStatus.NEW


# Decisions -----------------------------------------------------------------------------------


def test_a_decision_on_the_title_decides_its_requests_and_mails_each_requester(
    mail_server, django_capture_on_commit_callbacks
):
    title = VendorFactory(name="Fraction Forest", decision=Decision.UNDER_REVIEW)
    first = ReviewRequestFactory(title=title, status=RequestStatus.WAITING_ON_VENDOR)
    folded = ReviewRequestFactory(
        title=title,
        duplicate_of=first,
        status=RequestStatus.DECLINED_DUPLICATE,
        notified_at=timezone.now(),
        decision_notified=Decision.UNDER_REVIEW,
        requester_email="folded@district.example",
        language="es",
    )
    title = Vendor.objects.get(pk=title.pk)
    with django_capture_on_commit_callbacks(execute=True):
        title.decision = Decision.APPROVED_WITH_CONDITIONS
        title.save()
    first.refresh_from_db()
    assert first.status == RequestStatus.DECIDED
    assert first.decision_notified == Decision.APPROVED_WITH_CONDITIONS
    [message] = mail_server.to(first.requester_email)
    assert message["Subject"] == f"The district's decision on {first.tool_name}"
    body = mail_server.text(message)
    assert "The district's decision on Fraction Forest: Approved with conditions." in body
    assert f"http://testserver{title.get_absolute_url()}" in body
    [spanish] = mail_server.to(folded.requester_email)
    assert spanish["Content-Language"] == "es"


def test_a_decision_on_a_draft_title_gives_no_link(mail_server, django_capture_on_commit_callbacks):
    title = VendorFactory(status=PublicationStatus.DRAFT, decision=Decision.UNDER_REVIEW)
    request = ReviewRequestFactory(title=title, status=RequestStatus.IN_REVIEW)
    title = Vendor.objects.get(pk=title.pk)
    with django_capture_on_commit_callbacks(execute=True):
        title.decision = Decision.NOT_APPROVED
        title.save()
    body = mail_server.text(mail_server.to(request.requester_email)[0])
    assert "Not approved" in body
    assert title.get_absolute_url() not in body


def test_a_changed_decision_is_told_again_and_an_unchanged_one_is_not(
    mail_server, django_capture_on_commit_callbacks
):
    title = VendorFactory(decision=Decision.UNDER_REVIEW)
    request = ReviewRequestFactory(title=title, status=RequestStatus.IN_REVIEW)
    for decision in (Decision.APPROVED, Decision.APPROVED, Decision.CONSENT_REQUIRED):
        title = Vendor.objects.get(pk=title.pk)
        with django_capture_on_commit_callbacks(execute=True):
            title.decision = decision
            title.save()
    bodies = [mail_server.text(m) for m in mail_server.to(request.requester_email)]
    assert len(bodies) == 2
    assert "Approved." in bodies[0] and "Parental consent required" in bodies[1]


def test_notify_decisions_sends_each_notice_once_after_the_server_fails_half_way(
    mail_server, settings
):
    title = VendorFactory(decision=Decision.APPROVED)
    requests = [ReviewRequestFactory(title=title, status=RequestStatus.DECIDED) for _ in range(3)]
    accepted = []

    async def refuse_the_second(server, session, envelope):
        if len(accepted) == 1:
            return "554 Transaction failed"
        accepted.append(envelope.rcpt_tos[0])
        return await type(mail_server).handle_DATA(mail_server, server, session, envelope)

    mail_server.handle_DATA = refuse_the_second
    with pytest.raises(SystemExit) as failed:
        call_command("notify_decisions")
    assert failed.value.code == 1
    told = ReviewRequest.objects.filter(decision_notified=Decision.APPROVED)
    assert list(told.values_list("pk", flat=True)) == [requests[0].pk]

    del mail_server.handle_DATA
    call_command("notify_decisions")
    call_command("notify_decisions")
    received = [m["To"] for m in mail_server.messages]
    assert sorted(received) == sorted(r.requester_email for r in requests)


def test_notify_decisions_forgets_expired_unconfirmed_requests(settings, mail_server):
    stale = ReviewRequestFactory(confirmed_at=None)
    ReviewRequest.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=settings.REVIEW_REQUEST_LINK_HOURS + 1)
    )
    fresh = ReviewRequestFactory(confirmed_at=None)
    call_command("notify_decisions")
    assert list(ReviewRequest.objects.values_list("pk", flat=True)) == [fresh.pk]


# Under review in public ----------------------------------------------------------------------


@pytest.fixture
def under_review_title():
    return VendorFactory(
        name="Fraction Forest", slug="fraction-forest", decision=Decision.UNDER_REVIEW
    )


def test_a_title_under_review_without_records_stays_off_the_public_pages_by_default(
    client, under_review_title
):
    assert client.get("/vendors/fraction-forest/").status_code == HTTPStatus.NOT_FOUND
    assert b"Fraction Forest" not in client.get("/vendors/").content
    assert not Vendor.objects.public().exists()


def test_the_district_can_show_titles_under_review(client, under_review_title):
    DistrictProfile.objects.filter(pk=1).update(show_titles_under_review=True)
    page = client.get("/vendors/fraction-forest/")
    assert page.status_code == HTTPStatus.OK
    assert b"Under review" in page.content
    assert b"The district is reviewing this tool. Until it decides" in page.content
    assert b"shares no data with Fraction Forest while it reviews it" in page.content
    assert b"still shares data" not in page.content
    listing = client.get("/vendors/").content.decode()
    entry = listing[listing.index('<li id="fraction-forest">') :].split("</li>", 1)[0]
    assert "District decision: Under review" in entry


def test_a_draft_under_review_stays_private_whatever_the_setting(client, under_review_title):
    DistrictProfile.objects.filter(pk=1).update(show_titles_under_review=True)
    Vendor.objects.filter(pk=under_review_title.pk).update(status=PublicationStatus.DRAFT)
    assert client.get("/vendors/fraction-forest/").status_code == HTTPStatus.NOT_FOUND


def test_a_title_under_review_with_a_published_record_is_public_and_marked(
    client, under_review_title
):
    SharingRecordFactory(vendor=under_review_title)
    page = client.get("/vendors/fraction-forest/")
    assert page.status_code == HTTPStatus.OK
    assert b"Under review" in page.content


def test_the_district_profile_offers_the_setting_off_by_default(admin_client):
    DistrictProfileFactory()
    assert DistrictProfile.load().show_titles_under_review is False
    page = admin_client.get(reverse("admin:vendors_districtprofile_change", args=[1]))
    assert b"show_titles_under_review" in page.content


# The dashboard and the report ----------------------------------------------------------------


def test_open_requests_are_listed_with_their_days_waiting():
    waiting = ReviewRequestFactory(tool_name="Fraction Forest", status=RequestStatus.IN_REVIEW)
    ReviewRequest.objects.filter(pk=waiting.pk).update(
        created_at=timezone.now() - timezone.timedelta(days=12)
    )
    ReviewRequestFactory(status=RequestStatus.DECIDED, title=VendorFactory(decision="approved"))
    ReviewRequestFactory(confirmed_at=None)
    [section] = [s for s in action_sections() if s.key == "open_requests"]
    [row] = section.rows
    assert row.obj.pk == waiting.pk and row.measure == 12
    assert section.describe(row) == "In review, waiting 12 days"


def test_the_dashboard_shows_open_requests(admin_client):
    ReviewRequestFactory(tool_name="Fraction Forest")
    page = admin_client.get(reverse("vendors_admin:dashboard")).content.decode()
    assert "Open review requests" in page and "Fraction Forest" in page


# Query counts --------------------------------------------------------------------------------


def test_the_form_costs_the_same_few_queries_however_large_the_catalog(
    client, django_assert_max_num_queries
):
    for _ in range(3):
        DataElementFactory()
    client.get(FORM)  # the catalog is read once per content version
    with django_assert_max_num_queries(4):
        assert client.get(FORM).status_code == HTTPStatus.OK
    for _ in range(20):
        DataElementFactory()
    with django_assert_max_num_queries(5):
        assert client.get(FORM).status_code == HTTPStatus.OK


def test_the_check_step_costs_a_fixed_number_of_queries(
    client, element, django_assert_max_num_queries
):
    for number in range(12):
        VendorFactory(name=f"Fraction Forest {number}", decision=Decision.APPROVED)
    client.get(FORM)
    with django_assert_max_num_queries(7):
        client.post(FORM, answers(element=element, step="check"))


def test_the_confirm_page_costs_a_fixed_number_of_queries(
    client, mail_server, django_assert_max_num_queries
):
    client.post(FORM, answers())
    link = confirmation_link(mail_server, "teacher@district.example")
    with django_assert_max_num_queries(4):
        client.get(link)
    with django_assert_max_num_queries(4):
        client.post(link)


# Valid HTML and who may work the queue ---------------------------------------------------------


def test_the_pages_a_form_posts_to_are_valid_html(client, mail_server, element, java, tmp_path):
    VendorFactory(name="Fraction Forest", decision=Decision.APPROVED)
    documents = {
        "check": client.post(FORM, answers(step="check")).content.decode(),
        "errors": client.post(FORM, answers(tool_name="", grade_bands=None)).content.decode(),
    }
    client.post(FORM, answers(element=element))
    link = confirmation_link(mail_server, "teacher@district.example")
    documents["confirm"] = client.get(link).content.decode()
    documents["unusable"] = client.get("/request/confirm/not-a-token/").content.decode()
    assert validation_messages(java, documents, tmp_path) == {}


def test_an_editor_works_the_queue_but_may_not_delete(editor_client):
    request = ReviewRequestFactory(tool_name="Fraction Forest")
    listing = editor_client.get(reverse("admin:vendors_reviewrequest_changelist"))
    assert listing.status_code == HTTPStatus.OK
    assert b"Fraction Forest" in listing.content
    response = run_action(editor_client, "create_draft_titles", [request])
    assert b"Created 1 draft title" in response.content
    delete = editor_client.get(reverse("admin:vendors_reviewrequest_delete", args=[request.pk]))
    assert delete.status_code == HTTPStatus.FORBIDDEN


def test_the_queue_costs_the_same_for_3_requests_as_for_30(admin_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            admin_client.get(reverse("admin:vendors_reviewrequest_changelist"))
        return len(captured)

    title = VendorFactory()
    for _ in range(3):
        ReviewRequestFactory(title=title, status=RequestStatus.IN_REVIEW)
    admin_client.get(reverse("admin:vendors_reviewrequest_changelist"))
    with_3 = queries()
    for _ in range(27):
        ReviewRequestFactory(title=VendorFactory(), status=RequestStatus.IN_REVIEW)
    assert queries() == with_3 <= 16
