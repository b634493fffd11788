"""`manage.py send_reminders`: each staff member with a role gets one digest per period of
what needs action, through a real SMTP server, and a server failing half-way leaves only
the rest to send."""

import datetime
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import AgreementFactory, StaffFactory, VendorFactory
from tests.helpers import ReceivedMail, free_port, run_command
from vendors import keeping_current
from vendors.keeping_current import Check
from vendors.models import AgreementStatus, ReminderDelivery, ReminderRun, StatePreset
from vendors.reminders import send_reminders

pytestmark = pytest.mark.django_db

EDITOR = "Clearinghouse editor"
PUBLISHER = "Clearinghouse publisher"
SITE = "https://privacy.district.example"
DASHBOARD_URL = reverse("vendors_admin:dashboard")
TODAY = timezone.localdate()
# A Wednesday, so the days either side are in its ISO week.
WEDNESDAY = datetime.date(2026, 12, 2)


def days(n):
    return datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def site(settings, district, role_groups):
    """StaffFactory(role=…) joins a role group, which a browser test's flush may have taken:
    `role_groups` remakes them first."""
    settings.SITE_URL = SITE
    settings.REMINDER_PERIOD = "weekly"


@pytest.fixture
def staff():
    """An editor and a publisher, each with an address."""
    return [
        StaffFactory(username="edna", email="edna@district.example", role=EDITOR),
        StaffFactory(username="paul", email="paul@district.example", role=PUBLISHER),
    ]


def quiet_agreement(**fields):
    """An agreement that needs no action unless the test says otherwise."""
    defaults = {
        "expires_on": TODAY + days(400),
        "last_reviewed_on": TODAY - days(10),
        "next_review_due": TODAY + days(300),
    }
    return AgreementFactory(**{**defaults, **fields})


def expiring(name="Quiz Maker"):
    return quiet_agreement(vendor=VendorFactory(name=name), expires_on=TODAY + days(30))


def body_of(message):
    """The message's text, with the line ends it was written with (SMTP sends CRLF)."""
    return ReceivedMail.text(message).replace("\r\n", "\n")


def send():
    """The command as cron runs it: (exit status, output, error output)."""
    return run_command("send_reminders")


class FailingAfter(ReceivedMail):
    """An SMTP server that takes `accepted` messages, then refuses every one after."""

    def __init__(self, accepted, reply="451 4.3.0 Mailbox busy, try again later"):
        super().__init__()
        self.accepted = accepted
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) >= self.accepted:
            return self.reply
        return await super().handle_DATA(server, session, envelope)


class Refusing(ReceivedMail):
    """An SMTP server that has no mailbox for `address`."""

    def __init__(self, address):
        super().__init__()
        self.address = address

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.address:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def serve(settings, handler):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    return controller


@pytest.fixture
def failing_server(settings):
    """Like `mail_server`, but the server refuses the third message and every one after."""
    received = FailingAfter(accepted=2)
    controller = serve(settings, received)
    yield received
    controller.stop()


@pytest.fixture
def refusing_server(settings):
    """Like `mail_server`, but with no mailbox for edna."""
    received = Refusing("edna@district.example")
    controller = serve(settings, received)
    yield received
    controller.stop()


def test_each_staff_member_gets_a_digest_of_every_list_with_counts_and_links(
    mail_server, staff, district
):
    district.state = StatePreset.COLORADO
    district.save()
    soon = expiring("Quiz Maker")
    quiet_agreement(vendor=VendorFactory(name="Reading Log"), next_review_due=TODAY - days(5))
    quiet_agreement(
        vendor=VendorFactory(name="Old Chat"),
        status=AgreementStatus.ENDED,
        ended_on=TODAY - days(45),
        destruction_requested_on=TODAY - days(44),
    )
    quiet_agreement(
        vendor=VendorFactory(name="Quiet Reader"),
        signed_on=None,
        expires_on=None,
        last_reviewed_on=None,
    )

    assert send() == (0, "", "")

    assert sorted(m["To"] for m in mail_server.messages) == [
        "edna@district.example",
        "paul@district.example",
    ]
    [message] = mail_server.to("edna@district.example")
    # Four titles, none with the Colorado preset's data elements: 4 + 4 entries.
    assert message["Subject"] == "Clearinghouse: 8 entries need action"
    assert message["Content-Language"] == "en"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Envelope-To"] == "edna@district.example"
    body = body_of(message)
    assert "8 entries in the student-data sharing clearinghouse need action." in body
    for line in [
        "- Expiring within 90 days: 1",
        "- Review overdue: 1",
        "- Ended, no destruction certificate after 30 days: 1",
        "- Active agreements missing their signed, expiry or review date: 1",
        "- Published titles missing a field the Colorado preset requires: 4",
    ]:
        assert line in body
    assert f"{SITE}{DASHBOARD_URL}\n" in body
    assert f"{SITE}{DASHBOARD_URL}#section-expiring" in body
    expires = (TODAY + days(30)).isoformat()
    change = reverse("admin:vendors_agreement_change", args=[soon.pk])
    assert f"- Quiz Maker: expires {expires}\n  {SITE}{change}" in body
    assert "- Reading Log: review was due" in body
    assert "- Old Chat: ended" in body
    assert "- Quiet Reader: missing signed, expires, last reviewed" in body
    assert "once a week" in body
    assert district.full_name in body


