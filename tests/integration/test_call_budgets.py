"""AWS-call budgets (issue 12): counted with botocore's hooks over real lifecycles (bench/lifecycle.py).

Counts are deterministic, so they are asserted here; BENCHMARKS.md shows them next to what they cost.
A budget that is met with room to spare should be lowered, not left loose.
"""

from __future__ import annotations

import pytest
from chalice.test import Client

from bench.lifecycle import ASPIRATION_BUDGET as ASPIRATION_LIFECYCLE
from bench.lifecycle import DECISION_BUDGET as DECISION
from bench.lifecycle import DINKES, DISKOMINFO, OPERATOR, ROOT, Meter
from bench.lifecycle import SUBMIT_BUDGET as SUBMIT

from .staff_helpers import Staff

pytestmark = pytest.mark.integration

# SUBMIT, DECISION and ASPIRATION_LIFECYCLE: bench/lifecycle.py's budgets, which BENCHMARKS.md shows too.
# Each consumer invocation by its message, as measured when the budgets were set (a citizen's first
# stage_entered sends the receipt; a handoff reads its stage visit, stores the token, reads the case,
# claims the team's email with its link, sends it and marks it, the visit's flag with it).
CONSUMER = {
    "stage_entered": 7,
    "handoff": 6,
    "reply_delivered": 7,
    "feedback_open": 2,
    "closed": 2,
    "rejected": 7,
    "decision": 2,
    "stage_timer": 7,
}


@pytest.fixture
def meter(stack):
    with Client(stack.app.app, stage_name="dev", project_dir=str(ROOT)) as client:
        yield Meter(stack, client.http)


def ops(invocation) -> set[str]:
    return {op for _, op in invocation.tally.calls}


def test_an_aspiration_stays_within_its_budgets(meter):
    token = meter.citizen_token("warga@example.id")
    run = meter.play("aspiration", token)
    assert run.status == "SUCCEEDED"

    (submit,) = run.of("submit")
    assert submit.tally.total <= SUBMIT, submit.tally.operations()
    # counted for real, not zero by accident
    assert ops(submit) == {"AdminGetUser", "TransactWriteItems", "StartExecution"}

    decisions = run.of("decide (link)")
    assert len(decisions) == 5
    for decision in decisions:
        assert decision.tally.total <= DECISION, decision.tally.operations()
        assert "TransactWriteItems" in ops(decision)

    for invocation in run.invocations:
        if invocation.label in CONSUMER:
            assert invocation.tally.total <= CONSUMER[invocation.label], (
                invocation.label,
                invocation.tally.operations(),
            )
    assert {i.label for i in run.invocations} >= {
        "stage_entered",
        "handoff",
        "decision",
        "reply_delivered",
        "feedback_open",
        "closed",
    }
    assert 0 < run.calls() <= ASPIRATION_LIFECYCLE, run.calls()
    assert run.transitions > 0


def test_a_console_decision_stays_within_its_budget(meter, stack):
    """The console's decision: the case, its stage visit, one transaction (the member's account status is
    cached, as it is after a member's first request)."""
    staff = Staff(stack, meter.http)
    operator = staff.token("operator", email=OPERATOR)
    token = meter.citizen_token("warga@example.id")
    status, view = meter.api(
        "submit",
        "post",
        "/complaints",
        {
            "category": "kesehatan",
            "subcategory": "puskesmas",
            "title": "Antrean panjang",
            "description": "Antrean puskesmas sampai siang.",
            "location": "Samarinda",
        },
        token,
    )
    assert status == 201
    cid = view["id"]
    stack.waiting_at(cid, "intake")
    assert meter.api("console: queue", "get", "/staff/work-items", token=operator)[0] == 200
    status, body = meter.api(
        "console: decide",
        "post",
        f"/staff/complaints/{cid}/decision",
        {"stage": "intake", "decision": "accept"},
        operator,
    )
    assert status == 200, body
    (decision,) = meter.run.of("console: decide")
    assert decision.tally.total <= DECISION, decision.tally.operations()
    assert "TransactWriteItems" in ops(decision)
    stack.waiting_at(cid, "classification")  # and it took effect


def test_a_replayed_submission_reads_only_when_it_is_a_replay(meter):
    """With an Idempotency-Key the first request is still three calls (the account, the transaction, the
    execution); a replay is found by the transaction's condition, then read with its stage visits for the
    answer (and its execution started again, which finds the running one)."""
    token = meter.citizen_token("warga@example.id")
    body = {
        "category": "kesehatan",
        "subcategory": "puskesmas",
        "title": "Antrean panjang",
        "description": "Antrean puskesmas sampai siang.",
        "location": "Samarinda",
    }
    key = {"Idempotency-Key": "bench-replay-0001"}
    assert meter.api("first", "post", "/complaints", body, token, key)[0] == 201
    assert meter.api("replay", "post", "/complaints", body, token, key)[0] == 200
    (first,) = meter.run.of("first")
    assert ops(first) == {"AdminGetUser", "TransactWriteItems", "StartExecution"}
    (replay,) = meter.run.of("replay")
    # Query: its stage visits
    assert ops(replay) == {"AdminGetUser", "TransactWriteItems", "GetItem", "StartExecution", "Query"}


def test_an_anonymous_submission_reads_the_account_within_the_same_budget(meter):
    """An anonymous complaint stores no name or phone, but reads the account to take them out of its text
    (issue 22): the named submission's three calls."""
    token = meter.citizen_token("warga@example.id")
    body = {
        "category": "kesehatan",
        "subcategory": "puskesmas",
        "title": "Antrean panjang",
        "description": "Antrean puskesmas sampai siang.",
        "anonymous": True,
    }
    assert meter.api("anonymous", "post", "/complaints", body, token)[0] == 201
    (anonymous,) = meter.run.of("anonymous")
    assert ops(anonymous) == {"AdminGetUser", "TransactWriteItems", "StartExecution"}


@pytest.mark.parametrize(
    "stack_env",
    [
        {
            "SLA_TIME_SCALE": str(6 / (2 * 86400)),
            "FEEDBACK_WINDOW_MINUTES": "30",
            **{f"SLA_MINUTES_{s}": "43200" for s in ("INTAKE", "CLASSIFICATION", "REVIEW", "REPLY")},
        }
    ],
)
def test_a_stage_timer_stays_within_its_budget(meter, stack):
    """The agency's two days last 6 s here: its reminder fires while the test waits (the other stages are
    given 30 days, so no timer fires there)."""
    token = meter.citizen_token("warga@example.id")
    run = meter.play(
        "aspiration",
        token,
        wait=lambda cid, stage: (
            stage == "opd_response"
            and stack.run_until(lambda: meter.run.of("stage_timer"), timeout=30, what="the agency's reminder")
        ),
    )
    timers = run.of("stage_timer")
    assert timers
    for timer in timers:
        assert 0 < timer.tally.total <= CONSUMER["stage_timer"], timer.tally.operations()
    assert stack.emails_to(DINKES) and stack.emails_to(DISKOMINFO)
