"""Shared DynamoDB helpers for the adapters: conditions, transactions (with the report counters they
move), audit entries. Public so the store's parts (store.py, attachment_store.py, privacy_store.py,
rate_counters.py, open311_store.py, case_lists.py) share them without importing each other."""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import fields
from typing import Any, TypeVar, cast

from pynamodb.exceptions import DeleteError, PutError, TransactWriteError, UpdateError
from pynamodb.expressions.operand import Path
from pynamodb.transactions import TransactWrite

from ..domain import report, sop
from ..domain.records import AuditEntry
from ..domain.report import Delta
from ..service.ports import ConditionFailed
from .tables import AuditModel, ComplaintModel, ReportModel

R = TypeVar("R")
M = TypeVar("M")


def to_record(model: Any, record_type: type[R]) -> R:
    """A table item as its plain record (domain/records.py): the same names and values (sets stay sets,
    JSON stays dicts), so the use cases read it as they read the model."""
    return record_type(**{f.name: getattr(model, f.name) for f in fields(cast(Any, record_type))})


def to_model(record: Any, model_type: type[M]) -> M:
    """A plain record as the table's model, to write it (every field, as the record holds it)."""
    return model_type(**{f.name: getattr(record, f.name) for f in fields(record)})


def audit_model(entry: AuditEntry) -> AuditModel:
    return to_model(entry, AuditModel)


def save_audit(tx: Any, entry: AuditEntry) -> None:
    """An audit entry, in a transaction: written only if its key is new (``seq`` ends in a random tail)."""
    tx.save(audit_model(entry), condition=AuditModel.seq.does_not_exist())


def update_complaint(
    complaint_id: str, actions: list, condition: Any, audit: AuditEntry | None, report: Iterable[Delta] = ()
) -> None:
    """One transaction: the complaint's update if it exists and ``condition`` holds, its audit entry, and the
    report counters the change moves. What most writes of a case's life are (store.py and its mixins)."""
    with transaction(report) as tx:
        tx.update(ComplaintModel(complaint_id), actions=actions, condition=ComplaintModel.id.exists() & condition)
        if audit is not None:
            save_audit(tx, audit)


def listed():
    """domain/publication.is_listed as a DynamoDB filter: told public, not confidential, past intake. The
    public reads (the register, open data, Open311's search) filter with it, then check each item with
    ``is_listed`` again: the condition saves the transfer, the domain rule decides."""
    return (
        (ComplaintModel.public == True)  # noqa: E712 (a PynamoDB condition, not a comparison)
        & (ComplaintModel.confidential == False)  # noqa: E712
        & ComplaintModel.stage.exists()
        & (ComplaintModel.stage != sop.FIRST_STAGE)
    )


def condition_failed(error: Exception) -> bool:
    return getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException"


@contextmanager
def conditional():
    """One conditional write (PutItem, UpdateItem, DeleteItem): a failed condition leaves as the port's
    ConditionFailed, as a transaction's does, so no PynamoDB error reaches a use case."""
    try:
        yield
    except (PutError, UpdateError, DeleteError) as error:
        if condition_failed(error):
            raise ConditionFailed() from error
        raise


def transaction_reasons(error: TransactWriteError) -> list[str | None]:
    return [r.code if r else None for r in (error.cancellation_reasons or [])]


def connection():
    return ComplaintModel._get_connection().connection


class Recorded:
    """Records a transaction's operations (``save``, ``update``, ``delete``, ``condition_check``),
    so the whole transaction can be sent again when it conflicts with another one."""

    def __init__(self):
        self.operations: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str):
        return lambda *args, **kwargs: self.operations.append((name, args, kwargs))


CONFLICT_TRIES = 4


@contextmanager
def transaction(report: Iterable[Delta] = ()):
    """One DynamoDB transaction, plus the report counters the event moves (domain/report.py).

    A failed condition becomes ConditionFailed with one reason per item (PynamoDB sends condition
    checks, then deletes, puts, updates; the counters go last). Events of the same day touch the
    same counter items, so two at once can conflict (``TransactionConflict``): then the transaction,
    which changed nothing, is sent again after a short random pause.
    """
    recorded = Recorded()
    yield recorded
    counters = counter_updates(report)
    for attempt in range(CONFLICT_TRIES):
        try:
            with TransactWrite(connection=connection()) as tx:
                for name, args, kwargs in recorded.operations:
                    getattr(tx, name)(*args, **kwargs)
                for item, actions in counters:
                    tx.update(item, actions=actions)
            return
        except TransactWriteError as error:
            reasons = transaction_reasons(error)
            if "ConditionalCheckFailed" in reasons:
                raise ConditionFailed(reasons) from error
            if "TransactionConflict" in reasons and attempt + 1 < CONFLICT_TRIES:
                time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
                continue
            raise


def counter_updates(deltas: Iterable[Delta]) -> list[tuple[ReportModel, list]]:
    """The report items to add to, one update per item (a transaction may touch an item only once)."""
    merged: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for delta in deltas:
        for period in report.periods_of(delta.at):
            for name, value in delta.counters.items():
                merged[(period, delta.row)][name] += value
    return [
        (ReportModel(period, row), [Path(name).add(value) for name, value in sorted(counters.items()) if value])
        for (period, row), counters in merged.items()
        if any(counters.values())
    ]
