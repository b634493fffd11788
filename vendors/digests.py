"""What `manage.py send_digests` sends: each subscriber's changes since their last message,
and once a year the annual notice.

The changes come from the change log of /changes/ (vendors/changes/), read once per
language; the list in a message is rendered once per language, choice of titles and
cursor, which subscribers mostly share, so a run's cost is the sending, not the reading.

Every message goes through `mail.send_each`, and its subscriber's record moves only once
it has gone: when the mail server fails half-way, the run stops, the ones sent are
recorded as sent, and the next run sends only the rest. A single address the server
refuses is skipped (and tried again next run) rather than holding everyone else up.
"""

import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from . import mail
from .annual_notice import notice_context
from .changes import all_changes
from .changes.history import GROUP_WINDOW
from .models import DistrictProfile, Subscription
from .subscriptions import unsubscribe_headers

logger = logging.getLogger(__name__)

# A run that missed the annual notice's day (the server was down) sends it within a week.
ANNUAL_NOTICE_GRACE = timedelta(days=7)
DIGEST_ENTRIES_SHOWN = 50
# Cursors of subscribers with nothing new move in one UPDATE per this many.
UPDATE_BATCH = 500


@dataclass
class Outcome:
    digests: int = 0
    unchanged: int = 0
    annual_notices: int = 0
    refused: list = field(default_factory=list)
    failure: Exception | None = None


class Delivery:
    """Messages sent over one connection at a time, each recorded by `on_sent` once it has
    gone. A refused recipient is noted and skipped; any other failure ends the delivery."""

    def __init__(self, outcome):
        self.outcome = outcome

    def run(self, messages, on_sent):
        pending = iter(messages)
        current = []

        def tracked():
            for message in pending:
                current[:] = [message]
                yield message

        while self.outcome.failure is None:
            try:
                for message in mail.send_each(tracked()):
                    on_sent(message)
                return
            except smtplib.SMTPRecipientsRefused:
                address = current[0].to[0]
                logger.warning("The mail server refused %s; it is tried again next run.", address)
                self.outcome.refused.append(address)
            except (smtplib.SMTPException, OSError) as error:
                self.outcome.failure = error


def _settled_entries(language, cutoff):
    """The change log in one language, newest first as on /changes/, without what happened
    after `cutoff`: rows written within GROUP_WINDOW of each other are one change, so a
    change younger than that may still grow, and goes in the next digest whole."""
    with translation.override(language):
        return [entry for entry in all_changes() if entry.date <= cutoff]


def _rendered_changes(language, entries):
    """The newest DIGEST_ENTRIES_SHOWN entries; the message links /changes/ for the rest (an
    import of a thousand titles is a page to read, not an email)."""
    shown = entries[:DIGEST_ENTRIES_SHOWN]
    with translation.override(language):
        return mail.render_text(
            "emails/digest_changes.txt",
            {
                "entries": [
                    (entry, mail.absolute_url(entry.url) if entry.url else "") for entry in shown
                ],
                "more": len(entries) - len(shown),
            },
        )


def _chosen_titles(subscriptions):
    """{subscription pk: its titles' pks}, from the link table in one query, read whole:
    a list of ten thousand pks is more than SQLite takes as parameters."""
    wanted = {subscription.pk for subscription in subscriptions if not subscription.all_changes}
    chosen = defaultdict(set)
    links = Subscription.titles.through.objects.values_list("subscription_id", "vendor_id")
    for subscription_id, vendor_id in links.iterator(chunk_size=10_000):
        if subscription_id in wanted:
            chosen[subscription_id].add(vendor_id)
    return chosen


def _plan(due, cutoff):
    """([(subscription, number of changes, their list as text)], [pks with nothing new]).
    The log is read once per language and each list rendered once per language, choice of
    titles and cursor."""
    chosen = _chosen_titles(due)
    entries_by_language, texts, to_send, unchanged = {}, {}, [], []
    for subscription in due:
        language = subscription.language
        if language not in entries_by_language:
            entries_by_language[language] = _settled_entries(language, cutoff)
        titles = None if subscription.all_changes else frozenset(chosen[subscription.pk])
        key = (language, titles, subscription.sent_through)
        if key not in texts:
            new = [
                entry
                for entry in entries_by_language[language]
                if entry.date > subscription.sent_through
                and (titles is None or entry.vendor_ids & titles)
            ]
            texts[key] = (len(new), _rendered_changes(language, new) if new else "")
        count, text = texts[key]
        if count:
            to_send.append((subscription, count, text))
        else:
            unchanged.append(subscription.pk)
    return to_send, unchanged


