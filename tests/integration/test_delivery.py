"""A durable decision is a success: the request answers 200 once it is written, and the table's stream
hands it to the state machine, retried within seconds (not at the stage's next timer) while Step
Functions refuses (a citizen's answer and a reopening: test_followup.py). A failed consumer step comes again
after its backoff, not the queue's visibility timeout."""

from __future__ import annotations

import time

import pytest

from chalicelib.domain.timestamps import parse_iso
from local.inprocess import STREAM_BACKOFF

from .helpers import OPERATOR, call, citizen_token, refuse_send_task_success, submit_by_api

pytestmark = pytest.mark.integration


def worst_case_seconds(failures: int) -> float:
    """The stream poller's backoff before the attempt after ``failures`` failed ones."""
    first, cap = STREAM_BACKOFF
    return sum(min(cap, first * 2**n) for n in range(failures))


def test_a_decision_is_a_success_once_written_and_reaches_the_state_machine_within_the_backoff(
    stack, client, monkeypatch
):  # noqa: F811
    token = citizen_token(client)
    cid = submit_by_api(client, token)
    intake = stack.waiting_at(cid, "intake")
    calls = refuse_send_task_success(stack, monkeypatch, times=3)

    response, body = call(client, "post", f"/actions/{stack.last_link(OPERATOR)}", {"decision": "accept"})
    decided = time.monotonic()
    assert response.status_code == 200 and body["outcome"] == "accept"  # not 500: the decision is durable
    assert stack.items(cid)[0].decision == {"outcome": "accept"}

    stack.waiting_at(cid, "classification")
    took = time.monotonic() - decided
    assert calls["refused"] == 3 and calls["taken"] >= 1
    # Handed over by the stream with the token it had, not by a new handoff after the stage's timer.
    first = stack.items(cid)[0]
    assert first.task_token == intake.task_token and first.reminded_at is None
    timer = (parse_iso(intake.remind_at) - parse_iso(intake.entered_at)).total_seconds()
    assert took < worst_case_seconds(3) + 10 < timer, (took, timer)
    assert stack.audit_actions(cid).count("decided") == 1

    # A retry of the same link after a 5xx would find the decision: 409, never a second effect.
    again, problem = call(client, "post", f"/actions/{stack.last_link(OPERATOR)}", {"decision": "accept"})
    assert again.status_code == 409 and stack.audit_actions(cid).count("decided") == 1


def test_a_failed_consumer_step_comes_again_after_its_backoff_not_the_visibility_timeout(stack, client, monkeypatch):  # noqa: F811
    visibility = int(
        stack.sqs.get_queue_attributes(QueueUrl=stack.resources.queue_url, AttributeNames=["VisibilityTimeout"])[
            "Attributes"
        ]["VisibilityTimeout"]
    )
    calls = refuse_send_task_success(stack, monkeypatch, times=1)  # the first stage entry cannot answer
    token = citizen_token(client)
    started = time.monotonic()
    cid = submit_by_api(client, token)
    stack.waiting_at(cid, "intake", timeout=visibility - 5)  # RETRY_FIRST_SECONDS=1 in the tests' settings
    assert calls["refused"] == 1
    assert time.monotonic() - started < visibility - 5
