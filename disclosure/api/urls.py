"""/api/v1/ — stable, versioned, read-only."""

from django.urls import path

from disclosure.api import views

app_name = "api"

list_only = {"get": "list"}
detail = {"get": "retrieve"}

urlpatterns = [
    path("", views.api_root, name="root"),
    path("departments/", views.DepartmentViewSet.as_view(list_only), name="department-list"),
    path(
        "departments/<slug:code>/",
        views.DepartmentViewSet.as_view(detail),
        name="department-detail",
    ),
    path("regions/", views.RegionViewSet.as_view(list_only), name="region-list"),
    path("regions/<str:code>/", views.RegionViewSet.as_view(detail), name="region-detail"),
    path("years/", views.YearViewSet.as_view(list_only), name="year-list"),
    path("years/<int:year>/", views.YearViewSet.as_view(detail), name="year-detail"),
    path("disclosures/", views.DisclosureViewSet.as_view(list_only), name="disclosure-list"),
    path(
        "disclosures/<int:year>/<slug:code>/",
        views.DisclosureViewSet.as_view(detail),
        name="disclosure-detail",
    ),
    path(
        "disclosures/<int:year>/<slug:code>/tables/",
        views.TableViewSet.as_view(list_only),
        name="table-list",
    ),
    path(
        "disclosures/<int:year>/<slug:code>/tables/<str:number>/",
        views.TableViewSet.as_view(detail),
        name="table-detail",
    ),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("docs/redoc.standalone.js", views.redoc_bundle, name="redoc-bundle"),
]
