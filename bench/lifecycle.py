"""One complaint through each SOP path, metered: what every request and message costs in AWS calls.

Runs real executions of our ASL in moto (the in-process stack of local/inprocess.py, as the integration tests
do) and plays every role over the HTTP API, through Chalice's test client: the citizen submits, each team
opens its email link and decides.
Each Lambda invocation is measured apart (one record per invocation, as at low volume): the API's requests,
the state machine's messages by their type (``stage_entered``, ``handoff``, ``stage_timer``, and the
finishing ones) and the tables' stream records by the change they carry. For each: the AWS calls our code
made (local/aws_calls.py), the DynamoDB items and their sizes, the emails, the seconds it took and the bytes
it logged. From the execution's history: the state transitions. bench/cost.py prices all of it.

The call-count budgets are asserted in tests/integration/test_call_budgets.py, from the same meter.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from local.aws_calls import Tally, counting, install
from local.fast_clock import FAST_ENV as FAST_CLOCK

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = "aspirasi.kaltimprov.go.id"
OPERATOR, DISKOMINFO, DINKES = f"operator@{DOMAIN}", f"diskominfo@{DOMAIN}", f"opd-dinkes@{DOMAIN}"
PASSWORD = "Rahasia-123"
COMPLAINT = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00. Mohon ditertibkan.",
    "location": "Samarinda",
}
REPLY = {"reply": "Dinas Kesehatan: jam layanan Puskesmas Sempaja kembali sampai 14.00 sejak 1 Desember."}
# Every SOP path: (stage, team, decision) in order. ``answer`` is the citizen answering a question.
PATHS: dict[str, tuple[tuple[str, str, dict], ...]] = {
    "information": (
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "information"}),
        ("reply", OPERATOR, REPLY),
    ),
    "aspiration": (
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"}),
        ("opd_response", DINKES, {"response": "Jam layanan sudah dikembalikan sampai 14.00."}),
        ("review", DISKOMINFO, {"decision": "approve"}),
        ("reply", OPERATOR, REPLY),
    ),
    "aspiration, answer returned once": (
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"}),
        ("opd_response", DINKES, {"response": "Sudah."}),
        ("review", DISKOMINFO, {"decision": "return", "reason": "Sebutkan tanggal perbaikan."}),
        ("opd_response", DINKES, {"response": "Jam layanan normal sejak 1 Desember 2026."}),
        ("review", DISKOMINFO, {"decision": "approve"}),
        ("reply", OPERATOR, REPLY),
    ),
    "information, question to the citizen": (
        ("intake", OPERATOR, {"decision": "request_information", "question": "Puskesmas yang mana?"}),
        ("answer", "", {"answer": "Puskesmas Sempaja, Jalan Wahid Hasyim."}),
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "information"}),
        ("reply", OPERATOR, REPLY),
    ),
    "rejected at intake": (("intake", OPERATOR, {"decision": "reject", "reason": "Bukan pengaduan."}),),
}
# The integration tests' clock (local/fast_clock.py): 24x7, SOP times x 0.1 (no reminder fires while the roles
# play), a feedback window of 3 s, so every path ends with its execution within seconds.
FAST_ENV = {
    **FAST_CLOCK,
    "RETRY_FIRST_SECONDS": "1",
    "RETRY_MAX_SECONDS": "4",
    "PUBLIC_BASE_URL": "https://aspirasi.test",
    "EMAIL_FROM": "Aspirasi Kaltim <noreply@aspirasi.kaltimprov.go.id>",
    "ATTACHMENTS_BUCKET": "bench-attachments",
    "POWERTOOLS_LOG_LEVEL": "INFO",
}
# The AWS-call budgets, asserted in tests/integration/test_call_budgets.py and shown in BENCHMARKS.md (bench/run.py):
# a submission, a staff decision, and what one aspiration (five stages, answered, feedback window closed) cost
# when these budgets were last set, once an email's claim stored its action link in the same write and an
# assignment's mark set ``assigned_notified`` in its transaction (issue 18). No more than that, ever.
# A named submission reads the reporter's name and phone from the account (AdminGetUser, issue 20:
# service/complaints.reporter_details) before its transaction and StartExecution: 3 calls (was 2), and the
# aspiration's lifecycle 113 (was 112).
SUBMIT_BUDGET, DECISION_BUDGET, ASPIRATION_BUDGET = 3, 3, 113
# Lambda adds its own START, END and REPORT lines to every invocation's log (about this many bytes).
LAMBDA_LOG_LINES_BYTES = 330


@dataclass
class Invocation:
    """One Lambda invocation: which function, what it served, and what it cost."""

    function: str  # api | on_handoff | on_change
    label: str  # submit, decide (link), stage_entered, handoff, decision_made, ...
    seconds: float
    tally: Tally
    log_bytes: int
    metrics: set[tuple[str, tuple[str, ...]]] = field(default_factory=set)  # (name, dimension names) in EMF


@dataclass
class PathRun:
    name: str
    invocations: list[Invocation] = field(default_factory=list)
    transitions: int = 0  # Step Functions state transitions (states entered) of the execution
    sqs_sends: int = 0  # the state machine's SendMessage calls (its task states)
    status: str = ""

    def of(self, label: str) -> list[Invocation]:
        return [i for i in self.invocations if i.label == label]

    def calls(self) -> int:
        return sum(i.tally.total for i in self.invocations)


class Meter:
    """Wraps a running in-process stack (local/inprocess.py): every invocation through it is measured."""

    def __init__(self, stack, http):
        install()
        self.stack, self.http = stack, http
        self.run: PathRun = PathRun("")
        stack.sources.handoff.handler = self._on_handoff
        for poller in stack.sources.streams:
            poller.handler = self._on_change
        # Powertools' JSON lines: a StreamHandler's stream, swapped while an invocation is measured.
        self._handler = cast(logging.StreamHandler, logging.getLogger(stack.app.logger.service).handlers[0])

    @contextlib.contextmanager
    def _measured(self, function: str, label: str) -> Iterator[None]:
        """Count the calls made inside, time it, and catch what it writes: its log lines and its metrics
        (Powertools prints them as EMF documents), as Lambda would send them to CloudWatch Logs."""
        logged, printed = io.StringIO(), io.StringIO()
        stream = self._handler.setStream(logged)
        started = time.perf_counter()
        try:
            with counting() as tally, contextlib.redirect_stdout(printed):
                yield
        finally:
            seconds = time.perf_counter() - started
            self._handler.setStream(stream)
            output = logged.getvalue() + printed.getvalue()
            invocation = Invocation(
                function, label, seconds, tally, len(output.encode()) + LAMBDA_LOG_LINES_BYTES, _emf_metrics(output)
            )
            self.run.invocations.append(invocation)

    # -- the functions, one record per invocation --------------------------------------------------
    def _on_handoff(self, event: dict, context) -> dict:
        failures = []
        for record in event["Records"]:
            with self._measured("on_handoff", json.loads(record["body"]).get("type", "?")):
                result = self.stack.app.on_handoff({**event, "Records": [record]}, context) or {}
            failures += result.get("batchItemFailures", [])
        return {"batchItemFailures": failures}

    def _on_change(self, event: dict, context) -> dict:
        from chalicelib.web.consumers import change_kind

        failures = []
        for record in event["Records"]:
            kind, _ = change_kind(DynamoDBRecord(record))
            with self._measured("on_change", kind or "ignored"):
                result = self.stack.app.on_change({"Records": [record]}, context) or {}
            failures += result.get("batchItemFailures", [])
        return {"batchItemFailures": failures}

    def api(
        self, label: str, method: str, path: str, body=None, token: str | None = None, headers: dict | None = None
    ) -> tuple[int, dict]:
        headers = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        with self._measured("api", label):
            response = getattr(self.http, method)(
                path, headers=headers, body=json.dumps(body).encode() if body is not None else b""
            )
        return response.status_code, json.loads(response.body) if response.body else {}

    # -- the roles ----------------------------------------------------------------------------------
    def citizen_token(self, email: str) -> str:
        """Register and sign in a citizen (not measured: once per person, not per complaint)."""
        headers = {"Content-Type": "application/json"}
        self.http.post(
            "/auth/register",
            headers=headers,
            body=json.dumps({"email": email, "password": PASSWORD, "name": "Siti Aminah"}),
        )
        response = self.http.post(
            "/auth/login", headers=headers, body=json.dumps({"email": email, "password": PASSWORD})
        )
        return json.loads(response.body)["id_token"]

    def play(self, name: str, token: str, wait: Callable[[str, str], None] | None = None) -> PathRun:
        """Submit one complaint and take it along path ``name``; measured from submission to the end."""
        self.run = PathRun(name)
        status, view = self.api("submit", "post", "/complaints", COMPLAINT, token)
        assert status == 201, view
        cid = view["id"]
        for stage, team, decision in PATHS[name]:
            if stage == "answer":
                self.stack.run_until(lambda: self.stack.complaint(cid).pending_question, what="the question")
                status, body = self.api("answer", "post", f"/complaints/{cid}/information", decision, token)
                assert status == 200, body
                continue
            self.stack.waiting_at(cid, stage)
            if wait is not None:
                wait(cid, stage)
            link = self.stack.last_link(team)
            status, body = self.api("open action page", "get", f"/actions/{link}")
            assert status == 200, body
            status, body = self.api("decide (link)", "post", f"/actions/{link}", decision)
            assert status == 200, body
        execution = self.stack.finished(cid, timeout=60)
        self.run.status = execution["status"]
        history = _history(self.stack.sfn, execution["executionArn"])
        self.run.transitions = sum(1 for e in history if e["type"].endswith("StateEntered"))
        self.run.sqs_sends = sum(1 for e in history if e["type"] == "TaskScheduled")
        return self.run


def _emf_metrics(output: str) -> set[tuple[str, tuple[str, ...]]]:
    """(metric name, its dimension names) of every EMF document in a function's output."""
    found = set()
    for line in output.splitlines():
        if line.startswith('{"_aws"'):
            for directive in json.loads(line)["_aws"]["CloudWatchMetrics"]:
                names = tuple(sorted(d for group in directive["Dimensions"] for d in group))
                found |= {(metric["Name"], names) for metric in directive["Metrics"]}
    return found


