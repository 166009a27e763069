"""The monthly SLA report by email: on the first working day of a month, last month's report goes
to the supervisor's mailbox, as a summary in the email and the whole workbook attached.

The schedule (app.py, ``monthly_report``) fires every morning of days 1-10 of a month; this use case
decides whether today is the first working day, in WITA, on the office calendar with Indonesia's
public holidays and the configured cuti bersama, whatever ``SLA_CALENDAR`` says (a demo may run its
SOP clocks around the clock; the office still opens on working days). A month's email is claimed
before it is sent (``Store.claim_report_email``), so a schedule that fires again or a Lambda retry
sends nothing more; when SES fails, the claim is released and the error raised (Lambda retries it,
and the function's error alarm tells ops).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from ..config import Settings
from ..domain import report as report_domain
from ..domain.calendar import MONTHS_EN, MONTHS_ID, WITA, OfficeHours, month_end, office_calendar
from ..domain.durations import DASH, OFFICE_DAY_MINUTES, working_time
from ..domain.report import XLSX_CONTENT_TYPE, period_text
from ..domain.sop import Role
from ..rendering import format_number
from .container import Services
from .ports import Workbooks
from .reports import sla_report

log = logging.getLogger(__name__)

TEMPLATE = "monthly_report"
FILENAME = "Laporan-SLA-Aspirasi-Kaltim-{month}.xlsx"


class MonthNotOver(ValueError):
    """A month's report is sent once the month is over (a partial one would use up its claim)."""


# -- the calendar ------------------------------------------------------------------------------
def office_days(settings: Settings) -> OfficeHours:
    """The office calendar (working weekdays, Indonesian public holidays, cuti bersama), even under 24x7."""
    opens, closes = settings.office_hours
    return office_calendar(opens, closes, settings.office_days, settings.cuti_bersama)


def first_working_day(year: int, month: int, calendar: OfficeHours) -> date | None:
    """The day the office first opens in the month (None if it never does)."""
    day = calendar.next_opening(datetime.combine(date(year, month, 1), time(0), WITA)).date()
    return day if day.month == month else None


def previous_month(day: date) -> str:
    last = day.replace(day=1) - timedelta(days=1)
    return f"{last.year:04d}-{last.month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """'2026-11' -> (2026-11-01, 2026-11-30); ValueError for anything else."""
    if not isinstance(month, str) or len(month) != 7 or month[4] != "-":
        raise ValueError(f"month must look like 2026-11, not {month!r}")
    first = date.fromisoformat(f"{month}-01")
    return first, month_end(first.year, first.month)


# -- the email ---------------------------------------------------------------------------------


def _number(value, decimals: int = 0, lang: str = "id") -> str:
    """1.234 and 85,0 in Indonesian, 1,234 and 85.0 in English; a dash for nothing."""
    return DASH if value is None else format_number(value, decimals, lang)


def _percent(value, lang: str = "id") -> str:
    return DASH if value is None else f"{_number(value, 1, lang)}%"


def _duration(minutes, lang: str = "id", day_minutes: float = OFFICE_DAY_MINUTES) -> str:
    """Office time in words, as the report says it: '2 hari kerja', '3 jam kerja 20 menit', '45 menit'."""
    return working_time(minutes, day_minutes, lang)


def _totals(totals: dict, lang: str) -> list[str]:
    """The summary's values, in the order of ``TOTAL_LABELS``."""
    rating = totals.get("rating_average")
    within_sop = _number(totals.get("answered_within_sop"), 0, lang)
    within = f"{within_sop} ({_percent(totals.get('answered_within_sop_pct'), lang)})"
    ratings = f"{_number(totals.get('ratings'), 0, lang)} {'penilaian' if lang == 'id' else 'ratings'}"
    return [
        _number(totals.get("received"), 0, lang),
        _number(totals.get("answered"), 0, lang),
        within,
        _number(totals.get("closed"), 0, lang),
        _number(totals.get("open"), 0, lang),
        _number(totals.get("overdue_open"), 0, lang),
        f"{_number(totals.get('reminders'), 0, lang)} / {_number(totals.get('escalations'), 0, lang)}",
        DASH if rating is None else f"{_number(rating, 1, lang)} ({ratings})",
    ]


TOTAL_LABELS = (
    ("Laporan diterima", "Cases received"),
    ("Laporan dijawab", "Cases answered"),
    ("Dijawab sesuai SOP", "Answered within the SOP"),
    ("Laporan ditutup", "Cases closed"),
    ("Masih terbuka", "Still open"),
    ("Terbuka dan terlambat", "Open and overdue"),
    ("Pengingat / eskalasi", "Reminders / escalations"),
    ("Rata-rata nilai warga (1-5)", "Average citizen rating (1-5)"),
)


def _stage_figures(row: dict, lang: str, day_minutes: float) -> dict:
    return {
        "sop": _duration(row.get("sop_business_minutes"), lang, day_minutes),
        "completed": _number(row.get("completed"), 0, lang),
        "median": _duration(row.get("median_business_minutes"), lang, day_minutes),
        "p90": _duration(row.get("p90_business_minutes"), lang, day_minutes),
        "within": _percent(row.get("within_sop_pct"), lang),
        "breached": _number(row.get("breached"), 0, lang),
        "reminders": _number(row.get("reminders"), 0, lang),
        "escalations": _number(row.get("escalations"), 0, lang),
    }


