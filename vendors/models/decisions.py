"""The district's decision on a title: may it be used, and on what terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    """What a publisher decided. Blank on a title means no decision is recorded yet."""

    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
    CONSENT_REQUIRED = "consent_required", _("Parental consent required")
    NOT_APPROVED = "not_approved", _("Not approved")
    UNDER_REVIEW = "under_review", _("Under review")
