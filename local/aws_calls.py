"""Count the application's AWS calls, and what DynamoDB would bill for them (issue 12).

Every botocore client created after :func:`install` (boto3's and PynamoDB's alike) reports each call it
makes inside :func:`counting` to that block's :class:`Tally`: a ``before-call`` hook counts the call and an
``after-call`` hook notes the DynamoDB items it wrote or read and their sizes. The tally lives in a
ContextVar, so only calls made on the thread that opened the block count: moto's Step Functions executions
run on threads of their own, and the test harness's own pollers run outside any block (they play Lambda's
event source mappings, which AWS bills apart from our code).

moto answers ``ReturnConsumedCapacity`` with a constant per request, so the units are worked out here by
DynamoDB's published rules from the items' real sizes: a write costs one write unit per started KiB of the
item (and again for each global secondary index the table has: an upper bound), a read half a read unit per
started 4 KiB (eventually consistent; a whole one when strongly consistent), a transaction twice either.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import math
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

import botocore.session

_TALLY: contextvars.ContextVar[Tally | None] = contextvars.ContextVar("aspirasi_call_tally", default=None)
_INSTALLED = threading.Lock()
_installed = False

WRITE_UNIT_BYTES, READ_UNIT_BYTES = 1024, 4096


@dataclass
class DynamoAccess:
    """One item written or read by one call: what the units are reckoned from."""

    table: str
    operation: str
    write: bool
    size: int  # bytes (DynamoDB's reckoning: names plus values); for an update, the attributes it names
    transactional: bool = False
    consistent: bool = False
    item: dict | None = None  # a write's item (a put) or key (an update, a delete), in wire form


@dataclass
class Tally:
    calls: Counter = field(default_factory=Counter)  # (service, Operation) -> calls
    dynamodb: list[DynamoAccess] = field(default_factory=list)
    emails: int = 0  # recipients of the emails sent (SES bills per recipient)

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    def of(self, service: str) -> int:
        return sum(n for (s, _), n in self.calls.items() if s == service)

    def operations(self) -> list[str]:
        """``service:Operation`` of every call, for a failing budget's message."""
        return sorted(f"{s}:{op}" + (f" x{n}" if n > 1 else "") for (s, op), n in self.calls.items())

    def add(self, other: Tally) -> None:
        self.calls.update(other.calls)
        self.dynamodb += other.dynamodb
        self.emails += other.emails


