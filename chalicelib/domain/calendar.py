"""Business time in WITA: office hours, weekends, Indonesian holidays, cuti bersama.

Pure: no clock, no I/O. Moments are aware datetimes; durations are timedeltas
of *business* time. ``add`` and ``between`` are inverse to each other, which
the property tests check.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Protocol

# WITA (Asia/Makassar) has had no daylight saving since 1945: a fixed offset is exact.
WITA = timezone(timedelta(hours=8), "WITA")
MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)


def months_between(start: date, end: date) -> list[str]:
    """Every month from ``start``'s to ``end``'s, oldest first, as ``YYYY-MM``."""
    out, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = year + (month == 12), month % 12 + 1
    return out


class Calendar(Protocol):
    def add(self, start: datetime, duration: timedelta) -> datetime: ...

    def between(self, start: datetime, end: datetime) -> timedelta: ...

    def working_day(self) -> timedelta:
        """The business length of one working day."""
        ...


class AlwaysOpen:
    """``SLA_CALENDAR=24x7``: every moment counts, no holidays."""

    def add(self, start: datetime, duration: timedelta) -> datetime:
        return start + duration

    def between(self, start: datetime, end: datetime) -> timedelta:
        return end - start

    def working_day(self) -> timedelta:
        return timedelta(days=1)


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    import holidays  # on first use: ~25 ms a cold start need not pay (docs/performance.md)

    return frozenset(holidays.country_holidays("ID", years=year).keys())


@dataclass(frozen=True)
class OfficeHours:
    """Office hours on working days, in WITA."""

    opens: time = time(8, 0)
    closes: time = time(16, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday=0
    extra_closed: frozenset[date] = field(default_factory=frozenset)  # cuti bersama

    def __post_init__(self):
        if not self.opens < self.closes:
            raise ValueError("office must open before it closes")
        if not self.workdays:
            raise ValueError("at least one working day is needed")

    # -- days ---------------------------------------------------------------
    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.extra_closed and day not in _public_holidays(day.year)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (datetime.combine(day, self.opens, WITA), datetime.combine(day, self.closes, WITA))

    def _next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def next_opening(self, moment: datetime) -> datetime:
        """``moment`` if the office is open then, else when it next opens."""
        local = moment.astimezone(WITA)
        day = local.date()
        if self.is_working_day(day):
            opens, closes = self._window(day)
            if local < opens:
                return opens
            if local < closes:
                return local
        return self._window(self._next_working_day(day))[0]

    def working_day(self) -> timedelta:
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    # -- arithmetic -----------------------------------------------------------
    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment ``duration`` of office time after ``start``.

        A clock that starts outside office hours starts at the next opening;
        a duration that ends exactly at closing time ends then (not the next morning).
        """
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        current = self.next_opening(start)
        remaining = duration
        while True:
            closes = self._window(current.date())[1]
            available = closes - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self._window(self._next_working_day(current.date()))[0]

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Office time from ``start`` to ``end`` (negative if ``end`` is earlier)."""
        if end < start:
            return -self.between(end, start)
        start, end = start.astimezone(WITA), end.astimezone(WITA)
        total = timedelta(0)
        day = start.date()
        while day <= end.date():
            if self.is_working_day(day):
                opens, closes = self._window(day)
                lo, hi = max(opens, start), min(closes, end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total


def office_calendar(
    opens: time = time(8, 0),
    closes: time = time(16, 0),
    workdays: Iterable[int] = range(5),
    cuti_bersama: Iterable[date] = (),
) -> OfficeHours:
    return OfficeHours(opens, closes, frozenset(workdays), frozenset(cuti_bersama))