def test_a_list_added_to_the_checks_reaches_the_mail_unchanged(mail_server, staff, monkeypatch):
    flagged = VendorFactory(name="Homework Hub")
    extra = Check(
        key="open_requests",
        title=lambda: "Open requests",
        measure_heading="Days open",
        empty_text="No request is open.",
        objects=lambda today: [flagged],
        dates=lambda vendor: [],
        measure=lambda vendor, today: 3,
        describe=lambda vendor, today: "asked 3 days ago",
    )
    monkeypatch.setattr(keeping_current, "CHECKS", [*keeping_current.CHECKS, extra])

    assert send()[0] == 0

    body = body_of(mail_server.to("edna@district.example")[0])
    assert "- Open requests: 1" in body
    assert f"{SITE}{DASHBOARD_URL}#section-open_requests" in body
    assert "- Homework Hub: asked 3 days ago" in body


def test_nothing_is_sent_when_nothing_needs_action(mail_server, staff):
    quiet_agreement()

    assert send() == (0, "", "")

    assert mail_server.messages == []
    run = ReminderRun.objects.get()
    assert run.items == 0
    assert not run.deliveries.exists()


def test_a_second_run_in_the_same_period_sends_nothing(mail_server, staff):
    expiring()
    assert send()[0] == 0
    assert len(mail_server.messages) == 2

    assert send() == (0, "", "")

    assert len(mail_server.messages) == 2
    assert ReminderRun.objects.count() == 1


def test_a_list_that_fills_later_in_the_week_is_sent_that_week_once(mail_server, staff):
    send_reminders(today=WEDNESDAY)
    assert mail_server.messages == []

    expiring()
    send_reminders(today=WEDNESDAY + days(1))
    send_reminders(today=WEDNESDAY + days(2))

    assert len(mail_server.messages) == 2


@pytest.mark.parametrize(
    ("period", "next_day_sends", "next_week_sends"),
    [("weekly", False, True), ("daily", True, True)],
)
def test_the_period_decides_when_the_digest_goes_again(
    mail_server, staff, settings, period, next_day_sends, next_week_sends
):
    settings.REMINDER_PERIOD = period
    expiring()
    send_reminders(today=WEDNESDAY)
    assert len(mail_server.messages) == 2

    send_reminders(today=WEDNESDAY + days(1))
    assert len(mail_server.messages) == (4 if next_day_sends else 2)

    before = len(mail_server.messages)
    send_reminders(today=WEDNESDAY + days(7))
    assert len(mail_server.messages) == before + (2 if next_week_sends else 0)
    expected = {
        "weekly": ["2026-W49", "2026-W50"],
        "daily": ["2026-12-02", "2026-12-03", "2026-12-09"],
    }[period]
    assert sorted(ReminderRun.objects.values_list("period", flat=True)) == expected


def test_after_the_server_fails_half_way_a_rerun_sends_only_the_rest(failing_server, staff):
    StaffFactory(username="rita", email="rita@district.example", role=EDITOR)
    StaffFactory(username="sam", email="sam@district.example", role=PUBLISHER)
    expiring()
    first_to = ["edna@district.example", "paul@district.example"]

    status, _out, err = send()

    assert status == 1
    assert "sent to 2, 2 still due" in err
    assert "451" in err
    assert "Run the command again to send the rest." in err
    assert [m["To"] for m in failing_server.messages] == first_to
    sent = ReminderDelivery.objects.exclude(sent_at=None).values_list("email", flat=True)
    assert sorted(sent) == first_to

    failing_server.accepted = 100  # The server is back.
    assert send() == (0, "", "")
    assert [m["To"] for m in failing_server.messages] == [
        *first_to,
        "rita@district.example",
        "sam@district.example",
    ]

    assert send() == (0, "", "")
    assert len(failing_server.messages) == 4


def test_an_address_the_server_refuses_holds_back_no_one_else(refusing_server, staff):
    StaffFactory(username="ada", email="ada@district.example", role=EDITOR)
    expiring()

    status, _out, err = send()

    assert status == 1
    assert "the mail server refused edna@district.example" in err
    assert sorted(m["To"] for m in refusing_server.messages) == [
        "ada@district.example",
        "paul@district.example",
    ]
    refused = ReminderDelivery.objects.get(email="edna@district.example")
    assert refused.sent_at is None
    assert "No such mailbox" in refused.failure

    # Once the address is right (here: the mailbox exists), only edna is sent hers.
    refusing_server.address = None
    assert send() == (0, "", "")
    assert [m["To"] for m in refusing_server.messages][2:] == ["edna@district.example"]


