"""Make moto's DynamoDB as atomic under threads as DynamoDB itself.

DynamoDB applies a conditional write or a transaction as one step: two requests racing for the
same item cannot both pass its condition. moto does not lock: with requests on several threads (the
local stack's server, or executions and decisions in the tests) one transaction's condition check
and writes interleave with another's, and a failed transaction restores a copy of the whole table,
wiping the other's writes. Our guarantees (one decision per stage visit, one complaint per key) rest
on DynamoDB's atomicity, so the local stack and the tests run moto's item operations one at a time.
"""

from __future__ import annotations

import functools
import threading

from moto.dynamodb.models import DynamoDBBackend

LOCK = threading.RLock()  # re-entrant: a transaction calls put_item and update_item itself
_OPERATIONS = ("get_item", "put_item", "update_item", "delete_item", "query", "scan", "batch_get_item",
               "batch_write_item", "transact_get_items", "transact_write_items", "execute_statement",
               "execute_transaction", "batch_execute_statement")


def serialize_dynamodb() -> None:
    """Run moto's DynamoDB item operations one at a time (idempotent)."""
    for name in _OPERATIONS:
        original = getattr(DynamoDBBackend, name)
        if getattr(original, "_one_at_a_time", False):
            continue

        @functools.wraps(original)
        def one_at_a_time(self, *args, _original=original, **kwargs):
            with LOCK:
                return _original(self, *args, **kwargs)

        one_at_a_time._one_at_a_time = True
        setattr(DynamoDBBackend, name, one_at_a_time)
