"""What a vendor states about its use of AI, as yes, no, or not stated (yet)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AIAnswer(models.TextChoices):
    """Stored as a code, so that the open data reads the same in every language. "Not
    stated" is an answer of its own: a parent must not read silence as a "no"."""

    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_STATED = "not_stated", _("Not stated")
