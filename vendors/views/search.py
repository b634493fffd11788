from django.core.paginator import Paginator
from django.views.generic import TemplateView

from pagecache.middleware import reads_query_parameters

from ..search import (
    Filters,
    catalog,
    elements_matching,
    elements_of,
    results,
    titles_matching,
)

SEARCH_RESULTS_PER_PAGE = 25


@reads_query_parameters("q", "page")
class SearchView(TemplateView):
    """/search/?q=…: matching titles, with the audiences each belongs to, and matching elements."""

    template_name = "vendors/search.html"

    def get_context_data(self, **kwargs):
        filters = Filters.from_query(self.request.GET)
        matching_elements = []
        page = None
        if filters.terms:
            matching_elements = elements_matching(filters.terms, elements_of(catalog()))
            matches = titles_matching(filters.terms, matching_elements)
            page = Paginator(matches.ids, SEARCH_RESULTS_PER_PAGE).get_page(
                self.request.GET.get("page")
            )
            page.object_list = results(matches, page.object_list, filters.terms, matching_elements)
        return super().get_context_data(
            filters=filters, matching_elements=matching_elements, page=page, **kwargs
        )
