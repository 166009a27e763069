"""Deciding a stage (service/decide.py ``decide``, ``decide_by_link``; staff.py ``decide_as_staff``) on the fakes.

Every outcome the SOP allows in every stage is written once (work item, complaint, audit, report counters)
and then handed to the waiting execution as the work-items stream would (service/delivery.py): the task
token is completed once with the decision. A second decision, a stage that is not waiting, a used or
expired link, a duplicate of a case that does not carry on, are refused and change nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.config import Settings
from chalicelib.domain import report, sop
from chalicelib.domain.errors import AlreadyDecided, LinkExpired, NotCurrentStage, NotFound, ValidationFailed
from chalicelib.domain.records import Complaint, WorkItem
from chalicelib.domain.roles import StaffMember
from chalicelib.domain.timestamps import iso
from chalicelib.service.decide import decide, decide_by_link
from chalicelib.service.delivery import DECISION, WORK_ITEMS_TABLE, change_of, deliver
from chalicelib.service.links import issue_link, issue_rating_link
from chalicelib.service.staff import decide_as_staff
from tests.fakes.services import FakeWorld
from tests.fakes.store import InMemoryStore

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # a Friday, 10:00 WITA
CASE = "a" * 32
ORIGINAL = "b" * 32  # the case a duplicate points to
ORIGINAL_NUMBER = "KT-AAAA-0001"
SETTINGS = Settings(calendar_mode="24x7", public_base_url="https://aspirasi.test")
ACTOR = "operator@aspirasi.kaltimprov.go.id"
OPERATOR = StaffMember(ACTOR, frozenset({"operator"}))
DISKOMINFO = StaffMember("diskominfo@aspirasi.kaltimprov.go.id", frozenset({"diskominfo"}))
QUESTION = "Di puskesmas mana tepatnya?"

# Every outcome of every stage: (stage, outcome) -> (the body staff send, what the complaint shows afterwards).
DECISIONS: dict[tuple[str, str], tuple[dict[str, str], dict[str, Any]]] = {
    ("intake", "accept"): ({"decision": "accept"}, {}),
    ("intake", "reject"): ({"decision": "reject", "reason": "Bukan aduan"}, {"close_reason": "Bukan aduan"}),
    ("intake", "request_information"): ({"decision": "request_information", "question": QUESTION}, {}),
    ("classification", "information"): ({"kind": "information"}, {"kind": "information"}),
    ("classification", "aspiration"): (
        {"kind": "aspiration", "opd": "DINKES"},
        {"kind": "aspiration", "opd": "DINKES", "routed_opds": {"DINKES"}},
    ),
    ("classification", "duplicate"): (
        {"kind": "duplicate", "of": ORIGINAL_NUMBER},
        {"kind": "duplicate", "duplicate_of": ORIGINAL_NUMBER},
    ),
    ("classification", "request_information"): ({"decision": "request_information", "question": QUESTION}, {}),
    ("opd_response", "respond"): ({"response": "Sudah ditindaklanjuti"}, {"opd_response": "Sudah ditindaklanjuti"}),
    ("opd_response", "not_our_authority"): ({"decision": "not_our_authority", "reason": "Kewenangan kota"}, {}),
    ("opd_response", "request_information"): ({"decision": "request_information", "question": QUESTION}, {}),
    ("review", "approve"): ({"decision": "approve"}, {}),
    ("review", "return"): ({"decision": "return", "reason": "Kurang lengkap"}, {}),
    ("reply", "send"): ({"reply": "Terima kasih, sudah ditangani."}, {"reply": "Terima kasih, sudah ditangani."}),
}


def test_the_table_names_every_outcome_of_the_sop():
    assert set(DECISIONS) == {(stage.name, outcome.name) for stage in sop.STAGES for outcome in stage.outcomes}


def a_case(stage: str = "intake", step: int = 1, **changes: Any) -> Complaint:
    case = Complaint(
        id=CASE,
        tracking_number="KT-CCCC-0001",
        category="kesehatan",
        subcategory="puskesmas",
        title="Puskesmas tutup siang",
        description="Puskesmas Sempaja tutup pukul 11.00.",
        status=sop.STATUS_OPEN,
        created_at=iso(START),
        updated_at=iso(START),
        citizen_id="sub-warga",
        citizen_email="warga@example.com",
        stage=stage,
        step=step,
    )
    return replace(case, **changes)


def a_visit(stage: str = "intake", step: int = 1, **changes: Any) -> WorkItem:
    role = sop.stage(stage).role.value
    opd = "DINKES" if stage == "opd_response" else None
    item = WorkItem(
        complaint_id=CASE,
        step=step,
        stage=stage,
        role=role,
        opd=opd,
        queue=f"opd#{opd}" if opd else f"role#{role}",
        entered_at=iso(START),
        remind_at=iso(START + timedelta(minutes=5)),
        due_at=iso(START + timedelta(minutes=10)),
        task_token=f"token-{step}",
        followups=True,
    )
    return replace(item, **changes)


def waiting(stage: str = "intake", step: int = 1, case: dict | None = None, **item: Any) -> FakeWorld:
    """A case waiting at ``stage`` (its ``step``-th visit), its task token stored; the clock 3 minutes on."""
    w = FakeWorld(SETTINGS, START + timedelta(minutes=3))
    w.store.seed_complaint(a_case(stage, step, **(case or {})))
    w.store.seed_work_item(a_visit(stage, step, **item))
    original = a_case(id=ORIGINAL, tracking_number=ORIGINAL_NUMBER, status=sop.STATUS_OPEN)
    w.store.seed_complaint(original)
    w.store.seed_tracking_number(ORIGINAL_NUMBER, ORIGINAL)
    return w


def hand_over(w: FakeWorld, step: int = 1) -> bool:
    """What the work-items stream's record of the decision does (service/delivery.py)."""
    return deliver(w.svc, DECISION, {"complaint_id": CASE, "step": step})


