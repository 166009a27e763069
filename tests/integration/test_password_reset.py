"""Accounts (DESIGN.md §3 Round 3): a wrong password says so, and a forgotten one is reset with an emailed code.

Against moto's Cognito, as the local stack runs it (``COGNITO_SENDS_RESET_CODES=0``): moto hands the code back
in a response header, we email its digits (they arrive in the outbox) and send them back in moto's form, so a
wrong code is refused here exactly as in the cloud.
"""

from __future__ import annotations

import re

import pytest

from .helpers import PASSWORD, assert_problem, call, citizen_token

pytestmark = pytest.mark.integration

EMAIL = "warga@example.id"
NEW_PASSWORD = "Sandi-Baru-2026"
WRONG = "Email atau kata sandi salah / Wrong email or password"


def login(client, email: str, password: str):
    return call(client, "post", "/auth/login", {"email": email, "password": password})


def reset_mails(stack, email: str) -> list[dict]:
    return [m for m in stack.emails_to(email) if "Kode untuk kata sandi baru" in m["subject"]]


def code_in(mail: dict) -> str:
    found = re.search(r"Kode Anda: (\d+)", mail["text"])
    assert found, mail["text"]
    assert f"Your code: {found.group(1)}" in mail["text"] and found.group(1) in mail["html"]
    return found.group(1)


def other_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_a_wrong_password_and_an_unknown_address_get_the_same_clear_answer(client):
    citizen_token(client)
    wrong_password, first = login(client, EMAIL, "Salah-Sandi-1")
    unknown, second = login(client, "tidak-ada@example.id", PASSWORD)
    for response, body in ((wrong_password, first), (unknown, second)):
        assert_problem(response, body, 401)
        assert body["title"] == WRONG
        assert body["type"].endswith("/wrong-credentials")
        assert body["messages"]["id"].startswith("Email atau kata sandi salah.")
        assert body["messages"]["en"].startswith("Wrong email or password.")
    assert first == {**second, "instance": first.get("instance")}
    # An expired or missing token still asks to log in again.
    response, body = call(client, "get", "/complaints", token="not-a-token")
    assert_problem(response, body, 401)
    assert body["title"] == "Silakan masuk / Please log in"


def test_a_citizen_resets_a_forgotten_password_with_the_emailed_code(client, stack):
    citizen_token(client)
    response, body = call(client, "post", "/auth/forgot", {"email": " Warga@Example.id "})
    assert response.status_code == 202 and body == {"email": EMAIL}
    (mail,) = reset_mails(stack, EMAIL)
    assert mail["to"] == [EMAIL]
    code = code_in(mail)
    assert "moto" not in mail["text"] and "moto" not in mail["html"]
    assert "Lupa kata sandi?" in mail["text"] and "Forgot password?" in mail["text"]

    # A wrong code is refused and changes nothing: the old password still logs in.
    response, problem = call(
        client, "post", "/auth/reset", {"email": EMAIL, "code": other_code(code), "new_password": NEW_PASSWORD}
    )
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("code", "wrong_code")]
    assert login(client, EMAIL, PASSWORD)[0].status_code == 200
    assert login(client, EMAIL, NEW_PASSWORD)[0].status_code == 401

    # A weak password is refused before the code is tried: the code still works afterwards.
    for weak in ("pendek1", "semuakecil123", "SEMUABESAR123", "TanpaAngka"):
        response, problem = call(client, "post", "/auth/reset", {"email": EMAIL, "code": code, "new_password": weak})
        assert_problem(response, problem, 422)
        assert [(e["field"], e["code"]) for e in problem["errors"]] == [("new_password", "weak_password")]
    assert login(client, EMAIL, PASSWORD)[0].status_code == 200

    # The right code, typed as people copy it (blanks around and inside): the new password logs in, the old not.
    typed = f" {code[:3]} {code[3:]} "
    response, _ = call(client, "post", "/auth/reset", {"email": EMAIL, "code": typed, "new_password": NEW_PASSWORD})
    assert response.status_code == 204 and response.body in (b"", "")
    response, tokens = login(client, EMAIL, NEW_PASSWORD)
    assert response.status_code == 200 and tokens["id_token"]
    response, problem = login(client, EMAIL, PASSWORD)
    assert_problem(response, problem, 401)
    assert problem["title"] == WRONG

    # The code works once.
    response, problem = call(client, "post", "/auth/reset", {"email": EMAIL, "code": code, "new_password": PASSWORD})
    assert_problem(response, problem, 422)
    assert problem["errors"][0]["field"] == "code"
    assert login(client, EMAIL, NEW_PASSWORD)[0].status_code == 200


