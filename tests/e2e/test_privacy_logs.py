"""No log line holds a citizen's name, email, phone or the text of a complaint (UU PDP; docs/privacy.md).

The real local stack runs with ``POWERTOOLS_LOG_LEVEL=DEBUG``: the app's Powertools logger and our
modules' own loggers (``chalicelib.*``, ``local.*``: the consumers) log everything they ever log.
(DEBUG, not INFO: our code logs little at DEBUG, so it is not noisy; botocore and moto stay at
WARNING, as in Lambda, where their DEBUG lines would print request bodies that are not our logging.)
Every path is played over HTTP with distinctive markers in every personal field and every text a
citizen writes: a web complaint with an attachment, decisions by link and from the console, a
question and its answer, the reply, a rating and a reopening, a complaint an operator enters for a
caller, an Open311 request with the reporter's email, name, phone and ids, the citizen's data export,
correction and account closure, and bad input that would echo the fields. Then every line of the
stack's log (stdout and stderr, as the LocalStack fixture writes it to test-artifacts/) is scanned
for every marker, and the test fails naming the lines. (The state machine's own CloudWatch log keeps
no execution data: infra/ ``include_execution_data=False``.)
"""

from __future__ import annotations

import json
import random
import re
import time
import uuid
from pathlib import Path

import pytest
import requests

from local.launch import wait_for

from ..samples import PNG
from .helpers import DISKOMINFO, OPERATOR, act, next_link

pytestmark = pytest.mark.e2e

STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "FEEDBACK_WINDOW_MINUTES": "30",
    "POWERTOOLS_LOG_LEVEL": "DEBUG",
}
ACCOUNT = re.compile(r"^\s+(\S+@\S+)\s+(\S+)\s*$")
PASSWORD = "Rahasia-123"


