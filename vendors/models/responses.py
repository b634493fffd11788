"""A vendor's own answers, and every change held for a publisher: the invitation a vendor
answers without an account, and the proposal staff review beside the current record.

Nothing here is public. A proposal's accepted values are written into the title by
vendors/proposals.py, with a history reason that names where they came from; the title is
then published (or already public) as any other edit."""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LINK_SALT = "vendors.vendor-response"


def hash_secret(secret):
    # The secret is 32 random bytes: a plain digest is as strong as a slow hash here, and a
    # copy of the database alone opens no form.
    return hashlib.sha256(secret.encode()).hexdigest()


class VendorInvitationQuerySet(models.QuerySet):
    def open(self, now=None):
        """Invitations a vendor may still answer: not revoked, not expired, not submitted."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, submitted_at__isnull=True, expires_at__gt=now)


class VendorInvitation(models.Model):
    """A link sent to a vendor's contact, bound to one title, that opens its response form."""

    vendor = models.ForeignKey(
        "Vendor",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("software title"),
    )
    email = models.EmailField(_("vendor contact email"))
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # What the vendor saved with "Save draft": the form as they left it, checked on submit.
    draft = models.JSONField(_("draft"), default=dict, blank=True, editable=False)
    draft_saved_at = models.DateTimeField(_("draft saved"), null=True, blank=True)

    objects = VendorInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("vendor invitation")
        verbose_name_plural = _("vendor invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} ({self.vendor.name})"

    def get_absolute_url(self):
        # The token is not stored: the vendor's link cannot be rebuilt, only the admin page.
        return reverse("admin:vendors_vendorinvitation_change", args=[self.pk])

    @classmethod
    def issue(cls, vendor, email, language, created_by=None):
        """A new invitation and its token: the only time the token exists in full, since
        only a hash of its secret is stored."""
        secret = secrets.token_urlsafe(32)
        invitation = cls.objects.create(
            vendor=vendor,
            email=email,
            language=language,
            created_by=created_by,
            secret_hash=hash_secret(secret),
            expires_at=timezone.now() + datetime.timedelta(days=settings.VENDOR_LINK_DAYS),
        )
        return invitation, signing.dumps([invitation.pk, secret], salt=LINK_SALT)

    @classmethod
    def from_token(cls, token):
        """The invitation a token names, or None for a malformed, forged or unknown token.
        Expiry and revocation are the caller's to tell (the vendor gets a different page)."""
        try:
            pk, secret = signing.loads(token, salt=LINK_SALT)
        except (signing.BadSignature, TypeError, ValueError):
            return None
        if not isinstance(pk, int) or not isinstance(secret, str):
            return None
        invitation = cls.objects.select_related("vendor").filter(pk=pk).first()
        if invitation is None or not hmac.compare_digest(
            invitation.secret_hash, hash_secret(secret)
        ):
            return None
        return invitation

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()

    @property
    def is_revoked(self):
        return self.revoked_at is not None

    @property
    def is_open(self):
        return not (self.is_expired or self.is_revoked or self.submitted_at)


def response_url(token):
    return reverse("vendors:vendor_response", kwargs={"token": token})


class ProposalSource(models.TextChoices):
    VENDOR = "vendor", _("The vendor's response")
    EDITOR = "editor", _("An editor's change")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    REVIEWED = "reviewed", _("Reviewed")


class FieldDecision(models.TextChoices):
    PENDING = "pending", _("Not yet reviewed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ProposalStatus.PENDING)


class Proposal(models.Model):
    """Changes to one title that nobody has written yet: a vendor's response or an editor's
    held edit. `changes` maps each change's key (vendors/proposals.py names them: a title
    field, a record's elements or purpose, the subprocessors) to the proposed value, and
    `decisions` each key to accepted, rejected or pending."""

    vendor = models.ForeignKey(
        "Vendor",
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("software title"),
    )
    source = models.CharField(_("source"), max_length=20, choices=ProposalSource.choices)
    invitation = models.ForeignKey(
        VendorInvitation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("vendor invitation"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    changes = models.JSONField(_("proposed values"), default=dict)
    decisions = models.JSONField(_("decision per field"), default=dict)
    # What the vendor told us that has no field: elements the catalog lacks, the attestation.
    notes = models.JSONField(_("notes"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PENDING,
    )
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ProposalSource.values), name="proposal_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.vendor.name}: {self.get_source_display()} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self):
        return reverse("admin:vendors_proposal_review", args=[self.pk])

    @property
    def origin(self):
        """Who the values came from, as the history's change reason says it."""
        if self.source == ProposalSource.VENDOR and self.invitation:
            return _("From the vendor's response (%(email)s)") % {"email": self.invitation.email}
        if self.source == ProposalSource.VENDOR:
            return _("From the vendor's response")
        name = self.proposed_by.get_username() if self.proposed_by else "?"
        return _("An editor's change (%(name)s), accepted by a publisher") % {"name": name}