def email_context(figures: dict, month: str, filename: str, console_url: str, preliminary: bool = False) -> dict:
    """What the ``monthly_report`` templates show, every figure written out in each language.

    A month not over (``preliminary``, or figures ``to_date``) is named by the days it has had, as the
    report's label says ("1 – 7 Desember 2026 (berjalan, s.d. hari ini)"), never as the whole month."""
    first, _ = month_bounds(month)
    totals = figures.get("totals") or {}
    values_id, values_en = _totals(totals, "id"), _totals(totals, "en")
    day_minutes = figures.get("working_day_business_minutes") or OFFICE_DAY_MINUTES
    to_date = preliminary or bool(figures.get("to_date"))
    return {
        "month": month,
        # a month not over is named by the days it has had ("1 – 7 Desember 2026 (berjalan, s.d. hari ini)")
        "month_id": period_text(figures, "id") if to_date else f"{MONTHS_ID[first.month - 1]} {first.year}",
        "month_en": period_text(figures, "en") if to_date else f"{MONTHS_EN[first.month - 1]} {first.year}",
        "period": period_text(figures, "id"),
        "period_en": period_text(figures, "en"),
        "to_date": to_date,
        "day_hours": _number(day_minutes / 60, 0 if float(day_minutes / 60).is_integer() else 1, "id"),
        "day_hours_en": _number(day_minutes / 60, 0 if float(day_minutes / 60).is_integer() else 1, "en"),
        "filename": filename,
        "console_url": console_url,
        "generated_at": figures.get("generated_at"),
        "preliminary": preliminary,  # a month not over yet, sent by hand (force): the figures so far
        "totals": [
            {"name_id": name_id, "name_en": name_en, "id": value_id, "en": value_en}
            for (name_id, name_en), value_id, value_en in zip(TOTAL_LABELS, values_id, values_en, strict=True)
        ],
        "stages": [
            {
                "name_id": (row.get("label") or {}).get("id") or row.get("stage"),
                "name_en": (row.get("label") or {}).get("en") or row.get("stage"),
                "id": _stage_figures(row, "id", day_minutes),
                "en": _stage_figures(row, "en", day_minutes),
            }
            for row in figures.get("by_stage") or []
        ],
    }


# -- the use case ------------------------------------------------------------------------------
def _workbooks(svc: Services) -> Workbooks:
    if svc.workbooks is None:
        raise RuntimeError("no workbook renderer (Services.workbooks) to attach the report with")
    return svc.workbooks


def send_monthly_report(
    svc: Services, today: date | None = None, month: str | None = None, force: bool = False
) -> dict:
    """Email last month's SLA report to the supervisor's mailbox, once per month.

    - ``today``: the day in WITA (default: now). Without ``month``, nothing is sent before the first
      working day of today's month; from then on the previous month's report goes out once (a run
      that failed on the first working day is made good by the next day's run).
    - ``month`` (``YYYY-MM``): that month's report, whatever day it is, once. A month that is not
      over yet is refused (``MonthNotOver``): its report would use up the month's one email.
    - ``force``: send even if the month's report was sent already (and, without ``month``, even if
      today is not the first working day). Forced, a month that is not over is sent as a
      *preliminary* report up to today, without claiming the month: the real one still goes out.

    Returns what happened: ``{"month", "sent": bool, "reason"?, "to"?, "subject"?, "message_id"?,
    "resent"?, "preliminary"?, "attachment"?: {"filename", "size"}, "totals"?}``.
    """
    today = today or report_domain.local_day(svc.now())
    if month is None:
        month = previous_month(today)
        first = first_working_day(today.year, today.month, office_days(svc.settings))
        if (first is None or today < first) and not force:
            log.info("monthly report: %s is before the first working day of its month (%s)", today, first)
            return {
                "month": month,
                "sent": False,
                "reason": "before_first_working_day",
                "first_working_day": first.isoformat() if first else None,
            }
    start, end = month_bounds(month)
    preliminary = end >= today
    if start > today or (preliminary and not force):
        raise MonthNotOver(f"the month {month} is not over on {today.isoformat()}")

    # Read and render first, claim last: the claim is held only while SES is asked, so a run that dies
    # (a timeout, a crash) rarely leaves a month claimed but unsent.
    figures = sla_report(svc, start, min(end, today))
    workbook = _workbooks(svc).xlsx(figures)
    filename = FILENAME.format(month=month)
    claimed = False if preliminary else svc.store.claim_report_email(month)
    if not claimed and not force:
        log.info("monthly report of %s was sent already", month)
        return {"month": month, "sent": False, "reason": "already_sent"}
    to = svc.settings.mailbox(Role.SUPERVISOR)
    context = email_context(figures, month, filename, f"{svc.settings.public_base_url}/staff", preliminary)
    try:
        sent = svc.notifier.send(to, TEMPLATE, context, attachments=[(filename, XLSX_CONTENT_TYPE, workbook)])
    except Exception:
        if claimed:  # nothing went out: the next run (or a retry) may send it
            svc.store.release_report_email(month)
        raise
    if claimed:
        svc.store.mark_report_email_sent(month)  # were this lost, a later run would send the month again
    log.info("monthly report of %s sent to %s", month, ", ".join(to))
    return {
        "month": month,
        "sent": True,
        "resent": not claimed and not preliminary,
        "preliminary": preliminary,
        "to": list(to),
        "subject": sent.subject,
        "message_id": sent.message_id,
        "attachment": {"filename": filename, "size": len(workbook)},
        "totals": figures.get("totals"),
    }