def test_a_member_of_staff_resets_a_password_the_same_way(client, stack, staff):
    staff.token("supervisor")
    email = "supervisor@aspirasi.kaltimprov.go.id"
    response, body = call(client, "post", "/auth/forgot", {"email": email})
    assert response.status_code == 202 and body == {"email": email}
    code = code_in(reset_mails(stack, email)[-1])
    response, _ = call(client, "post", "/auth/reset", {"email": email, "code": code, "new_password": NEW_PASSWORD})
    assert response.status_code == 204
    response, tokens = login(client, email, NEW_PASSWORD)
    assert response.status_code == 200
    response, _ = call(client, "get", "/staff/work-items", token=tokens["id_token"])
    assert response.status_code == 200


def test_an_unknown_address_is_answered_alike_and_nothing_is_sent(client, stack):
    citizen_token(client)
    known = call(client, "post", "/auth/forgot", {"email": EMAIL})
    unknown = call(client, "post", "/auth/forgot", {"email": "belum-daftar@example.id"})
    assert known[0].status_code == unknown[0].status_code == 202
    assert set(known[1]) == set(unknown[1]) == {"email"}
    assert not stack.emails_to("belum-daftar@example.id")
    # Nor does a reset for an address without an account say so: it is a wrong code.
    stranger = {"email": "belum-daftar@example.id", "code": "123456", "new_password": NEW_PASSWORD}
    response, problem = call(client, "post", "/auth/reset", stranger)
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("code", "wrong_code")]


def test_bad_input_is_named(client):
    response, problem = call(client, "post", "/auth/forgot", {"email": "bukan-email"})
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("email", "invalid_email")]
    response, problem = call(client, "post", "/auth/reset", {"email": EMAIL, "code": "abc!", "new_password": ""})
    assert_problem(response, problem, 422)
    named = {(e["field"], e["code"]) for e in problem["errors"]}
    assert named == {("code", "wrong_code"), ("new_password", "required")}


def test_one_address_gets_a_few_codes_an_hour_however_often_anyone_asks(client, stack):
    citizen_token(client)
    answers = [call(client, "post", "/auth/forgot", {"email": EMAIL}) for _ in range(5)]
    assert {(r.status_code, tuple(b.items())) for r, b in answers} == {(202, (("email", EMAIL),))}
    mails = reset_mails(stack, EMAIL)
    assert len(mails) == 3
    # The newest code is the one that works.
    response, _ = call(
        client, "post", "/auth/reset", {"email": EMAIL, "code": code_in(mails[-1]), "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204


@pytest.mark.parametrize("stack_env", [{"PASSWORD_RESET_LIMIT_PER_HOUR": "2"}])
def test_one_client_address_may_ask_and_try_a_few_times_an_hour(client, stack):
    for n in range(2):
        response, _ = call(client, "post", "/auth/forgot", {"email": f"warga{n}@example.id"})
        assert response.status_code == 202
    response, problem = call(client, "post", "/auth/forgot", {"email": "warga9@example.id"})
    assert_problem(response, problem, 429)
    assert int(response.headers["Retry-After"]) > 0
    # Guessing codes is limited the same way (counted apart from asking).
    body = {"email": EMAIL, "code": "123456", "new_password": NEW_PASSWORD}
    assert [call(client, "post", "/auth/reset", body)[0].status_code for _ in range(3)] == [422, 422, 429]
