"""Public pages. Each view's get_queryset owns its joins and prefetches, so the
number of queries a page needs does not grow with the number of titles."""

from dataclasses import dataclass, field
from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from pagecache.middleware import reads_query_parameters

from ..documents import document_response, pdf_response, sandboxed_document
from ..models import (
    Agreement,
    AgreementStatus,
    Audience,
    DataElement,
    DataElementCategory,
    Decision,
    SecurityIncident,
    SharingRecord,
    Vendor,
    VendorSlugRedirect,
    listed_records_q,
    public_records_q,
    receiving_records_q,
)
from ..search import Filters, catalog, elements_of, former_last, title_index
from .filters import filter_links

RECENTLY_UPDATED_COUNT = 5
# Past this many titles, an audience page offers an A-Z jump above its table of contents.
AZ_JUMP_MIN_TITLES = 20
# A page a phone loads quickly and that stays within Lighthouse's DOM budget (1,500
# elements): a compact entry is about fifteen elements.
AUDIENCE_ENTRIES_PER_PAGE = 30
# Past this many matching titles, the index of entries on other pages would outgrow that
# budget; the A-Z jump and the search still reach every title.
INDEX_MAX_TITLES = 200


def count_records(rule):
    """How many sharing records pass a visibility rule (listed_records_q, public_records_q)."""
    return Count("sharing_records", filter=rule("sharing_records__"))


def listed_receiving_q(prefix=""):
    """The records an audience page counts among its current titles."""
    return listed_records_q(prefix) & receiving_records_q(prefix)


class HomeView(TemplateView):
    template_name = "vendors/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            audiences=Audience.objects.annotate(title_count=count_records(listed_receiving_q)),
            recently_updated=Vendor.objects.listed().order_by("-updated_at", "name")[
                :RECENTLY_UPDATED_COUNT
            ],
            **kwargs,
        )


@reads_query_parameters("q", "element", "category", "agreement", "page", "entry")
class AudienceView(DetailView):
    """/parent-data/, /student-data/: every public title for one audience, current ones
    first, then former vendors (their data may not be destroyed yet).

    Entries are compact, a page at a time, so that a phone loads the page quickly whatever
    the number of titles; the full entry is on the title's permalink. Below a page that is
    one of several, an index carries each title's slug (and old slugs) as an anchor when its
    entry is on another page: an address such as /parent-data/#clever, sent before the
    list had pages, still lands on Clever's line. Past INDEX_MAX_TITLES titles that index
    would not fit a page, and static/js/find-entry.js asks for the entry instead.
    """

    model = Audience
    template_name = "vendors/audience_detail.html"
    context_object_name = "audience"

    def get(self, request, *args, **kwargs):
        if "entry" in request.GET:
            self.object = self.get_object()
            return redirect(request.path + self.entry_address(request.GET))
        return super().get(request, *args, **kwargs)

    def entry_address(self, query):
        """?entry=<slug or old slug>: the page of this list that holds that title's entry,
        at its anchor, with the same search and filters; else the list's first page."""
        query = query.copy()
        wanted = query.pop("entry")[-1]
        query.pop("page", None)
        for position, entry in enumerate(self.index(self.matching(Filters.from_query(query)))):
            if wanted == entry.slug or wanted in entry.old_slugs:
                query["page"] = position // AUDIENCE_ENTRIES_PER_PAGE + 1
                return f"?{query.urlencode()}#{wanted}"
        # An anchor that exists, so that the script does not ask again.
        return f"?{query.urlencode()}#main-content"

    def matching(self, filters, categories=None):
        return filters.apply(
            SharingRecord.objects.receiving().filter(audience=self.object),
            elements_of(categories or catalog()),
        )

    def get_context_data(self, **kwargs):
        filters = Filters.from_query(self.request.GET)
        categories = catalog()
        index = self.index(self.matching(filters, categories))
        page = Paginator(index, AUDIENCE_ENTRIES_PER_PAGE).get_page(self.request.GET.get("page"))
        on_page = {entry.pk: entry for entry in page.object_list}
        order = {entry.pk: position for position, entry in enumerate(page.object_list)}
        records = sorted(
            SharingRecord.objects.filter(pk__in=on_page).for_display(),
            key=lambda record: order[record.pk],
        )
        self.link_index(index, page, on_page)
        letters = self.letters(index) if len(index) >= AZ_JUMP_MIN_TITLES else []
        for record in records:
            record.old_slugs = on_page[record.pk].old_slugs
            record.letter_anchor = on_page[record.pk].letter_anchor
        return super().get_context_data(
            current_records=[record for record in records if not record.vendor.is_former],
            former_records=[record for record in records if record.vendor.is_former],
            records=records,
            elsewhere=[entry for entry in index if entry.elsewhere]
            if len(index) <= INDEX_MAX_TITLES
            else [],
            page=page,
            filters=filters,
            filter_links=filter_links(
                self.request.GET, filters, categories, AgreementStatus.choices
            ),
            letters=letters,
            agreement_statuses=AgreementStatus.choices,
            **kwargs,
        )

    @staticmethod
    def index(matching):
        """Every matching title's name, slug and old slugs, current ones A to Z and then
        former ones, in one query."""
        rows = matching.order_by(former_last("vendor__status"), "vendor__name", "pk").values_list(
            "pk",
            "vendor__name",
            "vendor__slug",
            "vendor__status",
            "vendor__slug_redirects__old_slug",
        )
        return title_index(rows, IndexEntry)

    @staticmethod
    def letters(index):
        """The A-Z jump: each letter's anchor (#letter-b) on its first current title, on
        this page or on the page that holds it."""
        first = {}
        for entry in index:
            if not entry.former:
                first.setdefault(entry.letter, entry)
        letters = []
        for letter, entry in first.items():
            entry.letter_anchor = f"letter-{slugify(letter) or 'other'}"
            page, _hash, _slug = entry.href.partition("#")
            letters.append((letter, f"{page}#{entry.letter_anchor}"))
        return letters

    def link_index(self, index, page, on_page):
        """Each index line points at its entry: on this page by its anchor, else on the
        page that holds it, with the same search and filters."""
        query = self.request.GET.copy()
        per_page = page.paginator.per_page
        # One address per page, not per title: encoding it took half a render at 3,000.
        page_addresses = {}
        for position, entry in enumerate(index):
            if entry.pk in on_page:
                entry.href = f"#{entry.slug}"
                continue
            entry.elsewhere = True
            number = position // per_page + 1
            if number not in page_addresses:
                query["page"] = number
                page_addresses[number] = f"?{query.urlencode()}"
            entry.href = f"{page_addresses[number]}#{entry.slug}"


