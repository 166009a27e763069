"""Every path of the SOP, by real executions of our ASL in moto."""

from __future__ import annotations

import pytest

from .helpers import CITIZEN, DINKES, DISKOMINFO, OPERATOR, emitted_metrics, submit, to_opd

pytestmark = pytest.mark.integration

DISDIKBUD = "opd-disdikbud@aspirasi.kaltimprov.go.id"


def assert_emails(stack, address, subjects_contain):
    """The team (or citizen) got exactly these emails, in order, each naming the case."""
    got = stack.emails_to(address)
    assert len(got) == len(subjects_contain), [m["subject"] for m in got]
    for message, fragment in zip(got, subjects_contain, strict=True):
        assert fragment in message["subject"], message["subject"]


def assert_answered_and_closed(stack, cid, reply_text):
    stack.run_until(lambda: stack.complaint(cid).status in ("answered", "closed"), what="the reply")
    execution = stack.finished(cid)
    assert execution["status"] == "SUCCEEDED"
    complaint = stack.complaint(cid)
    assert complaint.status == "closed" and complaint.reply == reply_text
    assert complaint.answered_at and complaint.closed_at
    reply_mail = stack.emails_to(CITIZEN.email)[-1]
    assert "Jawaban" in reply_mail["subject"] and reply_text in reply_mail["text"]


def test_information_path(stack, capsys):
    cid = submit(stack)
    tracking = stack.complaint(cid).tracking_number
    stack.waiting_at(cid, "intake")
    assert stack.decide(OPERATOR, {"decision": "accept"})["leads_to"] == "classification"
    stack.waiting_at(cid, "classification")
    assert stack.decide(DISKOMINFO, {"kind": "information"})["leads_to"] == "reply"
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": "Jadwal puskesmas ada di dinkes.kaltimprov.go.id."})
    stack.run_until(lambda: stack.complaint(cid).status == "answered", what="answered")

    complaint = stack.complaint(cid)
    assert complaint.kind == "information" and complaint.stage == "reply"
    items = stack.items(cid)
    assert [(i.stage, i.step) for i in items] == [("intake", 1), ("classification", 2), ("reply", 3)]
    assert all(i.decision and i.decided_at and i.queue is None and i.sla_outcome == "met" for i in items)
    assert [i.decision["outcome"] for i in items] == ["accept", "information", "send"]

    assert_answered_and_closed(stack, cid, "Jadwal puskesmas ada di dinkes.kaltimprov.go.id.")
    assert stack.audit_actions(cid) == [
        "submitted",
        "stage_entered",
        "decided",
        "stage_entered",
        "decided",
        "stage_entered",
        "decided",
        "reply_delivered",
        "closed",
    ]
    assert_emails(stack, OPERATOR, ["Penerimaan pengaduan", "Balasan kepada pelapor"])
    assert_emails(stack, DISKOMINFO, ["Klasifikasi"])
    assert_emails(stack, CITIZEN.email, ["diterima", "Jawaban"])
    metrics = emitted_metrics(capsys.readouterr().out)
    assert ("ComplaintSubmitted", {"Category": "kesehatan"}) in metrics
    assert [d["Stage"] for name, d in metrics if name == "StageCompleted"] == ["intake", "classification", "reply"]
    for message in stack.emails_to(OPERATOR) + stack.emails_to(DISKOMINFO):
        assert tracking in message["subject"]
        assert (
            "https://aspirasi.test/actions/" in message["text"] and "https://aspirasi.test/actions/" in message["html"]
        )


def test_aspiration_path(stack):
    cid = submit(stack)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"})
    item = stack.waiting_at(cid, "opd_response")
    assert item.opd == "DINKES" and item.queue == "opd#DINKES" and item.role == "opd"
    assert [i.complaint_id for i in stack.svc.store.open_items_of("opd#DINKES")] == [cid]
    stack.decide(DINKES, {"response": "Jam layanan sudah dikembalikan sampai 14.00."})
    stack.waiting_at(cid, "review")
    assert stack.complaint(cid).opd_response == "Jam layanan sudah dikembalikan sampai 14.00."
    stack.decide(DISKOMINFO, {"decision": "approve"})
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": "Dinkes: jam layanan kembali normal."})

    assert_answered_and_closed(stack, cid, "Dinkes: jam layanan kembali normal.")
    complaint = stack.complaint(cid)
    assert (complaint.kind, complaint.opd) == ("aspiration", "DINKES")
    assert [i.stage for i in stack.items(cid)] == ["intake", "classification", "opd_response", "review", "reply"]
    assert stack.svc.store.open_items_of("opd#DINKES") == []
    assert_emails(stack, DINKES, ["Tanggapan OPD"])
    assert_emails(stack, DISKOMINFO, ["Klasifikasi", "Pemeriksaan tanggapan"])
    assert_emails(stack, OPERATOR, ["Penerimaan pengaduan", "Balasan kepada pelapor"])
    actions = stack.audit_actions(cid)
    assert actions.count("decided") == 5 and actions[-2:] == ["reply_delivered", "closed"]


