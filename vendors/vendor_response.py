"""The form a vendor fills in from an invitation, prefilled from the title as it stands, and
the proposal a submission becomes: only what differs from the title, for staff to review.

The form holds the vendor to the rules the admin holds staff to: the model's URL rules,
`SharingRecord.validate_elements()` for a published record, a subprocessor's name and
purpose. A draft is kept as typed and checked when the vendor submits.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import (
    AIAnswer,
    Audience,
    DataElement,
    Proposal,
    ProposalSource,
    SharingRecord,
    Vendor,
    http_url_validator,
)

# The title's own fields a vendor may propose, in the form's order.
TITLE_FIELDS = [
    "company",
    "business_address",
    "privacy_policy_url",
    "terms_url",
    "website_url",
    "generative_ai",
    "trains_models",
    "accessibility_report_url",
    "has_no_subprocessors",
]
URL_FIELDS = ["privacy_policy_url", "terms_url", "website_url", "accessibility_report_url"]
SUBPROCESSOR_SEPARATOR = "|"


def url_field(name):
    model_field = Vendor._meta.get_field(name)
    return forms.URLField(
        label=capfirst(model_field.verbose_name),
        max_length=model_field.max_length,
        required=False,
        assume_scheme="https",
        validators=[http_url_validator],
    )


def ai_field(label):
    return forms.ChoiceField(
        label=label, choices=AIAnswer.choices, widget=forms.RadioSelect, required=False
    )


class AudiencePart:
    """One audience's fields on the form, with the record it would change."""

    def __init__(self, form, audience, record):
        self.form = form
        self.audience = audience
        self.record = record
        self.elements = form[f"elements_{audience.slug}"]
        self.other = form[f"other_{audience.slug}"]
        self.purpose = form[f"purpose_{audience.slug}"]

    @property
    def groups(self):
        """The catalog by category, each element with whether it is ticked."""
        selected = set(self.elements.value() or [])
        return [
            (
                category.name,
                [
                    {
                        "value": element.slug,
                        "label": element.name,
                        "id": f"{self.elements.auto_id}-{element.slug}",
                        "checked": element.slug in selected,
                    }
                    for element in elements
                ],
            )
            for category, elements in self.form.catalog
        ]


class VendorResponseForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    business_address = forms.CharField(
        label=_("Business address"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    privacy_policy_url = url_field("privacy_policy_url")
    terms_url = url_field("terms_url")
    website_url = url_field("website_url")
    destruction = forms.CharField(
        label=_("How long you keep the data, and how and when you destroy it"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )
    subprocessors = forms.CharField(
        label=_("Other companies you pass the data to"),
        help_text=_("One company per line: name | what it does with the data | where (optional)."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )
    has_no_subprocessors = forms.BooleanField(
        label=_("We pass the district's data to no other company."), required=False
    )
    generative_ai = ai_field(_("Does generative AI process student data?"))
    trains_models = ai_field(_("Is student data used to train AI models?"))
    accessibility_report_url = url_field("accessibility_report_url")
    attestation_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    attestation_title = forms.CharField(label=_("Your title"), max_length=200, required=False)
    attestation_date = forms.DateField(
        label=_("Date"),
        help_text=_("As year-month-day, e.g. 2026-12-01."),
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(format="%Y-%m-%d"),
    )
    attest = forms.BooleanField(
        label=_("I confirm that these answers are true and complete for this title."),
        required=False,
    )

    def __init__(self, *args, vendor, audiences, records, catalog, **kwargs):
        super().__init__(*args, **kwargs)
        self.vendor = vendor
        self.records = records
        self.catalog = catalog
        choices = [
            (category.name, [(e.slug, e.name) for e in elements]) for category, elements in catalog
        ]
        self.audience_parts = []
        for audience in audiences:
            slug = audience.slug
            self.fields[f"elements_{slug}"] = forms.MultipleChoiceField(
                label=_("Data elements you receive"),
                choices=choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
            self.fields[f"other_{slug}"] = forms.CharField(
                label=_("Other: data the list lacks"), max_length=500, required=False
            )
            self.fields[f"purpose_{slug}"] = forms.CharField(
                label=_("What you use it for"),
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=5000,
                required=False,
            )
            self.audience_parts.append(AudiencePart(self, audience, records.get(slug)))
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.URLInput | forms.DateInput):
                field.widget.attrs.setdefault("class", "usa-input")
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("class", "usa-input vendor-form__textarea")

    @classmethod
    def current_values(cls, vendor, audiences, records):
        """The form as the title stands: what the vendor is asked to check."""
        values = {name: getattr(vendor, name) for name in TITLE_FIELDS}
        values["attestation_date"] = timezone.localdate()
        values["subprocessors"] = "\n".join(
            f" {SUBPROCESSOR_SEPARATOR} ".join(filter(None, [s.name, s.purpose, s.location]))
            for s in vendor.subprocessors.all()
        )
        terms = {record.destruction_term.text for record in records.values()}
        values["destruction"] = terms.pop() if len(terms) == 1 else ""
        for audience in audiences:
            record = records.get(audience.slug)
            if record:
                values[f"elements_{audience.slug}"] = [e.slug for e in record.elements.all()]
                values[f"purpose_{audience.slug}"] = record.usage_statement.text
        return values

    def clean_subprocessors(self):
        companies, errors = [], []
        for number, line in enumerate(self.cleaned_data["subprocessors"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(SUBPROCESSOR_SEPARATOR)]
            name, purpose, location = [*parts, "", "", ""][:3]
            if len(parts) > 3 or not name or not purpose:
                errors.append(
                    _("Line %(number)d: write the name, a |, then what it does with the data.")
                    % {"number": number}
                )
            elif len(name) > 200 or len(purpose) > 500 or len(location) > 200:
                errors.append(_("Line %(number)d is too long.") % {"number": number})
            elif name in {company["name"] for company in companies}:
                errors.append(
                    _("Line %(number)d names %(name)s a second time.")
                    % {"number": number, "name": name}
                )
            else:
                companies.append({"name": name, "purpose": purpose, "location": location})
        if errors:
            raise ValidationError(errors)
        return companies

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_no_subprocessors") and cleaned.get("subprocessors"):
            self.add_error(
                "has_no_subprocessors",
                _("You listed other companies: untick this, or remove them."),
            )
        for part in self.audience_parts:
            slug = part.audience.slug
            elements = cleaned.get(f"elements_{slug}") or []
            status = part.record.status if part.record else None
            if part.record or elements:
                try:
                    SharingRecord.validate_elements(status, elements)
                except ValidationError as error:
                    self.add_error(f"elements_{slug}", error)
            if elements and not part.record and not cleaned.get(f"purpose_{slug}"):
                self.add_error(f"purpose_{slug}", _("Say what you use this data for."))
        for name in ("attestation_name", "attestation_title", "attestation_date"):
            if not cleaned.get(name):
                self.add_error(name, _("The attestation needs this."))
        if not cleaned.get("attest"):
            self.add_error("attest", _("Confirm the answers to submit them."))
        return cleaned

    def changes(self):
        """What the submission proposes: the keys of vendors/proposals.py whose value
        differs from the title's."""
        data, vendor = self.cleaned_data, self.vendor
        changes = {}
        for name in TITLE_FIELDS:
            value = data[name]
            if name in ("generative_ai", "trains_models") and not value:
                continue
            if value != getattr(vendor, name):
                changes[f"title.{name}"] = value
        current = [
            {"name": s.name, "purpose": s.purpose, "location": s.location}
            for s in vendor.subprocessors.all()
        ]
        if data["subprocessors"] != current:
            changes["subprocessors"] = data["subprocessors"]
        terms = {record.destruction_term.text.strip() for record in self.records.values()}
        if data["destruction"].strip() and terms != {data["destruction"].strip()}:
            changes["destruction"] = data["destruction"].strip()
        for part in self.audience_parts:
            slug, record = part.audience.slug, part.record
            elements = sorted(data[f"elements_{slug}"])
            stored = sorted(e.slug for e in record.elements.all()) if record else []
            if elements != stored:
                changes[f"record.{slug}.elements"] = elements
            purpose = data[f"purpose_{slug}"].strip()
            stored_purpose = record.usage_statement.text.strip() if record else ""
            if purpose and purpose != stored_purpose:
                changes[f"record.{slug}.purpose"] = purpose
        return changes

    def notes(self):
        data = self.cleaned_data
        return {
            "other_elements": {
                part.audience.slug: data[f"other_{part.audience.slug}"]
                for part in self.audience_parts
                if data[f"other_{part.audience.slug}"]
            },
            "attestation": {
                "name": data["attestation_name"],
                "title": data["attestation_title"],
                "date": data["attestation_date"].isoformat(),
            },
        }


def form_context(vendor):
    """What the form needs besides the request: the audiences, the title's records by
    audience and the catalog by category, in a fixed number of queries."""
    records = {
        record.audience.slug: record
        for record in vendor.sharing_records.select_related(
            "audience", "usage_statement", "destruction_term"
        ).prefetch_related("elements")
    }
    catalog = {}
    for element in DataElement.objects.with_category():
        catalog.setdefault(element.category, []).append(element)
    return {
        "vendor": vendor,
        "audiences": list(Audience.objects.all()),
        "records": records,
        "catalog": list(catalog.items()),
    }


def draft_as_initial(form, draft):
    """A saved draft (the POST as lists) as the form's initial values."""
    initial = {}
    for name, values in draft.items():
        field = form.fields.get(name)
        if field is None:
            continue
        if isinstance(field, forms.MultipleChoiceField):
            initial[name] = values
        elif isinstance(field, forms.BooleanField):
            initial[name] = bool(values and values[-1])
        else:
            initial[name] = values[-1] if values else ""
    return initial


def submit(invitation, form):
    """The submission, as a proposal for staff; the invitation is answered."""
    with transaction.atomic():
        proposal = Proposal.objects.create(
            vendor=invitation.vendor,
            source=ProposalSource.VENDOR,
            invitation=invitation,
            changes=form.changes(),
            notes=form.notes(),
        )
        invitation.submitted_at = timezone.now()
        invitation.save(update_fields=["submitted_at"])
    return proposal
