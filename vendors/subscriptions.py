"""Subscribing by double opt-in, and the one-click unsubscribe of RFC 8058.

The form stores nothing. It mails the address a link that carries the choices, signed
(django.core.signing), and only following that link and pressing its button stores them.
So an address typed by someone else receives one message and leaves no row behind, and
an address already subscribed gets the same kind of message, whose link replaces its
choices: the form's answer cannot tell anyone whether an address is subscribed.

The link also carries when the address last confirmed (empty for a new one), so that it
works once: after it, or after any later confirmation, it is stale.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from . import mail
from .models import Subscription, Vendor

CONFIRM_SALT = "vendors.subscriptions.confirm"
# How long a confirmation link works: after it, nothing was stored, so nothing expires.
CONFIRM_MAX_AGE = timedelta(days=7)
ONE_CLICK = "List-Unsubscribe=One-Click"


class LinkError(Exception):
    """A confirmation link that cannot be used: `reason` is "invalid", "expired" or "used"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Choices:
    email: str
    language: str
    all_changes: bool
    title_ids: tuple = ()

    def titles(self):
        """The chosen titles a visitor can still read about, by name."""
        return Vendor.objects.public().filter(pk__in=self.title_ids).order_by("name")


def _state(subscription):
    return subscription.confirmed_at.isoformat() if subscription else ""


def confirmation_path(choices):
    """The confirmation page's address for these choices, in the subscriber's language."""
    existing = Subscription.objects.filter(email=choices.email).first()
    value = signing.dumps(
        {
            "e": choices.email,
            "l": choices.language,
            "a": choices.all_changes,
            "t": list(choices.title_ids),
            "s": _state(existing),
        },
        salt=CONFIRM_SALT,
        compress=True,
    )
    with translation.override(choices.language):
        return reverse("vendors:subscribe_confirm", kwargs={"signed": value}), existing


def ask_to_confirm(choices):
    """Mail the address its confirmation link: the only message sent before it is followed.
    An SMTP failure raises, for the page to say so."""
    path, existing = confirmation_path(choices)
    mail.send(
        choices.email,
        "subscription_confirm",
        {
            "confirm_url": mail.absolute_url(path),
            "already_subscribed": existing is not None,
            "all_changes": choices.all_changes,
            "titles": list(choices.titles()),
            "days": CONFIRM_MAX_AGE.days,
        },
        language=choices.language,
    )


def read_link(signed):
    """(choices, state) from a confirmation link; LinkError when forged, mangled or expired."""
    try:
        data = signing.loads(signed, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkError("expired") from error
    except signing.BadSignature as error:
        raise LinkError("invalid") from error
    try:
        choices = Choices(
            email=str(data["e"]),
            language=str(data["l"]),
            all_changes=bool(data["a"]),
            title_ids=tuple(int(pk) for pk in data["t"]),
        )
        return choices, str(data["s"])
    except (KeyError, TypeError, ValueError) as error:
        raise LinkError("invalid") from error


def is_used(choices, state):
    """Whether the address has confirmed since the link was sent (with it, or a newer one)."""
    return _state(Subscription.objects.filter(email=choices.email).first()) != state


def confirm(signed):
    """Store the link's choices, once. The cursor starts now: a new subscriber's first
    digest has what changed after they subscribed, not the whole log."""
    choices, state = read_link(signed)
    try:
        with transaction.atomic():
            existing = Subscription.objects.select_for_update().filter(email=choices.email).first()
            if _state(existing) != state:
                raise LinkError("used")
            now = timezone.now()
            subscription = existing or Subscription(email=choices.email, sent_through=now)
            subscription.language = choices.language
            subscription.all_changes = choices.all_changes
            subscription.confirmed_at = now
            subscription.save()
            subscription.titles.set([] if choices.all_changes else choices.titles())
    except IntegrityError as error:
        # The same new address confirmed twice at once: the first one won.
        raise LinkError("used") from error
    return subscription


def unsubscribe(token):
    """Delete the subscription whose link this is; False when there is none (any longer)."""
    deleted, _by_model = Subscription.objects.filter(token=token).delete()
    return bool(deleted)


def unsubscribe_headers(subscription):
    """RFC 8058: a mail client's own Unsubscribe button POSTs to this address, one click."""
    with translation.override(subscription.language):
        url = mail.absolute_url(subscription.get_absolute_url())
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}, url
