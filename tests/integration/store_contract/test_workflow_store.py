"""The store's contract: the same tests against the in-memory fake (tests/fakes/store.py) and the real
store on moto, so the fake the use-case tests trust cannot drift from DynamoDB.

Each test names a WorkflowStore method's observable behaviour (service/ports.py): the happy path, the
condition that refuses a repeat, what the reads return afterwards, the report counters it moves.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain import report, sop
from chalicelib.domain.planner import ESCALATE, REMIND
from chalicelib.domain.records import EmailRecord, WorkItem
from chalicelib.domain.report import Delta
from chalicelib.service.ports import EMAIL_CLAIMED, EMAIL_DONE, EMAIL_IN_FLIGHT, ConditionFailed, Missing

from .support import CASE, START, actions, at, case_of, complaint, counters, email_of, item_of, links_for, note, visit

pytestmark = pytest.mark.integration


# -- reads ----------------------------------------------------------------------------------------------
def test_reads_of_what_is_not_there(store):
    assert store.get_complaint(CASE) is None
    assert store.get_complaint("") is None
    assert store.get_complaint("x" * 65) is None  # not an id of ours
    assert store.get_work_item(CASE, 1) is None
    with pytest.raises(Missing):
        store.existing_work_item(CASE, 1)
    assert store.get_email(CASE, "received") is None


def test_records_read_back_as_seeded_and_are_copies(store):
    store.seed_complaint(complaint(notified={"received"}, pending_question={"question": "Di mana?", "step": 1}))
    store.seed_work_item(visit())
    read = store.get_complaint(CASE)
    assert read == complaint(notified={"received"}, pending_question={"question": "Di mana?", "step": 1})
    assert item_of(store) == visit()
    read.status = sop.STATUS_CLOSED
    read.pending_question["question"] = "changed"
    item = store.get_work_item(CASE, 1)
    item.context["round"] = 9
    assert case_of(store).status == sop.STATUS_OPEN
    assert case_of(store).pending_question == {"question": "Di mana?", "step": 1}
    assert item_of(store).context == {"round": 1}


def test_writes_to_what_is_not_there_fail_and_create_nothing(store):
    """Every conditional write names an item that must exist: DynamoDB's UpdateItem would otherwise create it."""
    writes = [
        lambda: store.record_task_token(CASE, 1, "t", at(1)),
        lambda: store.mark_assigned_notified(CASE, 1),
        lambda: store.record_tick(CASE, 1, REMIND, "m", at(1), note("reminder_sent")),
        lambda: store.plan_answer_wait(CASE, 1, at(1), at(2)),
        lambda: store.record_answer_token(CASE, 1, "t", at(1)),
        lambda: store.record_question_reminder(CASE, 1, at(1), note("question_reminder_sent")),
        lambda: store.expire_question(CASE, 1, at(1)),
        lambda: store.close_open_case(CASE, at(1), note("rejected"), report.closed(START, START)),
        lambda: store.record_reply_delivered(CASE, at(1), at(2), note("reply_delivered")),
        lambda: store.record_feedback_token(CASE, "t", at(1)),
        lambda: store.close_answered_case(CASE, at(1), note("closed"), report.closed(START)),
    ]
    for write in writes:
        with pytest.raises(ConditionFailed):
            write()
    assert store.get_work_item(CASE, 1) is None
    assert store.get_complaint(CASE) is None
    assert actions(store) == []
    assert counters(store, START) == {}


# -- a stage visit ----------------------------------------------------------------------------------------
def test_enter_stage_opens_the_visit_and_moves_the_case_once(store):
    store.seed_complaint(complaint(stage=None, step=0, reopen_pending=True))
    item = visit(step=2, stage="classification", role="diskominfo", due_at=at(120))
    assert store.enter_stage(
        item,
        at(1),
        overdue=True,
        audit=note("stage_entered", 1),
        paused_seconds=30.5,
        sop_due_at=at(999),
        reopened=True,
    )
    assert item_of(store, 2) == item
    case = case_of(store)
    assert (case.stage, case.step, case.updated_at, case.due_at, case.overdue) == (
        "classification",
        2,
        at(1),
        at(120),
        True,
    )
    assert (case.paused_seconds, case.sop_due_at, case.reopen_pending) == (30.5, at(999), False)
    assert actions(store) == ["stage_entered"]

    # A redelivered message: the same visit again changes nothing (not the plan, not the case, no audit entry).
    again = replace(item, due_at=at(500))
    assert store.enter_stage(again, at(7), overdue=False, audit=note("stage_entered", 7)) is False
    assert item_of(store, 2) == item
    assert case_of(store) == case
    assert actions(store) == ["stage_entered"]


