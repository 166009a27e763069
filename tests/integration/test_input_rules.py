"""Over HTTP, against moto: no control character reaches a stored complaint or an email, and one email rule
holds on every entry point, Open311 included (issue 18, defects 9 and 10)."""

from __future__ import annotations

import json

import pytest

from .helpers import COMPLAINT, assert_problem, call, citizen_token
from .open311_helpers import NEW_REQUEST, assert_error, issue, o311_call

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "field, value",
    [
        ("title", "Puskesmas\x00 tutup"),
        ("description", COMPLAINT["description"] + "\x00\x1b[2J"),
        ("location", "Samarinda\x00"),
        ("title", "Puskesmas \u202egnalat"),  # a bidirectional override: reads otherwise than it is written
    ],
)
def test_a_control_character_in_a_complaint_is_422_naming_the_field_and_nothing_is_stored_or_sent(
    client, stack, field, value
):
    token = citizen_token(client)
    sent_before = len(stack.emails())
    response, problem = call(client, "post", "/complaints", {**COMPLAINT, field: value}, token)
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [(field, "invalid_characters")]
    assert problem["errors"][0]["message"]["id"] and problem["errors"][0]["message"]["en"]
    assert call(client, "get", "/complaints", token=token)[1] == {"items": []}
    stack.pump()
    assert len(stack.emails()) == sent_before


def test_a_description_keeps_its_line_breaks_and_a_title_its_words(client, stack):
    token = citizen_token(client)
    description = "Antrean panjang.\r\nSudah tiga hari,\tsetiap pagi."
    response, created = call(
        client, "post", "/complaints", {**COMPLAINT, "title": "Puskesmas\ntutup", "description": description}, token
    )
    assert response.status_code == 201, created
    view = call(client, "get", f"/complaints/{created['id']}", token=token)[1]
    assert view["description"] == description and view["title"] == "Puskesmas tutup"


def test_staff_entry_refuses_a_reporter_name_or_a_decision_reason_with_control_characters(client, stack, staff):
    operator = staff.token("operator")
    entry = {**COMPLAINT, "channel": "phone", "reporter": {"name": "Budi\x00Santoso", "email": "budi@example.id"}}
    response, problem = call(client, "post", "/staff/complaints", entry, operator)
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("reporter.name", "invalid_characters")]
    entry["reporter"] = {"name": "Budi Santoso", "email": "<budi@example.id>"}
    response, problem = call(client, "post", "/staff/complaints", entry, operator)
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("reporter.email", "invalid_email")]

    token = citizen_token(client)
    complaint = call(client, "post", "/complaints", COMPLAINT, token)[1]
    stack.waiting_at(complaint["id"], "intake")
    response, problem = call(
        client,
        "post",
        f"/staff/complaints/{complaint['id']}/decision",
        {"stage": "intake", "decision": "reject", "reason": "Bukan\x07 pengaduan"},
        operator,
    )
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("reason", "invalid_characters")]


@pytest.mark.parametrize("email", ["<x@y.id>", "x@y.id\x00", "warga@example.id>"])
def test_open311_refuses_an_email_the_app_refuses_and_creates_nothing(client, stack, email):
    key = issue(stack)
    response, parsed = o311_call(client, "post", "requests.json", {"api_key": key, **NEW_REQUEST, "email": email})
    assert_error(response, parsed, 400, "email is not a valid email address")
    assert o311_call(client, "get", "requests.json")[1] == []
    response, problem = call(
        client, "post", "/auth/register", {"email": email, "password": "Rahasia-123", "name": "Siti"}
    )
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("email", "invalid_email")]


def test_open311_refuses_control_characters_in_its_text(client, stack):
    key = issue(stack)
    for name in ("description", "address_string", "first_name"):
        form = {"api_key": key, **NEW_REQUEST, name: NEW_REQUEST[name] + "\x00"}
        response, parsed = o311_call(client, "post", "requests.json", form)
        assert_error(response, parsed, 400, f"{name} contains control characters")
    assert o311_call(client, "get", "requests.json")[1] == []
    honest = {"api_key": key, **NEW_REQUEST, "description": "Tutup pukul 11.00.\r\nJadwal sampai 14.00."}
    response, created = o311_call(client, "post", "requests.json", honest)
    assert response.status_code == 200, created
    assert json.dumps(created)  # the request was created
