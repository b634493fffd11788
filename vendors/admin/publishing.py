"""What sets a publisher apart from an editor: changing a status, importing, reverting."""

import logging

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from ..models import ImportJob, PublicationStatus
from ..resources import (
    UPLOAD_FOLDER,
    UPLOAD_LIFETIME,
    VendorImportForm,
    discard_stale_uploads,
    read_failure_message,
)

PUBLISH_PERMISSION = "vendors.publish_vendor"

logger = logging.getLogger(__name__)


def can_publish(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


class PublisherImportMixin:
    """A file can publish and rewrite hundreds of rows at once: importing is a publisher's
    job. Editors may still export."""

    import_form_class = VendorImportForm
    # Each error's message, never its traceback (which the resource logs).
    import_error_display = ("message",)

    def has_import_permission(self, request):
        return can_publish(request) and self.has_add_permission(request)

    def get_tmp_storage_class_kwargs(self):
        return {"MEDIA_FOLDER": UPLOAD_FOLDER}

    def create_import_form(self, request):
        # One form per request: the background check and the library's preview read the
        # same cleaned file (the mapping step hands its stored file on only once).
        if not hasattr(request, "_import_form"):
            request._import_form = super().create_import_form(request)
        return request._import_form

    def import_action(self, request, **kwargs):
        # The library keeps every upload it previews; only one that can be confirmed may wait.
        if request.method == "POST" and self.has_import_permission(request):
            discard_stale_uploads()
            import_form = self.create_import_form(request)
            if import_form.is_valid() and (job := self.background_preview(request, import_form)):
                return redirect(self.import_job_url(job))
        confirmable = False
        try:
            response = super().import_action(request, **kwargs)
            confirmable = bool((getattr(response, "context_data", None) or {}).get("confirm_form"))
            return response
        finally:
            if not confirmable:
                upload = request.FILES.get("import_file")
                self.discard_upload(getattr(upload, "tmp_storage_name", ""))

    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        confirm_form = self.create_confirm_form(request)
        name = confirm_form.cleaned_data["import_file_name"] if confirm_form.is_valid() else ""
        try:
            if name and (job := self.background_job(request, confirm_form)):
                name = ""  # The worker reads the upload, then discards it.
                return redirect(self.import_job_url(job))
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # Discarded as stale, already confirmed (a second click), or never shared.
            self.message_user(
                request,
                _(
                    "The file you previewed is no longer on the server: a preview waits "
                    "%(hours)d hours at most. Upload the file again. Nothing was imported."
                )
                % {"hours": UPLOAD_LIFETIME.total_seconds() // 3600},
                messages.ERROR,
            )
            return redirect(self.import_url())
        finally:
            self.discard_upload(name)

    def background_preview(self, request, import_form):
        """A file too long to preview within a request is checked by the task worker, whose
        page then shows the preview and the confirm: its job. None for a short or unreadable
        file, which the library previews (or refuses) as usual."""
        format_class = self.get_import_formats()[int(import_form.cleaned_data["format"])]
        input_format = format_class(encoding=self.from_encoding)
        import_file = import_form.cleaned_data["import_file"]
        try:
            rows = len(input_format.create_dataset(b"".join(import_file.chunks())))
        except Exception:  # The parsers raise anything: the library says why, in its preview.
            return None
        finally:
            import_file.seek(0)
        if rows <= settings.IMPORT_BACKGROUND_PREVIEW_ROWS:
            return None
        from ..tasks import preview_in_background

        storage = self.write_to_tmp_storage(import_file, input_format)
        import_file.tmp_storage_name = storage.name
        confirm_form = self.create_confirm_form(request, import_form=import_form)
        resource_class = self.choose_import_resource_class(import_form, request)
        job = ImportJob.objects.create(
            kind=ImportJob.Kind.PREVIEW,
            created_by=request.user,
            upload_name=storage.name,
            original_file_name=import_file.name,
            format_path=f"{format_class.__module__}.{format_class.__qualname__}",
            encoding="" if input_format.is_binary() else self.from_encoding or "",
            resource_path=f"{resource_class.__module__}.{resource_class.__qualname__}",
            column_mapping=import_form.cleaned_data.get("column_mapping") or {},
            rows_total=rows,
            preview={"confirm": confirm_form.initial},
        )
        transaction.on_commit(lambda: self.enqueue(preview_in_background, job))
        return job

    def background_job(self, request, confirm_form):
        """A file too long to import within a request goes to the task worker: its job."""
        format_class = self.get_import_formats()[int(confirm_form.cleaned_data["format"])]
        input_format = format_class(encoding=self.from_encoding)
        encoding = None if input_format.is_binary() else self.from_encoding
        storage = self.get_tmp_storage_class()(
            name=confirm_form.cleaned_data["import_file_name"],
            encoding=encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        rows = len(input_format.create_dataset(storage.read()))
        if rows <= settings.IMPORT_BACKGROUND_ROWS:
            return None
        from ..tasks import import_in_background

        resource_class = self.choose_import_resource_class(confirm_form, request)
        job = ImportJob.objects.create(
            created_by=request.user,
            upload_name=storage.name,
            original_file_name=confirm_form.cleaned_data.get("original_file_name", ""),
            format_path=f"{format_class.__module__}.{format_class.__qualname__}",
            encoding=encoding or "",
            resource_path=f"{resource_class.__module__}.{resource_class.__qualname__}",
            column_mapping=confirm_form.cleaned_data.get("column_mapping") or {},
            rows_total=rows,
        )
        # Enqueued once the job is stored, so that a worker never looks for it too soon.
        transaction.on_commit(lambda: self.enqueue(import_in_background, job))
        return job

    @staticmethod
    def enqueue(task, job):
        result = task.enqueue(str(job.pk))
        ImportJob.objects.filter(pk=job.pk, task_id="").update(task_id=result.id)

    def import_job_view(self, request, job_id):
        if not self.has_import_permission(request):
            raise PermissionDenied
        from ..tasks import rows_done

        job = get_object_or_404(ImportJob, pk=job_id)
        done = rows_done(job)
        confirmable = job.is_preview and job.status == ImportJob.Status.DONE
        confirmable = confirmable and not job.preview.get("errors")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import of %(file)s") % {"file": job.original_file_name},
            "opts": self.model._meta,
            "job": job,
            "rows_done": done,
            "percent": round(100 * done / job.rows_total) if job.rows_total else 100,
            "changelist_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist",
                current_app=self.admin_site.name,
            ),
            "import_url": self.import_url(),
            "confirm_form": self.confirm_form_class(initial=job.preview["confirm"])
            if confirmable
            else None,
            "process_import_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_process_import",
                current_app=self.admin_site.name,
            ),
            "shown_changes": len(job.preview.get("changes", [])),
            "all_changes": job.new + job.updated,
        }
        return TemplateResponse(request, "admin/vendors/import_job.html", context)

    def import_job_url(self, job):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import_job",
            args=[job.pk],
            current_app=self.admin_site.name,
        )

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "import/<uuid:job_id>/",
                self.admin_site.admin_view(self.import_job_view),
                name=f"{opts.app_label}_{opts.model_name}_import_job",
            ),
            *super().get_urls(),
        ]

    def process_result(self, result, request):
        # The confirm imports the file again: what it refers to may have changed since the
        # preview. The import has rolled back; say so rather than "Import finished".
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _(
                    "The file no longer imports cleanly: something it refers to changed "
                    "since the preview. Nothing was imported. Upload it again to see why."
                ),
                messages.ERROR,
            )
            return redirect(self.import_url())
        return super().process_result(result, request)

    def add_data_read_fail_error_to_form(self, form, error):
        form.add_error("import_file", read_failure_message(error))

    def discard_upload(self, name):
        if name:
            storage_class = self.get_tmp_storage_class()
            storage_class(name=name, **self.get_tmp_storage_class_kwargs()).remove()

    def import_url(self):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name
        )


