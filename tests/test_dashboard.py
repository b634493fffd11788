"""The staff dashboard: what needs action, the same lists as the report command."""

import datetime
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import AgreementFactory, VendorFactory
from vendors.keeping_current import action_sections
from vendors.models import AgreementStatus

pytestmark = pytest.mark.django_db

DASHBOARD_URL = reverse("vendors_admin:dashboard")
TODAY = timezone.localdate()


def days(n):
    return datetime.timedelta(days=n)


def quiet_agreement(**fields):
    """An agreement that needs no action unless the test says otherwise."""
    defaults = {
        "expires_on": TODAY + days(400),
        "last_reviewed_on": TODAY - days(10),
        "next_review_due": TODAY + days(300),
    }
    return AgreementFactory(**{**defaults, **fields})


def expiring(name="Quiz Maker", in_days=30):
    return quiet_agreement(vendor=VendorFactory(name=name), expires_on=TODAY + days(in_days))


def review_overdue(name="Reading Log", by_days=5):
    return quiet_agreement(vendor=VendorFactory(name=name), next_review_due=TODAY - days(by_days))


def certificate_overdue(name="Old Chat", ended_days_ago=45):
    return quiet_agreement(
        vendor=VendorFactory(name=name),
        status=AgreementStatus.ENDED,
        ended_on=TODAY - days(ended_days_ago),
        destruction_requested_on=TODAY - days(ended_days_ago - 1),
    )


def undated(name="Quiet Reader", **fields):
    """Active, as the demo content records it: no signed, expiry or review date."""
    return quiet_agreement(
        vendor=VendorFactory(name=name),
        **{"signed_on": None, "expires_on": None, "last_reviewed_on": None, **fields},
    )


def section(response, key):
    return next(s for s in response.context["sections"] if s.key == key)


def test_expiring_list_shows_the_agreement_its_expiry_date_and_days_left(admin_client):
    agreement = expiring(in_days=30)
    quiet_agreement(vendor=VendorFactory(name="Far Away"))
    response = admin_client.get(DASHBOARD_URL)
    assert response.status_code == HTTPStatus.OK
    rows = section(response, "expiring").rows
    assert [row.obj for row in rows] == [agreement]
    assert rows[0].measure == 30
    page = response.content.decode()
    assert reverse("admin:vendors_agreement_change", args=[agreement.pk]) in page
    assert (TODAY + days(30)).isoformat() in page
    assert "Far Away" not in page


def test_review_list_shows_the_days_overdue(admin_client):
    agreement = review_overdue(by_days=5)
    rows = section(admin_client.get(DASHBOARD_URL), "review").rows
    assert [row.obj for row in rows] == [agreement]
    assert rows[0].measure == 5


def test_a_review_more_than_a_year_old_counts_as_overdue_from_its_anniversary(admin_client):
    agreement = quiet_agreement(last_reviewed_on=TODAY - days(380), next_review_due=None)
    rows = section(admin_client.get(DASHBOARD_URL), "review").rows
    assert [(row.obj, row.measure) for row in rows] == [(agreement, 15)]


def test_certificate_list_shows_the_end_date_and_days_since_it_ended(admin_client):
    agreement = certificate_overdue(ended_days_ago=45)
    certificate_overdue(name="Just Ended", ended_days_ago=10)
    response = admin_client.get(DASHBOARD_URL)
    rows = section(response, "certificate").rows
    assert [(row.obj, row.measure) for row in rows] == [(agreement, 45)]
    page = response.content.decode()
    assert (TODAY - days(45)).isoformat() in page
    assert "Just Ended" not in page


def test_a_certified_ended_agreement_is_not_listed(admin_client):
    agreement = certificate_overdue()
    agreement.destruction_certified_on = TODAY
    agreement.save()
    assert section(admin_client.get(DASHBOARD_URL), "certificate").rows == []


