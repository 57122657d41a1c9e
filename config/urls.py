from django.contrib import admin
from django.urls import include, path

from disclosure import views as disclosure_views

urlpatterns = [
    path("healthz", disclosure_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("workspace/", include("disclosure.workspace_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("disclosure.urls")),
]

urlpatterns += [
    path("data/", include("disclosure.opendata.urls")),
    path("api/v1/", include("disclosure.api.urls")),
]
