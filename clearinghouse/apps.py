from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClearinghouseConfig(AppConfig):
    """The project's own plumbing: security logging, health checks, backups. No models."""

    name = "clearinghouse"
    default = True
    verbose_name = "Clearinghouse site"

    def ready(self):
        from . import checks, security  # noqa: F401  (registers checks; connects the login audit receivers)


class ClearinghouseAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that knows about two-factor authentication."""

    default = False
    default_site = "clearinghouse.admin_site.ClearinghouseAdminSite"
