"""What every handler reads: its stage visit (a record), when its message was sent, and who the workflow acts as."""

from __future__ import annotations

from datetime import datetime

from ...domain.records import WorkItem
from ...domain.timestamps import iso, parse_iso
from ..container import Services

SYSTEM = "system:state-machine"  # the actor of the workflow's audit entries


def visit_of(svc: Services, complaint_id: str, step: int) -> WorkItem:
    """The work item of a visit that must be there (Missing, so the message comes again, if not)."""
    return svc.store.existing_work_item(complaint_id, step)


def sent_at_of(message: dict) -> str:
    """When the state machine sent the message (``$$.State.EnteredTime``), in the one format stored times
    share, so they compare as strings."""
    return iso(parse_iso(message["sent_at"]))


def moment(text: str | None) -> datetime:
    """A time the record must hold by now (a paused visit's decision, a question's deadlines): one missing
    fails the message."""
    if text is None:
        raise ValueError("a time the workflow needs is not recorded")
    return parse_iso(text)
