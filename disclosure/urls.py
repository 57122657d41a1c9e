from django.urls import path

from disclosure import pdf_views, views, views_regions

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("disclosures/", views.disclosure_list, name="list"),
    path("disclosures/<int:year>/<slug:code>/", views.disclosure_detail, name="detail"),
    path(
        "disclosures/<int:year>/<slug:code>/v<int:version>/",
        views.disclosure_detail,
        name="version",
    ),
    path(
        "disclosures/<int:year>/<slug:code>/tables/<str:number>/",
        views.table_detail,
        name="table",
    ),
    path("departments/<slug:code>/", views.department_detail, name="department"),
    path("boards/<int:year>/", views.board, name="board"),
    path("glossary/", views.glossary_page, name="glossary"),
    path("disclosures/<int:year>/<slug:code>/pdf/", pdf_views.disclosure_pdf, name="pdf"),
    path(
        "disclosures/<int:year>/<slug:code>/tables/<str:number>/pdf/",
        pdf_views.table_pdf,
        name="table_pdf",
    ),
    path("regions/", views_regions.region_tree, name="regions"),
    path("regions/<str:code>/", views_regions.region_detail, name="region"),
    path("coverage/<int:year>/", views_regions.coverage_page, name="coverage"),
    path(
        "coverage/<int:year>/regions.csv",
        views_regions.coverage_regions_csv,
        name="coverage_regions_csv",
    ),
    path(
        "coverage/<int:year>/departments.csv",
        views_regions.coverage_departments_csv,
        name="coverage_departments_csv",
    ),
]
