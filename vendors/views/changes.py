from django.views.generic import ListView

from pagecache.middleware import reads_query_parameters

from ..changes import all_changes

CHANGES_PER_PAGE = 25


@reads_query_parameters("page")
class ChangeListView(ListView):
    """/changes/: every public change, newest first, a page at a time."""

    template_name = "vendors/change_list.html"
    context_object_name = "entries"
    paginate_by = CHANGES_PER_PAGE

    def get_queryset(self):
        return all_changes()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = context["page_obj"]
        return context
