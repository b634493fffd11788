"""What a person sees when the provider's sign-in does not let them in, and the audit line."""

import logging
from http import HTTPStatus

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from clearinghouse.security import client_ip

from . import login_url

logger = logging.getLogger("clearinghouse.auth")

# Why, as the person should read it; the audit log keeps the reason's key.
REASONS = {
    "no_email": _("Your account at the district has no email address we can read."),
    "email_not_verified": _("The district has not verified the email address of your account."),
    "domain_not_allowed": _(
        "Only accounts with one of the district's email addresses may sign in."
    ),
    "no_role": _(
        "Your account has no role in the clearinghouse: ask the district's IT staff to "
        "give you the clearinghouse's editor or publisher role."
    ),
    "superuser_address": _(
        "This address belongs to an administrator account, which signs in with its password."
    ),
    "inactive": _("Your account in the clearinghouse has been deactivated."),
}


def refused(request, reason, email=""):
    """A person the provider vouched for, whom the clearinghouse does not let in (403)."""
    audit(request, "oidc_refused", reason, email)
    return render(
        request,
        "oidc/refused.html",
        {"reason": REASONS[reason], "login_url": login_url()},
        status=HTTPStatus.FORBIDDEN,
    )


def failed(request, reason, *, expired=False):
    """A sign-in that went wrong on the way: an old or altered link, a provider's error (400)."""
    audit(request, "oidc_failed", reason)
    return render(
        request,
        "oidc/failed.html",
        {"expired": expired, "login_url": login_url()},
        status=HTTPStatus.BAD_REQUEST,
    )


def unavailable(request, error):
    """The provider could not be reached, or answered nonsense: try later (503)."""
    audit(request, "oidc_unavailable", type(error).__name__)
    response = render(
        request,
        "oidc/unavailable.html",
        {"login_url": login_url()},
        status=HTTPStatus.SERVICE_UNAVAILABLE,
    )
    response["Retry-After"] = "60"
    return response


def audit(request, event, reason, email=""):
    logger.warning(
        event,
        extra={
            "event": event,
            "reason": reason,
            "username": email or None,
            "ip": client_ip(request),
        },
    )
