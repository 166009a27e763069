"""What happens when the state machine hands us a message (the SQS consumer's use cases).

Every message carries a task token. Human stages (handoff.py) keep it on the work item until someone
decides; system steps do their work and answer at once. Each handler is safe to run twice for the same
message, since SQS delivers at least once: its writes are conditional (adapters/workflow_store.py) and
its emails go out once each (outbox.py).

Modules, in the order a case meets them: entry (a stage visit opens), handoff (the team's wait),
clock (reminders and escalations), questions (the citizen is asked), closing (reply, feedback window,
close); outbox sends every email once, teams names who gets them, dispatch routes the messages.
"""

from .dispatch import HANDLERS, UnknownMessage, handle_message
from .outbox import EmailInFlight

__all__ = ["HANDLERS", "EmailInFlight", "UnknownMessage", "handle_message"]
