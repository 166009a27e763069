"""Attachments against real moto S3 and SQS: the presigned POST, S3's event to the uploads queue, the check.

The citizen asks through the API (Chalice's test client), uploads with the presigned POST exactly as a
browser would (a multipart form: the policy's fields, then the file), and S3's ObjectCreated event
reaches the uploads consumer through the queue (``stack.pump_uploads()``, as Lambda's event source
mapping would deliver it).
"""

from __future__ import annotations

import boto3
import pytest
import requests

from chalicelib.adapters.tables import AttachmentModel
from chalicelib.domain import files
from chalicelib.service import attachments as attachment_uc

from ..samples import EXE, PDF, PNG
from .attachment_helpers import ask, citizen_view, objects, submitted, upload
from .helpers import OPERATOR, assert_problem, call, citizen_token

pytestmark = pytest.mark.integration
TEXT = b"Ini bukan foto, hanya teks yang diberi nama .jpg\n"


def state(stack, cid) -> tuple:
    """Everything a refused request must leave as it was."""
    complaint = stack.complaint(cid)
    return (
        int(complaint.attachment_count or 0),
        [(a.attachment_id, a.status) for a in AttachmentModel.query(cid)],
        len(stack.svc.store.audit_trail(cid)),
        objects(stack),
    )


def test_a_photo_goes_straight_to_s3_is_checked_and_everyone_allowed_sees_it(stack, client, staff):
    token = citizen_token(client)
    cid = submitted(client, token)
    assert citizen_view(client, token, cid)["attachments"] == []

    response, asked = ask(client, token, cid, filename="C:\\fakepath\\jalan berlubang.png")
    assert response.headers["Location"] == f"/complaints/{cid}"
    assert asked["filename"] == "jalan berlubang.png" and asked["status"] == "pending" and asked["url"] is None
    assert asked["size"] == len(PNG) and asked["content_type"] == "image/png"
    fields = asked["upload"]["fields"]
    assert fields["key"] == f"attachments/{cid}/{asked['id']}" and fields["Content-Type"] == "image/png"
    assert {"policy", "x-amz-signature", "x-amz-credential", "x-amz-algorithm"} <= set(fields)
    assert asked["upload"]["url"].startswith("https://test-attachments.s3.ap-southeast-3.amazonaws.com")
    assert stack.complaint(cid).attachment_count == 1

    upload(asked, PNG)
    assert stack.pump_uploads() >= 1  # S3's ObjectCreated event reached the consumer through the queue

    (seen,) = citizen_view(client, token, cid)["attachments"]
    assert {k: seen[k] for k in ("id", "filename", "content_type", "size", "status")} == {
        "id": asked["id"],
        "filename": "jalan berlubang.png",
        "content_type": "image/png",
        "size": len(PNG),
        "status": "accepted",
    }
    download = requests.get(seen["url"], timeout=10)
    assert download.status_code == 200 and download.content == PNG
    assert download.headers["Content-Disposition"].startswith('attachment; filename="jalan berlubang.png"')
    assert "X-Amz-Expires=300" in seen["url"]  # a short-lived link, never a public object
    assert requests.get(seen["url"].split("?")[0], timeout=10).status_code in (403, 404)  # without the signature
    assert [a for a in stack.audit_actions(cid) if a.startswith("attachment")] == [
        "attachment_requested",
        "attachment_added",
    ]
    assert stack.complaint(cid).attachment_count == 1

    # Staff who may see the case see it too: the console's case, and the emailed action link's page.
    _, case = call(client, "get", f"/staff/complaints/{cid}", token=staff.token("operator"))
    (file,) = case["attachments"]
    assert file["status"] == "accepted" and requests.get(file["url"], timeout=10).content == PNG
    stack.waiting_at(cid, "intake")
    link = stack.last_link(OPERATOR)
    response, action = call(client, "get", f"/actions/{link}")
    assert response.status_code == 200 and action["attachments"][0]["filename"] == "jalan berlubang.png"
    page = client.get(f"/actions/{link}", headers={"Accept": "text/html"})
    html = page.body.decode()
    assert 'id="attachments"' in html and "jalan berlubang.png" in html
    assert 'href="https://test-attachments.s3.ap-southeast-3.amazonaws.com/accepted/' in html  # the checked copy
    # An agency the case was never routed to does not.
    _, problem = call(client, "get", f"/staff/complaints/{cid}", token=staff.token("opd-DINKES"))
    assert problem["status"] == 403


