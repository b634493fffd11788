"""The change log's entries: each source reads one kind of history and yields `ChangeEntry`
objects, and `all_changes()` merges them newest first."""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import DestructionTerm, SecurityIncident, SharingRecord, UsageStatement, Vendor
from ..models.decisions import GRADE_FIELDS, decision_phrase
from .history import History, changes_in, exists, listed, public


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
    # Stable across requests, for the feed's entry ids; made of history ids, so the page
    # keeps it only as an old anchor.
    key: str
    # What the entry is about, as a slug: "clever", "clever-parent-data". With the date it
    # makes the page's anchor, which `all_changes()` sets.
    name: str = ""
    anchor: str = ""
    # The titles it is about (a reworded shared text is about every title showing it), for
    # the email digests of subscribers who chose some titles.
    vendor_ids: frozenset = frozenset()

    @property
    def kind_label(self):
        return ChangeKind(self.kind).label


def _vendor_url(history, vendor_id):
    slug = history.public_slugs.get(vendor_id)
    return reverse("vendors:vendor_detail", kwargs={"slug": slug}) if slug else ""


def _record_url(history, record):
    if record["id"] in history.listed_records:
        audience = history.audiences[record["audience_id"]]
        return f"{audience.get_absolute_url()}#{history.public_slugs[record['vendor_id']]}"
    return _vendor_url(history, record["vendor_id"])


def _record_subject(history, record, moment):
    vendor = history.vendor_at(record["vendor_id"], moment)
    name = vendor["name"] if vendor else history.public_names[record["vendor_id"]]
    return gettext("%(vendor)s: %(audience)s") % {
        "vendor": name,
        "audience": history.audiences[record["audience_id"]].title,
    }


def _vendor_slug(history, vendor_id, moment):
    vendor = history.vendor_at(vendor_id, moment)
    return vendor["slug"] if vendor else history.public_slugs.get(vendor_id, "title")


def _record_name(history, record, moment):
    audience = history.audiences[record["audience_id"]]
    return f"{_vendor_slug(history, record['vendor_id'], moment)}-{audience.slug}"


def _field_names(model, fields):
    return ", ".join(str(model._meta.get_field(field).verbose_name) for field in fields)


# What a parent can read of a title; timestamps, status and derived text are not news.
VENDOR_FIELDS = ["name", "slug", "company", "description", *Vendor.LINK_FIELDS]


