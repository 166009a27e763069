"""Phone numbers as people write them, on every route that takes one, and the reporter's name and phone taken
from the account (issue 20), against moto's Cognito as the local stack runs it: its ID tokens carry no
``name`` and no ``phone_number``, so a complaint that took them from the token said "Yth. Pelapor"."""

from __future__ import annotations

import jwt
import pytest

from .helpers import COMPLAINT, PASSWORD, assert_problem, call
from .staff_helpers import PHONE_CALL

pytestmark = pytest.mark.integration

EMAIL = "siti@example.id"
NAME = "Siti Aminah Rahman"


def register(client, phone, email=EMAIL, name=NAME):
    body = {"email": email, "password": PASSWORD, "name": name, "phone": phone}
    return call(client, "post", "/auth/register", body)


def token_of(client, email=EMAIL) -> str:
    response, tokens = call(client, "post", "/auth/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 200, tokens
    return tokens["id_token"]


def submitted(client, stack, token, **changes):
    response, created = call(client, "post", "/complaints", {**COMPLAINT, **changes}, token)
    assert response.status_code == 201, created
    stack.waiting_at(created["id"], "intake")  # the receipt is sent on the way
    return stack.complaint(created["id"])


@pytest.mark.parametrize("written", ["0812-3456-7890", "0812 3456 7890", "812 3456 7890", "+62 812-3456-7890"])
def test_registration_keeps_the_phone_as_e164(client, stack, written):
    response, body = register(client, written)
    assert response.status_code == 201, body
    response, data = call(client, "get", "/me/data", token=token_of(client))
    assert response.status_code == 200
    assert data["account"]["phone"] == "+6281234567890"


def test_a_complaint_names_the_registered_reporter_though_the_token_does_not(client, stack):
    register(client, "0812-3456-7890")
    token = token_of(client)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert "name" not in claims and "phone_number" not in claims  # moto's token, as on the local stack
    complaint = submitted(client, stack, token)
    assert (complaint.citizen_name, complaint.citizen_phone) == (NAME, "+6281234567890")
    (receipt,) = stack.emails_to(EMAIL)
    assert receipt["text"].startswith(f"Yth. {NAME},") and "Pelapor" not in receipt["text"].splitlines()[0]
    # An anonymous report stores neither.
    anonymous = submitted(client, stack, token, anonymous=True, title="Jalan berlubang")
    assert (anonymous.citizen_name, anonymous.citizen_phone) == (None, None)


def test_a_correction_reaches_the_next_complaint_without_logging_in_again(client, stack):
    register(client, None)
    token = token_of(client)
    response, body = call(client, "patch", "/me", {"name": "Siti Baru", "phone": "62 812 5555 1234"}, token)
    assert response.status_code == 200, body
    assert body["account"]["phone"] == "+6281255551234"
    complaint = submitted(client, stack, token)  # the token issued before the correction
    assert (complaint.citizen_name, complaint.citizen_phone) == ("Siti Baru", "+6281255551234")
    response, body = call(client, "patch", "/me", {"phone": None}, token)
    assert response.status_code == 200 and body["account"]["phone"] is None
    assert submitted(client, stack, token, title="Lampu jalan mati").citizen_phone is None


def test_what_is_not_a_phone_number_is_refused_naming_the_field(client, stack, staff):
    for phone in ("0812", "telepon saya", "+0812345678", "0812-3456-7890 ext 9"):
        response, problem = register(client, phone, email="lain@example.id")
        assert_problem(response, problem, 422)
        assert [(e["field"], e["code"]) for e in problem["errors"]] == [("phone", "invalid_phone")]
        assert "0812-3456-7890" in problem["errors"][0]["message"]["id"]
    response, _ = call(client, "post", "/auth/login", {"email": "lain@example.id", "password": PASSWORD})
    assert response.status_code == 401  # no account was made

    register(client, "0812-3456-7890")
    token = token_of(client)
    response, problem = call(client, "patch", "/me", {"phone": "12345"}, token)
    assert_problem(response, problem, 422)
    assert [e["field"] for e in problem["errors"]] == ["phone"]
    response, data = call(client, "get", "/me/data", token=token)
    assert data["account"]["phone"] == "+6281234567890"  # unchanged

    operator = staff.token("operator")
    bad = {**PHONE_CALL, "reporter": {"name": "Pak Darto", "email": "darto@example.id", "phone": "0812-FLOWERS"}}
    response, problem = call(client, "post", "/staff/complaints", bad, operator)
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("reporter.phone", "invalid_phone_number")]


def test_a_staff_entry_keeps_the_reporters_phone_as_e164(client, stack, staff):
    operator = staff.token("operator")
    for written, key in (("812 5555 1234", "a"), ("(+62) 812-5555-1234", "b"), ("6281255551234", "c")):
        entry = {**PHONE_CALL, "reporter": {"name": "Pak Darto", "phone": written}}
        response, created = call(client, "post", "/staff/complaints", entry, operator, {"Idempotency-Key": key})
        assert response.status_code == 201, created
        assert created["reporter"]["phone"] == "+6281255551234"
        assert stack.complaint(created["id"]).citizen_phone == "+6281255551234"
