"""End to end over HTTP only: the real local stack, a citizen, every team through its emailed links."""

from __future__ import annotations

import re

import pytest
import requests

from local.launch import wait_for

from .helpers import DISKOMINFO, OPERATOR, Citizen, act, next_link

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": "0.1", "FEEDBACK_WINDOW_MINUTES": "0.05"}
DLH = "opd-dlh@aspirasi.kaltimprov.go.id"


def test_aspiration_path_over_http(local_stack):
    citizen = Citizen(local_stack)
    created = citizen.submit(
        category="lingkungan",
        subcategory="sampah",
        title="Sampah menumpuk di Jl. Juanda",
        description="Sampah tidak diangkut selama dua minggu di depan pasar.",
        location="Jl. Juanda, Samarinda",
    )
    tracking, used = created["tracking_number"], set[str]()
    receipt = wait_for(lambda: [m for m in local_stack.messages() if citizen.email in m["to"]], "the receipt")
    assert tracking in receipt[0]["subject"]

    assert act(next_link(local_stack, OPERATOR, tracking, used), {"decision": "accept"})["stage"] == "intake"
    described = act(next_link(local_stack, DISKOMINFO, tracking, used), {"kind": "aspiration", "opd": "DLH"}, form=True)
    assert described["stage"] == "classification" and described["suggested_opd"] == "DLH"
    act(next_link(local_stack, DLH, tracking, used), {"response": "Pengangkutan dijadwalkan ulang setiap hari."})
    described = act(next_link(local_stack, DISKOMINFO, tracking, used), {"decision": "approve"})
    assert described["case"]["opd_response"] == "Pengangkutan dijadwalkan ulang setiap hari."
    act(
        next_link(local_stack, OPERATOR, tracking, used),
        {"reply": "DLH menjadwalkan pengangkutan sampah setiap hari mulai besok."},
        form=True,
    )

    view = wait_for(lambda: (v := citizen.read(created["id"]))["status"] in ("answered", "closed") and v, "answered")
    assert view["reply"] == "DLH menjadwalkan pengangkutan sampah setiap hari mulai besok."
    assert [s["stage"] for s in view["timeline"]] == ["intake", "classification", "opd_response", "review", "reply"]
    assert view["opd"] == {"code": "DLH", "name": "Dinas Lingkungan Hidup"}
    reply_mail = wait_for(
        lambda: [m for m in local_stack.messages() if citizen.email in m["to"] and "Jawaban" in m["subject"]],
        "the reply email",
    )
    assert "DLH menjadwalkan pengangkutan sampah" in reply_mail[0]["text"]
    closed = wait_for(lambda: (v := citizen.read(created["id"]))["status"] == "closed" and v, "closed", 30)
    assert closed["closed_at"]


def test_information_path_over_http(local_stack):
    citizen = Citizen(local_stack)
    created = citizen.submit(
        category="informasi-publik",
        subcategory="ppid",
        title="Cara meminta data APBD",
        description="Bagaimana cara meminta salinan APBD Provinsi Kaltim 2026?",
    )
    tracking, used = created["tracking_number"], set[str]()
    act(next_link(local_stack, OPERATOR, tracking, used), {"decision": "accept"})
    act(next_link(local_stack, DISKOMINFO, tracking, used), {"kind": "information"})
    act(next_link(local_stack, OPERATOR, tracking, used), {"reply": "Ajukan melalui ppid.kaltimprov.go.id."})
    view = wait_for(lambda: (v := citizen.read(created["id"]))["status"] in ("answered", "closed") and v, "answered")
    assert view["reply"] == "Ajukan melalui ppid.kaltimprov.go.id." and view["kind"] == "information"
    assert [s["stage"] for s in view["timeline"]] == ["intake", "classification", "reply"]
    assert wait_for(
        lambda: [
            m for m in local_stack.messages() if citizen.email in m["to"] and "ppid.kaltimprov.go.id" in m["text"]
        ],
        "the reply email",
    )


