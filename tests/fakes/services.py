"""The services on fakes, with a clock the test moves: what the fast use-case tests (tests/unit/*_usecase.py)
drive, through the same composition root as production (chalicelib/bootstrap.py ``build_services``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from chalicelib.bootstrap import build_services
from chalicelib.config import Settings
from chalicelib.domain import report
from chalicelib.service.container import Services
from tests.fakes import FakeIdentity, FakeMetrics, FakeNotifier, FakeWorkflow
from tests.fakes.store import InMemoryStore


@dataclass
class FakeWorld:
    """One test's world: the store, the state machine, the mail service, the metrics and the identity provider's
    accounts, all fakes."""

    settings: Settings
    now: datetime
    store: InMemoryStore = field(default_factory=InMemoryStore)
    workflow: FakeWorkflow = field(default_factory=FakeWorkflow)
    notifier: FakeNotifier = field(default_factory=FakeNotifier)
    metrics: FakeMetrics = field(default_factory=FakeMetrics)
    identity: FakeIdentity = field(default_factory=FakeIdentity)
    overrides: dict[str, Any] = field(default_factory=dict)  # more parts by name: whatsapp=FakeWhatsAppApi(), ...
    svc: Services = field(init=False)

    def __post_init__(self) -> None:
        self.svc = build_services(
            self.settings,
            store=self.store,
            workflow=self.workflow,
            notifier=self.notifier,
            metrics=self.metrics,
            identity=self.identity,
            uploads=None,
            now=lambda: self.now,
            **self.overrides,
        )

    def later(self, **delta: float) -> FakeWorld:
        self.now += timedelta(**delta)
        return self

    def actions(self, complaint_id: str) -> list[str]:
        """The case's audit trail, by action."""
        return [entry.action for entry in self.store.audit_trail(complaint_id)]

    def counted(self, moment: datetime, row: str = "total") -> dict[str, int]:
        """The report counters of ``moment``'s day in ``row``."""
        day, _ = report.periods_of(moment)
        return self.store.counters.get((day, row), {})
