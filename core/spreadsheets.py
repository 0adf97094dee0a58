"""The one spreadsheet writer: every CSV and Excel download of the portal (admin lists, organizers' sign-up
lists, the staff's monthly-activity export) is written here, and no cell of it ever runs as a formula.

A cell that starts with =, +, -, @, a tab or a carriage return would be run as a formula by Excel or WPS
(CSV injection). Such text is written with a leading apostrophe, which spreadsheet programs show as plain
text; in Excel files every text cell is also stored as text. Times are written in Shanghai time.
"""

import csv
import io
from datetime import date, datetime, time
from decimal import Decimal
from urllib.parse import quote

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value):
    """The value to write into a cell: numbers and dates stay themselves, times are local, text is never a formula."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        # Excel knows no time zones: an aware time is written as text in local time.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value
    if isinstance(value, bool | int | float | Decimal | date | time):
        return value
    text = str(value)  # lazy translations, choices, model instances
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _rows(header, rows):
    if header:
        yield [safe_cell(cell) for cell in header]
    for row in rows:
        yield [safe_cell(cell) for cell in row]


def _display_width(value):
    # Chinese characters take two columns.
    return sum(2 if ord(char) >= 0x2E80 else 1 for char in str(value))


def write_csv(header, rows):
    """CSV text with a byte-order mark, without which Excel misreads UTF-8 (Chinese) text."""
    return "".join(stream_csv(header, rows))


class _Echo:
    def write(self, value):
        return value


def stream_csv(header, rows):
    """The CSV text of `write_csv`, a line at a time: a long list is sent while it is read, never held whole."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in _rows(header, rows):
        yield writer.writerow(row)


def _storable(value):
    # openpyxl refuses control characters an Excel file cannot hold (a pasted name may contain one).
    return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value) if isinstance(value, str) else value


def _sheet_title(title, default="Sheet1"):
    return "".join(char for char in str(title) if char not in "\\/*?:[]")[:31] or default


def _fill_sheet(sheet, header, rows):
    """A bold, frozen header row, then the rows; text cells stay text, numbers numbers."""
    for row in _rows(header, rows):
        sheet.append([_storable(cell) for cell in row])
    widths = {}
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # belt and braces: openpyxl would store text starting with = as a formula
            if cell.value not in (None, ""):
                widths[cell.column_letter] = max(widths.get(cell.column_letter, 0), _display_width(cell.value))
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = min(width + 2, 60)
    if header:
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"


def write_xlsx(header, rows, *, title=""):
    """An Excel workbook of one sheet: a bold, frozen header row, then the rows; text cells stay text."""
    return write_workbook([(title, header, rows)])


def write_workbook(sheets):
    """An Excel workbook of several sheets, each (title, header, rows) written as `write_xlsx` writes its one."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, (title, header, rows) in enumerate(sheets, start=1):
        _fill_sheet(workbook.create_sheet(_sheet_title(title, f"Sheet{index}")), header, rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content, filename):
    """An Excel file (`write_workbook`'s bytes) to download as `filename`.xlsx (an ASCII name)."""
    response = HttpResponse(content, content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def spreadsheet_response(file_format, filename, header, rows, *, title="", stream=False):
    """A download of `header` and `rows` as `filename`.csv or .xlsx; another format is a 404.

    The file name is ASCII (old browsers mangle Chinese ones); `title` names the Excel sheet. With `stream`, a CSV
    is sent row by row as `rows` (an iterator) yields them (an Excel file is written whole).
    """
    if file_format not in FORMATS:
        raise Http404
    if file_format == "xlsx":
        response = HttpResponse(write_xlsx(header, rows, title=title), content_type=FORMATS[file_format])
    elif stream:
        response = StreamingHttpResponse(stream_csv(header, rows), content_type=FORMATS[file_format])
    else:
        response = HttpResponse(write_csv(header, rows), content_type=FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


# The admin's exports (django-import-export): its formats, written by the writer above.


class SafeCSV(CSV):
    def export_data(self, dataset, **kwargs):
        return write_csv(dataset.headers or [], dataset)


class SafeXLSX(XLSX):
    def export_data(self, dataset, **kwargs):
        return write_xlsx(dataset.headers or [], dataset, title=dataset.title or "")


class ColumnHeaderExportForm(SelectableFieldsExportForm):
    """The export page offers each column by the header it gets in the file (名称), not by its field name."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return str(field.column_name) if field is not None else field_name


class SafeSpreadsheetAdminMixin:
    """For ModelAdmins with django-import-export: CSV and Excel only, written by the one writer; the export page
    and the file's name in the staff member's language."""

    formats = [SafeCSV, SafeXLSX]
    export_form_class = ColumnHeaderExportForm

    def get_export_filename(self, request, queryset, file_format):
        """社会组织-2026-12-01.xlsx: the list's name and today's date in Shanghai."""
        name = self.model._meta.verbose_name_plural
        return f"{name}-{timezone.localdate().isoformat()}.{file_format.get_extension()}"

    def _do_file_export(self, file_format, request, queryset, **kwargs):
        response = super()._do_file_export(file_format, request, queryset, **kwargs)
        # The name in the staff member's language as RFC 6266's filename*=utf-8''…, which browsers prefer, and the
        # English one as filename="…" for those that mangle Chinese (the library writes only a bare filename).
        name = self.get_export_filename(request, queryset, file_format)
        with translation.override("en"):
            fallback = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=utf-8''{quote(name)}"
        return response
