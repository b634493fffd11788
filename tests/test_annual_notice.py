"""The annual notice: the printable page in three languages, built from the records, and
the email `send_digests` sends once a year on the district's date."""

import datetime
import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import (
    AgreementFactory,
    DataElementFactory,
    SharingRecordFactory,
    SubscriptionFactory,
    VendorFactory,
)
from tests.helpers import run_command
from vendors.digests import send_annual_notices
from vendors.models import (
    AgreementStatus,
    LegalBasis,
    PublicationStatus,
    StatePreset,
    Subscription,
    Vendor,
)

pytestmark = pytest.mark.django_db

AUGUST_1 = datetime.date(2027, 8, 1)


@pytest.fixture
def notice_district(district):
    district.parent_rights = "You may review your child's records."
    district.complaint_process = "Write to the privacy office within 30 days."
    district.annual_notice_month, district.annual_notice_day = 8, 1
    district.save()
    return district


@pytest.fixture
def titles(notice_district, parent_audience, student_audience):
    email = DataElementFactory(name="Parent Email")
    SharingRecordFactory(
        vendor__name="Clever",
        vendor__slug="clever",
        audience=parent_audience,
        elements=[email],
        legal_basis=LegalBasis.FERPA_SCHOOL_OFFICIAL,
    )
    SharingRecordFactory(
        vendor__name="Draft App", vendor__status=PublicationStatus.DRAFT, audience=parent_audience
    )
    for name, certified in (("Gone Pending", None), ("Gone Destroyed", datetime.date(2026, 3, 1))):
        vendor = VendorFactory(name=name, status=PublicationStatus.RETIRED)
        SharingRecordFactory(vendor=vendor, audience=student_audience)
        AgreementFactory(
            vendor=vendor,
            status=AgreementStatus.ENDED,
            ended_on=datetime.date(2026, 1, 31),
            destruction_certified_on=certified,
        )


@pytest.mark.parametrize(
    ("path", "language"),
    [("/annual-notice/", "en"), ("/es/annual-notice/", "es"), ("/ht/annual-notice/", "ht")],
)
def test_the_notice_is_there_in_each_language(client, titles, path, language):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_notice_names_every_current_title_with_what_it_receives_and_why(client, titles):
    page = client.get("/annual-notice/").content.decode()
    assert '<h3 class="entry__name"><a href="/vendors/clever/">Clever</a></h3>' in page
    assert "Parent Email" in page
    assert "FERPA school official." in page
    assert "Used only to run the service for the school." in page
    assert "Draft App" not in page


def test_the_notice_lists_former_vendors_whose_data_is_not_yet_destroyed(client, titles):
    page = client.get("/annual-notice/").content.decode()
    former = page.split('id="notice-former"')[1]
    assert "Gone Pending" in former
    assert "Gone Destroyed" not in page


def test_the_notice_carries_the_districts_statement_rights_complaints_and_contact(client, titles):
    page = client.get("/annual-notice/").content.decode()
    assert "We tell parents which companies receive their family" in page
    assert "You may review your child" in page
    assert "Write to the privacy office within 30 days." in page
    assert 'href="mailto:privacy@district.example"' in page


