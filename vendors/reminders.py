"""The digest of what needs action that `manage.py send_reminders` mails each staff member.

It is built from `keeping_current.action_sections()`, list by list without naming any, so a
list added to `CHECKS` reaches the mail as it reaches the dashboard. The recipients are the
staff with a role: active, with staff status and an email address, in the editor or
publisher group. A superuser outside both groups is left out: that is the account that
manages users, and the README advises giving people a role rather than superuser status.

Staff have no language of their own in this project, so the digest is in the site's
default language (LANGUAGE_CODE), as the admin is.
"""

import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from . import mail
from .keeping_current import action_sections
from .models import ReminderDelivery, ReminderFrequency, ReminderRun

ROLE_GROUPS = ["Clearinghouse editor", "Clearinghouse publisher"]
# Rows shown per list; the rest are on the dashboard, which the mail links to.
ROWS_PER_LIST = 10
TEMPLATE = "reminders"


def period_key(day, frequency):
    """The period `day` falls in: the day itself, or its ISO week ("2026-W49")."""
    if frequency == ReminderFrequency.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def recipients():
    """Every staff member with a role and an address to write to, once each."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name__in=ROLE_GROUPS)
        .exclude(email="")
        .distinct()
        .order_by("email", "pk")
    )


@dataclass
class DigestList:
    key: str
    title: str
    count: int
    url: str
    # (entry, what needs doing, its admin page), the first ROWS_PER_LIST of the list.
    rows: list[tuple[str, str, str]]
    more: int


@dataclass
class Digest:
    lists: list[DigestList]
    dashboard_url: str
    total: int = field(init=False)

    def __post_init__(self):
        self.total = sum(item.count for item in self.lists)

    @property
    def needing_action(self):
        return [item for item in self.lists if item.count]


def build_digest(today, language):
    """Every list, with its count and first rows, worded in `language`."""
    dashboard_url = mail.absolute_url(reverse("vendors_admin:dashboard"))
    with translation.override(language):
        lists = [
            DigestList(
                key=section.key,
                title=section.title,
                count=len(section.rows),
                # The dashboard's heading of this list.
                url=f"{dashboard_url}#section-{section.key}",
                rows=[
                    (str(row.obj), section.describe(row), mail.absolute_url(row.admin_url))
                    for row in section.rows[:ROWS_PER_LIST]
                ],
                more=max(len(section.rows) - ROWS_PER_LIST, 0),
            )
            for section in action_sections(today)
        ]
    return Digest(lists=lists, dashboard_url=dashboard_url)


@dataclass
class Outcome:
    run: ReminderRun
    # Entries needing action now, digests sent by this run and still due after it.
    items: int = 0
    sent: int = 0
    pending: int = 0
    error: Exception | None = None
    # Addresses the server refused, which wait for the next run (and a corrected address).
    refused: list[str] = field(default_factory=list)

    @property
    def no_one_to_tell(self):
        return bool(self.items) and not self.run.deliveries.exists()


def current_run(period, frequency):
    try:
        with transaction.atomic():
            return ReminderRun.objects.get_or_create(
                period=period, defaults={"frequency": frequency}
            )[0]
    except IntegrityError:  # Another run of the command made it first.
        return ReminderRun.objects.get(period=period)


@transaction.atomic
def address_the_digests(run, items):
    """The run's deliveries, one per recipient (none when nothing needs action), written
    together or not at all."""
    ReminderRun.objects.filter(pk=run.pk).update(items=items)
    run.items = items
    if not items:
        return
    ReminderDelivery.objects.bulk_create(
        (ReminderDelivery(run=run, user=user, email=user.email) for user in recipients()),
        # Two overlapping runs address each person once.
        ignore_conflicts=True,
    )


def send_reminders(today=None, now=None):
    """Mail this period's digest to each staff member not yet sent it, if anything needs action.

    A period whose digests have all gone is done. A period that had nothing to send (or no
    one to send it to) stays open, so a list that fills later in the week still reaches staff
    that week. A mail server failing half-way stops the run with the rest still due, and the
    next run sends only to them.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    frequency = settings.REMINDER_PERIOD
    run = current_run(period_key(today, frequency), frequency)
    # update(), not save(): nothing here changes a public page, and every save in this app
    # moves the page cache's content version.
    ReminderRun.objects.filter(pk=run.pk).update(checked_at=now)
    language = settings.LANGUAGE_CODE
    deliveries = run.deliveries.all()
    digest = build_digest(today, language)
    if not deliveries.exists():
        address_the_digests(run, digest.total)
    pending = list(deliveries.filter(sent_at=None).order_by("email", "pk"))
    outcome = Outcome(run=run, items=digest.total, pending=len(pending))
    # Those still owed a digest wait while nothing needs action: an empty one says nothing.
    if not pending or not digest.total:
        return outcome
    context = {"digest": digest, "period": run.period, "frequency": run.frequency}
    # Every message is written before the first is sent: a template error sends none.
    messages = [
        mail.compose(
            delivery.email,
            TEMPLATE,
            context,
            language=language,
            # RFC 3834: no out-of-office replies to a machine's mail.
            headers={"Auto-Submitted": "auto-generated"},
        )
        for delivery in pending
    ]
    deliver(list(zip(pending, messages, strict=True)), outcome)
    return outcome


def deliver(queue, outcome):
    """Send each (delivery, message), marking each delivery sent as its message goes.

    An address the server refuses (a typo, a mailbox gone) is noted on its delivery and
    skipped, so that it does not hold back everyone after it; any other failure (the server
    unreachable, or refusing mail altogether) stops the run, and what is left waits.
    """
    while queue:
        done = 0
        try:
            for _message in mail.send_each([message for _delivery, message in queue]):
                ReminderDelivery.objects.filter(pk=queue[done][0].pk).update(
                    sent_at=timezone.now(), failure=""
                )
                done += 1
                outcome.sent += 1
                outcome.pending -= 1
            return
        except smtplib.SMTPRecipientsRefused as error:
            refused = queue[done][0]
            ReminderDelivery.objects.filter(pk=refused.pk).update(failure=str(error)[:500])
            outcome.refused.append(refused.email)
            queue = queue[done + 1 :]
        except (smtplib.SMTPException, OSError) as error:
            outcome.error = error
            return