def test_outbox_contract(local_stack):
    messages = local_stack.messages()
    assert messages, "earlier tests sent mail"
    # DESIGN.md's contract, plus the attached files' names (the monthly report): [{filename, content_type, size}]
    assert set(messages[0]) == {"id", "to", "subject", "text", "html", "sent_at", "attachments"}
    assert all(m["attachments"] == [] for m in messages)
    assert [m["sent_at"] for m in messages] == sorted(m["sent_at"] for m in messages)
    page = requests.get(f"{local_stack.outbox}/", timeout=10)
    assert page.status_code == 200 and "Outbox" in page.text
    assert requests.get(f"{local_stack.api}/complaints", timeout=10).status_code == 401


# Issue 18 (docs/security.md), over HTTP where the red team found them: tokens that outlived their account.
ACCOUNT_LINE = re.compile(r"^\s+(\S+@\S+)\s+(\S+)\s*$")


def staff_login(stack, email: str) -> dict:
    password = next(m.group(2) for line in stack.banner if (m := ACCOUNT_LINE.match(line)) and m.group(1) == email)
    response = requests.post(f"{stack.api}/auth/login", json={"email": email, "password": password}, timeout=10)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['id_token']}"}


def test_a_closed_accounts_token_and_a_disabled_members_token_are_refused(local_stack):
    api = local_stack.api
    body = {
        "category": "informasi-publik",
        "subcategory": "ppid",
        "title": "Data APBD",
        "description": "Bagaimana cara meminta salinan APBD Provinsi Kaltim 2026?",
    }
    citizen = Citizen(local_stack)
    citizen.submit(**body)
    closed = requests.delete(f"{api}/me", json={"email": citizen.email}, headers=citizen.headers, timeout=10)
    assert closed.status_code == 204
    for method, path in (("post", "/complaints"), ("get", "/complaints"), ("get", "/me/data")):
        response = requests.request(
            method, f"{api}{path}", json=body if method == "post" else None, headers=citizen.headers, timeout=10
        )
        assert response.status_code == 401, (path, response.text)
        assert response.headers["Content-Type"] == "application/problem+json"

    member = "opd-dinkes@aspirasi.kaltimprov.go.id"
    admin, token = staff_login(local_stack, "admin@aspirasi.kaltimprov.go.id"), staff_login(local_stack, member)
    assert requests.get(f"{api}/me/data", headers=token, timeout=10).status_code == 200
    assert requests.delete(f"{api}/staff/members/{member}", headers=admin, timeout=10).status_code == 204
    for method, path in (("post", "/complaints"), ("patch", "/me"), ("get", "/me/data"), ("get", "/staff/work-items")):
        payload = body if path == "/complaints" else {"name": "Nama Baru"} if method == "patch" else None
        response = requests.request(method, f"{api}{path}", json=payload, headers=token, timeout=10)
        assert response.status_code == 401, (path, response.text)
    members = requests.get(f"{api}/staff/members", headers=admin, timeout=10).json()["items"]
    assert "Nama Baru" not in str(members) and not next(m for m in members if m["email"] == member)["enabled"]


def test_registration_tells_nobody_who_has_an_account(local_stack):
    api = local_stack.api
    citizen = Citizen(local_stack)
    fresh = requests.post(
        f"{api}/auth/register",
        json={"email": f"x-{citizen.email}", "password": "Rahasia-123", "name": "Orang Baru"},
        timeout=10,
    )
    taken = requests.post(
        f"{api}/auth/register",
        json={"email": citizen.email, "password": "Lain-Sandi-99", "name": "Penyerang"},
        timeout=10,
    )
    assert (
        (taken.status_code, set(taken.json()))
        == (fresh.status_code, set(fresh.json()))
        == (201, {"email", "confirmed"})
    )
    assert wait_for(
        lambda: [
            m
            for m in local_stack.messages()
            if citizen.email in m["to"] and "Pendaftaran dengan email Anda" in m["subject"]
        ],
        "the owner's email",
    )
    login = requests.post(f"{api}/auth/login", json={"email": citizen.email, "password": "Lain-Sandi-99"}, timeout=10)
    assert login.status_code == 401  # nothing about the account changed
