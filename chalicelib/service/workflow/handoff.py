"""A human stage's wait: the state machine's task token is kept on the work item until the team decides.

Every wait message carries a token; a redelivered older message must not put back a token that has timed
out, so the newest (by when the state machine sent it) wins.
"""

from __future__ import annotations

import functools
import logging

from ..container import Services
from ..ports import ConditionFailed
from .case import sent_at_of, visit_of
from .outbox import send_once
from .teams import team_email

log = logging.getLogger(__name__)


def hand_off(svc: Services, message: dict) -> None:
    """Keep the newest token; complete at once if a decision is already recorded; else tell the team once.

    Resumable (issue 18): the item is read first, so a redelivery whose token is stored already does not
    write it again; the team's email is claimed with its link in one write and marked sent with
    ``assigned_notified`` in one transaction (outbox.send_once), so what succeeded once is not repeated.
    """
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = visit_of(svc, complaint_id, step)
    if item.task_token != message["task_token"]:
        try:
            item = svc.store.record_task_token(complaint_id, step, message["task_token"], sent_at_of(message))
        except ConditionFailed:
            log.info("an older handoff arrived after a newer one; its token is dead, nothing to do")
            return
    if item.decision is not None:
        svc.workflow.complete(message["task_token"], item.decision)
        return
    if item.assigned_notified:
        return  # a redelivery, or the wait resumed after a timer: the team was told already
    complaint = svc.store.existing_complaint(complaint_id)
    email = functools.partial(team_email, svc, complaint, item, "assigned")
    if not send_once(svc, complaint_id, f"assigned-{step}", item.stage, email, assigned_step=step):
        # Sent (or refused) by an earlier delivery, or not marked: set only once the email is out.
        svc.store.mark_assigned_notified(complaint_id, step)
