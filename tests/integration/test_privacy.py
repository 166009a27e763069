"""Personal data rights (UU PDP) through the API on moto: the export, correction, closing an account.

Real Cognito tokens and accounts (moto), real complaints run by the state machine, attachments
uploaded to moto's S3 with the presigned POST. Failures are injected at the AWS client (botocore's
``before-call`` event), never by replacing our own modules.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from ..samples import PNG
from .attachment_helpers import ask, objects, upload
from .helpers import COMPLAINT, OPERATOR, PASSWORD, assert_problem, call
from .privacy_helpers import EMAIL, register, submitted

pytestmark = pytest.mark.integration


def with_file(client, stack, token, cid) -> str:
    _, asked = ask(client, token, cid)
    upload(asked, PNG)
    stack.pump_uploads()
    assert stack.svc.store.get_attachment(cid, asked["id"]).status == "accepted"
    return asked["id"]


def export(client, token) -> dict:
    response, data = call(client, "get", "/me/data", token=token)
    assert response.status_code == 200, data
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="data-saya-') and disposition.endswith('.json"')
    assert response.headers["Cache-Control"] == "no-store"
    return data


def cognito_user(stack, email=EMAIL) -> dict | None:
    idp = boto3.client("cognito-idp", region_name=stack.region)
    try:
        user = idp.admin_get_user(UserPoolId=stack.identity.user_pool_id, Username=email)
    except idp.exceptions.UserNotFoundException:
        return None
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


def fail_once(client_, event: str):
    """Make the next call of an AWS operation fail as the service would (a throttling error)."""
    state = {"armed": True}

    def boom(**_):
        if state.pop("armed", False):
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "injected"}}, event)

    client_.meta.events.register(f"before-call.{event}", boom)
    return state


def test_the_export_holds_all_that_is_held_and_nothing_of_anyone_else(client, stack):
    token = register(client)
    named = submitted(client, stack, token)
    hidden = submitted(client, stack, token, anonymous=True, title="Jalan rusak di Loa Janan")
    file_id = with_file(client, stack, token, named)
    other = register(client, email="tetangga@example.id", name="Budi Santoso", phone=None)
    theirs = submitted(client, stack, other, title="Lampu jalan padam")

    data = export(client, token)
    assert data["account"]["email"] == EMAIL and data["account"]["name"] == "Siti Aminah"
    assert data["account"]["phone"] == "+6281234567890" and data["account"]["created_at"]
    by_id = {c["complaint"]["id"]: c for c in data["complaints"]}
    assert set(by_id) == {named, hidden}
    record = by_id[named]["complaint"]
    # (moto's ID tokens carry no name or phone claim, so a web complaint holds what the token had: the email)
    assert record["citizen_email"] == EMAIL and record["citizen_id"] and record["title"] == COMPLAINT["title"]
    assert record["description"] == COMPLAINT["description"] and record["tracking_number"].startswith("KT-")
    assert "citizen_name" not in by_id[hidden]["complaint"] and by_id[hidden]["complaint"]["anonymous"] is True
    assert not {"feedback_token", "request_fingerprint", "task_token"} & set(record)
    assert by_id[named]["timeline"][0]["stage"] == "intake" and by_id[named]["history"][0]["type"] == "submitted"
    (attachment,) = by_id[named]["attachments"]
    assert attachment["attachment_id"] == file_id and attachment["filename"] == "jalan.png"
    assert attachment["status"] == "accepted" and "s3_key" not in attachment
    receipts = by_id[named]["emails"]
    assert receipts and all(e["to"] == [EMAIL] and e["subject"] and e["template"] and e["sent_at"] for e in receipts)
    text = str(data)
    assert OPERATOR not in text  # the teams' emails are not the citizen's data
    assert "tetangga@example.id" not in text and theirs not in text and "Lampu jalan padam" not in text

    assert [c["complaint"]["id"] for c in export(client, other)["complaints"]] == [theirs]


def test_correction_updates_the_account_and_the_named_reports_only(client, stack):
    for method, path in (("get", "/me/data"), ("patch", "/me"), ("delete", "/me")):  # citizen routes: 401
        for bad_token in (None, "not-a-jwt"):
            response, body = call(client, method, path, {"email": EMAIL} if method != "get" else None, bad_token)
            assert_problem(response, body, 401)
    token = register(client)
    named = submitted(client, stack, token)
    hidden = submitted(client, stack, token, anonymous=True)
    trail = len(stack.svc.store.audit_trail(named))

    before = (cognito_user(stack), stack.complaint(named), stack.complaint(hidden))
    for bad, fields in (
        ({"phone": "0812"}, {"phone"}),
        ({"name": "  "}, {"name"}),
        ({"name": "x" * 101}, {"name"}),
        ({"email": "baru@example.id"}, {"email"}),
        ({}, {""}),
        ([1], {""}),
        ({"name": "Siti Baru", "phone": 12}, {"phone"}),
    ):
        response, body = call(client, "patch", "/me", bad, token)
        assert_problem(response, body, 422)
        assert {e["field"] for e in body["errors"]} == fields and all(e["message"]["id"] for e in body["errors"])
    response, body = call(client, "patch", "/me", b"{nope", token)
    assert_problem(response, body, 400)
    assert (
        cognito_user(stack),
        stack.complaint(named),
        stack.complaint(hidden),
    ) == before  # bad input changed nothing

    response, body = call(
        client, "patch", "/me", {"name": "  Siti   Aminah Rahman ", "phone": "+62 811 2223 334"}, token
    )
    assert response.status_code == 200, body
    assert body["account"]["name"] == "Siti Aminah Rahman" and body["account"]["phone"] == "+628112223334"
    assert body["complaints_corrected"] == 1 and "login" in body["note"]["en"]
    user = cognito_user(stack)
    assert user is not None and user["name"] == "Siti Aminah Rahman"
    assert stack.complaint(named).citizen_name == "Siti Aminah Rahman"
    assert stack.complaint(named).citizen_phone == "+628112223334"
    assert stack.complaint(hidden).citizen_name is None and stack.complaint(hidden).citizen_phone is None
    (entry,) = [e for e in stack.svc.store.audit_trail(named) if e.action == "personal_data_corrected"]
    assert entry.details == {"fields": ["name", "phone"]} and len(stack.svc.store.audit_trail(named)) == trail + 1

    response, body = call(client, "patch", "/me", {"phone": None}, token)  # remove the number
    assert response.status_code == 200 and body["account"]["phone"] is None
    user = cognito_user(stack)
    assert user is not None and "phone_number" not in user and stack.complaint(named).citizen_phone is None
    assert stack.complaint(named).citizen_name == "Siti Aminah Rahman"


def test_closing_the_account_erases_personal_data_and_keeps_the_record(client, stack, staff):
    token = register(client)
    named = submitted(client, stack, token)
    hidden = submitted(client, stack, token, anonymous=True)
    with_file(client, stack, token, named)
    response, _ = call(client, "patch", "/me", {"name": "Siti Aminah", "phone": "+6281234567890"}, token)
    assert response.status_code == 200 and stack.complaint(named).citizen_phone == "+6281234567890"
    other = register(client, email="tetangga@example.id", name="Budi Santoso")
    theirs = submitted(client, stack, other)
    assert objects(stack)

    before = (cognito_user(stack), stack.complaint(named))
    for body in ({}, {"email": "tetangga@example.id"}, {"email": "salah@example.id"}, [EMAIL]):
        response, problem = call(client, "delete", "/me", body, token)
        assert_problem(response, problem, 422)
    response, problem = call(client, "delete", "/me", {"email": EMAIL}, other)  # another citizen: their own email only
    assert_problem(response, problem, 422)
    operator = staff.token("operator")  # staff accounts are an administrator's to disable, not to delete here
    response, problem = call(client, "delete", "/me", {"email": OPERATOR}, operator)
    assert_problem(response, problem, 403)
    assert cognito_user(stack, OPERATOR) is not None
    assert (cognito_user(stack), stack.complaint(named)) == before

    response, _ = call(client, "delete", "/me", {"email": f"  {EMAIL.upper()} "}, token)
    assert response.status_code == 204
    assert cognito_user(stack) is None
    for cid in (named, hidden):
        complaint = stack.complaint(cid)
        for field in ("citizen_id", "citizen_email", "citizen_name", "citizen_phone", "device_id", "account_id"):
            assert getattr(complaint, field) is None, field
        assert complaint.personal_data_erased_at and complaint.title == COMPLAINT["title"]
        assert complaint.anonymous == (cid == hidden)
        assert complaint.description == COMPLAINT["description"] and complaint.tracking_number
        trail = stack.svc.store.audit_trail(cid)
        (erased,) = [e for e in trail if e.action == "personal_data_erased"]
        assert erased.actor == "system:privacy" and "citizen_email" in erased.details["fields"]
        assert "Siti" not in str(erased.details) and "+62" not in str(erased.details)
        assert EMAIL not in str([e.details for e in trail])  # the notes of emails sent no longer hold the address
        assert EMAIL not in str([r.to for r in stack.svc.store.email_records(cid)])  # nor the email outbox
        assert any(e.action == "email_sent" for e in trail)
    (attachment,) = stack.svc.store.attachments(named, 10)
    assert attachment.status == "rejected" and attachment.reject_reason == "personal_data_erased"
    assert attachment.filename == "(dihapus)" and not [k for k in objects(stack) if named in k]
    assert stack.complaint(theirs).citizen_email == "tetangga@example.id"  # nobody else's data moved
    assert cognito_user(stack, "tetangga@example.id") is not None

    # Staff see that the reporter's data was erased; the case goes on, and no email can reach them.
    response, case = call(client, "get", f"/staff/complaints/{named}", token=operator)
    assert response.status_code == 200 and case["reporter"]["erased_at"] and case["reporter"]["email"] is None
    assert "personal_data_erased" in [a["action"] for a in case["audit"]]
    erased = next(a["summary"] for a in case["audit"] if a["action"] == "personal_data_erased")
    assert "Sistem menghapus data pribadi pelapor karena akunnya ditutup" in erased["id"]
    assert not [a for a in case["audit"] if EMAIL in a["summary"]["id"] + a["summary"]["en"]]
    assert case["attachments"][0]["url"] is None
    sent = len(stack.emails_to(EMAIL))
    rejection = {"stage": "intake", "decision": "reject", "reason": "Bukan kewenangan layanan ini."}
    response, body = call(client, "post", f"/staff/complaints/{named}/decision", rejection, operator)
    assert response.status_code == 200, body
    stack.finished(named)
    assert len(stack.emails_to(EMAIL)) == sent

    # Again (a retry with the still-valid token): nothing left to do, the same answer.
    response, _ = call(client, "delete", "/me", {"email": EMAIL}, token)
    assert response.status_code == 204
    assert [e.action for e in stack.svc.store.audit_trail(named)].count("personal_data_erased") == 1
    response, problem = call(client, "get", "/me/data", token=token)
    assert_problem(response, problem, 401)
    response, problem = call(client, "post", "/auth/login", {"email": EMAIL, "password": PASSWORD})
    assert_problem(response, problem, 401)


def test_closing_is_safe_to_retry_after_a_failure_at_any_point(client, stack):
    token = register(client)
    first = submitted(client, stack, token)
    second = submitted(client, stack, token, title="Jembatan retak")
    with_file(client, stack, token, second)

    # 1. S3 fails while the second complaint's file is deleted: whatever finished stays, the rest waits.
    s3 = stack.svc.uploads._client
    fail_once(s3, "s3.DeleteObject")
    response, problem = call(client, "delete", "/me", {"email": EMAIL}, token)
    assert_problem(response, problem, 500)
    assert cognito_user(stack) is not None  # the account goes last
    erased = [c for c in (first, second) if stack.complaint(c).personal_data_erased_at]
    assert len(erased) <= 1

    # 2. Everything erased, then Cognito fails: the account is still there.
    fail_once(stack.svc.identity._client, "cognito-idp.AdminDeleteUser")
    response, problem = call(client, "delete", "/me", {"email": EMAIL}, token)
    assert_problem(response, problem, 500)
    assert cognito_user(stack) is not None
    assert all(stack.complaint(c).personal_data_erased_at for c in (first, second))

    # 3. The retry finishes: the account is deleted, each complaint erased exactly once.
    response, _ = call(client, "delete", "/me", {"email": EMAIL}, token)
    assert response.status_code == 204 and cognito_user(stack) is None
    for cid in (first, second):
        assert [e.action for e in stack.svc.store.audit_trail(cid)].count("personal_data_erased") == 1
        assert stack.complaint(cid).citizen_email is None
    assert not [k for k in objects(stack) if second in k]
