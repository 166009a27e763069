"""The staff's case list (GET /staff/complaints without a tracking number): its query, read strictly, and
the rule a case must meet to be on it. Pure: the use case is service/case_list.py."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from . import catalog, sop, tracking
from .errors import ValidationFailed
from .records import Complaint
from .submission import ALL_CHANNELS
from .timestamps import iso

DEFAULT_LIMIT = 20
MAX_LIMIT = 50
DEFAULT_MONTHS = 12  # without ``from``: this many months before ``to``
MAX_Q = 100
STATUSES = (sop.STATUS_OPEN, sop.STATUS_ANSWERED, sop.STATUS_CLOSED)


@dataclass(frozen=True)
class CaseFilter:
    """What a listed case must be; None leaves a field free. ``q`` is matched on the tracking number and
    the title, case-insensitive (DynamoDB cannot: it is applied to what was read)."""

    status: str | None = None
    stage: str | None = None
    channel: str | None = None
    category: str | None = None
    opd: str | None = None
    q: str | None = None

    def matches(self, complaint: Complaint) -> bool:
        return self.matches_fields(complaint) and self.matches_text(complaint)

    def matches_fields(self, complaint: Complaint) -> bool:
        """The filters DynamoDB can apply as a FilterExpression (the month walk does)."""
        return (
            (self.status is None or complaint.status == self.status)
            and (self.stage is None or complaint.stage == self.stage)
            and (self.channel is None or (complaint.channel or "web") == self.channel)
            and (self.category is None or complaint.category == self.category)
            and (self.opd is None or complaint.opd == self.opd)
        )

    def matches_text(self, complaint: Complaint) -> bool:
        if not self.q:
            return True
        words = self.q.casefold()
        number = tracking.normalize(self.q)
        if number is not None and complaint.tracking_number == number:
            return True
        compact = words.replace(" ", "").replace("-", "")
        if compact and compact in complaint.tracking_number.casefold().replace("-", ""):
            return True  # a part of the number, as typed ("7KQ2")
        return words in (complaint.title or "").casefold()


@dataclass(frozen=True)
class CaseQuery:
    """A case list's request: its filter, the time range (``low``..``high``, UTC ISO strings comparable with
    ``created_at``) and the page size."""

    filter: CaseFilter
    low: str
    high: str
    limit: int


@dataclass(frozen=True)
class Window:
    """What the staff's list and the public register read alike: ``q``, the time range (``low``..``high``, UTC
    ISO strings comparable with ``created_at``) and the page size."""

    q: str | None
    low: str
    high: str
    limit: int


def _day(value: str) -> date | None:
    if len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_window(
    params: Mapping[str, str], today: date, zone, default_from: Callable[[date], date], errors: list[dict]
) -> Window | None:
    """``q``, ``from``, ``to`` and ``limit`` of a list, the days (YYYY-MM-DD) in ``zone`` (WITA), both included;
    ``to`` defaults to today, ``from`` to ``default_from(to)``. None when anything is wrong, each error added
    to ``errors`` (the caller has added its own fields' and raises them all together)."""
    q = (params.get("q") or "").strip() or None
    if q is not None and len(q) > MAX_Q:
        errors.append({"field": "q", "code": "too_long", "max_length": MAX_Q})
    end = _day(params["to"]) if "to" in params else today
    if end is None:
        errors.append({"field": "to", "code": "invalid_date"})
    start: date | None
    if "from" in params:
        start = _day(params["from"])
        if start is None:
            errors.append({"field": "from", "code": "invalid_date"})
    else:
        start = default_from(end or today)
    if start is not None and end is not None and start > end:
        errors.append({"field": "to", "code": "before_from"})
    limit = DEFAULT_LIMIT
    raw_limit = params.get("limit")
    if raw_limit is not None:
        if not raw_limit.isdigit() or not 1 <= int(raw_limit) <= MAX_LIMIT:
            errors.append({"field": "limit", "code": "invalid_limit"})
        else:
            limit = int(raw_limit)
    if errors or start is None or end is None:
        return None
    low = datetime.combine(start, time.min, tzinfo=zone)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone) - timedelta(milliseconds=1)
    return Window(q, iso(low), iso(high), limit)


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier (the month's last day where it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    first_of_next = date(year + (month == 11), (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (first_of_next - timedelta(days=1)).day))


def parse_query(params: Mapping[str, str], today: date, zone) -> CaseQuery:
    """The case list's parameters, or 422 naming every field that is wrong.

    ``from`` and ``to`` are days (YYYY-MM-DD) in ``zone`` (WITA), both included; ``to`` defaults to
    today, ``from`` to 12 months before ``to``.
    """
    errors: list[dict] = []
    allowed = {
        "status": STATUSES,
        "stage": sop.STAGE_NAMES,
        "channel": ALL_CHANNELS,
        "category": tuple(catalog.CATEGORIES),
        "opd": tuple(catalog.OPDS),
    }
    values: dict[str, str | None] = {}
    for field, choices in allowed.items():
        value = params.get(field)  # given but empty is wrong too (the document's enums have no "")
        if value is not None and value not in choices:
            errors.append({"field": field, "code": f"unknown_{field}"})
        values[field] = value
    window = parse_window(params, today, zone, lambda end: _months_before(end, DEFAULT_MONTHS), errors)
    if window is None:
        raise ValidationFailed(errors)
    return CaseQuery(CaseFilter(**values, q=window.q), window.low, window.high, window.limit)
