from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from disclosure import views as disclosure_views


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    # The hashed name is looked up per request: the manifest exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("favicon.svg"))


urlpatterns = [
    path("healthz", disclosure_views.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", favicon),
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
