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

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import BadRequest
from django.db import connection
from django.db.models import Case, Exists, OuterRef, Prefetch, Q, When
from django.db.models.expressions import RawSQL
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pagecache import version

from .models import (
    GRADE_BANDS,
    Agreement,
    AgreementStatus,
    DataElement,
    Decision,
    SharingRecord,
    Vendor,
    fold_for_search,
)
from .models.publication import LISTED_STATUSES, is_listed

# Longer queries add nothing a parent would type, and bound the work one request can ask for.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_FILTER_VALUES = 100
RESULT_TEMPLATE = "includes/search_result.html"
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


@dataclass
class TitleMatches:
    """The titles a search found, in the order it lists them, and what found each: the
    title's own words (`by_words`), or the matching elements it receives (`by_element`, the
    ids of the titles receiving each element)."""

    ids: list
    by_words: set
    by_element: dict

    def elements_of(self, pk, elements):
        return [element for element in elements if pk in self.by_element.get(element.pk, ())]


def titles_matching(terms, matching_elements):
    """Public titles whose own words match or that share a matching element in a public
    record; former vendors included, since their data may not be destroyed yet, and listed
    after the current ones.

    The database is asked only which titles' words match. Which titles search lists, in
    what order, and which share each element change only with a write, so they are read
    once per content version: at 5,000 titles on PostgreSQL, asking the database the
    whole question took 20-35 ms for a broad word like "parent"."""
    by_words = matching_ids(vendors_matching(terms))
    by_element = titles_sharing(matching_elements)
    found = by_words.union(*by_element.values())
    return TitleMatches([pk for pk in searchable_titles() if pk in found], by_words, by_element)


def searchable_titles():
    """Ids of the titles search can list (public, with a public record, or not approved:
    a parent searching for a refused title learns why, and does not request it again):
    current ones A to Z, then former ones A to Z."""
    public_records = SharingRecord.objects.public().filter(vendor=OuterRef("pk"))
    return version.cached(
        "search:titles",
        lambda: list(
            Vendor.objects.public()
            .filter(Exists(public_records) | Q(decision=Decision.NOT_APPROVED))
            .order_by(former_last("status"), "name", "pk")
            .values_list("pk", flat=True)
        ),
    )


def former_last(status_field):
    """An ordering that puts current titles before former ones."""
    return Case(When(Q(**{f"{status_field}__in": LISTED_STATUSES}), then=0), default=1)


def title_index(rows, entry_class):
    """Rows of (pk, name, slug, status, old slug), one per old slug, as one entry per title
    in their order, each with its old slugs: what a list needs to keep old #anchors."""
    entries = {}
    for pk, name, slug, status, old_slug in rows:
        entry = entries.get(pk)
        if entry is None:
            entry = entries[pk] = entry_class(pk, name, slug, former=not is_listed(status))
        if old_slug:
            entry.old_slugs.append(old_slug)
    return list(entries.values())


def matching_ids(vendors):
    if connection.vendor == "postgresql":
        # One row holding an array: a broad word matches thousands of titles, and reading
        # their ids as rows cost twice what the database took to find them.
        return set(vendors.aggregate(ids=ArrayAgg("pk"))["ids"] or ())
    return set(vendors.values_list("pk", flat=True))


def titles_sharing(elements):
    """For each of these elements, the ids of the titles with a public record sharing it."""
    keys = {f"search:sharing:{element.pk}": element.pk for element in elements}

    def compute(missing):
        found = {keys[key]: set() for key in missing}
        pairs = SharingRecord.elements.through.objects.filter(
            dataelement_id__in=found, sharingrecord__in=SharingRecord.objects.receiving()
        ).values_list("dataelement_id", "sharingrecord__vendor_id")
        for element_id, vendor_id in pairs.distinct():
            found[element_id].add(vendor_id)
        return {f"search:sharing:{pk}": ids for pk, ids in found.items()}

    cached = version.cached_many(list(keys), compute)
    return {pk: cached.get(key, set()) for key, pk in keys.items()}


@dataclass
class Result:
    """One search result: its rendered title (the same for every search) and why this
    search found it."""

    html: str
    reasons: list


# How many matching elements a result names before it says how many more.
REASON_ELEMENTS_SHOWN = 3


def match_reasons(terms, name, company, matched_elements, found_by_words):
    """Why a title matched, in plain words, from what the search itself compared: the
    elements it receives, and which of its own fields hold the words."""
    reasons = []
    if matched_elements:
        names = [element.name for element in matched_elements[:REASON_ELEMENTS_SHOWN]]
        more = len(matched_elements) - len(names)
        listed = ", ".join(names)
        if more:
            listed = _("%(names)s and %(count)d more") % {"names": listed, "count": more}
        reasons.append(_("receives %(elements)s") % {"elements": listed})
    if found_by_words:
        in_name = [term for term in terms if term in fold_for_search(name)]
        in_company = [
            term for term in terms if term not in in_name and term in fold_for_search(company)
        ]
        elsewhere = [term for term in terms if term not in in_name and term not in in_company]
        if in_name:
            reasons.append(_("name matches"))
        if in_company:
            reasons.append(_("company matches"))
        if elsewhere:
            quoted = ", ".join(f"“{term}”" for term in elsewhere)
            reasons.append(_("description mentions %(words)s") % {"words": quoted})
    return reasons


def results(matches, ids, terms, elements):
    """Each title's search result, in the order of `ids`, with why it matched.

    A result's title part is the same whatever words found it, so each is rendered once per
    language and content version and kept beside the pages, with the name and company the
    reasons compare: a new search renders only the titles no search has shown since the
    last write (reading and rendering 25 results had been a third of a new search's time)."""
    language = get_language()
    keys = {f"search-result:{language}:{pk}": pk for pk in ids}

    def render(missing):
        vendors = (
            Vendor.objects.filter(pk__in=[keys[key] for key in missing])
            .only(
                "name",
                "slug",
                "company",
                "description",
                "status",
                "decision",
                "decision_conditions",
                "decision_reason",
                *(band.field for band in GRADE_BANDS),
            )
            .prefetch_related(
                Prefetch(
                    "sharing_records",
                    queryset=SharingRecord.objects.public()
                    .select_related("audience")
                    .only("vendor", "audience__slug", "audience__title"),
                    to_attr="public_records",
                ),
                # A former vendor's result says whether its data was destroyed.
                "agreements",
            )
        )
        return {
            f"search-result:{language}:{vendor.pk}": (
                render_to_string(RESULT_TEMPLATE, {"vendor": vendor}),
                vendor.name,
                vendor.company,
            )
            for vendor in vendors
        }

    found = version.cached_many(list(keys), render)
    shown = []
    for key, pk in keys.items():
        if key not in found:
            continue
        html, name, company = found[key]
        reasons = match_reasons(
            terms, name, company, matches.elements_of(pk, elements), pk in matches.by_words
        )
        # This site's own render of escaped text, read back from its own cache.
        shown.append(Result(mark_safe(html), reasons))  # noqa: S308
    return shown


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
    and for matching words against elements; read once per content version. An empty
    category offers nothing to filter by, so it is left out."""

    def read():
        categories = {}
        for element in DataElement.objects.with_category():
            category = categories.setdefault(element.category_id, element.category)
            category.__dict__.setdefault("catalog_elements", []).append(element)
            element.category = category
        return list(categories.values())

    return version.cached("search:catalog", read)


def elements_of(categories):
    return [element for category in categories for element in category.catalog_elements]
