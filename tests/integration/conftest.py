"""moto with real Step Functions executions of statemachine/complaint.asl.json."""

from __future__ import annotations

from pathlib import Path

import pytest
from chalice.test import Client

from local.atomic_dynamodb import serialize_dynamodb
from local.fast_clock import FAST_ENV
from local.inprocess import running_stack

from .staff_helpers import Staff

ROOT = Path(__file__).parents[2]

REGION = "ap-southeast-3"
serialize_dynamodb()  # DynamoDB's atomicity, which moto lacks under threads (races are tested here)
# A fast but ordered clock for the paths (local/fast_clock.py): 24x7, every SOP time x 0.1 (intake reminds
# after 30 s, so no reminder fires while a test plays its roles), feedback window 3 s.
BASE_ENV = {
    **FAST_ENV,
    "RETRY_FIRST_SECONDS": "1",  # a failed message comes again after 1 s, 2 s, 4 s, ...
    "RETRY_MAX_SECONDS": "4",
    "PUBLIC_BASE_URL": "https://aspirasi.test",
    "EMAIL_FROM": "Aspirasi Kaltim <noreply@aspirasi.kaltimprov.go.id>",
    "ATTACHMENTS_BUCKET": "test-attachments",
}


@pytest.fixture
def stack_env():
    """Override in a test module (or parametrize) to change the clock."""
    return {}


@pytest.fixture
def stack(monkeypatch, stack_env):
    env = {**BASE_ENV, **stack_env}
    for key, value in env.items():  # so that a test's own monkeypatch of these is undone to nothing
        monkeypatch.setenv(key, value)
    with running_stack(env) as harness:
        yield harness


@pytest.fixture
def client(stack):
    """Chalice's test client on the stack's app: HTTP without a server."""
    with Client(stack.app.app, stage_name="dev", project_dir=str(ROOT)) as test_client:
        yield test_client.http


@pytest.fixture
def staff(stack, client):
    """Staff accounts with real Cognito tokens (tests/integration/staff_helpers.py)."""
    return Staff(stack, client)
