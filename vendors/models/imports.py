"""Importing a district's spreadsheet: how its column headers become ours (matched once and
kept, so that next term's file imports without matching them again), and an import too long
for a web request, run by the task worker: what it is at, and how it ended."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ColumnMapping(models.Model):
    """{their header: our column} for the titles' import; an empty column means "ignore"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    columns = models.JSONField(
        _("columns"),
        default=dict,
        help_text=_(
            "Each of the file's headers and the column of ours it fills, "
            'e.g. {"App name": "name", "Vendor": "company"}. An empty value ignores the column.'
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:vendors_columnmapping_change", args=[self.pk])


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        IMPORT = "import", _("Import")
        # The dry run before the confirm: it writes nothing, and ends in the same preview
        # as a short file's, with the confirm button if the file imports cleanly.
        PREVIEW = "preview", _("Preview")

    # Random, so that the progress page's address names one import and guesses none.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.IMPORT)
    # Where the upload waits, as the preview stored it, and how to read it.
    upload_name = models.CharField(max_length=255)
    original_file_name = models.CharField(max_length=255, blank=True)
    format_path = models.CharField(max_length=255)
    encoding = models.CharField(max_length=32, blank=True)
    resource_path = models.CharField(max_length=255)
    # The staff's {their header: our column}, from the import's mapping step.
    column_mapping = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    new = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    # A preview's outcome: the rows' errors, the changes to show, and the confirm form.
    preview = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("background import")

    def __str__(self):
        return f"{self.original_file_name} ({self.get_status_display()})"

    @property
    def is_preview(self):
        return self.kind == self.Kind.PREVIEW

    @property
    def finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    def finish(self, status, **fields):
        for name, value in fields.items():
            setattr(self, name, value)
        self.status = status
        self.finished_at = timezone.now()
        self.save()