def test_enter_stage_leaves_what_it_is_not_given(store):
    store.seed_complaint(complaint(paused_seconds=12, sop_due_at=at(300), reopen_pending=True))
    assert store.enter_stage(visit(), at(1), overdue=False, audit=note("stage_entered"))
    case = case_of(store)
    assert (case.paused_seconds, case.sop_due_at, case.reopen_pending, case.overdue) == (12, at(300), True, False)


def test_enter_stage_of_a_missing_case_fails_and_writes_nothing(store):
    with pytest.raises(ConditionFailed):
        store.enter_stage(visit(), at(1), overdue=False, audit=note("stage_entered"))
    assert store.get_work_item(CASE, 1) is None
    assert actions(store) == []


def test_enter_stage_is_all_or_nothing(store):
    """An audit entry whose key is taken fails the whole transaction: no work item, no change to the case."""
    store.seed_complaint(complaint(stage=None, step=0))
    entry = note("stage_entered")
    store.seed_audit(entry)
    with pytest.raises(ConditionFailed):
        store.enter_stage(visit(), at(1), overdue=False, audit=entry)
    assert store.get_work_item(CASE, 1) is None
    assert (case_of(store).stage, case_of(store).step) == (None, 0)


def test_task_token_newest_wins(store):
    store.seed_work_item(visit())
    item = store.record_task_token(CASE, 1, "token-b", at(2))
    assert (item.task_token, item.token_sent_at, item.stage) == ("token-b", at(2), "intake")  # the whole item
    with pytest.raises(ConditionFailed):  # an older handoff that came late
        store.record_task_token(CASE, 1, "token-a", at(1))
    assert (item_of(store).task_token, item_of(store).token_sent_at) == ("token-b", at(2))
    assert store.record_task_token(CASE, 1, "token-b2", at(2)).task_token == "token-b2"  # the same moment: kept
    assert store.record_task_token(CASE, 1, "token-c", at(3)).task_token == "token-c"
    with pytest.raises(ConditionFailed):
        store.record_task_token(CASE, 2, "token-x", at(3))  # no such visit
    assert store.get_work_item(CASE, 2) is None


def test_mark_assigned_notified(store):
    store.seed_work_item(visit())
    store.mark_assigned_notified(CASE, 1)
    assert item_of(store).assigned_notified is True
    with pytest.raises(ConditionFailed):
        store.mark_assigned_notified(CASE, 2)
    assert store.get_work_item(CASE, 2) is None


# -- the stage clock --------------------------------------------------------------------------------------
def tick_report(minutes: float, action: str) -> list[Delta]:
    return report.clock_tick(START + timedelta(minutes=minutes), action, "intake", None, "web", "kesehatan")


def test_a_reminder_tick_is_claimed_once(store):
    store.seed_complaint(complaint())
    store.seed_work_item(visit())
    store.record_tick(CASE, 1, REMIND, "mark-1", at(5), note("reminder_sent", 5), tick_report(5, REMIND), sent_at=at(4))
    item = item_of(store)
    assert (item.reminded_at, item.last_tick, item.last_tick_action, item.last_tick_at) == (
        at(5),
        "mark-1",
        REMIND,
        at(4),
    )
    assert (item.escalations, item.overdue, case_of(store).overdue) == (0, False, False)
    day, month = report.periods_of(START)
    moved = counters(store, START)
    for row in ("total", "channel#web", "category#kesehatan", "stage#intake"):
        assert moved[(day, row)] == {"reminders": 1}
        assert moved[(month, row)] == {"reminders": 1}
    assert len(moved) == 8

    # The same tick again (a redelivery), and an older tick after it: neither acts.
    with pytest.raises(ConditionFailed):
        store.record_tick(CASE, 1, REMIND, "mark-1", at(6), note("reminder_sent", 6), tick_report(6, REMIND))
    with pytest.raises(ConditionFailed):
        store.record_tick(
            CASE, 1, REMIND, "mark-0", at(6), note("reminder_sent", 6), tick_report(6, REMIND), sent_at=at(3)
        )
    with pytest.raises(ConditionFailed):  # not newer is not enough: strictly newer
        store.record_tick(
            CASE, 1, REMIND, "mark-0", at(6), note("reminder_sent", 6), tick_report(6, REMIND), sent_at=at(4)
        )
    assert item_of(store) == item
    assert counters(store, START) == moved
    assert actions(store) == ["reminder_sent"]


