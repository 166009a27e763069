"""Regression tests for the red team's findings (issue 18, docs/security.md): each failed on the code the
attack succeeded against. Real Cognito tokens, tables, queues and executions (moto); failures injected at
the AWS client, never by replacing our own modules.
"""

from __future__ import annotations

import time

import pytest

from chalicelib.adapters.tables import MODELS, ComplaintModel
from chalicelib.domain import personal_data

from ..samples import PNG
from .attachment_helpers import ask, objects, upload
from .helpers import COMPLAINT, DINKES, DISKOMINFO, OPERATOR, assert_problem, call
from .privacy_helpers import EMAIL, register, submitted

pytestmark = pytest.mark.integration


def complaints_in_table(stack) -> int:
    """Every complaint stored (a scan: tests only)."""
    return sum(1 for _ in ComplaintModel.scan())


# 1. An erased account's token keeps working ------------------------------------------------------------
def test_a_closed_accounts_token_is_refused_on_every_citizen_route(client, stack):
    token = register(client)
    cid = submitted(client, stack, token)
    before = complaints_in_table(stack)
    response, _ = call(client, "delete", "/me", {"email": EMAIL}, token)
    assert response.status_code == 204

    response, problem = call(client, "post", "/complaints", COMPLAINT, token)
    assert_problem(response, problem, 401)
    assert problem["type"].endswith("/account-closed")
    assert complaints_in_table(stack) == before  # nothing stored, no receipt to the erased address
    for method, path, body in (
        ("get", "/complaints", None),
        ("get", f"/complaints/{cid}", None),
        ("post", f"/complaints/{cid}/information", {"answer": "Di depan pasar."}),
        ("post", f"/complaints/{cid}/rating", {"score": 5}),
        ("post", f"/complaints/{cid}/reopen", {"reason": "Belum diperbaiki."}),
        ("post", f"/complaints/{cid}/attachments", {"filename": "a.png", "content_type": "image/png", "size": 10}),
        ("get", "/me/data", None),
        ("patch", "/me", {"name": "Orang Lain"}),
    ):
        response, problem = call(client, method, path, body, token)
        assert_problem(response, problem, 401)


def test_a_submission_racing_the_closure_is_refused_in_its_own_transaction(client, stack):
    """Another process (a fresh cache) has seen the account active a moment ago: the transaction still refuses."""
    token = register(client)
    response, _ = call(client, "get", "/complaints", token=token)
    assert response.status_code == 200  # this process now remembers the account as active
    sub = stack.svc.verifier.verify(token)["sub"]
    stack.svc.store.revoke_tokens(personal_data.subject_key(sub), 2**31, "closed", 2**31)  # as another process would
    before = complaints_in_table(stack)
    response, problem = call(client, "post", "/complaints", COMPLAINT, token)
    assert_problem(response, problem, 401)
    assert complaints_in_table(stack) == before


# 2. A disabled member's token still acts on the citizen routes -------------------------------------------
def test_a_disabled_members_token_is_refused_everywhere(client, stack, staff):
    admin = staff.token("admin", email="admin.a@kaltimprov.go.id")
    operator = staff.token("operator", email="operator.a@kaltimprov.go.id")
    response, _ = call(client, "get", "/me/data", token=operator)
    assert response.status_code == 200  # an enabled member may read their own data
    response, _ = call(client, "delete", "/staff/members/operator.a@kaltimprov.go.id", token=admin)
    assert response.status_code == 204

    before = complaints_in_table(stack)
    for method, path, body in (
        ("post", "/complaints", COMPLAINT),
        ("get", "/complaints", None),
        ("get", "/me/data", None),
        ("patch", "/me", {"name": "Nama Baru"}),
        ("get", "/staff/work-items", None),
    ):
        response, problem = call(client, method, path, body, operator)
        assert_problem(response, problem, 401)
    assert complaints_in_table(stack) == before
    response, members = call(client, "get", "/staff/members", token=admin)
    assert "Nama Baru" not in str(members)


def test_a_disabled_member_is_refused_by_another_process_that_saw_them_enabled(client, stack, staff):
    """The submission transaction refuses the member's token, whatever a process remembers of Cognito."""
    admin = staff.token("admin", email="admin.b@kaltimprov.go.id")
    operator = staff.token("operator", email="operator.b@kaltimprov.go.id")
    response, _ = call(client, "get", "/staff/work-items", token=operator)
    assert response.status_code == 200
    response, _ = call(client, "delete", "/staff/members/operator.b@kaltimprov.go.id", token=admin)
    assert response.status_code == 204
    # Another process: it still remembers the member as enabled and has read no revocation.
    stack.svc.account_status._known["operator.b@kaltimprov.go.id"] = (time.monotonic() + 60, True)
    stack.svc.revocations._known.clear()
    before = complaints_in_table(stack)
    response, problem = call(client, "post", "/complaints", COMPLAINT, operator)
    assert_problem(response, problem, 401)
    assert complaints_in_table(stack) == before


# 3. Erasure leaves the person in the audit trail (file names), answers and counters ------------------------
def everything_stored() -> str:
    """Every item of every table, as text (a scan of each: tests only)."""
    return "\n".join(repr(item.attribute_values) for model in MODELS for item in model.scan())


