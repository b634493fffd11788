"""Agreements and subprocessors as spreadsheets: one row each, named by the title's slug,
since a title has any number of them. Each has its own admin page."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from ..models import Agreement, AgreementStatus, Audience, EndReason, Subprocessor, Vendor
from .base import AllOrNothingResource, DayWidget, SlugWidget, choice_error

AGREEMENT_DATE_COLUMNS = [
    "signed_on",
    "effective_on",
    "expires_on",
    "last_reviewed_on",
    "next_review_due",
    "ended_on",
    "destruction_requested_on",
    "destruction_certified_on",
]
AGREEMENT_COLUMNS = [
    "vendor",
    "audience",
    "status",
    *AGREEMENT_DATE_COLUMNS[:5],
    "contact_name",
    "contact_email",
    "contact_phone",
    "ended_on",
    "end_reason",
    *AGREEMENT_DATE_COLUMNS[6:],
]


def check_slugs(row, errors, vendor_column="vendor", audience_column=None):
    """Name an unknown title or audience in the row's errors instead of failing the lookup."""
    slug = row.get(vendor_column, "")
    if not slug:
        errors[vendor_column] = _("Give the title's slug, e.g. clever.")
    elif not Vendor.objects.filter(slug=slug).exists():
        errors[vendor_column] = _("No title has the slug “%(slug)s”.") % {"slug": slug}
    if audience_column:
        audience = row.get(audience_column, "")
        if audience and not Audience.objects.filter(slug=audience).exists():
            errors[audience_column] = _(
                "No audience has the slug “%(slug)s”. Leave it blank for a general agreement."
            ) % {"slug": audience}


class AgreementResource(AllOrNothingResource):
    """One row per agreement: the title's slug, the audience's slug (blank for the title's
    general agreement), then the status, dates, point of contact and the end."""

    vendor = fields.Field(attribute="vendor", column_name="vendor", widget=SlugWidget(Vendor))
    audience = fields.Field(
        attribute="audience", column_name="audience", widget=SlugWidget(Audience)
    )

    class Meta:
        model = Agreement
        fields = AGREEMENT_COLUMNS
        export_order = AGREEMENT_COLUMNS
        import_id_fields = ["vendor", "audience"]
        clean_model_instances = True
        # A row equal to what is stored writes nothing (see VendorResource).
        skip_unchanged = True
        report_skipped = False

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, models.DateField):
            return DayWidget
        return super().widget_from_django_field(f, default)

    def before_import(self, dataset, **kwargs):
        self.require_columns(dataset, ["vendor", "audience", "status"])

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        errors = {}
        check_slugs(row, errors, audience_column="audience")
        if row.get("status", "") not in AgreementStatus.values:
            errors["status"] = choice_error(AgreementStatus)
        if row.get("end_reason", "") not in ["", *EndReason.values]:
            errors["end_reason"] = choice_error(EndReason, blank_allowed=True)
        if errors:
            raise ValidationError(errors)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("vendor", "audience")


SUBPROCESSOR_COLUMNS = ["vendor", "name", "purpose", "location", "position"]


class SubprocessorResource(AllOrNothingResource):
    """One row per subprocessor: the title's slug, then the company's name (which, with the
    slug, says which row to update), what it does with the data, and where."""

    vendor = fields.Field(attribute="vendor", column_name="vendor", widget=SlugWidget(Vendor))

    class Meta:
        model = Subprocessor
        fields = SUBPROCESSOR_COLUMNS
        export_order = SUBPROCESSOR_COLUMNS
        import_id_fields = ["vendor", "name"]
        clean_model_instances = True
        # A row equal to what is stored writes nothing (see VendorResource).
        skip_unchanged = True
        report_skipped = False

    def before_import(self, dataset, **kwargs):
        self.require_columns(dataset, ["vendor", "name", "purpose"])

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        errors = {}
        check_slugs(row, errors)
        if not row.get("position"):
            row["position"] = 0
        if errors:
            raise ValidationError(errors)

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("vendor")
