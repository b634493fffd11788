"""allauth, fitted to staff sign-in: no sign-up or account pages of its own, the district's
rules at the door, and roles that follow the provider's claims on every sign-in."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import statekit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from requests import RequestException

from . import PROVIDER_ID, is_configured
from .backends import IDENTITY_PROVIDER_BACKEND
from .claims import ROLE_GROUPS, Refusal, person_from_claims
from .pages import failed, refused, unavailable


class AccountAdapter(DefaultAccountAdapter):
    """No one signs up with a password here, and the admin is where a sign-in lands."""

    def is_open_for_signup(self, request):
        return False

    def get_login_redirect_url(self, request):
        return reverse("admin:index")

    def get_signup_redirect_url(self, request):
        return reverse("admin:index")

    def add_message(self, *args, **kwargs):
        # allauth's "Successfully signed in" would greet staff in a catalog we do not keep.
        pass

    def login(self, request, user):
        user.backend = IDENTITY_PROVIDER_BACKEND
        super().login(request, user)


def claims_of(sociallogin):
    """The ID token's claims, with the userinfo endpoint's (usually fuller) on top."""
    extra = sociallogin.account.extra_data or {}
    return {**(extra.get("id_token") or {}), **(extra.get("userinfo") or {})}


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        """The district's app, from the OIDC_ settings; none before OIDC_ISSUER is set."""
        if not is_configured():
            return []
        app = SocialApp(
            provider="openid_connect",
            provider_id=PROVIDER_ID,
            name=PROVIDER_ID,
            client_id=settings.OIDC_CLIENT_ID,
            secret=settings.OIDC_CLIENT_SECRET,
            settings={
                "server_url": settings.OIDC_ISSUER,
                "token_auth_method": "client_secret_post",
            },
        )
        if provider not in {None, app.provider, app.provider_id}:
            return []
        if client_id not in {None, app.client_id}:
            return []
        return [app]

    def is_open_for_signup(self, request, sociallogin):
        # Only after pre_social_login has let the person in, so always.
        return True

    def pre_social_login(self, request, sociallogin):
        """The district's rules, before allauth signs anyone in or makes their account."""
        if sociallogin.state.get("process") != AuthProcess.LOGIN:
            raise ImmediateHttpResponse(failed(request, "not_a_sign_in"))
        id_token = (sociallogin.account.extra_data or {}).get("id_token") or {}
        nonce = sociallogin.state.get("nonce")
        if not nonce or id_token.get("nonce") != nonce:
            raise ImmediateHttpResponse(failed(request, "nonce_mismatch"))
        try:
            person = person_from_claims(claims_of(sociallogin))
        except Refusal as refusal:
            if sociallogin.is_existing:
                # The provider no longer gives them a role here: neither does the admin.
                sociallogin.user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS))
            raise ImmediateHttpResponse(
                refused(request, refusal.reason, refusal.email)
            ) from refusal
        if not sociallogin.is_existing:
            self.link_existing_account(request, sociallogin, person)
        if sociallogin.is_existing:
            if not sociallogin.user.is_active:
                raise ImmediateHttpResponse(refused(request, "inactive", person.email))
            self.apply(sociallogin.user, person)

    def link_existing_account(self, request, sociallogin, person):
        """Staff who had a password account before keep it, with its history."""
        user = get_user_model()._default_manager.filter(email__iexact=person.email).first()
        if user is None:
            return
        if user.is_superuser:
            # The break-glass account stays outside the provider's reach.
            raise ImmediateHttpResponse(refused(request, "superuser_address", person.email))
        sociallogin.user = user
        sociallogin.save(request, connect=True)

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.is_staff = True
        return user

    def save_user(self, request, sociallogin, form=None):
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form)
            self.apply(user, person_from_claims(claims_of(sociallogin)))
        return user

    @staticmethod
    @transaction.atomic
    def apply(user, person):
        """The roles, name and address the provider gives, as of this sign-in."""
        user.email = person.email
        user.first_name = person.first_name or user.first_name
        user.last_name = person.last_name or user.last_name
        user.is_staff = True
        user.save(update_fields=["email", "first_name", "last_name", "is_staff"])
        roles = Group.objects.filter(name__in=ROLE_GROUPS)
        user.groups.remove(*[group for group in roles if group.name not in person.groups])
        user.groups.add(*[group for group in roles if group.name in person.groups])

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ):
        """Every way the round trip can fail gets our page, never allauth's (or a 500)."""
        extra_context = extra_context or {}
        if isinstance(exception, RequestException):
            raise ImmediateHttpResponse(unavailable(request, exception))
        if error == AuthError.CANCELLED:
            raise ImmediateHttpResponse(failed(request, "cancelled"))
        if "state" not in extra_context and "state_id" in extra_context:
            # No sign-in of this browser's is waiting for this answer: the session ended
            # (or was never this browser's), or the state was altered on the way.
            expired = not statekit.get_states(request)
            raise ImmediateHttpResponse(
                failed(request, "session_expired" if expired else "state_mismatch", expired=expired)
            )
        reason = type(exception).__name__ if exception else str(error or "unknown")
        raise ImmediateHttpResponse(failed(request, reason))

    def get_connect_redirect_url(self, request, socialaccount):
        return reverse("admin:index")
