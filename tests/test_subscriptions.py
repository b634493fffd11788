"""Subscribing by double opt-in, and unsubscribing in one click (RFC 8058), with the mail
read back from a real SMTP server."""

import re
from http import HTTPStatus
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from pagecache import version
from tests.factories import SubscriptionFactory, VendorFactory
from tests.helpers import validation_messages
from vendors.forms import SubscribeForm
from vendors.models import Subscription
from vendors.subscriptions import CONFIRM_MAX_AGE, CONFIRM_SALT

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"http://testserver(/(?:[a-z]{2}/)?subscribe/confirm/[^/\s]+/)")


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def clever(district):
    return VendorFactory(name="Clever", slug="clever")


def subscribe(client, email="parent@example.org", language="en", path="/subscribe/", **data):
    return client.post(path, {"email": email, "language": language, "scope": "all", **data})


def confirm_path(mail_server, address="parent@example.org"):
    [message] = mail_server.to(address)
    return CONFIRM_LINK.search(mail_server.text(message)).group(1)


@pytest.mark.parametrize(
    ("path", "language"),
    [("/subscribe/", "en"), ("/es/subscribe/", "es"), ("/ht/subscribe/", "ht")],
)
def test_the_form_is_there_in_each_language_with_that_language_chosen(
    client, district, path, language
):
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert f'type="radio" name="language" value="{language}" id="id_language_' in page
    assert re.search(rf'value="{language}" id="id_language_\d" checked', page)


def test_only_the_confirmation_is_sent_and_nothing_is_stored_before_it_is_followed(
    client, district, mail_server
):
    response = subscribe(client)
    assert response.status_code == HTTPStatus.OK
    assert "We have sent a message to parent@example.org" in response.content.decode()
    assert Subscription.objects.count() == 0
    [message] = mail_server.messages
    assert message["To"] == "parent@example.org"
    assert message["Subject"].startswith("Confirm your email updates")
    # Not a list message yet: nothing to unsubscribe from.
    assert message["List-Unsubscribe"] is None
    assert confirm_path(mail_server)


def test_the_form_answers_the_same_for_a_subscribed_and_an_unknown_address(
    client, district, mail_server
):
    SubscriptionFactory(email="known@example.org")
    known = subscribe(client, email="known@example.org")
    unknown = subscribe(client, email="unknown@example.org")
    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert known.content.decode().replace("known@", "X@") == unknown.content.decode().replace(
        "unknown@", "X@"
    )
    # Both get a message with a link; the subscribed one's says its choices would change.
    assert len(mail_server.messages) == 2
    assert "already gets email updates" in mail_server.text(mail_server.to("known@example.org")[0])


def test_the_address_is_stored_in_one_spelling(client, district, mail_server):
    subscribe(client, email="  Parent@Example.ORG ")
    client.post(confirm_path(mail_server))
    assert Subscription.objects.get().email == "parent@example.org"


def test_the_link_shows_a_button_and_only_pressing_it_subscribes(client, district, mail_server):
    subscribe(client, language="es", path="/es/subscribe/")
    path = confirm_path(mail_server)
    assert path.startswith("/es/subscribe/confirm/")
    page = client.get(path)
    assert page.status_code == HTTPStatus.OK
    assert '<button class="usa-button" type="submit">' in page.content.decode()
    # A mail scanner that follows the link subscribes no one.
    assert Subscription.objects.count() == 0
    done = client.post(path)
    assert done.status_code == HTTPStatus.OK
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.language, subscription.all_changes) == (
        "parent@example.org",
        "es",
        True,
    )


def test_a_subscriber_may_choose_titles(client, clever, mail_server):
    other = VendorFactory(name="Other")
    subscribe(client, scope="titles", titles=["clever"])
    assert "- Clever" in mail_server.text(mail_server.messages[0])
    page = client.get(confirm_path(mail_server)).content.decode()
    assert "<li>Clever</li>" in page
    client.post(confirm_path(mail_server))
    subscription = Subscription.objects.get()
    assert not subscription.all_changes
    assert list(subscription.titles.all()) == [clever]
    assert other not in subscription.titles.all()


