from django.urls import path

from . import feeds
from .views import changes, open_data, pages, search, subscriptions, vendor_list, vendor_response
from .views import requests as review_requests

app_name = "vendors"

# These addresses are pasted into emails to parents: never change one.
urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("vendors/", vendor_list.VendorListView.as_view(), name="vendor_list"),
    path("vendors/<slug:slug>/", pages.VendorDetailView.as_view(), name="vendor_detail"),
    path(
        "vendors/<slug:slug>/agreement/<int:pk>/signed-agreement.pdf",
        pages.AgreementDocumentView.as_view(field="signed_agreement"),
        name="agreement_signed_agreement",
    ),
    path(
        "vendors/<slug:slug>/agreement/<int:pk>/destruction-certificate.pdf",
        pages.AgreementDocumentView.as_view(field="destruction_certificate"),
        name="agreement_destruction_certificate",
    ),
    path("data-elements/", pages.DataElementListView.as_view(), name="data_element_list"),
    path(
        "data-elements/<slug:slug>/",
        pages.DataElementDetailView.as_view(),
        name="data_element",
    ),
    path("search/", search.SearchView.as_view(), name="search"),
    path("changes/", changes.ChangeListView.as_view(), name="changes"),
    path("changes/feed/", feeds.ChangesFeed(), name="changes_feed"),
    path("incidents/", pages.IncidentListView.as_view(), name="incident_list"),
    path("export/clearinghouse.csv", open_data.CsvExportView.as_view(), name="export_csv"),
    path(
        "export/security-incidents.csv",
        open_data.IncidentCsvExportView.as_view(),
        name="export_incidents_csv",
    ),
    path("api/v1/vendors.json", open_data.JsonListView.as_view(), name="api_vendor_list"),
    path(
        "api/v1/vendors/<slug:slug>.json",
        open_data.JsonDetailView.as_view(),
        name="api_vendor_detail",
    ),
    path("api/v1/schema.json", open_data.schema_view, name="api_schema"),
    # A district employee's request for the review of a tool (never cached: forms, tokens).
    path("request/", review_requests.RequestReviewView.as_view(), name="request_review"),
    path("request/sent/", review_requests.RequestSentView.as_view(), name="request_sent"),
    path(
        "request/confirm/<str:token>/",
        review_requests.ConfirmRequestView.as_view(),
        name="request_confirm",
    ),
    path("request/thanks/", review_requests.RequestThanksView.as_view(), name="request_thanks"),
    path(
        "vendors/<slug:slug>/consent-form.pdf",
        pages.ConsentFormView.as_view(),
        name="consent_form",
    ),
    # Email subscriptions and the annual notice.
    path("subscribe/", subscriptions.SubscribeView.as_view(), name="subscribe"),
    path(
        "subscribe/confirm/<str:signed>/",
        subscriptions.ConfirmView.as_view(),
        name="subscribe_confirm",
    ),
    path("unsubscribe/<str:token>/", subscriptions.UnsubscribeView.as_view(), name="unsubscribe"),
    path("annual-notice/", subscriptions.AnnualNoticeView.as_view(), name="annual_notice"),
    # Last, so that it never shadows a fixed address: /parent-data/, /student-data/.
    path("<slug:slug>/", pages.AudienceView.as_view(), name="audience"),
    # A vendor's form from its invitation: two segments, so the audience path above never
    # takes it.
    path(
        "vendor-response/<str:token>/",
        vendor_response.VendorResponseView.as_view(),
        name="vendor_response",
    ),
]
