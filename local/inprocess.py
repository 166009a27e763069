"""The local stack in-process: moto with real executions of our ASL, driven through the real consumers.

The same wiring as `make run` (local/stack.py), without a server or threads of its own: the Harness plays
Lambda's event source mappings (local.poller, local.stream_poller) when asked to, and reads what SES
received; decisions are taken through the links in those emails. The integration tests' ``stack`` fixture
(tests/integration/conftest.py) and the benchmarks (bench/lifecycle.py) run on it.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
import uuid
from collections.abc import Iterator

import boto3
from moto import mock_aws

from chalicelib import config
from chalicelib.adapters import tables
from chalicelib.adapters.tables import WorkItemModel
from chalicelib.domain.roles import all_groups
from chalicelib.service import decide as decide_uc
from local import aws_calls
from local.event_sources import event_sources
from local.outbox import action_tokens, sent_emails
from local.poller import LambdaContext, sqs_event
from local.provision import (
    Identity,
    QueueResources,
    UploadResources,
    provision,
    provision_cognito,
    provision_uploads,
    provision_whatsapp,
)

REGION = "ap-southeast-3"
aws_calls.install()  # every client created from here on can count its calls (bench/lifecycle.py, call budgets)

# The streams' retry backoff here: short, so a test of a failed hand-over takes seconds.
STREAM_BACKOFF = (0.2, 1.6)


class Harness:
    def __init__(
        self,
        app_module,
        resources,
        services,
        uploads: UploadResources,
        identity: Identity,
        whatsapp: QueueResources | None = None,
    ):
        self.app = app_module
        self.resources = resources
        self.svc = services
        self.uploads = uploads  # the attachments bucket and its queue: pump_uploads()
        self.identity = identity  # the user pool and its client
        self.whatsapp = whatsapp  # the WhatsApp queue (the webhook's POSTs): pump_whatsapp()
        self.region = resources.region
        self.sqs = boto3.client("sqs", region_name=self.region)
        self.sfn = boto3.client("stepfunctions", region_name=self.region)
        # The handoff queue, the uploads queue and the tables' streams, wired as `make run` wires them
        # (local/event_sources.py); the streams' records go through _on_change, which can hand a batch over twice.
        self._stream_deliveries = 1
        self.sources = event_sources(
            app_module,
            self.region,
            resources,
            uploads,
            on_change=self._on_change,
            stream_backoff=STREAM_BACKOFF,
            whatsapp=whatsapp,
        )

    # -- delivering -----------------------------------------------------------------
    def pump(self) -> int:
        """Deliver the queue's messages and the streams' records until neither has any left."""
        handled = 0
        while n := self.sources.handoff.poll_once() + self.pump_streams():
            handled += n
        return handled

    def pump_streams(self, twice: bool = False) -> int:
        """Deliver the streams' records (each batch twice with ``twice``, as a retried batch comes again)."""
        handled, self._stream_deliveries = 0, 2 if twice else 1
        try:
            while n := self.sources.deliver_streams():
                handled += n
        finally:
            self._stream_deliveries = 1
        return handled

    def _on_change(self, event, context):
        for _ in range(self._stream_deliveries):
            result = self.app.on_change(event, context)
        return result

    def run_until(self, predicate, timeout: float = 30, what: str = "condition", deliver: bool = True):
        """Deliver messages (unless told not to) until ``predicate()`` is truthy; return its value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if deliver:
                self.pump()
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {what}")

    def pump_uploads(self) -> int:
        """Deliver S3's ObjectCreated events (attachments) to the uploads consumer, as Lambda would."""
        poller = self.sources.uploads
        assert poller is not None  # the harness always gives event_sources its uploads queue
        handled = 0
        while n := poller.poll_once():
            handled += n
        return handled

    def pump_whatsapp(self) -> int:
        """Deliver the webhook's queued POSTs to the WhatsApp consumer, as Lambda would."""
        poller = self.sources.whatsapp
        assert poller is not None  # the harness always gives event_sources its WhatsApp queue
        handled = 0
        while n := poller.poll_once():
            handled += n
        return handled

    def deliver_twice(self) -> int:
        """Receive one batch and hand every record to the consumer twice, as SQS may (the streams' records
        too); return how many messages."""
        messages = self.sqs.receive_message(
            QueueUrl=self.resources.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
        if messages:
            event = sqs_event(messages, self.resources.queue_arn, self.region)
            for _ in range(2):
                assert self.app.on_handoff(event, LambdaContext()) == {"batchItemFailures": []}
            for m in messages:
                self.sqs.delete_message(QueueUrl=self.resources.queue_url, ReceiptHandle=m["ReceiptHandle"])
        self.pump_streams(twice=True)
        return len(messages)

    # -- reading state ----------------------------------------------------------------
    def items(self, complaint_id: str) -> list[WorkItemModel]:
        return sorted(self.svc.store.work_items(complaint_id), key=lambda i: i.step)

    def waiting_at(self, complaint_id: str, stage: str, timeout: float = 30) -> WorkItemModel:
        """Pump until the stage's newest visit holds a task token and is undecided."""

        def ready():
            items = self.items(complaint_id)
            last = items[-1] if items else None
            return (
                last
                if last and last.stage == stage and last.task_token and last.decision is None and last.assigned_notified
                else None
            )

        return self.run_until(ready, timeout, f"{stage} to wait for a decision")

    def complaint(self, complaint_id: str):
        return self.svc.store.get_complaint(complaint_id)

    def execution(self, complaint_id: str) -> dict:
        arn = self.resources.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{complaint_id}"
        return self.sfn.describe_execution(executionArn=arn)

    def finished(self, complaint_id: str, timeout: float = 30) -> dict:
        return self.run_until(
            lambda: (e := self.execution(complaint_id))["status"] != "RUNNING" and e, timeout, "the execution to finish"
        )

    def audit_actions(self, complaint_id: str) -> list[str]:
        """What happened to the case, without the notes of emails sent (see ``emails_noted``)."""
        return [e.action for e in self.svc.store.audit_trail(complaint_id) if e.action != "email_sent"]

    def emails_noted(self, complaint_id: str) -> list[dict]:
        return [e.details for e in self.svc.store.audit_trail(complaint_id) if e.action == "email_sent"]

    # -- email --------------------------------------------------------------------------
    def emails(self) -> list[dict]:
        return sent_emails(self.region)

    def emails_to(self, address: str) -> list[dict]:
        return [m for m in self.emails() if address in m["to"]]

    def last_link(self, address: str) -> str:
        for message in reversed(self.emails_to(address)):
            tokens = action_tokens(message)
            if tokens:
                return tokens[0]
        raise AssertionError(f"no action link was sent to {address}")

    # -- acting ---------------------------------------------------------------------------
    def decide(self, address: str, payload: dict) -> dict:
        """Act as the team behind ``address``: take the link from its newest email and decide."""
        return decide_uc.decide_by_link(self.svc, self.last_link(address), payload)

    def walk(self, complaint_id: str, *steps: tuple[str, str, dict]) -> None:
        """Play the teams: for each (stage, team address, decision), wait for that stage, then decide."""
        for stage, address, payload in steps:
            self.waiting_at(complaint_id, stage)
            self.decide(address, payload)


def _stop_executions(sfn, state_machine_arn: str, patience: float = 3.0) -> None:
    """Executions run in threads: stop them so none outlives this test's mock."""
    deadline = time.monotonic() + patience
    while True:
        running = sfn.list_executions(stateMachineArn=state_machine_arn, statusFilter="RUNNING")["executions"]
        pending = []
        for execution in running:
            try:
                sfn.stop_execution(executionArn=execution["executionArn"])
            except AttributeError:  # moto cannot stop an execution whose worker has not started yet
                pending.append(execution)
        if not pending or time.monotonic() > deadline:
            return
        time.sleep(0.1)


@contextlib.contextmanager
def running_stack(env: dict[str, str]) -> Iterator[Harness]:
    """moto with real executions, the tables, queues, bucket and user pool provisioned, and the app
    configured by ``env`` (set in os.environ for the block, then restored): the integration tests'
    ``stack`` fixture, and the benchmarks' (bench/lifecycle.py)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
            tables.reset_connections()  # PynamoDB's client: made afresh inside this mock
            # A queue of its own per test: an execution thread left over from an earlier
            # test cannot send into it.
            resources = provision(REGION, f"test-handoff-{uuid.uuid4().hex[:8]}", "aspirasi.kaltimprov.go.id")
            os.environ["STATE_MACHINE_ARN"] = resources.state_machine_arn
            uploads = provision_uploads(
                REGION, env["ATTACHMENTS_BUCKET"], f"test-uploads-{uuid.uuid4().hex[:8]}", [env["PUBLIC_BASE_URL"]]
            )
            whatsapp = provision_whatsapp(REGION, f"test-whatsapp-{uuid.uuid4().hex[:8]}")
            os.environ["WHATSAPP_QUEUE_NAME"] = whatsapp.queue_url.rsplit("/", 1)[1]
            identity = provision_cognito(
                REGION,
                {"operator@aspirasi.kaltimprov.go.id": "operator"},
                lambda: "Staff-Passw0rd",
                groups=all_groups(),
            )
            os.environ.update(
                COGNITO_USER_POOL_ID=identity.user_pool_id,
                COGNITO_CLIENT_ID=identity.client_id,
                AUTO_CONFIRM_SIGNUP="1",
                COGNITO_SENDS_RESET_CODES="0",  # moto: reset codes come back in a header, we email them
            )
            config.settings.cache_clear()
            app = importlib.import_module("app")
            app.services.cache_clear()
            harness = Harness(app, resources, app.services(), uploads, identity, whatsapp)
            try:
                yield harness
            finally:
                _stop_executions(harness.sfn, resources.state_machine_arn)
                app.services.cache_clear()
                config.settings.cache_clear()
    finally:
        os.environ.clear()
        os.environ.update(saved)
