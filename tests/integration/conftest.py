"""moto with real Step Functions executions of statemachine/complaint.asl.json."""

from __future__ import annotations

import importlib
import time
import uuid

import pytest
from moto import mock_aws

from chalicelib import config
from chalicelib.adapters import tables
from chalicelib.domain.staff import all_groups
from local.atomic_dynamodb import serialize_dynamodb
from local.provision import provision, provision_cognito, provision_uploads

from .harness import Harness

REGION = "ap-southeast-3"
serialize_dynamodb()  # DynamoDB's atomicity, which moto lacks under threads (races are tested here)
# A fast but ordered clock for the paths: 24x7, every SOP time x 0.1 (intake reminds
# after 30 s, so no reminder fires while a test plays its roles), feedback window ~1 s.
BASE_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "RETRY_FIRST_SECONDS": "1",  # a failed message comes again after 1 s, 2 s, 4 s, ...
    "RETRY_MAX_SECONDS": "4",
    "FEEDBACK_WINDOW_MINUTES": "0.05",
    "PUBLIC_BASE_URL": "https://aspirasi.test",
    "EMAIL_FROM": "Aspirasi Kaltim <noreply@aspirasi.kaltimprov.go.id>",
    "HANDOFF_QUEUE_NAME": "test-handoff",
    "ATTACHMENTS_BUCKET": "test-attachments",
}


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


@pytest.fixture
def stack_env():
    """Override in a test module (or parametrize) to change the clock."""
    return {}


@pytest.fixture
def stack(monkeypatch, stack_env):
    for key, value in {**BASE_ENV, **stack_env}.items():
        monkeypatch.setenv(key, value)
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        for model in tables.MODELS:  # PynamoDB caches a connection per model
            model._connection = None
        # A queue of its own per test: an execution thread left over from an earlier
        # test cannot send into it.
        resources = provision(REGION, f"test-handoff-{uuid.uuid4().hex[:8]}", "aspirasi.kaltimprov.go.id")
        monkeypatch.setenv("STATE_MACHINE_ARN", resources.state_machine_arn)
        uploads = provision_uploads(REGION, BASE_ENV["ATTACHMENTS_BUCKET"], f"test-uploads-{uuid.uuid4().hex[:8]}",
                                    [BASE_ENV["PUBLIC_BASE_URL"]])
        identity = provision_cognito(REGION, {"operator@aspirasi.kaltimprov.go.id": "operator"},
                                     lambda: "Staff-Passw0rd", groups=all_groups())
        monkeypatch.setenv("COGNITO_USER_POOL_ID", identity.user_pool_id)
        monkeypatch.setenv("COGNITO_CLIENT_ID", identity.client_id)
        monkeypatch.setenv("AUTO_CONFIRM_SIGNUP", "1")
        config.settings.cache_clear()
        app = importlib.import_module("app")
        app.services.cache_clear()
        harness = Harness(app, resources, app.services())
        harness.identity = identity
        harness.uploads = uploads  # the attachments bucket and its queue: harness.pump_uploads()
        yield harness
        _stop_executions(harness.sfn, resources.state_machine_arn)
        app.services.cache_clear()
        config.settings.cache_clear()
