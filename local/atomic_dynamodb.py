"""Make moto's DynamoDB as atomic under threads as DynamoDB itself, and its transactions cheap.

DynamoDB applies a conditional write or a transaction as one step: two requests racing for the
same item cannot both pass its condition. moto does not lock: with requests on several threads (the
local stack's server, or executions and decisions in the tests) one transaction's condition check
and writes interleave with another's, and a failed transaction restores a copy of the whole table,
wiping the other's writes. Our guarantees (one decision per stage visit, one complaint per key) rest
on DynamoDB's atomicity, so the local stack and the tests run moto's item operations one at a time.

moto also deep-copies every table a transaction touches, whole (items and stream), before it runs,
to roll back with: the cost of a transaction grows with everything ever written, and a load test
of a few hundred complaints slows to a crawl. Since the operations run one at a time, a transaction
here saves only the partitions it touches and the length of their tables' streams, and on failure
puts those back (a failed transaction leaves no stream records, as in DynamoDB). What an operation
returns is copied inside the lock, since moto serializes it into the response afterwards.
"""

from __future__ import annotations

import copy
import functools
import threading
import types

from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType
from moto.dynamodb.models.table import Table

LOCK = threading.RLock()  # re-entrant: a transaction calls put_item and update_item itself
_OPERATIONS = (
    "get_item",
    "put_item",
    "update_item",
    "delete_item",
    "query",
    "scan",
    "batch_get_item",
    "batch_write_item",
    "transact_get_items",
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
)
_ABSENT = object()
_SERIALIZED: set = set()  # the wrappers installed here: installing twice changes nothing


def _one_at_a_time(original):
    @functools.wraps(original)
    def wrapper(self, *args, **kwargs):
        with LOCK:
            # A copy of what it returns (items, or an update's new item), made while no other operation
            # runs: moto turns it into the response after this returns, and the live item may be changing.
            return copy.deepcopy(original(self, *args, **kwargs))

    _SERIALIZED.add(wrapper)
    return wrapper


def _deepcopy_but_tables(value, memo=None):
    """moto's transact_write_items copies whole tables with this; tables are saved by partition instead."""
    return value if isinstance(value, Table) else copy.deepcopy(value, memo)


def _transact_write_items(original):
    @functools.wraps(original)
    def transact_write_items(self, transact_items, *args, **kwargs):
        with LOCK:
            saved: dict = {}  # (table name, hash key) -> a copy of that partition, or _ABSENT
            stream_lengths: dict[str, int] = {}
            for entry in transact_items:
                _, op = next(iter(entry.items()))
                table = self.tables.get(op.get("TableName"))
                attrs = op.get("Item") or op.get("Key") or {}
                if table is None or table.hash_key_attr not in attrs:
                    continue  # moto refuses it (and changes nothing)
                hash_key = DynamoType(attrs[table.hash_key_attr])
                if (table.name, hash_key) not in saved:
                    saved[table.name, hash_key] = (
                        copy.deepcopy(table.items[hash_key]) if hash_key in table.items else _ABSENT
                    )
                if table.stream_shard is not None:
                    stream_lengths.setdefault(table.name, len(table.stream_shard.items))
            try:
                return original(self, transact_items, *args, **kwargs)
            except Exception:
                for (name, hash_key), partition in saved.items():
                    items = self.tables[name].items
                    if partition is _ABSENT:
                        items.pop(hash_key, None)
                    else:
                        items[hash_key] = partition
                for name, length in stream_lengths.items():
                    del self.tables[name].stream_shard.items[length:]
                raise

    _SERIALIZED.add(transact_write_items)
    return transact_write_items


def serialize_dynamodb() -> None:
    """Run moto's DynamoDB item operations one at a time, transactions without whole-table copies (idempotent)."""
    for name in _OPERATIONS:
        original = getattr(DynamoDBBackend, name)
        if original not in _SERIALIZED:
            setattr(DynamoDBBackend, name, _one_at_a_time(original))
    original = DynamoDBBackend.transact_write_items
    if original not in _SERIALIZED:
        DynamoDBBackend.transact_write_items = _transact_write_items(original)  # type: ignore[method-assign]  # moto's
        # moto's own whole-table copies become the tables themselves (its rollback then puts back the
        # same objects); the partitions saved above are what is restored.
        dynamodb_models.copy = types.SimpleNamespace(deepcopy=_deepcopy_but_tables)  # type: ignore[assignment]  # moto's