def test_review_returns_the_answer_to_the_opd(stack):
    cid = to_opd(stack)
    stack.decide(DINKES, {"response": "Sudah."})
    stack.waiting_at(cid, "review")
    assert (
        stack.decide(DISKOMINFO, {"decision": "return", "reason": "Sebutkan tanggal perbaikan."})["leads_to"]
        == "opd_response"
    )
    second = stack.waiting_at(cid, "opd_response")
    assert second.step == 5 and second.opd == "DINKES"
    stack.decide(DINKES, {"response": "Jam layanan normal sejak 1 Desember 2026."})
    stack.waiting_at(cid, "review")
    stack.decide(DISKOMINFO, {"decision": "approve"})
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": "Sejak 1 Desember 2026 jam layanan normal."})

    assert_answered_and_closed(stack, cid, "Sejak 1 Desember 2026 jam layanan normal.")
    assert [i.stage for i in stack.items(cid)] == [
        "intake",
        "classification",
        "opd_response",
        "review",
        "opd_response",
        "review",
        "reply",
    ]
    assert stack.complaint(cid).opd_response == "Jam layanan normal sejak 1 Desember 2026."
    assert_emails(stack, DINKES, ["Tanggapan OPD", "Tanggapan OPD"])
    returned = [e for e in stack.svc.store.audit_trail(cid) if e.details and e.details.get("outcome") == "return"]
    assert returned[0].details["reason"] == "Sebutkan tanggal perbaikan."


def test_not_our_authority_goes_back_to_classification(stack):
    cid = to_opd(stack)
    assert (
        stack.decide(DINKES, {"decision": "not_our_authority", "reason": "Sekolah, bukan puskesmas."})["leads_to"]
        == "classification"
    )
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "aspiration", "opd": "DISDIKBUD"})
    item = stack.waiting_at(cid, "opd_response")
    assert item.opd == "DISDIKBUD"
    stack.decide(DISDIKBUD, {"response": "Akan kami tindak lanjuti."})
    stack.waiting_at(cid, "review")
    stack.decide(DISKOMINFO, {"decision": "approve"})
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": "Disdikbud menindaklanjuti."})

    assert_answered_and_closed(stack, cid, "Disdikbud menindaklanjuti.")
    assert stack.complaint(cid).opd == "DISDIKBUD"
    assert [i.stage for i in stack.items(cid)] == [
        "intake",
        "classification",
        "opd_response",
        "classification",
        "opd_response",
        "review",
        "reply",
    ]
    assert_emails(stack, DINKES, ["Tanggapan OPD"])
    assert_emails(stack, DISDIKBUD, ["Tanggapan OPD"])
    assert_emails(stack, DISKOMINFO, ["Klasifikasi", "Klasifikasi", "Pemeriksaan tanggapan"])


def test_intake_reject_closes_with_a_reason(stack):
    cid = submit(stack)
    stack.waiting_at(cid, "intake")
    assert (
        stack.decide(OPERATOR, {"decision": "reject", "reason": "Laporan tidak berisi keluhan."})["leads_to"]
        == "rejected"
    )
    execution = stack.finished(cid)
    assert execution["status"] == "SUCCEEDED"
    complaint = stack.complaint(cid)
    assert complaint.status == "closed" and complaint.close_reason == "Laporan tidak berisi keluhan."
    assert complaint.reply is None and complaint.answered_at is None
    assert [i.stage for i in stack.items(cid)] == ["intake"]
    assert stack.audit_actions(cid) == ["submitted", "stage_entered", "decided", "rejected"]
    assert_emails(stack, CITIZEN.email, ["diterima", "tidak dapat diproses"])
    assert "Laporan tidak berisi keluhan." in stack.emails_to(CITIZEN.email)[-1]["text"]
    assert_emails(stack, DISKOMINFO, [])
