from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Data Sharing Clearinghouse administration"
admin.site.site_title = "Clearinghouse admin"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("vendors.urls")),
]
