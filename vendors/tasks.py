"""Work the admin hands to the task worker (`manage.py db_worker`) when it is too long for
a web request. The worker may run on another host: it finds the upload in MEDIA_ROOT."""

import logging
from types import SimpleNamespace

from django.core.cache import cache
from django.tasks import task
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from import_export.results import RowResult
from import_export.tmp_storages import MediaStorage
from simple_history.models import HistoricalRecords

from .models import ImportJob
from .resources import UPLOAD_FOLDER, read_failure_message
from .resources.base import FileRefused

logger = logging.getLogger(__name__)

# The import is one transaction, so what it has done is invisible to the progress page's
# connection until the end (and on SQLite a second writer would wait for it): the count of
# rows done goes to the cache, which every host shares, and the job row gets the outcome.
PROGRESS_EVERY = 25
PROGRESS_LIFETIME = 24 * 60 * 60

CHANGED_SINCE_PREVIEW = _(
    "The file no longer imports cleanly: something it refers to changed since the preview. "
    "Nothing was imported. Upload it again to see why."
)


UPLOAD_GONE = _(
    "The uploaded file is no longer on the server. Nothing was imported. Upload it again."
)


WORKER_STOPPED = _(
    "The task worker was stopped before the import finished. Nothing was imported. "
    "Upload the file again."
)


def progress_key(job_id):
    return f"import-job-progress:{job_id}"


def rows_done(job):
    """How far the job has got: its own count once it has finished, the worker's until then."""
    if job.finished:
        return job.rows_done
    return cache.get(progress_key(job.pk), job.rows_done)


def counting(resource_class, job_id):
    """The resource, telling the cache every few rows how many it has imported."""

    class Counting(resource_class):
        rows_seen = 0

        def import_row(self, row, instance_loader, **kwargs):
            result = super().import_row(row, instance_loader, **kwargs)
            self.rows_seen += 1
            if self.rows_seen % PROGRESS_EVERY == 0:
                cache.set(progress_key(job_id), self.rows_seen, PROGRESS_LIFETIME)
            return result

    return Counting


def upload_of(job):
    input_format = import_string(job.format_path)(encoding=job.encoding or None)
    storage = MediaStorage(
        name=job.upload_name,
        encoding=None if input_format.is_binary() else job.encoding or None,
        read_mode=input_format.get_read_mode(),
        MEDIA_FOLDER=UPLOAD_FOLDER,
    )
    return input_format, storage


# A preview lists at most this many changed rows; it counts them all.
PREVIEW_ROWS_SHOWN = 200


@task
def import_in_background(job_id):
    return run(job_id, dry_run=False)


@task
def preview_in_background(job_id):
    return run(job_id, dry_run=True)


def run(job_id, dry_run):
    """The import (or its dry run) of a job's upload, all or nothing, its outcome on the job."""
    job = ImportJob.objects.get(pk=job_id)
    if job.finished:
        return job.status
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])
    input_format, storage = upload_of(job)
    # The history names whoever confirmed the import, as it does for an import in a request.
    HistoricalRecords.context.request = SimpleNamespace(user=job.created_by)
    keep_upload = False
    try:
        try:
            content = storage.read()
        except FileNotFoundError:
            raise RuntimeError(str(UPLOAD_GONE)) from None
        try:
            dataset = input_format.create_dataset(content)
        except Exception as error:  # The parsers raise anything, as the admin knows.
            raise RuntimeError(read_failure_message(error)) from error
        # Only the titles' resource reads a district's own headers.
        mapping = {"column_mapping": job.column_mapping} if job.column_mapping else {}
        resource = counting(import_string(job.resource_path), job.pk)(**mapping)
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            raise_errors=False,
            file_name=job.original_file_name,
            user=job.created_by,
            retain_instance_in_row_result=not dry_run,
        )
    except Exception as error:
        # The import is all or nothing: its transaction has rolled back, so the data is as
        # it was. The page says why in the error's own words; the traceback goes to the log.
        logger.exception("The background import %s failed", job.pk)
        job.finish(ImportJob.Status.FAILED, error=str(error) or type(error).__name__)
        raise
    except (SystemExit, KeyboardInterrupt):
        # The worker was told twice to stop: the import rolled back as the signal unwound it.
        job.finish(ImportJob.Status.FAILED, error=str(WORKER_STOPPED))
        raise
    else:
        if dry_run:
            keep_upload = finish_preview(job, result, len(dataset))
            return job.status
    finally:
        del HistoricalRecords.context.request
        if not keep_upload:
            storage.remove()
        cache.delete(progress_key(job.pk))
    if result.has_errors():
        # An error the rows did not cause (the library records it against a row): its words.
        errors = [*result.base_errors, *(e for _n, row in result.row_errors() for e in row)]
        job.finish(
            ImportJob.Status.FAILED, error=str(errors[0].error) or str(CHANGED_SINCE_PREVIEW)
        )
        return job.status
    if result.has_validation_errors():
        job.finish(ImportJob.Status.FAILED, error=str(CHANGED_SINCE_PREVIEW))
        return job.status
    job.finish(
        ImportJob.Status.DONE,
        rows_done=len(dataset),
        new=result.totals[RowResult.IMPORT_TYPE_NEW],
        updated=result.totals[RowResult.IMPORT_TYPE_UPDATE],
        unchanged=result.totals[RowResult.IMPORT_TYPE_SKIP],
    )
    return job.status


def finish_preview(job, result, rows):
    """Keep what the preview page shows, as the library's preview would show it: the errors
    by row and column, else the changed rows field by field. Whether the upload stays for the
    confirm (only a file that would import cleanly)."""
    crash = next((e for e in result.base_errors if not isinstance(e.error, FileRefused)), None)
    if crash is not None:
        # Not the file's fault: the page says the preview stopped, in the error's words.
        job.finish(ImportJob.Status.FAILED, error=str(crash.error) or type(crash.error).__name__)
        return False
    errors = [
        {"row": number, "messages": [str(error.error) for error in row_errors]}
        for number, row_errors in result.row_errors()
    ]
    errors.append({"row": None, "messages": [str(error.error) for error in result.base_errors]})
    invalid = [
        {
            "row": row.number,
            "messages": [
                f"{field}: {message}"
                for field, messages in row.field_specific_errors.items()
                for message in messages
            ]
            + [str(message) for message in row.non_field_specific_errors],
        }
        for row in result.invalid_rows
    ]
    errors = [error for error in [*errors, *invalid] if error["messages"]]
    changes = [
        {
            "title": row.object_repr,
            "type": row.import_type,
            # diff_prettyHtml's markup, which escapes the cells it wraps (resources/diff.py).
            "fields": [[str(header), str(html)] for header, html in row.diff or []],
        }
        for row in result.valid_rows()[:PREVIEW_ROWS_SHOWN]
    ]
    job.preview = {**job.preview, "errors": errors, "changes": changes}
    job.finish(
        ImportJob.Status.DONE,
        rows_done=rows,
        new=result.totals[RowResult.IMPORT_TYPE_NEW],
        updated=result.totals[RowResult.IMPORT_TYPE_UPDATE]
        + result.totals[RowResult.IMPORT_TYPE_DELETE],
        unchanged=result.totals[RowResult.IMPORT_TYPE_SKIP],
    )
    return not errors