@pytest.mark.parametrize("stage, outcome", list(DECISIONS), ids=[f"{s}-{o}" for s, o in DECISIONS])
def test_each_outcome_is_written_once_and_handed_to_the_execution(stage, outcome):
    payload, shows = DECISIONS[(stage, outcome)]
    w = waiting(stage, step=3)
    before = w.store.existing_complaint(CASE)
    result = decide(w.svc, CASE, 3, payload, actor=ACTOR)
    leads_to = sop.stage(stage).outcome(outcome).leads_to
    assert result == {"stage": stage, "outcome": outcome, "leads_to": leads_to, "sla": "met"}

    output = {"outcome": outcome, **{k: v for k, v in payload.items() if k not in ("decision", "kind")}}
    asked = outcome == "request_information"
    item = w.store.existing_work_item(CASE, 3)
    assert (item.decision, item.decided_by, item.decided_at, item.queue) == (output, ACTOR, iso(w.now), None)
    assert (item.sla_outcome, item.business_minutes, item.question) == ("met", 3.0, QUESTION if asked else None)
    assert w.store.open_items_of(a_visit(stage).queue or "") == []
    pending = {"question": QUESTION, "asked_at": iso(w.now), "step": 3, "stage": stage} if asked else None
    assert w.store.existing_complaint(CASE) == replace(before, updated_at=iso(w.now), pending_question=pending, **shows)
    assert w.actions(CASE) == ["decided"]
    assert w.counted(w.now, f"stage#{stage}") == (
        {} if asked else {"v_done": 1, "v_met": 1, f"vh{report.bucket(3)}": 1}
    )
    assert w.metrics.total("InformationRequested" if asked else "StageCompleted") == 1

    assert change_of(WORK_ITEMS_TABLE, {"step": 3}, {"step": 3, "decision": output}) == DECISION
    assert hand_over(w, 3) is True
    assert w.workflow.completed == [("token-3", output)]

    # Decided already: refused, nothing written, nothing handed over again.
    with pytest.raises(AlreadyDecided):
        decide(w.svc, CASE, 3, payload, actor="someone-else@aspirasi.kaltimprov.go.id")
    assert w.store.existing_work_item(CASE, 3) == item
    assert w.actions(CASE) == ["decided"]
    assert hand_over(w, 3) is False  # a redelivered stream record: the token answered already
    assert w.workflow.completed == [("token-3", output)]


