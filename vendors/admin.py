from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import (
    Audience,
    DataElement,
    DataElementCategory,
    DestructionTerm,
    DistrictProfile,
    SharingRecord,
    UsageStatement,
    Vendor,
    VendorSlugRedirect,
)


@admin.register(DistrictProfile)
class DistrictProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "short_name", "contact_email", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        # There is exactly one district; once it exists, staff edit it rather than add another.
        return not DistrictProfile.objects.exists() and super().has_add_permission(request)


@admin.register(Audience)
class AudienceAdmin(admin.ModelAdmin):
    list_display = ["title", "name", "slug", "position"]
    search_fields = ["name", "title"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(DataElementCategory)
class DataElementCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DataElement)
class DataElementAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "title_count"]
    list_filter = ["category"]
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


class SharedTextAdmin(admin.ModelAdmin):
    list_display = ["title", "title_count", "updated_at"]
    search_fields = ["title", "text"]
    readonly_fields = ["updated_at"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(title_count=Count("sharing_records__vendor", distinct=True))
        )

    @admin.display(description=_("appears on titles"), ordering="title_count")
    def title_count(self, shared_text):
        return shared_text.title_count


@admin.register(UsageStatement)
class UsageStatementAdmin(SharedTextAdmin):
    pass


@admin.register(DestructionTerm)
class DestructionTermAdmin(SharedTextAdmin):
    pass


class SharingRecordInline(admin.StackedInline):
    model = SharingRecord
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
    ]


class VendorSlugRedirectInline(admin.TabularInline):
    model = VendorSlugRedirect
    extra = 0
    fields = ["old_slug", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "status", "audience_list", "updated_at"]
    list_filter = ["status", "sharing_records__audience"]
    search_fields = ["name", "company", "description", "sharing_records__elements__name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [SharingRecordInline, VendorSlugRedirectInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "company", "status", "description"]}),
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

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sharing_records__audience")

    @admin.display(description=_("audiences"))
    def audience_list(self, vendor):
        return ", ".join(record.audience.name for record in vendor.sharing_records.all())


@admin.register(SharingRecord)
class SharingRecordAdmin(admin.ModelAdmin):
    list_display = ["vendor", "audience", "status", "updated_at"]
    list_filter = ["audience", "status", "elements__category"]
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
