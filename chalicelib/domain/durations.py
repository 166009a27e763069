"""Working time as a person reads it, and report periods as they honestly are.

One wording everywhere a duration or an SOP time is shown (the SLA report's JSON, workbook and
charts, the monthly report email, the emails that name a stage's SOP time): "2 hari kerja",
"3 jam kerja 20 menit", "45 menit" / "2 working days", "3 working hours 20 minutes", "45 minutes".
No abbreviations ("j", "m", "mnt"): a leader reads "16 j" as sixteen hours, not as the agency's
two working days.

Pure: no clock, no I/O. A "working day" is the office day of the calendar in use (8 office hours
by default; a 24x7 demo calendar's day is 24 hours), so the SOP's "2 hari kerja" reads back as
2 working days whatever the office hours are.
"""

from __future__ import annotations

import math
from datetime import date

from .calendar import MONTHS_EN, MONTHS_ID

OFFICE_DAY_MINUTES = 8 * 60  # 08:00-16:00, the office day of calendar.OfficeHours() by default
DASH = "\u2013"  # nothing to show: no duration measured, no ratio with nothing to divide


def _unit(n: int, lang: str, id_word: str, en_one: str, en_many: str) -> str:
    return f"{n} {id_word}" if lang == "id" else f"{n} {en_one if n == 1 else en_many}"


def working_time(minutes: float | None, day_minutes: float = OFFICE_DAY_MINUTES, lang: str = "id") -> str:
    """Business minutes in words: at most two units, the largest first.

    - ``None`` -> "–" (nothing measured); 0 -> "0 menit"; under a minute -> "kurang dari 1 menit".
    - Under an hour: whole minutes ("45 menit"). Under a working day: working hours and minutes
      ("3 jam kerja 20 menit", "2 jam kerja"). From a working day on: working days and working
      hours, rounded to the hour ("2 hari kerja", "1 hari kerja 4 jam kerja").
    - Negative (past a deadline): "terlambat 3 jam kerja" / "3 working hours overdue".
    """
    lang = "en" if lang == "en" else "id"
    if minutes is None:
        return DASH
    if minutes < 0:
        text = working_time(-minutes, day_minutes, lang)
        return f"terlambat {text}" if lang == "id" else f"{text} overdue"
    if 0 < minutes < 0.5:
        return "kurang dari 1 menit" if lang == "id" else "less than 1 minute"
    whole = math.floor(minutes + 0.5)  # half up, as people round (4,5 menit -> 5 menit)
    day = day_minutes if day_minutes and day_minutes > 0 else OFFICE_DAY_MINUTES
    if whole >= day:
        days = int(minutes // day)
        hours = round((minutes - days * day) / 60)
        if hours * 60 >= day:  # the rest rounds up to a whole day
            days, hours = days + 1, 0
        text = _unit(days, lang, "hari kerja", "working day", "working days")
        return text + (" " + _unit(hours, lang, "jam kerja", "working hour", "working hours") if hours else "")
    if whole < 60:
        return _unit(whole, lang, "menit", "minute", "minutes")
    hours, rest = divmod(whole, 60)
    text = _unit(hours, lang, "jam kerja", "working hour", "working hours")
    return text + (" " + _unit(rest, lang, "menit", "minute", "minutes") if rest else "")


def working_time_text(minutes: float | None, day_minutes: float = OFFICE_DAY_MINUTES) -> dict[str, str]:
    """``working_time`` in both languages, as the JSON carries it beside the number: ``{id, en}``."""
    return {lang: working_time(minutes, day_minutes, lang) for lang in ("id", "en")}


# -- periods ----------------------------------------------------------------------------------------
def _day(day: date, lang: str, year: bool = True, month: bool = True) -> str:
    months = MONTHS_ID if lang == "id" else MONTHS_EN
    text = str(day.day)
    if month:
        text += f" {months[day.month - 1]}"
    if year:
        text += f" {day.year}"
    return text


def _span(start: date, end: date, lang: str) -> str:
    """'7 Desember 2026', '1 – 7 Desember 2026', '1 November – 7 Desember 2026', '1 Desember 2026 – 7 Januari 2027'."""
    if start == end:
        return _day(end, lang)
    if start.year != end.year:
        return f"{_day(start, lang)} {DASH} {_day(end, lang)}"
    same_month = start.month == end.month
    return f"{_day(start, lang, year=False, month=not same_month)} {DASH} {_day(end, lang)}"


def period_label(start: date, end: date, today: date, lang: str = "id") -> str:
    """The period a report covers, as it is: one that has not ended (``end`` today or later) is
    shown up to today and says so — "1 – 7 Desember 2026 (berjalan, s.d. hari ini)" /
    "1 – 7 December 2026 (to date)" — never as the whole month it will be."""
    lang = "en" if lang == "en" else "id"
    if end < today or start > today:
        return _span(start, end, lang)
    text = _span(start, today, lang)
    return f"{text} (berjalan, s.d. hari ini)" if lang == "id" else f"{text} (to date)"


def period_label_text(start: date, end: date, today: date) -> dict[str, str]:
    """``period_label`` in both languages: ``{id, en}``."""
    return {lang: period_label(start, end, today, lang) for lang in ("id", "en")}
