"""Staff sign-in with the district's own OpenID Connect provider, through django-allauth.

`provider.py` adds the nonce allauth leaves out; `urls.py` mounts allauth's two views and
answers an unreachable provider with a 503; `claims.py` decides, from the claims alone, who
may come in and with which roles; `adapters.py` applies that to allauth's flow (refusals,
the user and their groups); `pages.py` renders what a refused or stranded person sees, and
writes the audit line.
"""

from django.conf import settings
from django.urls import reverse

PROVIDER_ID = "district"


def is_configured():
    return bool(settings.OIDC_ISSUER)


def login_url():
    return reverse("openid_connect_login", kwargs={"provider_id": PROVIDER_ID})
