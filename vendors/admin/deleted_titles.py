"""Deleted titles in the title admin: the list of them from history, and a publisher's
restore of one with its sharing records."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..history import deleted_vendors, restore_vendor
from ..models import Vendor
from .publishing import can_publish


class DeletedTitlesAdminMixin:
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
