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


@dataclass
class FakeIdentity:
    """The identity provider's accounts (``IdentityProvider``): ``accounts`` by username (and email), what was
    asked of it in ``calls``. A reset code is handed back (as moto's is on the local stack) and checked."""

    accounts: dict[str, dict] = field(default_factory=dict)  # username or email -> {email, name, phone, password}
    codes: dict[str, str] = field(default_factory=dict)  # email -> the code last sent
    calls: list[tuple[str, str]] = field(default_factory=list)  # (operation, username or email)
    _codes: itertools.count = field(default_factory=lambda: itertools.count(123456))

    def add(self, username: str, email: str, name: str, phone: str | None = None, password: str = "Rahasia-123"):
        account = {"email": email, "name": name, "phone": phone, "password": password}
        self.accounts[username] = self.accounts[email] = account

    def register(self, email: str, password: str, name: str, phone: str | None) -> bool:
        self.calls.append(("register", email))
        self.add(email, email, name, phone, password)
        return True

    def confirm(self, email: str, code: str) -> None:
        self.calls.append(("confirm", email))

    def login(self, email: str, password: str, new_password: str | None = None) -> dict:
        from chalicelib.service.accounts import WrongCredentials

        self.calls.append(("login", email))
        account = self.accounts.get(email)
        if account is None or account["password"] != password:
            raise WrongCredentials("wrong email or password")
        return {"id_token": f"token-of-{email}"}

    def forgot_password(self, email: str) -> str | None:
        self.calls.append(("forgot_password", email))
        if email not in self.accounts:
            return None
        self.codes[email] = str(next(self._codes))
        return self.codes[email]

    def reset_password(self, email: str, code: str, new_password: str) -> None:
        from chalicelib.domain.errors import ValidationFailed

        self.calls.append(("reset_password", email))
        if email not in self.accounts or self.codes.get(email) != code:
            raise ValidationFailed([{"field": "code", "code": "wrong_code"}])
        del self.codes[email]
        self.accounts[email]["password"] = new_password

    def account(self, username: str) -> dict | None:
        self.calls.append(("account", username))
        held = self.accounts.get(username)
        return None if held is None else {k: v for k, v in held.items() if k != "password"}
