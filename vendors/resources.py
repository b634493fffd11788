"""Titles as a spreadsheet: one row per title, a group of columns per audience.

django-import-export reads and writes the file and gives the admin its dry-run
preview; this module says what the columns are and how a row becomes a title and
its sharing records. A file with any bad row changes nothing.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.forms import ImportForm

from .models import (
    Audience,
    DataElement,
    DestructionTerm,
    PublicationStatus,
    SharingRecord,
    UsageStatement,
    Vendor,
)

# Hundreds of titles fit in well under a megabyte; anything far larger is the wrong file.
MAX_IMPORT_BYTES = 2 * 1024 * 1024

VENDOR_COLUMNS = [
    "slug",
    "name",
    "company",
    "status",
    "description",
    "privacy_policy_label",
    "privacy_policy_url",
    "terms_label",
    "terms_url",
    "website_label",
    "website_url",
]

# Each audience's columns are "<audience slug> <part>", e.g. "parent-data data elements".
RECORD_PARTS = [
    "status",
    "elements intro",
    "data elements",
    "usage statement",
    "usage statement text",
    "destruction term",
    "destruction term text",
]

ELEMENT_SEPARATOR = ";"


def record_column(audience_slug, part):
    return f"{audience_slug} {part}"


class RecordColumn(fields.Field):
    """One part of one audience's sharing record. Written by the resource, not by Field.save."""

    def __init__(self, audience, part):
        super().__init__(column_name=record_column(audience.slug, part), readonly=True)
        self.audience = audience
        self.part = part

    def get_value(self, obj):
        record = records_by_audience(obj).get(self.audience.pk) if obj.pk else None
        if record is None:
            return ""
        match self.part:
            case "status":
                return record.status
            case "elements intro":
                return record.elements_intro
            case "data elements":
                slugs = sorted(element.slug for element in record.elements.all())
                return f"{ELEMENT_SEPARATOR} ".join(slugs)
            case "usage statement":
                return record.usage_statement.title
            case "usage statement text":
                return record.usage_statement.text
            case "destruction term":
                return record.destruction_term.title
            case "destruction term text":
                return record.destruction_term.text

    def clean(self, row, **kwargs):
        return row.get(self.column_name)


def records_by_audience(vendor):
    cache = getattr(vendor, "_records_by_audience", None)
    if cache is None:
        cache = {record.audience_id: record for record in vendor.sharing_records.all()}
        vendor._records_by_audience = cache
    return cache