def test_the_citizen_page_may_post_to_the_bucket(stack, client):
    page = client.get("/", headers={"Accept": "text/html"})
    policy = page.headers["Content-Security-Policy"]
    assert "connect-src 'self' https://test-attachments.s3.ap-southeast-3.amazonaws.com" in policy
    assert stack.svc.uploads.origin == "https://test-attachments.s3.ap-southeast-3.amazonaws.com"


def test_a_jpg_that_is_really_text_is_deleted_and_marked_rejected(stack, client):
    token = citizen_token(client)
    cid = submitted(client, token)
    _, asked = ask(client, token, cid, filename="foto.jpg", content_type="image/jpeg", size=len(TEXT))
    upload(asked, TEXT)
    stack.pump_uploads()

    (seen,) = citizen_view(client, token, cid)["attachments"]
    assert seen["status"] == "rejected" and seen["url"] is None
    assert seen["reason"]["code"] == "type_not_allowed" and seen["reason"]["id"] and seen["reason"]["en"]
    assert objects(stack) == []  # the object is gone
    assert stack.complaint(cid).attachment_count == 0  # and its slot is free again
    record = stack.svc.store.get_attachment(cid, asked["id"])
    assert record.reject_reason == "type_not_allowed" and record.checked_at
    trail = [e for e in stack.svc.store.audit_trail(cid) if e.action == "attachment_rejected"]
    assert trail and trail[0].details["reason"] == "type_not_allowed" and trail[0].actor == "system:uploads"

    # A real PDF declared as a PDF is fine; so is a PNG a phone saved as .jpg (it is what its bytes say).
    _, pdf = ask(client, token, cid, filename="surat.pdf", content_type="application/pdf", size=len(PDF))
    upload(pdf, PDF)
    _, renamed = ask(client, token, cid, filename="kamera.jpg", content_type="image/jpeg", size=len(PNG))
    upload(renamed, PNG)
    stack.pump_uploads()
    shown = {a["filename"]: a for a in citizen_view(client, token, cid)["attachments"]}
    assert shown["surat.pdf"]["status"] == "accepted" and shown["surat.pdf"]["content_type"] == "application/pdf"
    assert shown["kamera.jpg"]["status"] == "accepted" and shown["kamera.jpg"]["content_type"] == "image/png"
    assert (
        'filename="kamera.png"' in requests.get(shown["kamera.jpg"]["url"], timeout=10).headers["Content-Disposition"]
    )


def test_wrong_type_or_size_a_sixth_another_citizens_case_or_a_closed_one_change_nothing(stack, client):
    token = citizen_token(client)
    cid = submitted(client, token)
    before = state(stack, cid)
    for body, field in (
        ({"filename": "virus.exe", "content_type": "application/x-msdownload", "size": 10}, "content_type"),
        ({"filename": "besar.png", "content_type": "image/png", "size": files.MAX_BYTES + 1}, "size"),
        ({"filename": "kosong.png", "content_type": "image/png", "size": 0}, "size"),
        ({"filename": "", "content_type": "image/png", "size": 10}, "filename"),
    ):
        response, problem = call(client, "post", f"/complaints/{cid}/attachments", body, token)
        assert_problem(response, problem, 422)
        assert [e["field"] for e in problem["errors"]] == [field] and problem["errors"][0]["message"]["en"]
    response, problem = call(client, "post", f"/complaints/{cid}/attachments", b"{not json", token)
    assert_problem(response, problem, 400)
    assert state(stack, cid) == before

    # Another citizen's case: as if it did not exist. No token: 401.
    other = citizen_token(client, email="tetangga@example.id", name="Tetangga")
    response, problem = call(
        client,
        "post",
        f"/complaints/{cid}/attachments",
        {"filename": "a.png", "content_type": "image/png", "size": 10},
        other,
    )
    assert_problem(response, problem, 404)
    response, problem = call(client, "get", f"/complaints/{cid}", token=other)
    assert_problem(response, problem, 404)
    response, problem = call(
        client, "post", f"/complaints/{cid}/attachments", {"filename": "a.png", "content_type": "image/png", "size": 10}
    )
    assert_problem(response, problem, 401)
    response, problem = call(
        client,
        "post",
        "/complaints/0123456789abcdef0123456789abcdef/attachments",
        {"filename": "a.png", "content_type": "image/png", "size": 10},
        token,
    )
    assert_problem(response, problem, 404)
    assert state(stack, cid) == before

    # Five, then the sixth is refused.
    for n in range(files.MAX_PER_COMPLAINT):
        ask(client, token, cid, filename=f"foto-{n}.png")
    full = state(stack, cid)
    assert full[0] == 5
    response, problem = call(
        client,
        "post",
        f"/complaints/{cid}/attachments",
        {"filename": "keenam.png", "content_type": "image/png", "size": 10},
        token,
    )
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("attachment-limit") and "5" in problem["messages"]["en"]
    assert state(stack, cid) == full

    # A closed complaint takes no more attachments.
    closed = submitted(client, token)
    stack.waiting_at(closed, "intake")
    stack.decide(OPERATOR, {"decision": "reject", "reason": "Bukan pengaduan."})
    stack.run_until(lambda: stack.complaint(closed).status != "open", what="the complaint to close")
    before_closed = state(stack, closed)
    response, problem = call(
        client,
        "post",
        f"/complaints/{closed}/attachments",
        {"filename": "a.png", "content_type": "image/png", "size": 10},
        token,
    )
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("complaint-not-open")
    assert state(stack, closed) == before_closed