def _history(sfn, arn: str) -> list[dict]:
    events, token = [], None
    while True:
        page = sfn.get_execution_history(executionArn=arn, maxResults=1000, **({"nextToken": token} if token else {}))
        events += page["events"]
        token = page.get("nextToken")
        if not token:
            return events


@contextlib.contextmanager
def metered_stack(env: dict[str, str] | None = None) -> Iterator[Meter]:
    """A running in-process stack (moto, real executions) with a meter over it."""
    from chalice.test import Client

    from local.inprocess import running_stack

    with (
        running_stack({**FAST_ENV, **(env or {})}) as stack,
        Client(stack.app.app, stage_name="dev", project_dir=str(ROOT)) as client,
    ):
        yield Meter(stack, client.http)


@dataclass
class Lifecycles:
    runs: list[PathRun]
    # Every item left in the tables at the end, by (table, key): its size, and the names of the global
    # secondary indexes it is in. A write is billed on its item's size and again in each index it is in.
    items: dict[tuple[str, str], tuple[int, tuple[str, ...]]] = field(default_factory=dict)


def item_key(table: str, item: dict) -> tuple[str, str]:
    """(table, the item's key attributes as JSON): how a write names the item it writes."""
    from chalicelib.adapters import tables

    model = next(m for m in tables.MODELS if m.Meta.table_name == table)
    names = [n for n in (model._hash_keyname, model._range_keyname) if n]
    return table, json.dumps({n: item.get(n) for n in names}, sort_keys=True)


