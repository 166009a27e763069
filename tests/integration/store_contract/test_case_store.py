"""The store's contract, case side: the CaseStore methods (service/ports.py) against the in-memory fake
(tests/fakes/store.py) and the real store on moto, the same tests for both.

Each test names one method's observable behaviour: the happy path, every condition that refuses (and that a
refused write changes nothing), what the reads return afterwards, the report counters it moves. The
workflow's methods are test_workflow_store.py's; the seeds and record builders are shared.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.domain import report, sop
from chalicelib.domain.files import ACCEPTED, PENDING, REJECTED
from chalicelib.domain.limits import CounterHit
from chalicelib.domain.records import Attachment, Complaint, EmailRecord, Link, WorkItem, new_audit_entry
from chalicelib.service.ports import ConditionFailed, Missing

from .support import CASE, START, actions, at, complaint, counters, note, visit

pytestmark = pytest.mark.integration

FAILED = "ConditionalCheckFailed"
CITIZEN = "sub-warga"
HOUR_END = START + timedelta(hours=2)


def new_case(number: int, **changes: Any) -> Complaint:
    """A complaint as submit_complaint makes it: its own id and tracking number, no stage entered yet."""
    made = dict(
        id=f"{number:032x}",
        tracking_number=f"ASP-20261127-{number:04d}",
        citizen_id=CITIZEN,
        step=0,
        stage=sop.FIRST_STAGE,
        created_month=at(0)[:7],
    )
    return complaint(**{**made, **changes})


def received() -> list:
    return report.received(START, "web", "kesehatan")


def submissions(limit: int = 2, member: str | None = None) -> CounterHit:
    return CounterHit("submit#subject#2026-11-27T02:00", limit, HOUR_END, member)


def ids(found: list[Complaint]) -> list[str]:
    return [c.id for c in found]


# -- complaints -----------------------------------------------------------------------------------------
def test_a_complaint_is_created_once_with_its_tracking_number_and_counters(store):
    case = new_case(1)
    store.create_complaint(case, note("submitted", case=case.id), received())
    assert store.get_complaint(case.id) == case
    assert store.existing_complaint(case.id) == case
    assert store.complaint_by_tracking_number(case.tracking_number) == case
    assert [e.action for e in store.audit_trail(case.id)] == ["submitted"]
    day, month = report.periods_of(START)
    moved = counters(store, START)
    assert moved[(day, "total")] == {"c_received": 1, "c_open": 1}
    assert moved[(month, "channel#web")] == moved[(day, "category#kesehatan")] == {"c_received": 1}

    # A replay (same id; a new tracking number drawn): the complaint's condition, nothing else, fails.
    with pytest.raises(ConditionFailed) as refused:
        store.create_complaint(
            replace(case, tracking_number="ASP-20261127-0999", title="changed"),
            note("submitted", 1, case.id),
            received(),
        )
    assert refused.value.reasons[:3] == [FAILED, None, None]
    assert store.get_complaint(case.id) == case
    assert store.complaint_by_tracking_number("ASP-20261127-0999") is None
    assert counters(store, START) == moved
    assert [e.action for e in store.audit_trail(case.id)] == ["submitted"]


def test_a_taken_tracking_number_refuses_the_new_complaint(store):
    first = new_case(1)
    store.create_complaint(first, note("submitted", case=first.id))
    second = new_case(2, tracking_number=first.tracking_number)
    with pytest.raises(ConditionFailed) as refused:
        store.create_complaint(second, note("submitted", case=second.id), received())
    assert refused.value.reasons[:3] == [None, FAILED, None]
    assert store.get_complaint(second.id) is None
    assert store.complaint_by_tracking_number(first.tracking_number) == first
    assert store.audit_trail(second.id) == []
    assert counters(store, START) == {}


def test_the_rate_counter_admits_up_to_its_limit_and_a_replay_again(store):
    cases = [new_case(n) for n in (1, 2, 3)]
    for case in cases[:2]:
        store.create_complaint(case, note("submitted", case=case.id), counted=submissions(2, case.id))
    with pytest.raises(ConditionFailed) as refused:  # the hour's third
        store.create_complaint(cases[2], note("submitted", case=cases[2].id), received(), submissions(2, cases[2].id))
    assert refused.value.reasons[:4] == [None, None, None, FAILED]
    assert store.get_complaint(cases[2].id) is None
    assert store.complaint_by_tracking_number(cases[2].tracking_number) is None
    assert counters(store, START) == {}
    # A replay of one counted already passes the counter: only the complaint's own condition fails.
    with pytest.raises(ConditionFailed) as replayed:
        store.create_complaint(
            replace(cases[0], tracking_number="ASP-20261127-0999"),
            note("submitted", 1, cases[0].id),
            counted=submissions(2, cases[0].id),
        )
    assert replayed.value.reasons[:4] == [FAILED, None, None, None]
    # With a token as well, the counter's reason stays fourth and the token's comes last.
    with pytest.raises(ConditionFailed) as both:
        store.create_complaint(
            cases[2], note("submitted", case=cases[2].id), counted=submissions(2, cases[2].id), token=("s", 5)
        )
    assert both.value.reasons == [None, None, None, FAILED, None]


def test_a_revoked_token_refuses_the_complaint(store):
    store.revoke_tokens("subject", 100, "closed", 100 + 86400)
    case = new_case(1)
    for issued_at in (100, 99, None):  # issued at or before the revocation, or not known
        with pytest.raises(ConditionFailed) as refused:
            store.create_complaint(case, note("submitted", case=case.id), received(), token=("subject", issued_at))
        assert refused.value.reasons == [None, None, None, None, FAILED]
    assert store.get_complaint(case.id) is None
    assert counters(store, START) == {}
    store.create_complaint(case, note("submitted", case=case.id), token=("subject", 101))  # a newer token
    assert store.get_complaint(case.id) == case
    other = new_case(2)
    store.create_complaint(other, note("submitted", case=other.id), token=("never-revoked", None))
    assert store.get_complaint(other.id) == other
    # Both a replay and a revoked token: every reason in its place.
    with pytest.raises(ConditionFailed) as refused:
        store.create_complaint(case, note("submitted", 1, case.id), token=("subject", 50))
    assert refused.value.reasons == [FAILED, FAILED, None, None, FAILED]


def test_a_withdrawn_complaint_frees_its_number_and_its_count(store):
    case, later = new_case(1), new_case(2)
    store.create_complaint(case, note("submitted", case=case.id), received(), submissions(1, case.id))
    with pytest.raises(ConditionFailed):  # the counter is full
        store.create_complaint(later, note("submitted", case=later.id), counted=submissions(1, later.id))
    store.withdraw_complaint(
        case,
        note("withdrawn", 1, case.id),
        report.received(START, "web", "kesehatan", sign=-1),
        counted=submissions(1, case.id),
    )
    assert store.get_complaint(case.id) is None
    assert store.complaint_by_tracking_number(case.tracking_number) is None
    assert [e.action for e in store.audit_trail(case.id)] == ["submitted", "withdrawn"]
    day, _ = report.periods_of(START)
    assert counters(store, START)[(day, "total")] == {"c_received": 0, "c_open": 0}
    store.create_complaint(later, note("submitted", case=later.id), counted=submissions(1, later.id))
    assert store.get_complaint(later.id) == later
    reused = new_case(3, tracking_number=case.tracking_number)
    store.create_complaint(reused, note("submitted", case=reused.id))
    assert store.complaint_by_tracking_number(case.tracking_number) == reused


def test_a_complaint_whose_execution_started_is_not_withdrawn(store):
    case = new_case(1)
    store.create_complaint(case, note("submitted", case=case.id), received())
    store.seed_complaint(replace(case, step=1))  # its first stage was entered
    with pytest.raises(ConditionFailed):
        store.withdraw_complaint(case, note("withdrawn", 1, case.id), report.received(START, "web", "kesehatan", -1))
    assert store.get_complaint(case.id) == replace(case, step=1)
    assert store.complaint_by_tracking_number(case.tracking_number) == replace(case, step=1)
    assert [e.action for e in store.audit_trail(case.id)] == ["submitted"]
    day, _ = report.periods_of(START)
    assert counters(store, START)[(day, "total")] == {"c_received": 1, "c_open": 1}
    missing = new_case(2)
    with pytest.raises(ConditionFailed):
        store.withdraw_complaint(missing, note("withdrawn", 1, missing.id))
    assert store.audit_trail(missing.id) == []


def test_reads_of_complaints_that_are_not_there(store):
    assert store.complaint_by_tracking_number("ASP-20261127-0001") is None
    with pytest.raises(Missing):
        store.existing_complaint(CASE)
    assert store.complaints_of(CITIZEN, 10) == ([], None)
    assert store.all_complaints_of(CITIZEN) == []
    store.seed_tracking_number("ASP-20261127-0001", CASE)  # a number whose complaint is gone
    assert store.complaint_by_tracking_number("ASP-20261127-0001") is None


def test_a_citizens_complaints_page_newest_first(store):
    made = [store.seed_complaint(new_case(n, created_at=at(n))) for n in range(1, 6)]
    twin = store.seed_complaint(new_case(6, created_at=at(3)))  # the same moment as another: by id
    store.seed_complaint(new_case(7, citizen_id="someone-else", created_at=at(9)))
    store.seed_complaint(new_case(8, citizen_id=None, created_at=at(9)))  # entered by staff: not in the index
    newest_first = [made[4], made[3], twin, made[2], made[1], made[0]]

    page, key = store.complaints_of(CITIZEN, 4)
    assert page == newest_first[:4]
    assert key == {"citizen_id": {"S": CITIZEN}, "created_at": {"S": made[2].created_at}, "id": {"S": made[2].id}}
    page, key = store.complaints_of(CITIZEN, 4, key)
    assert (page, key) == (newest_first[4:], None)
    page, key = store.complaints_of(CITIZEN, 3)
    assert ids(page) == ids(newest_first[:3])
    assert key is not None and key["id"] == {"S": twin.id}
    page, key = store.complaints_of(CITIZEN, 3, key)  # exactly the rest: no further page
    assert (ids(page), key) == (ids(newest_first[3:]), None)
    assert ids(store.all_complaints_of(CITIZEN, page_size=2)) == ids(list(reversed(newest_first)))
    assert ids(store.all_complaints_of("someone-else")) == [f"{7:032x}"]


# -- rate counters ----------------------------------------------------------------------------------
def test_a_counter_counts_hits_up_to_its_limit(store):
    hit = CounterHit("open311#key-1#2026-11-27T02:00", 2, START + timedelta(minutes=2))
    assert store.count_hit(hit) == 1
    assert store.count_hit(hit) == 2
    assert store.count_hit(hit) is None
    assert store.count_hit(hit) is None
    assert store.count_hit(replace(hit, counter="open311#key-1#2026-11-27T02:01")) == 1  # the next window
    assert store.count_hit(replace(hit, limit=3)) == 3  # the limit is the caller's


# -- decisions ----------------------------------------------------------------------------------------
def a_link(token_hash: str = "h" * 64, **changes: Any) -> Link:
    return replace(
        Link(complaint_id=CASE, expires_at=at(600), role="operator", step=1, token_hash=token_hash), **changes
    )


def decide(store: Any, **overrides: Any) -> None:
    arguments: dict[str, Any] = dict(
        decision={"outcome": "forward", "opd": "DINKES"},
        decided_at=at(7),
        decided_by="operator@x.id",
        sla="met",
        business_minutes=7.0,
        complaint_changes={"kind": "forward", "opd": "DINKES"},
        audit=note("decided", 7),
        routed_opd="DINKES",
        received_at=at(0),
        report=report.visit_completed(START + timedelta(minutes=7), "intake", None, 7.0, True),
    )
    arguments.update(overrides)
    store.record_decision(CASE, 1, **arguments)


def test_a_decision_is_written_once_with_its_link(store):
    store.seed_complaint(complaint(routed_opds={"DISHUB"}))
    store.seed_work_item(visit())
    store.put_link(a_link())
    decide(store, link_hash="h" * 64)
    item = store.existing_work_item(CASE, 1)
    assert item == replace(
        visit(),
        decision={"outcome": "forward", "opd": "DINKES"},
        decided_at=at(7),
        decided_by="operator@x.id",
        queue=None,
        sla_outcome="met",
        business_minutes=7.0,
    )
    case = store.existing_complaint(CASE)
    assert (case.kind, case.opd, case.routed_opds, case.updated_at) == (
        "forward",
        "DINKES",
        {"DISHUB", "DINKES"},
        at(7),
    )
    assert case.pending_question is None
    assert store.get_link("h" * 64) == a_link(used_at=at(7))
    assert store.open_items_of("role#operator") == []
    day, _ = report.periods_of(START)
    assert counters(store, START)[(day, "stage#intake")]["v_done"] == 1
    assert actions(store) == ["decided"]

    with pytest.raises(ConditionFailed):  # decided already
        decide(
            store,
            decision={"outcome": "reject"},
            decided_at=at(8),
            complaint_changes={"close_reason": "x"},
            audit=note("decided", 8),
        )
    assert store.existing_work_item(CASE, 1) == item
    assert store.existing_complaint(CASE) == case
    assert counters(store, START)[(day, "stage#intake")]["v_done"] == 1
    assert actions(store) == ["decided"]


def test_a_question_is_written_with_the_decision(store):
    store.seed_complaint(complaint())
    store.seed_work_item(visit())
    pending = {"question": "Di mana?", "asked_at": at(7), "step": 1, "stage": "intake"}
    decide(
        store,
        decision={"outcome": "request_information", "question": "Di mana?"},
        complaint_changes={},
        routed_opd=None,
        question="Di mana?",
        pending_question=pending,
        report=(),
    )
    assert store.existing_work_item(CASE, 1).question == "Di mana?"
    case = store.existing_complaint(CASE)
    assert (case.pending_question, case.routed_opds, case.kind) == (pending, None, None)
    assert counters(store, START) == {}


def test_a_used_or_unknown_link_refuses_the_decision(store):
    store.seed_complaint(complaint())
    store.seed_work_item(visit())
    store.put_link(a_link(used_at=at(3)))
    with pytest.raises(ConditionFailed):
        decide(store, link_hash="h" * 64)
    with pytest.raises(ConditionFailed):
        decide(store, link_hash="0" * 64)
    assert store.existing_work_item(CASE, 1) == visit()
    assert store.existing_complaint(CASE) == complaint()
    assert store.get_link("0" * 64) is None
    assert counters(store, START) == {}
    assert actions(store) == []


def test_a_decision_needs_its_visit_and_its_case(store):
    store.seed_work_item(visit())
    with pytest.raises(ConditionFailed):  # no complaint
        decide(store)
    assert store.existing_work_item(CASE, 1) == visit()
    assert store.get_complaint(CASE) is None
    store.seed_complaint(complaint())
    with pytest.raises(ConditionFailed):  # no such visit
        store.record_decision(
            CASE,
            2,
            decision={"outcome": "reject"},
            decided_at=at(7),
            decided_by="x",
            sla="met",
            business_minutes=1.0,
            complaint_changes={},
            audit=note("decided", 7),
        )
    assert store.get_work_item(CASE, 2) is None
    assert store.existing_complaint(CASE) == complaint()
    assert actions(store) == []


def test_a_duplicate_carries_on_only_with_a_case_that_is_no_duplicate(store):
    original = store.seed_complaint(complaint(id="c-0002", tracking_number="ASP-20261127-0002", kind="duplicate"))
    store.seed_complaint(complaint())
    store.seed_work_item(visit())
    duplicate = dict(
        decision={"outcome": "duplicate", "of": original.tracking_number},
        complaint_changes={"kind": "duplicate", "duplicate_of": original.tracking_number},
        routed_opd=None,
        carries_on=original.id,
    )
    with pytest.raises(ConditionFailed) as refused:
        decide(store, **duplicate)
    assert refused.value.reasons[:1] == [FAILED]  # the check comes first
    assert store.existing_work_item(CASE, 1) == visit()
    assert store.existing_complaint(CASE).kind is None
    store.seed_complaint(replace(original, kind="forward"))
    decide(store, **duplicate)
    case = store.existing_complaint(CASE)
    assert (case.kind, case.duplicate_of) == ("duplicate", original.tracking_number)
    # A case that carries on but is not there (any more) passes the check: the use case read it a moment ago.
    store.seed_work_item(visit(step=2))
    store.record_decision(
        CASE,
        2,
        decision={"outcome": "duplicate", "of": "x"},
        decided_at=at(9),
        decided_by="x",
        sla="met",
        business_minutes=1.0,
        complaint_changes={},
        audit=note("decided", 9),
        carries_on="c-missing",
    )
    assert store.existing_work_item(CASE, 2).decided_at == at(9)


# -- queues -------------------------------------------------------------------------------------------
def test_a_queue_lists_its_open_visits_soonest_due_first(store):
    def queued(case: str, step: int, due: float, queue: str | None = "role#operator", **changes: Any) -> WorkItem:
        return store.seed_work_item(visit(step, complaint_id=case, due_at=at(due), queue=queue, **changes))

    c, b, a = queued("c-3", 1, 30), queued("c-2", 2, 10), queued("c-1", 1, 20)
    tie_late, tie_early = queued("c-5", 1, 20), queued("c-4", 3, 20)  # due with c-1: by case, then step
    same_case = queued("c-4", 4, 20)
    queued("c-6", 1, 5, queue="opd#DINKES")
    queued("c-7", 1, 1, queue=None, decision={"outcome": "reject"})  # decided: out of the queue
    order = [b, a, tie_early, same_case, tie_late, c]
    assert store.open_items_of("role#operator") == order
    assert store.open_items_of("role#operator", limit=2) == order[:2]
    assert store.open_items_of("role#operator", after=(at(20), "c-1", 1)) == order[2:]
    assert store.open_items_of("role#operator", limit=2, after=(at(20), "c-4", 3)) == order[3:5]
    assert store.open_items_of("role#operator", due_by=at(20)) == order[:5]
    assert store.open_items_of("role#operator", due_by=at(19)) == order[:1]
    assert store.open_items_of("role#operator", due_by=at(20), after=(at(20), "c-4", 4)) == order[4:5]
    assert store.open_items_of("opd#DINKES") == [visit(1, complaint_id="c-6", due_at=at(5), queue="opd#DINKES")]
    assert store.open_items_of("opd#DISHUB") == []


# -- the citizen after the reply ----------------------------------------------------------------------
def asking() -> tuple[Complaint, WorkItem]:
    pending = {"question": "Di mana?", "asked_at": at(2), "step": 1, "stage": "intake"}
    return complaint(pending_question=pending), visit(
        decision={"outcome": "request_information"}, decided_at=at(2), question="Di mana?", queue=None
    )


def test_a_question_is_answered_once(store):
    case, item = asking()
    store.seed_complaint(case)
    store.seed_work_item(item)
    store.answer_question(CASE, 1, "Di Samarinda", at(5), "citizen:sub", note("information_answered", 5))
    answered = replace(item, answer="Di Samarinda", answered_at=at(5), answered_by="citizen:sub")
    assert store.existing_work_item(CASE, 1) == answered
    assert store.existing_complaint(CASE) == replace(case, pending_question=None, updated_at=at(5))
    with pytest.raises(ConditionFailed):
        store.answer_question(CASE, 1, "Lain", at(6), "citizen:sub", note("information_answered", 6))
    assert store.existing_work_item(CASE, 1) == answered
    assert actions(store) == ["information_answered"]


@pytest.mark.parametrize(
    "case_changes, item_changes",
    [
        ({}, {"info_expired_at": at(4)}),  # the time to answer ran out
        ({}, {"question": None}),  # nothing was asked on this visit
        ({"pending_question": None}, {}),  # the case has no question pending (all or nothing: the visit too)
    ],
    ids=["expired", "not asked", "not pending"],
)
def test_no_answer_unless_the_question_waits(store, case_changes, item_changes):
    case, item = asking()
    store.seed_complaint(replace(case, **case_changes))
    store.seed_work_item(replace(item, **item_changes))
    with pytest.raises(ConditionFailed):
        store.answer_question(CASE, 1, "Di Samarinda", at(5), "citizen:sub", note("information_answered", 5))
    assert store.existing_work_item(CASE, 1) == replace(item, **item_changes)
    assert store.existing_complaint(CASE) == replace(case, **case_changes)
    assert actions(store) == []
    with pytest.raises(ConditionFailed):
        store.answer_question(CASE, 2, "Di Samarinda", at(5), "citizen:sub", note("information_answered", 5))
    assert store.get_work_item(CASE, 2) is None


def answered_case(**changes: Any) -> Complaint:
    return replace(complaint(status=sop.STATUS_ANSWERED, answered_at=at(40), feedback_ends_at=at(100)), **changes)


def rated(minutes: float, score: int = 4) -> list:
    return report.rated(START + timedelta(minutes=minutes), score, "none", "web", "kesehatan")


def test_a_reply_is_rated_once(store):
    store.seed_complaint(answered_case())
    store.record_rating(CASE, {"score": 4, "comment": None, "at": at(50)}, at(50), note("rated", 50), rated(50))
    case = store.existing_complaint(CASE)
    assert (case.rating, case.updated_at) == ({"score": 4, "comment": None, "at": at(50)}, at(50))
    with pytest.raises(ConditionFailed):
        store.record_rating(CASE, {"score": 1, "comment": "x", "at": at(51)}, at(51), note("rated", 51), rated(51, 1))
    assert store.existing_complaint(CASE) == case
    day, _ = report.periods_of(START)
    assert counters(store, START)[(day, "total")] == {"r_sum": 4, "r_count": 1}
    assert actions(store) == ["rated"]


@pytest.mark.parametrize(
    "changes, may_rate",
    [
        ({"status": sop.STATUS_CLOSED}, True),  # closed after its answer
        ({"status": sop.STATUS_OPEN}, False),  # reopened
        ({"status": sop.STATUS_CLOSED, "answered_at": None}, False),  # closed unanswered (rejected)
    ],
    ids=["closed after the reply", "open again", "closed unanswered"],
)
def test_only_an_answered_case_is_rated(store, changes, may_rate):
    store.seed_complaint(answered_case(**changes))
    rating = {"score": 5, "comment": None, "at": at(50)}
    if may_rate:
        store.record_rating(CASE, rating, at(50), note("rated", 50))
        assert store.existing_complaint(CASE).rating == rating
        return
    with pytest.raises(ConditionFailed):
        store.record_rating(CASE, rating, at(50), note("rated", 50), rated(50, 5))
    assert store.existing_complaint(CASE) == answered_case(**changes)
    assert counters(store, START) == {}
    assert actions(store) == []
    with pytest.raises(ConditionFailed):
        store.record_rating("c-missing", rating, at(50), note("rated", 50, "c-missing"))
    assert store.get_complaint("c-missing") is None


def reopen(store: Any, reopens: int, minutes: float, reason: str = "Belum selesai") -> None:
    store.reopen_case(
        CASE,
        reopens,
        reason,
        at(minutes),
        note("reopened", minutes),
        report.reopened(START + timedelta(minutes=minutes), START),
    )


def test_a_case_is_reopened_within_its_window_once_per_count(store):
    store.seed_complaint(answered_case())
    reopen(store, 0, 60)
    case = store.existing_complaint(CASE)
    assert (case.status, case.reopens, case.reopen_pending, case.reopen_reason, case.updated_at) == (
        sop.STATUS_OPEN,
        1,
        True,
        "Belum selesai",
        at(60),
    )
    day, _ = report.periods_of(START)
    assert counters(store, START)[(day, "total")] == {"c_reopened": 1, "c_open": 1}
    with pytest.raises(ConditionFailed):  # the same reopening again: the case is open, its count moved on
        reopen(store, 0, 61)
    assert store.existing_complaint(CASE) == case
    # Answered again (round 2): reopened with the count it has now, not an older one.
    store.seed_complaint(replace(case, status=sop.STATUS_ANSWERED, reopen_pending=False))
    with pytest.raises(ConditionFailed):
        reopen(store, 0, 70, "lagi")
    reopen(store, 1, 70, "lagi")
    assert (store.existing_complaint(CASE).reopens, store.existing_complaint(CASE).reopen_reason) == (2, "lagi")
    assert actions(store) == ["reopened", "reopened"]
    assert counters(store, START)[(day, "total")] == {"c_reopened": 2, "c_open": 2}


@pytest.mark.parametrize(
    "changes",
    [{}, {"feedback_ends_at": None}, {"status": sop.STATUS_CLOSED}],
    ids=["window over", "no window", "closed"],
)
def test_no_reopening_after_the_window_or_of_a_closed_case(store, changes):
    store.seed_complaint(answered_case(**changes))
    with pytest.raises(ConditionFailed):
        reopen(store, 0, 100)  # the window ends at 100: not after it
    assert store.existing_complaint(CASE) == answered_case(**changes)
    assert counters(store, START) == {}
    assert actions(store) == []


# -- the monthly report's email ------------------------------------------------------------------------
def test_a_months_report_email_is_claimed_once_until_released(store):
    assert store.claim_report_email("2026-10") is True
    assert store.claim_report_email("2026-10") is False  # being sent
    assert store.claim_report_email("2026-09") is True  # another month
    store.release_report_email("2026-10")
    assert store.claim_report_email("2026-10") is True
    store.mark_report_email_sent("2026-10")
    assert store.claim_report_email("2026-10") is False  # sent
    with pytest.raises(ConditionFailed):
        store.release_report_email("2026-10")  # a sent email stays sent
    assert store.claim_report_email("2026-10") is False
    store.release_report_email("2026-08")  # nothing claimed: nothing happens
    assert store.claim_report_email("2026-08") is True


def test_a_stale_claim_is_claimed_again_but_not_a_sent_one(store):
    long_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    store.seed_report_email("2026-10", claimed_at=long_ago)  # its run died before sending
    assert store.claim_report_email("2026-10") is True
    assert store.claim_report_email("2026-10") is False
    store.seed_report_email("2026-09", claimed_at=long_ago, sent_at=long_ago)
    assert store.claim_report_email("2026-09") is False
    store.seed_report_email("2026-08", sent_at=long_ago)  # marked sent without a claim
    assert store.claim_report_email("2026-08") is False


# -- attachments --------------------------------------------------------------------------------------
def upload(n: int, **changes: Any) -> Attachment:
    base = Attachment(
        attachment_id=f"{n:024x}",
        complaint_id=CASE,
        content_type="image/jpeg",
        created_at=at(n),
        filename=f"foto-{n}.jpg",
        s3_key=f"attachments/{CASE}/{n:024x}",
        size=1000 + n,
        status=PENDING,
        created_by="citizen:sub",
        ttl=START + timedelta(days=60, microseconds=500),
    )
    return replace(base, **changes)


def reserve(store: Any, n: int, limit: int = 2) -> None:
    store.reserve_attachment(upload(n), note("attachment_requested", n), limit, sop.STATUS_OPEN)


def test_slots_are_reserved_up_to_the_limit_of_an_open_case(store):
    store.seed_complaint(complaint())
    reserve(store, 2)
    reserve(store, 1)
    assert store.existing_complaint(CASE).attachment_count == 2
    in_seconds = START + timedelta(days=60)  # a TTL attribute keeps whole seconds
    assert store.get_attachment(CASE, f"{2:024x}") == upload(2, ttl=in_seconds)
    assert store.attachments(CASE, 10) == [upload(1, ttl=in_seconds), upload(2, ttl=in_seconds)]  # by id
    assert store.attachments(CASE, 1) == [upload(1, ttl=in_seconds)]
    with pytest.raises(ConditionFailed):  # full
        reserve(store, 3)
    assert store.get_attachment(CASE, f"{3:024x}") is None
    assert store.existing_complaint(CASE).attachment_count == 2
    assert actions(store) == ["attachment_requested", "attachment_requested"]
    with pytest.raises(ConditionFailed):  # the same attachment again
        reserve(store, 1, limit=5)
    assert store.existing_complaint(CASE).attachment_count == 2


def test_no_slot_on_a_case_not_open_or_not_there(store):
    store.seed_complaint(complaint(status=sop.STATUS_ANSWERED))
    with pytest.raises(ConditionFailed):
        reserve(store, 1)
    assert (store.attachments(CASE, 10), store.existing_complaint(CASE).attachment_count) == ([], 0)
    with pytest.raises(ConditionFailed):
        store.reserve_attachment(upload(1, complaint_id="c-missing"), note("x", 1, "c-missing"), 2, sop.STATUS_OPEN)
    assert store.get_complaint("c-missing") is None
    assert store.get_attachment("c-missing", f"{1:024x}") is None
    assert actions(store) == []


def test_an_attachment_is_accepted_once_keeping_its_slot(store):
    store.seed_complaint(complaint(attachment_count=1))
    store.seed_attachment(upload(1, ttl=None))
    store.accept_attachment(upload(1), 900, "image/jpeg", "etag-1", at(3), note("attachment_accepted", 3), "closed")
    accepted = upload(1, ttl=None, status=ACCEPTED, size=900, detected_type="image/jpeg", etag="etag-1")
    assert store.get_attachment(CASE, f"{1:024x}") == replace(accepted, checked_at=at(3))
    with pytest.raises(ConditionFailed):  # settled already
        store.accept_attachment(upload(1), 1, "image/png", "etag-2", at(4), note("attachment_accepted", 4), "closed")
    with pytest.raises(ConditionFailed):
        store.reject_attachment(upload(1), "bad", at(4), note("attachment_rejected", 4))
    assert store.get_attachment(CASE, f"{1:024x}") == replace(accepted, checked_at=at(3))
    assert store.existing_complaint(CASE).attachment_count == 1
    assert actions(store) == ["attachment_accepted"]


def test_no_acceptance_on_a_case_with_that_status(store):
    store.seed_complaint(complaint(status=sop.STATUS_CLOSED, attachment_count=1))
    store.seed_attachment(upload(1, ttl=None))
    with pytest.raises(ConditionFailed):
        store.accept_attachment(upload(1), 900, "image/jpeg", "e", at(3), note("attachment_accepted", 3), "closed")
    assert store.get_attachment(CASE, f"{1:024x}") == upload(1, ttl=None)
    assert actions(store) == []


def test_a_rejection_gives_the_slot_back_once(store):
    store.seed_complaint(complaint(attachment_count=2))
    store.seed_attachment(upload(1, ttl=None, etag="e-1"))
    store.seed_attachment(upload(2, ttl=None, etag="e-2"))
    store.reject_attachment(upload(1), "not_uploaded", at(3), note("attachment_rejected", 3))
    assert store.get_attachment(CASE, f"{1:024x}") == upload(
        1, ttl=None, etag="e-1", status=REJECTED, reject_reason="not_uploaded", checked_at=at(3)
    )
    store.reject_attachment(upload(2), "type", at(4), note("attachment_rejected", 4), size=77, detected_type="x/exe")
    assert store.get_attachment(CASE, f"{2:024x}") == upload(
        2, ttl=None, status=REJECTED, reject_reason="type", checked_at=at(4), size=77, detected_type="x/exe"
    )
    assert store.existing_complaint(CASE).attachment_count == 0
    with pytest.raises(ConditionFailed):
        store.reject_attachment(upload(1), "again", at(5), note("attachment_rejected", 5))
    assert store.existing_complaint(CASE).attachment_count == 0
    assert store.get_attachment(CASE, f"{1:024x}").reject_reason == "not_uploaded"
    assert actions(store) == ["attachment_rejected", "attachment_rejected"]


def test_a_rejection_is_all_or_nothing(store):
    """A count already at 0 (never in practice) refuses the whole rejection: the attachment stays pending."""
    store.seed_complaint(complaint(attachment_count=0))
    store.seed_attachment(upload(1, ttl=None))
    with pytest.raises(ConditionFailed):
        store.reject_attachment(upload(1), "not_uploaded", at(3), note("attachment_rejected", 3))
    assert store.get_attachment(CASE, f"{1:024x}") == upload(1, ttl=None)
    assert actions(store) == []
    with pytest.raises(ConditionFailed):  # an attachment that is not there
        store.reject_attachment(upload(9), "x", at(3), note("attachment_rejected", 3))
    assert store.get_attachment(CASE, f"{9:024x}") is None


# -- personal data ------------------------------------------------------------------------------------
def reporter(**changes: Any) -> Complaint:
    return replace(complaint(citizen_id=CITIZEN, citizen_name="Budi", citizen_phone="0812", device_id="d-1"), **changes)


def test_the_reporter_is_corrected_only_on_their_own_case(store):
    store.seed_complaint(reporter())
    changes: dict[str, str | None] = {"citizen_name": "Budi S.", "citizen_phone": None, "updated_at": at(9)}
    store.correct_reporter(CASE, CITIZEN, changes, note("personal_data_corrected", 9))
    assert store.existing_complaint(CASE) == reporter(citizen_name="Budi S.", citizen_phone=None, updated_at=at(9))
    with pytest.raises(ConditionFailed):
        store.correct_reporter(CASE, "someone-else", {"citizen_name": "X"}, note("personal_data_corrected", 10))
    with pytest.raises(ConditionFailed):
        store.correct_reporter("c-missing", CITIZEN, {"citizen_name": "X"}, note("x", 10, "c-missing"))
    assert store.get_complaint("c-missing") is None
    assert store.existing_complaint(CASE).citizen_name == "Budi S."
    assert actions(store) == ["personal_data_corrected"]


def test_the_reporter_is_erased_once_and_leaves_the_citizen_index(store):
    store.seed_complaint(reporter(created_at=at(1)))
    fields = ("citizen_id", "citizen_email", "citizen_name", "citizen_phone", "device_id", "account_id")
    store.erase_reporter(CASE, CITIZEN, fields, at(9), note("personal_data_erased", 9))
    erased = complaint(
        citizen_id=None,
        citizen_email=None,
        created_at=at(1),
        personal_data_erased_at=at(9),
        updated_at=at(9),
    )
    assert store.existing_complaint(CASE) == erased
    assert store.all_complaints_of(CITIZEN) == []
    assert store.complaints_of(CITIZEN, 10) == ([], None)
    with pytest.raises(ConditionFailed):  # erased already
        store.erase_reporter(CASE, CITIZEN, fields, at(10), note("personal_data_erased", 10))
    with pytest.raises(ConditionFailed):  # someone else's correction after the erasure
        store.correct_reporter(CASE, CITIZEN, {"citizen_name": "X"}, note("personal_data_corrected", 10))
    assert store.existing_complaint(CASE) == erased
    assert actions(store) == ["personal_data_erased"]


def test_the_erasure_rewrites_the_text_in_the_same_write_only_if_it_is_as_read(store):
    store.seed_complaint(reporter(title="Lapor Budi", location="Samarinda", reply=None))
    fields = ("citizen_id", "citizen_name", "citizen_phone")
    stale = {"title": ("Lapor Budi", "Lapor [nama]"), "reply": ("Terima kasih Budi", "Terima kasih [nama]")}
    with pytest.raises(ConditionFailed):  # the reply read is not the one stored: nothing is written
        store.erase_reporter(CASE, CITIZEN, fields, at(9), note("personal_data_erased", 9), stale)
    assert store.existing_complaint(CASE) == reporter(title="Lapor Budi", location="Samarinda")
    texts = {"title": ("Lapor Budi", "Lapor [nama]"), "reply": (None, None), "location": ("Samarinda", "Samarinda")}
    store.erase_reporter(CASE, CITIZEN, fields, at(9), note("personal_data_erased", 9), texts)
    erased = store.existing_complaint(CASE)
    assert (erased.title, erased.reply, erased.citizen_name, erased.citizen_id) == ("Lapor [nama]", None, None, None)
    assert actions(store) == ["personal_data_erased"]


def test_a_correction_rewrites_the_text_in_the_same_write_only_if_it_is_as_read(store):
    store.seed_complaint(reporter(title="Lapor Budi", location=None, reply="Terima kasih Budi"))
    changes: dict[str, str | None] = {"citizen_name": "Ahmad", "updated_at": at(9)}
    stale = {"title": ("Lapor Budi", "Lapor [nama]"), "reply": (None, None)}
    with pytest.raises(ConditionFailed):  # the reply read is not the one stored: nothing is written
        store.correct_reporter(CASE, CITIZEN, changes, note("personal_data_corrected", 9), stale)
    assert store.existing_complaint(CASE) == reporter(title="Lapor Budi", location=None, reply="Terima kasih Budi")
    texts = {
        "title": ("Lapor Budi", "Lapor [nama]"),
        "reply": ("Terima kasih Budi", "Terima kasih [nama]"),
        "location": (None, None),
    }
    store.correct_reporter(CASE, CITIZEN, changes, note("personal_data_corrected", 9), texts)
    corrected = store.existing_complaint(CASE)
    assert (corrected.title, corrected.reply, corrected.location, corrected.citizen_name) == (
        "Lapor [nama]",
        "Terima kasih [nama]",
        None,
        "Ahmad",
    )
    assert corrected.citizen_id == CITIZEN and actions(store) == ["personal_data_corrected"]


def test_the_redactions_replace_what_named_the_person(store):
    entry = store.seed_audit(new_audit_entry(CASE, at(1), "citizen:sub", "submitted", details={"to": "w@x.id"}))
    store.seed_work_item(visit(answer="Di sini", answered_by="citizen:sub"))
    store.seed_email(EmailRecord(CASE, "received", sent_at=at(1), to=["w@x.id", "ops@x.id"], template="received"))
    store.seed_attachment(upload(1, ttl=None, etag="e-1", status=ACCEPTED))
    store.redact_audit(entry, "citizen:(dihapus)", {"to": "(dihapus / erased)"})
    assert store.audit_trail(CASE) == [replace(entry, actor="citizen:(dihapus)", details={"to": "(dihapus / erased)"})]
    store.redact_answered_by(visit(), "citizen:(dihapus)")
    assert store.existing_work_item(CASE, 1).answered_by == "citizen:(dihapus)"
    [record] = store.email_records(CASE)
    store.redact_email_record(record, ["(dihapus / erased)", "ops@x.id"])
    assert store.email_records(CASE) == [replace(record, to=["(dihapus / erased)", "ops@x.id"])]
    store.erase_attachment(upload(1), "erased", "(dihapus)", at(9), created_by="citizen:(dihapus)")
    erased = upload(1, ttl=None, status=REJECTED, reject_reason="erased", filename="(dihapus)", checked_at=at(9))
    assert store.get_attachment(CASE, f"{1:024x}") == replace(erased, created_by="citizen:(dihapus)")
    store.erase_attachment(upload(1), "erased", "(dihapus)", at(10), created_by=None)  # again: the uploader stays
    assert store.get_attachment(CASE, f"{1:024x}") == replace(erased, created_by="citizen:(dihapus)", checked_at=at(10))


def test_redactions_of_what_is_not_there_create_nothing(store):
    with pytest.raises(ConditionFailed):
        store.redact_audit(note("submitted"), "x", {})
    with pytest.raises(ConditionFailed):
        store.redact_answered_by(visit(), "x")
    with pytest.raises(ConditionFailed):
        store.redact_email_record(EmailRecord(CASE, "received"), [])
    with pytest.raises(ConditionFailed):
        store.erase_attachment(upload(1), "erased", "(dihapus)", at(9), created_by=None)
    assert store.audit_trail(CASE) == []
    assert store.get_work_item(CASE, 1) is None
    assert store.email_records(CASE) == []
    assert store.attachments(CASE, 10) == []


def test_the_latest_revocation_wins(store):
    assert store.tokens_revoked_at("subject") is None
    store.revoke_tokens("subject", 100, "disabled", 100 + 86400)
    assert store.tokens_revoked_at("subject") == 100
    store.revoke_tokens("subject", 200, "closed", 200 + 86400)
    store.revoke_tokens("subject", 200, "closed", 200 + 86400)  # the same again
    with pytest.raises(ConditionFailed):  # an older one after it
        store.revoke_tokens("subject", 150, "disabled", 150 + 86400)
    assert store.tokens_revoked_at("subject") == 200
    assert store.tokens_revoked_at("other") is None


def test_the_report_counters_are_read_by_row_prefix(store):
    """The agencies' rows of a period without the others (GET /public/agencies reads only those), and the
    read count is what was read: the other rows are not read at all."""
    store.seed_complaint(complaint())
    store.seed_work_item(visit())
    moment = START + timedelta(minutes=7)
    decide(
        store,
        report=[
            *report.visit_completed(moment, "opd_response", "DINKES", 7.0, True),
            *report.routed(moment, "DISHUB"),
            *report.received(moment, "web", "kesehatan"),
        ],
    )
    periods = report.periods_of(moment)
    everything, read_all = store.report_items(periods)
    agencies, read = store.report_items(periods, rows="opd#")
    assert read == len(agencies) == 4  # two agencies' rows, in the day's and in the month's partition
    assert sorted(agencies) == sorted(item for item in everything if item[1].startswith("opd#"))
    assert {row: values for period, row, values in agencies if period == periods[1]}["opd#DISHUB"] == {"c_routed": 1}
    assert read_all > read
    assert store.report_items(periods, rows="opd#NOBODY") == ([], 0)
