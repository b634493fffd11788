"""The staff dashboard: what needs action, linked to each change page."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from ..keeping_current import action_sections
from ..models import ReminderRun


def dashboard_view(request):
    """What needs staff action (vendors.keeping_current), linked to each change page."""
    if not request.user.has_perm("vendors.view_agreement"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": _("What needs action"),
        "sections": action_sections(),
        # Whether cron's `send_reminders` runs, and when staff were last told.
        "last_reminder": ReminderRun.objects.last_sent(),
        "last_reminder_check": ReminderRun.objects.order_by("-checked_at").first(),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
