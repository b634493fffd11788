"""/vendors/: every public title A to Z, current ones and then former vendors, a page at
a time, so that a phone loads it quickly whatever the number of titles."""

from dataclasses import dataclass, field
from http import HTTPStatus
from itertools import groupby

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import QueryDict
from django.shortcuts import redirect
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from pagecache.middleware import reads_query_parameters

from ..models import GRADE_BANDS, GRADE_BANDS_BY_VALUE, Decision, SharingRecord, Vendor
from ..search import former_last, title_index
from .filters import Choice, without

# A line is three elements (the item, its link, its audiences): 200 lines and the page's
# header, jump bar and footer stay within Lighthouse's DOM budget of 1,500 elements.
VENDORS_PER_PAGE = 200
FORMER_ANCHOR = "former-vendors"


@dataclass
class Line:
    """One title of the A-Z list, as its index reads it: enough to say which page holds it."""

    pk: int
    name: str
    slug: str
    former: bool
    old_slugs: list = field(default_factory=list)

    @property
    def letter(self):
        return self.name[:1].upper()

    @property
    def letter_anchor(self):
        return f"letter-{slugify(self.letter) or 'other'}"


@dataclass
class LetterSection:
    letter: str
    anchor: str
    vendors: list


@dataclass
class ListFilters:
    """/vendors/?decision=not_approved&grade=6-8: one decision, one grade band, or both.
    Values nobody can choose in the form are kept in `unknown`, so the page can say which
    and offer the way back, rather than list everything or fail."""

    decision: str = ""
    grade: str = ""
    unknown: list = field(default_factory=list)

    @classmethod
    def from_query(cls, query):
        filters = cls()
        decision, grade = query.get("decision", ""), query.get("grade", "")
        if decision in Decision.values:
            filters.decision = decision
        elif decision:
            filters.unknown.append(("decision", decision))
        if grade in GRADE_BANDS_BY_VALUE:
            filters.grade = grade
        elif grade:
            filters.unknown.append(("grade", grade))
        return filters

    @property
    def active(self):
        return bool(self.decision or self.grade or self.unknown)

    def apply(self, vendors):
        if self.decision:
            vendors = vendors.with_decision(self.decision)
        if self.grade:
            vendors = vendors.for_grade(self.grade)
        return vendors

    def query(self, **extra):
        """The filters as a query string prefix for links to other pages of the list."""
        query = QueryDict(mutable=True)
        for name in ("decision", "grade"):
            if getattr(self, name):
                query[name] = getattr(self, name)
        query.update({name: str(value) for name, value in extra.items()})
        return f"?{query.urlencode()}"

    def chips(self, query):
        chips = []
        if self.decision:
            label = _("Decision: %(decision)s") % {"decision": Decision(self.decision).label}
            chips.append(Choice(label, without(query, "decision", self.decision)))
        if self.grade:
            label = _("Grades %(grades)s") % {"grades": GRADE_BANDS_BY_VALUE[self.grade].label}
            chips.append(Choice(label, without(query, "grade", self.grade)))
        return chips


