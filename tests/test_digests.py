"""`manage.py send_digests`: each subscriber's changes since their last message, in their
language, with RFC 8058's one-click unsubscribe, delivered to a real SMTP server; nothing
twice, even when the server fails half-way."""

import datetime
from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import SubscriptionFactory, VendorFactory
from tests.helpers import run_command
from vendors.digests import DIGEST_ENTRIES_SHOWN, send_digests
from vendors.management.commands.send_digests import LOCK
from vendors.models import PublicationStatus, Subscription, Vendor

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://privacy.district.example"


def later():
    """A run after the change log's two-minute grouping window has settled."""
    return timezone.now() + datetime.timedelta(minutes=3)


def add_title(name, **fields):
    return VendorFactory(name=name, slug=name.lower().replace(" ", "-"), **fields)


def test_a_subscriber_gets_what_changed_since_their_last_message(district, mail_server):
    SubscriptionFactory(email="parent@example.org")
    add_title("ReadWell")
    outcome = send_digests(now=later())
    assert outcome.digests == 1
    [message] = mail_server.messages
    assert message["To"] == "parent@example.org"
    assert message["Subject"] == "1 change to the data sharing clearinghouse"
    body = mail_server.text(message)
    assert "* ReadWell (Added" in body
    assert "Added to the clearinghouse." in body
    assert "https://privacy.district.example/vendors/readwell/" in body
    assert "https://privacy.district.example/changes/" in body


