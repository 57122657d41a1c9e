"""Open data: every published disclosure as machine-readable files.

Every format here renders the row builder's `TableView`s (`selectors.disclosure_tables`):
`flat` turns a printed grid into one record per printed row, and the writers — the
published-layout workbook (`workbook`), the CSV per table (`tabular`), the JSON document
(`document`) and the yearly Fiscal Data Package (`package`) — read those records or the
grid itself. No table's shape is written here; it comes from the layout declaration.

Only published disclosures (the current version of each department-year) are ever
exported: the views fetch through `Disclosure.objects.current()`.
"""