def test_choosing_titles_without_any_title_is_refused_with_a_message(client, clever, mail_server):
    response = subscribe(client, scope="titles")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Choose at least one title" in response.content.decode()
    assert mail_server.messages == []


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not an address"},
        {"email": ""},
        {"language": "fr"},
        {"scope": "everything"},
        {"scope": "titles", "titles": ["no-such-title"]},
    ],
)
def test_a_malformed_form_is_a_400_with_the_form_again(client, clever, mail_server, data):
    response = subscribe(client, **data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "Please correct what is marked below." in response.content.decode()
    assert mail_server.messages == []


def test_resubscribing_replaces_the_choices_only_once_confirmed(client, clever, mail_server):
    subscription = SubscriptionFactory(email="parent@example.org", language="en")
    subscribe(client, language="ht", scope="titles", titles=["clever"])
    subscription.refresh_from_db()
    assert (subscription.language, subscription.all_changes) == ("en", True)
    client.post(confirm_path(mail_server))
    subscription.refresh_from_db()
    assert (subscription.language, subscription.all_changes) == ("ht", False)
    assert list(subscription.titles.all()) == [clever]


def test_a_link_is_used_once(client, district, mail_server):
    subscribe(client)
    path = confirm_path(mail_server)
    assert client.post(path).status_code == HTTPStatus.OK
    again = client.post(path)
    assert again.status_code == HTTPStatus.GONE
    assert "This link has already been used" in again.content.decode()
    assert client.get(path).status_code == HTTPStatus.GONE
    assert Subscription.objects.count() == 1


def test_an_older_link_is_stale_once_a_newer_one_is_confirmed(client, district, mail_server):
    subscribe(client, language="es")
    first = confirm_path(mail_server)
    mail_server.messages.clear()
    subscribe(client, language="ht")
    client.post(confirm_path(mail_server))
    assert client.post(first).status_code == HTTPStatus.GONE
    assert Subscription.objects.get().language == "ht"


def test_an_expired_link_is_gone_and_says_so(client, district):
    payload = {"e": "parent@example.org", "l": "en", "a": True, "t": [], "s": ""}
    issued = CONFIRM_MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=1_900_000_000 - issued):
        signed = signing.dumps(payload, salt=CONFIRM_SALT, compress=True)
    with mock.patch("django.core.signing.time.time", return_value=1_900_000_000):
        for response in (
            client.get(f"/subscribe/confirm/{signed}/"),
            client.post(f"/subscribe/confirm/{signed}/"),
        ):
            assert response.status_code == HTTPStatus.GONE
            assert "This link has expired" in response.content.decode()
    assert Subscription.objects.count() == 0


