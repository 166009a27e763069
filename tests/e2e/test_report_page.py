"""The SLA report in the staff console, on a phone: totals, breakdowns, the server's chart, downloads."""

from __future__ import annotations

import calendar
import csv
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
import requests
from openpyxl import load_workbook
from playwright.sync_api import expect

from local.launch import wait_for

from ..workbooks import figures_of
from .helpers import DOMAIN, OPERATOR, Citizen, decide_by_api, shot, sign_in, staff_token

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": "0.1"}
SUPERVISOR = f"supervisor@{DOMAIN}"
WITA = timezone(timedelta(hours=8))


def this_month() -> tuple[str, str]:
    """The console's default period: the calendar month WITA is in."""
    today = datetime.now(WITA).date()
    last = calendar.monthrange(today.year, today.month)[1]
    return today.replace(day=1).isoformat(), today.replace(day=last).isoformat()


def report(stack, email: str, start: str, end: str, fmt: str = "json") -> requests.Response:
    return requests.get(
        f"{stack.api}/staff/reports/sla",
        params={"from": start, "to": end, "format": fmt},
        headers={"Authorization": f"Bearer {staff_token(stack, email)}"},
        timeout=10,
    )


def figures(stack, start: str, end: str) -> dict:
    response = report(stack, SUPERVISOR, start, end)
    assert response.status_code == 200, response.text
    return response.json()


