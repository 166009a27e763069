"""The public register: what anyone may read, without signing in, of the complaints the province received.

- ``search``: GET /public/complaints -- listed complaints (domain/publication.is_listed), newest first,
  filtered and searched (``q`` on the published, masked text), paged.
- ``case``: GET /public/complaints/{tracking_number} -- one listed complaint with its stage visits and
  whether each kept the SOP's time. A number that is unknown and one that is not listed (confidential,
  waiting for intake, refused there) get the same 404: the answer must not tell that a case exists.
- ``open_data``: GET /public/open-data.json|.csv -- every listed complaint created in one WITA month.

Every read is counted against the client address first (rate_limits.admit_public_read), then goes by
index queries only: the month index walked within a read budget (adapters/case_lists.py), the tracking
number's item, the case's stage visits. Never a scan; an empty month costs one query per UTC month it
touches.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain import publication
from ..domain.calendar import WITA
from ..domain.errors import NotFound
from ..domain.public_register import (
    LICENCE,
    SOURCE,
    PublicFilter,
    open_data_row,
    parse_month,
    parse_query,
    public_item,
    stages,
)
from ..domain.records import Complaint
from ..domain.timestamps import iso
from ..domain.tracking import normalize
from .container import Services
from .paging import month_position, month_token
from .ports import ReadBudget
from .rate_limits import admit_public_read

# The register's page: at most 1,000 complaints examined in 24 queries (a search that matches little ends
# short, with a token).
LIST_BUDGET = ReadBudget(examined=1000, queries=24, page_size=100)
# One answer of open data: at most 5,000 rows, and at most about 4 MB of them (a Lambda's answer may not pass
# 6 MB), from at most 10,000 complaints read in 30 queries of up to 1,000.
OPEN_DATA_ROWS = 5000
OPEN_DATA_BYTES = 4_000_000
OPEN_DATA_BUDGET = ReadBudget(examined=10_000, queries=30, page_size=1000)


class NotInPublicRegister(NotFound):
    """No listed complaint has this number: unknown, or not public (the same answer for both)."""

    code = "not_in_public_register"


def search(svc: Services, params: Mapping[str, str], client: str | None) -> dict[str, Any]:
    """A page of the register: ``{items, next_token?}``."""
    admit_public_read(svc, client)
    query = parse_query(params, svc.now().astimezone(WITA).date(), WITA)
    token = params.get("next_token") or None
    position = month_position(token, query.low, query.high) if token else None
    found, following = svc.store.listed_cases_between(
        query.low, query.high, query.filter, query.limit, position, LIST_BUDGET
    )
    result: dict[str, Any] = {"items": [public_item(c) for c in found if publication.is_listed(c)]}
    if following is not None:
        result["next_token"] = month_token(following)
    return result


def case(svc: Services, text: str, client: str | None) -> dict[str, Any]:
    """One listed complaint by its number as people write it, with its stages and the SOP's outcome."""
    admit_public_read(svc, client)
    number = normalize(text or "")
    complaint = svc.store.complaint_by_tracking_number(number) if number else None
    if complaint is None or not publication.is_listed(complaint):
        raise NotInPublicRegister("no complaint in the public register has this tracking number")
    item = public_item(complaint)
    item["stages"] = stages(svc.store.work_items(complaint.id), svc.now())
    if complaint.sop_outcome:
        item["sop_outcome"] = complaint.sop_outcome
    return item


@dataclass(frozen=True)
class OpenData:
    """One answer of a month's open data: the rows and what the route says around them."""

    month: str
    current: bool  # the month is still running (cached for less)
    generated_at: str
    rows: list[dict[str, Any]]
    next_token: str | None

    def as_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "month": self.month,
            "generated_at": self.generated_at,
            "licence": LICENCE,
            "source": SOURCE,
            "count": len(self.rows),
            "items": self.rows,
        }
        if self.next_token:
            body["next_token"] = self.next_token
        return body


def _position_after(complaint: Complaint) -> tuple[str, tuple[str, str]]:
    """The walk's position just after ``complaint`` (its month partition is its UTC ``created_month``)."""
    return complaint.created_month or complaint.created_at[:7], (complaint.created_at, complaint.id)


def open_data(svc: Services, params: Mapping[str, str], client: str | None) -> OpenData:
    """The listed complaints created in one WITA month (``month``, default the last whole one), newest first,
    up to ``OPEN_DATA_ROWS`` rows and ``OPEN_DATA_BYTES`` per answer, then ``next_token``."""
    admit_public_read(svc, client)
    now = svc.now()
    month = parse_month(params, now.astimezone(WITA).date(), WITA)
    token = params.get("next_token") or None
    position = month_position(token, month.low, month.high) if token else None
    found, following = svc.store.listed_cases_between(
        month.low, month.high, PublicFilter(), OPEN_DATA_ROWS, position, OPEN_DATA_BUDGET
    )
    rows: list[dict[str, Any]] = []
    last: Complaint | None = None
    size = 0
    for complaint in found:
        if not publication.is_listed(complaint):
            continue
        row = open_data_row(complaint)
        size += len(json.dumps(row, ensure_ascii=False).encode())
        if last is not None and size > OPEN_DATA_BYTES:
            following = _position_after(last)
            break
        rows.append(row)
        last = complaint
    return OpenData(month.month, month.current, iso(now), rows, month_token(following) if following else None)