@pytest.mark.parametrize(
    "signed",
    [
        "garbage",
        "e30:1vQxyz:forged-signature",
        # Signed with another key: a forgery.
        "eyJlIjoieEBleGFtcGxlLm9yZyJ9:1vQxyz:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
)
def test_a_forged_or_mangled_link_is_a_400(client, district, signed):
    for response in (
        client.get(f"/subscribe/confirm/{signed}/"),
        client.post(f"/subscribe/confirm/{signed}/"),
    ):
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert "This link does not work" in response.content.decode()


def test_a_link_signed_for_something_else_is_refused(client, district):
    signed = signing.dumps({"e": "parent@example.org"}, salt="another.purpose")
    assert client.post(f"/subscribe/confirm/{signed}/").status_code == HTTPStatus.BAD_REQUEST


def test_a_well_signed_link_with_the_wrong_contents_is_a_400_not_a_500(client, district):
    signed = signing.dumps({"e": "x@example.org", "t": "not a list"}, salt=CONFIRM_SALT)
    assert client.post(f"/subscribe/confirm/{signed}/").status_code == HTTPStatus.BAD_REQUEST


def test_the_form_is_limited_per_address(client, district, mail_server, settings):
    settings.PUBLIC_FORM_RATE_PER_ADDRESS = "2/h"
    for _ in range(2):
        assert subscribe(client).status_code == HTTPStatus.OK
    response = subscribe(client, email="PARENT@example.org")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many tries" in response.content.decode()
    assert len(mail_server.messages) == 2


def test_the_form_is_limited_per_client(client, district, mail_server, settings):
    settings.PUBLIC_FORM_RATE_PER_CLIENT = "3/h"
    statuses = [subscribe(client, email=f"p{n}@example.org").status_code for n in range(4)]
    assert statuses == [HTTPStatus.OK] * 3 + [HTTPStatus.TOO_MANY_REQUESTS]
    assert len(mail_server.messages) == 3


def test_a_mail_server_that_is_down_gets_a_clear_page_and_stores_nothing(
    client, district, settings
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    response = subscribe(client)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "The email could not be sent" in response.content.decode()
    assert Subscription.objects.count() == 0


@pytest.mark.parametrize("kind", ["form", "confirm", "unsubscribe"])
def test_no_subscription_page_is_cached(client, district, mail_server, kind):
    if kind == "form":
        path = "/subscribe/"
    elif kind == "confirm":
        subscribe(client)
        path = confirm_path(mail_server)
    else:
        path = SubscriptionFactory().get_absolute_url()
    first = client.get(path)
    assert first.status_code == HTTPStatus.OK
    assert "no-store" in first["Cache-Control"]
    assert "private" in first["Cache-Control"]
    if kind == "unsubscribe":
        Subscription.objects.all().delete()
        # Had the page cache kept it, the button would still be offered.
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND


def test_one_click_unsubscribe_needs_no_csrf_token_and_deletes_the_row(district):
    subscription = SubscriptionFactory(titles=[VendorFactory()])
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        subscription.get_absolute_url(),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == HTTPStatus.OK
    assert "You are unsubscribed" in response.content.decode()
    assert not Subscription.objects.exists()
    assert not Subscription.titles.through.objects.exists()


def test_the_unsubscribe_link_shows_a_button_and_following_it_deletes_nothing(client, district):
    subscription = SubscriptionFactory(email="parent@example.org")
    page = client.get(subscription.get_absolute_url())
    assert page.status_code == HTTPStatus.OK
    content = page.content.decode()
    assert "Press the button to stop every email to parent@example.org" in content
    assert '<form method="post">' in content
    assert Subscription.objects.exists()
    assert client.post(subscription.get_absolute_url()).status_code == HTTPStatus.OK
    assert not Subscription.objects.exists()


def test_a_used_or_made_up_unsubscribe_link_is_a_404_with_a_clear_page(client, district):
    subscription = SubscriptionFactory()
    path = subscription.get_absolute_url()
    client.post(path)
    for response in (client.post(path), client.get(path), client.get("/unsubscribe/made-up/")):
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert "No subscription for this link" in response.content.decode()


def test_the_other_pages_still_refuse_a_post_without_csrf(district):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/subscribe/", {"email": "x@example.org"}).status_code == (
        HTTPStatus.FORBIDDEN
    )


@pytest.mark.parametrize("path", ["/es/subscribe/", "/ht/subscribe/"])
def test_the_links_in_a_translated_mail_stay_in_its_language(client, district, mail_server, path):
    language = path.split("/")[1]
    subscribe(client, language=language, path=path)
    [message] = mail_server.messages
    assert message["Content-Language"] == language
    assert urlsplit("http://testserver" + confirm_path(mail_server)).path.startswith(
        f"/{language}/subscribe/confirm/"
    )


def test_every_subscription_page_is_valid_html(client, clever, mail_server, java, tmp_path):
    subscription = SubscriptionFactory(email="known@example.org")
    pages = {
        "form with errors": subscribe(client, email="nope", scope="titles").content.decode(),
        "sent": subscribe(client).content.decode(),
    }
    path = confirm_path(mail_server)
    pages["confirm"] = client.get(path).content.decode()
    pages["confirmed"] = client.post(path).content.decode()
    pages["used link"] = client.post(path).content.decode()
    pages["unsubscribe"] = client.get(subscription.get_absolute_url()).content.decode()
    pages["unsubscribed"] = client.post(subscription.get_absolute_url()).content.decode()
    pages["unknown"] = client.get(subscription.get_absolute_url()).content.decode()
    assert validation_messages(java, pages, tmp_path) == {}


def test_staff_can_find_a_subscriber_but_not_their_token_nor_add_one(admin_client, district):
    subscription = SubscriptionFactory(email="parent@example.org")
    listing = admin_client.get("/admin/vendors/subscription/?q=parent@")
    assert "parent@example.org" in listing.content.decode()
    page = admin_client.get(f"/admin/vendors/subscription/{subscription.pk}/change/")
    assert page.status_code == HTTPStatus.OK
    assert subscription.token not in page.content.decode()
    assert admin_client.get("/admin/vendors/subscription/add/").status_code == (
        HTTPStatus.FORBIDDEN
    )


def test_staff_deleting_a_subscriber_unsubscribes_them(admin_client, district):
    subscription = SubscriptionFactory()
    admin_client.post(f"/admin/vendors/subscription/{subscription.pk}/delete/", {"post": "yes"})
    assert not Subscription.objects.exists()


def test_subscribing_and_unsubscribing_leave_the_cached_pages_be(client, clever, mail_server):
    """A family's subscription is on no page: it must not retire every cached page."""
    before = version.current()
    subscribe(client, scope="titles", titles=["clever"])
    client.post(confirm_path(mail_server))
    client.post(Subscription.objects.get().get_absolute_url())
    assert version.current() == before


def test_a_titles_page_links_to_following_it_with_the_title_chosen(client, clever):
    page = client.get(clever.get_absolute_url()).content.decode()
    assert 'href="/subscribe/?title=clever">Get an email when Clever changes</a>' in page
    form = client.get("/subscribe/?title=clever").content.decode()
    assert re.search(r'value="titles" id="[^"]+" checked', form)
    assert re.search(r'value="clever" id="[^"]+" checked', form)


def test_a_long_inventory_offers_only_the_titles_a_page_sent(client, clever, mail_server):
    VendorFactory.create_batch(SubscribeForm.LISTS_TITLES_UP_TO)
    whole = client.get("/subscribe/").content.decode()
    assert whole.count('name="titles"') == 0
    assert "To follow a title, open its page" in whole
    from_clever = client.get("/subscribe/?title=clever").content.decode()
    assert from_clever.count('name="titles"') == 1
    # The title the page offered is the one subscribed to; a title it did not offer is not.
    subscribe(client, scope="titles", titles=["clever"])
    client.post(confirm_path(mail_server))
    assert list(Subscription.objects.get().titles.all()) == [clever]
    refused = subscribe(client, email="other@example.org", scope="titles", titles=["nope"])
    assert refused.status_code == HTTPStatus.BAD_REQUEST
