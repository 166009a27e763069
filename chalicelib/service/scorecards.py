"""The agencies' public scorecards (``GET /public/agencies``, no login): domain/scorecards.py says what each
figure means and why the period is whole months.

Its cost is flat in history: one Query per month of the period, of the ``opd#`` rows of that month's
report partition (one item per agency that did anything), never a complaint, never a scan. Anyone may
call it, so each call first counts against the caller's per-minute public reads (rate_limits).
"""

from __future__ import annotations

from datetime import date

from ..domain import report, scorecards
from ..domain.errors import ValidationFailed
from . import rate_limits
from .container import Services


def parse_period(today: date, start: str | None, end: str | None) -> tuple[date, date]:
    """``from``/``to`` as YYYY-MM-DD (days in WITA), whole months; by default this year up to today.
    ValidationFailed (422) names the field: ``invalid_date``, ``whole_months``, ``before_from``,
    ``period_too_long``."""
    default_start, default_end = scorecards.default_period(today)
    errors: list[dict] = []

    def day(value: str | None, field: str, default: date) -> date:
        if value in (None, ""):
            return default
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            errors.append({"field": field, "code": "invalid_date"})
            return default

    first, last = day(start, "from", default_start), day(end, "to", default_end)
    errors = errors or scorecards.period_errors(first, last, today)
    if errors:
        raise ValidationFailed(errors)
    return first, last


def agency_scorecards(svc: Services, start: str | None, end: str | None, client: str | None) -> dict:
    """The scorecards of [start, end] for anyone; the read counts against ``client``'s minute first."""
    rate_limits.admit_public_read(svc, client)
    first, last = parse_period(report.local_day(svc.now()), start, end)
    return scorecards_of(svc, first, last)


def scorecards_of(svc: Services, first: date, last: date) -> dict:
    """The scorecards of a whole-months period (``parse_period``): one Query per month, of its ``opd#`` rows."""
    items, _read = svc.store.report_items(scorecards.periods_to_read(first, last), rows=scorecards.ROW_PREFIX)
    return scorecards.build_scorecards(first, last, items, report.local_day(svc.now()), _working_day_minutes(svc))


def _working_day_minutes(svc: Services) -> float:
    """One working day in business minutes, scaled as the clocks scale time (as the SLA report says it)."""
    settings = svc.settings
    return round(settings.calendar().working_day().total_seconds() * settings.time_scale / 60, 1)
