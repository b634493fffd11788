"""Agreement documents: PDFs only, stored under random names, downloadable only when public."""

import datetime
import json
import re
from http import HTTPStatus

import jsonschema
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.admin_forms import change_form_data
from tests.factories import AgreementFactory, SharingRecordFactory, VendorFactory
from vendors.models import Agreement, AgreementStatus, PublicationStatus, Vendor
from vendors.open_data import load_schema

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CERTIFICATE = b"%PDF-1.7\n% destruction certificate\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PAGE_CACHE_SECONDS = 0
    return settings.MEDIA_ROOT


@pytest.fixture
def vendor(district, parent_audience):
    return SharingRecordFactory(
        vendor__name="Reading Buddy", vendor__slug="reading-buddy", audience=parent_audience
    ).vendor


def pdf_upload(content=PDF, name="Signed DPA - Reading Buddy.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def agreement(vendor):
    return AgreementFactory(
        vendor=vendor,
        signed_agreement=pdf_upload(),
        signed_agreement_public=True,
        status=AgreementStatus.ENDED,
        ended_on=datetime.date(2026, 6, 30),
        destruction_certified_on=datetime.date(2026, 7, 20),
        destruction_certificate=pdf_upload(CERTIFICATE, "certificate.pdf"),
        destruction_certificate_public=True,
    )


def signed_url(agreement, slug=None):
    return reverse(
        "vendors:agreement_signed_agreement",
        kwargs={"slug": slug or agreement.vendor.slug, "pk": agreement.pk},
    )


def certificate_url(agreement):
    return reverse(
        "vendors:agreement_destruction_certificate",
        kwargs={"slug": agreement.vendor.slug, "pk": agreement.pk},
    )


def body(response):
    return b"".join(response.streaming_content)


# Uploads: type and size


def admin_upload(admin_client, agreement, content, name):
    url = reverse("admin:vendors_agreement_change", args=[agreement.pk])
    data = change_form_data(admin_client.get(url))
    data["signed_agreement"] = SimpleUploadedFile(name, content, content_type="application/pdf")
    return admin_client.post(url, data)


def upload_error(admin_client, agreement, content, name="agreement.pdf"):
    response = admin_upload(admin_client, agreement, content, name)
    assert response.status_code == HTTPStatus.OK, "the form should be shown again"
    return " ".join(response.context["adminform"].form.errors["signed_agreement"])


@pytest.fixture
def bare_agreement(vendor):
    return AgreementFactory(vendor=vendor)


def test_a_renamed_html_file_is_refused_as_not_a_pdf(admin_client, bare_agreement):
    html = b"<!doctype html><script>alert(document.cookie)</script>"
    error = upload_error(admin_client, bare_agreement, html, "agreement.pdf")
    assert "not a PDF" in error
    bare_agreement.refresh_from_db()
    assert not bare_agreement.signed_agreement


def test_a_pdf_with_another_extension_is_refused(admin_client, bare_agreement):
    error = upload_error(admin_client, bare_agreement, PDF, "agreement.html")
    assert "must end in .pdf" in error


def test_an_oversized_file_is_refused_with_the_limit(admin_client, bare_agreement, settings):
    settings.MAX_UPLOAD_MB = 1
    oversized = PDF + b"0" * (1024 * 1024)
    error = upload_error(admin_client, bare_agreement, oversized)
    assert "the limit is 1 MB" in error


def test_an_empty_file_is_refused(admin_client, bare_agreement):
    error = upload_error(admin_client, bare_agreement, b"")
    assert "empty" in error


def test_a_small_pdf_is_stored_under_a_random_name(admin_client, bare_agreement, media_root):
    response = admin_upload(admin_client, bare_agreement, PDF, "Signed DPA - Jane Doe.PDF")
    assert response.status_code == HTTPStatus.FOUND
    bare_agreement.refresh_from_db()
    name = bare_agreement.signed_agreement.name
    assert re.fullmatch(r"agreements/[0-9a-f]{32}\.pdf", name)
    assert (media_root / name).read_bytes() == PDF


def test_the_admin_links_a_stored_document_to_the_staff_download(admin_client, agreement):
    page = admin_client.get(reverse("admin:vendors_agreement_change", args=[agreement.pk]))
    html = page.content.decode()
    staff_url = reverse("admin:vendors_agreement_document", args=[agreement.pk, "signed_agreement"])
    assert f'href="{staff_url}"' in html
    assert "/media/" not in html


def test_staff_download_private_documents_from_the_admin(admin_client, agreement):
    agreement.signed_agreement_public = False
    agreement.save()
    url = reverse("admin:vendors_agreement_document", args=[agreement.pk, "signed_agreement"])
    response = admin_client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert body(response) == PDF


def test_a_staff_download_is_sandboxed_like_the_public_one(admin_client, agreement):
    url = reverse("admin:vendors_agreement_document", args=[agreement.pk, "signed_agreement"])
    policy = admin_client.get(url)["Content-Security-Policy"]
    assert policy == "sandbox; default-src 'none'"


def test_the_staff_download_is_not_for_visitors(client, agreement):
    url = reverse("admin:vendors_agreement_document", args=[agreement.pk, "signed_agreement"])
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response["Location"]


# The public download


def test_a_public_document_downloads_as_a_pdf_attachment(client, agreement):
    response = client.get(signed_url(agreement))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="reading-buddy-signed-agreement.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in response["Cache-Control"]
    assert body(response) == PDF


def test_the_destruction_certificate_downloads_under_its_own_name(client, agreement):
    response = client.get(certificate_url(agreement))
    assert response.status_code == HTTPStatus.OK
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="reading-buddy-destruction-certificate.pdf"'
    )
    assert body(response) == CERTIFICATE


