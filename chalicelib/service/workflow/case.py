"""What every handler reads: the case and its stage visit (as records), and who the workflow acts as."""

from __future__ import annotations

from datetime import datetime

from ...domain.records import Complaint, WorkItem
from ...domain.timestamps import parse_iso
from ..container import Services

SYSTEM = "system:state-machine"  # the actor of the workflow's audit entries


def complaint_of(svc: Services, complaint_id: str) -> Complaint:
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None:
        raise LookupError(f"complaint {complaint_id} does not exist")
    return complaint


def visit_of(svc: Services, complaint_id: str, step: int) -> WorkItem:
    """The work item of a visit that must be there (Missing, so the message comes again, if not)."""
    return svc.store.existing_work_item(complaint_id, step)


def find_visit(svc: Services, complaint_id: str, step: int) -> WorkItem | None:
    return svc.store.get_work_item(complaint_id, step)


def moment(text: str | None) -> datetime:
    """A time the record must hold by now (a paused visit's decision, a question's deadlines): one missing
    fails the message."""
    if text is None:
        raise ValueError("a time the workflow needs is not recorded")
    return parse_iso(text)
