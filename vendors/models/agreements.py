"""The district's agreements with a title, over their whole life, and who else the vendor
passes the data to."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..documents import (
    DOCUMENT_FILENAMES,
    agreement_document_path,
    delete_files_after_commit,
    validate_pdf,
)
from .catalog import Audience
from .publication import TitlePart, public_q, sees_drafts


class AgreementStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class EndReason(models.TextChoices):
    EXPIRED = "expired", _("The agreement expired")
    TERMINATED = "terminated", _("The agreement was terminated")
    VENDOR_CEASED = "vendor_ceased", _("The vendor ceased operations")


# How long a published entry may go without review before pages say so.
REVIEW_MAX_AGE = datetime.timedelta(days=365)
EXPIRY_WARNING = datetime.timedelta(days=90)
# The seed's terms give the vendor time to destroy and certify; past this, staff chase it.
CERTIFICATE_GRACE = datetime.timedelta(days=30)


class AgreementQuerySet(models.QuerySet):
    """The lists staff must act on; the dashboard, the report command and filters share them."""

    def expiring_soon(self, today=None):
        today = today or timezone.localdate()
        return self.exclude(status=AgreementStatus.ENDED).filter(
            expires_on__gte=today, expires_on__lte=today + EXPIRY_WARNING
        )

    def review_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.exclude(status=AgreementStatus.ENDED).filter(
            Q(next_review_due__lt=today) | Q(last_reviewed_on__lt=today - REVIEW_MAX_AGE)
        )

    def with_public_document(self, field, user):
        """Agreements whose `field` document anyone may download: the title is visible to
        `user`, the document exists and its public flag is on."""
        visible = Q() if sees_drafts(user) else public_q("vendor__")
        return self.filter(visible, **{f"{field}_public": True}).exclude(**{field: ""})

    def missing_dates(self):
        """Agreements in force that lack a date the public pages need: until staff enter
        them, the pages can only say that an agreement is in place."""
        return self.filter(status=AgreementStatus.ACTIVE).filter(
            Q(signed_on__isnull=True)
            | Q(expires_on__isnull=True)
            | Q(last_reviewed_on__isnull=True)
        )

    def certificate_overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(
            status=AgreementStatus.ENDED,
            destruction_certified_on__isnull=True,
            ended_on__lte=today - CERTIFICATE_GRACE,
        )


DOCUMENT_FIELDS = tuple(DOCUMENT_FILENAMES)


class Agreement(TitlePart):
    """The district's data-sharing agreement with a title, over its whole life.

    One per title, or one per title and audience where the terms differ: a record uses
    its audience's agreement when there is one, else the title's general one."""

    vendor = models.ForeignKey(
        "Vendor",
        on_delete=models.CASCADE,
        related_name="agreements",
        verbose_name=_("software title"),
    )
    audience = models.ForeignKey(
        Audience,
        on_delete=models.PROTECT,
        related_name="agreements",
        verbose_name=_("audience"),
        null=True,
        blank=True,
        help_text=_("Leave blank when one agreement covers every audience."),
    )
    status = models.CharField(
        _("agreement status"),
        max_length=20,
        choices=AgreementStatus.choices,
        default=AgreementStatus.PENDING,
    )
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    effective_on = models.DateField(_("effective"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    contact_name = models.CharField(
        _("district point of contact"),
        max_length=200,
        blank=True,
        help_text=_("The person or office at the district that parents can ask about it."),
    )
    contact_email = models.EmailField(_("point of contact email"), blank=True)
    contact_phone = models.CharField(_("point of contact phone"), max_length=40, blank=True)
    ended_on = models.DateField(_("sharing ended"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=20, choices=EndReason.choices, blank=True
    )
    destruction_requested_on = models.DateField(_("destruction requested"), null=True, blank=True)
    destruction_certified_on = models.DateField(
        _("destruction certified"),
        null=True,
        blank=True,
        help_text=_("The date the vendor certified in writing that the data was destroyed."),
    )
    signed_agreement = models.FileField(
        _("signed agreement (PDF)"),
        upload_to=agreement_document_path,
        blank=True,
        max_length=200,
        validators=[validate_pdf],
    )
    signed_agreement_public = models.BooleanField(
        _("signed agreement is public"),
        default=False,
        help_text=_("Public copies are downloadable from the vendor page."),
    )
    destruction_certificate = models.FileField(
        _("destruction certificate (PDF)"),
        upload_to=agreement_document_path,
        blank=True,
        max_length=200,
        validators=[validate_pdf],
        help_text=_("The vendor's written certification that the data was destroyed."),
    )
    destruction_certificate_public = models.BooleanField(
        _("destruction certificate is public"),
        default=False,
        help_text=_("Public copies are downloadable from the vendor page."),
    )
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = AgreementQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        # The general agreement (no audience) first on every database: PostgreSQL would
        # put NULL last, SQLite first.
        ordering = ["vendor__name", models.F("audience__position").asc(nulls_first=True)]
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "audience"], name="one_agreement_per_title_and_audience"
            ),
            models.UniqueConstraint(
                fields=["vendor"],
                condition=Q(audience__isnull=True),
                name="one_general_agreement_per_title",
            ),
            models.CheckConstraint(
                condition=Q(status__in=AgreementStatus.values), name="agreement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_reason__in=["", *EndReason.values]),
                name="agreement_end_reason_valid",
            ),
        ]

    def __str__(self):
        if self.audience_id:
            return f"{self.vendor.name} — {self.audience.name}"
        return self.vendor.name

    def save(self, *args, **kwargs):
        replaced = []
        if self.pk:
            # A replaced or cleared document leaves no orphan file behind.
            stored = Agreement.objects.filter(pk=self.pk).values(*DOCUMENT_FIELDS).first() or {}
            replaced = [
                self._meta.get_field(field).attr_class(self, self._meta.get_field(field), name)
                for field, name in stored.items()
                if name and name != getattr(self, field).name
            ]
        super().save(*args, **kwargs)
        delete_files_after_commit(replaced)

    def get_absolute_url(self):
        return f"{self.vendor.get_absolute_url()}#agreement"

    def public_document_url(self, field):
        """The download address of a public document, or None when there is none to give."""
        if not getattr(self, field) or not getattr(self, f"{field}_public"):
            return None
        return reverse(
            f"vendors:agreement_{field}", kwargs={"slug": self.vendor.slug, "pk": self.pk}
        )

    @property
    def signed_agreement_url(self):
        return self.public_document_url("signed_agreement")

    @property
    def destruction_certificate_url(self):
        return self.public_document_url("destruction_certificate")

    @property
    def review_overdue(self):
        """True when the district's last review is more than a year old: the public flag."""
        if self.status == AgreementStatus.ENDED or not self.last_reviewed_on:
            return False
        return self.last_reviewed_on < timezone.localdate() - REVIEW_MAX_AGE

    @property
    def is_undated(self):
        """Active with no date behind it: the district has recorded a status, not when the
        agreement was signed, took effect or ends, so pages say no more than that."""
        return self.status == AgreementStatus.ACTIVE and not (
            self.signed_on or self.effective_on or self.expires_on
        )

    @property
    def destruction_pending_days(self):
        """Days since sharing ended without a destruction certificate; None when not pending.

        Counted from the end, not from the district's request: the seed's terms oblige the
        vendor "upon the termination or expiration of the agreement", and the dashboard's
        certificate list counts the same way."""
        if self.status != AgreementStatus.ENDED or not self.ended_on:
            return None
        if self.destruction_certified_on:
            return None
        return (timezone.localdate() - self.ended_on).days

    def clean(self):
        errors = {}
        if self.effective_on and self.expires_on and self.expires_on < self.effective_on:
            errors["expires_on"] = _("An agreement cannot expire before it takes effect.")
        if self.status == AgreementStatus.ENDED and not self.ended_on:
            errors["ended_on"] = _("Say when sharing ended: parents count the days from it.")
        if self.ended_on and self.status != AgreementStatus.ENDED:
            errors["status"] = _("An agreement with an end date must have the status “Ended”.")
        certified, ended = self.destruction_certified_on, self.ended_on
        if certified and ended and certified < ended:
            errors["destruction_certified_on"] = _(
                "Destruction cannot be certified before sharing ended."
            )
        if errors:
            raise ValidationError(errors)