def test_head_answers_like_get_without_the_body(client, agreement):
    response = client.head(signed_url(agreement))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert body(response) == b""


def test_a_private_document_is_not_found(client, agreement):
    agreement.signed_agreement_public = False
    agreement.save()
    assert client.get(signed_url(agreement)).status_code == HTTPStatus.NOT_FOUND


def test_private_and_missing_documents_get_the_same_answer(client, agreement, vendor):
    agreement.signed_agreement_public = False
    agreement.save()
    missing_url = reverse(
        "vendors:agreement_signed_agreement", kwargs={"slug": vendor.slug, "pk": 999}
    )
    private = client.get(signed_url(agreement))
    missing = client.get(missing_url)
    assert private.status_code == missing.status_code == HTTPStatus.NOT_FOUND
    # The page names its own address (in its language links); nothing else may differ.
    assert private.content.replace(signed_url(agreement).encode(), b"") == (
        missing.content.replace(missing_url.encode(), b"")
    )


def test_a_public_flag_without_a_document_is_not_found(client, vendor):
    agreement = AgreementFactory(vendor=vendor, signed_agreement_public=True)
    assert client.get(signed_url(agreement)).status_code == HTTPStatus.NOT_FOUND


def test_un_publishing_a_document_takes_effect_on_the_next_request(client, agreement, settings):
    settings.PAGE_CACHE_SECONDS = 3600
    assert client.get(signed_url(agreement)).status_code == HTTPStatus.OK
    agreement.signed_agreement_public = False
    agreement.save()
    assert client.get(signed_url(agreement)).status_code == HTTPStatus.NOT_FOUND


def test_another_titles_slug_does_not_reach_the_document(client, agreement):
    other = VendorFactory(slug="other-title")
    response = client.get(signed_url(agreement, slug=other.slug))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_draft_titles_document_is_not_found(client, agreement, vendor):
    vendor.status = PublicationStatus.DRAFT
    vendor.save()
    assert client.get(signed_url(agreement)).status_code == HTTPStatus.NOT_FOUND


def test_a_former_vendors_public_documents_stay_downloadable(client, agreement, vendor):
    vendor.status = PublicationStatus.RETIRED
    vendor.save()
    assert client.get(certificate_url(agreement)).status_code == HTTPStatus.OK


