"""The title admin, where staff edit a title with its sharing records, agreements and
subprocessors inline, and the admins of the rows that belong to a title."""

from django.contrib import admin, messages
from django.db.models import prefetch_related_objects
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from ..forms import RECORD_FIELDS, SharingRecordForm
from ..models import (
    Audience,
    PublicationStatus,
    SharingRecord,
    StatePreset,
    Subprocessor,
    Vendor,
    VendorSlugRedirect,
)
from ..resources import VendorResource
from ..state_presets import (
    active_state,
    entries_missing_required_fields,
    missing_requirements,
    requirements_for,
)
from ..translation import MissingTranslationFilter
from .agreements import AgreementInline
from .catalog import DestructionTermAdmin, UsageStatementAdmin
from .choices import OncePerRequestChoicesMixin
from .column_mapping import ColumnMappingImportMixin
from .decisions import DECISION_FIELDSET, DecisionAdminMixin
from .deleted_titles import DeletedTitlesAdminMixin
from .element_filter import DataElementSearchFilter
from .publishing import (
    PublishedTitlePartMixin,
    PublisherImportMixin,
    PublisherOnlyFieldsMixin,
    PublisherStatusMixin,
    PublishingAdminMixin,
)

# Importing it also registers the invitations admin.
from .responses import HeldPartChangesMixin, VendorResponseAdminMixin


class SharingRecordInline(
    OncePerRequestChoicesMixin, PublisherStatusMixin, TranslationStackedInline
):
    model = SharingRecord
    form = SharingRecordForm
    extra = 0
    autocomplete_fields = ["usage_statement", "destruction_term"]
    once_per_request_autocomplete = autocomplete_fields
    filter_horizontal = ["elements"]
    fields = [*RECORD_FIELDS, ("legal_basis", "legal_basis_other")]

    def get_queryset(self, request):
        # Each form's heading names the title and the audience; its elements fill the picker.
        return (
            super()
            .get_queryset(request)
            .select_related("vendor", "audience")
            .prefetch_related("elements")
        )

    def get_max_num(self, request, obj=None, **kwargs):
        # One record per audience: the form offers no more rows than there are audiences.
        return Audience.objects.count()


class SubprocessorInline(TranslationTabularInline):
    model = Subprocessor
    extra = 0
    fields = ["name", "purpose", "location", "position"]

    def get_queryset(self, request):
        # Each row is named with its title.
        return super().get_queryset(request).select_related("vendor")


class VendorSlugRedirectInline(admin.TabularInline):
    model = VendorSlugRedirect
    extra = 0
    fields = ["old_slug", "created_at"]
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        # Each row is named with its title's slug.
        return super().get_queryset(request).select_related("vendor")


def titles_missing_state_fields(vendors=None):
    """{title id: [requirement, ...]} for the published titles missing a field the active
    preset requires, in a fixed number of queries."""
    return {vendor.pk: items for vendor, items in entries_missing_required_fields(vendors=vendors)}


class MissingStateFieldsFilter(admin.SimpleListFilter):
    """The published titles that do not yet meet the district's state law."""

    title = _("missing fields required by state law")
    parameter_name = "missing_state_fields"

    def lookups(self, request, model_admin):
        if not requirements_for(active_state()):
            return []
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        missing = titles_missing_state_fields()
        if self.value() == "yes":
            return queryset.filter(pk__in=missing)
        return queryset.listed().exclude(pk__in=missing)