def test_escalations_count_up_one_at_a_time(store):
    store.seed_complaint(complaint())
    store.seed_work_item(visit())
    store.record_tick(
        CASE, 1, ESCALATE, "m1", at(10), note("escalated", 10), tick_report(10, ESCALATE), escalations=1, sent_at=at(10)
    )
    item = item_of(store)
    assert (item.escalations, item.overdue, item.last_tick_action, item.reminded_at) == (1, True, ESCALATE, None)
    assert (case_of(store).overdue, case_of(store).updated_at) == (True, at(10))
    with pytest.raises(ConditionFailed):  # another tick that also counted from 0: the count moved on
        store.record_tick(
            CASE,
            1,
            ESCALATE,
            "m2",
            at(11),
            note("escalated", 11),
            tick_report(11, ESCALATE),
            escalations=1,
            sent_at=at(11),
        )
    assert item_of(store).escalations == 1
    store.record_tick(
        CASE, 1, ESCALATE, "m2", at(20), note("escalated", 20), tick_report(20, ESCALATE), escalations=2, sent_at=at(20)
    )
    assert item_of(store).escalations == 2
    assert case_of(store).updated_at == at(10)  # only the first escalation touches the case
    day, _ = report.periods_of(START)
    assert counters(store, START)[(day, "stage#intake")] == {"escalations": 2}
    assert actions(store) == ["escalated", "escalated"]


def test_no_tick_on_a_decided_visit(store):
    store.seed_complaint(complaint())
    store.seed_work_item(visit(decision={"decision": "accept"}, decided_at=at(3)))
    with pytest.raises(ConditionFailed):
        store.record_tick(CASE, 1, REMIND, "m1", at(5), note("reminder_sent", 5), tick_report(5, REMIND))
    assert item_of(store).last_tick is None
    assert counters(store, START) == {}
    assert actions(store) == []


def test_a_tick_is_all_or_nothing(store):
    """The first escalation of a case that is not there: the work item, audit and counters stay untouched."""
    store.seed_work_item(visit())
    with pytest.raises(ConditionFailed):
        store.record_tick(
            CASE, 1, ESCALATE, "m1", at(10), note("escalated", 10), tick_report(10, ESCALATE), escalations=1
        )
    assert item_of(store) == visit()
    assert counters(store, START) == {}
    assert actions(store) == []
    with pytest.raises(ValueError):
        store.record_tick(CASE, 1, "wait", "m1", at(10), note("escalated", 10))


def test_counters_that_add_up_to_nothing_write_no_item(store):
    store.seed_complaint(complaint())
    moment = START + timedelta(minutes=1)
    deltas = [Delta(moment, "total", {"c_closed": 1, "c_open": 0}), Delta(moment, "total", {"c_closed": -1})]
    deltas += [Delta(moment, "stage#intake", {"c_open": -1, "c_received": 0})]
    store.close_open_case(CASE, at(1), note("closed", 1), report=deltas)
    day, month = report.periods_of(moment)
    assert counters(store, moment) == {(day, "stage#intake"): {"c_open": -1}, (month, "stage#intake"): {"c_open": -1}}


# -- emails, each once ----------------------------------------------------------------------------------------
def test_an_email_is_claimed_then_in_flight_until_its_lease_runs_out(store):
    assert store.claim_email(CASE, "received", at(0), at(1)) == EMAIL_CLAIMED
    assert email_of(store, "received") == EmailRecord(CASE, "received", attempts=1, lease_until=at(1))
    assert store.claim_email(CASE, "received", at(0.5), at(1.5)) == EMAIL_IN_FLIGHT
    assert store.claim_email(CASE, "received", at(1), at(2)) == EMAIL_IN_FLIGHT  # the lease holds until then
    assert email_of(store, "received") == EmailRecord(CASE, "received", attempts=1, lease_until=at(1))
    assert store.claim_email(CASE, "received", at(1.01), at(2)) == EMAIL_CLAIMED  # its sender died
    assert email_of(store, "received") == EmailRecord(CASE, "received", attempts=2, lease_until=at(2))