class PublisherStatusMixin:
    """A status only publishers may change: editors see it read-only."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request):
            readonly.append("status")
        return readonly


class PublisherOnlyFieldsForm:
    """Mixed into an admin form by PublisherOnlyFieldsMixin. For a user who may not
    publish, the fields named for the stored object are disabled: Django then keeps the
    stored value whatever a POST sends, so a crafted request changes nothing either."""

    may_publish = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.may_publish:
            return
        for name in self.publisher_only_fields(self.instance):
            if name in self.fields:
                self.fields[name].disabled = True

    @staticmethod
    def publisher_only_fields(obj):
        return []


class PublisherOnlyFieldsMixin:
    """For an admin or an inline whose objects have fields, besides the status, whose change
    decides what the public sees. `publisher_only_fields(obj)` names them, from the stored
    object: each form of an inline asks about its own row."""

    def publisher_only_fields(self, obj):
        return []

    def publisher_form(self, request, form):
        return type(form)(
            form.__name__,
            (PublisherOnlyFieldsForm, form),
            {
                "may_publish": can_publish(request),
                "publisher_only_fields": staticmethod(self.publisher_only_fields),
            },
        )

    # ModelAdmin builds its form with get_form(), an inline its formset with get_formset().
    def get_form(self, request, obj=None, **kwargs):
        return self.publisher_form(request, super().get_form(request, obj, **kwargs))

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = self.publisher_form(request, formset.form)
        return formset


class PublishedTitlePartMixin(PublisherOnlyFieldsMixin):
    """A published sharing record or incident shows on its title's pages: moving it to
    another title shows or hides it (a draft title hides everything it holds)."""

    def publisher_only_fields(self, obj):
        return ["vendor"] if obj.status == PublicationStatus.PUBLISHED else []


class PublishingAdminMixin(PublisherStatusMixin):
    """Publish, unpublish and retire actions, and a status only publishers may change.

    Every status change goes through the QuerySet's set_status(), which saves each
    object: history records it, and cache invalidation can hook on the save signals.
    """

    actions = ["publish", "unpublish", "retire"]

    def has_publish_permission(self, request):
        return can_publish(request)

    def revert_disabled(self, request, obj=None):
        # Reverting can bring back a published version: a publisher's decision.
        return not can_publish(request) or super().revert_disabled(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Hiding the Revert button is not enough: refuse the POST itself.
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def change_status(self, request, queryset, status, message):
        try:
            count = queryset.set_status(status)
        except IntegrityError as error:
            # set_status() is all or nothing: say so, and which rule the database held.
            logger.exception("status action refused by the database")
            self.message_user(
                request,
                _("Nothing was changed: the database refused one of the %(items)s (%(error)s).")
                % {"items": self.opts.verbose_name_plural, "error": error},
                messages.ERROR,
            )
            return
        except ValidationError as error:
            self.message_user(
                request,
                _("Nothing was changed: %(error)s") % {"error": " ".join(error.messages)},
                messages.ERROR,
            )
            return
        self.message_user(request, message % {"count": count}, messages.SUCCESS)
        self.status_changed(request, queryset, status)

    def status_changed(self, request, queryset, status):
        """Called after each status action, for an admin that has more to tell the user."""

    @admin.action(
        permissions=["publish"], description=_("Publish the selected %(verbose_name_plural)s")
    )
    def publish(self, request, queryset):
        self.change_status(
            request, queryset, PublicationStatus.PUBLISHED, _("Published: %(count)d.")
        )

    @admin.action(
        permissions=["publish"], description=_("Unpublish the selected %(verbose_name_plural)s")
    )
    def unpublish(self, request, queryset):
        self.change_status(
            request, queryset, PublicationStatus.DRAFT, _("Returned to draft: %(count)d.")
        )

    @admin.action(
        permissions=["publish"], description=_("Retire the selected %(verbose_name_plural)s")
    )
    def retire(self, request, queryset):
        self.change_status(request, queryset, PublicationStatus.RETIRED, _("Retired: %(count)d."))
