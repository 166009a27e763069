"""Pauses for the citizen's answer, the whole-SOP target, and the rules for answers, ratings,
reopening and duplicates (pure: no AWS)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import sop
from chalicelib.domain.calendar import WITA, office_calendar
from chalicelib.domain.decisions import parse_decision
from chalicelib.domain.errors import (
    AlreadyRated,
    FeedbackWindowClosed,
    NoQuestionPending,
    NotAnswered,
    ReopenLimit,
    ValidationFailed,
)
from chalicelib.domain.feedback import (
    ensure_duplicate_target,
    ensure_may_rate,
    ensure_may_reopen,
    ensure_question_pending,
    parse_answer,
    parse_rating,
    parse_reopen,
)
from chalicelib.domain.planner import (
    EXPIRE,
    REMIND,
    WAIT,
    SlaPolicy,
    answer_step,
    plan_answer,
    plan_stage,
    whole_sop_due,
)

CAL = office_calendar(cuti_bersama=[date(2026, 3, 18), date(2026, 3, 20)])
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(WITA))
gaps = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40))
PAUSABLE = ("intake", "classification", "opd_response")


def wita(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WITA)


# -- the clock pauses while the citizen answers -----------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    stage=st.sampled_from(PAUSABLE),
    start=moments,
    worked=st.floats(0, 1),
    pause=gaps,
    category=st.sampled_from([None, "infrastruktur", "kesehatan"]),
)
def test_resuming_keeps_exactly_the_business_time_that_was_left(stage, start, worked, pause, category):
    """Work some of the allowed time, ask, wait any time, resume: the two visits' business time adds up to
    exactly the stage's allowed time, however long (nights, weekends, holidays) the pause was."""
    first = plan_stage(stage, start, CAL, category=category)
    allowed = CAL.between(first.started_at, first.due_at)
    asked_at = CAL.add(start, allowed * worked)
    used = CAL.between(start, asked_at)
    resumed_at = asked_at + pause
    second = plan_stage(stage, resumed_at, CAL, category=category, used=used)
    assert used + CAL.between(second.started_at, second.due_at) == allowed
    # ... so the pause itself never counts against the team:
    assert CAL.between(start, second.due_at) - CAL.between(asked_at, resumed_at) >= allowed - timedelta(seconds=1)


@settings(max_examples=200, deadline=None)
@given(start=moments, pause=gaps, more=gaps)
def test_paused_time_never_moves_the_whole_sop_target_earlier_and_counts_exactly(start, pause, more):
    base = whole_sop_due(start, timedelta(0), CAL)
    paused = CAL.between(start, start + pause)
    later = whole_sop_due(start, paused, CAL)
    assert later >= base
    assert CAL.between(base, later) == paused
    assert CAL.between(start, base) == 2 * CAL.working_day()  # SOP section E: 2 days in all


def test_a_stage_asked_after_its_due_time_resumes_overdue():
    start = wita(2026, 11, 23, 9, 0)  # Monday
    used = timedelta(minutes=15)  # intake allows 10
    plan = plan_stage("intake", wita(2026, 11, 24, 10, 0), CAL, used=used)
    assert plan.due_at == plan.started_at == plan.remind_at
    assert plan_stage("intake", start, CAL).due_at == wita(2026, 11, 23, 9, 10)


def test_the_reminder_point_keeps_its_share_across_the_pause():
    start = wita(2026, 11, 23, 9, 0)
    plan = plan_stage("classification", start, CAL, used=timedelta(minutes=30))  # 120 allowed, remind at 60
    assert plan.remind_at == wita(2026, 11, 23, 9, 30) and plan.due_at == wita(2026, 11, 23, 10, 30)


# -- waiting for the answer: one reminder after 5 working days, closed after 10 ----------------------
def test_answer_wait_reminds_once_then_expires_in_working_days():
    asked = wita(2026, 11, 23, 10, 0)  # Monday
    plan = plan_answer(asked, CAL)
    assert plan.remind_at == wita(2026, 11, 30, 10, 0)  # 5 working days: the next Monday
    assert plan.expires_at == wita(2026, 12, 7, 10, 0)
    assert answer_step(asked, plan, False).action == WAIT
    assert answer_step(asked, plan, False).wait_seconds == int((plan.remind_at - asked).total_seconds())
    at_reminder = answer_step(plan.remind_at, plan, reminded=False)
    assert at_reminder.action == REMIND
    assert at_reminder.wait_seconds == int((plan.expires_at - plan.remind_at).total_seconds())
    assert answer_step(plan.remind_at, plan, reminded=True).action == WAIT
    assert answer_step(plan.expires_at, plan, reminded=True).action == EXPIRE


def test_answer_wait_is_configurable_and_scaled():
    asked = wita(2026, 11, 23, 10, 0)
    policy = SlaPolicy(answer_reminder_minutes=30, answer_deadline_minutes=60)
    plan = plan_answer(asked, CAL, 0.5, policy)
    assert plan.remind_at == asked + timedelta(minutes=15) and plan.expires_at == asked + timedelta(minutes=30)


# -- decisions ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("stage", PAUSABLE)
def test_pausable_stages_may_ask_the_citizen(stage):
    decision = parse_decision(stage, {"decision": "request_information", "question": "  Pasar yang mana?  "})
    assert decision.outcome == "request_information" and decision.values == {"question": "Pasar yang mana?"}
    assert decision.leads_to == sop.AWAITING_CITIZEN
    assert decision.complaint_changes() == {}


