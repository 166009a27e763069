"""`make monthly-report` (the Makefile's own target) against the real local stack: the schedule fires in the
stack, the email with its workbook lands in the outbox, and the outbox serves the workbook."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import datetime
from urllib.parse import urlsplit

import pytest
import requests
from openpyxl import load_workbook

from chalicelib.domain.calendar import WITA
from chalicelib.service.monthly_report import previous_month
from local.launch import ROOT

from ..makefile import make

pytestmark = pytest.mark.e2e
SUPERVISOR = "supervisor@aspirasi.kaltimprov.go.id"


def monthly_report(local_stack, month: str | None = None, force: bool = False) -> subprocess.CompletedProcess:
    """`make monthly-report [MONTH=...] [FORCE=1]`, on this stack (its outbox's port, as OUTBOX_PORT)."""
    assignments = [f"MONTH={month}"] * bool(month) + ["FORCE=1"] * force
    port = str(urlsplit(local_stack.outbox).port)
    return make("monthly-report", *assignments, env={"OUTBOX_PORT": port}, timeout=120)


def test_make_monthly_report_sends_last_months_report_once(local_stack):
    month = previous_month(datetime.now(WITA).date())
    first = monthly_report(local_stack)
    assert first.returncode == 0, first.stderr
    assert f"Sent the SLA report of {month}" in first.stdout and SUPERVISOR in first.stdout
    (message,) = [m for m in local_stack.messages() if "Laporan SLA bulanan" in m["subject"]]
    assert message["to"] == [SUPERVISOR]
    (attached,) = message["attachments"]
    assert attached["filename"] == f"Laporan-SLA-Aspirasi-Kaltim-{month}.xlsx"
    download = requests.get(f"{local_stack.outbox}/messages/{message['id']}/{attached['filename']}", timeout=10)
    assert download.status_code == 200 and len(download.content) == attached["size"]
    assert load_workbook(io.BytesIO(download.content)).sheetnames[0] == "Ringkasan"
    assert attached["filename"] in requests.get(f"{local_stack.outbox}/", timeout=10).text  # the page links it

    again = monthly_report(local_stack, month)
    assert again.returncode == 0 and "sent already" in again.stdout
    this_month = datetime.now(WITA).strftime("%Y-%m")
    refused = monthly_report(local_stack, this_month)
    assert refused.returncode != 0 and "FORCE=1" in refused.stderr and "Error 1" in refused.stderr  # its exit 1
    preliminary = monthly_report(local_stack, this_month, force=True)
    assert preliminary.returncode == 0 and "preliminary" in preliminary.stdout
    assert len([m for m in local_stack.messages() if "Laporan SLA bulanan" in m["subject"]]) == 2


def test_without_a_running_stack_it_says_how_to_start_one():
    result = subprocess.run(
        [sys.executable, "-m", "local.monthly_report", "--outbox", "http://127.0.0.1:9"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "make run" in result.stderr
