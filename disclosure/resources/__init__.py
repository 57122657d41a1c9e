"""django-import-export adapters for the admin's import screens.

- `base`: the upload format (any XLSX, CSV or text, read through the guarded readers) and
  `PortalResource`, whose row problems name the sheet, row, column and value in Chinese.
- `departments`, `catalogues`: reference data keyed on natural keys, idempotently.
- `tables`: one resource per amount table, generated from the layout; it only reads, and
  hands the table to the import service.
"""
