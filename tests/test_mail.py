"""Mail goes through Django's SMTP backend to a real server, in the recipient's language."""

import pytest
from django.utils import translation

from vendors import mail

pytestmark = pytest.mark.django_db

MESSAGES = {
    "emails/greeting_subject.txt": "{% load i18n %}{% translate 'Search' %}\n  for {{ name }}",
    "emails/greeting.txt": (
        "{% extends 'emails/base.txt' %}{% load i18n %}{% block body %}"
        "{% translate 'Search' %}: {{ name }} {{ link }}{% endblock %}"
    ),
}


@pytest.fixture
def greeting_templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", MESSAGES),
                    "django.template.loaders.filesystem.Loader",
                ],
            },
        }
    ]


def test_a_message_reaches_a_real_smtp_server_in_the_recipients_language(
    mail_server, greeting_templates, district, settings
):
    settings.SITE_URL = "https://privacy.district.example"
    mail.send(
        "parent@example.org",
        "greeting",
        {"name": "Tom & Jerry <3", "link": mail.absolute_url("/vendors/")},
        language="es",
    )

    [message] = mail_server.messages
    assert message["To"] == "parent@example.org"
    assert message["Content-Language"] == "es"
    # One line, in Spanish, with what staff typed left as typed: mail is not HTML.
    assert message["Subject"] == "Buscar for Tom & Jerry <3"
    body = mail_server.text(message)
    assert "Buscar: Tom & Jerry <3 https://privacy.district.example/vendors/" in body
    assert district.full_name in body
    # The sender's own language is untouched.
    assert translation.get_language() == "en"


def test_send_each_yields_only_what_the_server_took(mail_server, greeting_templates, district):
    messages = [mail.compose(f"p{n}@example.org", "greeting", {"name": n}) for n in range(3)]
    sent = [message.to[0] for message in mail.send_each(messages)]
    assert sent == ["p0@example.org", "p1@example.org", "p2@example.org"]
    assert [m["To"] for m in mail_server.messages] == sent