def test_a_decision_before_the_handoff_is_completed_by_none_yet():
    w = waiting(task_token=None)
    decide(w.svc, CASE, 1, {"decision": "accept"}, actor=ACTOR)
    assert hand_over(w) is False  # the stage's handoff finds the decision (service/workflow/)
    assert w.workflow.completed == []


def test_a_late_decision_is_breached():
    w = waiting()
    w.later(minutes=30)
    assert decide(w.svc, CASE, 1, {"decision": "accept"}, actor=ACTOR)["sla"] == "breached"
    assert w.store.existing_work_item(CASE, 1).sla_outcome == "breached"
    assert w.counted(w.now, "stage#intake") == {"v_done": 1, "v_breached": 1, f"vh{report.bucket(33)}": 1}


def test_a_visit_that_is_not_there_is_not_found():
    w = waiting()
    with pytest.raises(NotFound):
        decide(w.svc, CASE, 2, {"decision": "accept"}, actor=ACTOR)
    with pytest.raises(NotFound):
        decide(w.svc, "f" * 32, 1, {"decision": "accept"}, actor=ACTOR)
    assert w.store.existing_work_item(CASE, 1).decision is None
    assert w.actions(CASE) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"decision": "approve"},  # the review's
        {"kind": "information"},  # classification's
        {"decision": "reject"},  # without its reason
        {"decision": "maybe"},  # no outcome at all
        ["accept"],
    ],
    ids=["other stage", "other stage by kind", "missing field", "unknown outcome", "not an object"],
)
def test_an_outcome_the_stage_does_not_allow_is_refused(payload):
    w = waiting()
    with pytest.raises(ValidationFailed):
        decide(w.svc, CASE, 1, payload, actor=ACTOR)
    assert w.store.existing_work_item(CASE, 1) == a_visit()
    assert w.actions(CASE) == []


def test_an_execution_that_cannot_route_followups_is_not_offered_them():
    w = waiting("classification", followups=False)
    for payload in ({"kind": "duplicate", "of": ORIGINAL_NUMBER}, {"decision": "request_information", "question": "?"}):
        with pytest.raises(ValidationFailed) as refused:
            decide(w.svc, CASE, 1, payload, actor=ACTOR)
        assert refused.value.errors[0]["code"] == "not_allowed"
    assert w.store.existing_work_item(CASE, 1).decision is None


def test_the_console_decides_only_the_stage_that_waits():
    w = waiting()
    with pytest.raises(NotCurrentStage):
        decide_as_staff(w.svc, DISKOMINFO, CASE, {"stage": "classification", "kind": "information"})
    result = decide_as_staff(w.svc, OPERATOR, CASE, {"stage": "intake", "decision": "accept"})
    assert result["outcome"] == "accept"
    assert w.store.existing_work_item(CASE, 1).decided_by == ACTOR
    with pytest.raises(NotCurrentStage):  # decided already: it no longer waits
        decide_as_staff(w.svc, OPERATOR, CASE, {"stage": "intake", "decision": "reject", "reason": "x"})
    assert w.actions(CASE) == ["decided"]


# -- by an emailed link ---------------------------------------------------------------------------
def link_token(w: FakeWorld, step: int = 1) -> str:
    url, _ = issue_link(w.svc, w.store.existing_work_item(CASE, step), w.now)
    return url.rsplit("/", 1)[1]


def test_a_link_decides_once():
    w = waiting()
    token = link_token(w)
    assert decide_by_link(w.svc, token, {"decision": "accept"})["outcome"] == "accept"
    item = w.store.existing_work_item(CASE, 1)
    assert item.decided_by == "link:operator"
    [link] = w.store.links.values()
    assert link.used_at == iso(w.now)
    assert hand_over(w) is True
    assert w.workflow.completed == [("token-1", {"outcome": "accept"})]
    with pytest.raises(AlreadyDecided):
        decide_by_link(w.svc, token, {"decision": "reject", "reason": "x"})
    assert w.store.existing_work_item(CASE, 1) == item
    assert w.actions(CASE) == ["decided"]


