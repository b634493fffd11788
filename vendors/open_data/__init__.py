"""Open data: the whole clearinghouse as CSV and JSON, public content only.

Current and former (retired) titles are both included, told apart by `listing`: families
and journalists still need to know what a former vendor received and whether its data
was certified destroyed.

The field names are a promise to whoever builds on them (see docs/open-data.md and
vendors/schemas/): add fields, never rename or remove one within v1. The JSON is built in
api.py, the CSV files in spreadsheets.py, from the titles read here; the addresses and
their HTTP handling are in vendors/views/open_data.py. `absolute` is whatever makes a site
path a full URL (a request's `build_absolute_uri`).
"""

import json
from pathlib import Path

from django.db.models import Max, Prefetch

from ..models import DataElement, SecurityIncident, SharingRecord, Vendor, public_records_q

SCHEMA_PATH = Path(__file__).parent.parent / "schemas" / "vendors-v1.schema.json"

# The slug breaks ties between titles of the same name, so that a page always holds the
# same titles and the whole list always comes in the same order.
ORDER = ("name", "slug")
# Titles read together while the whole list streams: each chunk costs the same few
# queries, and a worker holds one chunk's rows at a time, never the whole list.
CHUNK_SIZE = 100


def public_vendors():
    """Current and former titles with their public records and every join the exports
    need."""
    return (
        Vendor.objects.public()
        .order_by(*ORDER)
        .with_public_details(SharingRecord.objects.public(), "public_records")
    )


def in_chunks(queryset):
    """The titles of `queryset` (which must not be sliced), CHUNK_SIZE at a time, each
    chunk read in whole by queries that end before it is used: no cursor stays open while
    a slow download takes its time, which on SQLite would hold writers back. Which titles
    are in the list is fixed by the first query; a title removed meanwhile drops out."""
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK_SIZE):
        yield list(queryset.filter(pk__in=ids[start : start + CHUNK_SIZE]))


def newest_change(district=None):
    """What `last_modified` works out from the loaded rows, asked of the database in one
    query, for a response sent before its rows are read (the whole list) or that shows
    only some of them (a page, which moves whenever any title does)."""
    published = public_records_q("sharing_records__")
    stamps = Vendor.objects.public().aggregate(
        vendor=Max("updated_at"),
        record=Max("sharing_records__updated_at", filter=published),
        usage=Max("sharing_records__usage_statement__updated_at", filter=published),
        destruction=Max("sharing_records__destruction_term__updated_at", filter=published),
    )
    stamps = [stamp for stamp in stamps.values() if stamp is not None]
    if district:
        stamps.append(district.updated_at)
    return max(stamps, default=None)


def public_vendors_with_incidents():
    """Current and former titles with their public incidents, for the incident CSV."""
    return (
        Vendor.objects.public()
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "security_incidents",
                queryset=SecurityIncident.objects.public().prefetch_related(
                    Prefetch("elements", queryset=DataElement.objects.with_category())
                ),
                to_attr="public_incidents",
            )
        )
    )


def listing(vendor):
    return "former" if vendor.is_former else "current"


def last_modified(vendors, district=None):
    """The newest change to anything the exports show: a title (its agreements,
    subprocessors and incidents touch it when saved), a public record, a shared text,
    or the district profile (its texts are in every JSON response). Read from the rows
    already loaded for the body, so it costs no query; draft records are not among them,
    so the header says nothing about them."""
    stamps = [district.updated_at] if district else []
    for vendor in vendors:
        stamps.append(vendor.updated_at)
        for record in getattr(vendor, "public_records", ()):
            stamps += [
                record.updated_at,
                record.usage_statement.updated_at,
                record.destruction_term.updated_at,
            ]
    return max(stamps, default=None)


def iso_or_none(day):
    return day.isoformat() if day else None


def document_url(agreement, field, absolute):
    url = agreement.public_document_url(field)
    return absolute(url) if url else None


def load_schema():
    return json.loads(SCHEMA_PATH.read_text())
