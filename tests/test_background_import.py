"""A confirmed import longer than IMPORT_BACKGROUND_ROWS runs in the task worker, and the
admin follows it on a page that refreshes itself."""

import re
import uuid
from http import HTTPStatus

import pytest
import tablib
from django.test import Client
from django.urls import reverse
from import_export.tmp_storages import MediaStorage

from tests.factories import DataElementFactory, VendorFactory
from tests.helpers import confirm, new_title_csv, upload
from vendors.models import ImportJob, Vendor
from vendors.resources import UPLOAD_FOLDER, VendorResource
from vendors.tasks import PROGRESS_EVERY, counting, import_in_background

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def titles_csv(count):
    """`count` new published titles, as the import spreadsheet has them."""
    template = tablib.Dataset().load(new_title_csv(), format="csv")
    data = tablib.Dataset(headers=template.headers)
    for number in range(count):
        row = dict(zip(template.headers, template[0], strict=True))
        row.update(slug=f"new-app-{number}", name=f"New App {number}")
        data.append(list(row.values()))
    return data.csv


def csv_job(**fields):
    """A background import of a titles CSV, as the admin records one."""
    return ImportJob.objects.create(
        format_path="import_export.formats.base_formats.CSV",
        resource_path="vendors.resources.titles.VendorResource",
        **fields,
    )


def job_url(job_id):
    return reverse("admin:vendors_vendor_import_job", args=[job_id])


@pytest.fixture
def catalog(parent_audience):
    return [DataElementFactory(slug="parent-email")]


@pytest.fixture
def background(settings):
    """Anything over two rows goes to the background, which runs at once, in this thread."""
    settings.IMPORT_BACKGROUND_ROWS = 2
    settings.TASKS = IMMEDIATE


def confirm_in_background(client, csv_text, on_commit):
    with on_commit(execute=True):
        return confirm(client, upload(client, csv_text))


def test_a_file_under_the_threshold_imports_within_the_request(
    admin_client, district, catalog, background
):
    response = confirm(admin_client, upload(admin_client, titles_csv(2)))
    assert response.url == reverse("admin:vendors_vendor_changelist")
    assert Vendor.objects.count() == 2
    assert not ImportJob.objects.exists()


def test_the_default_threshold_sends_3000_titles_to_the_background_and_the_demo_not(settings):
    assert 4 <= settings.IMPORT_BACKGROUND_ROWS < 3000


def test_a_long_file_is_imported_by_the_worker_and_its_page_shows_the_counts(
    admin_client, district, catalog, background, django_capture_on_commit_callbacks
):
    VendorFactory(slug="new-app-0", name="Old name")
    response = confirm_in_background(
        admin_client, titles_csv(3), django_capture_on_commit_callbacks
    )
    job = ImportJob.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == job_url(job.pk)
    assert Vendor.objects.count() == 3
    assert Vendor.objects.get(slug="new-app-0").name == "New App 0"
    page = admin_client.get(response.url)
    text = page.content.decode()
    assert "Finished" in text
    assert "All 3 rows were imported: 2 new, 1 updated, 0 unchanged." in text
    # Done: nothing left to wait for, so the page stops refreshing.
    assert 'http-equiv="refresh"' not in text
    assert Vendor.objects.get(slug="new-app-1").history.get().history_user == page.wsgi_request.user


def test_while_it_runs_the_page_counts_the_rows_and_refreshes_itself(
    admin_client, district, catalog, admin_user
):
    job = csv_job(
        created_by=admin_user,
        upload_name="waiting.csv",
        original_file_name="titles.csv",
        rows_total=3000,
        status=ImportJob.Status.RUNNING,
    )
    # The worker's resource, part of the way through: it has imported 30 rows so far.
    dataset = tablib.Dataset().load(titles_csv(30), format="csv")
    counting(VendorResource, job.pk)().import_data(dataset, dry_run=True)
    text = admin_client.get(job_url(job.pk)).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in text
    assert f"{PROGRESS_EVERY} of 3000 rows imported" in text
    assert f'<progress id="import-progress" max="3000" value="{PROGRESS_EVERY}">' in text


def test_a_crash_half_way_leaves_the_data_as_it_was_and_the_page_says_why(
    admin_client, district, catalog, background, django_capture_on_commit_callbacks, monkeypatch
):
    kept = VendorFactory(slug="new-app-0", name="Old name")
    saves = []

    def crash_on_the_second_title(self, instance, is_create):
        saves.append(instance.slug)
        if len(saves) == 2:
            raise OSError("No space left on the disk")
        return original(self, instance, is_create)

    original = VendorResource.do_instance_save
    preview = upload(admin_client, titles_csv(3))
    # The preview went well; the worker's import then meets a full disk.
    monkeypatch.setattr(VendorResource, "do_instance_save", crash_on_the_second_title)
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(admin_client, preview)
    assert len(saves) >= 2
    assert list(Vendor.objects.values_list("slug", "name")) == [("new-app-0", "Old name")]
    assert kept.history.count() == 1
    text = admin_client.get(response.url).content.decode()
    assert "Failed" in text
    assert "The data is as it was before the import." in text
    assert "No space left on the disk" in text
    assert 'http-equiv="refresh"' not in text


