"""Spreadsheet exports that are safe to open: no cell ever becomes a formula.

A cell that starts with =, +, -, @, a tab or a carriage return would be run as a formula by
Excel or WPS (CSV injection). Such text is written with a leading apostrophe, which spreadsheet
programs show as plain text. Every export of the portal (admin lists and portal downloads) goes
through `safe_cell` or the formats below.
"""

from import_export.formats.base_formats import CSV, XLSX

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write into a spreadsheet cell; text that could run as a formula is neutralised."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _neutralise(dataset):
    rows = [[safe_cell(cell) for cell in row] for row in dataset]
    headers = [safe_cell(header) for header in (dataset.headers or [])]
    dataset.wipe()
    dataset.headers = headers or None
    for row in rows:
        dataset.append(row)
    return dataset


class SafeCSV(CSV):
    def export_data(self, dataset, **kwargs):
        # Excel opens UTF-8 CSV correctly only with a byte-order mark.
        return "\ufeff" + super().export_data(_neutralise(dataset), **kwargs)


class SafeXLSX(XLSX):
    def export_data(self, dataset, **kwargs):
        return super().export_data(_neutralise(dataset), **kwargs)


class SafeSpreadsheetAdminMixin:
    """For ModelAdmins with django-import-export: CSV and Excel only, written safely."""

    formats = [SafeCSV, SafeXLSX]
