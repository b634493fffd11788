"""The titles list's data-element filter: a search box rather than a link per element.

The catalog has some eighty elements; listed in the sidebar they pushed every other filter
off the screen, and each link named its category with a query of its own."""

from django.contrib import admin
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR
from django.utils.translation import gettext_lazy as _

from ..models import DataElement, SharingRecord


class DataElementSearchFilter(admin.SimpleListFilter):
    """The titles with a sharing record that lists an element whose name contains the text
    typed, in any case. A plain GET form: it needs no JavaScript, and the browser suggests
    the catalog's names from a datalist."""

    title = _("data element")
    parameter_name = "element"
    template = "admin/vendors/vendor/element_filter.html"

    def lookups(self, request, model_admin):
        return []

    def has_output(self):
        return True

    def queryset(self, request, queryset):
        text = (self.value() or "").strip()
        if not text:
            return queryset
        # A subquery rather than a join: no DISTINCT over every column of every title.
        records = SharingRecord.objects.filter(elements__name__icontains=text)
        return queryset.filter(pk__in=records.values("vendor"))

    def choices(self, changelist):
        # The template reads one "choice": what it needs to draw the form.
        kept = [
            (name, value)
            for name, values in changelist.params.items()
            if name not in (self.parameter_name, PAGE_VAR, ERROR_FLAG)
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "parameter_name": self.parameter_name,
            "value": self.value() or "",
            "kept_parameters": kept,
            "clear_query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "names": DataElement.objects.order_by("name").values_list("name", flat=True).distinct(),
        }
