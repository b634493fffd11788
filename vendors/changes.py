"""What changed: the public change log, read from django-simple-history's records.

Each source is a small function that reads one kind of history and yields
`ChangeEntry` objects; `all_changes()` merges them newest first. Another kind of
event is one more function in `SOURCES`, as security incidents are.

Drafts never leak: a title counts as public while it is published or retired, a
sharing record while both it and its title are published. Only changes between
two public states, or into or out of one, become entries, and an entry about a
title that left the public lists names it as it was when it was last public.

One save in the admin writes several history rows (the title, each sharing
record, then one row per change to a record's data elements), so rows of one
object written by one person within `GROUP_WINDOW` count as one change.
"""

from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.db import models
from django.db.models import Value
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from .models import (
    Audience,
    DataElement,
    DestructionTerm,
    PublicationStatus,
    SecurityIncident,
    SharingRecord,
    UsageStatement,
    Vendor,
)

GROUP_WINDOW = timedelta(minutes=2)
CHANGES_PER_PAGE = 25
# A bound on the work of one uncached render: at 1,000 titles the whole history is about
# 1,300 title rows and 2,000 record rows, so today this drops nothing.
HISTORY_ROWS_READ = 5000
DELETED = "-"
CHANGED = "~"


class ChangeKind(models.TextChoices):
    ADDED = "added", _("Added")
    UPDATED = "updated", _("Updated")
    RETIRED = "retired", _("Retired")
    REMOVED = "removed", _("Removed")


@dataclass(frozen=True)
class ChangeEntry:
    date: datetime
    kind: str
    subject: str
    summary: str
    # Where to read the content now; empty when it is no longer public.
    url: str
    # Stable across requests, for the feed's entry ids and the page's anchors.
    key: str

    @property
    def kind_label(self):
        return ChangeKind(self.kind).label


def _groups(versions):
    """Consecutive versions of one object, merged into (before, after) pairs per real change.

    `versions` is oldest first; `before` is None for the first change."""
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


def _is_live_and_published(version):
    return version["history_type"] != DELETED and version["status"] == PublicationStatus.PUBLISHED


def _by_object(rows):
    objects = {}
    for row in sorted(rows, key=lambda row: (row["history_date"], row["history_id"])):
        objects.setdefault(row["id"], []).append(row)
    return objects


class _Timeline:
    """An object's versions by date, to ask what it looked like at a given moment."""

    def __init__(self, versions):
        self.versions = versions
        self.dates = [version["history_date"] for version in versions]

    def at(self, moment):
        index = bisect_right(self.dates, moment)
        return self.versions[index - 1] if index else None


def _newest(history):
    return history.order_by("-history_date", "-history_id").values()[:HISTORY_ROWS_READ]


