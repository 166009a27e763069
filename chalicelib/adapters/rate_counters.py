"""The rate counters' table: one item per (subject, window), counted by one atomic conditional update.

Every limit uses it: Open311 keys' requests a minute (service/api_keys.py) and citizens' complaints an
hour (service/rate_limits.py; counted in the complaint's own transaction).
"""

from __future__ import annotations

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition, size
from pynamodb.expressions.update import Action

from ..domain.limits import CounterHit
from .dynamo import condition_failed
from .tables import RateCounterModel

CounterUpdate = tuple[RateCounterModel, list[Action], Condition]


def counter_update(hit: CounterHit) -> CounterUpdate:
    """The conditional update that counts ``hit`` if its counter is under the limit: (item, actions,
    condition), for an UpdateItem of its own (``RateCounters.count_hit``) or in the transaction of what it admits
    (a citizen's new complaint: Store.create_complaint).

    With a ``member`` (a complaint's id) the hits are a set of members, so the same member counts once.
    DynamoDB deletes the item after ``expires`` (TTL), once its window is over.
    """
    if hit.member is None:
        actions: list[Action] = [RateCounterModel.hits.add(1)]
        condition = RateCounterModel.hits.does_not_exist() | (RateCounterModel.hits < hit.limit)
    else:
        members = RateCounterModel.members
        actions = [members.add({hit.member})]
        condition = members.does_not_exist() | (size(members) < hit.limit) | members.contains(hit.member)
    return RateCounterModel(hit.counter), [*actions, RateCounterModel.ttl.set(hit.expires)], condition


class RateCounters:
    """Part of ``Store`` (a mixin): counting a hit on its own."""

    def count_hit(self, hit: CounterHit) -> int | None:
        """Count one hit if the counter is under its limit: the new count, or None when full.

        One atomic, conditional UpdateItem: concurrent hits can never push it past the limit.
        """
        item, actions, condition = counter_update(hit)
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as error:
            if condition_failed(error):
                return None
            raise
        return int(item.hits)
