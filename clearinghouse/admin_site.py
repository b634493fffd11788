"""The admin site: two-factor authentication that a district can make compulsory.

Staff may add a TOTP device (an authenticator app) in the admin; anyone who has one
must enter its code to sign in. With ADMIN_REQUIRE_2FA on, nobody without a verified
device gets past the login page, except staff signed in by the district's identity
provider, whose own MFA stands in for the code.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from clearinghouse import oidc
from clearinghouse.oidc.backends import signed_in_with_identity_provider
from clearinghouse.security import superusers_only_by_password


class AdminLoginForm(OTPAdminAuthenticationForm):
    def clean(self):
        self.cleaned_data = AdminAuthenticationForm.clean(self)
        user = self.get_user()
        if settings.ADMIN_REQUIRE_2FA or user_has_device(user):
            self.clean_otp(user)
        return self.cleaned_data


class ClearinghouseAdminSite(admin.AdminSite):
    site_header = _("Data Sharing Clearinghouse administration")
    site_title = _("Clearinghouse admin")
    login_form = AdminLoginForm
    # django-otp's login form, with the identity provider's button above it when configured.
    login_template = "admin/clearinghouse_login.html"
    # Links to the dashboard of what needs action, for staff allowed to see it.
    index_template = "admin/clearinghouse_index.html"

    def login(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "identity_provider_url": oidc.login_url() if oidc.is_configured() else None,
            "password_for_superusers_only": superusers_only_by_password(),
            "otp_login_template": OTPAdminSite.login_template,
        }
        return super().login(request, extra_context)

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        # The identity provider applied the district's own MFA: no local code on top.
        return (
            not settings.ADMIN_REQUIRE_2FA
            or request.user.is_verified()
            or signed_in_with_identity_provider(request)
        )
