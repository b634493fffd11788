from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import (
    REQUEST_GRADE_BANDS,
    DataElement,
    ReviewRequest,
    SharingRecord,
    Vendor,
    normalise_email,
)
from .requests import is_district_address
from .subscriptions import Choices

# What staff write of a record, in the order the form shows it, before its legal basis.
RECORD_FIELDS = [
    "audience",
    "status",
    "elements_intro",
    "elements",
    "usage_statement",
    "destruction_term",
]


class SharingRecordForm(forms.ModelForm):
    """A sharing record as staff edit it, inline on its title or on its own."""

    class Meta:
        model = SharingRecord
        fields = ["vendor", *RECORD_FIELDS, "legal_basis", "legal_basis_other"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft may be saved before its elements are chosen; clean() holds published ones.
        if "elements" in self.fields:
            self.fields["elements"].required = False

    def clean(self):
        cleaned_data = super().clean()
        if "elements" in self.fields:
            status = cleaned_data.get("status", self.instance.status)
            try:
                SharingRecord.validate_elements(status, cleaned_data.get("elements"))
            except ValidationError as error:
                self.add_error("elements", error)
        # In the admin the text comes in one field per language (legal_basis_other_en, …),
        # and the rule wants the English one first.
        english = ("legal_basis_other_en", "legal_basis_other")
        places = sorted(
            (name for name in self.fields if name.startswith("legal_basis_other")),
            key=lambda name: name not in english,
        )
        if places:
            try:
                SharingRecord.validate_legal_basis(
                    cleaned_data.get("legal_basis"),
                    {name: cleaned_data.get(name) for name in places},
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned_data


class StoredDocument:
    """What the admin's file input shows for a stored document: a link to the staff
    download view (MEDIA_URL is served by nothing), named by its kind rather than by its
    random file name."""

    def __init__(self, url):
        self.url = url

    def __str__(self):
        return str(_("Download the stored PDF"))


class AdminDocumentWidget(AdminFileWidget):
    """`url_name` is the staff download view, given the object's pk and the field's name."""

    url_name = "admin:vendors_agreement_document"

    def __init__(self, attrs=None, url_name=None):
        super().__init__(attrs)
        self.url_name = url_name or self.url_name

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        instance = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and instance is not None and instance.pk:
            context["widget"]["value"] = StoredDocument(
                reverse(self.url_name, args=[instance.pk, value.field.name])
            )
        return context


class ReviewRequestForm(forms.ModelForm):
    """A district employee's request for the review of a tool. The grade bands are one
    question (checkboxes) over the model's booleans. `staff_email` (a signed-in staff
    member's) replaces the address question: the account has proved it already."""

    grade_bands = forms.MultipleChoiceField(
        label=_("Grade bands"),
        choices=REQUEST_GRADE_BANDS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one grade band.")},
    )

    class Meta:
        model = ReviewRequest
        fields = [
            "tool_name",
            "website",
            "intended_use",
            "data_elements",
            "data_elements_unknown",
            "requester_email",
        ]
        labels = {
            "tool_name": _("Name of the tool"),
            "website": _("Its website"),
            "intended_use": _("How and with whom will it be used?"),
            "data_elements": _("Which student data will it need?"),
            "data_elements_unknown": _("I don't know which data it will need"),
            "requester_email": _("Your district email address"),
        }
        help_texts = {
            "website": _("For example https://www.example.com"),
            "intended_use": _(
                "For example: “My 4th-grade class, for math practice at school; students "
                "sign in with their district account.”"
            ),
            "requester_email": _("We send a link to this address to confirm the request."),
        }
        widgets = {
            "intended_use": forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
            "data_elements": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, staff_email=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_email = staff_email
        self.fields["website"].assume_scheme = "https"
        self.fields["intended_use"].max_length = 2000
        self.fields["data_elements"].queryset = DataElement.objects.with_category()
        if staff_email:
            del self.fields["requester_email"]
        for name in ("tool_name", "website", "intended_use", "requester_email"):
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "usa-input"
        if not staff_email:
            self.fields["requester_email"].widget.attrs["autocomplete"] = "email"

    def clean_intended_use(self):
        text = self.cleaned_data["intended_use"].strip()
        if len(text) > 2000:
            raise ValidationError(_("Please keep this under 2,000 characters."))
        return text

    def clean_requester_email(self):
        address = self.cleaned_data["requester_email"].strip()
        if not is_district_address(address):
            # Says only what the domain rule is: nothing about who has asked or exists.
            raise ValidationError(
                _("Use your district email address (one ending in %(domains)s).")
                % {"domains": ", ".join(f"@{d}" for d in settings.DISTRICT_EMAIL_DOMAINS)}
                if settings.DISTRICT_EMAIL_DOMAINS
                else _("Requests cannot be sent yet: the district has not named its email domains.")
            )
        return address.casefold()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("data_elements") and not cleaned.get("data_elements_unknown"):
            self.add_error(
                "data_elements",
                _("Choose the student data it will need, or tick “I don't know”."),
            )
        return cleaned

    @property
    def address(self):
        return self.staff_email or self.cleaned_data.get("requester_email", "")

    def save(self, commit=True):
        review_request = super().save(commit=False)
        if self.staff_email:
            review_request.requester_email = self.staff_email
        chosen = set(self.cleaned_data["grade_bands"])
        for field, _label in REQUEST_GRADE_BANDS:
            setattr(review_request, field, field in chosen)
        if commit:
            review_request.save()
            self.save_m2m()
        return review_request


class SubscribeForm(forms.Form):
    """/subscribe/: an address, a language, and every change or some titles."""

    ALL, CHOSEN = "all", "titles"

    email = forms.EmailField(label=_("Your email address"), max_length=254)
    language = forms.ChoiceField(
        label=_("Language of the emails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
    )
    scope = forms.ChoiceField(
        label=_("What to send"),
        choices=[
            (ALL, _("Every change to the clearinghouse")),
            (CHOSEN, _("Only changes to the titles I choose")),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )
    titles = forms.ModelMultipleChoiceField(
        label=_("Titles"),
        queryset=Vendor.objects.listed().order_by("name").only("pk", "name", "slug"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # Past this many titles the form offers only those a title's page sent the visitor with
    # (?title=<slug>): a district's whole inventory is too long a list for a phone.
    LISTS_TITLES_UP_TO = 60

    def __init__(self, *args, offered=(), **kwargs):
        super().__init__(*args, **kwargs)
        listed = self.fields["titles"].queryset
        self.titles_shortened = listed.count() > self.LISTS_TITLES_UP_TO
        if self.titles_shortened:
            self.fields["titles"].queryset = listed.filter(slug__in=offered)

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.CHOSEN and not data.get("titles"):
            self.add_error(
                "titles", _("Choose at least one title, or choose every change instead.")
            )
        return data

    def choices(self):
        data = self.cleaned_data
        every = data["scope"] == self.ALL
        return Choices(
            email=normalise_email(data["email"]),
            language=data["language"],
            all_changes=every,
            title_ids=() if every else tuple(sorted(vendor.pk for vendor in data["titles"])),
        )
