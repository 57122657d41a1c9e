"""Stable download addresses (cited by researchers: never rename one).

/data/                                       what can be downloaded (HTML)
/data/<year>/<code>.xlsx                     a disclosure in the published layout
/data/<year>/<code>.json                     a disclosure as JSON
/data/<year>/<code>/tables/<NN>.csv          one table as CSV
/data/<year>/<code>/tables/<NN>.xlsx         one table in the published layout
/data/<year>/fiscal-data-package.zip         the year as a Fiscal Data Package
/data/<year>/package/datapackage.json        its descriptor, beside …
/data/<year>/package/final-accounts-<year>.csv   … the year's CSV
/data/<year>/regions/<region code>/fiscal-data-package.zip   the same for one region
"""

from django.urls import path, register_converter

from disclosure.opendata import regions, views


class TableNumberConverter:
    regex = r"\d{2}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TableNumberConverter, "tableno")

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:year>/<slug:code>.xlsx", views.disclosure_xlsx, name="disclosure_xlsx"),
    path("<int:year>/<slug:code>.json", views.disclosure_json, name="disclosure_json"),
    path("<int:year>/<slug:code>/tables/<tableno:number>.csv", views.table_csv, name="table_csv"),
    path(
        "<int:year>/<slug:code>/tables/<tableno:number>.xlsx",
        views.table_xlsx,
        name="table_xlsx",
    ),
    path("<int:year>/fiscal-data-package.zip", views.year_package, name="year_package"),
    path("<int:year>/package/datapackage.json", views.year_datapackage, name="year_datapackage"),
    path("<int:year>/package/<slug:resource>.csv", views.year_csv, name="year_csv"),
    path(
        "<int:year>/regions/<str:code>/fiscal-data-package.zip",
        regions.region_package,
        name="region_package",
    ),
]
