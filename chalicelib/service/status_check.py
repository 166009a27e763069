"""The public status check: where a case stands, for anyone holding its tracking number (no login).

The receipt tells the reporter to keep the number "to ask about the report"; this is where they ask, and
a neighbour or a journalist given the number may ask too. So the answer says only what any of them may
know -- the status, the stage, the category, the agency and the dates of each stage -- and never who
reported it (name, email, phone, account), never the text (title, description, place, questions,
answers, the reply) and never who on the staff acted. It is the same for every case, confidential or not:
the text is what a confidential report keeps back, and no text is shown here.

Numbers are 8 random symbols (domain/tracking.py), so guessing finds nothing; each client address may
still look up only ``TRACK_LIMIT_PER_MINUTE`` numbers a minute (found or not), so no one hammers the
table. Four calls: the counter, the number, the complaint, its stage visits.
"""

from __future__ import annotations

from typing import Any

from ..domain import catalog, limits
from ..domain.errors import NotFound, TooManyRequests
from ..domain.personal_data import subject_key
from ..domain.tracking import normalize
from . import rate_limits
from .container import Services

LOOKUPS = "track"  # the counters: track#<digest of the client address>#<minute>


class UnknownTrackingNumber(NotFound):
    """No case has this number (or the text cannot be one)."""

    code = "unknown_tracking_number"


class TrackingLimited(TooManyRequests):
    """Too many status checks from one client address in a minute (Retry-After)."""

    def __init__(self, limit: int, retry_after: int):
        super().__init__(f"at most {limit} status checks a minute", details={"limit": limit})
        self.retry_after = retry_after


def _admit(svc: Services, client: str | None) -> None:
    """Count one lookup against the client address's minute; the counter holds a digest (``subject_key``, as
    the accounts' limits), never the address."""
    limit = svc.settings.track_limit_per_minute
    key = f"{LOOKUPS}#{subject_key(client or 'unknown')}"
    counted = rate_limits.hit(svc, key, limit, limits.MINUTE, "StatusChecksLimited")
    if counted.retry_after is not None:
        raise TrackingLimited(limit, counted.retry_after)


def track(svc: Services, text: str, client: str | None = None) -> dict[str, Any]:
    """``GET /track/{tracking_number}``: the number as people write it ("kt 82pt r267", "KT82PTR267")."""
    _admit(svc, client)
    number = normalize(text or "")
    complaint = svc.store.complaint_by_tracking_number(number) if number else None
    if complaint is None:
        raise UnknownTrackingNumber("no case has this tracking number")
    category = catalog.category(complaint.category)
    status: dict[str, Any] = {
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "stage": complaint.stage,
        "category": complaint.category,
        "category_name": category.name if category else complaint.category,
    }
    if complaint.opd and complaint.kind == "aspiration" and complaint.opd in catalog.OPDS:
        status.update(opd=complaint.opd, opd_name=catalog.OPDS[complaint.opd].name)
    status["submitted_at"] = complaint.created_at
    if complaint.answered_at:
        status["answered_at"] = complaint.answered_at
    if complaint.closed_at:
        status["closed_at"] = complaint.closed_at
    stages = []
    for item in sorted(svc.store.work_items(complaint.id), key=lambda i: int(i.step)):
        visit = {"stage": item.stage, "entered_at": item.entered_at}
        if item.decided_at:
            visit["completed_at"] = item.decided_at
        stages.append(visit)
    status["stages"] = stages
    return status
