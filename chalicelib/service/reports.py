"""The SLA report for the people accountable for the SOP (supervisor, Diskominfo, admin).

Its cost does not grow with history: it reads the running totals of the period (one item per
row of each whole month, or of each day at the period's edges; see domain/report.py) and the
team queues' overdue visits (the current backlog), never the complaints themselves.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ..domain import report, sop
from ..domain.errors import ValidationFailed
from ..domain.roles import all_queues
from ..domain.timestamps import iso, parse_iso
from .container import Services

_PAGE = 100


FORMATS = ("json", "csv", "xlsx", "svg")


def report_format(value: str | None) -> str:
    fmt = value or "json"
    if fmt not in FORMATS:
        raise ValidationFailed([{"field": "format", "code": "invalid_format", "allowed": list(FORMATS)}])
    return fmt


def parse_period(svc: Services, start: str | None, end: str | None) -> tuple[date, date]:
    """``from``/``to`` as YYYY-MM-DD (days in WITA); by default this month up to today."""
    today = report.local_day(svc.now())
    errors: list[dict[str, Any]] = []

    def day(value: str | None, field: str, default: date) -> date:
        if value in (None, ""):
            return default
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            errors.append({"field": field, "code": "invalid_date"})
            return default

    first, last = day(start, "from", today.replace(day=1)), day(end, "to", today)
    if not errors and last < first:
        errors.append({"field": "to", "code": "before_from"})
    if not errors and (last - first).days + 1 > report.MAX_DAYS:
        errors.append({"field": "to", "code": "period_too_long", "max_days": report.MAX_DAYS})
    if errors:
        raise ValidationFailed(errors)
    return first, last


def sla_report(svc: Services, start: date, end: date) -> dict:
    """The figures of [start, end] (days in WITA)."""
    items, read = svc.store.report_items(report.periods_to_read(start, end))
    overdue, overdue_read = _overdue_open(svc, start, end)
    now = svc.now()
    return report.build_report(start, end, items, _sop_minutes(svc), overdue, now, read + overdue_read)


def _sop_minutes(svc: Services) -> report.SopMinutes:
    """What the clocks allow (the configured times, scaled as the clocks scale them)."""
    settings = svc.settings
    calendar, scale = settings.calendar(), settings.time_scale

    def minutes(span) -> float:
        return round(span.total_seconds() * scale / 60, 1)

    return report.SopMinutes(
        stages={stage.name: minutes(settings.sla.allowed(stage.name, calendar)) for stage in sop.STAGES},
        whole=minutes(settings.sla.whole_sop(calendar)),
        working_day=minutes(calendar.working_day()),
    )


def _overdue_open(svc: Services, start: date, end: date) -> tuple[int, int]:
    """Cases received in the period whose current stage is overdue now, from the queues' overdue items.

    Those items are the current backlog (decided visits leave the queue index), so this too reads
    no history. Returns (count, items read).
    """
    due_by = iso(svc.now())
    cases, read = set(), 0
    for queue in all_queues():
        after = None
        while True:
            page = svc.store.open_items_of(queue, _PAGE, after=after, due_by=due_by)
            read += len(page)
            for item in page:
                received = item.received_at or _received_at(svc, item.complaint_id)
                if received and start <= report.local_day(parse_iso(received)) <= end:
                    cases.add(item.complaint_id)
            if len(page) < _PAGE:
                break
            last = page[-1]
            after = (last.due_at, last.complaint_id, int(last.step))
    return len(cases), read


def _received_at(svc: Services, complaint_id: str) -> str | None:
    """For visits opened before work items carried the case's receipt time."""
    complaint = svc.store.get_complaint(complaint_id)
    return complaint.created_at if complaint else None
