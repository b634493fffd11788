from django import forms
from django.contrib.admin.widgets import AdminFileWidget
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import LegalBasis, PublicationStatus, SharingRecord


class SharingRecordForm(forms.ModelForm):
    """A sharing record as staff edit it, inline on its title or on its own."""

    class Meta:
        model = SharingRecord
        fields = [
            "vendor",
            "audience",
            "status",
            "elements_intro",
            "elements",
            "usage_statement",
            "destruction_term",
            "legal_basis",
            "legal_basis_other",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A draft may be saved before its elements are chosen; clean() holds published ones.
        if "elements" in self.fields:
            self.fields["elements"].required = False

    def clean(self):
        cleaned_data = super().clean()
        # A published record with nothing in it would tell parents a vendor receives no data.
        status = cleaned_data.get("status", self.instance.status)
        elements = cleaned_data.get("elements")
        if "elements" in self.fields and status == PublicationStatus.PUBLISHED and not elements:
            self.add_error(
                "elements", _("A published sharing record must name at least one data element.")
            )
        basis = cleaned_data.get("legal_basis")
        # In the admin the text comes in one field per language (legal_basis_other_en, …);
        # the English one is what every other language falls back to.
        english = next(
            (name for name in ("legal_basis_other_en", "legal_basis_other") if name in self.fields),
            None,
        )
        if english is None:
            return cleaned_data
        other_fields = [name for name in self.fields if name.startswith("legal_basis_other")]
        if basis == LegalBasis.OTHER and not cleaned_data.get(english):
            self.add_error(english, _("With “Other”, say in plain language what the basis is."))
        for name in other_fields:
            if cleaned_data.get(name) and basis != LegalBasis.OTHER:
                # Text the page would never show is text a later editor would trust by mistake.
                self.add_error(name, _("Only write a basis here when the legal basis is “Other”."))
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
