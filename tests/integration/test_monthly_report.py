"""The monthly SLA report email on moto: on the first working day of January 2026 (1 January is a
public holiday, so the 2nd), December's report goes to the supervisor once, with the workbook whose
figures are ``sla_report``'s."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import holidays
import pytest
from botocore.exceptions import ClientError
from openpyxl import load_workbook
from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.spreadsheet import BREAKDOWNS, TOTALS
from chalicelib.adapters.tables import ReportModel
from chalicelib.domain.roles import StaffMember
from chalicelib.domain.timestamps import utcnow
from chalicelib.service.complaints import Citizen, enter_complaint, submit_complaint
from chalicelib.service.monthly_report import send_monthly_report
from chalicelib.service.reports import sla_report
from local.outbox import attachment
from local.schedules import scheduled_event

from ..workbooks import figures_of

pytestmark = pytest.mark.integration

UTC = UTC
SUPERVISOR = "supervisor@aspirasi.kaltimprov.go.id"
OPERATOR = "operator@aspirasi.kaltimprov.go.id"
DISKOMINFO = "diskominfo@aspirasi.kaltimprov.go.id"
CITIZEN = Citizen(id="citizen-m", email="warga-m@example.id", name="Dewi")
HEALTH = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
}
ROADS = {
    "category": "perhubungan",
    "subcategory": "lalu-lintas",
    "title": "Lampu lalu lintas mati",
    "description": "Lampu di simpang Lembuswana mati sejak kemarin.",
}
DECEMBER = (date(2025, 12, 1), date(2025, 12, 31))
FILENAME = "Laporan-SLA-Aspirasi-Kaltim-2025-12.xlsx"


def test_the_dates_are_what_the_calendar_says():
    closed = holidays.country_holidays("ID", years=2026)
    assert date(2026, 1, 1) in closed and date(2026, 1, 2) not in closed and date(2026, 1, 2).weekday() == 4
    assert date(2026, 1, 3).weekday() == 5  # the next working day after the 2nd is Monday the 5th


def set_clock(stack, moment: datetime) -> None:
    """From now on the system lives at ``moment`` (time still passes: timers keep working)."""
    offset = moment - utcnow()
    stack.svc.now = lambda: utcnow() + offset


@pytest.fixture
def december(stack):
    """Three cases received on Monday 15 December 2025 around 10:00 WITA; one answered (information)."""
    set_clock(stack, datetime(2025, 12, 15, 2, 0, tzinfo=UTC))
    cid = submit_complaint(stack.svc, CITIZEN, HEALTH)[0]["id"]
    stack.waiting_at(cid, "intake")  # the teams act through the newest link they got: one case at a time
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "information"})
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": "Jadwal puskesmas ada di situs Dinkes."})
    stack.run_until(lambda: stack.complaint(cid).answered_at, what="the answer")
    submit_complaint(stack.svc, CITIZEN, ROADS)
    enter_complaint(
        stack.svc,
        StaffMember(OPERATOR, frozenset({"operator"})),
        {**ROADS, "channel": "phone", "reporter": {"name": "Pak Budi", "phone": "0812-3456-7890"}},
    )
    stack.pump()
    return stack


def reports_sent(stack) -> list[dict]:
    return [m for m in stack.emails_to(SUPERVISOR) if "Laporan SLA bulanan" in m["subject"]]


def without_labels(figures: dict) -> dict:
    return {
        "totals": {field: figures["totals"][field] for field, *_ in TOTALS},
        **{
            b.section: [
                {k: v for k, v in row.items() if k != "label" and not k.endswith("_text")} for row in figures[b.section]
            ]
            for b in BREAKDOWNS
        },
    }


def test_on_the_first_working_day_the_supervisor_gets_decembers_report_once(december):
    stack = december
    set_clock(stack, datetime(2026, 1, 2, 0, 0, 5, tzinfo=UTC))  # Friday 2 January 2026, 08:00 WITA
    result = send_monthly_report(stack.svc)
    assert result["sent"] is True and result["month"] == "2025-12"

    (message,) = reports_sent(stack)
    assert message["to"] == [SUPERVISOR]
    assert message["subject"] == (
        "[Aspirasi Kaltim] Laporan SLA bulanan Desember 2025 / Monthly SLA report December 2025"
    )
    assert message["attachments"] == [
        {
            "filename": FILENAME,
            "size": result["attachment"]["size"],
            "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    ]
    attached = attachment(stack.region, message["id"], FILENAME)
    assert attached is not None
    workbook = load_workbook(io.BytesIO(attached))
    assert workbook.sheetnames == ["Ringkasan", "Per tahap", "Per OPD", "Per kanal", "Per kategori", "Per bulan"]
    expected = sla_report(stack.svc, *DECEMBER)
    assert figures_of(workbook) == without_labels(expected)
    assert expected["totals"]["received"] == 3 and expected["totals"]["answered"] == 1
    assert {row["channel"]: row["received"] for row in expected["by_channel"]} == {"web": 2, "phone": 1}
    # every SOP stage, those in which nothing was completed at zero
    assert [row["stage"] for row in expected["by_stage"]] == [
        "intake",
        "classification",
        "opd_response",
        "review",
        "reply",
    ]
    assert [row["completed"] > 0 for row in expected["by_stage"]] == [True, True, False, False, True]
    assert expected["label"] == {"id": "1 – 31 Desember 2025", "en": "1 – 31 December 2025"}
    assert "periode 1 – 31 Desember 2025" in message["text"]
    assert "2 hari kerja" in message["text"] and "2 working days" in message["text"]  # the agency's SOP time
    # The email itself: the totals and the stages, Indonesian then English.
    assert (
        "Laporan diterima               3" in message["text"] and "Cases received                 3" in message["text"]
    )
    assert "Klasifikasi" in message["html"] and "Balasan kepada pelapor" in message["html"]

    # The schedule fires again, or Lambda retries: nothing more.
    again = send_monthly_report(stack.svc)
    assert again == {"month": "2025-12", "sent": False, "reason": "already_sent"}
    assert stack.app.monthly_report(scheduled_event("monthly_report", stack.region), None)["reason"] == "already_sent"
    assert len(reports_sent(stack)) == 1


def test_before_the_first_working_day_nothing_is_sent(december):
    result = send_monthly_report(december.svc, today=date(2026, 1, 1))
    assert result == {
        "month": "2025-12",
        "sent": False,
        "reason": "before_first_working_day",
        "first_working_day": "2026-01-02",
    }
    assert reports_sent(december) == []
    with pytest.raises(DoesNotExist):  # and the month is not claimed
        ReportModel.get("emails", "monthly#2025-12")


def test_the_scheduled_function_decides_by_the_wita_day(stack):
    set_clock(stack, datetime(2025, 12, 31, 23, 59, tzinfo=UTC))  # 1 January 2026, 07:59 WITA: a holiday
    fired = stack.app.monthly_report(scheduled_event("monthly_report", stack.region), None)
    assert fired["reason"] == "before_first_working_day"
    set_clock(stack, datetime(2026, 1, 2, 0, 0, tzinfo=UTC))  # 2 January, 08:00 WITA
    fired = stack.app.monthly_report(scheduled_event("monthly_report", stack.region), None)
    assert fired["sent"] is True and fired["month"] == "2025-12"  # an empty month is reported too
    (message,) = reports_sent(stack)
    assert message["attachments"][0]["filename"] == FILENAME
    # An operator re-sends it by hand (docs/operations.md): the event's detail names the month.
    resent = stack.app.monthly_report(
        scheduled_event("monthly_report", stack.region, {"month": "2025-12", "force": True}), None
    )
    assert resent["sent"] is True and resent["resent"] is True and len(reports_sent(stack)) == 2


def test_when_ses_fails_the_claim_is_released_and_the_retry_sends(december, monkeypatch):
    stack = december
    client = stack.svc.notifier._client
    real = client.send_raw_email

    def throttled(**kwargs):
        raise ClientError({"Error": {"Code": "Throttling", "Message": "injected"}}, "SendRawEmail")

    monkeypatch.setattr(client, "send_raw_email", throttled)
    with pytest.raises(ClientError):
        send_monthly_report(stack.svc, today=date(2026, 1, 2))
    with pytest.raises(DoesNotExist):
        ReportModel.get("emails", "monthly#2025-12")
    assert reports_sent(stack) == []

    monkeypatch.setattr(client, "send_raw_email", real)  # SES is back; Lambda retries the invocation
    assert send_monthly_report(stack.svc, today=date(2026, 1, 2))["sent"] is True
    assert ReportModel.get("emails", "monthly#2025-12").claimed_at
    assert len(reports_sent(stack)) == 1


def test_a_run_that_died_between_claiming_and_sending_is_made_good_by_a_later_run(december):
    store = december.svc.store
    assert store.claim_report_email("2025-12")  # a run claimed the month, then timed out before SES
    assert send_monthly_report(december.svc, today=date(2026, 1, 5))["reason"] == "already_sent"  # may be sending
    ReportModel("emails", "monthly#2025-12").update(  # the claim's lease (15 minutes) has run out
        actions=[ReportModel.claimed_at.set("2026-01-02T00:00:05+00:00")]
    )
    assert send_monthly_report(december.svc, today=date(2026, 1, 5))["sent"] is True
    assert ReportModel.get("emails", "monthly#2025-12").sent_at
    assert send_monthly_report(december.svc, today=date(2026, 1, 6))["reason"] == "already_sent"
    assert len(reports_sent(december)) == 1
