from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportModelAdmin
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)
from simple_history.admin import SimpleHistoryAdmin

from .documents import document_response
from .forms import AdminDocumentWidget, SharingRecordForm
from .history import deleted_vendors, restore_vendor
from .keeping_current import action_sections
from .models import (
    DOCUMENT_FIELDS,
    Agreement,
    Audience,
    DataElement,
    DataElementCategory,
    DestructionTerm,
    DistrictProfile,
    PublicationStatus,
    SecurityIncident,
    SharingRecord,
    StatePreset,
    Subprocessor,
    UsageStatement,
    Vendor,
    VendorSlugRedirect,
)
from .resources import (
    AgreementResource,
    SubprocessorResource,
    VendorImportForm,
    VendorResource,
)
from .state_presets import (
    active_state,
    entries_missing_required_fields,
    missing_requirements,
    requirements_for,
)
from .translation import MissingTranslationFilter

PUBLISH_PERMISSION = "vendors.publish_vendor"


def can_publish(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


class PublisherImportMixin:
    """A file can publish and rewrite hundreds of rows at once: importing is a publisher's
    job. Editors may still export."""

    import_form_class = VendorImportForm

    def has_import_permission(self, request):
        return can_publish(request) and self.has_add_permission(request)


class PublishingAdminMixin:
    """Publish, unpublish and retire actions, and a status only publishers may change.

    Every status change goes through the QuerySet's set_status(), which saves each
    object: history records it, and cache invalidation can hook on the save signals.
    """

    actions = ["publish", "unpublish", "retire"]

    def has_publish_permission(self, request):
        return can_publish(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request):
            readonly.append("status")
        return readonly

    def revert_disabled(self, request, obj=None):
        # Reverting can bring back a published version: a publisher's decision.
        return not can_publish(request) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Hiding the Revert button is not enough: refuse the POST itself.
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_status(self, request, queryset, status, message):
        count = queryset.set_status(status)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

    @admin.action(
        permissions=["publish"], description=_("Publish the selected %(verbose_name_plural)s")
    )
    def publish(self, request, queryset):
        self.change_status(
            request, queryset, PublicationStatus.PUBLISHED, _("Published: %(count)d.")
        )

    @admin.action(
        permissions=["publish"], description=_("Unpublish the selected %(verbose_name_plural)s")
    )
    def unpublish(self, request, queryset):
        self.change_status(
            request, queryset, PublicationStatus.DRAFT, _("Returned to draft: %(count)d.")
        )

    @admin.action(
        permissions=["publish"], description=_("Retire the selected %(verbose_name_plural)s")
    )
    def retire(self, request, queryset):
        self.change_status(request, queryset, PublicationStatus.RETIRED, _("Retired: %(count)d."))


@admin.register(DistrictProfile)
class DistrictProfileAdmin(TranslationAdmin):
    list_filter = [MissingTranslationFilter]
    list_display = ["full_name", "short_name", "contact_email", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        # There is exactly one district; once it exists, staff edit it rather than add another.
        return not DistrictProfile.objects.exists() and super().has_add_permission(request)


@admin.register(Audience)
class AudienceAdmin(TranslationAdmin):
    list_display = ["title", "name", "slug", "position"]
    list_filter = [MissingTranslationFilter]
    search_fields = ["name", "title"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(DataElementCategory)
class DataElementCategoryAdmin(TranslationAdmin):
    list_display = ["name", "position"]
    list_filter = [MissingTranslationFilter]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DataElement)
class DataElementAdmin(TranslationAdmin, SimpleHistoryAdmin):
    list_display = ["name", "category", "title_count"]
    list_filter = ["category", MissingTranslationFilter]
    search_fields = ["name", "category__name", "description"]
    autocomplete_fields = ["category"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("category")
            .annotate(title_count=Count("sharing_records__vendor", distinct=True))
        )

    @admin.display(description=_("titles receiving it"), ordering="title_count")
    def title_count(self, element):
        return element.title_count


class SharedTextAdmin(TranslationAdmin, SimpleHistoryAdmin):
    list_display = ["title", "title_count", "updated_at"]
    list_filter = [MissingTranslationFilter]
    search_fields = ["title", "text"]
    readonly_fields = ["updated_at"]
    # The Vendor changelist filter that lists the titles showing this text.
    vendor_lookup = None

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        count = Vendor.objects.filter(**{self.vendor_lookup: obj.pk}).distinct().count()
        if not count:
            return fieldsets
        # One edit here rewrites every page that shows the text: say so before saving.
        warning = ngettext(
            "This text appears on %(count)d title. Saving changes it there.",
            "This text appears on %(count)d titles. Saving changes it on every one of them.",
            count,
        ) % {"count": count}
        (name, options), *rest = fieldsets
        return [(name, {**options, "description": warning}), *rest]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(title_count=Count("sharing_records__vendor", distinct=True))
        )

    @admin.display(description=_("appears on titles"), ordering="title_count")
    def title_count(self, shared_text):
        url = reverse("admin:vendors_vendor_changelist")
        query = urlencode({self.vendor_lookup: shared_text.pk})
        return format_html('<a href="{}?{}">{}</a>', url, query, shared_text.title_count)


@admin.register(UsageStatement)
class UsageStatementAdmin(SharedTextAdmin):
    vendor_lookup = "sharing_records__usage_statement__id__exact"


@admin.register(DestructionTerm)
class DestructionTermAdmin(SharedTextAdmin):
    vendor_lookup = "sharing_records__destruction_term__id__exact"


class SharingRecordInline(TranslationStackedInline):
    model = SharingRecord
    form = SharingRecordForm
    extra = 0
    autocomplete_fields = ["usage_statement", "destruction_term"]
    filter_horizontal = ["elements"]
    fields = [
        "audience",
        "status",
        "elements_intro",
        "elements",
        "usage_statement",
        "destruction_term",
        ("legal_basis", "legal_basis_other"),
    ]

    def get_max_num(self, request, obj=None, **kwargs):
        # One record per audience: the form offers no more rows than there are audiences.
        return Audience.objects.count()

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request):
            readonly.append("status")
        return readonly


