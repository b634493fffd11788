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

        # A review request is written by a public form and shown on no public page.
        track_writes(self.label, untracked={"vendors.ReviewRequest"})