class VendorResource(resources.ModelResource):
    class Meta:
        model = Vendor
        fields = VENDOR_COLUMNS
        export_order = VENDOR_COLUMNS
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False

    # The spreadsheet holds the English texts. The admin follows the staff member's browser
    # language, and a translated field reads and writes that language's column, so pin English.
    def export(self, *args, **kwargs):
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super().export(*args, **kwargs)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.audiences = list(Audience.objects.all())
        for audience in self.audiences:
            for part in RECORD_PARTS:
                column = record_column(audience.slug, part)
                self.fields[column] = RecordColumn(audience, part)

    def get_export_order(self):
        return tuple(self.fields)

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related(
            "sharing_records__elements",
            "sharing_records__usage_statement",
            "sharing_records__destruction_term",
        )

    def import_data(self, dataset, **kwargs):
        # All or nothing: one invalid row rolls back every other row too.
        kwargs["use_transactions"] = True
        kwargs["rollback_on_validation_errors"] = True
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        if not dataset.headers or not len(dataset):
            raise ValueError(_("The file is empty: it needs a header row and one row per title."))
        headers = [header.strip() if header else "" for header in dataset.headers]
        missing = [column for column in VENDOR_COLUMNS if column not in headers]
        if missing:
            raise ValueError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        known_audiences = {audience.slug for audience in self.audiences}
        for header in headers:
            if header in VENDOR_COLUMNS:
                continue
            audience_slug, _space, part = header.partition(" ")
            if part not in RECORD_PARTS:
                raise ValueError(_("Unknown column “%(column)s”.") % {"column": header})
            if audience_slug not in known_audiences:
                raise ValueError(
                    _("Unknown audience “%(audience)s” in column “%(column)s”.")
                    % {"audience": audience_slug, "column": header}
                )
        for audience_slug in {h.partition(" ")[0] for h in headers if h not in VENDOR_COLUMNS}:
            absent = [
                record_column(audience_slug, part)
                for part in RECORD_PARTS
                if record_column(audience_slug, part) not in headers
            ]
            if absent:
                raise ValueError(
                    _("Missing columns: %(columns)s.") % {"columns": ", ".join(absent)}
                )
        first_row = {}
        slug_index = headers.index("slug")
        for number, row in enumerate(dataset, 1):
            slug = (row[slug_index] or "").strip()
            if slug in first_row:
                raise ValueError(
                    _("The slug “%(slug)s” is on rows %(first)d and %(again)d: one row per title.")
                    % {"slug": slug, "first": first_row[slug], "again": number}
                )
            first_row[slug] = number

    def before_import_row(self, row, **kwargs):
        # Spreadsheets pad cells with spaces; a slug or status with one would not match.
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = value.strip()
            elif value is None:
                row[column] = ""
        if row.get("status", "") not in PublicationStatus.values:
            raise ValidationError(
                {"status": _("Use one of: %s.") % ", ".join(PublicationStatus.values)}
            )

    def after_save_instance(self, instance, row, **kwargs):
        errors = {}
        for audience in self.audiences:
            if record_column(audience.slug, "status") not in row:
                continue
            try:
                self.import_record(instance, audience, row)
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        instance._records_by_audience = None

    def import_record(self, vendor, audience, row):
        def cell(part):
            return (row.get(record_column(audience.slug, part)) or "").strip()

        existing = SharingRecord.objects.filter(vendor=vendor, audience=audience).first()
        status = cell("status")
        if not status:
            # No record for this audience in the file: the title does not share with it.
            if existing is not None:
                existing.delete()
            return
        errors = {}
        if status not in PublicationStatus.values:
            errors[record_column(audience.slug, "status")] = _("Use one of: %s.") % ", ".join(
                PublicationStatus.values
            )
        slugs = [s.strip() for s in cell("data elements").split(ELEMENT_SEPARATOR) if s.strip()]
        elements = list(DataElement.objects.filter(slug__in=slugs))
        unknown = sorted(set(slugs) - {element.slug for element in elements})
        if unknown:
            errors[record_column(audience.slug, "data elements")] = _(
                "Unknown data elements: %s."
            ) % ", ".join(unknown)
        elif status == PublicationStatus.PUBLISHED and not elements:
            errors[record_column(audience.slug, "data elements")] = _(
                "A published sharing record must name at least one data element."
            )
        usage = self.shared_text(UsageStatement, audience, "usage statement", cell, errors)
        destruction = self.shared_text(DestructionTerm, audience, "destruction term", cell, errors)
        if errors:
            raise ValidationError(errors)
        record = existing or SharingRecord(vendor=vendor, audience=audience)
        record.status = status
        record.elements_intro = cell("elements intro")
        record.usage_statement = usage
        record.destruction_term = destruction
        record.save()
        record.elements.set(elements)

    def shared_text(self, model, audience, part, cell, errors):
        """Find a statement or term by its title; create it, or update its text, from the file."""
        title_column = record_column(audience.slug, part)
        text_column = record_column(audience.slug, f"{part} text")
        title, text = cell(part), cell(f"{part} text")
        if not title:
            errors[title_column] = _("This column is required when the record has a status.")
            return None
        shared = model.objects.filter(title=title).first()
        if shared is None:
            if not text:
                errors[text_column] = _("The text is empty: a new text needs its wording.")
                return None
            return model.objects.create(title=title, text=text)
        if text and text != shared.text:
            shared.text = text
            shared.save()
        return shared


class VendorImportForm(ImportForm):
    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        if import_file.size > MAX_IMPORT_BYTES:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(import_file.size),
                    "limit": filesizeformat(MAX_IMPORT_BYTES),
                }
            )
        return import_file
