"""The district that publishes the clearinghouse, and the state law it answers to."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..markdown import first_sentence


class StatePreset(models.TextChoices):
    """States whose law makes districts post their data recipients (see state_presets.py)."""

    NONE = "", _("None")
    COLORADO = "CO", _("Colorado")
    CONNECTICUT = "CT", _("Connecticut")
    UTAH = "UT", _("Utah")
    LOUISIANA = "LA", _("Louisiana")
    ILLINOIS = "IL", _("Illinois")
    OHIO = "OH", _("Ohio")


class DistrictProfile(models.Model):
    """The one record describing the district that publishes this clearinghouse."""

    short_name = models.CharField(_("short name"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=200)
    site_title = models.CharField(
        _("site title"),
        max_length=200,
        default="Instructional Technology Data Sharing Clearinghouse",
    )
    intro = models.TextField(
        _("intro statement"),
        help_text=_("Shown at the top of the home page. Markdown: paragraphs, lists, bold, links."),
    )
    contact_email = models.EmailField(_("contact email"))
    state = models.CharField(
        _("state law preset"),
        max_length=2,
        choices=StatePreset.choices,
        blank=True,
        default=StatePreset.NONE,
        help_text=_(
            "The state whose posting law this clearinghouse must meet. The admin then flags "
            "each published title missing a field that law requires."
        ),
    )
    parent_rights = models.TextField(
        _("how parents exercise their rights"),
        blank=True,
        help_text=_(
            "How a parent can review and correct their child's data, ask for it to be "
            "deleted, and inspect the district's agreements. Shown on the home page; every "
            "title's page links to it. Markdown."
        ),
    )
    complaint_process = models.TextField(
        _("parent complaint process"),
        blank=True,
        help_text=_(
            "How a parent files a complaint about how data is shared, and what happens "
            "next. Shown on the home page; every title's page links to it. Markdown."
        ),
    )
    show_titles_under_review = models.BooleanField(
        _("show titles under review"),
        default=False,
        help_text=_(
            "When ticked, a published title whose decision is “under review” appears on the "
            "public pages, marked “Under review”, even before it has a published sharing "
            "record. Otherwise it stays off them until one is published."
        ),
    )
    annual_notice_month = models.PositiveSmallIntegerField(
        _("annual notice month"),
        null=True,
        blank=True,
        choices=[(month, month) for month in range(1, 13)],
        help_text=_(
            "With the day: the date each year on which `manage.py send_digests` emails the "
            "annual notice to every subscriber (Ohio: 1 August, month 8 and day 1). Leave "
            "both blank to send none."
        ),
    )
    annual_notice_day = models.PositiveSmallIntegerField(
        _("annual notice day"),
        null=True,
        blank=True,
        choices=[(day, day) for day in range(1, 32)],
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    SINGLETON_ID = 1

    class Meta:
        verbose_name = _("district profile")
        verbose_name_plural = _("district profile")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="district_profile_is_a_singleton"),
            models.CheckConstraint(
                condition=Q(state__in=StatePreset.values), name="district_profile_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(annual_notice_month__isnull=True, annual_notice_day__isnull=True)
                | Q(
                    annual_notice_month__range=(1, 12),
                    annual_notice_day__range=(1, 31),
                ),
                name="district_profile_annual_notice_date_valid",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("vendors:home")

    def clean(self):
        super().clean()
        month, day = self.annual_notice_month, self.annual_notice_day
        if (month is None) != (day is None):
            raise ValidationError(
                _("Give both the month and the day of the annual notice, or neither."),
                code="annual_notice_half_a_date",
            )
        if month is not None:
            try:
                # A leap year, so that 29 February is a date (sent on the 28th otherwise).
                datetime.date(2024, month, day)
            except ValueError as error:
                raise ValidationError(
                    {"annual_notice_day": _("That month has no such day.")},
                    code="annual_notice_no_such_day",
                ) from error

    def annual_notice_date(self, year):
        """This year's date of the annual notice, or None when the district sends none."""
        if self.annual_notice_month is None or self.annual_notice_day is None:
            return None
        day = self.annual_notice_day
        while day > 28:
            try:
                return datetime.date(year, self.annual_notice_month, day)
            except ValueError:
                day -= 1
        return datetime.date(year, self.annual_notice_month, day)

    @property
    def summary(self):
        """The statement's first sentence, in the visitor's language: every page's description
        for search engines unless the page has its own."""
        return first_sentence(self.intro)

    @classmethod
    def load(cls):
        """The profile, or None before the district has entered one."""
        return cls.objects.filter(pk=cls.SINGLETON_ID).first()
