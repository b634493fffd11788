"""The sharing records behind a title's row: read for many titles at once, compared with a
row's cells, and written only where they differ.

A spreadsheet holds thousands of titles that name the same few dozen data elements and
shared texts. Each is read once (`Catalog`), and every title's records are attached to it
in three queries (`Catalog.attach_records`), so that neither the export nor the import
asks the database anything per row. A row's records are compared before anything is
written (`RecordPlan`): a row equal to what is stored writes nothing, so it adds no history
and moves no "Last updated".
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import (
    DataElement,
    DestructionTerm,
    LegalBasis,
    PublicationStatus,
    SharingRecord,
    UsageStatement,
)
from ..translation import translation_field_names
from .base import choice_error
from .element_names import ElementNames

ELEMENT_SEPARATOR = ";"
SHARED_TEXT_MODELS = {"usage statement": UsageStatement, "destruction term": DestructionTerm}
# Titles per query when attaching records: well under any database's limit on parameters.
BATCH = 1000

# The columns in English are the plain ones; each other language's wording has its own,
# e.g. "parent-data elements intro es", so that a round trip keeps what parents read.
TRANSLATED_LANGUAGES = [
    code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]
TRANSLATED_RECORD_PARTS = {
    f"{part} {code}": (part, code)
    for part in (
        "elements intro",
        "legal basis other",
        "usage statement text",
        "destruction term text",
    )
    for code in TRANSLATED_LANGUAGES
}


def record_column(audience_slug, part):
    return f"{audience_slug} {part}"


class Catalog:
    """The data elements and shared texts, each read once; and the records of many titles,
    attached to them so that every column reads from memory."""

    def __init__(self):
        elements = DataElement.objects.all()
        self.elements = {element.pk: element for element in elements}
        self.elements_by_slug = {element.slug: element for element in elements}
        self.element_names = ElementNames(self.elements.values())
        self.texts = {}
        self.texts_by_title = {}
        # The records of titles the file creates, written together (write_new_records).
        self.new_records = []
        for model in SHARED_TEXT_MODELS.values():
            for text in model.objects.all():
                self.texts[model, text.pk] = text
                self.texts_by_title[model, text.title] = text

    def attach_records(self, vendors):
        """Set each title's `_records_by_audience`, each record's `element_list`, and the
        shared texts, in a fixed number of queries for up to BATCH titles."""
        by_pk = {vendor.pk: vendor for vendor in vendors}
        for vendor in by_pk.values():
            vendor._records_by_audience = {}
        records = {}
        for record in SharingRecord.objects.filter(vendor_id__in=by_pk).order_by():
            vendor = by_pk[record.vendor_id]
            record.vendor = vendor
            record.usage_statement = self.texts[UsageStatement, record.usage_statement_id]
            record.destruction_term = self.texts[DestructionTerm, record.destruction_term_id]
            record.element_list = []
            vendor._records_by_audience[record.audience_id] = record
            records[record.pk] = record
        through = SharingRecord.elements.through.objects.filter(sharingrecord_id__in=records)
        for record_id, element_id in through.values_list("sharingrecord_id", "dataelement_id"):
            records[record_id].element_list.append(self.elements[element_id])


def records_by_audience(vendor):
    """{audience id: record} of a title, from what Catalog.attach_records set, or read now
    for a title that came another way."""
    cache = getattr(vendor, "_records_by_audience", None)
    if cache is None:
        records = vendor.sharing_records.select_related(
            "usage_statement", "destruction_term"
        ).prefetch_related("elements")
        cache = {}
        for record in records:
            record.element_list = list(record.elements.all())
            cache[record.audience_id] = record
        vendor._records_by_audience = cache
    return cache


def element_cell(elements):
    return f"{ELEMENT_SEPARATOR} ".join(sorted(element.slug for element in elements))


@dataclass
class RecordChange:
    """One record to write: `elements` is None when the row drops the record."""

    audience: object
    record: SharingRecord
    values: dict = field(default_factory=dict)
    elements: list | None = None
    elements_changed: bool = False

    @property
    def deletes(self):
        return self.elements is None


class RecordPlan:
    """What a row would change in its title's records and in the shared texts, worked out
    without writing anything; `apply()` writes it after the title is saved."""

    def __init__(self, catalog, vendor, audiences, row):
        self.catalog = catalog
        self.vendor = vendor
        self.new_title = vendor.pk is None
        self.changes = []
        self.texts_to_save = []
        self.errors = {}
        if self.new_title:
            vendor._records_by_audience = {}
        existing = records_by_audience(vendor)
        for audience in audiences:
            if record_column(audience.slug, "status") in row:
                self.plan(audience, existing.get(audience.pk), row)

    def __bool__(self):
        return bool(self.changes or self.texts_to_save)

    def plan(self, audience, existing, row):
        def cell(part):
            return str(row.get(record_column(audience.slug, part)) or "").strip()

        def column(part):
            return record_column(audience.slug, part)

        status = cell("status")
        if not status:
            # No record for this audience in the file: the title does not share with it.
            if existing is not None:
                self.changes.append(RecordChange(audience, existing))
            return
        errors = {}
        if status not in PublicationStatus.values:
            errors[column("status")] = choice_error(PublicationStatus)
        elements, unknown = self.elements(cell("data elements"))
        if unknown:
            errors[column("data elements")] = unknown
        else:
            try:
                SharingRecord.validate_elements(status, elements)
            except ValidationError as error:
                errors[column("data elements")] = error.messages
        values = {
            "status": status,
            "elements_intro": cell("elements intro"),
            "usage_statement": self.shared_text("usage statement", cell, column, errors),
            "destruction_term": self.shared_text("destruction term", cell, column, errors),
        }
        if column("legal basis") in row:
            values["legal_basis"], values["legal_basis_other"] = self.legal_basis(
                cell, column, errors
            )
        for translated, (part, code) in TRANSLATED_RECORD_PARTS.items():
            if column(translated) in row and part in ("elements intro", "legal basis other"):
                values[f"{part.replace(' ', '_')}_{code}"] = cell(translated)
        if errors:
            self.errors.update(errors)
            return
        if existing is None:
            record = SharingRecord(audience=audience)
            self.changes.append(RecordChange(audience, record, values, elements, True))
            return
        elements_changed = {element.pk for element in elements} != {
            element.pk for element in existing.element_list
        }
        # A translation nobody entered is NULL or "" depending on how it was saved.
        differs = any(
            (getattr(existing, name) or "") != (value or "") for name, value in values.items()
        )
        if differs or elements_changed:
            self.changes.append(
                RecordChange(audience, existing, values, elements, elements_changed)
            )

    def elements(self, cell):
        """The elements a cell names, by slug or by name, and a message for each it does not."""
        found, unknown = {}, []
        for value in cell.split(ELEMENT_SEPARATOR):
            if not value.strip():
                continue
            element = self.catalog.elements_by_slug.get(value.strip())
            if element is None:
                element, message = self.catalog.element_names.find(value.strip())
                if message:
                    unknown.append(message)
                    continue
            found[element.pk] = element
        return list(found.values()), unknown

    def legal_basis(self, cell, column, errors):
        basis, other = cell("legal basis"), cell("legal basis other")
        if basis and basis not in LegalBasis.values:
            errors[column("legal basis")] = choice_error(LegalBasis, blank_allowed=True)
        else:
            # The file is in English (AllOrNothingResource): its one wording is the English.
            try:
                SharingRecord.validate_legal_basis(basis, {column("legal basis other"): other})
            except ValidationError as error:
                errors.update(error.message_dict)
        return basis, other

    def shared_text(self, part, cell, column, errors):
        """Find a statement or term by its title; a new title, or new wording for a known
        one, is written by apply()."""
        model = SHARED_TEXT_MODELS[part]
        title, text = cell(part), cell(f"{part} text")
        if not title:
            errors[column(part)] = _("This column is required when the record has a status.")
            return None
        shared = self.catalog.texts_by_title.get((model, title))
        if shared is None:
            if not text:
                errors[column(f"{part} text")] = _(
                    "The text is empty: a new text needs its wording."
                )
                return None
            # Later rows that name it find this one, saved by whichever row comes first.
            shared = model(title=title, text=text)
            self.catalog.texts_by_title[model, title] = shared
        # As with the English, an empty cell leaves a known text's wording as it is.
        translations = {
            f"text_{code}": cell(f"{part} text {code}")
            for code in TRANSLATED_LANGUAGES
            if cell(f"{part} text {code}")
        }
        reworded = {
            name: value
            for name, value in translations.items()
            if (getattr(shared, name) or "") != value
        }
        if shared.pk is None or (text and text != shared.text) or reworded:
            shared.text = text or shared.text
            for name, value in reworded.items():
                setattr(shared, name, value)
            if shared not in self.texts_to_save:
                self.texts_to_save.append(shared)
        return shared

    def apply(self):
        for shared in self.texts_to_save:
            shared.save()
            self.catalog.texts[type(shared), shared.pk] = shared
        records = self.vendor._records_by_audience = dict(records_by_audience(self.vendor))
        for change in self.changes:
            if change.deletes:
                change.record.delete()
                records.pop(change.audience.pk, None)
                # A saved record moves it (TitlePart.save); a dropped one must too.
                type(self.vendor).objects.filter(pk=self.vendor.pk).update(
                    updated_at=timezone.now()
                )
                continue
            record = change.record
            record.vendor = self.vendor
            for name, value in change.values.items():
                setattr(record, name, value)
            record.element_list = change.elements
            records[change.audience.pk] = record
            if self.new_title:
                self.catalog.new_records.append(record)
                continue
            new = record.pk is None
            record.save()
            if new:
                record.elements.add(*change.elements)
            elif change.elements_changed:
                record.elements.set(change.elements)


def write_new_records(records):
    """Write the records of new titles in a few queries, each with one history entry that
    holds its elements, as simple-history would record a record saved with them.

    A record saved one by one costs some ten queries and two history entries (one for the
    row, one for its elements); a first import of thousands of titles is mostly these."""
    for record in records:
        record.vendor_id = record.vendor.pk
        # What history records for a translation nobody entered (vendors/translation.py).
        for name in translation_field_names(SharingRecord):
            if getattr(record, name) is None:
                setattr(record, name, "")
    SharingRecord.objects.bulk_create(records, batch_size=BATCH)
    history = SharingRecord.history.bulk_history_create(records, batch_size=BATCH)
    through = SharingRecord.elements.through
    links = through.objects.bulk_create(
        [
            through(sharingrecord_id=record.pk, dataelement_id=element.pk)
            for record in records
            for element in record.element_list
        ],
        batch_size=BATCH,
    )
    historical_links = apps.get_model("vendors", "HistoricalSharingRecord_elements")
    history_of = {entry.id: entry for entry in history}
    historical_links.objects.bulk_create(
        [
            historical_links(
                history=history_of[link.sharingrecord_id],
                id=link.pk,
                sharingrecord_id=link.sharingrecord_id,
                dataelement_id=link.dataelement_id,
            )
            for link in links
        ],
        batch_size=BATCH,
    )
