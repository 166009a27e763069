"""Which handler each state machine message goes to (the SQS consumer's use cases)."""

from __future__ import annotations

from collections.abc import Callable

from ..container import Services
from .clock import stage_timer
from .closing import await_feedback, close, close_duplicate, close_unanswered, deliver_reply, reject
from .entry import enter_stage
from .handoff import hand_off
from .outbox import redelivery
from .questions import answer_timer, ask_citizen, await_answer


class UnknownMessage(ValueError):
    pass


HANDLERS: dict[str, Callable[[Services, dict], None]] = {
    "stage_entered": enter_stage,
    "handoff": hand_off,
    "stage_timer": stage_timer,
    "information_requested": ask_citizen,
    "answer_handoff": await_answer,
    "answer_timer": answer_timer,
    "unanswered": close_unanswered,
    "reply_delivered": deliver_reply,
    "feedback_open": await_feedback,
    "closed": close,
    "rejected": reject,
    "duplicate": close_duplicate,
}


def handle_message(svc: Services, message: dict, delivery: int = 1) -> None:
    """Run the message's handler. ``delivery`` is SQS's receive count: from the second on, the handlers
    read what an earlier delivery may have written before writing it again (outbox.redelivery)."""
    try:
        handler = HANDLERS[message["type"]]
    except (KeyError, TypeError):
        raise UnknownMessage("message of unknown type") from None
    with redelivery(delivery > 1):
        handler(svc, message)
