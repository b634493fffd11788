from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Data sharing clearinghouse")

    def ready(self):
        # In ready(), after every model of the app (history models too) is registered.
        from pagecache.version import track_writes

        # Subscriptions are on no page: a family subscribing must not retire every page.
        track_writes(self.label, untracked=["Subscription"])
