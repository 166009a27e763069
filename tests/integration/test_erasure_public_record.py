"""Closing an account keeps the public record without the person (issue 22; docs/privacy.md, *What stays, and
why*), on moto through the API: the complaint stays listed under the same tracking number, and its stored text
(title, description, location, the reply) no longer holds the person's registered name (whole or any part),
their email address or their phone number however they wrote it -- rewritten in the same conditional write
that removes the reporter's fields, so a retry changes nothing more. Another person's data in the text stays
as written (the public register masks it when it publishes). A reply written while the erasure runs is
rewritten too. Failures are injected at the AWS client, never by replacing our own modules.
"""

from __future__ import annotations

import json

import pytest

from chalicelib.adapters.tables import ComplaintModel
from chalicelib.domain import publication
from chalicelib.service import decide

from .helpers import COMPLAINT, DINKES, DISKOMINFO, OPERATOR, call
from .open311_helpers import accepted, o311_call
from .privacy_helpers import register

pytestmark = pytest.mark.integration

EMAIL = "siti.rahmawati@example.id"
NAME = "Siti Aminah Rahmawati"
PHONE = "+6281234567890"
OTHER_EMAIL, OTHER_PHONE = "lurah.sempaja@example.id", "0541-741123"
WRITTEN = {
    **COMPLAINT,
    "title": "Puskesmas tutup siang, lapor Siti Rahmawati",
    "description": (
        f"Saya SITI AMINAH RAHMAWATI ({EMAIL.upper()}, WA +62 812-3456-7890 / 0812 3456 7890). Puskesmas Sempaja "
        f"tutup pukul 11.00 padahal jadwal 08.00-14.00 sejak 12/11/2026; sudah lapor ke kelurahan "
        f"({OTHER_EMAIL}, {OTHER_PHONE}), biaya Rp 15.000.000."
    ),
    "location": "Depan rumah Bu Aminah, Jl. Pahlawan, Sempaja (hp 081234567890)",
    "lat": -0.461234,
    "long": 117.156789,
}
REPLY = "Terima kasih Ibu Siti Rahmawati. Jam layanan Puskesmas Sempaja kembali 08.00-14.00; hubungi 0812-3456-7890."


def reporter_secrets() -> list[str]:
    return ["Siti", "Aminah", "Rahmawati", EMAIL, "3456-7890", "3456 7890", "81234567890"]


def submit_listed(client, stack, token, **changes) -> dict:
    response, created = call(client, "post", "/complaints", {**WRITTEN, **changes}, token)
    assert response.status_code == 201, created
    accepted(stack, created["id"])  # listed from here on (domain/publication.is_listed)
    return created