def test_the_notice_prints_without_the_sites_navigation(client, titles):
    page = client.get("/annual-notice/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in page
    # The print button waits for print.js, as on a title's page.
    assert '<p class="print-page" hidden>' in page
    assert '<script src="/static/js/print.js" defer></script>' in page


def test_the_notice_is_a_public_page_the_cache_keeps(client, titles):
    first = client.get("/annual-notice/")
    assert "public" in first["Cache-Control"]
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/annual-notice/").status_code == HTTPStatus.OK
    assert len(queries) == 0


def test_the_notice_costs_the_same_queries_for_3_and_30_titles(
    client, notice_district, parent_audience
):
    def count(titles):
        for number in range(Vendor.objects.count(), titles):
            SharingRecordFactory(vendor__name=f"Title {number}", audience=parent_audience)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/annual-notice/").status_code == HTTPStatus.OK
        return len(queries)

    assert count(3) == count(30)


def test_the_footer_links_the_form_and_the_notice(client, notice_district):
    page = client.get("/").content.decode()
    assert '<a href="/subscribe/">Get an email when something changes</a>' in page
    assert '<a href="/annual-notice/">' in page


# The yearly email


def test_on_its_date_every_subscriber_gets_the_notice_in_their_language(titles, mail_server):
    SubscriptionFactory(email="en@example.org")
    SubscriptionFactory(email="es@example.org", language="es")
    outcome = send_annual_notices(today=AUGUST_1)
    assert outcome.annual_notices == 2
    spanish = mail_server.to("es@example.org")[0]
    assert spanish["Content-Language"] == "es"
    assert spanish["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<http://127\.0\.0\.1:8000/es/unsubscribe/[\w-]+/>", spanish["List-Unsubscribe"]
    )
    body = mail_server.text(mail_server.to("en@example.org")[0])
    assert "http://127.0.0.1:8000/annual-notice/" in body
    assert "* Clever" in body
    assert "Parent Email" in body
    assert "Gone Pending" in body
    assert "Write to the privacy office within 30 days." in body


def test_a_second_run_that_day_sends_nothing(titles, mail_server):
    SubscriptionFactory()
    send_annual_notices(today=AUGUST_1)
    assert send_annual_notices(today=AUGUST_1).annual_notices == 0
    assert len(mail_server.messages) == 1


def test_the_next_year_it_goes_again(titles, mail_server):
    SubscriptionFactory()
    send_annual_notices(today=AUGUST_1)
    send_annual_notices(today=AUGUST_1.replace(year=2028))
    assert len(mail_server.messages) == 2


@pytest.mark.parametrize("today", [datetime.date(2027, 7, 31), datetime.date(2027, 8, 8)])
def test_outside_its_week_nothing_is_sent(titles, mail_server, today):
    SubscriptionFactory()
    assert send_annual_notices(today=today).annual_notices == 0
    assert mail_server.messages == []


def test_a_run_missed_on_the_day_sends_it_within_the_week(titles, mail_server):
    SubscriptionFactory()
    assert send_annual_notices(today=datetime.date(2027, 8, 3)).annual_notices == 1


def test_a_district_without_a_date_sends_no_notice(titles, notice_district, mail_server):
    notice_district.annual_notice_month = notice_district.annual_notice_day = None
    notice_district.save()
    SubscriptionFactory()
    assert send_annual_notices(today=AUGUST_1).annual_notices == 0


def test_a_server_failing_half_way_sends_the_rest_on_the_next_run_and_no_one_twice(
    titles, mail_server
):
    for _ in range(4):
        SubscriptionFactory()
    mail_server.fail_after = 1
    outcome = send_annual_notices(today=AUGUST_1)
    assert (outcome.annual_notices, outcome.failure is not None) == (1, True)
    mail_server.fail_after = None
    assert send_annual_notices(today=AUGUST_1).annual_notices == 3
    recipients = [message["To"] for message in mail_server.messages]
    assert sorted(recipients) == sorted(Subscription.objects.values_list("email", flat=True))


def test_the_command_sends_the_notice_on_its_date_and_the_digest_after(
    titles, notice_district, mail_server
):
    today = timezone.localdate()
    notice_district.annual_notice_month, notice_district.annual_notice_day = today.month, today.day
    notice_district.save()
    SubscriptionFactory()
    status, out, _err = run_command("send_digests")
    assert status == 0
    assert "Annual notices sent: 1." in out
    assert run_command("send_digests")[1].startswith("Annual notices sent: 0.")


# The district's date


@pytest.mark.parametrize(("month", "day"), [(8, None), (None, 1), (2, 30), (4, 31)])
def test_a_date_that_is_half_or_impossible_is_refused(notice_district, month, day):
    notice_district.annual_notice_month, notice_district.annual_notice_day = month, day
    with pytest.raises(ValidationError):
        notice_district.full_clean()


def test_29_february_goes_on_the_28th_in_other_years(notice_district):
    notice_district.annual_notice_month, notice_district.annual_notice_day = 2, 29
    notice_district.full_clean()
    assert notice_district.annual_notice_date(2027) == datetime.date(2027, 2, 28)
    assert notice_district.annual_notice_date(2028) == datetime.date(2028, 2, 29)


def test_the_admin_suggests_1_august_to_an_ohio_district(admin_client, notice_district):
    notice_district.state = StatePreset.OHIO
    notice_district.annual_notice_month = notice_district.annual_notice_day = None
    notice_district.save()
    page = admin_client.get(f"/admin/vendors/districtprofile/{notice_district.pk}/change/")
    assert "(R.C. 3319.326) dates the annual notice" in page.content.decode()
    assert "month to 8 and the day to 1" in page.content.decode()