class _History:
    """The history rows the change log needs, in a fixed number of queries, and no more
    than the newest HISTORY_ROWS_READ of titles, of records and of incidents, however long
    the history grows. An object whose older rows fall outside starts from its oldest row
    read, which `_groups` takes as a baseline, not as news, so the log loses its oldest
    entries and never invents one."""

    def __init__(self):
        self.vendors = _by_object(_newest(Vendor.history))
        self.vendor_timelines = {pk: _Timeline(v) for pk, v in self.vendors.items()}
        self.records = _by_object(_newest(SharingRecord.history))
        self.record_timelines = {pk: _Timeline(v) for pk, v in self.records.items()}
        self.incidents = _by_object(_newest(SecurityIncident.history))
        self.elements, self.incident_elements = self._element_links()
        self.element_names = self._element_names()
        self.audiences = {audience.pk: audience for audience in Audience.objects.all()}
        self.visible_slugs, self.visible_names, self.published_vendors = {}, {}, {}
        for pk, slug, name, status in Vendor.objects.exclude(
            status=PublicationStatus.DRAFT
        ).values_list("pk", "slug", "name", "status"):
            self.visible_slugs[pk] = slug
            self.visible_names[pk] = name
            if status == PublicationStatus.PUBLISHED:
                self.published_vendors[pk] = name
        # Every save writes a history row, so an object's newest row is its state today; an
        # object with no row read is in no entry, so its state is never asked for.
        self.public_records = {
            pk
            for pk, versions in self.records.items()
            if _is_live_and_published(versions[-1])
            and versions[-1]["vendor_id"] in self.published_vendors
        }
        self.public_incidents = {
            pk
            for pk, versions in self.incidents.items()
            if _is_live_and_published(versions[-1])
            and versions[-1]["vendor_id"] in self.visible_slugs
        }
        # Both shared texts' histories in one query, by model.
        fields = ("id", "history_id", "history_date", "history_user_id", "history_type", "text")
        self.shared_texts = {UsageStatement: [], DestructionTerm: []}
        usage = UsageStatement.history.order_by().annotate(usage=Value(True))
        destruction = DestructionTerm.history.order_by().annotate(usage=Value(False))
        usage, destruction = usage.values(*fields, "usage"), destruction.values(*fields, "usage")
        for row in usage.union(destruction, all=True).order_by():
            model = UsageStatement if row.pop("usage") else DestructionTerm
            self.shared_texts[model].append(row)

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

    def vendor_at(self, vendor_id, moment):
        timeline = self.vendor_timelines.get(vendor_id)
        return timeline.at(moment) if timeline else None

    def vendor_published_around(self, vendor_id, moment):
        """Whether the title was published just before, at and just after a moment: a record's
        change made while its title was being added or removed is part of that, not news."""
        if vendor_id not in self.vendor_timelines:
            # Loaded as demo content, which records no history: judge by today's status.
            return vendor_id in self.published_vendors
        for when in (moment - GROUP_WINDOW, moment, moment + GROUP_WINDOW):
            version = self.vendor_at(vendor_id, when)
            if not (
                version
                and version["history_type"] != DELETED
                and version["status"] == PublicationStatus.PUBLISHED
            ):
                return False
        return True

    def vendor_url(self, vendor_id):
        slug = self.visible_slugs.get(vendor_id)
        return reverse("vendors:vendor_detail", kwargs={"slug": slug}) if slug else ""

    def record_url(self, record):
        if record["id"] in self.public_records:
            audience = self.audiences[record["audience_id"]]
            return f"{audience.get_absolute_url()}#{self.visible_slugs[record['vendor_id']]}"
        return self.vendor_url(record["vendor_id"])

    def record_subject(self, record, moment):
        vendor = self.vendor_at(record["vendor_id"], moment)
        name = vendor["name"] if vendor else self.published_vendors[record["vendor_id"]]
        return gettext("%(vendor)s: %(audience)s") % {
            "vendor": name,
            "audience": self.audiences[record["audience_id"]].title,
        }


def _vendor_is_public(version):
    return (
        version is not None
        and version["history_type"] != DELETED
        and version["status"] != PublicationStatus.DRAFT
    )


# What a parent can read of a title; timestamps, status and derived text are not news.
VENDOR_FIELDS = [
    "name",
    "slug",
    "company",
    "description",
    "privacy_policy_label",
    "privacy_policy_url",
    "terms_label",
    "terms_url",
    "website_label",
    "website_url",
]


def _field_names(model, fields):
    return ", ".join(str(model._meta.get_field(field).verbose_name) for field in fields)


