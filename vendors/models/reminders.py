"""The staff reminder digests `manage.py send_reminders` mails: one `ReminderRun` per period
(a day or an ISO week), and one `ReminderDelivery` per staff member it is for.

A delivery is marked sent only once the mail server has taken that message, so a run the
server broke off half-way knows exactly who is still owed theirs, and the next run sends
only to them; a run whose every delivery went sends nothing more that period.
"""

from django.conf import settings
from django.db import models
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReminderFrequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class ReminderRunQuerySet(models.QuerySet):
    def with_counts(self):
        sent = Q(deliveries__sent_at__isnull=False)
        return self.annotate(
            recipients=Count("deliveries"),
            sent=Count("deliveries", filter=sent),
            last_sent_at=Max("deliveries__sent_at"),
        )

    def last_sent(self):
        """The latest run that reached anyone, with its counts; None if none ever did."""
        return self.with_counts().filter(sent__gt=0).order_by("-last_sent_at").first()


class ReminderRun(models.Model):
    class Status(models.TextChoices):
        NOTHING = "nothing", _("Nothing needed action")
        NO_RECIPIENTS = "no_recipients", _("No staff member with a role has an email address")
        INCOMPLETE = "incomplete", _("Not sent to everyone yet")
        SENT = "sent", _("Sent")

    # "2026-12-03" for a daily period, "2026-W49" for a weekly one.
    period = models.CharField(_("period"), max_length=10)
    frequency = models.CharField(_("frequency"), max_length=10, choices=ReminderFrequency.choices)
    started_at = models.DateTimeField(_("first run"), default=timezone.now)
    # Each run of the command in this period moves it, even when it had nothing to do.
    checked_at = models.DateTimeField(_("last run"), default=timezone.now)
    items = models.PositiveIntegerField(
        _("items needing action"),
        default=0,
        help_text=_("How many entries the lists held when the digests were written."),
    )

    objects = ReminderRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["period"], name="reminder_run_once_per_period")
        ]

    def __str__(self):
        return self.period

    def get_absolute_url(self):
        return reverse("admin:vendors_reminderrun_change", args=[self.pk])

    def status(self, recipients, sent):
        if not self.items:
            return self.Status.NOTHING
        if not recipients:
            return self.Status.NO_RECIPIENTS
        if sent < recipients:
            return self.Status.INCOMPLETE
        return self.Status.SENT


class ReminderDelivery(models.Model):
    run = models.ForeignKey(
        ReminderRun, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("run")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("staff member"),
    )
    # As it was when the digest was due: the record says where it went.
    email = models.EmailField(_("email"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failure = models.CharField(
        _("refused"),
        max_length=500,
        blank=True,
        help_text=_("What the mail server said when it last refused this address."),
    )

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["run", "email"]
        constraints = [
            models.UniqueConstraint(fields=["run", "user"], name="reminder_delivery_once_per_run")
        ]

    def __str__(self):
        return f"{self.run.period}: {self.email}"

    def get_absolute_url(self):
        return reverse("admin:vendors_reminderdelivery_change", args=[self.pk])
