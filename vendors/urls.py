from django.urls import path

from . import search, views

app_name = "vendors"

# These addresses are pasted into emails to parents: never change one.
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("vendors/", views.VendorListView.as_view(), name="vendor_list"),
    path("vendors/<slug:slug>/", views.VendorDetailView.as_view(), name="vendor_detail"),
    path("data-elements/", views.DataElementListView.as_view(), name="data_element_list"),
    path(
        "data-elements/<slug:slug>/",
        views.DataElementDetailView.as_view(),
        name="data_element",
    ),
    path("search/", search.SearchView.as_view(), name="search"),
    # Last, so that it never shadows a fixed address: /parent-data/, /student-data/.
    path("<slug:slug>/", views.AudienceView.as_view(), name="audience"),
]
