"""The mail the clearinghouse sends, each message in its recipient's language.

A message is two templates under templates/emails/: `<name>_subject.txt` (one line) and
`<name>.txt` (plain text, extending emails/base.txt, which turns HTML escaping off and
signs with the district). Links are absolute, from SITE_URL, because commands that send mail
have no request to build them from.
"""

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.template import Context
from django.template.loader import get_template
from django.utils import translation


def absolute_url(path):
    """`path` (from reverse() or get_absolute_url()) as a link that works in an inbox."""
    return f"{settings.SITE_URL}{path}"


def compose(to, template, context=None, *, language=None, headers=None, reply_to=None):
    """One message to one recipient, rendered in `language` (the site's default if None).

    `to` is a single address: each person gets their own message, so no one sees who else
    was told, and a per-recipient link (unsubscribe, confirmation) stays theirs.
    """
    from .models import DistrictProfile

    language = language or settings.LANGUAGE_CODE
    context = context or {}
    with translation.override(language):
        context = {
            # A caller sending many messages passes the district, read once for them all.
            "district": context["district"] if "district" in context else DistrictProfile.load(),
            "site_url": settings.SITE_URL,
            "language": language,
            **context,
        }
        subject = " ".join(render_text(f"emails/{template}_subject.txt", context).split())
        body = render_text(f"emails/{template}.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        to=[to],
        reply_to=reply_to,
        headers={"Content-Language": language, **(headers or {})},
    )


def render_text(template_name, context):
    """A template rendered as plain text: what staff typed reaches the inbox as typed."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def send(to, template, context=None, **options):
    """Compose and send one message now; an SMTP failure raises (the caller decides)."""
    compose(to, template, context, **options).send()


def send_each(messages):
    """Send messages over one connection, yielding each once it has gone.

    The caller records each as sent when it is yielded, so that a server failing half-way
    leaves a record of exactly who was told and a rerun sends only the rest.
    """
    with mailers.default as connection:
        for message in messages:
            connection.send_messages([message])
            yield message
