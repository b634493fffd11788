"""The district and the catalog the titles are described with: audiences, data elements
and their categories, and the texts many titles share."""

from django.contrib import admin, messages
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from ..models import (
    Audience,
    DataElement,
    DataElementCategory,
    DestructionTerm,
    DistrictProfile,
    UsageStatement,
    Vendor,
)
from ..state_presets import suggested_annual_notice
from ..translation import MissingTranslationFilter


@admin.register(DistrictProfile)
class DistrictProfileAdmin(TranslationAdmin):
    list_filter = [MissingTranslationFilter]
    list_display = ["full_name", "short_name", "contact_email", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        # There is exactly one district; once it exists, staff edit it rather than add another.
        return not DistrictProfile.objects.exists() and super().has_add_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        suggestion = suggested_annual_notice(self.get_object(request, object_id))
        if request.method == "GET" and suggestion:
            month, day, citation = suggestion
            messages.info(
                request,
                _(
                    "Your state's law (%(citation)s) dates the annual notice to families: "
                    "set the annual notice month to %(month)d and the day to %(day)d, and "
                    "send_digests will email it to every subscriber on that date."
                )
                % {"citation": citation, "month": month, "day": day},
            )
        return super().change_view(request, object_id, form_url, extra_context)


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