def vendor_changes(history):
    for versions in history.vendors.values():
        for before, after in changes_in(versions):
            was_public, now_public = public(before), public(after)
            common = {
                "date": after["history_date"],
                "url": _vendor_url(history, after["id"]),
                "key": f"vendor-{after['history_id']}",
                "vendor_ids": frozenset([after["id"]]),
                # A removed title is named as it was while public.
                "name": (before if was_public and not now_public else after)["slug"],
            }
            if now_public and not was_public:
                if not listed(after):
                    continue
                yield ChangeEntry(
                    kind=ChangeKind.ADDED,
                    subject=after["name"],
                    summary=gettext("Added to the clearinghouse."),
                    **common,
                )
            elif was_public and not now_public:
                # Named as it was while public: a draft rename must not show.
                yield ChangeEntry(
                    kind=ChangeKind.REMOVED,
                    subject=before["name"],
                    summary=gettext("Removed from the clearinghouse."),
                    **common,
                )
            elif was_public and now_public:
                if listed(before) != listed(after):
                    back = listed(after)
                    yield ChangeEntry(
                        kind=ChangeKind.ADDED if back else ChangeKind.RETIRED,
                        subject=after["name"],
                        summary=gettext("Back on the clearinghouse's lists.")
                        if back
                        else gettext("The agreement has ended; the title is retired."),
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


# What makes a decision news: the decision, the grades it covers, and its words in English
# (the column a visitor's language falls back to).
DECISION_FIELDS = ["decision", *GRADE_FIELDS, "decision_conditions_en", "decision_reason_en"]


def decision_changes(history):
    """A public title's decision made or changed: "Clever: approved for grades K-12"."""
    for versions in history.vendors.values():
        for before, after in changes_in(versions):
            if not (public(before) and public(after)):
                continue
            if all(before.get(name) == after.get(name) for name in DECISION_FIELDS):
                continue
            phrase = decision_phrase(after["decision"], [after[name] for name in GRADE_FIELDS])
            url = _vendor_url(history, after["id"])
            yield ChangeEntry(
                date=after["history_date"],
                kind=ChangeKind.UPDATED,
                subject=gettext("%(vendor)s: %(decision)s")
                % {
                    "vendor": after["name"],
                    "decision": phrase or gettext("no decision recorded"),
                },
                summary=after["decision_conditions_en"]
                or after["decision_reason_en"]
                or gettext("The district's decision on this title changed."),
                url=f"{url}#decision" if url else "",
                key=f"decision-{after['history_id']}",
                name=f"{after['slug']}-decision",
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


def sharing_record_changes(history):
    for versions in history.records.values():
        for before, after in changes_in(versions):
            moment = after["history_date"]
            was_listed = history.record_listed_around(before, moment)
            now_listed = history.record_listed_around(after, moment)
            if not (was_listed or now_listed):
                continue
            common = {
                "date": moment,
                "subject": _record_subject(history, after, moment),
                "url": _record_url(history, after),
                "key": f"record-{after['history_id']}",
                "name": _record_name(history, after, moment),
                "vendor_ids": frozenset([after["vendor_id"]]),
            }
            audience = history.audiences[after["audience_id"]].name.lower()
            if now_listed and not was_listed:
                yield ChangeEntry(
                    kind=ChangeKind.ADDED,
                    summary=gettext("Now shares data about %(audience)s.") % {"audience": audience},
                    **common,
                )
            elif was_listed and not now_listed:
                yield ChangeEntry(
                    kind=ChangeKind.REMOVED,
                    summary=gettext("No longer listed as sharing data about %(audience)s.")
                    % {"audience": audience},
                    **common,
                )
            elif summary := _record_update_summary(history, before, after):
                yield ChangeEntry(kind=ChangeKind.UPDATED, summary=summary, **common)


def _shared_text_changes(history, model, attname, summary, name):
    for versions in history.shared_texts[model].values():
        for before, after in changes_in(versions):
            if before is None or not exists(after):
                continue
            if before["text"] == after["text"]:
                continue
            moment = after["history_date"]
            # Only a text some listed record showed at the time is public; its internal
            # title never is, so the entry names the records instead.
            users = []
            for timeline in history.record_timelines.values():
                record = timeline.at(moment)
                if (
                    record
                    and record[attname] == after["id"]
                    and history.record_listed_around(record, moment)
                ):
                    users.append(record)
            if not users:
                continue
            subjects = sorted(_record_subject(history, record, moment) for record in users)
            yield ChangeEntry(
                date=moment,
                kind=ChangeKind.UPDATED,
                subject="; ".join(subjects),
                summary=str(summary),
                url=_record_url(history, users[0]),
                key=f"{model._meta.model_name}-{after['history_id']}",
                name=name,
                vendor_ids=frozenset(record["vendor_id"] for record in users),
            )


def usage_statement_changes(history):
    yield from _shared_text_changes(
        history,
        UsageStatement,
        "usage_statement_id",
        _("The statement of how the data is being used was reworded."),
        "usage-statement",
    )


def destruction_term_changes(history):
    yield from _shared_text_changes(
        history,
        DestructionTerm,
        "destruction_term_id",
        _("The terms for when and how the data will be destroyed were reworded."),
        "destruction-terms",
    )


# What a parent can read of an incident on /incidents/; status and timestamps are not news.
INCIDENT_FIELDS = ["discovered_on", "disclosed_on", "summary", "students_affected", "notice_url"]


def security_incident_changes(history):
    """An incident published, corrected or withdrawn, named by its title as it was then."""
    for versions in history.incidents.values():
        for before, after in changes_in(versions):
            was_public, now_public = history.incident_public(before), history.incident_public(after)
            if not (was_public or now_public):
                continue
            # Named from the last public version, so that nothing written in draft shows.
            shown = after if now_public else before
            moment = after["history_date"]
            vendor = history.vendor_at(shown["vendor_id"], moment)
            vendor_name = (
                vendor["name"] if vendor else history.public_names.get(shown["vendor_id"], "")
            )
            url = ""
            if after["id"] in history.public_incidents:
                url = f"{reverse('vendors:incident_list')}#incident-{after['id']}"
            common = {
                "date": moment,
                "subject": gettext("Security incident at %(vendor)s") % {"vendor": vendor_name},
                "url": url,
                "key": f"incident-{after['history_id']}",
                "vendor_ids": frozenset([shown["vendor_id"]]),
                "name": f"{_vendor_slug(history, shown['vendor_id'], moment)}-security-incident",
            }
            if now_public and not was_public:
                yield ChangeEntry(
                    kind=ChangeKind.ADDED,
                    summary=gettext(
                        "Security incident reported at %(vendor)s, discovered %(date)s."
                    )
                    % {"vendor": vendor_name, "date": shown["discovered_on"].isoformat()},
                    **common,
                )
            elif was_public and not now_public:
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
    decision_changes,
    sharing_record_changes,
    usage_statement_changes,
    destruction_term_changes,
    security_incident_changes,
]


def with_anchors(entries):
    """The entries, oldest first, each with an anchor of its name and day: "clever-2026-12-01".
    A second entry of the same name that day gets "-2", and so on: numbered oldest first, so
    a later change never moves an anchor someone has already linked."""
    seen = Counter()
    named = []
    for entry in sorted(entries, key=lambda entry: (entry.date, entry.key)):
        anchor = f"{entry.name}-{timezone.localdate(entry.date).isoformat()}"
        seen[anchor] += 1
        if seen[anchor] > 1:
            anchor = f"{anchor}-{seen[anchor]}"
        named.append(replace(entry, anchor=anchor))
    return named


def all_changes():
    """Every public change, newest first."""
    history = History()
    entries = with_anchors(entry for source in SOURCES for entry in source(history))
    entries.reverse()
    return entries