@dataclass
class IndexEntry:
    pk: int
    name: str
    slug: str
    old_slugs: list = field(default_factory=list)
    former: bool = False
    letter_anchor: str = ""
    href: str = ""
    elsewhere: bool = False

    @property
    def letter(self):
        return self.name[:1].upper()


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
            # Only towards a title this visitor may open: a redirect to a draft would tell
            # anyone its new slug.
            moved = (
                VendorSlugRedirect.objects.filter(
                    old_slug=kwargs["slug"],
                    vendor__in=Vendor.objects.visible_to(request.user),
                )
                .select_related("vendor")
                .first()
            )
            if moved is None:
                raise
            return redirect(moved.vendor, permanent=True)


class DataElementListView(ListView):
    """/data-elements/: the catalog, by category, with how many titles receive each."""

    template_name = "vendors/data_element_list.html"
    context_object_name = "categories"

    def get_queryset(self):
        # Titles, not records: a title that receives an element for parents and for
        # students is one title.
        title_count = Count(
            "sharing_records__vendor",
            filter=public_records_q("sharing_records__") & receiving_records_q("sharing_records__"),
            distinct=True,
        )
        elements = DataElement.objects.annotate(title_count=title_count)
        return DataElementCategory.objects.prefetch_related(Prefetch("elements", elements))

    def get_context_data(self, **kwargs):
        """The elements some title receives, by category, first; the rest folded below, so
        that a parent reads what is shared before what merely could be."""
        context = super().get_context_data(**kwargs)
        received, unreceived = [], []
        for category in context["categories"]:
            elements = list(category.elements.all())
            shared = [element for element in elements if element.title_count]
            unshared = [element for element in elements if not element.title_count]
            if shared:
                received.append((category, shared))
            if unshared:
                # A category none of whose elements is received keeps its #category- anchor.
                unreceived.append((category, unshared, not shared))
        context["received"] = received
        context["unreceived"] = unreceived
        context["unreceived_count"] = sum(
            len(elements) for _category, elements, _anchor in unreceived
        )
        return context


class DataElementDetailView(DetailView):
    """/data-elements/<slug>/: which titles receive this element, for each audience."""

    template_name = "vendors/data_element_detail.html"
    context_object_name = "element"

    def get_queryset(self):
        return DataElement.objects.with_category()

    def get_context_data(self, **kwargs):
        records = (
            SharingRecord.objects.receiving()
            .filter(elements=self.object)
            .select_related("vendor", "audience")
            .prefetch_related("vendor__agreements")
            .order_by("audience__position", former_last("vendor__status"), "vendor__name")
        )
        by_audience = [
            ElementRecipients(audience, list(group))
            for audience, group in groupby(records, key=lambda r: r.audience)
        ]
        return super().get_context_data(records_by_audience=by_audience, **kwargs)


# Past this many titles in one audience, the element page names the first ones and links the
# audience page filtered to the element, which pages through them all.
ELEMENT_RECIPIENTS_SHOWN = 100


@dataclass
class ElementRecipients:
    """The titles of one audience that receive an element, current ones first."""

    audience: Audience
    records: list

    @property
    def shown(self):
        return self.records[:ELEMENT_RECIPIENTS_SHOWN]

    @property
    def more(self):
        return len(self.records) > ELEMENT_RECIPIENTS_SHOWN


class IncidentListView(ListView):
    """/incidents/: every published security incident, newest first (Illinois requires a
    public list of breaches with the number of students affected and the dates)."""

    template_name = "vendors/incident_list.html"
    context_object_name = "incidents"

    def get_queryset(self):
        return (
            SecurityIncident.objects.public()
            .select_related("vendor")
            .prefetch_related(Prefetch("elements", queryset=DataElement.objects.with_category()))
        )


@method_decorator(sandboxed_document, name="get")
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


@method_decorator(sandboxed_document, name="get")
class ConsentFormView(View):
    """/vendors/<slug>/consent-form.pdf (and /es/…, /ht/…): the form parents sign before
    their child uses a title that needs their consent, in the page's language, or in
    English where the district has no translation. One 404 for every refusal, as for
    agreement documents."""

    http_method_names = ["get", "head"]

    def get(self, request, slug):
        vendor = (
            Vendor.objects.visible_to(request.user)
            .with_decision(Decision.CONSENT_REQUIRED)
            .filter(slug=slug)
            .first()
        )
        if vendor is None or not vendor.consent_form:
            raise Http404
        return pdf_response(vendor.consent_form, f"{vendor.slug}-consent-form.pdf")