def test_a_link_to_a_stage_decided_in_the_console_stays_unused():
    w = waiting()
    token = link_token(w)
    decide_as_staff(w.svc, OPERATOR, CASE, {"stage": "intake", "decision": "accept"})
    with pytest.raises(AlreadyDecided):
        decide_by_link(w.svc, token, {"decision": "reject", "reason": "x"})
    [link] = w.store.links.values()
    assert link.used_at is None
    assert w.store.existing_work_item(CASE, 1).decision == {"outcome": "accept"}


def test_an_expired_unknown_or_rating_link_decides_nothing():
    w = waiting()
    token = link_token(w)
    rating = issue_rating_link(w.svc, CASE, w.now).rsplit("/", 1)[1]
    with pytest.raises(NotFound):
        decide_by_link(w.svc, rating, {"decision": "accept"})
    with pytest.raises(NotFound):
        decide_by_link(w.svc, "not-a-token", {"decision": "accept"})
    w.later(hours=SETTINGS.link_ttl_hours)
    with pytest.raises(LinkExpired):
        decide_by_link(w.svc, token, {"decision": "accept"})
    assert w.store.existing_work_item(CASE, 1).decision is None
    assert w.actions(CASE) == []


# -- duplicates -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "of, original, code",
    [
        ("KT-ZZZZ-9999", {}, "unknown_case"),
        ("KT-CCCC-0001", {}, "same_case"),
        (ORIGINAL_NUMBER, {"kind": sop.DUPLICATE}, "is_duplicate"),
        (ORIGINAL_NUMBER, {"status": sop.STATUS_CLOSED}, "closed_without_answer"),
    ],
    ids=["unknown", "itself", "a duplicate", "closed unanswered"],
)
def test_a_duplicate_needs_a_case_that_carries_on(of, original, code):
    w = waiting("classification")
    w.store.seed_tracking_number("KT-CCCC-0001", CASE)
    w.store.seed_complaint(replace(w.store.existing_complaint(ORIGINAL), **original))
    with pytest.raises(ValidationFailed) as refused:
        decide(w.svc, CASE, 1, {"kind": "duplicate", "of": of}, actor=ACTOR)
    assert refused.value.errors[0]["code"] == code
    assert w.store.existing_work_item(CASE, 1).decision is None
    assert w.store.existing_complaint(CASE).kind is None


def test_a_duplicate_of_a_case_closed_after_its_answer_is_fine():
    w = waiting("classification")
    original = w.store.existing_complaint(ORIGINAL)
    w.store.seed_complaint(replace(original, status=sop.STATUS_CLOSED, answered_at=iso(START)))
    decide(w.svc, CASE, 1, {"kind": "duplicate", "of": ORIGINAL_NUMBER}, actor=ACTOR)
    assert w.store.existing_complaint(CASE).duplicate_of == ORIGINAL_NUMBER


class RacingStore(InMemoryStore):
    """The original is closed as a duplicate (of this case) between the use case's read and its write."""

    def record_decision(self, complaint_id: str, step: int, **kwargs: Any) -> None:
        self.complaints[ORIGINAL].kind = sop.DUPLICATE
        super().record_decision(complaint_id, step, **kwargs)


def test_a_duplicate_whose_original_became_one_meanwhile_is_refused():
    w = FakeWorld(SETTINGS, START, store=RacingStore())
    seeded = waiting("classification")
    w.store.complaints, w.store.visits, w.store.tracking_numbers = (
        seeded.store.complaints,
        seeded.store.visits,
        seeded.store.tracking_numbers,
    )
    with pytest.raises(ValidationFailed) as refused:
        decide(w.svc, CASE, 1, {"kind": "duplicate", "of": ORIGINAL_NUMBER}, actor=ACTOR)
    assert refused.value.errors[0]["code"] == "is_duplicate"
    assert w.store.existing_work_item(CASE, 1).decision is None
    assert w.actions(CASE) == []
