"""allauth's two OpenID Connect views, and nothing else of allauth's: mounted under ADMIN_URL
as <ADMIN_URL>oidc/district/login/ and …/login/callback/, with allauth's URL names."""

from functools import wraps

import requests
from allauth.socialaccount.providers.openid_connect import views
from django.urls import path

from .pages import unavailable


def provider_may_be_down(view):
    """allauth reads the discovery document outside its own error handling, both when the
    sign-in starts and when the answer comes back: an unreachable provider is a 503 here."""

    @wraps(view)
    def wrapper(request, provider_id):
        try:
            return view(request, provider_id)
        except requests.RequestException as error:
            return unavailable(request, error)

    return wrapper


urlpatterns = [
    path(
        "oidc/<str:provider_id>/login/",
        provider_may_be_down(views.login),
        name="openid_connect_login",
    ),
    path(
        "oidc/<str:provider_id>/login/callback/",
        provider_may_be_down(views.callback),
        name="openid_connect_callback",
    ),
]
