from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.utils.crypto import get_random_string


class DistrictProvider(OpenIDConnectProvider):
    """allauth's OpenID Connect provider, with a nonce.

    allauth checks the state and (with PKCE) the code verifier, but sends no nonce; the
    nonce, kept with the state in the session, ties the ID token to this very sign-in
    (`SocialAccountAdapter.pre_social_login` compares them). Discovery happens here, on
    the click, never while the site starts or renders the login page (`urls.py` turns an
    unreachable provider into a 503).
    """

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params["nonce"] = nonce
        return super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )
