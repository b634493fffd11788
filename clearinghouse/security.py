"""Who is knocking on the admin: the client's address, how long a lockout lasts, and an audit
line per login event."""

import ipaddress
import logging

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver

logger = logging.getLogger("clearinghouse.auth")


def client_ip(request):
    """The visitor's address, trusting X-Forwarded-For only as far as our own proxies wrote it.

    A client can put anything in X-Forwarded-For, to dodge the lockout or to frame someone
    else's address. So the header counts only on a connection from one of our proxies
    (FORWARDED_ALLOW_IPS, judged as gunicorn judges X-Forwarded-Proto), and then only the
    entries those proxies appended (the last TRUSTED_PROXY_COUNT).
    """
    if request is None:
        return None
    peer = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0 and is_trusted_proxy(peer):
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return peer


def is_trusted_proxy(peer):
    allowed = settings.FORWARDED_ALLOW_IPS
    # gunicorn gives a UNIX socket's peer no address, and trusts it: only this host connects.
    if "*" in allowed or not peer:
        return True
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(entry) for entry in allowed)


def lockout_length(request):
    """AXES_COOLOFF_TIME: how long the lock on this username at this address lasts.

    axes uses one length both as the window in which failures count and as the life of
    their record. Below the limit it is LOGIN_FAILURE_MEMORY, so the record outlives the
    first lock, and a wrong password after a lock has ended locks the pair again at once
    (only a try outside a lock is counted). The first lock lasts LOGIN_LOCKOUT_FIRST and
    each one after it twice as long as the last: someone who mistyped waits a few
    minutes, and a guesser who waits out every lock gets about eight guesses a day.
    """
    if request is None:
        return settings.LOGIN_LOCKOUT_FIRST
    failures = AccessAttempt.objects.filter(
        username=get_client_username(request),
        ip_address=getattr(request, "axes_ip_address", None),
    ).aggregate(total=Sum("failures_since_start"))["total"]
    locks_before = (failures or 0) - settings.AXES_FAILURE_LIMIT
    if locks_before < 0:
        return settings.LOGIN_FAILURE_MEMORY
    # Capped before multiplying: hundreds of failures must not overflow a timedelta.
    doubled = settings.LOGIN_LOCKOUT_FIRST * 2 ** min(locks_before, 20)
    return min(doubled, settings.LOGIN_FAILURE_MEMORY)


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs):
    method = (
        "identity_provider"
        if getattr(user, "backend", "").startswith("clearinghouse.oidc.")
        else "password"
    )
    logger.info(
        "login",
        extra={
            "event": "login",
            "username": user.get_username(),
            "ip": client_ip(request),
            "method": method,
        },
    )


@receiver(user_logged_out)
def log_logout(sender, request, user, **kwargs):
    username = user.get_username() if user is not None else None
    logger.info("logout", extra={"event": "logout", "username": username, "ip": client_ip(request)})


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    # Only the username: Django already masks the password, but nothing else the
    # form carried belongs in a log.
    logger.warning(
        "login failed",
        extra={
            "event": "login_failed",
            "username": credentials.get("username"),
            "ip": client_ip(request),
        },
    )


class LockoutBackend(AxesStandaloneBackend):
    """django-axes's lockout check, for sign-ins that come with a request.

    The admin's login form always passes the request. Code that authenticates
    without one (Django's test client `login()`, scripts) has no address to lock,
    and django-axes would refuse it outright; it falls through to the password check.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class PasswordBackend(ModelBackend):
    """Django's password check; with PASSWORD_SIGN_IN=superusers, for superusers alone.

    Anyone else is refused exactly as a wrong password is (counted by the lockout, logged as
    a failure), so the form never tells a guesser that a password was right.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None and superusers_only_by_password() and not user.is_superuser:
            return None
        return user


def superusers_only_by_password():
    """PASSWORD_SIGN_IN=superusers: staff sign in through the identity provider alone."""
    return settings.PASSWORD_SIGN_IN == "superusers"  # noqa: S105 (a setting's value)