@pytest.mark.parametrize("stage", ["review", "reply"])
def test_review_and_reply_do_not_ask_the_citizen(stage):
    with pytest.raises(ValidationFailed):
        parse_decision(stage, {"decision": "request_information", "question": "?"})


def test_a_question_is_required():
    with pytest.raises(ValidationFailed) as failed:
        parse_decision("intake", {"decision": "request_information", "question": " "})
    assert failed.value.errors == [{"field": "question", "code": "required"}]


def test_duplicate_names_a_tracking_number_as_people_type_it():
    decision = parse_decision("classification", {"kind": "duplicate", "of": "kt 7k4m 9q2x"})
    assert decision.values == {"of": "KT-7K4M-9Q2X"}
    assert decision.complaint_changes() == {"kind": "duplicate", "duplicate_of": "KT-7K4M-9Q2X"}
    assert decision.leads_to == sop.DUPLICATE
    with pytest.raises(ValidationFailed) as failed:
        parse_decision("classification", {"kind": "duplicate", "of": "not a number"})
    assert failed.value.errors[0]["code"] == "invalid_tracking_number"


def test_duplicate_target_must_exist_differ_and_carry_on():
    ensure_duplicate_target("a", "b", "aspiration")
    ensure_duplicate_target("a", "b", None)
    for target, kind, code in (
        (None, None, "unknown_case"),
        ("a", None, "same_case"),
        ("b", sop.DUPLICATE, "is_duplicate"),
    ):
        with pytest.raises(ValidationFailed) as failed:
            ensure_duplicate_target("a", target, kind)
        assert failed.value.errors[0]["code"] == code
    with pytest.raises(ValidationFailed) as failed:  # rejected, or closed for want of an answer: nothing carries on
        ensure_duplicate_target("a", "b", "aspiration", sop.STATUS_CLOSED, target_answered=False)
    ensure_duplicate_target("a", "b", "aspiration", sop.STATUS_CLOSED, target_answered=True)  # answered: carries on
    assert failed.value.errors[0]["code"] == "closed_without_answer"


# -- answers, ratings, reopening ----------------------------------------------------------------------
def test_answer_rules():
    assert parse_answer({"answer": " Pasar Segiri "}) == "Pasar Segiri"
    bad: object
    for bad in ({}, {"answer": ""}, {"answer": 5}, {"answer": "x" * 4001}, []):
        with pytest.raises(ValidationFailed):
            parse_answer(bad)
    with pytest.raises(NoQuestionPending):
        ensure_question_pending(None)
    ensure_question_pending({"question": "?", "step": 2})


@pytest.mark.parametrize("score", [1, 3, 5, "4"])
def test_scores_one_to_five(score):
    assert parse_rating({"score": score}).score == int(score)


@pytest.mark.parametrize("score", [0, 6, -1, 2.5, True, "", "five", None, "6"])
def test_scores_outside_one_to_five_are_refused(score):
    with pytest.raises(ValidationFailed) as failed:
        parse_rating({"score": score})
    assert failed.value.errors == [{"field": "score", "code": "invalid_score"}]


def test_rating_comment_is_optional_and_bounded():
    assert parse_rating({"score": 5, "comment": " Cepat! "}).comment == "Cepat!"
    assert parse_rating({"score": 5, "comment": ""}).comment is None
    with pytest.raises(ValidationFailed):
        parse_rating({"score": 5, "comment": "x" * 2001})


def test_rating_only_after_the_reply_and_once():
    ensure_may_rate(sop.STATUS_ANSWERED, None)
    ensure_may_rate(sop.STATUS_CLOSED, None)
    with pytest.raises(NotAnswered):
        ensure_may_rate(sop.STATUS_OPEN, None)
    with pytest.raises(AlreadyRated):
        ensure_may_rate(sop.STATUS_CLOSED, {"score": 4})
    with pytest.raises(NotAnswered):  # rejected, closed as a duplicate or unanswered: nothing to rate
        ensure_may_rate(sop.STATUS_CLOSED, None, answered=False)


def test_reopen_rules():
    now = wita(2026, 11, 23, 10, 0)
    ends = now + timedelta(days=3)
    assert parse_reopen({"reason": " Jalan masih rusak "}) == "Jalan masih rusak"
    with pytest.raises(ValidationFailed):
        parse_reopen({"reason": ""})
    ensure_may_reopen(sop.STATUS_ANSWERED, ends, now, 0, answered=True)
    ensure_may_reopen(sop.STATUS_ANSWERED, ends, now, sop.MAX_REOPENS - 1, answered=True)
    with pytest.raises(ReopenLimit):
        ensure_may_reopen(sop.STATUS_ANSWERED, ends, now, sop.MAX_REOPENS, answered=True)
    with pytest.raises(FeedbackWindowClosed):
        ensure_may_reopen(sop.STATUS_ANSWERED, ends, ends, 0, answered=True)
    with pytest.raises(FeedbackWindowClosed):
        ensure_may_reopen(sop.STATUS_CLOSED, ends, now, 0, answered=True)
    with pytest.raises(NotAnswered):
        ensure_may_reopen(sop.STATUS_OPEN, None, now, 0, answered=False)
    assert sop.MAX_REOPENS == 2
