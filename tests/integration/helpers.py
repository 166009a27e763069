"""Shared by the integration tests: calls through Chalice's test client, a citizen's account, the SOP's teams,
a complaint, submitting, and the metrics Powertools printed."""

from __future__ import annotations

import json
from typing import Any

from chalicelib.service.complaints import Citizen, submit_complaint
from local.inprocess import Harness

PASSWORD = "Rahasia-123"  # a citizen's (staff accounts: staff_helpers.py)
CITIZEN = Citizen(id="citizen-1", email="warga@example.id", name="Siti Aminah")
OPERATOR = "operator@aspirasi.kaltimprov.go.id"
DISKOMINFO = "diskominfo@aspirasi.kaltimprov.go.id"
DINKES = "opd-dinkes@aspirasi.kaltimprov.go.id"
COMPLAINT = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
    "location": "Samarinda",
}


def call(client, method: str, path: str, body=None, token=None, headers=None) -> tuple[Any, Any]:
    """A JSON request through the test client: (the response, its JSON body or None)."""
    h = {"Content-Type": "application/json", "Accept": "application/json", **(headers or {})}
    if token:
        h["Authorization"] = f"Bearer {token}"
    raw = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
    response = getattr(client, method)(path, headers=h, body=raw or b"")
    payload = json.loads(response.body) if response.body else None
    return response, payload


def citizen_token(client, email="warga@example.id", name="Siti Aminah"):
    response, body = call(client, "post", "/auth/register", {"email": email, "password": PASSWORD, "name": name})
    assert response.status_code == 201 and body == {"email": email, "confirmed": True}
    response, tokens = call(client, "post", "/auth/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 200
    assert set(tokens) == {"id_token", "access_token", "refresh_token", "expires_in"}
    return tokens["id_token"]


def assert_problem(response, body, status):
    assert response.status_code == status, body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert body["status"] == status and body["type"].startswith("https://") and " / " in body["title"]
    assert body["messages"]["id"] and body["messages"]["en"]


def submit(stack, **changes):
    view, created = submit_complaint(stack.svc, CITIZEN, {**COMPLAINT, **changes})
    assert created
    return view["id"]


def to_opd(stack) -> str:
    """Submit, accept, classify as an aspiration for Dinas Kesehatan; return when the OPD is waiting."""
    cid = submit(stack)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"})
    stack.waiting_at(cid, "opd_response")
    return cid


def emitted_metrics(captured: str) -> list[tuple[str, dict]]:
    """(metric name, dimensions) of every EMF document Powertools printed."""
    out = []
    for line in captured.splitlines():
        if line.startswith('{"_aws"'):
            doc = json.loads(line)
            for directive in doc["_aws"]["CloudWatchMetrics"]:
                dims = {d: doc[d] for group in directive["Dimensions"] for d in group}
                out += [(m["Name"], dims) for m in directive["Metrics"]]
    return out


def submit_by_api(client, token, **changes) -> str:
    """Submit through the API as a signed-in citizen; return the new id."""
    response, body = call(client, "post", "/complaints", {**COMPLAINT, **changes}, token=token)
    assert response.status_code == 201, body
    return body["id"]


def refuse_send_task_success(stack: Harness, monkeypatch, times: int = 1) -> dict:
    """Step Functions throttles the app's next ``times`` SendTaskSuccess calls, as if through botocore's
    retries (moto cannot throttle): at the AWS client's boundary, not in our code."""
    from botocore.exceptions import ClientError

    sfn = stack.svc.workflow._client
    real, calls = sfn.send_task_success, {"refused": 0, "taken": 0}

    def send_task_success(**kwargs):
        if calls["refused"] < times:
            calls["refused"] += 1
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "injected"}}, "SendTaskSuccess")
        calls["taken"] += 1
        return real(**kwargs)

    monkeypatch.setattr(sfn, "send_task_success", send_task_success)
    return calls