@reads_query_parameters("page", "entry", "decision", "grade")
class VendorListView(TemplateView):
    """Each title's line carries its slug and old slugs as anchors, and each letter's first
    title its #letter- anchor. On a list of several pages, an address such as
    /vendors/#clever, sent when the list was one page, reaches Clever through
    static/js/find-entry.js, which asks ?entry=clever for the page that holds it; a letter
    or the former vendors on another page keep a stand-in anchor in the jump bar, which
    works without JavaScript too."""

    template_name = "vendors/vendor_list.html"

    def get(self, request, *args, **kwargs):
        if "entry" in request.GET:
            return redirect(request.path + self.entry_address(request.GET["entry"]))
        self.filters = ListFilters.from_query(request.GET)
        if self.filters.unknown:
            # A mistyped or outdated link: say so, with the filters that do exist.
            context = self.get_filter_context(self.filters)
            return self.render_to_response(
                {**context, "page": None, "sections": [], "letters": []},
                status=HTTPStatus.BAD_REQUEST,
            )
        return super().get(request, *args, **kwargs)

    def get_filter_context(self, filters):
        return {
            "filters": filters,
            "filter_chips": filters.chips(self.request.GET),
            "decisions": Decision.choices,
            "grade_bands": GRADE_BANDS,
        }

    @staticmethod
    def index(filters=None):
        """Every public title's name, slug and old slugs (or those the filters keep),
        current ones A to Z and then former ones, in one query."""
        vendors = Vendor.objects.public()
        if filters is not None:
            vendors = filters.apply(vendors)
        rows = vendors.order_by(former_last("status"), "name", "pk").values_list(
            "pk", "name", "slug", "status", "slug_redirects__old_slug"
        )
        return title_index(rows, Line)

    @staticmethod
    def first_pages(index):
        """The page that holds each anchor besides the titles' own: each letter's first
        current title, and the first former vendor."""
        pages = {}
        for position, line in enumerate(index):
            anchor = FORMER_ANCHOR if line.former else line.letter_anchor
            pages.setdefault(anchor, (line.letter, position // VENDORS_PER_PAGE + 1))
        return pages

    def entry_address(self, wanted):
        """?entry=<slug, old slug, letter-x or former-vendors>: the page that holds it, at
        its anchor; else the first page."""
        index = self.index()
        _letter, number = self.first_pages(index).get(wanted, (None, None))
        for position, line in enumerate(index):
            if number is None and (wanted == line.slug or wanted in line.old_slugs):
                number = position // VENDORS_PER_PAGE + 1
        if number is None:
            # An anchor that exists, so that the script does not ask again.
            return "#main-content"
        return f"?page={number}#{wanted}"

    def get_context_data(self, **kwargs):
        filters = self.filters
        index = self.index(filters)
        page = Paginator(index, VENDORS_PER_PAGE).get_page(self.request.GET.get("page"))
        lines = {line.pk: line for line in page.object_list}
        order = {line.pk: position for position, line in enumerate(page.object_list)}
        vendors = sorted(
            Vendor.objects.filter(pk__in=lines).prefetch_related(
                Prefetch(
                    "sharing_records",
                    queryset=SharingRecord.objects.listed().select_related("audience"),
                    to_attr="listed_records",
                ),
                "agreements",
            ),
            key=lambda vendor: order[vendor.pk],
        )
        for vendor in vendors:
            vendor.old_slugs = lines[vendor.pk].old_slugs
        first_pages = self.first_pages(index)
        current = [vendor for vendor in vendors if not vendor.is_former]
        former = [vendor for vendor in vendors if vendor.is_former]
        return super().get_context_data(
            page=page,
            sections=self.sections(current, page.number, first_pages),
            letters=self.letters(first_pages, page.number),
            former_vendors=former,
            former_anchor=self.anchor_here(FORMER_ANCHOR, page.number, first_pages),
            former_elsewhere=self.elsewhere(FORMER_ANCHOR, page.number, first_pages),
            **self.get_filter_context(filters),
            **kwargs,
        )

    def sections(self, current, number, first_pages):
        sections = []
        for letter, vendors in groupby(current, key=lambda vendor: vendor.name[:1].upper()):
            anchor = Line(0, letter, "", former=False).letter_anchor
            sections.append(
                LetterSection(letter, self.anchor_here(anchor, number, first_pages), list(vendors))
            )
        return sections

    @staticmethod
    def anchor_here(anchor, number, first_pages):
        """A section's anchor where it begins; where it goes on from the page before, an
        id of its own, so that the promised anchor stays on the page that begins it."""
        begins_on = first_pages.get(anchor, (None, None))[1]
        return anchor if begins_on == number else f"{anchor}-continued"

    def elsewhere(self, anchor, number, first_pages):
        """The address of a section that begins on another page, or None."""
        begins_on = first_pages.get(anchor, (None, None))[1]
        if begins_on is None or begins_on == number:
            return None
        return f"{self.filters.query(page=begins_on)}#{anchor}"

    def letters(self, first_pages, number):
        """The A-Z jump: (letter, anchor, address, whether the address is on another page)."""
        letters = []
        for anchor, (letter, page_number) in first_pages.items():
            if anchor == FORMER_ANCHOR:
                continue
            elsewhere = page_number != number
            href = f"{self.filters.query(page=page_number)}#{anchor}" if elsewhere else f"#{anchor}"
            letters.append((letter, anchor, href, elsewhere))
        return letters