def _final_items(region: str) -> dict[tuple[str, str], tuple[int, tuple[str, ...]]]:
    import boto3

    from chalicelib.adapters import tables
    from local.aws_calls import item_size

    dynamodb = boto3.client("dynamodb", region_name=region)
    found = {}
    for model in tables.MODELS:
        table = model.Meta.table_name
        indexes = {name: index._hash_key_attribute().attr_name for name, index in model._indexes.items()}
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            for item in page["Items"]:
                found[item_key(table, item)] = (item_size(item), tuple(n for n, k in indexes.items() if k in item))
    return found


def run_paths(names: tuple[str, ...] = tuple(PATHS)) -> Lifecycles:
    """Each path once, on one stack (one citizen); then what the tables hold."""
    from local.atomic_dynamodb import serialize_dynamodb

    serialize_dynamodb()
    runs = []
    with metered_stack() as meter:
        token = meter.citizen_token("warga@example.id")
        for name in names:
            runs.append(meter.play(name, token))
        return Lifecycles(runs, _final_items(meter.stack.region))


if __name__ == "__main__":
    for run in run_paths().runs:
        print(
            f"{run.name}: {run.status}, {run.transitions} transitions, {run.calls()} calls, "
            f"{len(run.invocations)} invocations"
        )
        for inv in run.invocations:
            print(
                f"    {inv.function:<10} {inv.label:<28} {inv.tally.total:>2} calls  {inv.seconds * 1000:7.1f} ms  "
                f"{inv.log_bytes:>6} B  {', '.join(inv.tally.operations())}"
            )
