"""The reporter's own name in a complaint's text is never published (issue 22; docs/privacy.md), on moto through
the API, in the two cases the register's masking cannot cover by itself:

- a corrected name (``PATCH /me``): the register masks the name the complaint carries, now the new one, so
  the old name is taken out of the stored text in the same conditional write that changes the reporter;
- an anonymous report: no name is stored to mask, so the account's name, email and phone are taken out of
  its text when it is stored, while a retry with the same Idempotency-Key still finds it.
"""

from __future__ import annotations

import json

import pytest

from chalicelib.adapters.tables import ComplaintModel

from .helpers import COMPLAINT, call
from .open311_helpers import accepted, o311_call
from .privacy_helpers import register

pytestmark = pytest.mark.integration

EMAIL = "rudi.hartono@example.id"
NAME = "Rudi Hartono Wijaya"
PHONE = "+6281398765432"
OLD_PARTS = ("Rudi", "Hartono", "Wijaya")


def public(client, path: str) -> tuple[int, str]:
    response = client.get(path, headers={"Accept": "application/json"})
    return response.status_code, response.body.decode()


def test_a_corrected_name_leaves_no_old_name_in_the_public_text(client, stack):
    token = register(client, email=EMAIL, name=NAME, phone=PHONE)
    body = {
        **COMPLAINT,
        "title": "Jalan rusak di depan rumah Rudi Hartono",
        "description": "Saya Rudi Hartono Wijaya, warga RT 05. Jalan berlubang sejak 12/11/2026 di depan toko Wijaya.",
        "location": "Rumah Pak Rudi, Jl. Pahlawan",
    }
    response, created = call(client, "post", "/complaints", body, token)
    assert response.status_code == 201, created
    accepted(stack, created["id"])
    tn = created["tracking_number"]
    assert "Rudi" not in public(client, f"/public/complaints/{tn}")[1]  # masked as the registered name

    response, answer = call(client, "patch", "/me", {"name": "Ahmad Fauzi"}, token)
    assert response.status_code == 200 and answer["complaints_corrected"] == 1, answer

    case = stack.complaint(created["id"])
    assert case.citizen_name == "Ahmad Fauzi"
    assert case.title == "Jalan rusak di depan rumah [nama] [nama]"
    assert case.description.startswith("Saya [nama], warga RT 05. Jalan berlubang sejak 12/11/2026")
    assert case.location == "Rumah Pak [nama], Jl. Pahlawan"
    status, item = public(client, f"/public/complaints/{tn}")
    assert status == 200 and json.loads(item)["title"] == "Jalan rusak di depan rumah [nama] [nama]"
    for part in OLD_PARTS:
        assert part not in item, part
        status, found = public(client, f"/public/complaints?q={part}")
        assert status == 200 and json.loads(found)["items"] == [], part
    (entry,) = [e for e in stack.svc.store.audit_trail(created["id"]) if e.action == "personal_data_corrected"]
    assert entry.details == {"fields": ["name"], "texts_rewritten": ["description", "location", "title"]}

    # Again with the same name: nothing more is rewritten (and a phone-only correction rewrites no text).
    before = stack.complaint(created["id"])
    for change in ({"name": "Ahmad Fauzi"}, {"phone": "0812 1111 2222"}):
        response, _ = call(client, "patch", "/me", change, token)
        assert response.status_code == 200
        now = stack.complaint(created["id"])
        assert (now.title, now.description, now.location) == (before.title, before.description, before.location)


def test_a_text_written_while_the_name_is_corrected_is_read_again(client, stack):
    """The correction's write holds only if the text is as read: a reply greeting the old name, stored between
    the read and the write, makes it read the case again and take the old name out of the reply too."""
    token = register(client, email=EMAIL, name=NAME, phone=PHONE)
    response, created = call(client, "post", "/complaints", COMPLAINT, token)
    assert response.status_code == 201, created
    cid = created["id"]
    dynamodb = ComplaintModel._get_connection().connection.client
    state = {"armed": True}

    def reply_meanwhile(params=None, **_):
        if b"personal_data_corrected" in ((params or {}).get("body") or b"") and state.pop("armed", False):
            ComplaintModel(cid).update(actions=[ComplaintModel.reply.set("Terima kasih Pak Rudi Wijaya.")])

    dynamodb.meta.events.register("before-call.dynamodb.TransactWriteItems", reply_meanwhile)
    try:
        response, _ = call(client, "patch", "/me", {"name": "Ahmad Fauzi"}, token)
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.TransactWriteItems", reply_meanwhile)
    assert response.status_code == 200 and "armed" not in state
    case = stack.complaint(cid)
    assert case.citizen_name == "Ahmad Fauzi" and case.reply == "Terima kasih Pak [nama] [nama]."
    assert [e.action for e in stack.svc.store.audit_trail(cid)].count("personal_data_corrected") == 1


def test_an_anonymous_report_is_stored_without_its_reporter(client, stack):
    token = register(client, email=EMAIL, name=NAME, phone=PHONE)
    body = {
        **COMPLAINT,
        "anonymous": True,
        "title": "Pungutan liar di kantor kelurahan, kata Hartono",
        "description": (
            f"Saya Rudi Hartono Wijaya ({EMAIL}, WA 0813-9876-5432) diminta Rp 150.000 untuk surat pengantar "
            "pada 12/11/2026 pukul 10.30. Petugas lain: lurah.x@example.id."
        ),
        "location": "Kelurahan Sempaja, dekat rumah Pak Wijaya",
    }
    key = {"Idempotency-Key": "anon-name-0001"}
    response, created = call(client, "post", "/complaints", body, token, key)
    assert response.status_code == 201, created
    cid, tn = created["id"], created["tracking_number"]
    case = stack.complaint(cid)
    assert case.citizen_name is None and case.citizen_phone is None  # anonymous: nothing of theirs kept
    assert case.title == "Pungutan liar di kantor kelurahan, kata [nama]"
    assert case.description == (
        "Saya [nama] ([email], WA [telepon]) diminta Rp 150.000 untuk surat pengantar "
        "pada 12/11/2026 pukul 10.30. Petugas lain: lurah.x@example.id."
    )  # another person's address is kept as written (the register masks it)
    assert case.location == "Kelurahan Sempaja, dekat rumah Pak [nama]"
    assert created["title"] == case.title  # the citizen's own view shows what is stored

    # A retry of the same request (as sent, with the name) finds the same complaint.
    response, again = call(client, "post", "/complaints", body, token, key)
    assert response.status_code == 200, again
    assert (again["id"], again["tracking_number"]) == (cid, tn)

    accepted(stack, cid)
    outputs = [public(client, f"/public/complaints/{tn}")[1], public(client, "/public/complaints")[1]]
    assert tn in outputs[1] and "[nama]" in outputs[0] and "[email]" in outputs[0] and "[telepon]" in outputs[0]
    for path in (f"requests/{tn}.json", "requests.json", "requests.xml"):
        response, _ = o311_call(client, "get", path)
        outputs.append(response.body.decode())
    assert "[nama]" in outputs[2]
    for text in outputs:
        for secret in (*OLD_PARTS, EMAIL, "9876", "lurah.x@example.id"):
            assert secret not in text, secret
