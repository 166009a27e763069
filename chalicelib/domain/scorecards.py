"""The agencies' public scorecards (``GET /public/agencies``): per agency, from the SLA report's running totals.

The figures come from the ``opd#<CODE>`` rows of the report's *month* partitions (domain/report.py), so a
period is whole months: one item per agency and month, whatever the number of complaints. A month not
over yet is read from its month item too, which holds everything so far; that is why ``to`` may also be
today or a later day of the current month.

Per agency:
- ``received``: the cases routed to it (``c_routed``: classification's aspiration decision, a routing
  again after a reopening or after another agency said "not our authority"; each routing counts once);
- ``answered``: the cases whose first answer to the citizen was the agency's (``c_answered``);
- ``answered_within_sop_pct`` and ``median_business_minutes_to_answer``: the agency's *own* stage
  visits ("Tanggapan OPD": ``v_met``, ``v_breached`` and the visit histogram), each against the
  stage's SOP time (2 working days). Not the case-level figures (the whole SOP from the complaint's
  arrival): those include the time at intake, classification, review and reply, which Diskominfo and
  the operators spend and the agency cannot speed up, so they would rank an agency by another team's
  work. Every visit counts, also one that ended "not our authority" or came again after a review
  returned the response: each is work the agency was given a time for;
- ``average_rating`` and ``ratings``: the citizens' ratings of the answers the agency gave.

Pure: no clock (``today`` is given), no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from . import catalog
from .calendar import month_end, months_between
from .durations import OFFICE_DAY_MINUTES, period_label_text, working_time_text
from .report import VISIT_HIST, month_key, quantile

MAX_MONTHS = 36  # three years, as the SLA report
ROW_PREFIX = "opd#"  # the rows a scorecard reads (report.py: one per agency)


def default_period(today: date) -> tuple[date, date]:
    """This year so far: 1 January (WITA) to today."""
    return date(today.year, 1, 1), today


def period_errors(start: date, end: date, today: date) -> list[dict[str, Any]]:
    """What keeps [start, end] from being whole months (as field errors; none: it is fine).

    ``start`` is the first of a month; ``end`` the last day of a month, or a day of the current month
    from today on (that month is read as it stands: everything so far). At most MAX_MONTHS months."""
    errors: list[dict[str, Any]] = []
    if start.day != 1:
        errors.append({"field": "from", "code": "whole_months"})
    current = (end.year, end.month) == (today.year, today.month) and end >= today
    if end != month_end(end.year, end.month) and not current:
        errors.append({"field": "to", "code": "whole_months"})
    if errors:
        return errors
    if end < start:
        return [{"field": "to", "code": "before_from"}]
    if len(months_between(start, end)) > MAX_MONTHS:
        return [{"field": "to", "code": "period_too_long", "max_months": MAX_MONTHS}]
    return []


def periods_to_read(start: date, end: date) -> list[str]:
    """The month partitions of a whole-months period, one each (``M#YYYY-MM``)."""
    return [month_key(int(month[:4]), int(month[5:7])) for month in months_between(start, end)]


def build_scorecards(
    start: date,
    end: date,
    items: Iterable[tuple[str, str, Mapping[str, int]]],
    today: date,
    day_minutes: float = OFFICE_DAY_MINUTES,
) -> dict:
    """Every agency of the catalog, sorted by name, zeros (and nulls where nothing divides) where nothing
    happened. ``items`` are (period, row, counters) of the period's month partitions; rows other than an
    agency's of the catalog (``opd#none``: information Diskominfo answered) are left out."""
    rows: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _period, row, counters in items:
        if row.startswith(ROW_PREFIX):
            totals = rows[row[len(ROW_PREFIX) :]]
            for name, value in counters.items():
                totals[name] += int(value)
    cards = [_card(code, agency.name, rows.get(code, {}), day_minutes) for code, agency in catalog.OPDS.items()]
    cards.sort(key=lambda card: (card["name"].casefold(), card["opd"]))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "label": period_label_text(start, end, today),
        "items": cards,
    }


def _card(code: str, name: str, counters: Mapping[str, int], day_minutes: float) -> dict:
    c: defaultdict[str, int] = defaultdict(int, counters)
    met, breached = c["v_met"], c["v_breached"]
    histogram = {
        int(key[len(VISIT_HIST) :]): n
        for key, n in c.items()
        if key.startswith(VISIT_HIST) and key[len(VISIT_HIST) :].isdigit() and n
    }
    median = quantile(histogram, 0.5)
    median = None if median is None else round(median, 1)
    return {
        "opd": code,
        "name": name,
        "received": c["c_routed"],
        "answered": c["c_answered"],
        "answered_within_sop_pct": round(100.0 * met / (met + breached), 1) if met + breached else None,
        "median_business_minutes_to_answer": median,
        "median_text": working_time_text(median, day_minutes),
        "average_rating": round(c["r_sum"] / c["r_count"], 2) if c["r_count"] else None,
        "ratings": c["r_count"],
    }