def test_a_sent_email_is_done_and_marked_once(store):
    store.seed_work_item(visit())
    store.claim_email(CASE, "assigned-1", at(0), at(1))
    store.record_email_sent(
        CASE, "assigned-1", at(0.1), "ses-1", "assigned", ["op@x.id"], "Tugas", note("email_sent"), assigned_step=1
    )
    sent = EmailRecord(
        CASE,
        "assigned-1",
        attempts=1,
        sent_at=at(0.1),
        ses_message_id="ses-1",
        template="assigned",
        to=["op@x.id"],
        subject="Tugas",
    )
    assert email_of(store, "assigned-1") == sent
    assert item_of(store).assigned_notified is True
    assert store.claim_email(CASE, "assigned-1", at(5), at(6)) == EMAIL_DONE
    with pytest.raises(ConditionFailed):  # a second sender whose lease ran out sent it too
        store.record_email_sent(
            CASE, "assigned-1", at(7), "ses-2", "assigned", ["op@x.id"], "Tugas", note("email_sent", 7)
        )
    assert email_of(store, "assigned-1") == sent
    assert actions(store) == ["email_sent"]


def test_an_email_may_be_marked_sent_without_a_claim(store):
    store.record_email_sent(CASE, "received", at(0), "ses-1", "received", ["w@x.id"], "Diterima", note("email_sent"))
    assert email_of(store, "received") == EmailRecord(
        CASE, "received", sent_at=at(0), ses_message_id="ses-1", template="received", to=["w@x.id"], subject="Diterima"
    )


def test_a_rejected_email_is_done_unsent(store):
    store.claim_email(CASE, "received", at(0), at(1))
    store.mark_email_rejected(CASE, "received", "MessageRejected", "received", ["bad@x.id"])
    assert email_of(store, "received") == EmailRecord(
        CASE, "received", attempts=1, rejected="MessageRejected", template="received", to=["bad@x.id"]
    )
    assert store.claim_email(CASE, "received", at(0.5), at(2)) == EMAIL_DONE
    # A sent email stays sent: rejecting it changes nothing, and says nothing.
    store.record_email_sent(CASE, "reply", at(0), "ses-1", "reply", ["w@x.id"], "Balasan", note("email_sent"))
    before = email_of(store, "reply")
    store.mark_email_rejected(CASE, "reply", "MessageRejected", "reply", ["w@x.id"])
    assert email_of(store, "reply") == before


def test_releasing_a_claim_frees_only_our_own_lease(store):
    store.claim_email(CASE, "received", at(0), at(1))
    store.release_email(CASE, "received", at(9))  # not our lease: it stays
    assert email_of(store, "received").lease_until == at(1)
    assert store.claim_email(CASE, "received", at(0.5), at(1.5)) == EMAIL_IN_FLIGHT
    store.release_email(CASE, "received", at(1))
    assert email_of(store, "received").lease_until is None
    assert store.claim_email(CASE, "received", at(0.5), at(1.5)) == EMAIL_CLAIMED  # at once, no lease to wait for
    store.release_email(CASE, "missing", at(1))  # nothing to release: nothing happens
    assert store.get_email(CASE, "missing") is None
    store.record_email_sent(CASE, "received", at(0.6), "ses-1", "received", ["w@x.id"], "S", note("email_sent"))
    store.release_email(CASE, "received", at(1.5))
    assert email_of(store, "received").sent_at == at(0.6)


def test_a_claim_stores_the_links_its_email_carries(store):
    links, hashes = links_for(visit(), 2)
    assert store.claim_email(CASE, "assigned-1", at(0), at(1), links) == EMAIL_CLAIMED
    for token_hash in hashes:
        link = store.get_link(token_hash)
        assert (link.complaint_id, link.step, link.role, link.used_at) == (CASE, 1, "operator", None)
        assert link.ttl is not None and link.ttl > START
    # A claim that finds the email in flight stores none of its links.
    more, more_hashes = links_for(visit())
    assert store.claim_email(CASE, "assigned-1", at(0.5), at(1.5), more) == EMAIL_IN_FLIGHT
    assert store.get_link(more_hashes[0]) is None


def test_a_claim_whose_link_exists_writes_nothing(store):
    links, hashes = links_for(visit())
    store.put_link(links[0])
    with pytest.raises(ConditionFailed):
        store.put_link(links[0])
    assert store.claim_email(CASE, "assigned-1", at(0), at(1), links) == EMAIL_IN_FLIGHT
    assert store.get_email(CASE, "assigned-1") is None


