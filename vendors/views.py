"""Public pages. Each view's get_queryset owns its joins and prefetches, so the
number of queries a page needs does not grow with the number of titles."""

from itertools import groupby

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from .documents import document_response
from .models import (
    Agreement,
    Audience,
    DataElement,
    DataElementCategory,
    PublicationStatus,
    SecurityIncident,
    SharingRecord,
    Vendor,
    VendorSlugRedirect,
)
from .search import Filters, catalog, elements_of

RECENTLY_UPDATED_COUNT = 5
# Past this many titles, an audience page offers an A-Z jump above its table of contents.
AZ_JUMP_MIN_TITLES = 20


def published_records_count():
    return Count(
        "sharing_records",
        filter=Q(
            sharing_records__status=PublicationStatus.PUBLISHED,
            sharing_records__vendor__status=PublicationStatus.PUBLISHED,
        ),
    )


class HomeView(TemplateView):
    template_name = "vendors/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            audiences=Audience.objects.annotate(title_count=published_records_count()),
            recently_updated=Vendor.objects.published().order_by("-updated_at", "name")[
                :RECENTLY_UPDATED_COUNT
            ],
            **kwargs,
        )


class AudienceView(DetailView):
    """/parent-data/, /student-data/: every published title for one audience."""

    model = Audience
    template_name = "vendors/audience_detail.html"
    context_object_name = "audience"

    def get_context_data(self, **kwargs):
        filters = Filters.from_request(self.request)
        categories = list(catalog())
        records = list(
            filters.apply(
                SharingRecord.objects.published().filter(audience=self.object),
                elements_of(categories),
            ).for_display()
        )
        letters = []
        if len(records) >= AZ_JUMP_MIN_TITLES:
            letters = list(dict.fromkeys(record.vendor.name[:1].upper() for record in records))
        return super().get_context_data(
            records=records, filters=filters, categories=categories, letters=letters, **kwargs
        )


class VendorListView(ListView):
    """/vendors/: every published title, A to Z."""

    template_name = "vendors/vendor_list.html"
    context_object_name = "vendors"

    def get_queryset(self):
        return (
            Vendor.objects.published()
            .order_by("name")
            .prefetch_related(
                Prefetch(
                    "sharing_records",
                    queryset=SharingRecord.objects.published().select_related("audience"),
                    to_attr="published_records",
                )
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["letters"] = [
            (letter, list(vendors))
            for letter, vendors in groupby(context["vendors"], key=lambda v: v.name[:1].upper())
        ]
        context["former_vendors"] = (
            Vendor.objects.former().order_by("name").prefetch_related("agreements")
        )
        return context


class VendorDetailView(DetailView):
    """/vendors/<slug>/: a title's permalink, with what it receives for each audience."""

    template_name = "vendors/vendor_detail.html"
    context_object_name = "vendor"

    def get_queryset(self):
        user = self.request.user
        return Vendor.objects.visible_to(user).with_public_details(
            SharingRecord.objects.visible_to(user), "visible_records"
        )

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A renamed title keeps its old address working: links already sent stay good.
            old = VendorSlugRedirect.objects.filter(old_slug=kwargs["slug"]).select_related(
                "vendor"
            )
            moved = old.first()
            if moved is None:
                raise
            return redirect(moved.vendor, permanent=True)


class DataElementListView(ListView):
    """/data-elements/: the catalog, by category, with how many titles receive each."""

    template_name = "vendors/data_element_list.html"
    context_object_name = "categories"

    def get_queryset(self):
        elements = DataElement.objects.annotate(title_count=published_records_count())
        return DataElementCategory.objects.prefetch_related(Prefetch("elements", elements))


class DataElementDetailView(DetailView):
    """/data-elements/<slug>/: which titles receive this element, for each audience."""

    template_name = "vendors/data_element_detail.html"
    context_object_name = "element"

    def get_queryset(self):
        return DataElement.objects.with_category()

    def get_context_data(self, **kwargs):
        records = (
            SharingRecord.objects.published()
            .filter(elements=self.object)
            .select_related("vendor", "audience")
        )
        by_audience = [
            (audience, list(group))
            for audience, group in groupby(records, key=lambda r: r.audience)
        ]
        return super().get_context_data(records_by_audience=by_audience, **kwargs)


class IncidentListView(ListView):
    """/incidents/: every published security incident, newest first (Illinois requires a
    public list of breaches with the number of students affected and the dates)."""

    template_name = "vendors/incident_list.html"
    context_object_name = "incidents"

    def get_queryset(self):
        return (
            SecurityIncident.objects.published()
            .select_related("vendor")
            .prefetch_related(Prefetch("elements", queryset=DataElement.objects.with_category()))
        )


class AgreementDocumentView(View):
    """/vendors/<slug>/agreement/<pk>/signed-agreement.pdf (or destruction-certificate.pdf):
    a public agreement document, as a download.

    One 404 for every refusal (no such agreement, another title's, a draft title, no
    document, a private one), so the answer reveals nothing about what exists."""

    http_method_names = ["get", "head"]
    field = None

    def get(self, request, slug, pk):
        agreement = (
            Agreement.objects.with_public_document(self.field, request.user)
            .filter(pk=pk, vendor__slug=slug)
            .select_related("vendor")
            .first()
        )
        if agreement is None:
            raise Http404
        return document_response(agreement, self.field)
