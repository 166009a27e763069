"""Schemathesis fuzzes the real local stack from its own /openapi.json, as anyone, a citizen and staff.

Every response must conform to the document (status codes, content types, headers, schemas), no
request may get a 5xx, every malformed request must be refused (4xx), and the malformed ones must
change nothing: the citizen's complaints and account, a staff case, the members and the API keys
read the same before and after the negative run.

Runs the schemathesis CLI (as a subprocess: its own event loop and reports, and the failure text
is the CLI's report) with a fixed seed (``FUZZ_SEED`` to try another) and a few examples per
operation, so the module stays within about two minutes. One worker: with two, Python 3.11.7's
``ast`` (which Hypothesis uses to describe strategies) fails now and then across threads
("AST constructor recursion depth mismatch", CPython gh-106905). Left out, and why:
- ``DELETE /me`` in the positive runs: a valid body would close the fuzzing citizen's account (its
  validation is still fuzzed by the negative run);
- the ``stateful`` phase: it chains calls through links we do not declare, and burns the budget;
- ``TRACE`` among the unexpected methods: the local stack's HTTP server (Python's BaseHTTP) answers
  501 itself before the app; API Gateway answers for it in the cloud.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from typing import TypedDict

import pytest
import requests

from local.launch import ROOT

from .helpers import ADMIN, OPERATOR, staff_token

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7"}  # the clocks run, but nothing falls due during the run
SEED = os.environ.get("FUZZ_SEED", "20261128")
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,"
    "response_schema_conformance"
)
# Loaded by the CLI (SCHEMATHESIS_HOOKS) in the negative runs: a "negative" case whose body was not
# generated malformed (its malformed part is an unexpected header, say, and the body is a valid one)
# is a valid request, which may change data: drop it.
HOOKS = """
import schemathesis
from schemathesis.core import NOT_SET
from schemathesis.generation import GenerationMode
from schemathesis.core.parameters import ParameterLocation


@schemathesis.hook
def filter_case(ctx, case):
    if case.body is NOT_SET:
        return True
    body = (case.meta.components if case.meta else {}).get(ParameterLocation.BODY)
    return body is not None and body.mode == GenerationMode.NEGATIVE
"""
COMPLAINT = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Antrean puskesmas terlalu lama",
    "description": "Setiap pagi antrean di Puskesmas Sempaja lebih dari tiga jam.",
}


class Run(TypedDict, total=False):
    """The settings shared by a phase's runs (``fuzz``'s keyword arguments)."""

    mode: str
    complaint_id: str
    phases: str
    extra_checks: str


def fuzz(
    stack,
    workdir,
    label: str,
    token: str | None,
    *,
    mode: str,
    examples: int,
    complaint_id: str,
    only: str | None = None,
    skip: str | None = None,
    extra_checks: str = "",
    extra: tuple = (),
    phases: str = "examples,coverage,fuzzing",
) -> None:
    """One schemathesis run; fails the test with the CLI's report when it found anything."""
    (workdir / "schemathesis.toml").write_text(
        f'[parameters]\ncomplaint_id = "{complaint_id}"\n\n'
        "[phases.coverage]\n"
        'unexpected-methods = ["get", "put", "post", "delete", "options", "patch"]\n'
    )
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{stack.api}/openapi.json",
        "--checks",
        CHECKS + extra_checks,
        "--mode",
        mode,
        "--max-examples",
        str(examples),
        "--phases",
        phases,
        "--workers",
        "1",
        "--seed",
        SEED,
        "--request-timeout",
        "20",
        "--suppress-health-check",
        "all",
        "--no-color",
    ]
    if token:
        command += ["--header", f"Authorization: Bearer {token}"]
    if only:
        command += ["--include-path-regex", only]
    if skip:
        command += ["--exclude-path-regex", skip]
    command += list(extra)
    env = dict(os.environ)
    if mode == "negative":
        (workdir / "fuzz_hooks.py").write_text(HOOKS)
        env.update(SCHEMATHESIS_HOOKS="fuzz_hooks", PYTHONPATH=str(workdir))
    result = subprocess.run(command, cwd=workdir, capture_output=True, text=True, timeout=300, env=env)
    report = result.stdout + result.stderr
    (ROOT / "test-artifacts" / f"fuzz-{label}.txt").write_text(report)  # kept for a failed run in CI
    assert result.returncode == 0, f"schemathesis ({label}) found problems:\n{report[-20000:]}"


