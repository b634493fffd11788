"""The district's decision on a title, in the title admin: its fieldset (a publisher's word,
read-only for editors), the schools it may be limited to, and the staff's own download of
its consent forms."""

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _

from ..documents import pdf_response, sandboxed_document
from ..forms import AdminDocumentWidget
from ..models import GRADE_BANDS, School, Vendor
from ..models.titles import CONSENT_FORM_FIELDS
from ..translation import translation_field_names

DECISION_FIELDSET = (
    _("The district's decision"),
    {
        "fields": [
            ("decision", "decided_on"),
            "decision_conditions",
            "decision_reason",
            tuple(band.field for band in GRADE_BANDS),
            "schools",
            "alternatives",
            "consent_form",
        ],
        "description": _(
            "Only a publisher sets the decision. Tick no grade band for a decision that "
            "covers every grade. A not-approved title stays public, with its reason, "
            "but is never listed on an audience page as receiving data."
        ),
    },
)


def decision_form_fields():
    """The fieldset's fields as the admin's form names them: one field per language where
    the text is translated."""
    translated = {name.rsplit("_", 1)[0] for name in translation_field_names(Vendor)}
    fields = [
        name
        for entry in DECISION_FIELDSET[1]["fields"]
        for name in (entry if isinstance(entry, tuple) else (entry,))
    ]
    return [
        name
        for field in fields
        for name in (
            [f"{field}_{code}" for code, _name in settings.LANGUAGES]
            if field in translated
            else [field]
        )
    ]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


class DecisionAdminMixin:
    """For the title admin: only publishers change the decision's fields, and stored consent
    forms link to a staff download, since nothing serves MEDIA_URL."""

    autocomplete_fields = ["schools", "alternatives"]
    formfield_overrides = {
        models.FileField: {
            "widget": AdminDocumentWidget(url_name="admin:vendors_vendor_consent_form")
        }
    }

    def publisher_only_fields(self, vendor):
        return decision_form_fields()

    def get_urls(self):
        return [
            path(
                "<int:pk>/consent-form/<str:field>/",
                self.admin_site.admin_view(sandboxed_document(self.consent_form_view)),
                name="vendors_vendor_consent_form",
            ),
            *super().get_urls(),
        ]

    def consent_form_view(self, request, pk, field):
        """Staff read a consent form in any language, whatever the decision, here."""
        if field not in CONSENT_FORM_FIELDS:
            raise Http404
        vendor = get_object_or_404(Vendor, pk=pk)
        if not self.has_view_permission(request, vendor) or not getattr(vendor, field):
            raise Http404
        return pdf_response(getattr(vendor, field), f"{vendor.slug}-consent-form.pdf")
