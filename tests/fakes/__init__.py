"""In-memory stand-ins for the ports (service/ports.py), so use cases run in milliseconds without AWS.

Each records what it was asked to do, for the tests to read. The store's fake (``tests/fakes/store.py``)
is held to the DynamoDB store's behaviour by one contract suite (tests/integration/test_store_contract.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

from chalicelib.service.ports import SentEmail


@dataclass
class Sent:
    to: list[str]
    template: str
    context: dict
    attachments: list[tuple[str, str, bytes]]
    message_id: str


@dataclass
class FakeNotifier:
    """What the mail service was given: every email, in order."""

    sent: list[Sent] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def send(
        self, to: Sequence[str], template: str, context: dict, attachments: Sequence[tuple[str, str, bytes]] = ()
    ) -> SentEmail:
        message_id = f"fake-{next(self._ids)}"
        self.sent.append(Sent(list(to), template, context, list(attachments), message_id))
        return SentEmail(message_id, template)

    def templates_to(self, address: str) -> list[str]:
        return [email.template for email in self.sent if address in email.to]


@dataclass
class FakeWorkflow:
    """The state machine's side of the handoffs: executions started and task tokens completed."""

    started: dict[str, dict] = field(default_factory=dict)
    completed: list[tuple[str, dict]] = field(default_factory=list)

    def start(self, complaint_id: str, execution_input: dict) -> bool:
        if complaint_id in self.started:
            return False  # as Step Functions: one execution per name
        self.started[complaint_id] = execution_input
        return True

    def complete(self, task_token: str, output: dict) -> bool:
        if any(token == task_token for token, _ in self.completed):
            return False  # a token is good for one answer
        self.completed.append((task_token, output))
        return True


@dataclass
class FakeMetrics:
    counted: list[tuple[str, float, dict[str, str]]] = field(default_factory=list)

    def count(self, name: str, value: float = 1, unit: str = "Count", dimensions: dict[str, str] | None = None) -> None:
        self.counted.append((name, value, dict(dimensions or {})))

    def total(self, name: str) -> float:
        return sum(value for counted, value, _ in self.counted if counted == name)
