"""The rate counters' table: one item per (subject, window), counted by one atomic conditional update.

Every limit uses it: Open311 keys' requests a minute (service/api_keys.py) and citizens' complaints an
hour (service/rate_limits.py).
"""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import size

from .store import _condition_failed
from .tables import RateCounterModel


def count_hit(counter: str, limit: int, expires: datetime, member: str | None = None) -> int | None:
    """Count one hit if the counter is under ``limit``: the new count, or None when full.

    One atomic, conditional UpdateItem: concurrent hits can never push it past the limit. With a
    ``member`` (a complaint's id) the hits are a set of members, so the same member counts once: a
    retry of a request that was counted but failed before it was done is admitted again without
    counting twice. DynamoDB deletes the item after ``expires`` (TTL), once its window is over.
    """
    item = RateCounterModel(counter)
    if member is None:
        actions = [RateCounterModel.hits.add(1)]
        condition = RateCounterModel.hits.does_not_exist() | (RateCounterModel.hits < limit)
    else:
        members = RateCounterModel.members
        actions = [members.add({member})]
        condition = members.does_not_exist() | (size(members) < limit) | members.contains(member)
    try:
        item.update(actions=[*actions, RateCounterModel.ttl.set(expires)], condition=condition)
    except UpdateError as error:
        if _condition_failed(error):
            return None
        raise
    return int(item.hits) if member is None else len(item.members or ())
