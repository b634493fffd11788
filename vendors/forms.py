from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PublicationStatus, SharingRecord


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
        return cleaned_data
