"""Search and filters: one box that matches titles (name, company, description) and data
elements (name, category), and checkboxes that narrow an audience page by element.

Both databases compare `Vendor.search_text`, already folded to lowercase without accents.
PostgreSQL uses full-text search over a stored tsvector with a GIN index (migration 0012);
SQLite, which Django gives no full-text search, matches substrings of the same column.
"""

import re
from array import array
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.aggregates import ArrayAgg
from django.core.cache import caches
from django.core.exceptions import BadRequest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import content_version
from .models import (
    Agreement,
    AgreementStatus,
    DataElement,
    SharingRecord,
    Vendor,
    fold_for_search,
)

# Longer queries add nothing a parent would type, and bound the work one request can ask for.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_FILTER_VALUES = 100
SEARCH_RESULTS_PER_PAGE = 25
SLUG_RE = re.compile(r"^[-\w]{1,100}$")
RESULT_TEMPLATE = "includes/search_result.html"


def search_terms(query):
    """The words of a query, folded like `search_text`; punctuation never reaches the database."""
    return re.findall(r"[^\W_]+", fold_for_search(query[:MAX_QUERY_LENGTH]))[:MAX_TERMS]


def vendors_matching(terms):
    """Titles whose name, company or description contains every word (as a word prefix on
    PostgreSQL, anywhere on SQLite). Visibility is the caller's business."""
    if connection.vendor == "postgresql":
        # Each term is letters and digits only, so it is safe in tsquery syntax. The
        # column is the stored document of migration 0012, which no model field names.
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return Vendor.objects.filter(
            RawSQL(
                "search_document @@ to_tsquery('simple'::regconfig, %s)",
                [tsquery],
                output_field=BooleanField(),
            )
        )
    matches = Vendor.objects.all()
    for term in terms:
        matches = matches.filter(search_text__contains=term)
    return matches


def elements_matching(terms, elements):
    """Data elements whose name or category contains every word. The catalog is a few dozen
    rows the page loads anyway, so this runs in Python and costs no query."""
    language = get_language()
    found = []
    for element in elements:
        # Folded once per language while the catalog lasts (see catalog()).
        haystacks = element.__dict__.setdefault("search_haystacks", {})
        if language not in haystacks:
            # The visitor's language and English: a parent may know a term in either.
            haystacks[language] = fold_for_search(
                f"{element.name} {element.category.name} "
                f"{element.name_en} {element.category.name_en}"
            )
        if all(term in haystacks[language] for term in terms):
            found.append(element)
    return found


def shares_any_element(element_filter):
    record_elements = SharingRecord.elements.through.objects.filter(sharingrecord_id=OuterRef("pk"))
    return Exists(record_elements.filter(element_filter))


def records_matching(records, terms, elements):
    """Sharing records whose title matches the words or that share an element that does."""
    if not terms:
        return records
    element_ids = [element.pk for element in elements_matching(terms, elements)]
    # A subquery: the stored search document (migration 0012) makes either of the
    # planner's choices cheap, where a list of thousands of ids made the next query slow.
    matched_vendors = vendors_matching(terms).order_by().values("pk")
    return records.filter(
        Q(vendor__in=matched_vendors) | shares_any_element(Q(dataelement_id__in=element_ids))
    )


def read_listed_titles():
    published_records = SharingRecord.objects.published().filter(vendor=OuterRef("pk"))
    return list(
        Vendor.objects.published()
        .filter(Exists(published_records))
        .order_by("name", "pk")
        .values_list("pk", flat=True)
    )


# The ids of the titles search can list (published, with a published record), in the
# order results are shown.
_listed_titles = content_version.WorkerMemo(read_listed_titles)


def titles_matching(terms, matching_elements):
    """The ids, in name order, of listed titles whose own words match or that share a
    matching element in a published record.

    The database is asked only which titles' words match; which titles are listed, in
    what order, and which share an element change only with an edit, so each worker
    reads them once per content version. At 5,000 titles, filtering, counting and
    sorting every match in one query read the whole table: 15 ms for "parent"."""
    found = matching_ids(vendors_matching(terms))
    if matching_elements:
        found |= titles_sharing(matching_elements)
    return [pk for pk in _listed_titles.get() if pk in found]


def fill_worker_memos():
    """Read what searches read first, before a new worker takes its first request (see
    clearinghouse/warm_up.py)."""
    titles_sharing(elements_of(catalog()))
    _listed_titles.get()


def matching_ids(vendors):
    if connection.vendor == "postgresql":
        # One row holding an array: a broad word matches thousands of titles, and reading
        # their ids as rows cost twice what the database took to find them.
        return set(vendors.aggregate(ids=ArrayAgg("pk"))["ids"] or ())
    return set(vendors.values_list("pk", flat=True))


# Element id -> the ids of titles with a published record sharing it (an array of ints:
# a twentieth of a set's memory), filled as searches ask.
_titles_sharing = content_version.WorkerMemo(dict)


def titles_sharing(elements):
    """Ids of titles with a published record that shares any of these elements. A broad
    word ("parent") matches elements that most records share; each worker reads an
    element's titles once per content version."""
    known = _titles_sharing.get()
    missing = {element.pk for element in elements} - known.keys()
    if missing:
        found = {element_id: set() for element_id in missing}
        pairs = (
            SharingRecord.elements.through.objects.filter(
                dataelement_id__in=missing,
                sharingrecord__in=SharingRecord.objects.published(),
            )
            .values_list("dataelement_id", "sharingrecord__vendor_id")
            .distinct()
        )
        for element_id, vendor_id in pairs:
            found[element_id].add(vendor_id)
        known.update({element_id: array("q", ids) for element_id, ids in found.items()})
    return set().union(*(known[element.pk] for element in elements))


