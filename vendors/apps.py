from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VendorsConfig(AppConfig):
    name = "vendors"
    verbose_name = _("Data sharing clearinghouse")

    def ready(self):
        # In ready(), after every model of the app (history models too) is registered.
        from . import content_version, context_processors

        content_version.connect_signals(self.label)
        context_processors.connect_signals()
