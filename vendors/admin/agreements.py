"""Agreements, the subprocessors a title hands data to, and security incidents."""

from django.contrib import admin
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from ..documents import document_response, sandboxed_document
from ..forms import AdminDocumentWidget
from ..models import DOCUMENT_FIELDS, Agreement, SecurityIncident, Subprocessor
from ..resources import AgreementResource, SubprocessorResource
from ..translation import MissingTranslationFilter
from .choices import OncePerRequestChoicesMixin
from .publishing import (
    PublishedTitlePartMixin,
    PublisherImportMixin,
    PublisherOnlyFieldsMixin,
    PublishingAdminMixin,
)
from .responses import HeldPartChangesMixin

AGREEMENT_FIELDSETS = [
    (None, {"fields": ["status", ("signed_on", "effective_on", "expires_on")]}),
    (
        _("Signed agreement"),
        {
            "fields": [("signed_agreement", "signed_agreement_public")],
            "description": _(
                "A PDF. It is never reachable by its address: parents can download it from "
                "the title's page only while it is marked public and the title is published. "
                "Only a publisher marks a document public or private, or replaces or moves a "
                "public one."
            ),
        },
    ),
    (_("Review"), {"fields": [("last_reviewed_on", "next_review_due")]}),
    (
        _("District point of contact"),
        {"fields": ["contact_name", ("contact_email", "contact_phone")]},
    ),
    (
        _("When it ends"),
        {
            "fields": [
                ("ended_on", "end_reason"),
                ("destruction_requested_on", "destruction_certified_on"),
                ("destruction_certificate", "destruction_certificate_public"),
            ],
        },
    ),
]
# Stored documents link to the staff download view: nothing serves MEDIA_URL.
AGREEMENT_FORMFIELD_OVERRIDES = {models.FileField: {"widget": AdminDocumentWidget}}


class AgreementPublishingMixin(PublisherOnlyFieldsMixin):
    """Whether a document is public, and a public document itself, are a publisher's
    decisions: whatever an editor uploaded into a public slot would be downloadable at
    once. Moving an agreement takes its public documents to another title's page (or
    off the only one that showed them), so that is one too."""

    def publisher_only_fields(self, agreement):
        public = [field for field in DOCUMENT_FIELDS if getattr(agreement, f"{field}_public")]
        return [
            *(f"{field}_public" for field in DOCUMENT_FIELDS),
            *public,
            *(["vendor"] if public else []),
        ]


class AgreementInline(OncePerRequestChoicesMixin, AgreementPublishingMixin, admin.StackedInline):
    model = Agreement
    extra = 0
    formfield_overrides = AGREEMENT_FORMFIELD_OVERRIDES
    fieldsets = [
        (None, {"fields": ["audience"]}),
        *AGREEMENT_FIELDSETS,
    ]

    def get_queryset(self, request):
        # Each form's heading names the title and the audience.
        return super().get_queryset(request).select_related("vendor", "audience")


class NeedsActionFilter(admin.SimpleListFilter):
    """The same lists as `manage.py clearinghouse_report`, one click away."""

    title = _("needs action")
    parameter_name = "needs_action"

    def lookups(self, request, model_admin):
        return [
            ("expiring", _("Expiring within 90 days")),
            ("review", _("Review overdue")),
            ("certificate", _("No destruction certificate 30 days after the end")),
            ("missing_dates", _("Active, missing its signed, expiry or review date")),
        ]

    def queryset(self, request, queryset):
        lists = {
            "expiring": queryset.expiring_soon,
            "review": queryset.review_overdue,
            "certificate": queryset.certificate_overdue,
            "missing_dates": queryset.missing_dates,
        }
        chosen = lists.get(self.value())
        return chosen() if chosen else queryset


@admin.register(Agreement)
class AgreementAdmin(
    AgreementPublishingMixin, PublisherImportMixin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    resource_classes = [AgreementResource]
    list_display = [
        "vendor",
        "audience",
        "status",
        "expires_on",
        "next_review_due",
        "destruction_certified_on",
    ]
    list_filter = [NeedsActionFilter, "status", "end_reason", "audience"]
    search_fields = ["vendor__name", "contact_name"]
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor", "audience"]
    readonly_fields = ["updated_at"]
    date_hierarchy = "expires_on"
    formfield_overrides = AGREEMENT_FORMFIELD_OVERRIDES
    fieldsets = [
        (None, {"fields": ["vendor", "audience"]}),
        *AGREEMENT_FIELDSETS,
        (_("Dates"), {"fields": ["updated_at"]}),
    ]

    def get_urls(self):
        return [
            path(
                "<int:pk>/document/<str:field>/",
                self.admin_site.admin_view(sandboxed_document(self.document_view)),
                name="vendors_agreement_document",
            ),
            *super().get_urls(),
        ]

    def document_view(self, request, pk, field):
        """Staff read every document, public or not, here and nowhere else."""
        if field not in DOCUMENT_FIELDS:
            raise Http404
        agreement = get_object_or_404(Agreement.objects.select_related("vendor"), pk=pk)
        if not self.has_view_permission(request, agreement) or not getattr(agreement, field):
            raise Http404
        return document_response(agreement, field)


@admin.register(Subprocessor)
class SubprocessorAdmin(
    PublisherImportMixin, TranslationAdmin, ImportExportModelAdmin, SimpleHistoryAdmin
):
    resource_classes = [SubprocessorResource]
    list_display = ["name", "vendor", "purpose", "location"]
    list_filter = ["location", MissingTranslationFilter]
    search_fields = ["name", "purpose", "vendor__name"]
    autocomplete_fields = ["vendor"]
    list_select_related = ["vendor"]


@admin.register(SecurityIncident)
class SecurityIncidentAdmin(
    HeldPartChangesMixin,
    PublishedTitlePartMixin,
    PublishingAdminMixin,
    TranslationAdmin,
    SimpleHistoryAdmin,
):
    # Retiring means nothing for an incident: it stays public for as long as it is published.
    actions = ["publish", "unpublish"]
    list_display = ["vendor", "discovered_on", "disclosed_on", "students_affected", "status"]
    # Only the titles that have had an incident: the sidebar would otherwise list them all.
    list_filter = ["status", ("vendor", admin.RelatedOnlyFieldListFilter), MissingTranslationFilter]
    search_fields = ["vendor__name", "summary"]
    autocomplete_fields = ["vendor", "elements"]
    list_select_related = ["vendor"]
    readonly_fields = ["updated_at"]
    date_hierarchy = "discovered_on"
    fields = [
        "vendor",
        "status",
        ("discovered_on", "disclosed_on"),
        "summary",
        "elements",
        "students_affected",
        "notice_url",
        "updated_at",
    ]
