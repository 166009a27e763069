"""Which decisions each stage allows, and what they carry."""

import pytest

from chalicelib.domain import sop
from chalicelib.domain.decisions import parse_decision
from chalicelib.domain.errors import ValidationFailed


@pytest.mark.parametrize(
    "stage, payload, outcome, values",
    [
        ("intake", {"decision": "accept"}, "accept", {}),
        ("intake", {"decision": "reject", "reason": " Spam "}, "reject", {"reason": "Spam"}),
        ("classification", {"kind": "information"}, "information", {}),
        ("classification", {"kind": "aspiration", "opd": "DINKES"}, "aspiration", {"opd": "DINKES"}),
        ("opd_response", {"response": "Sudah diperbaiki."}, "respond", {"response": "Sudah diperbaiki."}),
        (
            "opd_response",
            {"decision": "not_our_authority", "reason": "Jalan kabupaten"},
            "not_our_authority",
            {"reason": "Jalan kabupaten"},
        ),
        ("review", {"decision": "approve"}, "approve", {}),
        ("review", {"decision": "return", "reason": "Kurang lengkap"}, "return", {"reason": "Kurang lengkap"}),
        ("reply", {"reply": "Terima kasih."}, "send", {"reply": "Terima kasih."}),
    ],
)
def test_allowed_decisions(stage, payload, outcome, values):
    decision = parse_decision(stage, payload)
    assert (decision.outcome, decision.values) == (outcome, values)
    assert decision.leads_to == sop.transitions()[(stage, outcome)]
    assert decision.as_output() == {"outcome": outcome, **values}


@pytest.mark.parametrize(
    "stage, payload, field, code",
    [
        ("intake", {"decision": "approve"}, "decision", "not_allowed"),
        ("intake", {}, "decision", "not_allowed"),
        ("intake", {"decision": "reject"}, "reason", "required"),
        ("intake", {"decision": "reject", "reason": "   "}, "reason", "required"),
        ("classification", {"kind": "aspiration"}, "opd", "required"),
        ("classification", {"kind": "aspiration", "opd": "DINAS-X"}, "opd", "unknown_opd"),
        ("classification", {"decision": "accept"}, "decision", "not_allowed"),
        ("opd_response", {"response": "x" * 10001}, "response", "too_long"),
        ("opd_response", {"decision": "not_our_authority"}, "reason", "required"),
        ("review", {"decision": "return"}, "reason", "required"),
        ("reply", {"reply": ""}, "reply", "required"),
        ("reply", {"reply": 42}, "reply", "not_text"),  # models.py: "must be text" says more than "required"
    ],
)
def test_refused_decisions(stage, payload, field, code):
    with pytest.raises(ValidationFailed) as refused:
        parse_decision(stage, payload)
    assert {"field": field, "code": code} in [{k: e[k] for k in ("field", "code")} for e in refused.value.errors]


def test_a_payload_matching_two_outcomes_is_refused():
    with pytest.raises(ValidationFailed):
        parse_decision(
            "opd_response", {"response": "ok", "decision": "not_our_authority", "reason": "r"} | {"decision": "approve"}
        )


def test_decisions_set_the_complaint_fields_the_citizen_sees():
    assert parse_decision("classification", {"kind": "aspiration", "opd": "DLH"}).complaint_changes() == {
        "kind": "aspiration",
        "opd": "DLH",
    }
    assert parse_decision("reply", {"reply": "Jawaban"}).complaint_changes() == {"reply": "Jawaban"}
    assert parse_decision("opd_response", {"response": "T"}).complaint_changes() == {"opd_response": "T"}
    assert parse_decision("intake", {"decision": "reject", "reason": "R"}).complaint_changes() == {"close_reason": "R"}
    assert parse_decision("review", {"decision": "approve"}).complaint_changes() == {}
