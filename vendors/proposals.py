"""What a proposal changes, shown beside what is stored, and how its accepted changes are
written: atomically, with a history reason that says where each value came from.

A change is keyed by what it touches:

- `title.<field>`: one of the title's own fields (`title.company`, `title.description_es`);
- `record.<audience slug>.elements`: the data elements one audience's record names (slugs);
- `record.<audience slug>.purpose`: how that audience's data is used, in the vendor's words;
- `destruction`: when and how the title's data is destroyed, in the vendor's words;
- `subprocessors`: the whole list of companies the vendor passes the data to;
- `part.<model>.<pk>.<field>`: one field of one of the title's sharing records or security
  incidents, as an editor changed it (a relation by its primary key, the elements as a
  list of them).

The vendor's own words (a purpose, its retention terms) become a usage statement or a
destruction term of their own when accepted: the shared ones belong to many titles, and
rewriting one for a vendor would change every other title's page.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .held_changes import part_value, split_part_key, stored_part_value
from .models import (
    Audience,
    DataElement,
    DestructionTerm,
    FieldDecision,
    Proposal,
    ProposalStatus,
    PublicationStatus,
    SharingRecord,
    Subprocessor,
    UsageStatement,
    Vendor,
)

PUBLISH_PERMISSION = "vendors.publish_vendor"
# simple-history's column for the reason is this long.
REASON_MAX_LENGTH = 100


class ProposalError(Exception):
    """A proposal that cannot be applied as chosen; nothing was written."""


def may_apply(user, vendor):
    """Accepting a change writes it into the title: on a published (or retired) title the
    public sees it at once, which is a publisher's decision. Into a draft, any staff
    member who may edit titles accepts, and a publisher publishes as usual."""
    return user.has_perm(PUBLISH_PERMISSION) or vendor.status == PublicationStatus.DRAFT


@dataclass
class Row:
    key: str
    label: str
    current: object
    proposed: object
    decision: str = FieldDecision.PENDING
    note: str = ""
    field: object = field(default=None, repr=False)

    @property
    def is_pending(self):
        return self.decision == FieldDecision.PENDING

    # Templates cannot tell a list from a text: these say which each side is.
    @property
    def current_is_list(self):
        return isinstance(self.current, list)

    @property
    def proposed_is_list(self):
        return isinstance(self.proposed, list)

    @property
    def added(self):
        if self.current_is_list and self.proposed_is_list:
            return [item for item in self.proposed if item not in self.current]
        return []

    @property
    def removed(self):
        if self.current_is_list and self.proposed_is_list:
            return [item for item in self.current if item not in self.proposed]
        return []


def title_field_value(vendor, name):
    """A title field as the review shows it: a choice by its label."""
    model_field = Vendor._meta.get_field(name)
    value = getattr(vendor, name)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def shown_value(name, raw):
    model_field = Vendor._meta.get_field(name)
    value = model_field.to_python(raw)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def subprocessor_lines(subprocessors):
    return [
        " — ".join(part for part in (s["name"], s["purpose"], s["location"]) if part)
        for s in subprocessors
    ]


def review_rows(proposal):
    """Each change of the proposal beside the stored value, in a fixed number of queries."""
    vendor = proposal.vendor
    records = {
        record.audience.slug: record
        for record in vendor.sharing_records.select_related(
            "audience", "usage_statement", "destruction_term"
        ).prefetch_related("elements")
    }
    audiences = {audience.slug: audience for audience in Audience.objects.all()}
    wanted = {
        slug
        for key, value in proposal.changes.items()
        if key.endswith(".elements")
        for slug in value
    }
    elements = {e.slug: e for e in DataElement.objects.filter(slug__in=wanted)}
    parts = {}
    wanted_parts = defaultdict(set)
    for key in proposal.changes:
        if key.startswith("part."):
            model, pk, _name = split_part_key(key)
            wanted_parts[model].add(pk)
    for model, pks in wanted_parts.items():
        for obj in model.objects.filter(pk__in=pks, vendor=vendor).select_related("vendor"):
            parts[(model, obj.pk)] = obj
    rows = []
    for key, value in proposal.changes.items():
        decision = proposal.decisions.get(key, FieldDecision.PENDING)
        kind, _dot, rest = key.partition(".")
        if kind == "title":
            label = capfirst(Vendor._meta.get_field(rest).verbose_name)
            rows.append(
                Row(key, label, title_field_value(vendor, rest), shown_value(rest, value), decision)
            )
        elif kind == "record":
            slug, _dot, part = rest.partition(".")
            audience = audiences.get(slug)
            name = audience.name if audience else slug
            record = records.get(slug)
            if part == "elements":
                label = _("%(audience)s: data elements") % {"audience": name}
                current = [str(e.name) for e in record.elements.all()] if record else []
                proposed = [str(elements[s].name) for s in value if s in elements]
                note = proposal.notes.get("other_elements", {}).get(slug, "")
                rows.append(Row(key, label, current, proposed, decision, note))
            else:
                label = _("%(audience)s: how the data is used") % {"audience": name}
                current = record.usage_statement.text if record else ""
                rows.append(Row(key, label, current, value, decision))
        elif key == "destruction":
            terms = dict.fromkeys(r.destruction_term.text for r in records.values())
            rows.append(
                Row(key, _("When and how the data is destroyed"), list(terms), value, decision)
            )
        elif kind == "part":
            model, pk, name = split_part_key(key)
            obj = parts.get((model, pk))
            model_field = model._meta.get_field(name)
            name_shown = str(obj) if obj else _("(deleted)")
            label = f"{name_shown}: {capfirst(model_field.verbose_name)}"
            current = stored_part_value(obj, model_field) if obj else ""
            rows.append(Row(key, label, current, part_value(model_field, value), decision))
        elif key == "subprocessors":
            current = subprocessor_lines(
                {"name": s.name, "purpose": s.purpose, "location": s.location}
                for s in vendor.subprocessors.all()
            )
            rows.append(Row(key, _("Subprocessors"), current, subprocessor_lines(value), decision))
    return rows


def apply_proposal(proposal, choices, user):
    """Write the accepted changes among `choices` ({key: accepted or rejected}), all or
    nothing, and record each choice. Returns how many changes were accepted."""
    if not may_apply(user, proposal.vendor):
        raise ProposalError(_("Only a publisher may accept changes into a public title."))
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().select_related("vendor").get(pk=proposal.pk)
        if proposal.status != ProposalStatus.PENDING:
            raise ProposalError(_("This proposal has already been reviewed."))
        decided = {
            key: choice
            for key, choice in choices.items()
            if key in proposal.changes
            and proposal.decisions.get(key, FieldDecision.PENDING) == FieldDecision.PENDING
        }
        accepted = [key for key, choice in decided.items() if choice == FieldDecision.ACCEPTED]
        try:
            Writer(proposal, accepted).write()
        except ValidationError as error:
            raise ProposalError(" ".join(error.messages)) from error
        proposal.decisions = {**proposal.decisions, **decided}
        if all(
            proposal.decisions.get(key, FieldDecision.PENDING) != FieldDecision.PENDING
            for key in proposal.changes
        ):
            proposal.status = ProposalStatus.REVIEWED
        proposal.reviewed_by = user
        proposal.reviewed_at = timezone.now()
        proposal.save()
    return len(accepted)


class Writer:
    """Writes one proposal's accepted changes. Called inside a transaction."""

    def __init__(self, proposal, accepted):
        self.proposal = proposal
        self.vendor = proposal.vendor
        self.accepted = accepted
        self.reason = str(proposal.origin)[:REASON_MAX_LENGTH]
        self.stamp = f"{timezone.localdate():%Y-%m-%d}, #{proposal.pk}"

    def value(self, key):
        return self.proposal.changes[key]

    def write(self):
        self.write_title()
        self.write_records()
        if "subprocessors" in self.accepted:
            self.write_subprocessors(self.value("subprocessors"))
        self.write_parts()

    def save(self, obj, **kwargs):
        obj._change_reason = self.reason
        obj.save(**kwargs)

    def write_title(self):
        names = [key.partition(".")[2] for key in self.accepted if key.startswith("title.")]
        if not names:
            return
        for name in names:
            model_field = Vendor._meta.get_field(name)
            setattr(self.vendor, name, model_field.to_python(self.value(f"title.{name}")))
        self.vendor.full_clean(validate_unique=False, validate_constraints=False)
        self.save(self.vendor)

    def new_text(self, model, text, what):
        return model.objects.create(
            title=f"{self.vendor.name}: {what} ({self.stamp})"[:200], text=text
        )

    def write_records(self):
        slugs = {key.split(".")[1] for key in self.accepted if key.startswith("record.")}
        destruction = None
        if "destruction" in self.accepted:
            destruction = self.new_text(
                DestructionTerm, self.value("destruction"), _("destruction, from the vendor")
            )
        records = {
            r.audience.slug: r
            for r in self.vendor.sharing_records.select_related("audience", "destruction_term")
        }
        if destruction:
            for slug, record in records.items():
                record.destruction_term = destruction
                if slug not in slugs:
                    self.save(record)
        for slug in sorted(slugs):
            self.write_record(slug, records.get(slug), destruction)

    def write_record(self, slug, record, destruction):
        purpose_key, elements_key = f"record.{slug}.purpose", f"record.{slug}.elements"
        usage = None
        if purpose_key in self.accepted:
            usage = self.new_text(
                UsageStatement,
                self.value(purpose_key),
                _("use of %(audience)s, from the vendor") % {"audience": slug},
            )
        if record is None:
            audience = Audience.objects.filter(slug=slug).first()
            destruction = destruction or self.any_destruction_term()
            if audience is None or usage is None or destruction is None:
                raise ValidationError(
                    _(
                        "To add a record for %(audience)s, accept its data elements, how the "
                        "data is used and, if the title has no record yet, when it is destroyed."
                    )
                    % {"audience": slug}
                )
            # A new record is a draft whatever the title is: a publisher publishes it.
            record = SharingRecord(
                vendor=self.vendor,
                audience=audience,
                usage_statement=usage,
                destruction_term=destruction,
                status=PublicationStatus.DRAFT,
            )
            self.save(record)
        elif usage is not None:
            record.usage_statement = usage
        if elements_key in self.accepted:
            elements = list(DataElement.objects.filter(slug__in=self.value(elements_key)))
            SharingRecord.validate_elements(record.status, elements)
            record.elements.set(elements)
        # Saved last, so that its history entry holds the elements as accepted.
        self.save(record)

    def write_parts(self):
        grouped = defaultdict(dict)
        for key in self.accepted:
            if key.startswith("part."):
                model, pk, name = split_part_key(key)
                grouped[(model, pk)][name] = self.value(key)
        for (model, pk), values in grouped.items():
            obj = model.objects.filter(pk=pk, vendor=self.vendor).first()
            if obj is None:
                raise ValidationError(_("Something this proposal changes no longer exists."))
            many = {}
            for name, value in values.items():
                model_field = model._meta.get_field(name)
                if model_field.many_to_many:
                    many[name] = value
                elif model_field.is_relation:
                    setattr(obj, model_field.attname, value)
                else:
                    setattr(obj, name, model_field.to_python(value))
            obj.full_clean(exclude=list(many))
            if model is SharingRecord and "elements" in many:
                elements = DataElement.objects.filter(pk__in=many["elements"])
                SharingRecord.validate_elements(obj.status, list(elements))
            self.save(obj)
            for name, value in many.items():
                getattr(obj, name).set(value)
            if many:
                # Again, so that the last history entry holds the related rows as accepted.
                self.save(obj)

    def any_destruction_term(self):
        record = self.vendor.sharing_records.select_related("destruction_term").first()
        return record.destruction_term if record else None

    def write_subprocessors(self, wanted):
        stored = {s.name: s for s in self.vendor.subprocessors.all()}
        names = [item["name"] for item in wanted]
        for name, subprocessor in stored.items():
            if name not in names:
                subprocessor._change_reason = self.reason
                subprocessor.delete()
        for position, item in enumerate(wanted):
            subprocessor = stored.get(item["name"]) or Subprocessor(
                vendor=self.vendor, name=item["name"]
            )
            subprocessor.purpose = item["purpose"]
            subprocessor.location = item["location"]
            subprocessor.position = position
            subprocessor.full_clean(exclude=["vendor"], validate_unique=False)
            self.save(subprocessor)