# -- the citizen's question --------------------------------------------------------------------------------
def asked(**changes: Any) -> WorkItem:
    return visit(decision={"decision": "request_information"}, decided_at=at(2), question="Di mana?", **changes)


def test_the_answer_wait_is_planned_once(store):
    store.seed_work_item(asked())
    item = store.plan_answer_wait(CASE, 1, at(60), at(120))
    assert (item.info_remind_at, item.info_expires_at, item.question) == (at(60), at(120), "Di mana?")
    with pytest.raises(ConditionFailed):
        store.plan_answer_wait(CASE, 1, at(70), at(130))
    assert (item_of(store).info_remind_at, item_of(store).info_expires_at) == (at(60), at(120))
    with pytest.raises(ConditionFailed):
        store.plan_answer_wait(CASE, 2, at(70), at(130))


def test_answer_token_newest_wins(store):
    store.seed_work_item(asked())
    assert store.record_answer_token(CASE, 1, "a-2", at(2)).answer_token == "a-2"
    with pytest.raises(ConditionFailed):
        store.record_answer_token(CASE, 1, "a-1", at(1))
    assert (item_of(store).answer_token, item_of(store).answer_token_sent_at) == ("a-2", at(2))
    assert store.record_answer_token(CASE, 1, "a-3", at(3)).answer_token == "a-3"
    assert item_of(store).task_token is None  # the stage's own token is another attribute


def test_the_question_is_reminded_once_and_not_once_answered(store):
    store.seed_work_item(asked())
    store.record_question_reminder(CASE, 1, at(60), note("question_reminder_sent", 60))
    assert item_of(store).info_reminded_at == at(60)
    with pytest.raises(ConditionFailed):
        store.record_question_reminder(CASE, 1, at(61), note("question_reminder_sent", 61))
    assert item_of(store).info_reminded_at == at(60)
    assert actions(store) == ["question_reminder_sent"]
    store.seed_work_item(asked(step=2, answer="Di Samarinda"))
    with pytest.raises(ConditionFailed):
        store.record_question_reminder(CASE, 2, at(60), note("question_reminder_sent", 60))
    assert item_of(store, 2).info_reminded_at is None
    assert actions(store) == ["question_reminder_sent"]


def test_the_question_expires_once_and_not_once_answered(store):
    store.seed_work_item(asked())
    store.expire_question(CASE, 1, at(120))
    assert item_of(store).info_expired_at == at(120)
    with pytest.raises(ConditionFailed):
        store.expire_question(CASE, 1, at(121))
    assert item_of(store).info_expired_at == at(120)
    store.seed_work_item(asked(step=2, answer="Di Samarinda"))
    with pytest.raises(ConditionFailed):
        store.expire_question(CASE, 2, at(120))
    assert item_of(store, 2).info_expired_at is None
    with pytest.raises(ConditionFailed):
        store.expire_question(CASE, 3, at(120))


# -- the end of a round -----------------------------------------------------------------------------------
def test_an_open_case_closes_once(store):
    store.seed_complaint(complaint(due_at=at(10), pending_question={"question": "Di mana?"}))
    closing = START + timedelta(minutes=30)
    store.close_open_case(
        CASE,
        at(30),
        note("closed_unanswered", 30),
        report.closed(closing, START),
        reason="no answer",
        drop_question=True,
    )
    case = case_of(store)
    assert (case.status, case.closed_at, case.updated_at, case.due_at) == (sop.STATUS_CLOSED, at(30), at(30), None)
    assert (case.pending_question, case.close_reason) == (None, "no answer")
    day, _ = report.periods_of(closing)
    assert counters(store, closing)[(day, "total")] == {"c_closed": 1, "c_open": -1}
    with pytest.raises(ConditionFailed):
        store.close_open_case(CASE, at(31), note("closed_unanswered", 31), report.closed(closing, START), reason="x")
    assert case_of(store) == case
    assert counters(store, closing)[(day, "total")] == {"c_closed": 1, "c_open": -1}
    assert actions(store) == ["closed_unanswered"]


