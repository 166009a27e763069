"""The staff case view's history in sentences (issue 21): every audit entry carries ``summary`` {id, en}, and
no sentence holds an account id, an email, a raw key or a UTC stamp; those stay in the entry's JSON."""

from __future__ import annotations

import re

import pytest

from chalicelib.service import followup

from .helpers import CITIZEN, DINKES, call, submit

pytestmark = pytest.mark.integration
INTERNAL = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.-]+"  # an email
    r"|\b[0-9a-f]{8,}\b"  # a hex id
    r"|T\d\d:\d\d|\+00:00|\b(citizen|system|link):"  # a UTC stamp, an actor key
    r"|\b[a-z0-9]+_[a-z0-9_]+\b"  # a snake_case code
)


def decide(client, token, cid, body):
    response, result = call(client, "post", f"/staff/complaints/{cid}/decision", body, token)
    assert response.status_code == 200, result


def case_of(client, token, cid):
    response, case = call(client, "get", f"/staff/complaints/{cid}", token=token)
    assert response.status_code == 200, case
    return case


def assert_sentences(case, complaint_id, citizen_id):
    assert case["audit"]
    for entry in case["audit"]:
        summary = entry["summary"]
        assert set(summary) == {"id", "en"} and summary["id"].endswith(".") and summary["en"].endswith(".")
        for sentence in summary.values():
            assert not INTERNAL.search(sentence), (sentence, entry)
            assert complaint_id not in sentence and citizen_id not in sentence and "WITA" in sentence
        assert entry["actor"] and "at" in entry and "details" in entry  # the JSON keeps what it had


def test_a_case_through_its_stages_reads_as_sentences(stack, client, staff):
    operator, diskominfo, dinkes = staff.token("operator"), staff.token("diskominfo"), staff.token("opd-DINKES")
    cid = submit(stack, anonymous=True)
    stack.waiting_at(cid, "intake")
    decide(client, operator, cid, {"stage": "intake", "decision": "accept"})
    stack.waiting_at(cid, "classification")
    decide(client, diskominfo, cid, {"stage": "classification", "kind": "aspiration", "opd": "DINKES"})
    stack.waiting_at(cid, "opd_response")
    decide(client, dinkes, cid, {"stage": "opd_response", "decision": "request_information", "question": "Kapan?"})
    stack.run_until(lambda: stack.complaint(cid).pending_question, what="the question")
    followup.answer_as_citizen(stack.svc, cid, CITIZEN.id, {"answer": "Senin pagi"})
    stack.waiting_at(cid, "opd_response")
    decide(client, dinkes, cid, {"stage": "opd_response", "response": "Jam layanan kembali sampai 14.00."})
    stack.waiting_at(cid, "review")

    case = case_of(client, dinkes, cid)
    assert_sentences(case, cid, CITIZEN.id)
    by_action: dict[str, list[dict]] = {}
    for entry in case["audit"]:
        by_action.setdefault(entry["action"], []).append(entry["summary"])
    assert {"submitted", "stage_entered", "decided", "information_answered"} <= set(by_action)
    assert by_action["submitted"][0]["id"].endswith(
        "Pelapor mengirim pengaduan lewat situs web dalam kategori Kesehatan."
    )
    decided = [s["id"] for s in by_action["decided"]]
    assert "Operator/Agen Aspirasi Kaltim memutuskan “Terima” pada tahap “Penerimaan pengaduan”" in decided[0]
    assert "diteruskan ke Dinas Kesehatan" in decided[1]
    assert (
        decided[2]
        .split(": ", 1)[1]
        .startswith("Tim Pelayanan Aspirasi Pengaduan Dinas Kesehatan memutuskan “Minta informasi kepada pelapor”")
    )
    assert "Pelapor menjawab pertanyaan petugas" in by_action["information_answered"][0]["id"]
    assert any("melanjutkan tahap “Tanggapan OPD”" in s["id"] for s in by_action["stage_entered"])
    # The JSON keeps the raw entry (an anonymous reporter's account id is hidden there as before).
    answered = next(e for e in case["audit"] if e["action"] == "information_answered")
    assert answered["actor"] == "citizen" and answered["stage"] == "opd_response"
    assert any(e["actor"] == DINKES for e in case["audit"] if e["action"] == "decided")
