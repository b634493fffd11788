"""The preview of a file longer than IMPORT_BACKGROUND_PREVIEW_ROWS runs in the task worker:
its page counts the rows checked, then shows what would change and the confirm."""

import re
from http import HTTPStatus

import pytest
import tablib
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import DataElementFactory, VendorFactory
from tests.helpers import new_title_csv, upload
from vendors.models import ImportJob, Vendor
from vendors.resources import UPLOAD_FOLDER, VendorResource
from vendors.tasks import PREVIEW_ROWS_SHOWN, PROGRESS_EVERY, counting

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def titles_csv(count, **overrides):
    template = tablib.Dataset().load(new_title_csv(**overrides), format="csv")
    data = tablib.Dataset(headers=template.headers)
    for number in range(count):
        row = dict(zip(template.headers, template[0], strict=True))
        row.update(slug=f"new-app-{number}", name=f"New App {number}")
        data.append(list(row.values()))
    return data.csv


@pytest.fixture
def catalog(parent_audience):
    return [DataElementFactory(slug="parent-email")]


@pytest.fixture
def background(settings):
    """Previews and imports of more than two rows go to the worker, which runs at once."""
    settings.IMPORT_BACKGROUND_PREVIEW_ROWS = 2
    settings.IMPORT_BACKGROUND_ROWS = 2
    settings.TASKS = IMMEDIATE


def preview_in_background(client, csv_text, on_commit):
    with on_commit(execute=True):
        response = client.post(
            reverse("admin:vendors_vendor_import"),
            {
                "resource": "0",
                "format": "0",
                "import_file": SimpleUploadedFile(
                    "titles.csv", csv_text.encode(), content_type="text/csv"
                ),
            },
        )
    return response


def confirm_fields(page):
    """The hidden fields of the confirm form on a preview page, as a browser would post them."""
    form = page.context["confirm_form"]
    return {
        name: field.prepare_value(form.initial.get(name)) for name, field in form.fields.items()
    }


def waiting(job):
    """Whether the job's upload still waits on the server for a confirm."""
    return default_storage.exists(f"{UPLOAD_FOLDER}/{job.upload_name}")


def test_a_long_file_is_previewed_by_the_worker_then_confirmed(
    admin_client, district, catalog, background, django_capture_on_commit_callbacks
):
    VendorFactory(slug="new-app-0", name="Old name")
    response = preview_in_background(
        admin_client, titles_csv(3), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert job.kind == ImportJob.Kind.PREVIEW
    assert waiting(job)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == reverse("admin:vendors_vendor_import_job", args=[job.pk])
    # A preview writes nothing.
    assert list(Vendor.objects.values_list("name", flat=True)) == ["Old name"]

    page = admin_client.get(response.url)
    text = page.content.decode()
    assert "All 3 rows were checked: importing would add 2, change 1 and leave 0 unchanged." in text
    assert "<del" in text and "Old name" in text and "New App 0" in text
    assert 'http-equiv="refresh"' not in text

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = admin_client.post(
            reverse("admin:vendors_vendor_process_import"), confirm_fields(page)
        )
    assert confirmed.status_code == HTTPStatus.FOUND
    assert Vendor.objects.count() == 3
    assert Vendor.objects.get(slug="new-app-0").name == "New App 0"
    assert "All 3 rows were imported" in admin_client.get(confirmed.url).content.decode()


def test_a_long_file_with_bad_rows_is_refused_by_row_with_no_confirm(
    admin_client, district, catalog, background, django_capture_on_commit_callbacks
):
    response = preview_in_background(
        admin_client,
        titles_csv(3, **{"parent-data data elements": "parent-emial"}),
        django_capture_on_commit_callbacks,
    )
    page = admin_client.get(response.url)
    text = page.content.decode()
    assert "The file has errors in 3 places. Nothing was imported" in text
    assert re.search(r"Row 1:.*parent-emial", text)
    assert "Did you mean" in text or "did you mean" in text
    assert page.context["confirm_form"] is None
    assert "Confirm import" not in text
    # Nothing can confirm it, so nothing of it waits on the server.
    assert not waiting(ImportJob.objects.get())
    assert not Vendor.objects.exists()


def test_while_the_preview_runs_its_page_counts_the_rows_checked(
    admin_client, district, catalog, admin_user
):
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.PREVIEW,
        created_by=admin_user,
        upload_name="waiting.csv",
        original_file_name="titles.csv",
        format_path="import_export.formats.base_formats.CSV",
        resource_path="vendors.resources.titles.VendorResource",
        rows_total=3000,
        status=ImportJob.Status.RUNNING,
    )
    dataset = tablib.Dataset().load(titles_csv(30), format="csv")
    counting(VendorResource, job.pk)().import_data(dataset, dry_run=True)
    text = admin_client.get(
        reverse("admin:vendors_vendor_import_job", args=[job.pk])
    ).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in text
    assert f"{PROGRESS_EVERY} of 3000 rows checked" in text
    assert "Nothing is imported until you confirm." in text


def test_a_crashed_preview_says_why_and_writes_nothing(
    admin_client,
    district,
    catalog,
    background,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    def out_of_memory(self, *args, **kwargs):
        raise MemoryError("The worker ran out of memory")

    monkeypatch.setattr(VendorResource, "before_import", out_of_memory)
    preview_in_background(admin_client, titles_csv(3), django_capture_on_commit_callbacks)
    job = ImportJob.objects.get()
    text = admin_client.get(
        reverse("admin:vendors_vendor_import_job", args=[job.pk])
    ).content.decode()
    assert "Failed" in text
    assert "The preview stopped. Nothing was imported." in text
    assert "The worker ran out of memory" in text
    assert not waiting(job)
    assert not Vendor.objects.exists()


def test_a_preview_lists_a_bounded_number_of_changed_titles_and_counts_them_all(
    admin_client, district, catalog, background, django_capture_on_commit_callbacks
):
    count = PREVIEW_ROWS_SHOWN + 5
    response = preview_in_background(
        admin_client, titles_csv(count), django_capture_on_commit_callbacks
    )
    text = admin_client.get(response.url).content.decode()
    assert f"The first {PREVIEW_ROWS_SHOWN} of {count} changed titles:" in text
    assert text.count('<th scope="row">') == PREVIEW_ROWS_SHOWN


def test_a_short_file_is_still_previewed_within_the_request(
    admin_client, district, catalog, background
):
    response = upload(admin_client, titles_csv(2))
    assert response.status_code == HTTPStatus.OK
    assert response.context["confirm_form"] is not None
    assert not ImportJob.objects.exists()
