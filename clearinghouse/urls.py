from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

# The admin stays unprefixed. The public pages answer in English at the addresses already
# sent to parents (/parent-data/), and in Spanish and Haitian Creole under /es/ and /ht/.
handler500 = "clearinghouse.errors.server_error_or_outage"


def favicon(request):
    """Browsers and feed readers ask for /favicon.ico whatever a page links. Not a permanent
    redirect: the icon's hashed address changes with the icon."""
    return redirect(static("favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon),
    # Before the admin site, whose catch-all would otherwise answer for the dashboard.
    path(settings.ADMIN_URL, include("vendors.admin.urls")),
    # The identity provider's sign-in (allauth's OpenID Connect views only: none of its
    # account pages), at <ADMIN_URL>oidc/district/login/ and …/login/callback/.
    path(settings.ADMIN_URL, include("clearinghouse.oidc.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
    *i18n_patterns(path("", include("vendors.urls")), prefix_default_language=False),
]