class Markers:
    """A distinctive value for each personal field and each text, unique to this run."""

    def __init__(self):
        self.run = uuid.uuid4().hex[:6]
        self.values: dict[str, str] = {}

    def text(self, what: str, tail: str = "") -> str:
        value = f"Q{what}{self.run}{tail}"
        self.values[what] = value
        return value

    def email(self, what: str) -> str:
        value = f"q{what}{self.run}@example.id"
        self.values[what] = value
        return value

    def phone(self, what: str) -> str:
        digits = "".join(random.choice("0123456789") for _ in range(8))
        self.values[what] = digits  # whatever the format: +62 812..., 0812-...
        return digits


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def login(stack, email: str, password: str) -> str:
    response = requests.post(f"{stack.api}/auth/login", json={"email": email, "password": password}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["id_token"]


def staff_login(stack, email: str) -> str:
    for line in stack.banner:
        match = ACCOUNT.match(line)
        if match and match.group(1) == email:
            return login(stack, email, match.group(2))
    raise AssertionError(f"{email} is not in the banner")


def console_decides(stack, token: str, complaint_id: str, body: dict) -> dict:
    """Decide from the console once the stage has been handed off (409 until then)."""

    def attempt():
        response = requests.post(
            f"{stack.api}/staff/complaints/{complaint_id}/decision", json=body, headers=bearer(token), timeout=10
        )
        if response.status_code == 409:
            return None
        assert response.status_code == 200, response.text
        return response.json()

    return wait_for(attempt, f"{body['stage']} to be decidable")


def offenders(log: str, markers: dict[str, str]) -> list[str]:
    found = []
    for number, line in enumerate(log.splitlines(), 1):
        folded = line.lower()
        for what, value in markers.items():
            if value.lower() in folded:
                found.append(f"line {number} holds {what} ({value}): {line[:300]}")
    return found


def test_no_personal_data_in_any_log_line(local_stack):
    stack, m = local_stack, Markers()
    api = stack.api

    # -- a citizen: register, submit, attach a photo --------------------------------------------
    email, phone = m.email("citizen_email"), m.phone("citizen_phone")
    response = requests.post(
        f"{api}/auth/register",
        timeout=10,
        json={
            "email": email,
            "password": PASSWORD,
            "name": m.text("citizen_name", " Aminah"),
            "phone": f"+62812{phone}",
        },
    )
    assert response.status_code == 201, response.text
    citizen = bearer(login(stack, email, PASSWORD))
    response = requests.post(
        f"{api}/complaints",
        headers={**citizen, "Idempotency-Key": uuid.uuid4().hex},
        json={
            "category": "lingkungan",
            "subcategory": "sampah",
            "title": m.text("title", " sampah menumpuk"),
            "description": m.text("description", " sampah tidak diangkut dua minggu di depan pasar."),
            "location": m.text("location", " Jl. Juanda"),
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    case = response.json()
    cid, tracking, used = case["id"], case["tracking_number"], set[str]()
    response = requests.post(
        f"{api}/complaints/{cid}/attachments",
        headers=citizen,
        timeout=10,
        json={"filename": m.text("filename", ".png"), "content_type": "image/png", "size": len(PNG)},
    )
    assert response.status_code == 201, response.text
    asked = response.json()
    response = requests.post(
        asked["upload"]["url"],
        data=asked["upload"]["fields"],
        timeout=10,
        files={"file": (asked["filename"], PNG, "image/png")},
    )
    assert response.status_code in (200, 201, 204), response.text
    wait_for(
        lambda: [
            a
            for a in requests.get(f"{api}/complaints/{cid}", headers=citizen, timeout=10).json()["attachments"]
            if a["status"] == "accepted"
        ],
        "the uploads consumer to accept the photo",
    )

    # -- the teams: a link, the console, a question and its answer, the reply ------------------
    act(next_link(stack, OPERATOR, tracking, used), {"decision": "accept"})
    next_link(stack, DISKOMINFO, tracking, used)  # the stage is handed off; this time the console decides
    diskominfo = staff_login(stack, DISKOMINFO)
    console_decides(
        stack,
        diskominfo,
        cid,
        {"stage": "classification", "decision": "request_information", "question": m.text("question", " nomor rumah?")},
    )
    wait_for(
        lambda: requests.get(f"{api}/complaints/{cid}", headers=citizen, timeout=10).json()["pending_question"],
        "the question",
    )
    response = requests.post(
        f"{api}/complaints/{cid}/information",
        headers=citizen,
        timeout=10,
        json={"answer": m.text("answer", " rumah nomor 12")},
    )
    assert response.status_code == 200, response.text
    act(next_link(stack, DISKOMINFO, tracking, used), {"kind": "information"})
    act(next_link(stack, OPERATOR, tracking, used), {"reply": m.text("reply", " sampah diangkut besok.")})
    wait_for(
        lambda: requests.get(f"{api}/complaints/{cid}", headers=citizen, timeout=10).json()["may_reopen"],
        "the reply and its feedback window",
    )
    response = requests.post(
        f"{api}/complaints/{cid}/rating",
        headers=citizen,
        timeout=10,
        json={"score": 2, "comment": m.text("comment", " belum bersih")},
    )
    assert response.status_code == 201, response.text
    response = requests.post(
        f"{api}/complaints/{cid}/reopen",
        headers=citizen,
        timeout=10,
        json={"reason": m.text("reason", " masih menumpuk")},
    )
    assert response.status_code == 200, response.text

    # -- an operator enters a phoned-in complaint; an Open311 client sends one ------------------
    operator = staff_login(stack, OPERATOR)
    caller_phone = m.phone("caller_phone")
    response = requests.post(
        f"{api}/staff/complaints",
        headers=bearer(operator),
        timeout=10,
        json={
            "channel": "phone",
            "category": "kesehatan",
            "subcategory": "puskesmas",
            "title": m.text("phone_title", " puskesmas tutup"),
            "description": m.text("phone_text", " tutup jam 11."),
            "reporter": {
                "name": m.text("caller_name", " Santoso"),
                "email": m.email("caller_email"),
                "phone": f"0812-{caller_phone[:4]}-{caller_phone[4:]}",
            },
        },
    )
    assert response.status_code == 201, response.text
    entered = response.json()
    assert requests.get(f"{api}/staff/complaints/{entered['id']}", headers=bearer(operator), timeout=10).ok
    key = next(line.split(": ", 1)[1].strip() for line in stack.banner if line.startswith("Open311 API key: "))
    app_phone = m.phone("app_phone")
    response = requests.post(
        f"{api}/open311/v2/requests.json",
        timeout=10,
        data={
            "api_key": key,
            "service_code": "lingkungan.sampah",
            "lat": "-0.5022",
            "long": "117.1536",
            "address_string": m.text("app_address", " Pasar Segiri"),
            "email": m.email("app_email"),
            "first_name": m.text("app_first"),
            "last_name": m.text("app_last"),
            "phone": f"+62813{app_phone}",
            "description": m.text("app_text", " lampu jalan padam."),
            "device_id": m.text("device"),
            "account_id": m.text("app_account"),
        },
    )
    assert response.status_code == 200, response.text

    # -- bad input that carries the fields back ------------------------------------------------------
    bad = [
        (
            "post",
            "/auth/register",
            {
                "email": m.text("bad_email", "@@x"),
                "password": "x",
                "name": m.text("bad_name"),
                "phone": m.text("bad_phone"),
            },
        ),
        ("post", "/auth/login", {"email": m.email("bad_login"), "password": m.text("bad_password", "A1a")}),
        (
            "post",
            "/complaints",
            {
                "category": "lingkungan",
                "subcategory": "sampah",
                "title": m.text("bad_title") * 20,
                "description": m.text("bad_text"),
            },
        ),
        ("patch", "/me", {"name": m.text("bad_correction"), "phone": m.text("bad_new_phone")}),
        ("delete", "/me", {"email": m.email("bad_confirm")}),
        ("post", f"/complaints/{cid}/information", {"answer": m.text("late_answer", " lagi")}),
    ]
    for method, path, body in bad:
        response = getattr(requests, method)(f"{api}{path}", json=body, headers=citizen, timeout=10)
        assert 400 <= response.status_code < 500, (path, response.status_code)
    response = requests.post(
        f"{api}/open311/v2/requests.json",
        timeout=10,
        data={
            "api_key": key,
            "service_code": "lingkungan.sampah",
            "email": m.text("bad_app_email"),
            "description": m.text("bad_app_text"),
        },
    )
    assert response.status_code == 400, response.text

    # -- the citizen's rights: export, correct, close ------------------------------------------------
    response = requests.get(f"{api}/me/data", headers=citizen, timeout=10)
    assert response.status_code == 200 and email in response.text and m.values["title"] in response.text
    new_phone = m.phone("new_phone")
    response = requests.patch(
        f"{api}/me",
        headers=citizen,
        timeout=10,
        json={"name": m.text("new_name", " Rahman"), "phone": f"+62811{new_phone}"},
    )
    assert response.status_code == 200, response.text
    response = requests.delete(f"{api}/me", headers=citizen, json={"email": email}, timeout=10)
    assert response.status_code == 204, response.text

    # -- the scan ------------------------------------------------------------------------------------
    time.sleep(2)  # the consumers finish what the last requests started
    log_file = Path(stack.log.name)  # the stack's whole output, as the fixture writes it to test-artifacts/
    log = log_file.read_text(encoding="utf-8")
    assert "handoff message handled" in log and "personal data exported" in log, "the stack logged at DEBUG"
    # The scan finds a marker wherever one is: the emails sent hold the citizen's address and the title.
    assert {"citizen_email", "title"} <= {
        line.split(" holds ")[1].split(" ")[0] for line in offenders(json.dumps(stack.messages()), m.values)
    }
    found = offenders(log, m.values)
    assert not found, f"personal data in {log_file}:\n" + "\n".join(found[:30])
