"""How a district's own spreadsheet becomes ours: its column headers, matched to our columns
once and kept, so that next term's file imports without matching them again."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ColumnMapping(models.Model):
    """{their header: our column} for the titles' import; an empty column means "ignore"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    columns = models.JSONField(
        _("columns"),
        default=dict,
        help_text=_(
            "Each of the file's headers and the column of ours it fills, "
            'e.g. {"App name": "name", "Vendor": "company"}. An empty value ignores the column.'
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:vendors_columnmapping_change", args=[self.pk])