def vendor_changes(history):
    for versions in history.vendors.values():
        for before, after in _groups(versions):
            was_public, is_public = _vendor_is_public(before), _vendor_is_public(after)
            common = {
                "date": after["history_date"],
                "url": history.vendor_url(after["id"]),
                "key": f"vendor-{after['history_id']}",
            }
            if not was_public and is_public:
                if after["status"] != PublicationStatus.PUBLISHED:
                    continue
                yield ChangeEntry(
                    kind=ChangeKind.ADDED,
                    subject=after["name"],
                    summary=gettext("Added to the clearinghouse."),
                    **common,
                )
            elif was_public and not is_public:
                # Named as it was while public: a draft rename must not show.
                yield ChangeEntry(
                    kind=ChangeKind.REMOVED,
                    subject=before["name"],
                    summary=gettext("Removed from the clearinghouse."),
                    **common,
                )
            elif was_public and is_public:
                if before["status"] != after["status"]:
                    retired = after["status"] == PublicationStatus.RETIRED
                    yield ChangeEntry(
                        kind=ChangeKind.RETIRED if retired else ChangeKind.ADDED,
                        subject=after["name"],
                        summary=gettext("The agreement has ended; the title is retired.")
                        if retired
                        else gettext("Back on the clearinghouse's lists."),
                        **common,
                    )
                    continue
                changed = [field for field in VENDOR_FIELDS if before[field] != after[field]]
                if changed:
                    yield ChangeEntry(
                        kind=ChangeKind.UPDATED,
                        subject=after["name"],
                        summary=gettext("Changed: %(fields)s.")
                        % {"fields": _field_names(Vendor, changed)},
                        **common,
                    )


def _element_list(history, element_ids):
    return ", ".join(sorted(history.element_names.get(pk, "?") for pk in element_ids))


def _record_update_summary(history, before, after):
    parts = []
    old_elements = history.elements.get(before["history_id"], set())
    new_elements = history.elements.get(after["history_id"], set())
    if added := new_elements - old_elements:
        parts.append(
            gettext("Now also shares %(elements)s.") % {"elements": _element_list(history, added)}
        )
    if removed := old_elements - new_elements:
        parts.append(
            gettext("No longer shares %(elements)s.")
            % {"elements": _element_list(history, removed)}
        )
    changed = [
        field
        for field in ("usage_statement", "destruction_term", "elements_intro")
        if before[SharingRecord._meta.get_field(field).attname]
        != after[SharingRecord._meta.get_field(field).attname]
    ]
    if changed:
        parts.append(
            gettext("Changed: %(fields)s.") % {"fields": _field_names(SharingRecord, changed)}
        )
    return " ".join(parts)


def _record_is_public(version):
    return (
        version is not None
        and version["history_type"] != DELETED
        and version["status"] == PublicationStatus.PUBLISHED
    )


def sharing_record_changes(history):
    for versions in history.records.values():
        for before, after in _groups(versions):
            moment = after["history_date"]
            if not history.vendor_published_around(after["vendor_id"], moment):
                continue
            was_public, is_public = _record_is_public(before), _record_is_public(after)
            common = {
                "date": moment,
                "subject": history.record_subject(after, moment),
                "url": history.record_url(after),
                "key": f"record-{after['history_id']}",
            }
            if not was_public and is_public:
                yield ChangeEntry(
                    kind=ChangeKind.ADDED,
                    summary=gettext("Now shares data about %(audience)s.")
                    % {"audience": history.audiences[after["audience_id"]].name.lower()},
                    **common,
                )
            elif was_public and not is_public:
                yield ChangeEntry(
                    kind=ChangeKind.REMOVED,
                    summary=gettext("No longer listed as sharing data about %(audience)s.")
                    % {"audience": history.audiences[after["audience_id"]].name.lower()},
                    **common,
                )
            elif was_public and (summary := _record_update_summary(history, before, after)):
                yield ChangeEntry(kind=ChangeKind.UPDATED, summary=summary, **common)


def _shared_text_changes(history, model, attname, summary):
    for versions in _by_object(history.shared_texts[model]).values():
        for before, after in _groups(versions):
            if before is None or after["history_type"] == DELETED:
                continue
            if before["text"] == after["text"]:
                continue
            moment = after["history_date"]
            # Only a text some public record showed at the time is public; its internal
            # title never is, so the entry names the records instead.
            users = []
            for timeline in history.record_timelines.values():
                record = timeline.at(moment)
                if (
                    _record_is_public(record)
                    and record[attname] == after["id"]
                    and history.vendor_published_around(record["vendor_id"], moment)
                ):
                    users.append(record)
            if not users:
                continue
            subjects = sorted(history.record_subject(record, moment) for record in users)
            yield ChangeEntry(
                date=moment,
                kind=ChangeKind.UPDATED,
                subject="; ".join(subjects),
                summary=str(summary),
                url=history.record_url(users[0]),
                key=f"{model._meta.model_name}-{after['history_id']}",
            )


