"""What sets a publisher apart from an editor: changing a status, importing, reverting."""

import logging

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

from ..models import PublicationStatus
from ..resources import VendorImportForm

PUBLISH_PERMISSION = "vendors.publish_vendor"

logger = logging.getLogger(__name__)


def can_publish(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


class PublisherImportMixin:
    """A file can publish and rewrite hundreds of rows at once: importing is a publisher's
    job. Editors may still export."""

    import_form_class = VendorImportForm

    def has_import_permission(self, request):
        return can_publish(request) and self.has_add_permission(request)


class PublisherStatusMixin:
    """A status only publishers may change: editors see it read-only."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request):
            readonly.append("status")
        return readonly


class PublishingAdminMixin(PublisherStatusMixin):
    """Publish, unpublish and retire actions, and a status only publishers may change.

    Every status change goes through the QuerySet's set_status(), which saves each
    object: history records it, and cache invalidation can hook on the save signals.
    """

    actions = ["publish", "unpublish", "retire"]

    def has_publish_permission(self, request):
        return can_publish(request)

    def revert_disabled(self, request, obj=None):
        # Reverting can bring back a published version: a publisher's decision.
        return not can_publish(request) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Hiding the Revert button is not enough: refuse the POST itself.
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_status(self, request, queryset, status, message):
        try:
            count = queryset.set_status(status)
        except IntegrityError as error:
            # set_status() is all or nothing: say so, and which rule the database held.
            logger.exception("status action refused by the database")
            self.message_user(
                request,
                _("Nothing was changed: the database refused one of the %(items)s (%(error)s).")
                % {"items": self.opts.verbose_name_plural, "error": error},
                messages.ERROR,
            )
            return
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
        self.status_changed(request, queryset, status)

    def status_changed(self, request, queryset, status):
        """Called after each status action, for an admin that has more to tell the user."""

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