# A signal rather than delete(): deleting a title deletes its agreements without calling it.
@receiver(post_delete, sender=Agreement, dispatch_uid="agreement_documents_deleted")
def delete_agreement_documents(sender, instance, **kwargs):
    delete_files_after_commit(getattr(instance, field) for field in DOCUMENT_FIELDS)


class Subprocessor(TitlePart):
    """A company the vendor passes the district's data to (Illinois calls them subcontractors)."""

    vendor = models.ForeignKey(
        "Vendor",
        on_delete=models.CASCADE,
        related_name="subprocessors",
        verbose_name=_("software title"),
    )
    name = models.CharField(_("company name"), max_length=200)
    purpose = models.CharField(_("what it does with the data"), max_length=500)
    location = models.CharField(
        _("location"),
        max_length=200,
        blank=True,
        help_text=_("Where it processes the data, if known, e.g. United States."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    # `history` is registered in vendors/translation.py, once the language columns exist.

    class Meta:
        verbose_name = _("subprocessor")
        verbose_name_plural = _("subprocessors")
        ordering = ["vendor__name", "position", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="subprocessor_name_not_empty"),
            models.UniqueConstraint(
                fields=["vendor", "name"], name="subprocessor_name_unique_per_title"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.vendor.name})"

    def get_absolute_url(self):
        return f"{self.vendor.get_absolute_url()}#subprocessors"
