"""The SLA report (service/reports.py ``sla_report``) as CSV and as an Excel workbook.

Both take the report's JSON dict and carry exactly its figures; neither reads anything else.

- **CSV** (``render_csv``): UTF-8 with a byte-order mark (Excel then reads Indonesian text right),
  RFC 4180 through the ``csv`` module, one *long* table a pivot table can use: a header row, the
  totals, then every row of every breakdown (``CSV_COLUMNS`` says what each column means).
- **XLSX** (``render_xlsx``): a workbook a Kepala Seksi can print. *Ringkasan* (the period, the
  totals, the monthly table and a chart of monthly volume and on-time share), then one sheet per
  breakdown (*Per tahap*, *Per OPD*, *Per kanal*, *Per kategori*, *Per bulan*).

Text never becomes a formula: a cell whose text starts with ``= + - @`` (or a tab or carriage
return) is written as text in the workbook and prefixed with ``'`` in the CSV (CSV/formula
injection; the labels come from our catalog, but nothing here relies on that).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..domain.calendar import MONTHS_ID, WITA
from ..domain.cells import safe_text
from ..domain.durations import OFFICE_DAY_MINUTES, working_time
from ..domain.report import period_text

TITLE_ID = "Laporan SLA Aspirasi Kaltim"
TITLE_EN = "Aspirasi Kaltim SLA report"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"


@dataclass(frozen=True)
class Breakdown:
    """One breakdown of the report: its list in the JSON, the field naming a row, its sheet."""

    section: str  # the report's key, e.g. "by_stage"; also the CSV's ``section``
    key: str  # the field of each row that identifies it, e.g. "stage"
    sheet: str  # the workbook's sheet
    heading_id: str
    heading_en: str
    has_received: bool  # rows about cases (channel, category, month) count the cases received


BREAKDOWNS: tuple[Breakdown, ...] = (
    Breakdown("by_stage", "stage", "Per tahap", "Tahap", "Stage", False),
    Breakdown("by_opd", "opd", "Per OPD", "OPD", "Agency", False),
    Breakdown("by_channel", "channel", "Per kanal", "Kanal", "Channel", True),
    Breakdown("by_category", "category", "Per kategori", "Kategori", "Category", True),
    Breakdown("by_month", "month", "Per bulan", "Bulan", "Month", True),
)


@dataclass(frozen=True)
class Column:
    """A figure of a breakdown row: its field in the JSON, its headings, how it is shown."""

    field: str
    csv: str  # the CSV header: Indonesian/English, no spaces
    id: str  # workbook heading, Indonesian
    en: str  # workbook heading, English
    number_format: str
    width: int = 12


_COUNT = "#,##0"
_MINUTES = "#,##0.0"
# Percentages are numbers 0..100 in the report; the workbook keeps them so (same figures as the JSON
# and the CSV) and only shows the sign.
_PERCENT = '0.0"%"'
_RATING = "0.0"

# The figures of a breakdown row, in the order the CSV and the sheets show them.
ROW_COLUMNS: tuple[Column, ...] = (
    Column("received", "diterima/received", "Diterima", "Received", _COUNT, 11),
    Column("completed", "selesai/completed", "Selesai", "Completed", _COUNT, 11),
    Column(
        "median_business_minutes",
        "median_menit/median_minutes",
        "Median (menit kerja)",
        "Median (business minutes)",
        _MINUTES,
        14,
    ),
    Column(
        "p90_business_minutes", "p90_menit/p90_minutes", "P90 (menit kerja)", "P90 (business minutes)", _MINUTES, 14
    ),
    Column("within_sop_pct", "sesuai_sop_pct/within_sop_pct", "Sesuai SOP", "Within SOP", _PERCENT, 11),
    Column("breached", "melewati_sop/breached", "Melewati SOP", "Breached", _COUNT, 11),
    Column("reminders", "pengingat/reminders", "Pengingat", "Reminders", _COUNT, 11),
    Column("escalations", "eskalasi/escalations", "Eskalasi", "Escalations", _COUNT, 11),
    Column("rating_average", "rata_nilai/rating_average", "Rata-rata nilai (1-5)", "Average rating (1-5)", _RATING, 12),
    Column("ratings", "jumlah_nilai/ratings", "Jumlah penilaian", "Ratings", _COUNT, 11),
    Column(
        "sop_business_minutes",
        "sop_menit/sop_business_minutes",
        "Waktu SOP (menit kerja)",
        "SOP time (business minutes)",
        _COUNT,
        14,
    ),
)
# Figures only the totals have (the case's status now); at the end of the CSV so the row figures
# above keep their places.
STATUS_COLUMNS: tuple[Column, ...] = (
    Column("closed", "ditutup/closed", "Ditutup", "Closed", _COUNT),
    Column("open", "terbuka/open", "Masih terbuka", "Open", _COUNT),
    Column("overdue_open", "terbuka_terlambat/overdue_open", "Terbuka dan terlambat", "Open and overdue", _COUNT),
)
CSV_COLUMNS: tuple[str, ...] = (
    "bagian/section",
    "kunci/key",
    "label",
    *(c.csv for c in ROW_COLUMNS),
    *(c.csv for c in STATUS_COLUMNS),
)
"""The CSV's header. What each column means:

- ``bagian/section``: ``totals`` (one row, the whole period) or the breakdown the row belongs to:
  ``by_stage``, ``by_opd``, ``by_channel``, ``by_category``, ``by_month`` (the report's JSON keys).
- ``kunci/key``: what the row is about: a stage (``intake``), an agency code (``DINKES``), a channel
  (``web``), a category code (``kesehatan``), a month (``2026-11``); ``all`` for the totals.
- ``label``: its Indonesian name.
- ``diterima/received``: cases received in the period (totals, channel, category and month rows;
  empty for stage and agency rows, which count stage visits).
- ``selesai/completed``: stage rows and agency rows: stage visits completed in the period; the
  other rows: cases answered for the first time in the period; totals: cases answered.
- ``median_menit``, ``p90_menit``: median and 90th percentile of the business minutes those took
  (a stage visit's own time; a case's whole time from submission to its first answer).
- ``sesuai_sop_pct/within_sop_pct``: share of the completed within the SOP time, 0-100, one decimal.
- ``melewati_sop/breached``: how many of them took longer (on the totals row: the cases answered
  after the whole SOP's time).
- ``pengingat/reminders``, ``eskalasi/escalations``: reminders and escalations sent.
- ``rata_nilai/rating_average``, ``jumlah_nilai/ratings``: the citizens' average score (1-5) and how
  many scores it averages.
- ``sop_menit/sop_business_minutes``: the SOP time of the stage (or the whole case) in business minutes.
- ``ditutup/closed``, ``terbuka/open``, ``terbuka_terlambat/overdue_open``: the totals row only:
  cases closed, still open, and open past their deadline.

Empty means there is nothing to count or divide (the JSON's ``null``). Numbers use a decimal point.
"""

# The totals, as the summary sheet lists them: (field, Indonesian, English, number format).
TOTALS: tuple[tuple[str, str, str, str], ...] = (
    ("received", "Laporan diterima", "Cases received", _COUNT),
    ("answered", "Laporan dijawab", "Cases answered", _COUNT),
    ("answered_within_sop", "Dijawab sesuai SOP", "Answered within the SOP", _COUNT),
    ("answered_within_sop_pct", "Persentase dijawab sesuai SOP", "Share answered within the SOP", _PERCENT),
    ("closed", "Laporan ditutup", "Cases closed", _COUNT),
    ("open", "Masih terbuka", "Still open", _COUNT),
    ("overdue_open", "Terbuka dan terlambat", "Open and overdue", _COUNT),
    ("reminders", "Pengingat terkirim", "Reminders sent", _COUNT),
    ("escalations", "Eskalasi terkirim", "Escalations sent", _COUNT),
    ("rating_average", "Rata-rata nilai warga (1-5)", "Average citizen rating (1-5)", _RATING),
    ("ratings", "Jumlah penilaian", "Ratings given", _COUNT),
)
# The monthly table on the summary sheet (and its chart: received and completed as bars, the
# on-time share as a line on a second axis).
SUMMARY_MONTH_COLUMNS: tuple[str, ...] = (
    "received",
    "completed",
    "within_sop_pct",
    "breached",
    "median_business_minutes",
    "p90_business_minutes",
)


# -- text that is safe in a cell ---------------------------------------------------------------
def _label(row: dict, lang: str = "id") -> str:
    label = row.get("label")
    if isinstance(label, dict):
        return str(label.get(lang) or label.get("id") or "")
    return "" if label is None else str(label)


def _working_day(report: dict) -> str:
    """'1 hari kerja = 8 jam kerja / 1 working day = 8 working hours': what the minutes are counted in."""
    minutes = report.get("working_day_business_minutes") or OFFICE_DAY_MINUTES
    hours = working_time(minutes, minutes * 2, "id"), working_time(minutes, minutes * 2, "en")
    return f"1 hari kerja = {hours[0]} / 1 working day = {hours[1]}"


def _generated(report: dict) -> str:
    text = report.get("generated_at")
    if not text:
        return "-"
    moment = datetime.fromisoformat(str(text).replace("Z", "+00:00")).astimezone(WITA)
    return f"{moment.day} {MONTHS_ID[moment.month - 1]} {moment.year} {moment:%H:%M} WITA"


# -- CSV ---------------------------------------------------------------------------------------
def _csv_number(value: Any) -> Any:
    """Numbers as numbers; anything else (never expected) as safe text; null as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    return safe_text(value)


def csv_rows(report: dict) -> Iterable[list]:
    """The long table, header first: the totals, then every breakdown's rows in the report's order."""
    yield list(CSV_COLUMNS)
    totals = report.get("totals") or {}
    as_row = {
        "received": totals.get("received"),
        "completed": totals.get("answered"),
        "within_sop_pct": totals.get("answered_within_sop_pct"),
        "breached": totals.get("breached"),
        "reminders": totals.get("reminders"),
        "escalations": totals.get("escalations"),
        "rating_average": totals.get("rating_average"),
        "ratings": totals.get("ratings"),
    }
    yield [
        "totals",
        "all",
        "Semua laporan",
        *(_csv_number(as_row.get(c.field)) for c in ROW_COLUMNS),
        *(_csv_number(totals.get(c.field)) for c in STATUS_COLUMNS),
    ]
    for breakdown in BREAKDOWNS:
        for row in report.get(breakdown.section) or []:
            yield [
                breakdown.section,
                safe_text(row.get(breakdown.key)),
                safe_text(_label(row)),
                *(_csv_number(row.get(c.field)) for c in ROW_COLUMNS),
                *("" for _ in STATUS_COLUMNS),
            ]


def render_csv(report: dict) -> str:
    """The report as one long CSV table, RFC 4180 (CRLF, quotes where needed), starting with the BOM
    (sent as UTF-8, Excel then reads the Indonesian text right). Text: the API returns it as it is."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
    writer.writerows(csv_rows(report))
    return BOM + out.getvalue()


# -- XLSX --------------------------------------------------------------------------------------
_FONT = "Calibri"
_BOLD = Font(name=_FONT, bold=True)
_TITLE = Font(name=_FONT, bold=True, size=14, color="0B5394")
_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_THIN = Side(style="thin", color="A6A6A6")
_HEADER_BORDER = Border(bottom=_THIN, top=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
_LINE_POINTS = 15  # one line of 11-point text


def _put(ws: Worksheet, row: int, column: int, value: Any, number_format: str | None = None):
    """Write one cell. Text is always text (never a formula), numbers are numbers, null is empty."""
    cell = ws.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, (int, float)):
        cell.value = value
        if number_format:
            cell.number_format = number_format
        cell.alignment = _TOP
        return cell
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    cell.data_type = "s"  # openpyxl makes "=..." a formula; this keeps it the text it is
    return cell


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (roughly, by words)."""
    count = 0
    for paragraph in text.split("\n"):
        line = 0
        count += 1
        for word in paragraph.split():
            if line and line + 1 + len(word) > width:
                count, line = count + 1, len(word)
            else:
                line += (1 if line else 0) + len(word)
    return max(count, 1)


def _header(ws: Worksheet, row: int, headings: list[tuple[str, str]], widths: Sequence[float]) -> None:
    """Bold headings, Indonesian over English; the row as tall as the longest (rows are not fitted on open)."""
    for column, (heading_id, heading_en) in enumerate(headings, start=1):
        cell = _put(ws, row, column, f"{heading_id}\n{heading_en}")
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _HEADER_BORDER, _HEADER_ALIGN
    # not strict: the summary sheet's two-column tables share the wider month table's column widths
    ws.row_dimensions[row].height = (
        _LINE_POINTS * max(_lines(f"{a}\n{b}", w - 1) for (a, b), w in zip(headings, widths, strict=False)) + 4
    )


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _header_footer_text(text: str) -> str:
    return text.replace("&", "&&")[:120]  # "&" starts a code in Excel's header language


def _print_setup(ws: Worksheet, report: dict, title_rows: str | None, pages_tall: int = 0) -> None:
    """Landscape A4, one page wide, the header row on every page, the title and period on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_tall  # 0: as many pages down as needed
    setup, header, footer = ws.sheet_properties.pageSetUpPr, ws.oddHeader, ws.oddFooter
    # openpyxl makes these with every new sheet; its stubs allow None (a file being read may lack them)
    assert setup is not None and header is not None and footer is not None
    setup.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    if title_rows:
        ws.print_title_rows = title_rows
    header.left.text = _header_footer_text(f"{TITLE_ID} / {TITLE_EN}")
    header.right.text = _header_footer_text(period_text(report))
    footer.left.text = _header_footer_text(f"{ws.title} \u2014 dibuat / generated {_generated(report)}")
    footer.right.text = "Halaman &P dari &N / Page &P of &N"


def _breakdown_sheet(wb: Workbook, report: dict, breakdown: Breakdown) -> Worksheet:
    """Key, name (and English name where it differs), then the figures; one row per row of the report."""
    ws = wb.create_sheet(breakdown.sheet)
    rows = report.get(breakdown.section) or []
    columns = [c for c in ROW_COLUMNS if breakdown.has_received or c.field != "received"]
    english = any(_label(r, "en") != _label(r, "id") for r in rows)  # agencies and categories have one name
    names = [("id", ("Nama", "Name"))] + ([("en", ("Nama (Inggris)", "Name (English)"))] if english else [])
    # the SOP time as people say it ("2 hari kerja"), beside the figures in business minutes
    sop_words = any(isinstance(r.get("sop_text"), dict) for r in rows)
    longest = max((len(_label(r, lang)) for r in rows for lang, _ in names), default=10)
    name_width = max(16, min(40, longest + 2))
    key_width = max(10, min(18, max((len(str(r.get(breakdown.key) or "")) for r in rows), default=8) + 2))
    words = [("Waktu SOP", "SOP time")] if sop_words else []
    widths = [key_width, *(name_width for _ in names), *(16 for _ in words), *(c.width for c in columns)]
    _header(
        ws,
        1,
        [
            (breakdown.heading_id, breakdown.heading_en),
            *(h for _, h in names),
            *words,
            *((c.id, c.en) for c in columns),
        ],
        widths,
    )
    first_figure = 2 + len(names) + len(words)
    for index, row in enumerate(rows, start=2):
        _put(ws, index, 1, row.get(breakdown.key)).alignment = _TOP
        for offset, (lang, _) in enumerate(names, start=2):
            _put(ws, index, offset, _label(row, lang)).alignment = _WRAP
        if words:
            _put(ws, index, 2 + len(names), (row.get("sop_text") or {}).get("id")).alignment = _TOP
        for offset, column in enumerate(columns, start=first_figure):
            _put(ws, index, offset, row.get(column.field), column.number_format)
        ws.row_dimensions[index].height = (
            _LINE_POINTS * max(_lines(_label(row, lang), name_width - 1) for lang, _ in names) + 2
        )
    _widths(ws, widths)
    ws.freeze_panes = "B2"  # the header row and the key column stay in view
    if rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(widths))}{len(rows) + 1}"
    _print_setup(ws, report, "1:1")
    return ws


def _summary_sheet(wb: Workbook, report: dict) -> Worksheet:
    """One printed page: the period, the totals, the months and their chart."""
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook's one sheet (the stubs also allow None or a chart sheet)
    ws.title = "Ringkasan"
    by_column = {c.field: c for c in ROW_COLUMNS}
    month_columns = [by_column[f] for f in SUMMARY_MONTH_COLUMNS]
    label_width = max(len(f"{i} / {e}") for _, i, e, _ in TOTALS) + 2
    widths = [label_width, *(max(c.width, 14) for c in month_columns)]
    _widths(ws, widths)
    _put(ws, 1, 1, f"{TITLE_ID} / {TITLE_EN}").font = _TITLE
    facts = [
        ("Periode / Period", period_text(report)),
        ("Zona waktu / Time zone", f"{report.get('timezone') or 'Asia/Makassar'} (WITA)"),
        ("Waktu kerja / Working time", _working_day(report)),
        ("Dibuat / Generated", _generated(report)),
    ]
    for offset, (name, value) in enumerate(facts, start=3):
        _put(ws, offset, 1, name).font = _BOLD
        _put(ws, offset, 2, value)

    row = 3 + len(facts) + 1
    _put(ws, row, 1, "Jumlah / Totals").font = _TITLE
    row += 1
    _header(ws, row, [("Ukuran", "Measure"), ("Nilai", "Value")], widths)
    totals = report.get("totals") or {}
    for field, label_id, label_en, number_format in TOTALS:
        row += 1
        _put(ws, row, 1, f"{label_id} / {label_en}")
        _put(ws, row, 2, totals.get(field), number_format)

    row += 2
    _put(ws, row, 1, "Per bulan / By month").font = _TITLE
    row += 1
    header_row = row
    _header(ws, header_row, [("Bulan", "Month"), *((c.id, c.en) for c in month_columns)], widths)
    months = report.get("by_month") or []
    for row_data in months:
        row += 1
        _put(ws, row, 1, _label(row_data, "id") or row_data.get("month"))
        for offset, column in enumerate(month_columns, start=2):
            _put(ws, row, offset, row_data.get(column.field), column.number_format)
    if months:
        _monthly_chart(ws, header_row, row, [c.field for c in month_columns])
    _print_setup(ws, report, None, pages_tall=1)
    return ws


def _monthly_chart(ws: Worksheet, header_row: int, last_row: int, fields: list[str]) -> None:
    """Bars: cases received and answered per month; line (right axis): the share within the SOP."""

    def column(field: str) -> int:
        return 2 + fields.index(field)

    bars = BarChart()
    bars.type, bars.grouping = "col", "clustered"
    bars.title = "Volume bulanan dan ketepatan waktu / Monthly volume and on-time share"
    bars.y_axis.title = "Laporan / Cases"
    for field in ("received", "completed"):
        bars.add_data(Reference(ws, min_col=column(field), min_row=header_row, max_row=last_row), titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    bars.y_axis.majorGridlines = None
    on_time = LineChart()
    on_time.add_data(
        Reference(ws, min_col=column("within_sop_pct"), min_row=header_row, max_row=last_row), titles_from_data=True
    )
    line = on_time.series[0]
    line.smooth = False
    line.marker.symbol, line.marker.size = "circle", 7  # a one-month report still shows its point
    on_time.y_axis.axId = 200  # a second value axis ...
    on_time.y_axis.title = "Sesuai SOP / Within SOP (%)"
    on_time.y_axis.scaling.min, on_time.y_axis.scaling.max = 0, 100
    on_time.y_axis.numFmt = NumFmt(formatCode='0"%"', sourceLinked=False)
    on_time.y_axis.crosses = "max"  # ... on the right
    for axis in (bars.x_axis, bars.y_axis, on_time.y_axis):
        axis.delete = False  # openpyxl 3.1 leaves axes unset; some Excel versions then hide them
    bars.legend.position = "b"
    bars += on_time
    bars.width, bars.height = 24, 9  # centimetres: the page's width under the tables
    ws.add_chart(bars, f"A{last_row + 3}")


def render_xlsx(report: dict) -> bytes:
    """The report as a printable workbook: *Ringkasan* and one sheet per breakdown."""
    wb = Workbook()
    wb.properties.title = f"{TITLE_ID} {period_text(report)}"
    wb.properties.creator = "Aspirasi Kaltim"
    _summary_sheet(wb, report)
    for breakdown in BREAKDOWNS:
        _breakdown_sheet(wb, report, breakdown)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
