"""Abuse limits through the API, on moto: a citizen's complaints an hour (429 + Retry-After) and the
request body bound (413), each refusal changing nothing."""

from __future__ import annotations

import contextlib
import dataclasses
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from chalicelib.adapters.tables import ComplaintModel, RateCounterModel
from chalicelib.domain.limits import MAX_BODY_BYTES

from .helpers import COMPLAINT, assert_problem, call, citizen_token
from .open311_helpers import FORM, NEW_REQUEST, assert_error, issue, o311_call
from .staff_helpers import PHONE_CALL

pytestmark = pytest.mark.integration


def executions(stack) -> int:
    return len(
        boto3.client("stepfunctions", region_name=stack.region).list_executions(
            stateMachineArn=stack.resources.state_machine_arn
        )["executions"]
    )


def complaint_count() -> int:
    return sum(1 for _ in ComplaintModel.scan())


def submission_counters() -> list:
    """The citizens' complaint counters (registrations per address are counted in the same table)."""
    return [c for c in RateCounterModel.scan() if c.counter.startswith("submit#")]


def test_the_eleventh_complaint_in_an_hour_is_refused_until_the_hour_ends(stack, client, monkeypatch):
    moment = datetime(2026, 11, 28, 3, 15, 20, tzinfo=UTC)
    monkeypatch.setattr(stack.svc, "now", lambda: moment)
    siti, budi = citizen_token(client), citizen_token(client, email="budi@example.id", name="Budi")
    first: Any = None  # the first complaint made (its JSON)
    for n in range(10):
        response, body = call(
            client, "post", "/complaints", {**COMPLAINT, "title": f"Laporan {n}"}, siti, {"Idempotency-Key": f"k-{n}"}
        )
        assert response.status_code == 201, body
        first = first or body

    response, problem = call(
        client, "post", "/complaints", {**COMPLAINT, "title": "Laporan 11"}, siti, {"Idempotency-Key": "k-10"}
    )
    assert_problem(response, problem, 429)
    assert problem["type"].endswith("/submission-limit")
    assert response.headers["Retry-After"] == "2680"  # 03:15:20 -> 04:00:00
    assert problem["limit"] == 10 and problem["retry_after"] == 2680
    assert complaint_count() == 10 and executions(stack) == 10  # nothing stored, nothing started
    # Without a key it is refused the same way.
    response, problem = call(client, "post", "/complaints", COMPLAINT, siti)
    assert_problem(response, problem, 429)

    # A replay of a complaint already made is not a new complaint: it still answers, and is not counted.
    response, again = call(
        client, "post", "/complaints", {**COMPLAINT, "title": "Laporan 0"}, siti, {"Idempotency-Key": "k-0"}
    )
    assert response.status_code == 200 and again["id"] == first["id"]
    # Each account has its own count.
    response, other = call(client, "post", "/complaints", COMPLAINT, budi, {"Idempotency-Key": "k-0"})
    assert response.status_code == 201 and other["id"] != first["id"]
    counters = [(c.counter.split("#")[0], c.counter.split("#")[2], len(c.members)) for c in submission_counters()]
    assert sorted(counters) == [("submit", "2026-11-28T03:00", 1), ("submit", "2026-11-28T03:00", 10)]
    assert all(c.ttl == datetime(2026, 11, 28, 5, tzinfo=UTC) for c in submission_counters())

    moment = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)  # the next hour
    response, body = call(
        client, "post", "/complaints", {**COMPLAINT, "title": "Laporan 11"}, siti, {"Idempotency-Key": "k-10"}
    )
    assert response.status_code == 201, body
    assert complaint_count() == 12


def test_limit_is_configurable_and_staff_entries_are_not_limited(stack, client, staff, monkeypatch):
    monkeypatch.setattr(stack.svc, "settings", dataclasses.replace(stack.svc.settings, submission_limit_per_hour=1))
    siti, operator = citizen_token(client), staff.token("operator")
    assert call(client, "post", "/complaints", COMPLAINT, siti)[0].status_code == 201
    assert call(client, "post", "/complaints", COMPLAINT, siti)[0].status_code == 429
    for n in range(3):  # an operator enters what people phone in, however many call
        response, body = call(client, "post", "/staff/complaints", {**PHONE_CALL, "title": f"Telepon {n}"}, operator)
        assert response.status_code == 201, body


