from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import BaseBackend

IDENTITY_PROVIDER_BACKEND = "clearinghouse.oidc.backends.IdentityProviderBackend"


class IdentityProviderBackend(BaseBackend):
    """The backend a session records when the identity provider signed its person in.

    It checks no credentials: allauth's flow has done that. Being named in the session, it
    tells the admin site that this sign-in needs no local code (the provider's own MFA
    stood in for it), and it lets a deactivated account's session lapse like Django's.
    """

    def get_user(self, user_id):
        return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()


def signed_in_with_identity_provider(request):
    return request.session.get(BACKEND_SESSION_KEY) == IDENTITY_PROVIDER_BACKEND
