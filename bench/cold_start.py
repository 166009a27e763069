"""Cold start (issue 12): a fresh Lambda process importing the handler module and serving its first request.

Four kinds of fresh process (``sys.executable -c``), side by side:

- ``floor``: ``import boto3`` and one client (``boto3.client("dynamodb")``), the least any function here pays;
- ``api_categories``: ``import app`` (the Lambda handler module, as Lambda imports it) and ``app.app`` serving
  an API Gateway REST proxy event for ``GET /categories``;
- ``api_complaint``: the same with an authenticated ``GET /complaints/{id}`` (a real Cognito ID token from moto,
  a complaint of that citizen): the JWKS fetch, the token check and the reads a citizen's first request pays;
- ``consumer_handoff``: ``import app`` and ``app.on_handoff`` given ONE SQS record of a real handoff message
  (sent by the state machine in moto, with its task token): the work item keeps the token, the team is emailed.

Each child asserts its own outcome (200; no batchItemFailures): a failed request is not a measurement. The
kinds run round-robin, the order rotating each run, so a machine's drift touches them all alike; one round
before the measured ones warms the disk cache and writes the bytecode, and is not counted.

Time: ``seconds`` runs from just before ``Popen`` (this process's clock) to the moment the child has served
its request (the child's clock), both ``time.monotonic()``, the system-wide monotonic clock, so the
interpreter's start counts and the script's first line is no starting point. That is a cold start: Lambda
keeps the process after the first request, it never shuts the interpreter down on the way. ``exit_seconds``
(``Popen`` to the child's exit, by this process alone) is reported too: it adds the interpreter's shutdown,
which grows with what was loaded (the module teardown and the last garbage collection), so its ratios are
higher. Each figure is the median over the runs; ``ratio`` is a kind's median over the floor's (the issue's
budget is at most 1.3x: reported, never asserted here). Memory: each child's own high-water mark (VmHWM from
/proc/self/status, at its end); ``ru_maxrss`` would not do on Linux, where it keeps the forking parent's
across exec (this process holds the moto server); ``ru_maxrss`` only where there is no /proc.

AWS is a moto server in this process (Step Functions executions on), provisioned as the local stack does
(local/provision.py). The fixtures are made before any child runs, through the real API and consumer in
this process: a citizen account and its ID token, and one complaint per handoff child (each child's handoff
is a first-time handling: its own complaint, its own work item), each walked by its execution to the
intake stage's handoff message, which is taken off the queue for the child.

    .venv/bin/python -m bench.cold_start [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REGION = "ap-southeast-3"
SENDER_DOMAIN = "aspirasi.kaltimprov.go.id"
INTAKE_TEAM = f"operator@{SENDER_DOMAIN}"  # the intake stage's mailbox (Settings.mailbox, no MAILBOX_* set)
FLOOR = "floor"
KINDS = (FLOOR, "api_categories", "api_complaint", "consumer_handoff")
BUDGET = 1.3  # the issue's: each kind at most 1.3x the floor's median
MARK = "COLD_START_RESULT "  # the child's one line of figures (EMF metrics and logs may share its stdout)
CHILD_TIMEOUT = 60
PASSWORD = "Rahasia-123"
CITIZEN = {"email": "warga.coldstart@example.id", "password": PASSWORD, "name": "Siti Aminah"}
COMPLAINT = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
    "location": "Samarinda",
}

# What each child runs (``python -c``). The same prelude for every kind; the figures go out as one line.
CHILD = f"""
import json, os, resource, time
kind = os.environ["COLD_START_KIND"]
if kind == "floor":
    import boto3
    boto3.client("dynamodb", region_name=os.environ["AWS_REGION"])
