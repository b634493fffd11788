"""The queue of review requests: new ones first, oldest first, with the title each became."""

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from ..models import RequestStatus, ReviewRequest
from ..requests import create_draft_title, fold_into

QUEUE_ORDER = [
    RequestStatus.NEW,
    RequestStatus.IN_REVIEW,
    RequestStatus.WAITING_ON_VENDOR,
    RequestStatus.DECIDED,
    RequestStatus.DECLINED_DUPLICATE,
]


def queue_rank():
    return Case(
        *(When(status=status, then=Value(rank)) for rank, status in enumerate(QUEUE_ORDER)),
        default=Value(len(QUEUE_ORDER)),
        output_field=IntegerField(),
    )


@admin.register(ReviewRequest)
class ReviewRequestAdmin(SimpleHistoryAdmin):
    list_display = [
        "tool_name",
        "status",
        "days_waiting",
        "title_link",
        "duplicate_of",
        "requester_email",
        "created_at",
    ]
    list_filter = ["status", "language", "data_elements_unknown"]
    # Each status's count beside it in the filter: the queue's size at a glance.
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["tool_name", "website", "requester_email", "title__name"]
    list_select_related = ["title", "duplicate_of"]
    autocomplete_fields = ["title", "duplicate_of"]
    actions = ["create_draft_titles", "mark_as_duplicates"]
    readonly_fields = [
        "title_link",
        "requester_email",
        "language",
        "grade_list",
        "element_list",
        "data_elements_unknown",
        "confirmed_at",
        "decision_notified",
        "notified_at",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["status", ("title", "title_link"), "duplicate_of"]}),
        (
            _("The request"),
            {
                "fields": [
                    "tool_name",
                    "website",
                    "intended_use",
                    "grade_list",
                    "element_list",
                    "data_elements_unknown",
                    "requester_email",
                    "language",
                ]
            },
        ),
        (
            _("Dates and notices"),
            {
                "fields": [
                    "created_at",
                    "confirmed_at",
                    "updated_at",
                    "decision_notified",
                    "notified_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        # Unconfirmed requests are not in the queue: nobody has shown the address is theirs.
        return super().get_queryset(request).confirmed().prefetch_related("data_elements")

    def get_ordering(self, request):
        # New ones first, then in review, waiting, decided; the oldest first in each.
        return [queue_rank().asc(), "created_at", "pk"]

    def has_add_permission(self, request):
        # Requests come from district staff through the public form.
        return False

    @admin.display(description=_("days waiting"))
    def days_waiting(self, review_request):
        if review_request.status in (RequestStatus.DECIDED, RequestStatus.DECLINED_DUPLICATE):
            return "—"
        return (timezone.now() - review_request.created_at).days

    @admin.display(description=_("title page"), ordering="title__name")
    def title_link(self, review_request):
        if review_request.title is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:vendors_vendor_change", args=[review_request.title_id]),
            review_request.title.name,
        )

    @admin.display(description=_("grade bands"))
    def grade_list(self, review_request):
        return ", ".join(str(label) for label in review_request.grade_bands) or "—"

    @admin.display(description=_("student data it will need"))
    def element_list(self, review_request):
        return ", ".join(element.name for element in review_request.data_elements.all()) or "—"

    def save_model(self, request, obj, form, change):
        # Naming a first request folds this one (and what was folded into it) into that one.
        if "duplicate_of" in form.changed_data and obj.duplicate_of_id:
            with transaction.atomic():
                super().save_model(request, obj, form, change)
                fold_into(obj, obj.duplicate_of)
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Create a draft title from each selected request"))
    def create_draft_titles(self, request, queryset):
        if not request.user.has_perm("vendors.add_vendor"):
            self.message_user(
                request, _("Only staff who may add titles can do this."), messages.ERROR
            )
            return
        waiting = list(queryset.filter(title__isnull=True, duplicate_of__isnull=True))
        with transaction.atomic():
            titles = [create_draft_title(review_request) for review_request in waiting]
        self.message_user(
            request,
            ngettext(
                "Created %(count)d draft title, under review: %(names)s.",
                "Created %(count)d draft titles, under review: %(names)s.",
                len(titles),
            )
            % {"count": len(titles), "names": ", ".join(title.name for title in titles) or "—"},
            messages.SUCCESS if titles else messages.WARNING,
        )

    @admin.action(description=_("Mark as duplicates of the first (oldest) selected request"))
    def mark_as_duplicates(self, request, queryset):
        selected = list(queryset.order_by("created_at", "pk"))
        if len(selected) < 2:
            self.message_user(
                request,
                _("Select the first request and its duplicates together."),
                messages.ERROR,
            )
            return
        first, duplicates = selected[0], selected[1:]
        with transaction.atomic():
            for duplicate in duplicates:
                fold_into(duplicate, first)
        self.message_user(
            request,
            ngettext(
                "Folded %(count)d request into “%(first)s”; its requester is told.",
                "Folded %(count)d requests into “%(first)s”; their requesters are told.",
                len(duplicates),
            )
            % {"count": len(duplicates), "first": first},
            messages.SUCCESS,
        )
