"""The public register (GET /public/complaints, /public/complaints/{number}, /public/open-data.*): its
queries, read strictly, and what the public reads of one complaint. Pure: the use cases are
service/public_register.py.

An item is built from named fields only, each through domain/publication.py (the text masked, the point
rounded or withheld), never from the record as a whole: a field added to the record later stays out of
the register until someone names it here. ``q`` is matched on the *published* text, so searching a
reporter's name or phone number finds nothing: what the register hides it must not reveal by what a
search returns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from . import catalog, publication, sop, tracking
from .case_list import STATUSES, parse_window
from .cells import safe_text
from .errors import ValidationFailed
from .records import Complaint, WorkItem
from .timestamps import iso, parse_iso

DEFAULT_DAYS = 365  # without ``from``: this many days before ``to`` (q, the days and limit: case_list.parse_window)

LICENCE = "CC BY 4.0"
SOURCE = "Aspirasi Kaltim, Diskominfo Provinsi Kalimantan Timur"
# The open data's columns, in order: the list item's fields without ``stage_label``, the point as two columns.
OPEN_DATA_FIELDS = (
    "tracking_number",
    "title",
    "description",
    "category",
    "category_name",
    "subcategory",
    "subcategory_name",
    "opd",
    "opd_name",
    "status",
    "stage",
    "submitted_at",
    "answered_at",
    "answer",
    "lat",
    "long",
)
BOM = "\ufeff"  # Excel (Indonesian locale too) reads a CSV as UTF-8 only when it starts with one


@dataclass(frozen=True)
class PublicFilter:
    """What a listed complaint must be; None leaves a field free. Always only listed complaints."""

    status: str | None = None
    category: str | None = None
    subcategory: str | None = None
    opd: str | None = None
    q: str | None = None

    def matches(self, complaint: Complaint) -> bool:
        """The whole rule, listed first (the store's condition saves the transfer; this decides)."""
        return publication.is_listed(complaint) and self.matches_fields(complaint) and self.matches_text(complaint)

    def matches_fields(self, complaint: Complaint) -> bool:
        """The filters DynamoDB applies too, as a FilterExpression."""
        return (
            (self.status is None or complaint.status == self.status)
            and (self.category is None or complaint.category == self.category)
            and (self.subcategory is None or complaint.subcategory == self.subcategory)
            and (self.opd is None or complaint.opd == self.opd)
        )

    def matches_text(self, complaint: Complaint) -> bool:
        """``q`` in the published title, description or answer (case-insensitive), or the tracking number as
        people type it (whole, or a part: "7KQ2")."""
        if not self.q:
            return True
        number = tracking.normalize(self.q)
        if number is not None and complaint.tracking_number == number:
            return True
        compact = self.q.casefold().replace(" ", "").replace("-", "")
        if compact and compact in complaint.tracking_number.casefold().replace("-", ""):
            return True
        words = self.q.casefold()
        return any(words in (text or "").casefold() for text in published_texts(complaint))


@dataclass(frozen=True)
class PublicQuery:
    """A register request: its filter, the time range (UTC ISO strings comparable with ``created_at``) and
    the page size."""

    filter: PublicFilter
    low: str
    high: str
    limit: int


def _choice(params: Mapping[str, str], field: str, choices: Iterable[str], errors: list[dict]) -> str | None:
    value = params.get(field)  # given but empty is wrong too
    if value is not None and value not in set(choices):
        errors.append({"field": field, "code": f"unknown_{field}"})
        return None
    return value


def parse_query(params: Mapping[str, str], today: date, zone) -> PublicQuery:
    """The register's parameters, or 422 naming every field that is wrong.

    ``from`` and ``to`` are days (YYYY-MM-DD) in ``zone`` (WITA), both included; ``to`` defaults to today,
    ``from`` to ``DEFAULT_DAYS`` before ``to``. A ``subcategory`` must be one of ``category``'s when both
    are given.
    """
    errors: list[dict] = []
    status = _choice(params, "status", STATUSES, errors)
    category = _choice(params, "category", catalog.CATEGORIES, errors)
    owner = catalog.category(category) if category else None
    subcategories = (
        [s.code for s in owner.subcategories]
        if owner is not None
        else [s.code for c in catalog.CATEGORIES.values() for s in c.subcategories]
    )
    subcategory = _choice(params, "subcategory", subcategories, errors)
    opd = _choice(params, "opd", catalog.OPDS, errors)
    window = parse_window(params, today, zone, lambda end: end - timedelta(days=DEFAULT_DAYS), errors)
    if window is None:
        raise ValidationFailed(errors)
    filter = PublicFilter(status, category, subcategory, opd, window.q)
    return PublicQuery(filter, window.low, window.high, window.limit)


# -- open data: one month ------------------------------------------------------------------------
@dataclass(frozen=True)
class Month:
    """A month of open data: ``YYYY-MM`` in WITA and its range as UTC ISO strings; ``current`` while it runs."""

    month: str
    low: str
    high: str
    current: bool


def parse_month(params: Mapping[str, str], today: date, zone) -> Month:
    """``month`` (YYYY-MM, a month in ``zone``) or, without it, the last whole month; 422 for a bad one or one
    that has not begun."""
    this_month = today.replace(day=1)
    if "month" in params:
        text = params["month"]
        try:
            first = date.fromisoformat(f"{text}-01") if len(text) == 7 and text[4] == "-" else None
        except ValueError:
            first = None
        if first is None:
            raise ValidationFailed([{"field": "month", "code": "invalid_month"}])
        if first > this_month:
            raise ValidationFailed([{"field": "month", "code": "future_month"}])
    else:
        first = (this_month - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    low = datetime.combine(first, time.min, tzinfo=zone)
    high = datetime.combine(following, time.min, tzinfo=zone) - timedelta(milliseconds=1)
    return Month(f"{first:%Y-%m}", iso(low), iso(high), first == this_month)


# -- what the public reads of a complaint ------------------------------------------------------------
def published_texts(complaint: Complaint) -> tuple[str | None, str | None, str | None]:
    """Title, description and answer as published: masked (publication.published_text)."""
    name = complaint.citizen_name
    return (
        publication.published_text(complaint.title, name),
        publication.published_text(complaint.description, name),
        publication.published_text(complaint.reply, name) if complaint.reply else None,
    )


def stage_label(name: str | None) -> dict[str, str]:
    try:
        stage = sop.stage(name or "")
    except KeyError:
        return {"id": name or "", "en": name or ""}
    return {"id": stage.label_id, "en": stage.label_en}


def public_item(complaint: Complaint) -> dict[str, Any]:
    """The complaint as the register shows it: named fields only, text masked, the point rounded (none for a
    sensitive subcategory). The caller has checked ``publication.is_listed``."""
    title, description, answer = published_texts(complaint)
    category = catalog.category(complaint.category)
    subcategory = category.subcategory(complaint.subcategory) if category else None
    item: dict[str, Any] = {
        "tracking_number": complaint.tracking_number,
        "title": title,
        "description": description,
        "category": complaint.category,
        "category_name": category.name if category else complaint.category,
        "subcategory": complaint.subcategory,
        "subcategory_name": subcategory.name if subcategory else complaint.subcategory,
    }
    if complaint.opd:
        opd = catalog.OPDS.get(complaint.opd)
        item.update(opd=complaint.opd, opd_name=opd.name if opd else complaint.opd)
    item.update(
        status=complaint.status,
        stage=complaint.stage,
        stage_label=stage_label(complaint.stage),
        submitted_at=complaint.created_at,
    )
    if complaint.answered_at:
        item["answered_at"] = complaint.answered_at
    if answer:
        item["answer"] = answer
    point = publication.place(complaint)
    if point is not None:
        item["lat"], item["long"] = point
    return item


def stages(items: Iterable[WorkItem], now: datetime) -> list[dict[str, Any]]:
    """The case's stage visits in order, each with whether it kept the SOP's time: ``on_time`` true when it
    was completed by its due time, false when completed late or still open past it, null while open and not
    yet due. Who acted is never said."""
    out = []
    for item in sorted(items, key=lambda i: int(i.step)):
        visit: dict[str, Any] = {"stage": item.stage, "label": stage_label(item.stage), "entered_at": item.entered_at}
        due = parse_iso(item.due_at)
        if item.decided_at:
            visit["completed_at"] = item.decided_at
            # as the decision recorded it (service/decide.py: met when decided by due_at), else worked out
            recorded = {"met": True, "breached": False}.get(item.sla_outcome or "")
            on_time: bool | None = recorded if recorded is not None else parse_iso(item.decided_at) <= due
        else:
            on_time = False if now > due else None
        visit.update(due_at=item.due_at, on_time=on_time)
        out.append(visit)
    return out


def open_data_row(complaint: Complaint) -> dict[str, Any]:
    """One row of the open data: the list item without ``stage_label``."""
    item = public_item(complaint)
    del item["stage_label"]
    return item


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value  # a coordinate: a number, never "'-0.5"
    return safe_text(value)


def open_data_csv(rows: Iterable[Mapping[str, Any]], bom: bool = True) -> str:
    """The rows as CSV: RFC 4180 (CRLF, quoted where needed) through the ``csv`` module, a header row of
    ``OPEN_DATA_FIELDS``, an empty cell for an absent field, text that could run as a formula prefixed with
    ``'``; starting with a byte-order mark (``bom``) so Excel reads the UTF-8 as UTF-8."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n")
    writer.writerow(OPEN_DATA_FIELDS)
    for row in rows:
        writer.writerow([_cell(row.get(field)) for field in OPEN_DATA_FIELDS])
    return (BOM if bom else "") + out.getvalue()
