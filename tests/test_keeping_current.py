"""The lists staff act on: the report command, the admin filter and the public flag."""

import datetime
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.commands import run_report
from tests.factories import AgreementFactory, SharingRecordFactory
from vendors.models import AgreementStatus

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n):
    return datetime.timedelta(days=n)


@pytest.fixture
def vendor(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Quiz Maker", vendor__slug="quiz-maker", audience=parent_audience
    ).vendor


@pytest.fixture
def current_agreement(vendor):
    return AgreementFactory(
        vendor=vendor,
        expires_on=TODAY + days(400),
        last_reviewed_on=TODAY - days(10),
        next_review_due=TODAY + days(300),
    )


def test_report_exits_zero_when_nothing_needs_action(current_agreement):
    output, code = run_report()
    assert code == 0
    assert "Nothing needs action." in output


def test_report_lists_an_agreement_expiring_within_90_days(current_agreement):
    current_agreement.expires_on = TODAY + days(30)
    current_agreement.save()
    output, code = run_report()
    assert code == 1
    assert "Expiring within 90 days: 1" in output
    assert "Quiz Maker" in output


def test_report_lists_an_overdue_review(current_agreement):
    current_agreement.next_review_due = TODAY - days(1)
    current_agreement.save()
    output, code = run_report()
    assert code == 1
    assert "Review overdue: 1" in output


def test_report_lists_an_ended_agreement_without_certificate_after_30_days(vendor):
    AgreementFactory(vendor=vendor, status=AgreementStatus.ENDED, ended_on=TODAY - days(31))
    output, code = run_report()
    assert code == 1
    assert "Ended, no destruction certificate after 30 days: 1" in output
    assert "31 days ago" in output


def test_report_ignores_an_ended_agreement_still_within_its_grace_period(vendor):
    AgreementFactory(
        vendor=vendor,
        status=AgreementStatus.ENDED,
        ended_on=TODAY - days(10),
        expires_on=None,
        last_reviewed_on=None,
        next_review_due=None,
    )
    assert run_report()[1] == 0


def test_admin_filter_lists_only_agreements_needing_review(admin_client, current_agreement):
    stale = AgreementFactory(next_review_due=TODAY - days(5))
    response = admin_client.get(
        reverse("admin:vendors_agreement_changelist"), {"needs_action": "review"}
    )
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == [stale]


def test_admin_filter_lists_active_agreements_missing_a_date(admin_client, current_agreement):
    undated = AgreementFactory(signed_on=None)
    AgreementFactory(signed_on=None, status=AgreementStatus.PENDING)
    response = admin_client.get(
        reverse("admin:vendors_agreement_changelist"), {"needs_action": "missing_dates"}
    )
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["cl"].result_list) == [undated]


def test_report_lists_an_active_agreement_missing_its_dates(current_agreement):
    current_agreement.signed_on = None
    current_agreement.save()
    output, code = run_report()
    assert code == 1
    assert "Active agreements missing their signed, expiry or review date: 1" in output
    assert "Quiz Maker: missing signed" in output


def test_public_pages_flag_a_review_more_than_a_year_old(client, current_agreement):
    current_agreement.last_reviewed_on = TODAY - days(400)
    current_agreement.save()
    assert "Review overdue" in client.get("/vendors/quiz-maker/").content.decode()
    assert "Review overdue" in client.get("/parent-data/").content.decode()


def test_a_recent_review_is_not_flagged(client, current_agreement):
    assert "Review overdue" not in client.get("/vendors/quiz-maker/").content.decode()
