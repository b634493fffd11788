"""The admin site: two-factor authentication that a district can make compulsory.

Staff may add a TOTP device (an authenticator app) in the admin; anyone who has one
must enter its code to sign in. With ADMIN_REQUIRE_2FA on, nobody without a verified
device gets past the login page.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


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
    login_template = OTPAdminSite.login_template
    # Links to the dashboard of what needs action, for staff allowed to see it.
    index_template = "admin/clearinghouse_index.html"

    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        return not settings.ADMIN_REQUIRE_2FA or request.user.is_verified()
