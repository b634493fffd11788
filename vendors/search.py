"""Search and filters: one box that matches titles (name, company, description) and data
elements (name, category), and checkboxes that narrow an audience page by element.

Both databases compare `Vendor.search_text`, already folded to lowercase without accents.
PostgreSQL uses full-text search over a stored tsvector with a GIN index (migration 0012);
SQLite, which Django gives no full-text search, matches substrings of the same column.
The tsvector is a column of its own rather than a `SearchVectorField` or `GeneratedField`:
a model field would need an expression both databases compile, and `SearchVector` has no
SQLite form, so no model field names it and the query reaches it through `RawSQL`.
"""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import BadRequest
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from .models import Agreement, AgreementStatus, DataElement, SharingRecord, Vendor, fold_for_search

# Longer queries add nothing a parent would type, and bound the work one request can ask for.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_FILTER_VALUES = 100
SLUG_RE = re.compile(r"^[-\w]{1,100}$")


def search_terms(query):
    """The words of a query, folded like `search_text`; punctuation never reaches the database."""
    return re.findall(r"[^\W_]+", fold_for_search(query[:MAX_QUERY_LENGTH]))[:MAX_TERMS]


def vendors_matching(terms):
    """Titles whose name, company or description contains every word (as a word prefix on
    PostgreSQL, anywhere on SQLite). Visibility is the caller's business."""
    if connection.vendor == "postgresql":
        # Each term is letters and digits only, so it is safe in tsquery syntax.
        prefixes = " & ".join(f"{term}:*" for term in terms)
        document = RawSQL("search_document", [], output_field=SearchVectorField())
        return Vendor.objects.alias(document=document).filter(
            document=SearchQuery(prefixes, config="simple", search_type="raw")
        )
    matches = Vendor.objects.all()
    for term in terms:
        matches = matches.filter(search_text__contains=term)
    return matches


def elements_matching(terms, elements):
    """Data elements whose name or category contains every word, in the visitor's language or
    in English (a parent may know a term in either). The catalog is a few dozen rows the
    page loads anyway, so this runs in Python and costs no query."""
    found = []
    for element in elements:
        haystack = fold_for_search(
            f"{element.name} {element.category.name} {element.name_en} {element.category.name_en}"
        )
        if all(term in haystack for term in terms):
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


def titles_matching(terms, matching_elements):
    """Public titles whose own words match or that share a matching element in a public
    record, by name; former vendors included, since their data may not be destroyed yet."""
    public_records = SharingRecord.objects.public().filter(vendor=OuterRef("pk"))
    found = Q(pk__in=vendors_matching(terms).order_by().values("pk"))
    if matching_elements:
        found |= Exists(public_records.filter(elements__in=matching_elements))
    return (
        Vendor.objects.public()
        .filter(Exists(public_records))
        .filter(found)
        .order_by("name", "pk")
        .only("name", "slug", "company", "description", "status")
    )


def with_result_details(vendors):
    """What a search result shows besides the title: the audiences it is public in."""
    return vendors.prefetch_related(
        Prefetch(
            "sharing_records",
            queryset=SharingRecord.objects.public()
            .select_related("audience")
            .only("vendor", "audience__slug", "audience__title"),
            to_attr="public_records",
        )
    )


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
    def from_query(cls, query_dict):
        query = query_dict.get("q", "")[:MAX_QUERY_LENGTH].replace("\x00", "").strip()
        return cls(
            query=query,
            terms=search_terms(query),
            element_slugs=slugs_from(query_dict, "element"),
            category_slugs=slugs_from(query_dict, "category"),
            agreement_statuses=statuses_from(query_dict),
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


def catalog():
    """Categories with their elements (as `catalog_elements`), for the filter checkboxes
    and for matching words against elements, in one query. An empty category offers
    nothing to filter by, so it is left out."""
    categories = {}
    for element in DataElement.objects.with_category():
        category = categories.setdefault(element.category_id, element.category)
        category.__dict__.setdefault("catalog_elements", []).append(element)
        element.category = category
    return list(categories.values())


def elements_of(categories):
    return [element for category in categories for element in category.catalog_elements]
