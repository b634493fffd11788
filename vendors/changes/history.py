"""The history the change log reads, loaded in a fixed number of queries, and the visibility
rules of vendors/models/publication.py asked of past versions rather than of rows.

A version is one row of django-simple-history, as a dict; an object's versions are oldest
first. One save in the admin writes several rows (the title, each sharing record, then one
row per change to a record's data elements), so rows of one object written by one person
within `GROUP_WINDOW` count as one change.
"""

from bisect import bisect_right
from datetime import timedelta

from django.apps import apps
from django.db.models import Value

from ..models import (
    Audience,
    DataElement,
    DestructionTerm,
    SecurityIncident,
    SharingRecord,
    UsageStatement,
    Vendor,
)
from ..models.publication import is_listed, is_public

GROUP_WINDOW = timedelta(minutes=2)
# A bound on the work of one uncached render: at 1,000 titles the whole history is about
# 1,300 title rows and 2,000 record rows, so today this drops nothing.
HISTORY_ROWS_READ = 5000
DELETED = "-"
CHANGED = "~"


def exists(version):
    """Not the nothing before an object's first version, nor the row of its deletion."""
    return version is not None and version["history_type"] != DELETED


def listed(version):
    """The version's own status is listed (published). For a title that is the whole rule;
    a sharing record or an incident also asks its title (`History.record_listed_around`,
    `History.incident_public`)."""
    return exists(version) and is_listed(version["status"])


def public(version):
    return exists(version) and is_public(version["status"])


def changes_in(versions):
    """An object's versions merged into (before, after) pairs, one per real change;
    `before` is None for the first change."""
    groups = []
    for version in versions:
        if groups:
            last = groups[-1][-1]
            if (
                version["history_date"] - last["history_date"] <= GROUP_WINDOW
                and version["history_user_id"] == last["history_user_id"]
            ):
                groups[-1].append(version)
                continue
        groups.append([version])
    before = None
    for index, group in enumerate(groups):
        # History that starts with a change, not a creation, began after the object existed
        # (the demo content is loaded without history): its first state is a baseline, not news.
        if index or group[0]["history_type"] != CHANGED:
            yield before, group[-1]
        before = group[-1]


def _by_object(rows):
    objects = {}
    for row in sorted(rows, key=lambda row: (row["history_date"], row["history_id"])):
        objects.setdefault(row["id"], []).append(row)
    return objects


class Timeline:
    """An object's versions by date, to ask what it looked like at a given moment."""

    def __init__(self, versions):
        self.versions = versions
        self.dates = [version["history_date"] for version in versions]

    def at(self, moment):
        index = bisect_right(self.dates, moment)
        return self.versions[index - 1] if index else None


def _newest(history):
    return history.order_by("-history_date", "-history_id").values()[:HISTORY_ROWS_READ]