def test_erasure_removes_the_person_from_every_table(client, stack):
    phone = "+6281298765432"
    filename = "KTP-Budi-Santoso-6472011234567890.png"
    token = register(client, name="Budi Santoso", phone=phone)
    sub = stack.svc.verifier.verify(token)["sub"]
    cid = submitted(client, stack, token)
    _, asked = ask(client, token, cid, filename=filename)
    upload(asked, PNG)
    stack.pump_uploads()
    stack.decide(OPERATOR, {"decision": "request_information", "question": "Di sebelah mana?"})
    stack.run_until(lambda: stack.complaint(cid).pending_question, what="the question")
    response, _ = call(client, "post", f"/complaints/{cid}/information", {"answer": "Depan pasar pagi."}, token)
    assert response.status_code == 200
    stack.waiting_at(cid, "intake")
    held = everything_stored()
    for value in (EMAIL, filename, sub):  # (moto's ID token carries no name or phone: the case has none)
        assert value in held, value  # each was written somewhere: the walk below looks for real traces

    response, _ = call(client, "delete", "/me", {"email": EMAIL}, token)
    assert response.status_code == 204
    held = everything_stored()
    for value in (EMAIL, "Budi Santoso", phone, phone[1:], filename, "6472011234567890", sub):
        assert value not in held, value
    assert not [key for key in objects(stack) if cid in key]
    assert "Depan pasar pagi." in held and COMPLAINT["title"] in held  # the case's facts stay


# 4. The data export showed the agency's draft answer -----------------------------------------------------
def test_the_export_shows_what_the_citizen_may_see_not_the_agencys_draft(client, stack):
    token = register(client)
    cid = submitted(client, stack, token)
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"})
    stack.waiting_at(cid, "opd_response")
    draft = "DRAF: jadwal puskesmas akan diperbaiki bulan depan."
    stack.decide(DINKES, {"response": draft})
    stack.waiting_at(cid, "review")

    def export_text() -> str:
        response, data = call(client, "get", "/me/data", token=token)
        assert response.status_code == 200, data
        response, case = call(client, "get", f"/complaints/{cid}", token=token)
        assert draft not in str(case)  # the citizen's own view never showed it: the export must not either
        (exported,) = data["complaints"]
        assert exported["complaint"]["id"] == cid and exported["complaint"]["citizen_email"] == EMAIL
        return str(data)

    assert draft not in export_text()  # before Diskominfo reviewed it
    stack.decide(DISKOMINFO, {"decision": "return", "reason": "Sebutkan tanggal perbaikan."})
    stack.waiting_at(cid, "opd_response")
    assert draft not in export_text()  # returned to the agency


# 8. Registration revealed who has an account ----------------------------------------------------------
def test_registering_an_existing_address_answers_as_for_a_new_one_and_tells_the_owner(client, stack, staff):
    from .helpers import PASSWORD

    staff.token("operator", email="operator.c@kaltimprov.go.id")
    register(client)  # a citizen's account
    new = {"email": "baru@example.id", "password": PASSWORD, "name": "Orang Baru"}
    fresh, fresh_body = call(client, "post", "/auth/register", new)
    assert fresh.status_code == 201
    for existing in (EMAIL, "operator.c@kaltimprov.go.id", EMAIL.upper()):
        again = {"email": existing, "password": "Lain-Sandi-99", "name": "Penyerang"}
        response, body = call(client, "post", "/auth/register", again)
        assert response.status_code == fresh.status_code and set(body) == set(fresh_body)
        assert body["confirmed"] == fresh_body["confirmed"] and body["email"] == existing.lower()
    # Nothing changed: the owner's password still logs in, the attacker's does not.
    response, _ = call(client, "post", "/auth/login", {"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200
    response, _ = call(client, "post", "/auth/login", {"email": EMAIL, "password": "Lain-Sandi-99"})
    assert response.status_code == 401
    # The owners are told, once an hour however often someone tries.
    for owner in (EMAIL, "operator.c@kaltimprov.go.id"):
        told = [m for m in stack.emails_to(owner) if "Pendaftaran dengan email Anda" in m["subject"]]
        assert len(told) == 1, told
        assert "sudah punya akun" in told[0]["text"]
    assert not [m for m in stack.emails_to("baru@example.id") if "Pendaftaran" in m["subject"]]


@pytest.mark.parametrize("stack_env", [{"REGISTER_LIMIT_PER_HOUR": "3"}])
def test_account_creation_is_limited_per_client_address(client, stack):
    from .helpers import PASSWORD

    for n in range(3):
        response, _ = call(
            client, "post", "/auth/register", {"email": f"warga{n}@example.id", "password": PASSWORD, "name": "Warga"}
        )
        assert response.status_code == 201
    response, problem = call(
        client, "post", "/auth/register", {"email": "warga9@example.id", "password": PASSWORD, "name": "Warga"}
    )
    assert_problem(response, problem, 429)
    assert int(response.headers["Retry-After"]) > 0
    response, _ = call(client, "post", "/auth/login", {"email": "warga9@example.id", "password": PASSWORD})
    assert response.status_code == 401  # no account was made