def test_redelivery_overwrites_strays_and_unused_slots(stack, client, monkeypatch):
    token = citizen_token(client)
    cid = submitted(client, token)
    _, asked = ask(client, token, cid)
    key = asked["upload"]["fields"]["key"]
    upload(asked, PNG)
    stack.pump_uploads()
    assert attachment_uc.check_upload(stack.svc, key) == "accepted"  # the same event again: nothing changes
    assert [a for a in stack.audit_actions(cid) if a.startswith("attachment")] == [
        "attachment_requested",
        "attachment_added",
    ]

    # The policy allows writing the key again while it lasts: what is written is deleted unjudged, and the
    # checked file stays (test_attachment_integrity.py); redelivered, the same.
    upload(asked, EXE, content_type="image/png")
    stack.pump_uploads()
    record = stack.svc.store.get_attachment(cid, asked["id"])
    assert record.status == "accepted" and key not in objects(stack) and stack.complaint(cid).attachment_count == 1
    assert attachment_uc.check_upload(stack.svc, key) == "accepted"
    assert objects(stack) == [files.stored_key(cid, asked["id"])]

    # A refused upload is recorded and deleted; redelivered, still rejected, still gone.
    _, refused = ask(client, token, cid, filename="program.png")
    upload(refused, EXE, content_type="image/png")
    stack.pump_uploads()
    refused_key = refused["upload"]["fields"]["key"]
    assert stack.svc.store.get_attachment(cid, refused["id"]).status == "rejected"
    assert refused_key not in objects(stack) and stack.complaint(cid).attachment_count == 1
    assert attachment_uc.check_upload(stack.svc, refused_key) == "rejected"

    # An object nobody asked for, under our prefix, is removed; anything else is left alone.
    s3 = boto3.client("s3", region_name=stack.region)
    stray = files.object_key(cid, "0" * 24)
    s3.put_object(Bucket=stack.uploads.bucket, Key=stray, Body=PNG)
    s3.put_object(Bucket=stack.uploads.bucket, Key="attachments/readme.txt", Body=b"x")
    stack.pump_uploads()
    assert stray not in objects(stack) and "attachments/readme.txt" in objects(stack)

    # A slot asked for but never uploaded is given back once its policy has long expired.
    for n in range(files.MAX_PER_COMPLAINT - 1):  # the accepted file holds the fifth
        ask(client, token, cid, filename=f"foto-{n}.png")
    ask(client, token, cid, status=409)
    later = stack.svc.now() + attachment_uc.STALE_AFTER + attachment_uc.UPLOAD_WINDOW
    monkeypatch.setattr(stack.svc, "now", lambda: later)
    _, fresh = ask(client, token, cid, filename="akhirnya.png")
    statuses = [
        (a["filename"], a["status"], (a.get("reason") or {}).get("code"))
        for a in citizen_view(client, token, cid)["attachments"]
    ]
    assert statuses.count(("akhirnya.png", "pending", None)) == 1
    assert sum(1 for s in statuses if s[2] == "not_uploaded") == files.MAX_PER_COMPLAINT - 1
    assert stack.complaint(cid).attachment_count == 2  # the accepted file and the fresh slot


def test_without_a_bucket_attachments_are_unavailable(stack, client, monkeypatch):
    token = citizen_token(client)
    cid = submitted(client, token)
    monkeypatch.setattr(stack.svc, "uploads", None)
    response, problem = ask(client, token, cid, status=503)
    assert_problem(response, problem, 503)
    assert citizen_view(client, token, cid)["attachments"] == []