else:
    import app

    class Context:
        function_name = "aspirasi-kaltim-dev"
        function_version = "$LATEST"
        invoked_function_arn = "arn:aws:lambda:{REGION}:123456789012:function:aspirasi-kaltim-dev"
        memory_limit_in_mb = 256
        aws_request_id = "cold-start"
        log_group_name = "/aws/lambda/aspirasi-kaltim-dev"
        log_stream_name = "cold-start"

        def get_remaining_time_in_millis(self):
            return 30000

    event = json.loads(os.environ["COLD_START_EVENT"])
    if kind == "consumer_handoff":
        result = app.on_handoff(event, Context())
        assert result == {{"batchItemFailures": []}}, result
    else:
        response = app.app(event, Context())
        assert response["statusCode"] == 200, response
done = time.monotonic()
try:  # this program's own high-water mark (ru_maxrss keeps the forking parent's across exec on Linux)
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print("{MARK}" + json.dumps({{"done": done, "peak_kib": peak}}), flush=True)
"""


# -- pure helpers ---------------------------------------------------------------------------------
def api_event(
    method: str,
    resource_path: str,
    path_parameters: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    body: dict | None = None,
) -> dict:
    """An API Gateway REST API (v1) proxy event, as Lambda hands it to ``app.app``."""
    path = resource_path
    for name, value in (path_parameters or {}).items():
        path = path.replace("{" + name + "}", value)
    all_headers = {"Accept": "application/json", "Host": "api.aspirasi.bench", **(headers or {})}
    if body is not None:
        all_headers.setdefault("Content-Type", "application/json")
    return {
        "resource": resource_path,
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource_path,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": "cold-start",
            "apiId": "bench",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "bench.cold_start"},
        },
        "body": None if body is None else json.dumps(body),
        "isBase64Encoded": False,
    }


def rotated(kinds: Sequence[str], run: int) -> list[str]:
    """The kinds in run ``run``'s order: round-robin, each run starting one further along."""
    shift = run % len(kinds)
    return [*kinds[shift:], *kinds[:shift]]


@dataclass
class Sample:
    seconds: float  # before Popen to the child's request served (its work done)
    exit_seconds: float  # before Popen to the child's exit (the interpreter's shutdown included)
    peak_mib: float


def summarise(samples: Mapping[str, Sequence[Sample]], floor: str = FLOOR, budget: float = BUDGET) -> dict:
    """Medians per kind; each kind but the floor with its ratios to the floor and whether within the budget."""
    out: dict = {}
    base = statistics.median(s.seconds for s in samples[floor])
    base_exit = statistics.median(s.exit_seconds for s in samples[floor])
    for kind, taken in samples.items():
        figures = {
            "seconds": statistics.median(s.seconds for s in taken),
            "exit_seconds": statistics.median(s.exit_seconds for s in taken),
            "peak_mib": statistics.median(s.peak_mib for s in taken),
            "samples": len(taken),
        }
        if kind != floor:
            figures["ratio"] = figures["seconds"] / base
            figures["exit_ratio"] = figures["exit_seconds"] / base_exit
            figures["within_budget"] = figures["ratio"] <= budget
        out[kind] = figures
    return out


