"""Hand what people decided to the state machine: the consumer of the tables' DynamoDB streams.

A staff decision, a citizen's answer to a question and a reopening are each one conditional write,
and the request that made it answers as soon as it is durable. The write's record on the table's
stream brings it here, and this hands it to the waiting execution with SendTaskSuccess. If that
fails (Step Functions throttles, the process dies) the stream delivers the record again, so the
hand-over is retried within seconds until it succeeds, instead of waiting for the stage's next timer.

The token is read here, after the write, never taken from the record: whichever of the write and a
new handoff (which stores a newer token) came second sees both, so one of them completes the task.
A token that has timed out meanwhile is no loss: the stage's next handoff finds the decision and
completes at once (service/workflow/handoff.py ``hand_off``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, cast

from ..config import table_name
from .container import Services

# The two tables whose streams hand things over (adapters/tables.py: ComplaintModel, WorkItemModel).
COMPLAINTS_TABLE, WORK_ITEMS_TABLE = table_name("complaints"), table_name("work-items")
DECISION = "decision"
ANSWER = "answer"
REOPEN = "reopen"


def _newly(name: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> bool:
    """The attribute is set (truthy) in the new image and was not in the old one."""
    return bool(new.get(name)) and not old.get(name)


def change_of(table: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> str | None:
    """What a table change asks to hand over, if anything (most changes ask nothing)."""
    if table == WORK_ITEMS_TABLE:
        if new.get("decision") is not None and old.get("decision") is None:
            return DECISION
        if _newly("answer", old, new):
            return ANSWER
    elif table == COMPLAINTS_TABLE and _newly("reopen_pending", old, new):
        return REOPEN
    return None


def deliver(svc: Services, kind: str, new: Mapping[str, Any]) -> bool:
    """SendTaskSuccess for one change, with the token stored now. False: nothing is waiting on it
    (yet, or any more); raises if Step Functions could not be told, so the stream delivers it again."""
    if kind == REOPEN:
        complaint = svc.store.get_complaint(str(new["id"]))
        token = complaint.feedback_token if complaint and complaint.reopen_pending else None
        if not token:
            return False
        return svc.workflow.complete(token, {"reopen": True})
    item = svc.store.get_work_item(str(new["complaint_id"]), int(new["step"]))
    if item is None:
        return False
    if kind == DECISION:
        return bool(item.task_token) and svc.workflow.complete(cast(str, item.task_token), cast(dict, item.decision))
    return bool(item.answer_token) and svc.workflow.complete(cast(str, item.answer_token), {"answered": True})


def table_of(stream_arn: str) -> str:
    """``arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`` -> ``<name>``."""
    return stream_arn.split(":table/", 1)[-1].split("/", 1)[0]


# What AWS services answer when they shed load (botocore raises them once its own retries give up), and
# the reasons a DynamoDB transaction is cancelled for the same cause. A retry seconds later succeeds.
THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "RequestThrottledException",
        "SlowDown",
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
    }
)
# A throttled message comes again after at most this many seconds, for its first deliveries; a service
# that is still shedding load after that many tries backs off like any failure, so the queue's redrive
# limit is minutes away, not one minute (infra HANDOFF_MAX_RECEIVES).
THROTTLED_MAX_SECONDS = 10
THROTTLED_FAST_DELIVERIES = 10


def _codes(error: BaseException) -> Iterator[str]:
    """The AWS error codes an exception carries: a botocore ClientError's, PynamoDB's wrapped one, and a
    DynamoDB transaction's cancellation reasons (read by shape, so no AWS library is imported here)."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        yield str(response.get("Error", {}).get("Code", ""))
        for reason in response.get("CancellationReasons") or ():
            if isinstance(reason, dict):
                yield str(reason.get("Code", ""))
    for reason in getattr(error, "cancellation_reasons", None) or ():
        yield str(getattr(reason, "code", "") or "")


def is_throttling(error: BaseException) -> bool:
    """Whether the failure is a service shedding load (anywhere in the exception's chain of causes)."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [error]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if any(code in THROTTLING_CODES for code in _codes(current)):
            return True
        stack += [getattr(current, "cause", None), current.__cause__, current.__context__]
    return False


def retry_delay(delivery_count: int, first_seconds: int, max_seconds: int, throttled: bool = False) -> int:
    """Seconds before a failed message comes again: doubling with each delivery, capped (SQS allows
    visibility timeouts up to 12 hours). The 1st failure waits ``first_seconds``.

    A throttled call is no real error: the service sheds load for a moment, and the message's finished
    steps are not repeated (service/workflow/), so for its first ``THROTTLED_FAST_DELIVERIES`` deliveries
    it comes again soon, after at most ``THROTTLED_MAX_SECONDS``. Doubling to minutes there is what once
    held a team's email back six minutes under chaos (issue 18). Past that, and for real errors, the long
    backoff; either way the queue's redrive limit still sends a message that never succeeds to the DLQ.
    """
    delay = int(min(max_seconds, first_seconds * 2 ** max(0, min(delivery_count - 1, 20))))
    if throttled and delivery_count <= THROTTLED_FAST_DELIVERIES:
        return min(delay, THROTTLED_MAX_SECONDS)
    return delay
