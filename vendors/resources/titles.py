"""Titles as a spreadsheet: one row per title, a group of columns per audience.

django-import-export reads and writes the file and gives the admin its dry-run
preview; this module says what the columns are and how a row becomes a title and
its sharing records. A file with any bad row changes nothing.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields

from ..models import (
    Audience,
    DataElement,
    DestructionTerm,
    LegalBasis,
    PublicationStatus,
    SharingRecord,
    UsageStatement,
    Vendor,
)
from .base import AllOrNothingResource, FileRefused, YesNoWidget, choice_error

VENDOR_COLUMNS = [
    "slug",
    "name",
    "company",
    "status",
    "description",
    *Vendor.LINK_FIELDS,
]

# Added after the first release: exported, but a file without them still imports and
# leaves them as they are.
OPTIONAL_VENDOR_COLUMNS = ["business_address", "has_no_subprocessors"]

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
# Optional for the same reason as OPTIONAL_VENDOR_COLUMNS.
OPTIONAL_RECORD_PARTS = ["legal basis", "legal basis other"]

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
            case "legal basis":
                return record.legal_basis
            case "legal basis other":
                return record.legal_basis_other

    def clean(self, row, **kwargs):
        return row.get(self.column_name)


def records_by_audience(vendor):
    cache = getattr(vendor, "_records_by_audience", None)
    if cache is None:
        # With what each column reads: the import writes every row out before and after
        # (its preview's diff), and would otherwise fetch them again for every cell.
        records = vendor.sharing_records.select_related(
            "usage_statement", "destruction_term"
        ).prefetch_related("elements")
        cache = {record.audience_id: record for record in records}
        vendor._records_by_audience = cache
    return cache


class VendorResource(AllOrNothingResource):
    has_no_subprocessors = fields.Field(
        attribute="has_no_subprocessors", column_name="has_no_subprocessors", widget=YesNoWidget()
    )

    class Meta:
        model = Vendor
        fields = VENDOR_COLUMNS + OPTIONAL_VENDOR_COLUMNS
        export_order = VENDOR_COLUMNS + OPTIONAL_VENDOR_COLUMNS
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Read once per import, not once per row; an import creates no elements.
        self.elements_by_slug = {element.slug: element for element in DataElement.objects.all()}
        self.shared_texts = {}
        self.audiences = list(Audience.objects.all())
        for audience in self.audiences:
            for part in RECORD_PARTS + OPTIONAL_RECORD_PARTS:
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

    def before_import(self, dataset, **kwargs):
        headers = self.require_columns(dataset, VENDOR_COLUMNS)
        known_audiences = {audience.slug for audience in self.audiences}
        for header in headers:
            if header in VENDOR_COLUMNS + OPTIONAL_VENDOR_COLUMNS:
                continue
            audience_slug, _space, part = header.partition(" ")
            if part not in RECORD_PARTS + OPTIONAL_RECORD_PARTS:
                raise FileRefused(_("Unknown column “%(column)s”.") % {"column": header})
            if audience_slug not in known_audiences:
                raise FileRefused(
                    _("Unknown audience “%(audience)s” in column “%(column)s”.")
                    % {"audience": audience_slug, "column": header}
                )
        vendor_columns = VENDOR_COLUMNS + OPTIONAL_VENDOR_COLUMNS
        for audience_slug in {h.partition(" ")[0] for h in headers if h not in vendor_columns}:
            absent = [
                record_column(audience_slug, part)
                for part in RECORD_PARTS
                if record_column(audience_slug, part) not in headers
            ]
            if absent:
                raise FileRefused(
                    _("Missing columns: %(columns)s.") % {"columns": ", ".join(absent)}
                )
        first_row = {}
        slug_index = headers.index("slug")
        for number, row in enumerate(dataset, 1):
            # A spreadsheet's number cell (a slug such as 2048) is a number, not text.
            slug = str(row[slug_index] or "").strip()
            if slug in first_row:
                raise FileRefused(
                    _("The slug “%(slug)s” is on rows %(first)d and %(again)d: one row per title.")
                    % {"slug": slug, "first": first_row[slug], "again": number}
                )
            first_row[slug] = number

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if row.get("status", "") not in PublicationStatus.values:
            raise ValidationError({"status": choice_error(PublicationStatus)})

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
            errors[record_column(audience.slug, "status")] = choice_error(PublicationStatus)
        slugs = [s.strip() for s in cell("data elements").split(ELEMENT_SEPARATOR) if s.strip()]
        elements = [self.elements_by_slug[slug] for slug in slugs if slug in self.elements_by_slug]
        unknown = sorted(set(slugs) - self.elements_by_slug.keys())
        elements_column = record_column(audience.slug, "data elements")
        if unknown:
            errors[elements_column] = _("Unknown data elements: %s.") % ", ".join(unknown)
        else:
            try:
                SharingRecord.validate_elements(status, elements)
            except ValidationError as error:
                errors[elements_column] = error.messages
        usage = self.shared_text(UsageStatement, audience, "usage statement", cell, errors)
        destruction = self.shared_text(DestructionTerm, audience, "destruction term", cell, errors)
        record = existing or SharingRecord(vendor=vendor, audience=audience)
        if record_column(audience.slug, "legal basis") in row:
            self.read_legal_basis(record, audience, cell, errors)
        if errors:
            raise ValidationError(errors)
        record.status = status
        record.elements_intro = cell("elements intro")
        record.usage_statement = usage
        record.destruction_term = destruction
        record.save()
        record.elements.set(elements)

    def read_legal_basis(self, record, audience, cell, errors):
        basis, other = cell("legal basis"), cell("legal basis other")
        if basis and basis not in LegalBasis.values:
            errors[record_column(audience.slug, "legal basis")] = choice_error(
                LegalBasis, blank_allowed=True
            )
        else:
            # The file is in English (AllOrNothingResource): its one wording is the English.
            wordings = {record_column(audience.slug, "legal basis other"): other}
            try:
                SharingRecord.validate_legal_basis(basis, wordings)
            except ValidationError as error:
                errors.update(error.message_dict)
        record.legal_basis, record.legal_basis_other = basis, other

    def shared_text(self, model, audience, part, cell, errors):
        """Find a statement or term by its title; create it, or update its text, from the file."""
        title_column = record_column(audience.slug, part)
        text_column = record_column(audience.slug, f"{part} text")
        title, text = cell(part), cell(f"{part} text")
        if not title:
            errors[title_column] = _("This column is required when the record has a status.")
            return None
        shared = self.shared_texts.get((model, title))
        if shared is None:
            shared = model.objects.filter(title=title).first()
        if shared is None:
            if not text:
                errors[text_column] = _("The text is empty: a new text needs its wording.")
                return None
            shared = model.objects.create(title=title, text=text)
        # Most rows name the same few texts: each is read once per import.
        self.shared_texts[(model, title)] = shared
        if text and text != shared.text:
            shared.text = text
            shared.save()
        return shared