def test_the_media_path_cannot_be_guessed(client, agreement):
    name = agreement.signed_agreement.name
    for path in (f"/media/{name}", f"/{name}", f"/static/../media/{name}"):
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND, path


def test_a_document_whose_file_is_lost_is_not_found(client, agreement, media_root):
    (media_root / agreement.signed_agreement.name).unlink()
    assert client.get(signed_url(agreement)).status_code == HTTPStatus.NOT_FOUND


# The permalink and the exports


def test_the_permalink_links_public_documents_next_to_their_dates(client, agreement, vendor):
    html = client.get(vendor.get_absolute_url()).content.decode()
    assert f'href="{signed_url(agreement)}">Signed agreement (PDF)</a>' in html
    assert f'href="{certificate_url(agreement)}">Destruction certificate (PDF)</a>' in html
    assert "July 20, 2026" in html


def test_the_destruction_answer_gives_the_date_and_links_a_public_certificate(
    client, agreement, vendor
):
    html = client.get(vendor.get_absolute_url()).content.decode()
    answer = html.split('id="destruction"')[1].split("</section>")[0]
    assert "certified in writing on July 20, 2026 that the data was destroyed." in answer
    assert f'href="{certificate_url(agreement)}">Read the destruction certificate (PDF)</a>' in (
        answer
    )


def test_the_permalink_hides_private_documents(client, agreement, vendor):
    agreement.signed_agreement_public = False
    agreement.destruction_certificate_public = False
    agreement.save()
    html = client.get(vendor.get_absolute_url()).content.decode()
    assert "Signed agreement (PDF)" not in html
    assert "Destruction certificate (PDF)" not in html
    assert "/agreement/" not in html


def test_the_json_export_gives_absolute_urls_of_public_documents_only(client, agreement, vendor):
    agreement.destruction_certificate_public = False
    agreement.save()
    data = json.loads(client.get(reverse("vendors:api_vendor_list")).getvalue())
    jsonschema.validate(data, load_schema())
    exported = data["vendors"][0]["agreements"][0]
    assert exported["signed_agreement_url"] == f"http://testserver{signed_url(agreement)}"
    assert exported["destruction_certificate_url"] is None


def test_the_csv_export_gives_the_download_url(client, agreement):
    content = client.get(reverse("vendors:export_csv")).getvalue().decode()
    assert f"http://testserver{signed_url(agreement)}" in content


# No file left behind


def test_replacing_a_document_deletes_the_old_file(
    agreement, media_root, django_capture_on_commit_callbacks
):
    old = media_root / agreement.signed_agreement.name
    with django_capture_on_commit_callbacks(execute=True):
        agreement.signed_agreement = pdf_upload(b"%PDF-1.4\nnew version\n%%EOF")
        agreement.save()
    assert not old.exists()
    assert (media_root / agreement.signed_agreement.name).exists()


def test_deleting_a_title_deletes_its_documents(
    agreement, vendor, media_root, django_capture_on_commit_callbacks
):
    files = [media_root / agreement.signed_agreement.name]
    files.append(media_root / agreement.destruction_certificate.name)
    with django_capture_on_commit_callbacks(execute=True):
        vendor.delete()
    assert not any(path.exists() for path in files)


def test_a_rolled_back_replacement_keeps_the_stored_file(agreement, media_root):
    # No commit callback runs here (the test's transaction is rolled back): the row still
    # names the old file, so it must still be there.
    old = media_root / agreement.signed_agreement.name
    agreement.signed_agreement = pdf_upload()
    agreement.save()
    assert old.exists()


# Backups


@pytest.mark.django_db(transaction=True)
def test_a_document_survives_a_backup_and_restore(client, agreement, media_root, tmp_path):
    stored = media_root / agreement.signed_agreement.name
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", str(archive), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    stored.unlink()
    assert not Vendor.objects.exists()

    call_command("restore", str(archive), verbosity=0)

    restored = Agreement.objects.get()
    assert restored.signed_agreement.name == agreement.signed_agreement.name
    response = client.get(signed_url(restored))
    assert response.status_code == HTTPStatus.OK
    assert body(response) == PDF
