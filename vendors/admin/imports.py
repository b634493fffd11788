"""Background imports, listed so that a publisher who left a progress page can find it
again. Read-only: the worker alone writes them."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import ImportJob
from .publishing import can_publish


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["progress_page", "status", "rows_total", "created_by", "created_at"]
    list_filter = ["status"]

    @admin.display(description=_("file"))
    def progress_page(self, job):
        url = reverse("admin:vendors_vendor_import_job", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, job.original_file_name or job.pk)

    def has_view_permission(self, request, obj=None):
        return can_publish(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
