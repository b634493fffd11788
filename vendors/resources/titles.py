"""Titles as a spreadsheet: one row per title, a group of columns per audience.

django-import-export reads and writes the file and gives the admin its dry-run
preview; this module says what the columns are and how a row becomes a title and
its sharing records. A file with any bad row changes nothing.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields

from ..models import GRADE_BANDS, GRADE_BANDS_BY_VALUE, Audience, PublicationStatus, Vendor
from .base import AllOrNothingResource, DayWidget, FileRefused, YesNoWidget, choice_error
from .mapping import rename_columns
from .records import (
    BATCH,
    TRANSLATED_LANGUAGES,
    TRANSLATED_RECORD_PARTS,
    Catalog,
    RecordPlan,
    element_cell,
    record_column,
    records_by_audience,
    write_new_records,
)

VENDOR_COLUMNS = [
    "slug",
    "name",
    "company",
    "status",
    "description",
    *Vendor.LINK_FIELDS,
]

# The Spanish and Haitian Creole wording staff entered, so that a round trip keeps what
# parents read in their language (the plain columns are the English).
VENDOR_TRANSLATION_COLUMNS = [
    f"{name}_{code}"
    for name in ("description", "privacy_policy_label", "terms_label", "website_label")
    for code in TRANSLATED_LANGUAGES
]

# The district's decision: only publishers import, as only they set it in the admin.
DECISION_COLUMNS = [
    "decision",
    "decided_on",
    "grade_bands",
    "decision_conditions",
    *(f"decision_conditions_{code}" for code in TRANSLATED_LANGUAGES),
    "decision_reason",
    *(f"decision_reason_{code}" for code in TRANSLATED_LANGUAGES),
]

# Added after the first release: exported, but a file without them still imports and
# leaves them as they are.
OPTIONAL_VENDOR_COLUMNS = [
    "business_address",
    "has_no_subprocessors",
    *VENDOR_TRANSLATION_COLUMNS,
    *DECISION_COLUMNS,
    "generative_ai",
    "trains_models",
    "accessibility_report_url",
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
# Optional for the same reason as OPTIONAL_VENDOR_COLUMNS.
OPTIONAL_RECORD_PARTS = ["legal basis", "legal basis other", *TRANSLATED_RECORD_PARTS]


class RecordColumn(fields.Field):
    """One part of one audience's sharing record. Written by RecordPlan, not by Field.save."""

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
                return element_cell(record.element_list)
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
            case translated if translated in TRANSLATED_RECORD_PARTS:
                return translated_value(record, *TRANSLATED_RECORD_PARTS[translated])

    def clean(self, row, **kwargs):
        return row.get(self.column_name)


def translated_value(record, part, code):
    """A record's (or its shared text's) wording in one language; "" where none was entered."""
    match part:
        case "usage statement text":
            owner, name = record.usage_statement, "text"
        case "destruction term text":
            owner, name = record.destruction_term, "text"
        case _:
            owner, name = record, part.replace(" ", "_")
    return getattr(owner, f"{name}_{code}") or ""


class GradeBandsColumn(fields.Field):
    """The grade bands a decision is limited to, in one cell: "k-2; 3-5" (blank for every
    grade), as the open data writes them."""

    def __init__(self):
        super().__init__(attribute="grade_bands", column_name="grade_bands")

    def get_value(self, instance):
        return "; ".join(band.value for band in instance.grade_bands)

    def clean(self, row, **kwargs):
        cell = str(row.get(self.column_name) or "")
        values = {value.strip().lower() for value in cell.replace(",", ";").split(";")}
        values.discard("")
        unknown = sorted(values - set(GRADE_BANDS_BY_VALUE))
        if unknown:
            raise ValueError(
                _("Unknown grade band “%(band)s”: use %(bands)s, separated by “;”.")
                % {"band": unknown[0], "bands": ", ".join(b.value for b in GRADE_BANDS)}
            )
        return values

    def save(self, instance, row, is_m2m=False, **kwargs):
        values = self.clean(row, **kwargs)
        for band in GRADE_BANDS:
            setattr(instance, band.field, band.value in values)