def slugs_from(query_dict, name):
    values = query_dict.getlist(name)[:MAX_FILTER_VALUES]
    if any(not SLUG_RE.match(value) for value in values):
        raise BadRequest(_("A filter value is not a valid slug."))
    return set(values)


def statuses_from(query_dict):
    values = set(query_dict.getlist("agreement")[:MAX_FILTER_VALUES])
    if not values <= set(AgreementStatus.values):
        raise BadRequest(_("An agreement status filter is not pending, active or ended."))
    return values


def agreement_in(statuses):
    """Records whose agreement has one of the statuses: the audience's own agreement when
    the title has one, else the title's general one, as `SharingRecord.agreement` picks."""
    own = Agreement.objects.filter(vendor=OuterRef("vendor_id"), audience=OuterRef("audience_id"))
    general = Agreement.objects.filter(vendor=OuterRef("vendor_id"), audience__isnull=True)
    return Exists(own.filter(status__in=statuses)) | (
        ~Exists(own) & Exists(general.filter(status__in=statuses))
    )


@dataclass
class Filters:
    """What the visitor asked for, read from the query string so a filtered view can be linked."""

    query: str = ""
    terms: list = field(default_factory=list)
    element_slugs: set = field(default_factory=set)
    category_slugs: set = field(default_factory=set)
    agreement_statuses: set = field(default_factory=set)

    @classmethod
    def from_request(cls, request):
        query = request.GET.get("q", "")[:MAX_QUERY_LENGTH].replace("\x00", "").strip()
        return cls(
            query=query,
            terms=search_terms(query),
            element_slugs=slugs_from(request.GET, "element"),
            category_slugs=slugs_from(request.GET, "category"),
            agreement_statuses=statuses_from(request.GET),
        )

    @property
    def active(self):
        return bool(
            self.query or self.element_slugs or self.category_slugs or self.agreement_statuses
        )

    def apply(self, records, elements):
        """Narrow records: the words (if any), and any of the checked elements or categories.
        An unknown slug matches nothing, so a mistyped link shows an empty list, not everything."""
        records = records_matching(records, self.terms, elements)
        if self.element_slugs or self.category_slugs:
            records = records.filter(
                shares_any_element(
                    Q(dataelement__slug__in=self.element_slugs)
                    | Q(dataelement__category__slug__in=self.category_slugs)
                )
            )
        if self.agreement_statuses:
            records = records.filter(agreement_in(self.agreement_statuses))
        return records


def read_catalog():
    categories = {}
    for element in DataElement.objects.with_category():
        category = categories.setdefault(element.category_id, element.category)
        category.__dict__.setdefault("catalog_elements", []).append(element)
        element.category = category
    return list(categories.values())


_catalog = content_version.WorkerMemo(read_catalog)


def catalog():
    """Categories with their elements (as `catalog_elements`), for the filter checkboxes
    and for matching words against elements. An empty category offers nothing to filter
    by, so it is left out. The same few dozen rows serve every search and audience page
    until something is edited, so each worker reads them once per content version."""
    return _catalog.get()


def elements_of(categories):
    return [element for category in categories for element in category.catalog_elements]


def result_entries(ids):
    """Each title's search result as HTML, in the order of `ids`.

    A result shows its title alone, whatever words found it, so each is kept in the page
    cache per title and language with the content version it was rendered under: a search
    renders only the titles that no search has shown since the last edit. Reading and
    rendering 25 titles had been a third of a search's time at 5,000 titles."""
    language = get_language()
    keys = {pk: f"search-result:{language}:{pk}" for pk in ids}
    version, found = content_version.current_with(keys.values())
    entries = {}
    for pk, key in keys.items():
        rendered_under, html = found.get(key, (None, None))
        if rendered_under == version:
            entries[pk] = html
    missing = [pk for pk in ids if pk not in entries]
    if missing:
        # Only what a result shows: a title's row has some forty columns.
        vendors = (
            Vendor.objects.filter(pk__in=missing)
            .only("name", "slug", "company", "description")
            .prefetch_related(
                Prefetch(
                    "sharing_records",
                    queryset=SharingRecord.objects.published()
                    .select_related("audience")
                    .only("vendor", "audience__slug", "audience__title"),
                    to_attr="published_records",
                )
            )
        )
        rendered = {
            vendor.pk: render_to_string(RESULT_TEMPLATE, {"vendor": vendor}) for vendor in vendors
        }
        caches[settings.PAGE_CACHE].set_many(
            {keys[pk]: (version, html) for pk, html in rendered.items()},
            timeout=settings.PAGE_CACHE_SECONDS,
        )
        entries.update(rendered)
    # The HTML is this site's own render of escaped text, read back from its own cache.
    return [mark_safe(entries[pk]) for pk in ids if pk in entries]  # noqa: S308


class SearchView(TemplateView):
    """/search/?q=…: matching titles, with the audiences each belongs to, and matching elements."""

    template_name = "vendors/search.html"

    def get_context_data(self, **kwargs):
        filters = Filters.from_request(self.request)
        elements = elements_of(catalog())
        matching_elements = elements_matching(filters.terms, elements) if filters.terms else []
        page = None
        if filters.terms:
            matching = titles_matching(filters.terms, matching_elements)
            paginator = Paginator(matching, SEARCH_RESULTS_PER_PAGE)
            page = paginator.get_page(self.request.GET.get("page"))
            page.object_list = result_entries(page.object_list)
        return super().get_context_data(
            filters=filters, matching_elements=matching_elements, page=page, **kwargs
        )
