"""A decision that arrives while no task token is open is completed by the next handoff."""

from __future__ import annotations

import time

import pytest

from .helpers import OPERATOR, submit

pytestmark = pytest.mark.integration


@pytest.fixture
def stack_env():
    # Intake (10 min) scaled to 2 s: the handoff's wait ends after ~1 s (the reminder point).
    return {"SLA_TIME_SCALE": str(2 / 600)}


def test_decision_after_the_token_timed_out_is_not_lost(stack):
    cid = submit(stack)
    item = stack.waiting_at(cid, "intake")
    stale_token = item.task_token
    time.sleep(2.5)  # the wait times out; its StageTimer message sits in the queue, undelivered

    result = stack.decide(OPERATOR, {"decision": "accept"})
    assert result["outcome"] == "accept"
    item = stack.items(cid)[0]
    assert item.decision == {"outcome": "accept"} and item.task_token == stale_token

    stack.waiting_at(cid, "classification")  # the timer, then the new handoff, completed it
    intake = stack.items(cid)[0]
    assert intake.task_token != stale_token
    assert stack.audit_actions(cid).count("decided") == 1