class VendorResource(AllOrNothingResource):
    has_no_subprocessors = fields.Field(
        attribute="has_no_subprocessors", column_name="has_no_subprocessors", widget=YesNoWidget()
    )
    decided_on = fields.Field(attribute="decided_on", column_name="decided_on", widget=DayWidget())
    grade_bands = GradeBandsColumn()

    class Meta:
        model = Vendor
        fields = VENDOR_COLUMNS + OPTIONAL_VENDOR_COLUMNS
        export_order = VENDOR_COLUMNS + OPTIONAL_VENDOR_COLUMNS
        import_id_fields = ["slug"]
        clean_model_instances = True
        use_transactions = True
        # A row equal to what is stored writes nothing: no history, no "Last updated", no
        # change-log entry. The preview counts such rows instead of listing them.
        skip_unchanged = True
        report_skipped = False

    def __init__(self, column_mapping=None, **kwargs):
        super().__init__(**kwargs)
        # {the file's header: our column}: a district's own spreadsheet (mapping.py).
        self.column_mapping = column_mapping or {}
        # Read once per import or export, not once per row; an import creates no elements.
        self.catalog = Catalog()
        self.existing = {}
        self.audiences = list(Audience.objects.all())
        for audience in self.audiences:
            for part in RECORD_PARTS + OPTIONAL_RECORD_PARTS:
                column = record_column(audience.slug, part)
                self.fields[column] = RecordColumn(audience, part)

    def get_export_order(self):
        return tuple(self.fields)

    def iter_queryset(self, queryset):
        batch = []
        for vendor in (
            queryset.iterator(chunk_size=BATCH) if hasattr(queryset, "iterator") else queryset
        ):
            batch.append(vendor)
            if len(batch) == BATCH:
                self.catalog.attach_records(batch)
                yield from batch
                batch = []
        self.catalog.attach_records(batch)
        yield from batch

    def import_columns(self):
        """Every column a file may have, in the export's order."""
        return [field.column_name for field in self.fields.values()]

    def before_import(self, dataset, **kwargs):
        if self.column_mapping:
            rename_columns(dataset, self.column_mapping, self.import_columns())
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
        # Every title the file names, with its records, read before the first row.
        slugs = list(first_row)
        for start in range(0, len(slugs), BATCH):
            vendors = list(Vendor.objects.filter(slug__in=slugs[start : start + BATCH]))
            self.catalog.attach_records(vendors)
            self.existing.update((vendor.slug, vendor) for vendor in vendors)

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        if row.get("status", "") not in PublicationStatus.values:
            raise ValidationError({"status": choice_error(PublicationStatus)})

    def get_instance(self, instance_loader, row):
        return self.existing.get(str(row.get("slug", "")))

    def import_instance(self, instance, row, **kwargs):
        # The title's own cells and its records', checked together: one message lists all.
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        instance._record_plan = RecordPlan(self.catalog, instance, self.audiences, row)
        errors.update(instance._record_plan.errors)
        if errors:
            raise ValidationError(errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # The library's comparison would read the records before the plan writes them, and
        # find them equal: the title's own fields are compared here, its records by the plan.
        # A translation nobody entered is NULL or "" depending on how the row was saved,
        # and a file holds "" for both: neither is a change.
        instance._fields_changed = any(
            (field.get_value(instance) or "") != (field.get_value(original) or "")
            for field in self.get_import_fields()
            if not isinstance(field, RecordColumn)
        )
        if import_validation_errors:
            return False
        return not (instance._fields_changed or instance._record_plan)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            # Without a query per row: the title's check constraints (a name, a slug, a known
            # status) are its fields' own rules, which full_clean() checks anyway, and its
            # one unique field is the slug that found it (before_import refuses a slug on
            # two rows). The database still holds both.
            instance.full_clean(
                exclude=errors.keys(), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        # A row that changes only records saves those: each moves the title's "Last
        # updated" itself (TitlePart.save), and the title gains no empty history entry.
        if is_create or instance._fields_changed:
            super().do_instance_save(instance, is_create)

    def after_save_instance(self, instance, row, **kwargs):
        instance._record_plan.apply()

    def after_import(self, dataset, result, **kwargs):
        # Inside the import's transaction: a dry run or a failed row rolls these back too.
        write_new_records(self.catalog.new_records)