def number_id(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def stage_row(data: dict, stage: str) -> dict | None:
    return next((row for row in data["by_stage"] if row["stage"] == stage), None)


def test_supervisor_reads_the_sla_report(local_stack, page):
    problems: list[str] = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    citizen = Citizen(local_stack)
    flood = citizen.submit(
        category="kebencanaan",
        subcategory="banjir",
        title="Banjir <b>di</b> Sempaja",
        description="Air setinggi lutut sejak pagi di Sempaja Selatan.",
    )
    citizen.submit(
        category="lingkungan",
        subcategory="sampah",
        title="Sampah menumpuk di Jl. Juanda",
        description="Sampah tidak diangkut selama dua minggu di depan pasar.",
    )
    decide_by_api(local_stack, OPERATOR, flood["id"], {"stage": "intake", "decision": "accept"})
    start, end = this_month()
    # The report's counters are written as things happen: wait until both cases and the decision are in.
    wait_for(
        lambda: (lambda d: d["totals"]["received"] >= 2 and (stage_row(d, "intake") or {}).get("completed"))(
            figures(local_stack, start, end)
        ),
        "the report to count the two cases and the intake decision",
    )

    sign_in(page, local_stack, SUPERVISOR)
    expect(page.locator("#nav-reports")).to_have_text("Laporan SLA")
    page.click("#nav-reports")
    expect(page.locator("#rp-result")).to_be_visible()
    expect(page.locator("#rp-period")).to_have_value("this_month")
    expect(page.locator("#rp-meta")).to_contain_text("(WITA) · dibuat")
    data = figures(local_stack, start, end)  # what the page shows is the JSON route's figures
    received = page.locator("[data-testid=rp-total-received] .rp-value")
    expect(received).to_have_text(number_id(data["totals"]["received"]))
    assert int(received.inner_text().replace(".", "")) >= 2
    answered = page.locator("[data-testid=rp-total-answered] .rp-value")
    expect(answered).to_have_text(number_id(data["totals"]["answered"]))
    expect(page.locator("[data-testid=rp-total-open]")).to_contain_text("terlambat")

    # The five breakdowns: numbers right-aligned, "–" for what cannot be measured, "%" on shares.
    for code in ("stage", "opd", "channel", "category", "month"):
        expect(page.locator(f"[data-testid=rp-table-{code}]")).to_be_visible()
    intake = page.locator("[data-testid=rp-table-stage] tr[data-key=intake]")
    expect(intake.locator("th")).to_have_text("Penerimaan pengaduan")
    cells, intake_row = intake.locator("td"), stage_row(data, "intake")
    assert intake_row is not None
    expect(cells.nth(0)).to_have_text(number_id(intake_row["completed"]))
    # SOP time and median in the report's own words ("10 menit", "2 hari kerja"), never "j"/"mnt"
    expect(cells.nth(1)).to_have_text(intake_row["sop_text"]["id"])
    expect(cells.nth(2)).to_have_text(intake_row["median_text"]["id"])
    expect(cells.nth(4)).to_have_text(re.compile(r"^(\d+(,\d)?%|–)$"))
    assert cells.nth(0).evaluate("td => getComputedStyle(td).textAlign") == "right"
    web = page.locator("[data-testid=rp-table-channel] tr[data-key=web]")
    expect(web.locator("th")).to_have_text("Situs web (warga)")
    assert int(web.locator("td").nth(0).inner_text().replace(".", "")) >= 2
    month = start[:7]
    expect(page.locator(f"[data-testid=rp-table-month] tr[data-key='{month}'] td").first).to_have_text(
        number_id(next(m for m in data["by_month"] if m["month"] == month)["received"])
    )
    # On a phone the wide tables scroll inside their box; the page itself does not scroll sideways.
    box = page.locator("[data-testid=rp-table-stage]").locator("xpath=..")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The chart: the server's SVG, imported as SVG (never as HTML), scaled to the phone.
    chart = page.locator("[data-testid=rp-chart] svg")
    expect(chart).to_be_visible()
    expect(chart).to_have_attribute("role", "img")
    expect(chart.locator("title").first).to_contain_text("Laporan SLA")
    expect(chart.locator("rect.rp-received")).to_have_count(len(data["by_month"]))
    expect(chart.locator("g.rp-stage[data-stage=intake]")).to_have_count(1)
    assert chart.evaluate("s => s.namespaceURI") == "http://www.w3.org/2000/svg"
    assert chart.bounding_box()["width"] <= 412
    shot(page, "staff-reports.png")

    # Downloads carry the token: fetched, then saved under the report's name.
    with page.expect_download() as csv_download:
        page.click("#rp-csv")
    csv_file = csv_download.value
    assert csv_file.suggested_filename == f"Laporan-SLA-Aspirasi-Kaltim-{start}_{end}.csv"
    with open(csv_file.path(), "rb") as f:
        raw = f.read()
    assert raw[:3] == b"\xef\xbb\xbf"  # UTF-8 BOM: Excel opens it with the right letters
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    totals = dict(zip(rows[0], rows[1], strict=True))
    assert int(totals["diterima/received"]) == data["totals"]["received"]
    expect(page.locator("#flash")).to_have_text(f"Laporan-SLA-Aspirasi-Kaltim-{start}_{end}.csv diunduh.")
    with page.expect_download() as xlsx_download:
        page.click("#rp-xlsx")
    assert xlsx_download.value.suggested_filename == f"Laporan-SLA-Aspirasi-Kaltim-{start}_{end}.xlsx"
    with open(xlsx_download.value.path(), "rb") as f:
        workbook = load_workbook(io.BytesIO(f.read()))  # the saved file has no .xlsx name openpyxl would want
    shown = figures_of(workbook)
    assert shown["totals"]["received"] == data["totals"]["received"]
    assert [(m["month"], m["received"]) for m in shown["by_month"]] == [
        (m["month"], m["received"]) for m in data["by_month"]
    ]

    # In English the figures and the chart follow.
    page.click("#lang-en")
    expect(page.locator("#reports-view h2").first).to_have_text("SLA report")
    expect(page.locator("[data-testid=rp-total-received] .rp-name")).to_have_text("Received")
    expect(page.locator("[data-testid=rp-chart] svg title").first).to_contain_text("SLA report")
    expect(intake.locator("th")).to_have_text("Intake")
    page.click("#lang-id")

    # A period without any case: zeros, "Belum ada data" in tables and chart.
    page.select_option("#rp-period", "custom")
    page.fill("#rp-from", "2020-01-01")
    page.fill("#rp-to", "2020-01-31")
    page.click("#rp-show")
    expect(page.locator("#rp-meta")).to_contain_text("1 – 31 Januari 2020 (WITA)")  # the server's label
    expect(received).to_have_text("0")
    # every SOP stage is listed even so (the report's by_stage has them all, at zero)
    expect(page.locator("[data-testid=rp-table-stage] tbody tr")).to_have_count(5)
    expect(page.locator("[data-testid=rp-chart] svg text", has_text="Belum ada data")).to_have_count(1)
    # A period the route refuses: its message, as the GOV.UK pattern shows errors (a summary, under the field).
    page.fill("#rp-to", "2019-12-31")
    page.click("#rp-show")
    expect(page.locator("#rp-form [data-testid=form-errors]")).to_contain_text(
        "tanggal akhir tidak boleh sebelum tanggal awal"
    )
    assert not problems, problems  # nothing the CSP refused, no script errors

    # Logging out leaves nothing of the report in the page.
    page.click("#logout")
    assert page.locator("#rp-totals").inner_html() == "" and page.locator("#rp-chart").inner_html() == ""


def test_an_operator_has_no_reports(local_stack, page):
    sign_in(page, local_stack, OPERATOR)
    expect(page.locator("#nav-new")).to_be_visible()
    expect(page.locator("#nav-reports")).to_be_hidden()
    expect(page.locator("#reports-view")).to_be_hidden()
    start, end = this_month()
    assert report(local_stack, OPERATOR, start, end).status_code == 403
    assert report(local_stack, OPERATOR, start, end, "svg").status_code == 403
