"""Markup typed by staff into any text field never reaches a public page in executable form.

Every CharField and TextField of the domain models is found by introspection, so a
field added later is covered too. Each payload is stored in all of them at once, then
every public page is parsed and searched for anything a browser would run or load.
"""

from html.parser import HTMLParser
from http import HTTPStatus

import pytest
from django.apps import apps
from django.db import models
from django.test import Client

from tests.factories import (
    AgreementFactory,
    AudienceFactory,
    DataElementFactory,
    DistrictProfileFactory,
    SecurityIncidentFactory,
    SharingRecordFactory,
    SubprocessorFactory,
)
from vendors.models import LegalBasis

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "script tag": "<script>alert(1)</script>",
    "markdown javascript link": "[click me](javascript:alert(1))",
    "html javascript link": '<a href="javascript:alert(1)">click me</a>',
    "event handler": "<img src=x onerror=alert(1)>",
    "svg event handler": "<svg><animate onbegin=alert(1) attributeName=x></svg>",
    "css injection attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "css injection block": "<style>body{display:none}</style>",
    "iframe": '<iframe src="https://evil.example/"></iframe>',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "data url": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "attribute breakout": '"><script>alert(1)</script>',
    "unquoted attribute breakout": "x onmouseover=alert(1)",
    "mixed-case scheme": "[x](JaVaScRiPt:alert(1))",
}

NOT_TEXT = (models.SlugField, models.URLField, models.EmailField)
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "base", "form", "svg", "meta"}


def staff_text_fields():
    for model in apps.get_app_config("vendors").get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.CharField | models.TextField)
                and not isinstance(field, NOT_TEXT)
                and not field.choices
            ):
                yield model, field


class ExecutableFinder(HTMLParser):
    """Collects every tag or attribute through which a page could run or load foreign code."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in FORBIDDEN_TAGS and not (tag == "meta" and "http-equiv" not in attributes):
            self.found.append(f"<{tag}>")
        if tag == "link" and not (attributes.get("href") or "").startswith("/static/"):
            self.found.append(f"<link href={attributes.get('href')}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"{tag} {name}=")
            if name in {"href", "src", "action", "formaction", "xlink:href"}:
                scheme = (value or "").strip().lower().replace("\t", "").replace("\n", "")
                if scheme.startswith(DANGEROUS_SCHEMES):
                    self.found.append(f"{tag} {name}={value}")
                if name == "src":
                    self.found.append(f"{tag} src={value}")


@pytest.fixture
def site():
    DistrictProfileFactory()
    parents = AudienceFactory()
    AudienceFactory(name="Students", slug="student-data", title="Student Data", position=20)
    element = DataElementFactory(slug="email")
    record = SharingRecordFactory(
        vendor__slug="clever",
        audience=parents,
        elements=[element],
        legal_basis=LegalBasis.OTHER,
        legal_basis_other="A state law.",
    )
    # Agreements, subprocessors and incidents carry staff text onto the permalink too.
    AgreementFactory(vendor=record.vendor, contact_name="Privacy Office")
    SubprocessorFactory(vendor=record.vendor)
    SecurityIncidentFactory(vendor=record.vendor, elements=[element])


def public_pages():
    return [
        "/",
        "/parent-data/",
        "/student-data/",
        "/vendors/",
        "/vendors/clever/",
        "/data-elements/",
        "/data-elements/email/",
        "/incidents/",
        "/changes/",
        "/es/vendors/clever/",
        "/search/?q=clever",
    ]


def store_everywhere(payload):
    for model, field in staff_text_fields():
        for pk in model.objects.values_list("pk", flat=True):
            # A distinct prefix keeps unique fields unique; the limit is the database's.
            value = f"{pk} {payload}"[: field.max_length]
            model.objects.filter(pk=pk).update(**{field.attname: value})


def test_every_staff_text_field_is_covered():
    covered = {f"{model.__name__}.{field.name}" for model, field in staff_text_fields()}
    for expected in [
        "Vendor.description",
        "Vendor.name",
        "Vendor.privacy_policy_label",
        "DistrictProfile.intro",
        "UsageStatement.text",
        "DestructionTerm.text",
        "SharingRecord.elements_intro",
        "Audience.intro",
        "DataElement.description",
        "DistrictProfile.parent_rights",
        "DistrictProfile.complaint_process",
        "Agreement.contact_name",
        "Subprocessor.purpose",
        "SecurityIncident.summary",
        "SharingRecord.legal_basis_other",
        "Vendor.business_address",
    ]:
        assert expected in covered


def executable_parts(client, page):
    response = client.get(page)
    assert response.status_code == HTTPStatus.OK, page
    finder = ExecutableFinder()
    finder.feed(response.content.decode())
    return sorted(finder.found)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_staff_markup_never_reaches_a_public_page_executable(site, payload):
    client = Client()
    # Our own templates' forms and scripts are the baseline: staff text may add nothing to it.
    baseline = {page: executable_parts(client, page) for page in public_pages()}
    store_everywhere(payload)
    for page in public_pages():
        assert executable_parts(client, page) == baseline[page], page


def test_the_payload_really_reaches_the_pages(site):
    store_everywhere(PAYLOADS["script tag"])
    for page in ["/vendors/clever/", "/incidents/", "/"]:
        content = Client().get(page).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content, page


def test_the_finder_spots_each_payload_when_it_is_not_escaped():
    # Guards against a detector that would pass anything.
    for name, payload in PAYLOADS.items():
        if name.startswith(("markdown", "data url", "mixed-case", "unquoted")):
            continue
        finder = ExecutableFinder()
        finder.feed(payload)
        assert finder.found, name
