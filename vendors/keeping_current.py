"""What needs staff action to keep the clearinghouse current, built in one place.

The admin dashboard and `manage.py clearinghouse_report` both show `action_sections()`,
so the two never disagree about what is overdue. Each list is one `Check` in `CHECKS`:
adding a list (e.g. entries missing a field their state preset requires) is one more
entry there, with the query, the dates that matter and the measure to show (days
overdue, or what is missing).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    CERTIFICATE_GRACE,
    EXPIRY_WARNING,
    REVIEW_MAX_AGE,
    Agreement,
    ReviewRequest,
    StatePreset,
)
from .state_presets import active_state, entries_missing_required_fields


@dataclass(frozen=True)
class Row:
    """One object needing action, with the dates a staff member acts on."""

    obj: Model
    # (label, date) pairs, in the order the dashboard shows them; a blank date is left out.
    dates: list[tuple[str, datetime.date]]
    measure: int | str | None

    @property
    def admin_url(self):
        opts = self.obj._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.obj.pk])


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    # What the last column shows for this list, e.g. "Days overdue" or "Missing".
    measure_heading: str
    rows: list[Row]
    # One line about a row for the report: "expires 2027-01-31".
    describe: Callable[[Row], str]
    empty_text: str


@dataclass(frozen=True)
class Check:
    key: str
    title: Callable[[], str]
    measure_heading: str | Promise
    empty_text: str | Promise
    objects: Callable[[datetime.date], QuerySet]
    dates: Callable[[Model], list[tuple[str | Promise, datetime.date | None]]]
    measure: Callable[[Model, datetime.date], int | str | None]
    describe: Callable[[Model, datetime.date], str]
    # False leaves the list out altogether, e.g. the state-preset list when no state is set.
    applies: Callable[[], bool] = lambda: True

    def section(self, today):
        rows = [
            Row(
                obj=obj,
                dates=[(str(label), day) for label, day in self.dates(obj) if day],
                measure=self.measure(obj, today),
            )
            for obj in self.objects(today)
        ]
        return Section(
            key=self.key,
            title=self.title(),
            measure_heading=str(self.measure_heading),
            rows=rows,
            describe=lambda row: self.describe(row.obj, today),
            empty_text=str(self.empty_text),
        )


def agreements():
    return Agreement.objects.select_related("vendor", "audience")


def review_due_on(agreement):
    """The day the review fell due: the date staff set, else a year after the last review."""
    due = [agreement.next_review_due]
    if agreement.last_reviewed_on:
        due.append(agreement.last_reviewed_on + REVIEW_MAX_AGE)
    return min(day for day in due if day)


def describe_review(agreement, today):
    if agreement.next_review_due and agreement.next_review_due < today:
        return gettext("review was due %(date)s") % {"date": agreement.next_review_due.isoformat()}
    return gettext("last reviewed %(date)s") % {"date": agreement.last_reviewed_on.isoformat()}


CHECKS = [
    Check(
        key="expiring",
        title=lambda: gettext("Expiring within %(days)d days") % {"days": EXPIRY_WARNING.days},
        measure_heading=_("Days left"),
        empty_text=_("No agreement expires within the next 90 days."),
        objects=lambda today: agreements().expiring_soon(today).order_by("expires_on"),
        dates=lambda a: [(_("expires"), a.expires_on), (_("effective"), a.effective_on)],
        measure=lambda a, today: (a.expires_on - today).days,
        describe=lambda a, today: gettext("expires %(date)s") % {"date": a.expires_on.isoformat()},
    ),
    Check(
        key="review",
        title=lambda: gettext("Review overdue"),
        measure_heading=_("Days overdue"),
        empty_text=_("No review is overdue."),
        objects=lambda today: (
            agreements()
            .review_overdue(today)
            .order_by("next_review_due", "last_reviewed_on", "vendor__name")
        ),
        dates=lambda a: [
            (_("last reviewed"), a.last_reviewed_on),
            (_("next review due"), a.next_review_due),
        ],
        measure=lambda a, today: (today - review_due_on(a)).days,
        describe=describe_review,
    ),
    Check(
        key="certificate",
        title=lambda: (
            gettext("Ended, no destruction certificate after %(days)d days")
            % {"days": CERTIFICATE_GRACE.days}
        ),
        measure_heading=_("Days since sharing ended"),
        empty_text=_("Every agreement that ended more than 30 days ago has its certificate."),
        objects=lambda today: agreements().certificate_overdue(today).order_by("ended_on"),
        dates=lambda a: [
            (_("sharing ended"), a.ended_on),
            (_("destruction requested"), a.destruction_requested_on),
        ],
        measure=lambda a, today: (today - a.ended_on).days,
        describe=lambda a, today: (
            gettext("ended %(date)s, %(days)d days ago")
            % {"date": a.ended_on.isoformat(), "days": (today - a.ended_on).days}
        ),
    ),
    Check(
        key="missing_dates",
        title=lambda: gettext("Active agreements missing their signed, expiry or review date"),
        measure_heading=_("Missing"),
        empty_text=_("Every active agreement has its signed, expiry and last-reviewed dates."),
        objects=lambda today: agreements().missing_dates().order_by("vendor__name", "pk"),
        dates=lambda a: [
            (_("signed"), a.signed_on),
            (_("effective"), a.effective_on),
            (_("expires"), a.expires_on),
            (_("last reviewed"), a.last_reviewed_on),
        ],
        measure=lambda a, today: missing_dates_text(a),
        describe=lambda a, today: gettext("missing %(dates)s") % {"dates": missing_dates_text(a)},
    ),
    Check(
        key="state_preset",
        title=lambda: (
            gettext("Published titles missing a field the %(state)s preset requires")
            % {"state": StatePreset(active_state()).label}
        ),
        measure_heading=_("Missing"),
        empty_text=_("Every published title has the fields the state preset requires."),
        objects=lambda today: titles_missing_required_fields(),
        dates=lambda vendor: [(_("last updated"), vendor.updated_at.date())],
        measure=lambda vendor, today: missing_text(vendor),
        describe=lambda vendor, today: missing_text(vendor),
        applies=lambda: bool(active_state()),
    ),
]


def days_waiting(review_request, today):
    return (today - timezone.localtime(review_request.created_at).date()).days


# Requests staff have yet to decide, the longest waiting first.
CHECKS.append(
    Check(
        key="open_requests",
        title=lambda: gettext("Open review requests"),
        measure_heading=_("Days waiting"),
        empty_text=_("No review request is waiting."),
        objects=lambda today: ReviewRequest.objects.open().order_by("created_at", "pk"),
        dates=lambda r: [(_("requested"), timezone.localtime(r.created_at).date())],
        measure=days_waiting,
        describe=lambda r, today: (
            gettext("%(status)s, waiting %(days)d days")
            % {"status": r.get_status_display(), "days": days_waiting(r, today)}
        ),
    )
)

# The dates without which the public pages can say only "Agreement in place; dates not
# published", or cannot say when a review falls due.
AGREEMENT_DATES = [
    ("signed_on", _("signed")),
    ("expires_on", _("expires")),
    ("last_reviewed_on", _("last reviewed")),
]


def missing_dates_text(agreement):
    return ", ".join(
        str(label) for field, label in AGREEMENT_DATES if not getattr(agreement, field)
    )


def missing_text(vendor):
    return "; ".join(str(item) for item in vendor.missing_fields)


def titles_missing_required_fields():
    titles = []
    for vendor, missing in entries_missing_required_fields():
        vendor.missing_fields = missing
        titles.append(vendor)
    return titles


def action_sections(today=None):
    """Every list staff must act on, in the order they are shown; one query per list."""
    today = today or timezone.localdate()
    return [check.section(today) for check in CHECKS if check.applies()]