def send_digests(now=None, frequency=None, outcome=None):
    """One message per due subscriber with something new; their cursors move to the run's
    cutoff. Returns the Outcome."""
    now = now or timezone.now()
    frequency = frequency or settings.DIGEST_FREQUENCY
    outcome = outcome or Outcome()
    cutoff = now - GROUP_WINDOW
    due = list(
        Subscription.objects.due_for_digest(frequency, now)
        .filter(sent_through__lt=cutoff)
        .order_by("pk")
        .only("pk", "email", "language", "all_changes", "sent_through", "token")
    )
    if not due:
        return outcome
    to_send, unchanged = _plan(due, cutoff)
    # Nothing was due to them up to the cutoff: moving their cursors sends nothing, and
    # keeps the cursors of most subscribers equal, so that their lists are rendered once.
    for start in range(0, len(unchanged), UPDATE_BATCH):
        Subscription.objects.filter(pk__in=unchanged[start : start + UPDATE_BATCH]).update(
            sent_through=cutoff
        )
    outcome.unchanged += len(unchanged)

    changes_urls = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            changes_urls[language] = mail.absolute_url(reverse("vendors:changes"))

    district = DistrictProfile.load()

    def messages():
        for subscription, count, text in to_send:
            yield message_to(
                subscription,
                "digest",
                {
                    "district": district,
                    "count": count,
                    "changes_text": text,
                    "changes_url": changes_urls[subscription.language],
                    "all_changes": subscription.all_changes,
                },
            )

    def sent(message):
        Subscription.objects.filter(pk=message.subscription_pk).update(
            sent_through=cutoff, last_sent_at=now
        )
        outcome.digests += 1

    Delivery(outcome).run(messages(), sent)
    return outcome


def message_to(subscription, template, context):
    """One message to a subscriber in their language, with the one-click unsubscribe, marked
    with whom it is for so that the sender can record it once it has gone."""
    headers, unsubscribe_url = unsubscribe_headers(subscription)
    message = mail.compose(
        subscription.email,
        template,
        {**context, "unsubscribe_url": unsubscribe_url},
        language=subscription.language,
        headers=headers,
    )
    message.subscription_pk = subscription.pk
    return message


def annual_notice_due(district, today):
    """This year's date of the notice when today is within its week, else None."""
    date = district.annual_notice_date(today.year) if district else None
    if date is None or not (date <= today < date + ANNUAL_NOTICE_GRACE):
        return None
    return date


def send_annual_notices(today=None, outcome=None):
    """On the district's date, the annual notice to every subscriber not yet sent this
    year's: a second run that day sends nothing."""
    today = today or timezone.localdate()
    outcome = outcome or Outcome()
    district = DistrictProfile.load()
    if annual_notice_due(district, today) is None:
        return outcome
    due = list(
        Subscription.objects.due_for_annual_notice(today.year)
        .order_by("pk")
        .only("pk", "email", "language", "token")
    )
    texts = {}

    def notice_text(language):
        if language not in texts:
            with translation.override(language):
                texts[language] = mail.render_text(
                    "emails/annual_notice_body.txt",
                    {
                        "district": district,
                        "site_url": settings.SITE_URL,
                        **notice_context(),
                    },
                )
        return texts[language]

    def messages():
        for subscription in due:
            with translation.override(subscription.language):
                notice_url = mail.absolute_url(reverse("vendors:annual_notice"))
            yield message_to(
                subscription,
                "annual_notice",
                {
                    "district": district,
                    "notice_text": notice_text(subscription.language),
                    "notice_url": notice_url,
                    "year": today.year,
                },
            )

    def sent(message):
        Subscription.objects.filter(pk=message.subscription_pk).update(
            annual_notice_year=today.year
        )
        outcome.annual_notices += 1

    Delivery(outcome).run(messages(), sent)
    return outcome
