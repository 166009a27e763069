"""The monthly report email (service/monthly_report.py): which day, which month, once, and what it says."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import holidays
import pytest
from openpyxl import load_workbook

from chalicelib.adapters.workbooks import XlsxWorkbooks
from chalicelib.config import Settings
from chalicelib.domain.calendar import month_end, office_calendar
from chalicelib.domain.durations import period_label_text
from chalicelib.rendering import render_email
from chalicelib.service import monthly_report as uc
from chalicelib.service.ports import SentEmail

from .report_sample import empty_report, sample_report


# -- the calendar ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "year, month, expected, why",
    [
        (2026, 1, date(2026, 1, 2), "1 January is New Year's Day"),
        (2026, 5, date(2026, 5, 4), "1 May (Labour Day) is a Friday, then the weekend"),
        (2026, 6, date(2026, 6, 2), "Monday 1 June is Pancasila Day"),
        (2026, 11, date(2026, 11, 2), "1 November is a Sunday"),
        (2026, 12, date(2026, 12, 1), "an ordinary Tuesday"),
    ],
)
def test_first_working_day_skips_weekends_and_indonesian_holidays(year, month, expected, why):
    assert uc.first_working_day(year, month, office_calendar()) == expected, why
    closed = holidays.country_holidays("ID", years=year)
    skipped = [date(year, month, d) for d in range(1, expected.day)]
    assert all(d in closed or d.weekday() >= 5 for d in skipped)


def test_cuti_bersama_moves_the_first_working_day():
    # Lebaran 2025: Idul Fitri on 31 March and 1 April, cuti bersama 2-7 April: offices opened on 8 April.
    lebaran = office_calendar(cuti_bersama=[date(2025, 4, d) for d in (2, 3, 4, 7)])
    assert uc.first_working_day(2025, 4, office_calendar()) == date(2025, 4, 2)
    assert uc.first_working_day(2025, 4, lebaran) == date(2025, 4, 8)


def test_office_days_ignore_the_24x7_sla_calendar():
    settings = Settings(calendar_mode="24x7", cuti_bersama=(date(2026, 1, 2),))
    assert uc.first_working_day(2026, 1, uc.office_days(settings)) == date(2026, 1, 5)


def test_months():
    assert uc.previous_month(date(2026, 1, 2)) == "2025-12"
    assert uc.previous_month(date(2026, 12, 1)) == "2026-11"
    assert uc.month_bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    assert uc.month_bounds("2025-12") == (date(2025, 12, 1), date(2025, 12, 31))
    for bad in ("2026-13", "2026-1", "26-11", "2026/11", "", None):
        with pytest.raises(ValueError):
            uc.month_bounds(bad)  # type: ignore[arg-type]  # None too: what a schedule's detail may hold


# -- the use case, on fakes --------------------------------------------------------------------
class FakeStore:
    def __init__(self):
        self.claims: set[str] = set()
        self.released: list[str] = []

    def claim_report_email(self, month: str) -> bool:
        if month in self.claims:
            return False
        self.claims.add(month)
        return True

    def release_report_email(self, month: str) -> None:
        self.claims.discard(month)
        self.released.append(month)

    def mark_report_email_sent(self, month: str) -> None:
        assert month in self.claims


class FakeNotifier:
    def __init__(self):
        self.sent: list[tuple] = []
        self.fail: Exception | None = None

    def send(self, to, template, context, attachments=()):
        if self.fail:
            raise self.fail
        self.sent.append((tuple(to), template, context, tuple(attachments)))
        return SentEmail(f"m-{len(self.sent)}", render_email(template, context).subject)


@pytest.fixture
def svc(monkeypatch):
    asked = []

    def fake_report(_svc, start, end):
        asked.append((start, end))
        figures = sample_report()
        figures["from"], figures["to"] = start.isoformat(), end.isoformat()
        # as build_report labels it: a month cut short is a month not over yet (its "today" is ``end``)
        today = end if end < month_end(end.year, end.month) else end + timedelta(days=1)
        figures["label"] = period_label_text(start, end, today)
        figures["to_date"] = end >= today
        return figures

    monkeypatch.setattr(uc, "sla_report", fake_report)
    services = SimpleNamespace(
        settings=Settings(mailboxes={"MAILBOX_SUPERVISOR": ("kasi@kaltimprov.go.id", "wakil@kaltimprov.go.id")}),
        store=FakeStore(),
        notifier=FakeNotifier(),
        workbooks=XlsxWorkbooks(),
        now=lambda: datetime(2026, 1, 1, 16, 30, tzinfo=UTC),
    )  # 2 January 00:30 WITA
    services.asked = asked
    return services


def test_on_the_first_working_day_last_months_report_goes_to_the_supervisor(svc):
    result = uc.send_monthly_report(svc)  # today from the clock: 2 January 2026 in WITA
    assert result["sent"] is True and result["month"] == "2025-12" and result["resent"] is False
    assert svc.asked == [(date(2025, 12, 1), date(2025, 12, 31))]
    ((to, template, context, attachments),) = svc.notifier.sent
    assert to == ("kasi@kaltimprov.go.id", "wakil@kaltimprov.go.id") and template == "monthly_report"
    ((filename, content_type, data),) = attachments
    assert filename == "Laporan-SLA-Aspirasi-Kaltim-2025-12.xlsx" == result["attachment"]["filename"]
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert load_workbook(io.BytesIO(data)).sheetnames[0] == "Ringkasan"
    assert context["month_id"] == "Desember 2025" and context["month_en"] == "December 2025"
    assert svc.store.claims == {"2025-12"}
    assert result["subject"] == "[Aspirasi Kaltim] Laporan SLA bulanan Desember 2025 / Monthly SLA report December 2025"


def test_once_a_month_however_often_it_runs(svc):
    assert uc.send_monthly_report(svc, today=date(2026, 1, 2))["sent"] is True
    again = uc.send_monthly_report(svc, today=date(2026, 1, 2))
    assert again == {"month": "2025-12", "sent": False, "reason": "already_sent"}
    assert len(svc.notifier.sent) == 1


def test_nothing_before_the_first_working_day(svc):
    result = uc.send_monthly_report(svc, today=date(2026, 1, 1))  # New Year's Day
    assert result == {
        "month": "2025-12",
        "sent": False,
        "reason": "before_first_working_day",
        "first_working_day": "2026-01-02",
    }
    assert svc.notifier.sent == [] and svc.store.claims == set() and svc.asked == []


@pytest.mark.parametrize("later", [date(2026, 1, 3), date(2026, 1, 5), date(2026, 1, 10)])
def test_a_month_not_sent_on_the_first_working_day_goes_out_on_a_later_run(svc, later):
    svc.notifier.fail = RuntimeError("SES down all day")
    with pytest.raises(RuntimeError):
        uc.send_monthly_report(svc, today=date(2026, 1, 2))
    svc.notifier.fail = None
    assert uc.send_monthly_report(svc, today=later)["sent"] is True
    assert uc.send_monthly_report(svc, today=later)["reason"] == "already_sent"
    assert len(svc.notifier.sent) == 1


def test_a_failed_send_releases_the_claim_and_raises(svc):
    svc.notifier.fail = RuntimeError("SES throttled")
    with pytest.raises(RuntimeError):
        uc.send_monthly_report(svc, today=date(2026, 1, 2))
    assert svc.store.claims == set() and svc.store.released == ["2025-12"]
    svc.notifier.fail = None  # the retry sends it
    assert uc.send_monthly_report(svc, today=date(2026, 1, 2))["sent"] is True


def test_a_named_month_is_sent_any_day_once_and_force_sends_it_again(svc):
    assert uc.send_monthly_report(svc, today=date(2026, 1, 20), month="2025-11")["sent"] is True
    assert uc.send_monthly_report(svc, today=date(2026, 1, 20), month="2025-11")["reason"] == "already_sent"
    forced = uc.send_monthly_report(svc, today=date(2026, 1, 20), month="2025-11", force=True)
    assert forced["sent"] is True and forced["resent"] is True
    assert len(svc.notifier.sent) == 2


def test_a_failed_forced_resend_keeps_the_earlier_claim(svc):
    uc.send_monthly_report(svc, today=date(2026, 1, 2))
    svc.notifier.fail = RuntimeError("SES down")
    with pytest.raises(RuntimeError):
        uc.send_monthly_report(svc, today=date(2026, 1, 5), month="2025-12", force=True)
    assert svc.store.claims == {"2025-12"} and svc.store.released == []


def test_force_without_a_month_sends_last_month_on_any_day(svc):
    result = uc.send_monthly_report(svc, today=date(2026, 1, 7), force=True)
    assert result["sent"] is True and result["month"] == "2025-12"


@pytest.mark.parametrize("month", ["2026-01", "2026-02"])
def test_a_month_that_is_not_over_is_refused(svc, month):
    with pytest.raises(uc.MonthNotOver):
        uc.send_monthly_report(svc, today=date(2026, 1, 31), month=month)
    assert svc.store.claims == set() and svc.notifier.sent == []


def test_a_month_not_begun_is_refused_even_forced(svc):
    with pytest.raises(uc.MonthNotOver):
        uc.send_monthly_report(svc, today=date(2026, 1, 31), month="2026-02", force=True)


def test_forced_a_month_not_over_goes_out_as_a_preliminary_report_that_claims_nothing(svc):
    result = uc.send_monthly_report(svc, today=date(2026, 1, 20), month="2026-01", force=True)
    assert result["sent"] is True and result["preliminary"] is True and result["resent"] is False
    assert svc.asked == [(date(2026, 1, 1), date(2026, 1, 20))]  # the figures so far
    assert svc.store.claims == set()  # the real report still goes out on the first working day
    # named by the days it has had, not as the whole month
    assert result["subject"] == (
        "[Aspirasi Kaltim] Laporan SLA bulanan 1 – 20 Januari 2026 (berjalan, s.d. hari ini)"
        " / Monthly SLA report 1 – 20 January 2026 (to date)"
    )
    ((_, _, context, _),) = svc.notifier.sent
    assert context["preliminary"] is True
    assert "LAPORAN SEMENTARA" in render_email("monthly_report", context).text
    assert uc.send_monthly_report(svc, today=date(2026, 2, 2))["sent"] is True


# -- the email ---------------------------------------------------------------------------------
def test_the_email_gives_the_totals_and_the_stages_in_indonesian_and_english():
    figures = sample_report()
    email = render_email("monthly_report", uc.email_context(figures, "2026-11", "L.xlsx", "https://a.test/staff"))
    assert email.subject == "[Aspirasi Kaltim] Laporan SLA bulanan November 2026 / Monthly SLA report November 2026"
    for text in (email.text, email.html):
        assert "Laporan diterima" in text and "Cases received" in text
        assert "85 (85,0%)" in text  # answered within the SOP, the Indonesian way
        assert "Tanggapan OPD" in text and "Agency response" in text
        assert "2 hari kerja 3 jam kerja" in text  # the agency's p90, 1,120.5 business minutes, in working days
        assert "1 September – 30 November 2026" in text  # the period, as its label says it
        assert "L.xlsx" in text and "https://a.test/staff" in text
    assert "85 (85.0%)" in email.text and "2 working days 3 working hours" in email.text  # the English way
    lines = email.text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("Klasifikasi"))
    assert lines[at].strip() == "Klasifikasi (SOP 2 jam kerja)"
    assert lines[at + 1].strip() == "selesai 112; median 35 menit; P90 2 jam kerja 20 menit; sesuai SOP 88,4%;"
    assert lines[at + 2].strip() == "melewati SOP 13; pengingat 4; eskalasi 1"
    for abbreviation in (" j ", " mnt", " h ", " min "):
        assert abbreviation not in email.text and abbreviation not in email.html


@pytest.mark.parametrize(
    "minutes, id_, en",
    [
        (None, "\u2013", "\u2013"),
        (0, "0 menit", "0 minutes"),
        (8.0, "8 menit", "8 minutes"),
        (35.2, "35 menit", "35 minutes"),
        (120, "2 jam kerja", "2 working hours"),
        (410.0, "6 jam kerja 50 menit", "6 working hours 50 minutes"),
        (59.6, "1 jam kerja", "1 working hour"),
        (960, "2 hari kerja", "2 working days"),  # the agency's SOP time, not "16 j"
        (1120.5, "2 hari kerja 3 jam kerja", "2 working days 3 working hours"),
        (96000, "200 hari kerja", "200 working days"),
    ],
)
def test_office_time_is_written_as_the_report_writes_it(minutes, id_, en):
    assert uc._duration(minutes, "id") == id_ and uc._duration(minutes, "en") == en


def test_an_empty_month_reads_sensibly():
    email = render_email(
        "monthly_report", uc.email_context(empty_report(), "2026-11", "L.xlsx", "https://a.test/staff")
    )
    assert "0 (–)" in email.html
    assert "0 (\u2013)" in email.text  # answered within the SOP: nothing to divide


def test_the_email_escapes_what_it_shows():
    figures = sample_report()
    figures["by_stage"][0]["label"] = {"id": "<script>alert(1)</script>", "en": "<b>x</b>"}
    email = render_email("monthly_report", uc.email_context(figures, "2026-11", "a<b>.xlsx", "https://a.test/staff"))
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "<b>x</b>" not in email.html and "a&lt;b&gt;.xlsx" in email.html
    assert "\n" not in email.subject


# -- the SES adapter's attachments ---------------------------------------------------------------
def test_ses_sends_files_as_multipart_mixed_after_the_text_and_html():
    import email
    from email import policy

    from chalicelib.adapters.ses import SesNotifier

    sent = []
    notifier = SesNotifier("Aspirasi Kaltim <noreply@aspirasi.kaltimprov.go.id>", "ap-southeast-3")

    def send_raw_email(**kwargs):
        sent.append(kwargs)
        return {"MessageId": "m-1"}

    notifier.__dict__["_client"] = SimpleNamespace(send_raw_email=send_raw_email)
    context = uc.email_context(sample_report(), "2026-11", "L.xlsx", "https://a.test/staff")
    data = b"PK\x03\x04" + bytes(range(256)) * 4
    result = notifier.send(
        ["kasi@kaltimprov.go.id"],
        "monthly_report",
        context,
        attachments=[("Laporan-SLA-Aspirasi-Kaltim-2026-11.xlsx", uc.XLSX_CONTENT_TYPE, data)],
    )
    assert result.message_id == "m-1"
    message = email.message_from_bytes(sent[0]["RawMessage"]["Data"], policy=policy.default)
    assert message.get_content_type() == "multipart/mixed"
    assert "Laporan diterima" in message.get_body(("plain",)).get_content()
    assert "<table" in message.get_body(("html",)).get_content()
    (part,) = message.iter_attachments()
    assert part.get_filename() == "Laporan-SLA-Aspirasi-Kaltim-2026-11.xlsx"
    assert part.get_content_type() == uc.XLSX_CONTENT_TYPE and part.get_payload(decode=True) == data

    notifier.send(["kasi@kaltimprov.go.id"], "monthly_report", context)  # without files: as before
    plain = email.message_from_bytes(sent[1]["RawMessage"]["Data"], policy=policy.default)
    assert plain.get_content_type() == "multipart/alternative" and list(plain.iter_attachments()) == []
