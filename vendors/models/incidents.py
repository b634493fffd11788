"""Security incidents at a vendor that touched the district's data."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .catalog import DataElement
from .publication import (
    PublicationQuerySet,
    PublicationStatus,
    TitlePart,
    http_url_validator,
    public_q,
    publication_status_field,
)


class SecurityIncidentQuerySet(PublicationQuerySet):
    def public(self):
        """Published incidents of current and former titles: when a title is retired,
        families still need to know what happened to their data."""
        return self.filter(status=PublicationStatus.PUBLISHED).filter(public_q("vendor__"))


class SecurityIncident(TitlePart):
    """A breach or other security incident at a vendor that touched the district's data."""

    vendor = models.ForeignKey(
        "Vendor",
        on_delete=models.CASCADE,
        related_name="security_incidents",
        verbose_name=_("software title"),
    )
    discovered_on = models.DateField(_("discovered"))
    disclosed_on = models.DateField(
        _("disclosed to the district"),
        null=True,
        blank=True,
        help_text=_("When the vendor told the district. Blank while not yet disclosed."),
    )
    summary = models.TextField(
        _("what happened"),
        help_text=_("In plain language, for parents. Shown as written (no Markdown)."),
    )
    elements = models.ManyToManyField(
        DataElement,
        related_name="security_incidents",
        verbose_name=_("data elements involved"),
        blank=True,
    )
    students_affected = models.PositiveIntegerField(
        _("district students affected"),
        null=True,
        blank=True,
        help_text=_("Leave blank while the number is not known."),
    )
    notice_url = models.URLField(
        _("link to the notice"), max_length=500, blank=True, validators=[http_url_validator]
    )
    status = publication_status_field()
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = SecurityIncidentQuerySet.as_manager()
    # `history` is registered in vendors/translation.py, once the language columns exist.

    class Meta:
        verbose_name = _("security incident")
        verbose_name_plural = _("security incidents")
        ordering = ["-discovered_on", "vendor__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(summary=""), name="security_incident_summary_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PublicationStatus.values),
                name="security_incident_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.vendor.name}, {self.discovered_on.isoformat()}"

    def get_absolute_url(self):
        return f"{reverse('vendors:incident_list')}#incident-{self.pk}"

    def clean(self):
        if self.disclosed_on and self.discovered_on and self.disclosed_on < self.discovered_on:
            raise ValidationError(
                {"disclosed_on": _("An incident cannot be disclosed before it was discovered.")}
            )
