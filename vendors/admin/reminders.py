"""When `manage.py send_reminders` ran and whom it reached. Read-only: the command alone
writes them. Anyone who sees the dashboard (editors and publishers) may look."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import ReminderDelivery, ReminderRun

DASHBOARD_PERMISSION = "vendors.view_agreement"


class ReadOnlyAdminMixin:
    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(DASHBOARD_PERMISSION)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReminderDeliveryInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ReminderDelivery
    extra = 0
    fields = ["email", "user", "sent_at", "failure"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(ReminderRun)
class ReminderRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "period",
        "frequency",
        "run_status",
        "sent",
        "recipients",
        "items",
        "checked_at",
    ]
    list_filter = ["frequency"]
    search_fields = ["period"]
    fields = ["period", "frequency", "run_status", "items", "started_at", "checked_at"]
    readonly_fields = fields
    inlines = [ReminderDeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description=_("status"))
    def run_status(self, run):
        return run.status(run.recipients, run.sent).label

    @admin.display(description=_("sent to"), ordering="sent")
    def sent(self, run):
        return run.sent

    @admin.display(description=_("staff to tell"), ordering="recipients")
    def recipients(self, run):
        return run.recipients


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["email", "run", "sent_at", "failure"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "run__frequency"]
    search_fields = ["email", "run__period"]
    list_select_related = ["run"]
    fields = ["run", "user", "email", "sent_at", "failure"]
    readonly_fields = fields
