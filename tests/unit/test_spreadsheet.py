"""The SLA report as CSV and XLSX (chalicelib/adapters/spreadsheet.py) carries the report's figures."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from chalicelib.adapters.spreadsheet import (
    BREAKDOWNS,
    CSV_COLUMNS,
    ROW_COLUMNS,
    STATUS_COLUMNS,
    TOTALS,
    render_csv,
    render_xlsx,
    safe_text,
)

from .report_sample import BREAKDOWN_KEYS, empty_report, sample_report

SHEETS = ["Ringkasan", "Per tahap", "Per OPD", "Per kanal", "Per kategori", "Per bulan"]


def parse_csv(text: str) -> list[dict]:
    data = text.encode("utf-8")  # as it is sent
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def number(text: str):
    if text == "":
        return None
    return float(text) if "." in text else int(text)


def workbook(report: dict):
    return load_workbook(io.BytesIO(render_xlsx(report)))


# -- CSV ---------------------------------------------------------------------------------------
def test_csv_is_utf8_with_a_bom_crlf_and_a_header():
    data = render_csv(sample_report()).encode("utf-8")  # as it is sent
    assert data[:3] == b"\xef\xbb\xbf"
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[0].split(",") == list(CSV_COLUMNS)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert CSV_COLUMNS[:3] == ("bagian/section", "kunci/key", "label")
    assert "diterima/received" in CSV_COLUMNS and "sop_menit/sop_business_minutes" in CSV_COLUMNS


def test_csv_has_the_totals_first_then_every_breakdown_row_in_order():
    report = sample_report()
    rows = parse_csv(render_csv(report))
    assert [(r["bagian/section"], r["kunci/key"]) for r in rows] == [("totals", "all")] + [
        (section, row[key]) for section, key in BREAKDOWN_KEYS.items() for row in report[section]
    ]


def test_csv_carries_the_reports_figures():
    report = sample_report()
    rows = parse_csv(render_csv(report))
    by_key = {(r["bagian/section"], r["kunci/key"]): r for r in rows}
    for breakdown in BREAKDOWNS:
        for source in report[breakdown.section]:
            row = by_key[(breakdown.section, source[breakdown.key])]
            assert row["label"] == source["label"]["id"]
            for column in ROW_COLUMNS:
                assert number(row[column.csv]) == source.get(column.field), (breakdown.section, column.field)
            assert all(row[c.csv] == "" for c in STATUS_COLUMNS)
    totals, row = report["totals"], by_key[("totals", "all")]
    assert number(row["diterima/received"]) == totals["received"] == 122
    assert number(row["selesai/completed"]) == totals["answered"]
    assert number(row["sesuai_sop_pct/within_sop_pct"]) == totals["answered_within_sop_pct"]
    assert number(row["melewati_sop/breached"]) == sum(m["breached"] for m in report["by_month"]) == 15
    for field in ("reminders", "escalations", "rating_average", "ratings"):
        assert number(row[next(c.csv for c in ROW_COLUMNS if c.field == field)]) == totals[field]
    for column in STATUS_COLUMNS:
        assert number(row[column.csv]) == totals[column.field]
    # Stage and agency rows count stage visits: nothing "received".
    assert by_key[("by_stage", "intake")]["diterima/received"] == ""
    assert number(by_key[("by_channel", "web")]["diterima/received"]) == 80


def test_csv_nulls_are_empty_and_indonesian_text_survives():
    report = sample_report()
    report["by_category"][0]["label"]["id"] = 'Jalan "poros", jembatan; perumahan\nrakyat'
    rows = parse_csv(render_csv(report))
    satpol = next(r for r in rows if r["kunci/key"] == "SATPOLPP")
    assert satpol["sesuai_sop_pct/within_sop_pct"] == "" and satpol["median_menit/median_minutes"] == ""
    assert satpol["rata_nilai/rating_average"] == ""
    assert (
        next(r for r in rows if r["kunci/key"] == "infrastruktur")["label"]
        == 'Jalan "poros", jembatan; perumahan\nrakyat'
    )  # quoted as RFC 4180 says


def test_csv_of_an_empty_month():
    rows = parse_csv(render_csv(empty_report()))
    assert [r["bagian/section"] for r in rows] == ["totals"] + ["by_stage"] * 5 + ["by_month"]  # every SOP stage
    assert rows[0]["sesuai_sop_pct/within_sop_pct"] == "" and rows[0]["diterima/received"] == "0"


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_never_starts_a_text_cell_with_a_formula(evil):
    report = sample_report()
    report["by_opd"][0]["label"]["id"] = evil
    report["by_opd"][0]["opd"] = evil
    row = next(r for r in parse_csv(render_csv(report)) if r["bagian/section"] == "by_opd")
    assert row["label"] == "'" + evil and row["kunci/key"] == "'" + evil
    assert safe_text("Dinas Kesehatan") == "Dinas Kesehatan" and safe_text(None) == ""


# -- XLSX --------------------------------------------------------------------------------------
def test_xlsx_has_the_summary_and_one_sheet_per_breakdown():
    assert workbook(sample_report()).sheetnames == SHEETS == ["Ringkasan"] + [b.sheet for b in BREAKDOWNS]


def header_columns(ws) -> dict[str, int]:
    """English heading (second line of each header cell) -> column number."""
    return {str(c.value).split("\n")[-1]: c.column for c in ws[1]}


def test_xlsx_breakdown_sheets_carry_the_figures_with_bold_bilingual_headers():
    report = sample_report()
    wb = workbook(report)
    for breakdown in BREAKDOWNS:
        ws = wb[breakdown.sheet]
        columns = header_columns(ws)
        assert all(cell.font.b for cell in ws[1])
        assert all("\n" in str(cell.value) for cell in ws[1])  # Indonesian, then English
        rows = report[breakdown.section]
        assert ws.max_row == len(rows) + 1
        # An English name column only where some name differs (agencies and categories have one name).
        english = any(r["label"]["en"] != r["label"]["id"] for r in rows)
        assert ("Name (English)" in columns) is english
        for index, source in enumerate(rows, start=2):
            assert ws.cell(index, 1).value == source[breakdown.key]
            assert ws.cell(index, columns["Name"]).value == source["label"]["id"]
            if english:
                assert ws.cell(index, columns["Name (English)"]).value == source["label"]["en"]
            assert ws.row_dimensions[index].height >= 15
            for column in ROW_COLUMNS:
                if column.field == "received" and not breakdown.has_received:
                    assert "Received" not in columns
                    continue
                assert ws.cell(index, columns[column.en]).value == source.get(column.field), column.field


def test_xlsx_number_formats_widths_and_frozen_header():
    ws = workbook(sample_report())["Per tahap"]
    columns = header_columns(ws)
    assert ws.cell(2, columns["Within SOP"]).number_format == '0.0"%"'
    assert ws.cell(2, columns["Median (business minutes)"]).number_format == "#,##0.0"
    assert ws.cell(2, columns["Completed"]).number_format == "#,##0"
    assert ws.cell(4, columns["Average rating (1-5)"]).number_format == "0.0"
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref.startswith("A1:")
    assert all((ws.column_dimensions[letter].width or 0) >= 10 for letter in "ABCDEFGHIJKLM")
    assert ws.column_dimensions["B"].width >= 16


def test_xlsx_print_setup():
    report = sample_report()
    for ws in workbook(report).worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.paperSize == 9  # A4
        # One page wide; the summary on one page, the breakdowns as many pages down as they need.
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == (1 if ws.title == "Ringkasan" else 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert "Laporan SLA Aspirasi Kaltim" in ws.oddHeader.left.text
        assert ws.oddHeader.right.text == "1 September \u2013 30 November 2026"
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
        if ws.title != "Ringkasan":
            assert ws.print_title_rows == "$1:$1"  # the header row on every page


def test_xlsx_summary_has_the_period_the_totals_and_the_months():
    report = sample_report()
    ws = workbook(report)["Ringkasan"]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}
    assert cells["Periode / Period"] == "1 September \u2013 30 November 2026"
    assert cells["Waktu kerja / Working time"] == "1 hari kerja = 8 jam kerja / 1 working day = 8 working hours"
    assert cells["Dibuat / Generated"] == "1 Desember 2026 08:00 WITA"
    for field, label_id, label_en, _ in TOTALS:
        assert cells[f"{label_id} / {label_en}"] == report["totals"][field], field
    month_rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    header = month_rows["Bulan\nMonth"]
    columns = {str(ws.cell(header, c).value).split("\n")[-1]: c for c in range(1, 8)}
    for source in report["by_month"]:
        row = month_rows[source["label"]["id"]]
        assert ws.cell(row, columns["Received"]).value == source["received"]
        assert ws.cell(row, columns["Completed"]).value == source["completed"]
        assert ws.cell(row, columns["Within SOP"]).value == source["within_sop_pct"]


def test_xlsx_summary_chart_bars_for_volume_and_a_line_on_a_second_axis():
    ws = workbook(sample_report())["Ringkasan"]
    (chart,) = ws._charts
    assert chart.tagname == "barChart" and chart.type == "col"
    assert len(chart.series) == 2  # received and answered
    (line,) = chart._charts[1:]
    assert line.tagname == "lineChart" and len(line.series) == 1
    assert line.y_axis.axId != chart.y_axis.axId and line.y_axis.crosses == "max"
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Bulan\nMonth")
    refs = [s.val.numRef.f for s in chart.series] + [line.series[0].val.numRef.f]
    assert all(f"${header + 1}:" in ref and f"${header + 3}" in ref for ref in refs), refs
    titles = [ws[s.tx.strRef.f.split("!")[1].replace("$", "")].value.split("\n")[-1] for s in chart.series]
    assert titles == ["Received", "Completed"]


def test_xlsx_of_an_empty_month_has_no_figures_to_chart_but_opens():
    wb = workbook(empty_report())
    assert wb.sheetnames == SHEETS
    assert wb["Per tahap"].max_row == 6  # every SOP stage, at zero
    columns = header_columns(wb["Per tahap"])
    assert [wb["Per tahap"].cell(r, columns["SOP time"]).value for r in range(2, 7)] == [
        "10 menit",
        "2 jam kerja",
        "2 hari kerja",
        "10 menit",
        "30 menit",
    ]
    assert len(wb["Ringkasan"]._charts) == 1


@pytest.mark.parametrize("evil", ["=cmd|' /C calc'!A0", "+SUM(1,2)", "-1+1", "@A1"])
def test_xlsx_writes_text_that_looks_like_a_formula_as_text(evil):
    report = sample_report()
    report["by_opd"][0]["label"]["id"] = evil
    report["by_opd"][0]["opd"] = evil
    report["by_month"][0]["label"]["id"] = evil
    wb = workbook(report)
    ws = wb["Per OPD"]
    for cell in (ws.cell(2, 1), ws.cell(2, 2)):
        assert cell.value == evil and cell.data_type == "s"
    summary = wb["Ringkasan"]
    found = [c for row in summary.iter_rows() for c in row if c.value == evil]
    assert found and all(c.data_type == "s" for c in found)
    # Nothing in the file is a formula at all.
    assert not [c for w in wb.worksheets for row in w.iter_rows() for c in row if c.data_type == "f"]