def test_a_body_over_the_bound_is_413_and_changes_nothing(stack, client):
    siti = citizen_token(client)
    huge = json.dumps({**COMPLAINT, "description": "x" * MAX_BODY_BYTES})
    response, problem = call(client, "post", "/complaints", huge, siti)
    assert_problem(response, problem, 413)
    assert "128 KiB" in problem["messages"]["en"]
    response, problem = call(client, "post", "/auth/register", "{" + " " * MAX_BODY_BYTES + "}")
    assert_problem(response, problem, 413)
    # Just under the bound the body is read as usual (and refused for what it says, not its size).
    near = json.dumps({**COMPLAINT, "description": "x" * (MAX_BODY_BYTES - 1000)})
    response, problem = call(client, "post", "/complaints", near, siti)
    assert_problem(response, problem, 422)

    key = issue(stack)
    form = {"api_key": key, **NEW_REQUEST, "description": "x" * MAX_BODY_BYTES}
    response, parsed = o311_call(
        client, "post", "requests.json", headers={"Content-Type": FORM}, raw=urlencode(form).encode()
    )
    assert_error(response, parsed, 413, "at most 128 KiB")
    assert complaint_count() == 0 and executions(stack) == 0
    assert submission_counters() == []  # refused before the key was even counted


@contextlib.contextmanager
def throttled_once(aws_client, event: str):
    """The client's first call to ``event`` (``before-call.<service>.<Operation>``) fails with a throttling
    error, at the client's boundary (as if through botocore's retries); yields the list of refusals."""
    from botocore.awsrequest import AWSResponse

    refused: list[int] = []

    def refuse_once(params=None, **_):
        if refused:
            return None
        refused.append(1)
        error = {
            "Error": {"Code": "ThrottlingException", "Message": "Rate exceeded"},
            "ResponseMetadata": {"HTTPStatusCode": 400, "HTTPHeaders": {}, "RetryAttempts": 0},
        }
        return AWSResponse((params or {}).get("url", ""), 400, {}, None), error

    aws_client.meta.events.register(event, refuse_once, unique_id="test-throttled-once")
    try:
        yield refused
    finally:
        aws_client.meta.events.unregister(event, unique_id="test-throttled-once")


def test_a_retry_after_a_failed_attempt_is_not_counted_twice(stack, client, monkeypatch):
    """DynamoDB fails the first attempt's transaction (500): nothing is stored and, the count being in the
    same transaction, nothing counted; its retry with the same Idempotency-Key is admitted and counted once,
    at the limit -- while another complaint is not."""
    monkeypatch.setattr(stack.svc, "settings", dataclasses.replace(stack.svc.settings, submission_limit_per_hour=1))
    siti = citizen_token(client)
    dynamodb = ComplaintModel._get_connection().connection.client
    with throttled_once(dynamodb, "before-call.dynamodb.TransactWriteItems") as failures:
        response, problem = call(client, "post", "/complaints", COMPLAINT, siti, {"Idempotency-Key": "sekali"})
        assert_problem(response, problem, 500)
        assert failures and complaint_count() == 0
        assert submission_counters() == []  # not counted either
        response, created = call(client, "post", "/complaints", COMPLAINT, siti, {"Idempotency-Key": "sekali"})
        assert response.status_code == 201, created
    response, problem = call(client, "post", "/complaints", COMPLAINT, siti, {"Idempotency-Key": "lain"})
    assert_problem(response, problem, 429)
    (counter,) = submission_counters()
    assert counter.members == {created["id"]}


def test_a_complaint_taken_back_is_not_counted(stack, client, monkeypatch):
    """Without an Idempotency-Key, a complaint whose execution did not start is taken back (500): its count
    goes with it, in the same transaction, so the citizen's next complaint is not refused for it."""
    monkeypatch.setattr(stack.svc, "settings", dataclasses.replace(stack.svc.settings, submission_limit_per_hour=1))
    siti = citizen_token(client)
    with throttled_once(stack.svc.workflow._client, "before-call.sfn.StartExecution") as refused:
        response, problem = call(client, "post", "/complaints", COMPLAINT, siti)
        assert_problem(response, problem, 500)
    assert refused and complaint_count() == 0
    assert [counter.members for counter in submission_counters()] in ([], [None], [set()])
    response, created = call(client, "post", "/complaints", COMPLAINT, siti)
    assert response.status_code == 201, created
    assert complaint_count() == 1 and executions(stack) == 1
