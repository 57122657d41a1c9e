"""The read-only JSON API under /api/v1/: published disclosures only, for anyone.

Departments, years, disclosures (the current published version of each department-year,
with links to every format) and their tables with rows. Lists are paginated and filtered
by year and department; the OpenAPI schema is generated from the serializers that also
render the JSON downloads (`disclosure.opendata.document`). Every endpoint is GET-only,
open to cross-origin reads, anonymous and rate limited per client address.
"""