def register_citizen(stack) -> tuple[str, str]:
    email = f"fuzz-{uuid.uuid4().hex[:8]}@example.id"
    password = "Fuzz-Rahasia123"
    response = requests.post(
        f"{stack.api}/auth/register", json={"email": email, "password": password, "name": "Penguji Fuzz"}, timeout=10
    )
    assert response.status_code == 201, response.text
    response = requests.post(f"{stack.api}/auth/login", json={"email": email, "password": password}, timeout=10)
    assert response.status_code == 200, response.text
    return email, response.json()["id_token"]


def submit(stack, token: str) -> str:
    response = requests.post(
        f"{stack.api}/complaints", json=COMPLAINT, timeout=10, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text
    return response.json()["id"]


def snapshot(stack, citizen: str, operator: str, admin: str, complaint_id: str) -> dict:
    """What a malformed request must not change, read through the API."""

    def get(path: str, token: str):
        response = requests.get(f"{stack.api}{path}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert response.status_code == 200, (path, response.text)
        return response.json()

    data = get("/me/data", citizen)
    data.pop("exported_at", None)
    return {
        "complaints": get("/complaints?limit=100", citizen),
        "case": get(f"/complaints/{complaint_id}", citizen),
        "staff_case": get(f"/staff/complaints/{complaint_id}", operator),
        "my_data": data,
        "members": get("/staff/members", admin),
        "api_keys": get("/staff/api-keys", admin),
    }


def test_the_api_conforms_to_its_document_under_fuzzing(local_stack, tmp_path):
    stack = local_stack
    _, citizen = register_citizen(stack)
    target, witness = submit(stack, citizen), submit(stack, citizen)
    operator, admin = staff_token(stack, OPERATOR), staff_token(stack, ADMIN)
    # The witness reaches intake (its work item and emails exist) before anything is compared.
    for _ in range(60):
        case = requests.get(
            f"{stack.api}/staff/complaints/{witness}", timeout=10, headers={"Authorization": f"Bearer {operator}"}
        ).json()
        if case.get("current") and case.get("emails"):
            break
        time.sleep(0.5)

    # Valid and invalid requests, as each kind of caller (the protected routes answer 401/403 to others).
    # (The coverage phase's boundaries are spent on the negative runs below.)
    positive: Run = {"mode": "positive", "complaint_id": target, "phases": "examples,fuzzing"}
    fuzz(
        stack,
        tmp_path,
        "anonymous",
        None,
        mode="all",
        examples=4,
        complaint_id=target,
        extra_checks=",negative_data_rejection",
        phases="examples,fuzzing",
    )
    fuzz(
        stack,
        tmp_path,
        "citizen",
        citizen,
        examples=6,
        skip="^/(staff|open311)",
        extra=("--exclude-operation-id", "delete_me"),
        **positive,
    )
    fuzz(stack, tmp_path, "operator", operator, examples=6, only="^/staff", **positive)
    fuzz(stack, tmp_path, "admin", admin, examples=4, only="^/staff/(members|api-keys)", **positive)

    # Malformed requests only (no examples phase: the documented examples are valid), against the
    # witness: refused with a 4xx, and nothing changes. The coverage phase tries every boundary.
    before = snapshot(stack, citizen, operator, admin, witness)
    negative: Run = {
        "mode": "negative",
        "complaint_id": witness,
        "extra_checks": ",negative_data_rejection",
        "phases": "coverage,fuzzing",
    }
    fuzz(stack, tmp_path, "citizen-negative", citizen, examples=6, skip="^/(staff|open311)", **negative)
    fuzz(stack, tmp_path, "operator-negative", operator, examples=6, only="^/staff", **negative)
    fuzz(stack, tmp_path, "admin-negative", admin, examples=4, only="^/staff/(members|api-keys)", **negative)
    after = snapshot(stack, citizen, operator, admin, witness)
    for part in before:
        assert after[part] == before[part], (
            f"a malformed request changed {part}:\n"
            + json.dumps({"before": before[part], "after": after[part]}, ensure_ascii=False)[:4000]
        )