def answered(stack, cid) -> None:
    """The teams decide the case's stages in turn (by the visit's step: two cases wait at once)."""
    for stage, actor, payload in (
        ("classification", DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"}),
        ("opd_response", DINKES, {"response": "Jam layanan kembali normal."}),
        ("review", DISKOMINFO, {"decision": "approve"}),
        ("reply", OPERATOR, {"reply": REPLY}),
    ):
        item = stack.waiting_at(cid, stage)
        decide.decide(stack.svc, cid, int(item.step), payload, actor=actor)
    stack.run_until(lambda: stack.complaint(cid).status in ("answered", "closed"), what="the reply")


def test_closing_an_account_keeps_the_complaint_listed_without_the_person(client, stack):
    token = register(client, email=EMAIL, name=NAME, phone=PHONE)
    named = submit_listed(client, stack, token)
    hidden = submit_listed(client, stack, token, anonymous=True, title="Antrean panjang, kata Aminah")
    answered(stack, named["id"])
    before = {cid: stack.complaint(cid) for cid in (named["id"], hidden["id"])}
    assert all(publication.is_listed(c) for c in before.values())
    assert before[hidden["id"]].citizen_name is None  # anonymous: no name kept, the account's is used
    assert before[hidden["id"]].title == "Antrean panjang, kata [nama]"  # and taken out when it was stored

    response, _ = call(client, "delete", "/me", {"email": EMAIL}, token)
    assert response.status_code == 204

    for cid, old in before.items():
        now = stack.complaint(cid)
        assert now.tracking_number == old.tracking_number and publication.is_listed(now)  # the public record stays
        assert (now.category, now.subcategory, now.status, now.latitude, now.longitude) == (
            old.category,
            old.subcategory,
            old.status,
            old.latitude,
            old.longitude,
        )
        stored = " ".join(filter(None, (now.title, now.description, now.location, now.reply)))
        for secret in reporter_secrets():
            assert secret.lower() not in stored.lower(), (secret, stored)
        (entry,) = [e for e in stack.svc.store.audit_trail(cid) if e.action == "personal_data_erased"]
        rewritten = "title" in entry.details["texts_rewritten"]
        assert rewritten == (cid == named["id"]) and "Siti" not in json.dumps(entry.details)

    case = stack.complaint(named["id"])
    assert case.title == "Puskesmas tutup siang, lapor [nama] [nama]"
    assert case.description.startswith("Saya [nama] ([email], WA [telepon] / [telepon]). Puskesmas Sempaja tutup")
    assert f"({OTHER_EMAIL}, {OTHER_PHONE}), biaya Rp 15.000.000." in case.description  # not theirs: kept
    assert "08.00-14.00 sejak 12/11/2026" in case.description
    assert case.location == "Depan rumah Bu [nama], Jl. Pahlawan, Sempaja (hp [telepon])"
    assert (
        case.reply
        == "Terima kasih Ibu [nama] [nama]. Jam layanan Puskesmas Sempaja kembali 08.00-14.00; hubungi [telepon]."
    )
    assert stack.complaint(hidden["id"]).title == "Antrean panjang, kata [nama]"

    # The public reads it as before, without the person: listed in Open311's search, its text masked.
    for fmt in ("json", "xml"):
        response, _ = o311_call(client, "get", f"requests.{fmt}")
        body = response.body.decode()
        assert named["tracking_number"] in body and hidden["tracking_number"] in body
        for secret in [*reporter_secrets(), OTHER_EMAIL, "741123"]:
            assert secret not in body, (fmt, secret)
    _, (request,) = o311_call(client, "get", f"requests/{named['tracking_number']}.json")
    assert request["status_notes"].startswith("Terima kasih Ibu [nama] [nama].")
    # ... and in the public register: the case, the list, and a search for the name that finds nothing.
    response = client.get(f"/public/complaints/{named['tracking_number']}", headers={"Accept": "application/json"})
    case_body = json.loads(response.body)
    assert response.status_code == 200 and case_body["title"] == "Puskesmas tutup siang, lapor [nama] [nama]"
    assert case_body["answer"].startswith("Terima kasih Ibu [nama] [nama].")
    listed = json.loads(client.get("/public/complaints", headers={"Accept": "application/json"}).body)["items"]
    assert {named["tracking_number"], hidden["tracking_number"]} <= {i["tracking_number"] for i in listed}
    searched = client.get("/public/complaints?q=Rahmawati", headers={"Accept": "application/json"})
    assert json.loads(searched.body)["items"] == []
    for body in (response.body.decode(), json.dumps(listed, ensure_ascii=False)):
        for secret in [*reporter_secrets(), OTHER_EMAIL, "741123"]:
            assert secret not in body, secret

    # Again (the same token, still valid for this route): nothing changes.
    again = {cid: stack.complaint(cid) for cid in before}
    response, _ = call(client, "delete", "/me", {"email": EMAIL}, token)
    assert response.status_code == 204
    assert {cid: stack.complaint(cid) for cid in before} == again


def test_a_text_written_while_the_erasure_runs_is_read_again_and_rewritten(client, stack):
    """The erasure's write is conditional on the text it read: a reply stored between the read and the write
    (the reply stage deciding meanwhile) makes it read the case again, so no text of the person survives."""
    token = register(client, email=EMAIL, name=NAME, phone=PHONE)
    created = submit_listed(client, stack, token)
    cid = created["id"]
    dynamodb = ComplaintModel._get_connection().connection.client
    state = {"armed": True}

    def reply_meanwhile(params=None, **_):
        body = (params or {}).get("body") or b""
        if b"personal_data_erased_at" in body and state.pop("armed", False):
            ComplaintModel(cid).update(actions=[ComplaintModel.reply.set(REPLY)])

    dynamodb.meta.events.register("before-call.dynamodb.TransactWriteItems", reply_meanwhile)
    try:
        response, _ = call(client, "delete", "/me", {"email": EMAIL}, token)
    finally:
        dynamodb.meta.events.unregister("before-call.dynamodb.TransactWriteItems", reply_meanwhile)
    assert response.status_code == 204 and "armed" not in state  # the reply did come in between
    case = stack.complaint(cid)
    assert case.citizen_id is None and case.personal_data_erased_at
    assert (
        case.reply
        == "Terima kasih Ibu [nama] [nama]. Jam layanan Puskesmas Sempaja kembali 08.00-14.00; hubungi [telepon]."
    )
    assert [e.action for e in stack.svc.store.audit_trail(cid)].count("personal_data_erased") == 1