def item_size(item: dict) -> int:
    """An item's size as DynamoDB reckons it (attribute names plus values), from its wire form."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict) -> int:
    ((kind, data),) = value.items()
    if kind in ("S", "B"):
        return len(data.encode() if isinstance(data, str) else data)
    if kind == "N":
        return 1 + math.ceil(len(data.lstrip("-").replace(".", "").lstrip("0") or "0") / 2)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "BS"):
        return sum(len(v.encode() if isinstance(v, str) else v) for v in data)
    if kind == "NS":
        return sum(_value_size({"N": v}) for v in data)
    if kind == "L":
        return 3 + sum(1 + _value_size(v) for v in data)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + _value_size(v) for k, v in data.items())
    return 0


def _update_size(params: dict) -> int:
    """What an update names (key and values): a lower bound of the item's size, raised to the table's largest later."""
    return item_size(params.get("Key", {})) + sum(
        _value_size(v) for v in params.get("ExpressionAttributeValues", {}).values()
    )


def _writes(operation: str, params: dict) -> Iterator[tuple[str, int, bool, dict]]:
    """(table, size, transactional, item or key) of every item a write call writes."""
    if operation == "PutItem":
        yield params["TableName"], item_size(params["Item"]), False, params["Item"]
    elif operation in ("UpdateItem", "DeleteItem"):
        yield params["TableName"], _update_size(params), False, params.get("Key", {})
    elif operation == "BatchWriteItem":
        for table, requests in params.get("RequestItems", {}).items():
            for request in requests:
                written = request["PutRequest"]["Item"] if "PutRequest" in request else request["DeleteRequest"]["Key"]
                yield table, item_size(written), False, written
    elif operation == "TransactWriteItems":
        for entry in params.get("TransactItems", []):
            ((kind, body),) = entry.items()
            if kind == "Put":
                yield body["TableName"], item_size(body["Item"]), True, body["Item"]
            elif kind in ("Update", "Delete"):
                yield body["TableName"], _update_size(body), True, body.get("Key", {})
            else:  # ConditionCheck: a read, billed as a write unit in a transaction
                yield body["TableName"], item_size(body.get("Key", {})), True, body.get("Key", {})


def _reads(operation: str, params: dict, parsed: dict) -> Iterator[tuple[str, int, bool, bool]]:
    """(table, size, transactional, consistent) of what a read call read; a query or scan as one access."""
    consistent = bool(params.get("ConsistentRead"))
    if operation == "GetItem":
        yield params["TableName"], item_size(parsed.get("Item", {})), False, consistent
    elif operation in ("Query", "Scan"):
        yield params["TableName"], sum(item_size(i) for i in parsed.get("Items", [])), False, consistent
    elif operation == "BatchGetItem":
        for table, items in parsed.get("Responses", {}).items():
            for item in items:
                yield table, item_size(item), False, consistent
    elif operation == "TransactGetItems":
        for entry, response in zip(params.get("TransactItems", []), parsed.get("Responses", []), strict=False):
            yield entry["Get"]["TableName"], item_size(response.get("Item", {})), True, True


def _remember_params(params=None, context=None, **_):
    """``provide-client-params`` sees the parameters our code passed; keep them in the call's context."""
    if _TALLY.get() is not None and context is not None and params is not None:
        context["aspirasi_params"] = dict(params)


def _before_call(model=None, **_):
    tally = _TALLY.get()
    if tally is not None and model is not None:
        tally.calls[(model.service_model.service_name, model.name)] += 1


def _after_call(model=None, parsed=None, context=None, **_):
    tally = _TALLY.get()
    if tally is None or model is None or not isinstance(parsed, dict) or "Error" in parsed:
        return
    service, operation = model.service_model.service_name, model.name
    params = (context or {}).get("aspirasi_params", {})
    if service == "dynamodb":
        for table, size, transactional, item in _writes(operation, params):
            tally.dynamodb.append(DynamoAccess(table, operation, True, size, transactional, item=item))
        for table, size, transactional, consistent in _reads(operation, params, parsed):
            tally.dynamodb.append(DynamoAccess(table, operation, False, size, transactional, consistent))
    elif service in ("ses", "sesv2") and operation in ("SendRawEmail", "SendEmail"):
        tally.emails += max(1, len(params.get("Destinations", [])))


def attach(client) -> None:
    """Register the counting hooks on one client."""
    events = client.meta.events
    events.register("provide-client-params", _remember_params, unique_id="aspirasi-count-params")
    events.register("before-call", _before_call, unique_id="aspirasi-count-before")
    events.register("after-call", _after_call, unique_id="aspirasi-count-after")


def install() -> None:
    """Count calls of every botocore client created from now on (idempotent; never undone: hooks cost
    nothing outside :func:`counting`)."""
    global _installed
    with _INSTALLED:
        if _installed:
            return
        original = botocore.session.Session.create_client

        @functools.wraps(original)
        def create_client(self, *args, **kwargs):
            client = original(self, *args, **kwargs)
            attach(client)
            return client

        botocore.session.Session.create_client = create_client
        _installed = True


@contextlib.contextmanager
def counting(tally: Tally | None = None) -> Iterator[Tally]:
    """Count the AWS calls made on this thread inside the block into ``tally`` (a new one by default)."""
    tally = tally if tally is not None else Tally()
    token = _TALLY.set(tally)
    try:
        yield tally
    finally:
        _TALLY.reset(token)