def test_an_upload_gone_before_the_worker_starts_fails_in_plain_words(
    admin_client, district, catalog, background, admin_user
):
    job = csv_job(
        created_by=admin_user,
        upload_name="never-uploaded.csv",
        rows_total=3,
    )
    import_in_background.enqueue(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "no longer on the server" in job.error
    assert "never-uploaded" not in job.error


def test_the_worker_reads_a_district_sheet_through_the_staffs_column_mapping(
    db, district, catalog, background, admin_user
):
    sheet = titles_csv(3).replace("name", "App name", 1)
    assert sheet.startswith("slug,App name,")
    storage = MediaStorage(name="district-sheet.csv", encoding="utf-8", MEDIA_FOLDER=UPLOAD_FOLDER)
    storage.save(sheet)
    job = csv_job(
        created_by=admin_user,
        upload_name=storage.name,
        encoding="utf-8",
        column_mapping={"App name": "name"},
        rows_total=3,
    )
    import_in_background.enqueue(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert Vendor.objects.get(slug="new-app-2").name == "New App 2"


def test_the_progress_page_is_for_those_who_may_import(editor_client, district, admin_user):
    job = csv_job(
        created_by=admin_user,
        upload_name="x.csv",
    )
    response = Client().get(job_url(job.pk))
    assert response.status_code == HTTPStatus.FOUND
    assert "login" in response.url
    assert editor_client.get(job_url(job.pk)).status_code == HTTPStatus.FORBIDDEN


def test_an_unknown_or_forged_job_address_is_not_found(admin_client, district):
    assert admin_client.get(job_url(uuid.uuid4())).status_code == HTTPStatus.NOT_FOUND
    # Not an id at all: the address is not the progress page's, and the admin's own
    # "no such title" answers it.
    forged = job_url(uuid.uuid4()).replace("-", "")[:-5] + "x'%3B/"
    response = admin_client.get(forged, follow=True)
    assert "admin/vendors/import_job.html" not in [t.name for t in response.templates]
    assert "doesn\u2019t exist" in response.content.decode()


def test_a_worker_stopped_mid_import_leaves_the_data_and_says_so(
    db, district, catalog, admin_user, monkeypatch, tmp_path, settings
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    default_storage.save("spreadsheet-imports/stopped.csv", ContentFile(titles_csv(3).encode()))
    job = csv_job(
        created_by=admin_user,
        upload_name="stopped.csv",
        encoding="utf-8-sig",
        rows_total=3,
    )

    def stopped(self, instance, is_create):
        raise SystemExit(1)  # What db_worker does on a second SIGTERM.

    monkeypatch.setattr(VendorResource, "do_instance_save", stopped)
    with pytest.raises(SystemExit):
        import_in_background.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "worker was stopped" in job.error
    assert not Vendor.objects.exists()


def our_part(page):
    """The page's own head line and content, in a document of their own: Django's admin
    sidebar has markup of its own that the checker reports, which is not ours to fix."""
    refresh = re.search(r"<meta http-equiv=[^>]*>", page)
    content = re.search(r'<div id="content-main".*?\n</div>', page, re.DOTALL).group(0)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Import</title>'
        f"{refresh.group(0) if refresh else ''}</head><body><main>{content}</main></body></html>"
    )


def test_the_progress_page_is_valid_html_while_running_and_when_finished(
    admin_client, district, admin_user, java, tmp_path
):
    from tests.helpers import validation_messages

    documents = {}
    for status in ImportJob.Status.values:
        job = csv_job(
            created_by=admin_user,
            upload_name="x.csv",
            original_file_name="titles <b>.csv",
            rows_total=3000,
            status=status,
            error="Row 3: <script>alert(1)</script>" if status == "failed" else "",
        )
        documents[status] = admin_client.get(job_url(job.pk)).content.decode()
    assert "<script>alert(1)" not in documents["failed"]
    assert "titles <b>.csv" not in documents["running"]
    documents = {status: our_part(page) for status, page in documents.items()}
    assert validation_messages(java, documents, tmp_path) == {}


def test_the_admin_lists_background_imports_with_a_link_to_each_page(
    admin_client, editor_client, district, admin_user
):
    job = csv_job(
        created_by=admin_user,
        upload_name="x.csv",
        original_file_name="inventory.csv",
    )
    listing = admin_client.get(reverse("admin:vendors_importjob_changelist")).content.decode()
    assert f'<a href="{job_url(job.pk)}">inventory.csv</a>' in listing
    changelist = reverse("admin:vendors_importjob_changelist")
    assert editor_client.get(changelist).status_code == HTTPStatus.FORBIDDEN
