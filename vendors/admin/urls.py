"""Admin pages that belong to no single model. The root URLconf includes them under
ADMIN_URL, ahead of the admin site's own addresses."""

from django.contrib import admin
from django.urls import path

from .dashboard import dashboard_view

app_name = "vendors_admin"

urlpatterns = [
    path("dashboard/", admin.site.admin_view(dashboard_view), name="dashboard"),
]
