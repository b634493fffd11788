from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ClearinghouseConfig(AppConfig):
    """The project's own plumbing: security logging, health checks, backups. No models."""

    name = "clearinghouse"
    default = True
    verbose_name = "Clearinghouse site"

    def ready(self):
        from . import checks, security  # noqa: F401  (registers checks; connects the login audit receivers)

        hide_allauth_admin()


def hide_allauth_admin():
    """The identity provider is configured from the environment, and allauth keeps no
    passwords or tokens here: its apps, tokens and addresses would only be rows to get wrong.
    The linked accounts stay, so an administrator can see and unlink one."""
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialApp, SocialToken
    from django.contrib import admin

    for model in (SocialApp, SocialToken, EmailAddress):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


class ClearinghouseAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the site that knows about two-factor authentication."""

    default = False
    default_site = "clearinghouse.admin_site.ClearinghouseAdminSite"