def test_the_digest_is_in_the_site_language_whatever_language_is_active(mail_server, staff):
    quiet_agreement(vendor=VendorFactory(name="Reading Log"), next_review_due=TODAY - days(5))
    translation.activate("es")

    send_reminders()

    [message, _] = mail_server.messages
    assert message["Content-Language"] == "en"
    assert "- Review overdue: 1" in body_of(message)
    assert translation.get_language() == "es"


def test_an_unreachable_server_sends_nothing_and_the_next_run_sends_to_everyone(
    mail_server, staff, settings
):
    expiring()
    working = settings.MAILERS
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }
    status, _out, err = send()
    assert status == 1
    assert "sent to 0, 2 still due" in err

    settings.MAILERS = working
    assert send()[0] == 0
    assert len(mail_server.messages) == 2


def test_only_active_staff_with_a_role_and_an_address_receive_it(mail_server, staff):
    StaffFactory(username="root", email="root@district.example", is_superuser=True)
    StaffFactory(username="norole", email="norole@district.example")
    StaffFactory(username="gone", email="gone@district.example", role=EDITOR, is_active=False)
    StaffFactory(username="noaddress", email="", role=EDITOR)
    StaffFactory(username="unstaffed", email="unstaffed@example.org", is_staff=False, role=EDITOR)
    both = StaffFactory(username="both", email="both@district.example", role=EDITOR)
    both.groups.add(staff[1].groups.get())
    expiring()

    assert send()[0] == 0

    assert sorted(m["To"] for m in mail_server.messages) == [
        "both@district.example",
        "edna@district.example",
        "paul@district.example",
    ]


def test_with_something_to_send_and_no_one_to_send_it_to_cron_hears_of_it(mail_server):
    StaffFactory(username="root", email="root@district.example", is_superuser=True)
    expiring()

    status, _out, err = send()

    assert status == 1
    assert "no active staff member in the editor or publisher group has an email address" in err
    assert mail_server.messages == []
    # Once someone has a role, the same week's run reaches them.
    StaffFactory(username="edna", email="edna@district.example", role=EDITOR)
    assert send()[0] == 0
    assert [m["To"] for m in mail_server.messages] == ["edna@district.example"]


def test_a_long_list_shows_its_first_rows_and_points_to_the_dashboard(mail_server, staff):
    for number in range(12):
        expiring(f"Title {number:02d}")

    send()

    body = body_of(mail_server.to("paul@district.example")[0])
    assert "- Title 09: expires" in body
    assert "Title 10" not in body
    assert "…and 2 more on the dashboard." in body


def test_verbose_says_what_it_did(mail_server, staff):
    expiring()
    assert run_command("send_reminders", "-v", "2")[1].startswith(
        "Reminders for " + ReminderRun.objects.get().period + " sent to 2 staff members."
    )
    assert "were already sent" in run_command("send_reminders", "-v", "2")[1]


def test_the_dashboard_says_when_reminders_were_last_sent(mail_server, staff, editor_client):
    page = editor_client.get(DASHBOARD_URL).content.decode()
    assert "Reminders last sent: never." in page
    assert "Last run" not in page

    send_reminders(today=WEDNESDAY)
    page = editor_client.get(DASHBOARD_URL).content.decode()
    assert "Reminders last sent: never." in page
    assert ": nothing needed action." in page

    expiring()
    send()
    sent_at = timezone.localtime(ReminderDelivery.objects.latest("sent_at").sent_at)
    page = editor_client.get(DASHBOARD_URL).content.decode()
    assert f"Reminders last sent {sent_at:%Y-%m-%d %H:%M} to 2 staff members." in page
    assert reverse("admin:vendors_reminderrun_changelist") in page


def test_staff_can_read_the_runs_and_deliveries_but_not_change_them(
    failing_server, staff, editor_client
):
    for number in range(3):
        StaffFactory(username=f"more{number}", role=EDITOR)
    expiring()
    send()
    run = ReminderRun.objects.get()

    changelist = editor_client.get(reverse("admin:vendors_reminderrun_changelist"))
    assert changelist.status_code == HTTPStatus.OK
    page = changelist.content.decode()
    assert run.period in page
    assert "Not sent to everyone yet" in page
    detail = editor_client.get(run.get_absolute_url()).content.decode()
    assert "edna@district.example" in detail
    assert 'name="_save"' not in detail
    deliveries = editor_client.get(
        reverse("admin:vendors_reminderdelivery_changelist"), {"sent_at__isempty": "1"}
    ).content.decode()
    # Sent in order of address: edna and more0 went, the rest wait.
    assert "paul@district.example" in deliveries
    assert "more0@district.example" not in deliveries
    add = editor_client.get(reverse("admin:vendors_reminderrun_add"))
    assert add.status_code == HTTPStatus.FORBIDDEN


def test_a_reminder_period_other_than_daily_or_weekly_stops_the_start():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parent.parent,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "true", "REMINDER_PERIOD": "monthly"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "REMINDER_PERIOD must be daily or weekly, not 'monthly'." in result.stderr