def test_fourth_list_shows_active_agreements_missing_a_date_and_which(admin_client):
    agreement = undated(signed_on=datetime.date(2026, 1, 15))
    quiet_agreement(vendor=VendorFactory(name="Fully Dated"))
    ended = certificate_overdue(name="Ended Undated")
    ended.signed_on = None
    ended.save()
    response = admin_client.get(DASHBOARD_URL)
    assert [s.key for s in response.context["sections"]][3] == "missing_dates"
    rows = section(response, "missing_dates").rows
    assert [(row.obj, row.measure) for row in rows] == [(agreement, "expires, last reviewed")]
    page = response.content.decode()
    assert "Active agreements missing their signed, expiry or review date (1)" in page
    assert reverse("admin:vendors_agreement_change", args=[agreement.pk]) in page
    assert "Fully Dated" not in page
    assert "Ended Undated" not in page.split("section-missing_dates")[1]


def test_each_list_names_its_measure_column(admin_client):
    undated()
    page = admin_client.get(DASHBOARD_URL).content.decode()
    assert '<th scope="col">Missing</th>' in page
    assert '<th scope="col">Days left</th>' not in page  # that list is empty, so no table


def test_empty_lists_say_so_plainly(admin_client):
    quiet_agreement()
    page = admin_client.get(DASHBOARD_URL).content.decode()
    assert "No agreement expires within the next 90 days." in page
    assert "No review is overdue." in page
    assert "Every agreement that ended more than 30 days ago has its certificate." in page
    assert "Every active agreement has its signed, expiry and last-reviewed dates." in page


def test_staff_text_on_the_dashboard_is_escaped(admin_client):
    expiring(name="<script>alert(1)</script>")
    page = admin_client.get(DASHBOARD_URL).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(DASHBOARD_URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_permission_on_agreements_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", is_staff=True))
    assert client.get(DASHBOARD_URL).status_code == HTTPStatus.FORBIDDEN


def test_staff_without_permission_are_not_offered_the_link(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", is_staff=True))
    assert DASHBOARD_URL not in client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("role_client", ["editor_client", "publisher_client"])
def test_editors_and_publishers_see_the_dashboard(request, role_client):
    agreement = expiring()
    response = request.getfixturevalue(role_client).get(DASHBOARD_URL)
    assert response.status_code == HTTPStatus.OK
    assert str(agreement) in response.content.decode()


def test_admin_index_and_header_link_to_the_dashboard(editor_client):
    page = editor_client.get(reverse("admin:index")).content.decode()
    # Once in the header's user links, once on the index page itself.
    assert page.count(f'href="{DASHBOARD_URL}"') == 2


def test_report_command_prints_the_dashboard_lists(admin_client):
    expiring(name="Quiz Maker")
    review_overdue(name="Reading Log")
    certificate_overdue(name="Old Chat", ended_days_ago=45)
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("clearinghouse_report", stdout=out)
    assert error.value.returncode == 1
    lines = out.getvalue().splitlines()
    for listed in action_sections():
        assert f"{listed.title}: {len(listed.rows)}" in lines
        for row in listed.rows:
            assert f"  - {row.obj}: {listed.describe(row)}" in lines
    assert f"  - Old Chat: ended {(TODAY - days(45)).isoformat()}, 45 days ago" in lines
    page = admin_client.get(DASHBOARD_URL).content.decode()
    for name in ("Quiz Maker", "Reading Log", "Old Chat"):
        assert name in page


def dashboard_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD_URL).status_code == HTTPStatus.OK
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_the_rows(admin_client):
    expiring(name="One")
    review_overdue(name="Two")
    certificate_overdue(name="Three")
    undated(name="Four")
    dashboard_queries(admin_client)  # fills the header's cache, which is not per row
    few = dashboard_queries(admin_client)
    for n in range(4):
        expiring(name=f"Expiring {n}")
        review_overdue(name=f"Review {n}")
        certificate_overdue(name=f"Ended {n}")
        undated(name=f"Undated {n}")
    assert dashboard_queries(admin_client) == few
