"""Deployment checks of our own, run by `manage.py check --deploy`."""

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
