"""Deployment checks of our own, run by `manage.py check --deploy`."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

UNSENT_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}


@checks.register(checks.Tags.mail, deploy=True)
def mail_is_sent(app_configs, **kwargs):
    problems = []
    if settings.MAILERS["default"]["BACKEND"] in UNSENT_MAIL_BACKENDS:
        problems.append(
            checks.Warning(
                "EMAIL_URL is not set: confirmations, invitations and notices are printed "
                "to the console instead of being sent.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.district.example:587.",
                id="clearinghouse.W001",
            )
        )
    if settings.SITE_URL.startswith(("http://127.0.0.1", "http://localhost")):
        problems.append(
            checks.Warning(
                "SITE_URL is not set: links in mail would point at this machine.",
                hint="Set SITE_URL to the public address, e.g. https://privacy.district.example.",
                id="clearinghouse.W002",
            )
        )
    return problems


@checks.register(checks.Tags.security)
def identity_provider_is_complete(app_configs, **kwargs):
    """OIDC_ISSUER turns the district's sign-in on; without the rest it could only fail."""
    if not settings.OIDC_ISSUER:
        if settings.PASSWORD_SIGN_IN == "superusers":  # noqa: S105 (a setting's value)
            return [
                checks.Warning(
                    "PASSWORD_SIGN_IN=superusers without OIDC_ISSUER: only superusers can sign in.",
                    hint="Set OIDC_ISSUER, or PASSWORD_SIGN_IN=all.",
                    id="clearinghouse.W010",
                )
            ]
        return []
    problems = [
        checks.Error(
            f"OIDC_ISSUER is set but {name} is not.",
            hint="Copy it from the district's app registration (see the README).",
            id="clearinghouse.E010",
        )
        for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
        if not getattr(settings, name)
    ]
    issuer = urlsplit(settings.OIDC_ISSUER)
    if issuer.scheme != "https" and issuer.hostname not in {"localhost", "127.0.0.1", "::1"}:
        problems.append(
            checks.Error(
                "OIDC_ISSUER must be an https:// address.",
                hint="e.g. https://login.microsoftonline.com/<tenant id>/v2.0",
                id="clearinghouse.E011",
            )
        )
    if not settings.OIDC_ALLOWED_DOMAINS:
        problems.append(
            checks.Error(
                "OIDC_ALLOWED_DOMAINS (or DISTRICT_EMAIL_DOMAINS) is empty: nobody could sign in.",
                hint="e.g. OIDC_ALLOWED_DOMAINS=district.example",
                id="clearinghouse.E012",
            )
        )
    if not (settings.OIDC_EDITOR_VALUES or settings.OIDC_PUBLISHER_VALUES):
        problems.append(
            checks.Error(
                "Neither OIDC_EDITOR_VALUES nor OIDC_PUBLISHER_VALUES is set: "
                "nobody would get a role.",
                hint=f"List the values of the {settings.OIDC_ROLES_CLAIM!r} claim for each role.",
                id="clearinghouse.E013",
            )
        )
    return problems
