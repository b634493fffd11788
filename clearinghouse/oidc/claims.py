"""Who the provider says a person is, and what that lets them do here: no request, no database."""

from dataclasses import dataclass, field

from django.conf import settings

EDITOR_GROUP = "Clearinghouse editor"
PUBLISHER_GROUP = "Clearinghouse publisher"
ROLE_GROUPS = (EDITOR_GROUP, PUBLISHER_GROUP)


class Refusal(Exception):
    """The provider signed the person in, but they may not come in here."""

    def __init__(self, reason, email=""):
        super().__init__(reason)
        self.reason = reason
        self.email = email


@dataclass
class Person:
    email: str
    first_name: str = ""
    last_name: str = ""
    groups: list[str] = field(default_factory=list)


def claim_values(claims, name):
    """A claim as a list of strings: Entra ID sends lists, an email claim is one string."""
    value = claims.get(name)
    if value is None:
        return []
    if isinstance(value, str | int):
        return [str(value)]
    if isinstance(value, list | tuple):
        return [str(item) for item in value if isinstance(item, str | int)]
    return []


def is_true(value):
    # Some providers (AWS Cognito, older Azure B2C) send the string "true".
    return value is True or (isinstance(value, str) and value.lower() == "true")


def person_from_claims(claims):
    """The person these claims describe, or a `Refusal` saying why they may not sign in."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise Refusal("no_email")
    email = email.strip().lower()
    # Entra ID sends no email_verified; a provider that does must have checked the address.
    if "email_verified" in claims and not is_true(claims["email_verified"]):
        raise Refusal("email_not_verified", email)
    if email.rpartition("@")[2] not in settings.OIDC_ALLOWED_DOMAINS:
        raise Refusal("domain_not_allowed", email)
    values = {value.lower() for value in claim_values(claims, settings.OIDC_ROLES_CLAIM)}
    groups = [
        group
        for group, wanted in (
            (EDITOR_GROUP, settings.OIDC_EDITOR_VALUES),
            (PUBLISHER_GROUP, settings.OIDC_PUBLISHER_VALUES),
        )
        if values & {value.lower() for value in wanted}
    ]
    if not groups:
        raise Refusal("no_role", email)
    return Person(
        email=email,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
        groups=groups,
    )