def test_each_message_carries_the_one_click_unsubscribe_of_rfc_8058(district, mail_server):
    subscription = SubscriptionFactory()
    add_title("ReadWell")
    send_digests(now=later())
    [message] = mail_server.messages
    url = f"https://privacy.district.example/unsubscribe/{subscription.token}/"
    assert message["List-Unsubscribe"] == f"<{url}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in mail_server.text(message)
    # What a mail client's Unsubscribe button does: a POST, with no cookie and no token.
    response = Client(enforce_csrf_checks=True).post(
        urlsplit(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == HTTPStatus.OK
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("language", ["es", "ht"])
def test_the_digest_is_in_the_subscribers_language_with_links_in_it(
    district, mail_server, language
):
    SubscriptionFactory(language=language)
    add_title("ReadWell")
    send_digests(now=later())
    [message] = mail_server.messages
    assert message["Content-Language"] == language
    body = mail_server.text(message)
    assert f"https://privacy.district.example/{language}/vendors/readwell/" in body
    assert f"https://privacy.district.example/{language}/changes/" in body
    assert f"https://privacy.district.example/{language}/unsubscribe/" in body


def test_nothing_is_sent_when_nothing_changed(district, mail_server):
    SubscriptionFactory()
    outcome = send_digests(now=later())
    assert (outcome.digests, outcome.unchanged) == (0, 1)
    assert mail_server.messages == []


def test_the_same_changes_are_never_sent_twice(district, mail_server):
    SubscriptionFactory()
    add_title("ReadWell")
    send_digests(now=later())
    send_digests(now=later() + DAY)
    assert len(mail_server.messages) == 1


def test_changes_before_subscribing_are_not_news(district, mail_server):
    add_title("ReadWell")
    SubscriptionFactory(sent_through=timezone.now() + datetime.timedelta(seconds=1))
    send_digests(now=later())
    assert mail_server.messages == []


def test_drafts_never_reach_an_inbox(district, mail_server):
    SubscriptionFactory()
    add_title("Secret Project", status=PublicationStatus.DRAFT)
    send_digests(now=later())
    assert mail_server.messages == []


def test_a_change_still_within_its_grouping_window_waits_for_the_next_run(district, mail_server):
    SubscriptionFactory()
    add_title("ReadWell")
    send_digests(now=timezone.now())
    assert mail_server.messages == []
    send_digests(now=later())
    assert len(mail_server.messages) == 1


def test_a_subscriber_to_some_titles_hears_only_about_those(district, mail_server):
    chosen = add_title("Chosen App")
    add_title("Other App")
    subscription = SubscriptionFactory(titles=[chosen])
    send_digests(now=later())
    [message] = mail_server.messages
    assert message["To"] == subscription.email
    body = mail_server.text(message)
    assert "Chosen App" in body
    assert "Other App" not in body
    assert "What changed for the titles you chose" in body


def test_a_change_to_other_titles_sends_nothing(district, mail_server):
    chosen = add_title("Chosen App")
    SubscriptionFactory(
        titles=[chosen], sent_through=timezone.now() + datetime.timedelta(seconds=1)
    )
    add_title("Other App")
    outcome = send_digests(now=later())
    assert (outcome.digests, outcome.unchanged) == (0, 1)
    assert mail_server.messages == []


def test_weekly_sends_only_to_those_last_sent_a_week_ago(district, mail_server, settings):
    settings.DIGEST_FREQUENCY = "weekly"
    now = timezone.now()
    SubscriptionFactory(email="recent@example.org", last_sent_at=now - 2 * DAY)
    SubscriptionFactory(email="due@example.org", last_sent_at=now - 7 * DAY)
    SubscriptionFactory(email="new@example.org", last_sent_at=None)
    add_title("ReadWell")
    send_digests(now=later())
    assert sorted(message["To"] for message in mail_server.messages) == [
        "due@example.org",
        "new@example.org",
    ]
    # The recent one's changes wait for their week, and then go.
    send_digests(now=later() + 6 * DAY)
    assert mail_server.to("recent@example.org")


def test_daily_sends_to_everyone_with_something_new(district, mail_server, settings):
    settings.DIGEST_FREQUENCY = "daily"
    SubscriptionFactory(last_sent_at=timezone.now() - datetime.timedelta(hours=20))
    add_title("ReadWell")
    send_digests(now=later())
    assert len(mail_server.messages) == 1


def test_a_server_failing_half_way_leaves_the_rest_for_the_next_run_and_no_one_twice(
    district, mail_server
):
    subscriptions = [SubscriptionFactory() for _ in range(5)]
    add_title("ReadWell")
    mail_server.fail_after = 2
    outcome = send_digests(now=later())
    assert outcome.failure is not None
    assert outcome.digests == 2
    first_run = [message["To"] for message in mail_server.messages]
    assert len(first_run) == 2
    mail_server.fail_after = None
    outcome = send_digests(now=later() + DAY)
    assert outcome.failure is None
    everyone = [message["To"] for message in mail_server.messages]
    assert sorted(everyone) == sorted(subscription.email for subscription in subscriptions)


def test_an_address_the_server_refuses_does_not_hold_up_the_others(district, mail_server):
    SubscriptionFactory(email="a@example.org")
    SubscriptionFactory(email="gone@example.org")
    SubscriptionFactory(email="c@example.org")
    add_title("ReadWell")
    mail_server.refuse = {"gone@example.org"}
    outcome = send_digests(now=later())
    assert outcome.refused == ["gone@example.org"]
    assert [message["To"] for message in mail_server.messages] == ["a@example.org", "c@example.org"]
    # It is tried again on the next run, with the same changes.
    mail_server.refuse = set()
    send_digests(now=later() + DAY)
    assert "ReadWell" in mail_server.text(mail_server.to("gone@example.org")[0])


def test_the_command_says_what_it_sent_and_fails_when_the_server_does(district, mail_server):
    SubscriptionFactory()
    SubscriptionFactory()
    add_title("ReadWell")
    # The command runs at the real time: the change must be older than the grouping window.
    Vendor.history.update(history_date=timezone.now() - datetime.timedelta(minutes=10))
    mail_server.fail_after = 1
    status, out, err = run_command("send_digests")
    assert status == 1
    assert "Digests sent: 1." in out
    assert "The mail server failed" in err
    mail_server.fail_after = None
    status, out, _err = run_command("send_digests")
    assert status == 0
    assert "Digests sent: 1." in out
    assert len(mail_server.messages) == 2


def test_the_change_log_is_read_once_per_language_not_once_per_subscriber(district, mail_server):
    """Each subscriber costs one UPDATE once their message has gone, and nothing else."""
    add_title("ReadWell")

    def queries_for(subscribers):
        Subscription.objects.all().delete()
        mail_server.messages.clear()
        for _ in range(subscribers):
            SubscriptionFactory(language="es")
        with CaptureQueriesContext(connection) as queries:
            assert send_digests(now=later()).digests == subscribers
        return len(queries)

    assert queries_for(30) - queries_for(3) == 27


def test_a_long_digest_shows_the_newest_changes_and_links_the_rest(district, mail_server):
    SubscriptionFactory()
    for number in range(DIGEST_ENTRIES_SHOWN + 3):
        add_title(f"Title {number:02d}")
    send_digests(now=later())
    [message] = mail_server.messages
    assert (
        message["Subject"]
        == f"{DIGEST_ENTRIES_SHOWN + 3} changes to the data sharing clearinghouse"
    )
    body = mail_server.text(message)
    assert body.count("Added to the clearinghouse.") == DIGEST_ENTRIES_SHOWN
    assert f"Title {DIGEST_ENTRIES_SHOWN + 2:02d}" in body
    assert "Title 00" not in body
    assert "… and 3 more changes, on the website." in body


def test_a_second_run_while_one_is_sending_sends_nothing(district, mail_server):
    SubscriptionFactory()
    add_title("ReadWell")
    Vendor.history.update(history_date=timezone.now() - datetime.timedelta(minutes=10))
    cache.add(LOCK, True)
    status, _out, err = run_command("send_digests")
    assert status == 2
    assert "Another send_digests is still running." in err
    assert mail_server.messages == []
    cache.delete(LOCK)
    assert run_command("send_digests")[0] == 0
    assert len(mail_server.messages) == 1
