"""The action page's choices: one primary outcome per stage, and which outcomes are checked before sending."""

from __future__ import annotations

from chalicelib.domain import sop
from chalicelib.service.actions import IRREVERSIBLE, allowed_decisions, prefill


def test_each_stage_has_one_primary_outcome_the_usual_one():
    primaries = {s.name: [o["outcome"] for o in allowed_decisions(s) if o["primary"]] for s in sop.STAGES}
    assert primaries == {
        "intake": ["accept"],
        "classification": ["aspiration"],
        "opd_response": ["respond"],
        "review": ["approve"],
        "reply": ["send"],
    }


def test_what_cannot_be_undone_is_checked_and_every_name_is_an_outcome():
    outcomes = {o.name for s in sop.STAGES for o in s.outcomes}
    assert IRREVERSIBLE <= outcomes
    checked = {o["outcome"] for s in sop.STAGES for o in allowed_decisions(s) if o["confirm"]}
    assert checked == {"reject", "duplicate", "not_our_authority", "send"}


def test_prefill_finds_the_form_the_values_came_from():
    described = {"allowed": allowed_decisions(sop.stage("opd_response"))}
    assert prefill(described, {"decision": "not_our_authority", "reason": "Urusan kota"}) == {
        "outcome": "not_our_authority",
        "values": {"reason": "Urusan kota"},
    }
    assert prefill(described, {"response": "Sudah diperbaiki"}) == {
        "outcome": "respond",
        "values": {"response": "Sudah diperbaiki"},
    }
    assert prefill(described, {"decision": "maybe"}) is None
