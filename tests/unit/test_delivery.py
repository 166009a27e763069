"""Which table changes hand something to the state machine, and how failed messages back off."""

from __future__ import annotations

from botocore.exceptions import ClientError
from hypothesis import given
from hypothesis import strategies as st
from pynamodb.exceptions import PutError, UpdateError

from chalicelib.adapters.tables import ComplaintModel, WorkItemModel
from chalicelib.service.delivery import (
    ANSWER,
    DECISION,
    REOPEN,
    THROTTLED_FAST_DELIVERIES,
    THROTTLED_MAX_SECONDS,
    change_of,
    is_throttling,
    retry_delay,
    table_of,
)

ITEMS, COMPLAINTS = WorkItemModel.Meta.table_name, ComplaintModel.Meta.table_name


def test_a_decision_written_now_is_handed_over_once():
    undecided = {"complaint_id": "c1", "step": 1, "task_token": "t"}
    decided = {**undecided, "decision": {"outcome": "accept"}}
    assert change_of(ITEMS, undecided, decided) == DECISION
    # Later changes of a decided item (a new token, a note) hand nothing over again: the handoff
    # that stores a new token completes the task itself.
    assert change_of(ITEMS, decided, {**decided, "task_token": "t2"}) is None
    assert change_of(ITEMS, {}, undecided) is None  # a visit opens


def test_an_answer_and_a_reopening_are_handed_over_when_they_are_written():
    asked = {"complaint_id": "c1", "step": 2, "decision": {"outcome": "request_information"}, "question": "?"}
    assert change_of(ITEMS, asked, {**asked, "answer": "Pasar Segiri"}) == ANSWER
    assert change_of(ITEMS, {**asked, "answer": "x"}, {**asked, "answer": "x", "answer_token": "t"}) is None
    answered = {"id": "c1", "status": "answered", "reopen_pending": False}
    assert change_of(COMPLAINTS, answered, {**answered, "status": "open", "reopen_pending": True}) == REOPEN
    assert change_of(COMPLAINTS, {**answered, "reopen_pending": True}, {**answered, "reopen_pending": True}) is None
    assert change_of(COMPLAINTS, answered, {**answered, "reopen_pending": False}) is None


def test_changes_of_other_tables_hand_nothing_over():
    assert change_of("aspirasi-kaltim-audit", {}, {"decision": {"outcome": "accept"}}) is None
    assert change_of(COMPLAINTS, {}, {"id": "c1", "decision": {"outcome": "accept"}}) is None


def test_the_table_is_read_from_the_stream_arn():
    arn = f"arn:aws:dynamodb:ap-southeast-3:123456789012:table/{ITEMS}/stream/2026-11-28T21:57:24.422"
    assert table_of(arn) == ITEMS


def test_failed_messages_come_again_after_a_doubling_backoff_with_a_cap():
    assert [retry_delay(n, 2, 300) for n in range(1, 11)] == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert retry_delay(0, 2, 300) == 2  # a missing count is the first delivery


@given(st.integers(min_value=0, max_value=10_000), st.integers(1, 60), st.integers(1, 43_200), st.booleans())
def test_the_backoff_never_shrinks_and_stays_a_valid_visibility_timeout(count, first, cap, throttled):
    delay = retry_delay(count, first, cap, throttled)
    assert 1 <= delay <= cap  # SQS takes 0..43,200 s
    assert retry_delay(count + 1, first, cap, throttled) >= delay
    assert delay <= retry_delay(count, first, cap)  # throttling never waits longer than a real error


def test_a_throttled_message_comes_again_within_seconds_for_its_first_tries():
    """Issue 18: a service shedding load is retried soon; a real error keeps the doubling backoff. A service
    that is still throttling after THROTTLED_FAST_DELIVERIES tries backs off too (the DLQ stays minutes away)."""
    throttled = [retry_delay(n, 2, 300, throttled=True) for n in range(1, 16)]
    fast = throttled[:THROTTLED_FAST_DELIVERIES]
    assert fast[:4] == [2, 4, 8, THROTTLED_MAX_SECONDS] and max(fast) == THROTTLED_MAX_SECONDS
    assert throttled[THROTTLED_FAST_DELIVERIES:] == [
        retry_delay(n, 2, 300) for n in range(THROTTLED_FAST_DELIVERIES + 1, 16)
    ]
    assert retry_delay(8, 2, 300) == 256  # not throttled: minutes
    assert retry_delay(5, 1, 4, throttled=True) == 4  # a lower cap still holds


def _client_error(code: str, reasons: list | None = None) -> ClientError:
    response: dict = {"Error": {"Code": code, "Message": "x"}}
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": r} for r in reasons]
    return ClientError(response, "Operation")


def test_throttling_is_found_wherever_the_aws_error_is_wrapped():
    for code in (
        "Throttling",
        "ThrottlingException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "RequestThrottled",
    ):
        assert is_throttling(_client_error(code)), code
    # PynamoDB keeps botocore's error as ``cause``; our store raises its own errors from it.
    wrapped_by_pynamodb = UpdateError("Failed", cause=_client_error("ProvisionedThroughputExceededException"))
    assert is_throttling(wrapped_by_pynamodb)
    try:
        try:
            raise PutError("Failed to put item", cause=_client_error("ThrottlingException"))
        except PutError as error:
            raise RuntimeError("the store's own error") from error
    except RuntimeError as wrapped:
        assert is_throttling(wrapped)
    assert is_throttling(_client_error("TransactionCanceledException", ["None", "ThrottlingError"]))
    # Real errors are not throttling.
    for real in (
        _client_error("ValidationException"),
        _client_error("ConditionalCheckFailedException"),
        _client_error("TransactionCanceledException", ["ConditionalCheckFailed"]),
        LookupError("gone"),
        UpdateError("Failed to update item", cause=_client_error("AccessDeniedException")),
    ):
        assert not is_throttling(real), real