@admin.register(Vendor)
class VendorAdmin(
    DecisionAdminMixin,
    DeletedTitlesAdminMixin,
    PublisherOnlyFieldsMixin,
    VendorResponseAdminMixin,
    PublishingAdminMixin,
    ColumnMappingImportMixin,
    PublisherImportMixin,
    TranslationAdmin,
    ImportExportModelAdmin,
    SimpleHistoryAdmin,
):
    list_display = [
        "name",
        "company",
        "status",
        "audience_list",
        "missing_state_fields",
        "updated_at",
    ]
    list_filter = [
        "status",
        "decision",
        MissingStateFieldsFilter,
        MissingTranslationFilter,
        "sharing_records__audience",
        DataElementSearchFilter,
        "sharing_records__elements__category",
    ]
    search_fields = ["name", "company", "description", "sharing_records__elements__name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at", "state_requirements"]
    inlines = [
        AgreementInline,
        SharingRecordInline,
        SubprocessorInline,
        VendorSlugRedirectInline,
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "company",
                    "status",
                    "description",
                    "business_address",
                    "has_no_subprocessors",
                ]
            },
        ),
        DECISION_FIELDSET,
        (_("Required by state law"), {"fields": ["state_requirements"]}),
        (
            _("Links"),
            {
                "fields": [
                    ("privacy_policy_label", "privacy_policy_url"),
                    ("terms_label", "terms_url"),
                    ("website_label", "website_url"),
                ],
                "description": _(
                    "Give each link the label to show. Leave the URL blank when the district "
                    "has only a label: the page shows it as text, never a dead link."
                ),
            },
        ),
        (
            _("AI and accessibility"),
            {"fields": ["generative_ai", "trains_models", "accessibility_report_url"]},
        ),
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]

    resource_classes = [VendorResource]

    # Adds the "Deleted titles" link; django-import-export builds its buttons on top of it.
    change_list_template = "admin/vendors/vendor/change_list.html"

    def status_changed(self, request, queryset, status):
        if status != PublicationStatus.PUBLISHED:
            return
        # A published title whose records are all drafts appears on no audience page: its
        # records stay drafts on purpose (one audience may still be under review), so say so
        # rather than publish them unasked.
        unlisted = (
            queryset.listed()
            .exclude(sharing_records__status=PublicationStatus.PUBLISHED)
            .order_by("name")
        )
        names = ", ".join(vendor.name for vendor in unlisted)
        if names:
            self.message_user(
                request,
                _(
                    "Published, but on no audience page until a sharing record is published "
                    "too: %(names)s."
                )
                % {"names": names},
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        vendor = form.instance
        # Ending an agreement records a fact; retiring the title is the publisher's decision
        # that moves it to "Former vendors". Say so, so that neither step is forgotten.
        if vendor.status == PublicationStatus.PUBLISHED and vendor.all_agreements_ended:
            self.message_user(
                request,
                _(
                    "Every agreement of “%(name)s” has ended, but the title is still listed "
                    "as current. A publisher should retire it to move it to Former vendors."
                )
                % {"name": vendor.name},
                messages.WARNING,
            )

    def lookup_allowed(self, lookup, value, request=None):
        # The shared-text admins link here to list the titles showing one text; links to one
        # element's titles kept from when the elements were listed in the sidebar still work.
        if lookup in (
            UsageStatementAdmin.vendor_lookup,
            DestructionTermAdmin.vendor_lookup,
            "sharing_records__elements__id__exact",
        ):
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_changelist_instance(self, request):
        # A list column gets no request: hand each row on the page its missing fields,
        # worked out once for the whole list.
        changelist = super().get_changelist_instance(request)
        # Only the list shows each row's audiences; the change page has its own inline.
        prefetch_related_objects(changelist.result_list, "sharing_records__audience")
        shown = Vendor.objects.filter(pk__in=[vendor.pk for vendor in changelist.result_list])
        missing = titles_missing_state_fields(shown)
        for vendor in changelist.result_list:
            vendor.missing_state_requirements = missing.get(vendor.pk, [])
        return changelist

    @admin.display(description=_("missing for state law"))
    def missing_state_fields(self, vendor):
        return len(getattr(vendor, "missing_state_requirements", [])) or "—"

    @admin.display(description=_("state law"))
    def state_requirements(self, vendor):
        state = active_state()
        if not requirements_for(state):
            return _("No state preset is active. Choose the state in the district profile.")
        name = StatePreset(state).label
        if vendor.pk is None:
            return _("Checked once the title is saved.")
        missing = missing_requirements(vendor)
        if not missing:
            return _("All fields the %(state)s preset requires are filled.") % {"state": name}
        return format_html(
            "<p>{}</p><ul>{}</ul>",
            _("Missing for the %(state)s preset:") % {"state": name},
            format_html_join("", "<li>{} ({})</li>", ((r.label, r.citation) for r in missing)),
        )

    @admin.display(description=_("audiences"))
    def audience_list(self, vendor):
        return ", ".join(record.audience.name for record in vendor.sharing_records.all())


@admin.register(SharingRecord)
class SharingRecordAdmin(
    HeldPartChangesMixin,
    OncePerRequestChoicesMixin,
    PublishedTitlePartMixin,
    PublishingAdminMixin,
    TranslationAdmin,
    SimpleHistoryAdmin,
):
    form = SharingRecordForm
    list_display = ["vendor", "audience", "status", "updated_at"]
    list_filter = [
        "audience",
        "status",
        "legal_basis",
        "elements__category",
        MissingTranslationFilter,
    ]
    search_fields = ["vendor__name", "elements__name"]
    autocomplete_fields = ["vendor", "usage_statement", "destruction_term"]
    filter_horizontal = ["elements"]
    list_select_related = ["vendor", "audience"]
    readonly_fields = ["updated_at"]


@admin.register(VendorSlugRedirect)
class VendorSlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_slug", "vendor", "created_at"]
    search_fields = ["old_slug", "vendor__name"]
    autocomplete_fields = ["vendor"]
    readonly_fields = ["created_at"]
    list_select_related = ["vendor"]