def usage_statement_changes(history):
    yield from _shared_text_changes(
        history,
        UsageStatement,
        "usage_statement_id",
        _("The statement of how the data is being used was reworded."),
    )


def destruction_term_changes(history):
    yield from _shared_text_changes(
        history,
        DestructionTerm,
        "destruction_term_id",
        _("The terms for when and how the data will be destroyed were reworded."),
    )


# What a parent can read of an incident on /incidents/; status and timestamps are not news.
INCIDENT_FIELDS = ["discovered_on", "disclosed_on", "summary", "students_affected", "notice_url"]


def _incident_is_public(history, version, vendor_names):
    """Published, and its title public (current or former) at that moment: never a draft."""
    if version is None or version["history_type"] == DELETED:
        return False
    if version["status"] != PublicationStatus.PUBLISHED:
        return False
    vendor_id = version["vendor_id"]
    if vendor_id not in history.vendor_timelines:
        # A title loaded as demo content records no history: judge by today's status.
        return vendor_id in vendor_names
    return _vendor_is_public(history.vendor_at(vendor_id, version["history_date"]))


def security_incident_changes(history):
    """An incident published, corrected or withdrawn, named by its title as it was then."""
    vendor_names = history.visible_names
    for versions in history.incidents.values():
        for before, after in _groups(versions):
            was_public = _incident_is_public(history, before, vendor_names)
            is_public = _incident_is_public(history, after, vendor_names)
            # Named from the last public version, so that nothing written in draft shows.
            shown = after if is_public else before
            if not (was_public or is_public):
                continue
            moment = after["history_date"]
            vendor = history.vendor_at(shown["vendor_id"], moment)
            vendor_name = vendor["name"] if vendor else vendor_names.get(shown["vendor_id"], "")
            url = ""
            if after["id"] in history.public_incidents:
                url = f"{reverse('vendors:incident_list')}#incident-{after['id']}"
            common = {
                "date": moment,
                "subject": gettext("Security incident at %(vendor)s") % {"vendor": vendor_name},
                "url": url,
                "key": f"incident-{after['history_id']}",
            }
            if is_public and not was_public:
                yield ChangeEntry(
                    kind=ChangeKind.ADDED,
                    summary=gettext(
                        "Security incident reported at %(vendor)s, discovered %(date)s."
                    )
                    % {"vendor": vendor_name, "date": shown["discovered_on"].isoformat()},
                    **common,
                )
            elif was_public and not is_public:
                yield ChangeEntry(
                    kind=ChangeKind.REMOVED,
                    summary=gettext("The security incident report was withdrawn."),
                    **common,
                )
            else:
                changed = [field for field in INCIDENT_FIELDS if before[field] != after[field]]
                elements = history.incident_elements
                if elements.get(before["history_id"], set()) != elements.get(
                    after["history_id"], set()
                ):
                    changed.append("elements")
                if changed:
                    yield ChangeEntry(
                        kind=ChangeKind.UPDATED,
                        summary=gettext("Changed: %(fields)s.")
                        % {"fields": _field_names(SecurityIncident, changed)},
                        **common,
                    )


# Each takes the loaded history and yields ChangeEntry objects; add a source here.
SOURCES = [
    vendor_changes,
    sharing_record_changes,
    usage_statement_changes,
    destruction_term_changes,
    security_incident_changes,
]


def all_changes():
    """Every public change, newest first."""
    history = _History()
    entries = [entry for source in SOURCES for entry in source(history)]
    entries.sort(key=lambda entry: (entry.date, entry.key), reverse=True)
    return entries


class ChangeListView(ListView):
    """/changes/: every public change, newest first, a page at a time."""

    template_name = "vendors/change_list.html"
    context_object_name = "entries"
    paginate_by = CHANGES_PER_PAGE

    def get_queryset(self):
        return all_changes()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = context["page_obj"]
        return context
