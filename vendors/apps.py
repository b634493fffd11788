from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Data sharing clearinghouse")

    def ready(self):
        # In ready(), after every model of the app (history models too) is registered.
        from pagecache.version import track_writes

        # Connects the receivers that decide and notify review requests.
        from . import requests  # noqa: F401

        # Written by public forms, vendors' drafts and cron, and shown on no public page: each
        # write would otherwise retire every cached page.
        track_writes(
            self.label,
            untracked={
                "vendors.ReviewRequest",
                "vendors.Subscription",
                "vendors.VendorInvitation",
                "vendors.ReminderRun",
                "vendors.ReminderDelivery",
            },
        )
