"""Families who asked to be told by email what changed, and the yearly notice.

Only what sending needs is kept: the address, the language, and the choice of every change
or of some titles. Nothing is stored before the address is confirmed: the confirmation
link carries the choices, signed (vendors/subscriptions.py), so an address typed by
someone else leaves no trace. Unsubscribing deletes the row; no history is kept of it.

`sent_through` is the cursor of the digest: every change up to that moment has been sent
(or there was none for this subscriber). It moves only once their message has gone, so a
mail server failing half-way through a run leaves the rest for the next run, and nobody
gets the same changes twice.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(32)


def normalise_email(address):
    """One spelling per inbox, as far as can be told: `Parent@Example.ORG ` and
    `parent@example.org` are the same subscriber."""
    return address.strip().casefold()


class SubscriptionQuerySet(models.QuerySet):
    def due_for_digest(self, frequency, now):
        """Weekly subscribers whose last message is at least a week old (an hour's slack, so
        that a weekly cron a few seconds early still sends), every one when daily."""
        if frequency != "weekly":
            return self.all()
        week_ago = now - timezone.timedelta(days=7) + timezone.timedelta(hours=1)
        return self.filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lte=week_ago))

    def due_for_annual_notice(self, year):
        """Those not yet sent this year's notice."""
        return self.exclude(annual_notice_year=year)


class Subscription(models.Model):
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    all_changes = models.BooleanField(
        _("every change"),
        default=True,
        help_text=_("Off: only changes to the chosen titles."),
    )
    titles = models.ManyToManyField(
        "Vendor", blank=True, related_name="subscriptions", verbose_name=_("titles")
    )
    confirmed_at = models.DateTimeField(
        _("choices confirmed"),
        help_text=_("When the subscriber last followed a confirmation link."),
    )
    sent_through = models.DateTimeField(
        _("changes sent up to"),
        help_text=_("Every change up to this moment has been sent, or concerned none of theirs."),
    )
    last_sent_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)
    annual_notice_year = models.PositiveSmallIntegerField(
        _("annual notice last sent"), null=True, blank=True
    )
    # The secret of the unsubscribe link in every message: the address alone must not do.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("email subscription")
        verbose_name_plural = _("email subscriptions")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="subscription_language_valid",
            ),
        ]

    def __str__(self):
        return self.email

    def get_absolute_url(self):
        """The page that unsubscribes them: personal, reached only from their own mail."""
        return reverse("vendors:unsubscribe", kwargs={"token": self.token})

    @property
    def title_ids(self):
        """The chosen titles as a set, read from a prefetch when there is one."""
        return frozenset(vendor.pk for vendor in self.titles.all())