AGREEMENT_FIELDSETS = [
    (None, {"fields": ["status", ("signed_on", "effective_on", "expires_on")]}),
    (
        _("Signed agreement"),
        {
            "fields": [("signed_agreement", "signed_agreement_public")],
            "description": _(
                "A PDF. It is never reachable by its address: parents can download it from "
                "the title's page only while it is marked public and the title is published."
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


class AgreementInline(admin.StackedInline):
    model = Agreement
    extra = 0
    formfield_overrides = AGREEMENT_FORMFIELD_OVERRIDES
    fieldsets = [
        (None, {"fields": ["audience"]}),
        *AGREEMENT_FIELDSETS,
    ]


class SubprocessorInline(TranslationTabularInline):
    model = Subprocessor
    extra = 0
    fields = ["name", "purpose", "location", "position"]


class VendorSlugRedirectInline(admin.TabularInline):
    model = VendorSlugRedirect
    extra = 0
    fields = ["old_slug", "created_at"]
    readonly_fields = ["created_at"]


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
        if self.value() == "no":
            return queryset.listed().exclude(pk__in=missing)
        return queryset


@admin.register(Vendor)
class VendorAdmin(
    PublishingAdminMixin,
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
        MissingStateFieldsFilter,
        MissingTranslationFilter,
        "sharing_records__audience",
        "sharing_records__elements",
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
        (_("Dates"), {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.action(
        permissions=["publish"], description=_("Publish the selected %(verbose_name_plural)s")
    )
    def publish(self, request, queryset):
        super().publish(request, queryset)
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

    resource_classes = [VendorResource]
    # Adds the "Deleted titles" link; django-import-export builds its buttons on top of it.
    change_list_template = "admin/vendors/vendor/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sharing_records__audience")

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

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, UnicodeDecodeError):
            form.add_error(
                "import_file",
                _(
                    "The file is not UTF-8 text. In your spreadsheet, save it as "
                    "“CSV UTF-8” (or as XLSX) and upload it again. Nothing was changed."
                ),
            )
        else:
            super().add_data_read_fail_error_to_form(form, error)

    def lookup_allowed(self, lookup, value, request=None):
        # The shared-text admins link here to list the titles showing one text.
        if lookup in (
            UsageStatementAdmin.vendor_lookup,
            DestructionTermAdmin.vendor_lookup,
        ):
            return True
        return super().lookup_allowed(lookup, value, request)

    def get_changelist_instance(self, request):
        # A list column gets no request: hand each row on the page its missing fields,
        # worked out once for the whole list.
        changelist = super().get_changelist_instance(request)
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

    def get_urls(self):
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="vendors_vendor_deleted",
            ),
            path(
                "deleted/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="vendors_vendor_restore",
            ),
            *super().get_urls(),
        ]

    def deleted_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Deleted titles"),
            "deleted": deleted_vendors(),
            "can_restore": can_publish(request) and self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/vendors/vendor/deleted.html", context)

    def restore_view(self, request, history_id):
        if request.method != "POST":
            return redirect("admin:vendors_vendor_deleted")
        if not (can_publish(request) and self.has_add_permission(request)):
            raise PermissionDenied
        historical = get_object_or_404(Vendor.history.filter(history_type="-"), pk=history_id)
        with transaction.atomic():
            vendor, record_count = restore_vendor(historical)
        if vendor is None:
            self.message_user(
                request, _("That title already exists again; nothing to restore."), messages.ERROR
            )
            return redirect("admin:vendors_vendor_deleted")
        self.message_user(
            request,
            ngettext(
                "Restored “%(name)s” with %(count)d sharing record.",
                "Restored “%(name)s” with %(count)d sharing records.",
                record_count,
            )
            % {"name": vendor.name, "count": record_count},
            messages.SUCCESS,
        )
        return redirect("admin:vendors_vendor_change", vendor.pk)


@admin.register(SharingRecord)
class SharingRecordAdmin(PublishingAdminMixin, TranslationAdmin, SimpleHistoryAdmin):
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


class NeedsActionFilter(admin.SimpleListFilter):
    """The same lists as `manage.py clearinghouse_report`, one click away."""

    title = _("needs action")
    parameter_name = "needs_action"

    def lookups(self, request, model_admin):
        return [
            ("expiring", _("Expiring within 90 days")),
            ("review", _("Review overdue")),
            ("certificate", _("No destruction certificate 30 days after the end")),
        ]

    def queryset(self, request, queryset):
        lists = {
            "expiring": queryset.expiring_soon,
            "review": queryset.review_overdue,
            "certificate": queryset.certificate_overdue,
        }
        chosen = lists.get(self.value())
        return chosen() if chosen else queryset


@admin.register(Agreement)
class AgreementAdmin(PublisherImportMixin, ImportExportModelAdmin, SimpleHistoryAdmin):
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
                self.admin_site.admin_view(self.document_view),
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
class SecurityIncidentAdmin(PublishingAdminMixin, TranslationAdmin, SimpleHistoryAdmin):
    # Retiring means nothing for an incident: it stays public for as long as it is published.
    actions = ["publish", "unpublish"]
    list_display = ["vendor", "discovered_on", "disclosed_on", "students_affected", "status"]
    list_filter = ["status", "vendor", MissingTranslationFilter]
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


def dashboard_view(request):
    """What needs staff action (vendors.keeping_current), linked to each change page."""
    if not request.user.has_perm("vendors.view_agreement"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("What needs action"),
        "sections": action_sections(),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
