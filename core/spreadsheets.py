"""Spreadsheet exports that are safe to open: no cell ever becomes a formula.

A cell that starts with =, +, -, @, a tab or a carriage return would be run as a formula by
Excel or WPS (CSV injection). Such text is written with a leading apostrophe, which spreadsheet
programs show as plain text. Every export of the portal (admin lists and portal downloads) goes
through `safe_cell` or the formats below.
"""

from django.utils import timezone
from django.utils.http import content_disposition_header
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm

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


class ColumnHeaderExportForm(SelectableFieldsExportForm):
    """The export page offers each column by the header it gets in the file (名称), not by its field name."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return str(field.column_name) if field is not None else field_name


class SafeSpreadsheetAdminMixin:
    """For ModelAdmins with django-import-export: CSV and Excel only, written safely; pages and file names in the
    staff member's language."""

    formats = [SafeCSV, SafeXLSX]
    export_form_class = ColumnHeaderExportForm

    def get_export_filename(self, request, queryset, file_format):
        """社会组织-2026-12-01.xlsx: the list's name and today's date in Shanghai."""
        name = self.model._meta.verbose_name_plural
        return f"{name}-{timezone.localdate().isoformat()}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, **kwargs):
        response = super()._do_file_export(file_format, request, queryset, **kwargs)
        # A Chinese file name needs RFC 6266's filename*=utf-8''…; the library writes a bare filename="…".
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response