class History:
    """The history rows the change log needs, in a fixed number of queries, and no more
    than the newest HISTORY_ROWS_READ of titles, of records and of incidents, however long
    the history grows. An object whose older rows fall outside starts from its oldest row
    read, which `changes_in` takes as a baseline, not as news, so the log loses its oldest
    entries and never invents one."""

    def __init__(self):
        self.vendors = _by_object(_newest(Vendor.history))
        self.vendor_timelines = {pk: Timeline(v) for pk, v in self.vendors.items()}
        self.records = _by_object(_newest(SharingRecord.history))
        self.record_timelines = {pk: Timeline(v) for pk, v in self.records.items()}
        self.incidents = _by_object(_newest(SecurityIncident.history))
        self.elements, self.incident_elements = self._element_links()
        self.element_names = self._element_names()
        self.audiences = {audience.pk: audience for audience in Audience.objects.all()}
        # Today's titles, for the links, and for judging titles loaded without history.
        self.public_slugs, self.public_names, self.listed_vendors = {}, {}, set()
        for pk, slug, name, status in Vendor.objects.public().values_list(
            "pk", "slug", "name", "status"
        ):
            self.public_slugs[pk] = slug
            self.public_names[pk] = name
            if is_listed(status):
                self.listed_vendors.add(pk)
        # Every save writes a history row, so an object's newest row is its state today; an
        # object with no row read is in no entry, so its state is never asked for.
        self.listed_records = {
            pk
            for pk, versions in self.records.items()
            if listed(versions[-1]) and versions[-1]["vendor_id"] in self.listed_vendors
        }
        self.public_incidents = {
            pk
            for pk, versions in self.incidents.items()
            if listed(versions[-1]) and versions[-1]["vendor_id"] in self.public_slugs
        }
        self.shared_texts = self._shared_texts()

    def _element_links(self):
        """The data elements of each record version and each incident version read, from
        both link tables in one query (a history id is unique only within its own table)."""
        record_links = apps.get_model("vendors", "HistoricalSharingRecord_elements")
        incident_links = apps.get_model("vendors", "HistoricalSecurityIncident_elements")

        def read(links, objects, incident):
            ids = [version["history_id"] for versions in objects.values() for version in versions]
            return (
                links.objects.filter(history_id__in=ids)
                .order_by()
                .annotate(incident=Value(incident))
                .values_list("history_id", "dataelement_id", "incident")
            )

        rows = (
            read(record_links, self.records, False)
            .union(read(incident_links, self.incidents, True), all=True)
            .order_by()
        )
        records, incidents = {}, {}
        for history_id, element_id, incident in rows:
            (incidents if incident else records).setdefault(history_id, set()).add(element_id)
        return records, incidents

    def _element_names(self):
        """Each data element's name today, in the visitor's language, or, once deleted, as
        last recorded. Two queries: modeltranslation picks the language column, so the
        live names cannot share a UNION with the history's plain ones."""
        names = dict(DataElement.objects.values_list("pk", "name"))
        for pk, name in DataElement.history.order_by("-history_date").values_list("id", "name"):
            names.setdefault(pk, name)
        return names

    def _shared_texts(self):
        """Both shared texts' versions, by model and then by object, in one query."""
        fields = ("id", "history_id", "history_date", "history_user_id", "history_type", "text")
        rows = {UsageStatement: [], DestructionTerm: []}
        usage = UsageStatement.history.order_by().annotate(usage=Value(True))
        destruction = DestructionTerm.history.order_by().annotate(usage=Value(False))
        usage, destruction = usage.values(*fields, "usage"), destruction.values(*fields, "usage")
        for row in usage.union(destruction, all=True).order_by():
            model = UsageStatement if row.pop("usage") else DestructionTerm
            rows[model].append(row)
        return {model: _by_object(model_rows) for model, model_rows in rows.items()}

    def vendor_at(self, vendor_id, moment):
        timeline = self.vendor_timelines.get(vendor_id)
        return timeline.at(moment) if timeline else None

    def vendor_listed_around(self, vendor_id, moment):
        """Whether the title was listed just before, at and just after a moment: a record's
        change made while its title was being added or removed is part of that, not news."""
        if vendor_id not in self.vendor_timelines:
            # Loaded as demo content, which records no history: judge by today's status.
            return vendor_id in self.listed_vendors
        return all(
            listed(self.vendor_at(vendor_id, when))
            for when in (moment - GROUP_WINDOW, moment, moment + GROUP_WINDOW)
        )

    def vendor_public_at(self, vendor_id, moment):
        if vendor_id not in self.vendor_timelines:
            # Loaded as demo content, which records no history: judge by today's status.
            return vendor_id in self.public_slugs
        return public(self.vendor_at(vendor_id, moment))

    def record_listed_around(self, record, moment):
        """A sharing record version on the lists at a moment: it and its title listed."""
        return listed(record) and self.vendor_listed_around(record["vendor_id"], moment)

    def incident_public(self, incident):
        """An incident version a visitor could read when it was written: itself published,
        and its title public (current or former) then. Never a draft."""
        return listed(incident) and self.vendor_public_at(
            incident["vendor_id"], incident["history_date"]
        )