def test_closing_keeps_what_it_is_not_told_to_drop(store):
    store.seed_complaint(complaint(pending_question={"question": "Di mana?"}, close_reason="earlier"))
    store.close_open_case(CASE, at(30), note("rejected", 30))
    case = case_of(store)
    assert (case.status, case.pending_question, case.close_reason) == (
        sop.STATUS_CLOSED,
        {"question": "Di mana?"},
        "earlier",
    )


def test_a_reply_answers_the_open_case_of_its_round_once(store):
    store.seed_complaint(complaint(step=4, due_at=at(10), feedback_token="old"))
    answered = START + timedelta(minutes=40)
    deltas = report.answered(answered, START, "web", "kesehatan", report.NO_OPD, True, 40, "met")
    with pytest.raises(ConditionFailed):  # a late message of another round
        store.record_reply_delivered(CASE, at(40), at(100), note("reply_delivered", 40), deltas, "met", step=3)
    assert case_of(store).status == sop.STATUS_OPEN
    assert counters(store, answered) == {}
    store.record_reply_delivered(CASE, at(40), at(100), note("reply_delivered", 40), deltas, "met", step=4)
    case = case_of(store)
    assert (case.status, case.answered_at, case.feedback_ends_at, case.sop_outcome) == (
        sop.STATUS_ANSWERED,
        at(40),
        at(100),
        "met",
    )
    assert (case.feedback_token, case.due_at, case.updated_at) == (None, None, at(40))
    day, _ = report.periods_of(answered)
    assert counters(store, answered)[(day, "total")]["c_answered"] == 1
    with pytest.raises(ConditionFailed):  # answered already
        store.record_reply_delivered(CASE, at(41), at(101), note("reply_delivered", 41), deltas, step=4)
    assert case_of(store) == case
    assert counters(store, answered)[(day, "total")]["c_answered"] == 1
    assert actions(store) == ["reply_delivered"]


def test_no_reply_to_a_case_just_reopened_and_any_round_without_a_step(store):
    store.seed_complaint(complaint(reopen_pending=True, sop_outcome="breached"))
    with pytest.raises(ConditionFailed):
        store.record_reply_delivered(CASE, at(40), at(100), note("reply_delivered", 40))
    assert case_of(store).status == sop.STATUS_OPEN
    store.seed_complaint(complaint(step=7, sop_outcome="breached"))
    store.record_reply_delivered(CASE, at(40), at(100), note("reply_delivered", 40))  # no step: any round
    assert (case_of(store).status, case_of(store).sop_outcome) == (sop.STATUS_ANSWERED, "breached")


def test_feedback_token_newest_wins(store):
    store.seed_complaint(complaint(status=sop.STATUS_ANSWERED))
    store.record_feedback_token(CASE, "f-2", at(2))
    with pytest.raises(ConditionFailed):
        store.record_feedback_token(CASE, "f-1", at(1))
    assert (case_of(store).feedback_token, case_of(store).feedback_token_sent_at) == ("f-2", at(2))
    store.record_feedback_token(CASE, "f-3", at(3))
    assert case_of(store).feedback_token == "f-3"
    assert actions(store) == []
    with pytest.raises(ConditionFailed):
        store.record_feedback_token("c-missing", "f-1", at(1))
    assert store.get_complaint("c-missing") is None


def test_an_answered_case_closes_once_in_its_round(store):
    store.seed_complaint(complaint(status=sop.STATUS_ANSWERED, step=4, feedback_token="f-1"))
    with pytest.raises(ConditionFailed):
        store.close_answered_case(CASE, at(50), note("closed", 50), step=3)
    store.close_answered_case(CASE, at(50), note("closed", 50), report.closed(START + timedelta(minutes=50)), step=4)
    case = case_of(store)
    assert (case.status, case.closed_at, case.feedback_token, case.updated_at) == (
        sop.STATUS_CLOSED,
        at(50),
        None,
        at(50),
    )
    with pytest.raises(ConditionFailed):
        store.close_answered_case(CASE, at(51), note("closed", 51))
    assert case_of(store) == case
    day, _ = report.periods_of(START)
    assert counters(store, START) == {
        (day, "total"): {"c_closed": 1},
        (report.periods_of(START)[1], "total"): {"c_closed": 1},
    }
    assert actions(store) == ["closed"]


def test_an_open_case_is_not_closed_as_answered(store):
    store.seed_complaint(complaint())
    with pytest.raises(ConditionFailed):
        store.close_answered_case(CASE, at(50), note("closed", 50))
    assert case_of(store).status == sop.STATUS_OPEN