def table(figures: Mapping[str, Any], budget: float = BUDGET) -> str:
    """The figures as a small Markdown table (BENCHMARKS.md can quote it as is)."""
    lines = [
        "| process | median s to first request served | x floor | median s to exit | x floor | peak MiB | budget |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for kind in [k for k in KINDS if k in figures] + [k for k in figures if k not in KINDS]:
        f = figures[kind]
        if not isinstance(f, dict) or "seconds" not in f:
            continue
        ratio, exit_ratio = f.get("ratio", 1.0), f.get("exit_ratio", 1.0)
        verdict = "" if "ratio" not in f else ("within" if ratio <= budget else "OVER") + f" (<= {budget}x)"
        lines.append(
            f"| {kind} | {f['seconds']:.3f} | {ratio:.2f} | {f['exit_seconds']:.3f} | {exit_ratio:.2f} | "
            f"{f['peak_mib']:.1f} | {verdict} |"
        )
    return "\n".join(lines)


# -- one child ------------------------------------------------------------------------------------
def run_child(kind: str, env: Mapping[str, str], event: dict | None = None) -> Sample:
    """One fresh process of ``kind``; raises when it failed (its stderr's tail says why)."""
    child_env = {**env, "COLD_START_KIND": kind}
    if event is not None:
        child_env["COLD_START_EVENT"] = json.dumps(event)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=child_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise RuntimeError(f"cold start {kind}: no answer in {CHILD_TIMEOUT} s") from None
    exit_seconds = time.monotonic() - started
    lines = [line for line in out.splitlines() if line.startswith(MARK)]
    if proc.returncode != 0 or not lines:
        raise RuntimeError(f"cold start {kind} failed (exit {proc.returncode}):\n{err[-3000:]}{out[-1000:]}")
    result = json.loads(lines[-1][len(MARK) :])
    seconds = result["done"] - started
    if not 0 < seconds <= exit_seconds:  # the two processes' clocks are not one: no figure rather than a wrong one
        raise RuntimeError(f"cold start {kind}: the child's clock is not this process's ({seconds=:.3f})")
    return Sample(seconds, exit_seconds, result["peak_kib"] / 1024)


# -- the local AWS and the fixtures ---------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    """``values`` in os.environ for the block, then the environment as it was."""
    saved = dict(os.environ)
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _fresh_clients() -> None:
    """Forget the settings, the services and PynamoDB's connections: the next ones see the environment now."""
    from chalicelib import config
    from chalicelib.adapters import tables

    config.settings.cache_clear()
    tables.reset_connections()  # PynamoDB's shared connection keeps its endpoint
    if "app" in sys.modules:
        sys.modules["app"].services.cache_clear()


class _Context:
    """A Lambda context for the handler calls this process makes while making the fixtures."""

    function_name = "aspirasi-kaltim-dev"
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:aspirasi-kaltim-dev"
    memory_limit_in_mb = 256
    aws_request_id = "cold-start-fixture"
    log_group_name = "/aws/lambda/aspirasi-kaltim-dev"
    log_stream_name = "cold-start"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 30_000


def _call(app_module, event: dict, expect: int) -> dict:
    response = app_module.app(event, _Context())
    if response["statusCode"] != expect:
        raise RuntimeError(f"{event['httpMethod']} {event['path']}: {response['statusCode']} {response['body']}")
    return json.loads(response["body"]) if response.get("body") else {}


@dataclass
class Fixtures:
    env: dict[str, str]  # what every child gets: the app's settings, pointing at the moto server
    categories: dict
    complaint: dict
    handoffs: list[dict] = field(default_factory=list)  # one SQS event (one record) per consumer child
    handoff_complaints: list[str] = field(default_factory=list)


def _handoffs(app_module, resources, complaint_ids: Sequence[str], timeout: float = 60) -> dict[str, dict]:
    """Walk each complaint's execution to its intake handoff: the stage_entered messages go to the real
    consumer here; each handoff message is taken off the queue (as the event source mapping would) and kept."""
    import boto3

    from local.poller import sqs_event

    sqs = boto3.client("sqs", region_name=REGION)
    wanted = set(complaint_ids)
    found: dict[str, dict] = {}  # complaint id -> its handoff message, as Lambda's event
    deadline = time.monotonic() + timeout
    while wanted - found.keys():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no handoff message for {len(wanted - found.keys())} complaint(s) in {timeout} s")
        messages = sqs.receive_message(
            QueueUrl=resources.queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        for message in messages:
            body = json.loads(message["Body"])
            event = sqs_event([message], resources.queue_arn, REGION)
            if body["type"] == "handoff" and body["complaint_id"] in wanted:
                found[body["complaint_id"]] = event
            elif body["type"] == "stage_entered":
                result = app_module.on_handoff(event, _Context())
                if result != {"batchItemFailures": []}:
                    raise RuntimeError(f"stage_entered of {body['complaint_id']} failed: {result}")
            else:
                raise RuntimeError(f"unexpected message {body['type']} of {body.get('complaint_id')}")
            sqs.delete_message(QueueUrl=resources.queue_url, ReceiptHandle=message["ReceiptHandle"])
    return found


def _make_fixtures(env: dict[str, str], handoffs: int) -> Fixtures:
    import importlib

    app_module = importlib.import_module("app")
    from chalicelib.adapters import tables
    from chalicelib.domain.roles import all_groups
    from local.provision import provision, provision_cognito, provision_uploads

    tables_prefix = tables.PREFIX  # fixed when chalicelib.adapters.tables was first imported: children use it too
    resources = provision(REGION, env["HANDOFF_QUEUE_NAME"], SENDER_DOMAIN)
    provision_uploads(REGION, env["ATTACHMENTS_BUCKET"], env["UPLOADS_QUEUE_NAME"], [env["PUBLIC_BASE_URL"]])
    identity = provision_cognito(REGION, {}, lambda: PASSWORD, groups=all_groups())
    env.update(
        {
            "TABLE_PREFIX": tables_prefix,
            "STATE_MACHINE_ARN": resources.state_machine_arn,
            "COGNITO_USER_POOL_ID": identity.user_pool_id,
            "COGNITO_CLIENT_ID": identity.client_id,
            "COGNITO_JWKS_URL": f"{env['AWS_ENDPOINT_URL']}/{identity.user_pool_id}/.well-known/jwks.json",
        }
    )
    # This process's own use of the app prints no metrics (EMF on stdout); the children's do, as in Lambda.
    os.environ.update({**env, "POWERTOOLS_METRICS_DISABLED": "true"})
    _fresh_clients()

    # The citizen, through the real API (accounts are confirmed at registration here, as on the local stack).
    _call(app_module, api_event("POST", "/auth/register", body=CITIZEN), 201)
    tokens = _call(
        app_module, api_event("POST", "/auth/login", body={k: CITIZEN[k] for k in ("email", "password")}), 200
    )
    bearer = {"Authorization": f"Bearer {tokens['id_token']}"}
    ids = []
    for n in range(1 + handoffs):  # one for GET /complaints/{id}, then one per consumer child
        body = {
            **COMPLAINT,
            "title": f"{COMPLAINT['title']} ({n + 1})",
            "description": f"{COMPLAINT['description']} Laporan ke-{n + 1}.",
        }
        ids.append(_call(app_module, api_event("POST", "/complaints", headers=bearer, body=body), 201)["id"])
    found = _handoffs(app_module, resources, ids)
    return Fixtures(
        env=dict(env),
        categories=api_event("GET", "/categories"),
        complaint=api_event("GET", "/complaints/{complaint_id}", {"complaint_id": ids[0]}, headers=bearer),
        handoffs=[found[cid] for cid in ids[1:]],
        handoff_complaints=ids[1:],
    )


def _check_handoff(app_module, complaint_id: str, event: dict, team_emails_before: int) -> int:
    """The consumer child did what production does: the work item holds the token, the team was emailed."""
    from local.outbox import sent_emails

    token = json.loads(event["Records"][0]["body"])["task_token"]
    item = app_module.services().store.get_work_item(complaint_id, 1)
    if item is None or item.task_token != token or not item.assigned_notified:
        raise RuntimeError(f"the handoff of {complaint_id} was not handled as in production")
    now = sum(INTAKE_TEAM in m["to"] for m in sent_emails(REGION))
    if now <= team_emails_before:
        raise RuntimeError(f"the handoff of {complaint_id} emailed no one")
    return now


@contextmanager
def _local_aws(handoffs: int) -> Iterator[Fixtures]:
    """A moto server in this process, the app's resources in it, and the fixtures; all gone afterwards."""
    port = _free_port()
    endpoint = f"http://127.0.0.1:{port}"
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "MOTO_PORT": str(port),  # where moto's Step Functions executions send their SQS messages
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AUTO_CONFIRM_SIGNUP": "1",
        "COGNITO_SENDS_INVITATIONS": "0",
        "COGNITO_SENDS_RESET_CODES": "0",
        "PUBLIC_BASE_URL": "https://aspirasi.bench",
        "EMAIL_FROM": f"Aspirasi Kaltim <noreply@{SENDER_DOMAIN}>",
        "HANDOFF_QUEUE_NAME": "aspirasi-kaltim-handoff",
        "UPLOADS_QUEUE_NAME": "aspirasi-kaltim-uploads",
        "ATTACHMENTS_BUCKET": "aspirasi-kaltim-attachments",
        # 24x7 at real SOP times: no reminder fires while the run lasts; one citizen submits them all.
        "SLA_CALENDAR": "24x7",
        "SLA_TIME_SCALE": "1",
        "SUBMISSION_LIMIT_PER_HOUR": "100000",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_SERVICE_NAME": "aspirasi-kaltim",
    }
    import logging

    import boto3
    import requests
    from moto.server import ThreadedMotoServer

    from local.atomic_dynamodb import serialize_dynamodb

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    serialize_dynamodb()  # moto's server answers on many threads; DynamoDB's writes are atomic
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        with _environment({**env, "POWERTOOLS_METRICS_DISABLED": "true"}):
            requests.post(
                f"{endpoint}/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}}, timeout=10
            ).raise_for_status()
            _fresh_clients()
            fixtures = _make_fixtures(env, handoffs)
            try:
                yield fixtures
            finally:  # the executions wait for decisions in threads: stop them before the server goes
                sfn = boto3.client("stepfunctions", region_name=REGION)
                arn = fixtures.env["STATE_MACHINE_ARN"]
                for execution in sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING")["executions"]:
                    try:
                        sfn.stop_execution(executionArn=execution["executionArn"])
                    except Exception:  # moto cannot stop one whose worker has not started yet
                        pass
                _fresh_clients()
        requests.post(f"{endpoint}/moto-api/reset", timeout=10)
    finally:
        server.stop()
        _fresh_clients()


# -- the benchmark --------------------------------------------------------------------------------
def measure(runs: int = 10) -> dict:
    """The median of ``runs`` fresh processes of each kind, side by side; see the module's docstring."""
    if runs < 1:
        raise ValueError("runs must be at least 1")
    started = time.monotonic()
    samples: dict[str, list[Sample]] = {kind: [] for kind in KINDS}
    with _local_aws(handoffs=runs + 1) as fixtures:
        setup_seconds = time.monotonic() - started
        app_module = sys.modules["app"]
        handoffs = iter(zip(fixtures.handoff_complaints, fixtures.handoffs, strict=True))
        from local.outbox import sent_emails

        team_emails = sum(INTAKE_TEAM in m["to"] for m in sent_emails(REGION))
        for run in range(-1, runs):  # run -1 warms up (bytecode, page cache) and is not counted
            for kind in rotated(KINDS, max(run, 0)):
                if kind == "consumer_handoff":
                    complaint_id, event = next(handoffs)
                    sample = run_child(kind, fixtures.env, event)
                    team_emails = _check_handoff(app_module, complaint_id, event, team_emails)
                else:
                    request = {"api_categories": fixtures.categories, "api_complaint": fixtures.complaint}.get(kind)
                    sample = run_child(kind, fixtures.env, request)
                if run >= 0:
                    samples[kind].append(sample)
    result = {"runs": runs, **summarise(samples)}
    result["setup_seconds"] = setup_seconds
    result["elapsed_seconds"] = time.monotonic() - started
    result["budget"] = BUDGET
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="fresh processes of each kind (the median is reported)")
    args = parser.parse_args(argv)
    result = measure(args.runs)
    print(
        f"Cold start: median of {result['runs']} fresh processes of each kind, side by side "
        f"({os.cpu_count()} CPUs, Python {sys.version.split()[0]}, AWS = moto server in the parent)\n"
    )
    print(table(result))
    print(f"\nTook {result['elapsed_seconds']:.1f} s (setup {result['setup_seconds']:.1f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
