from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import SharingRecord, Vendor, normalise_email
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
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        instance = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and instance is not None and instance.pk:
            context["widget"]["value"] = StoredDocument(
                reverse("admin:vendors_agreement_document", args=[instance.pk, value.field.name])
            )
        return context


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
