"""The citizen after submitting (service/followup.py) on the fakes: answering the question that waits (handed
back to the stage that asked), rating the reply once, reopening it within the feedback window at most
``sop.MAX_REOPENS`` times; each refused otherwise, changing nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.config import Settings
from chalicelib.domain import sop
from chalicelib.domain.errors import (
    AlreadyRated,
    Conflict,
    FeedbackWindowClosed,
    NoQuestionPending,
    NotAnswered,
    NotFound,
    ReopenLimit,
    Unavailable,
)
from chalicelib.domain.records import Complaint, WorkItem
from chalicelib.domain.timestamps import iso
from chalicelib.service.delivery import ANSWER, REOPEN, deliver
from chalicelib.service.followup import answer_as_citizen, describe_rating, rate_as_citizen, rate_by_link, reopen
from chalicelib.service.links import issue_rating_link
from tests.fakes.services import FakeWorld
from tests.fakes.store import InMemoryStore

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # a Friday, 10:00 WITA
CASE = "a" * 32
CITIZEN = "sub-warga"
SETTINGS = Settings(calendar_mode="24x7", public_base_url="https://aspirasi.test")
QUESTION = "Di puskesmas mana tepatnya?"
ANSWERED = "Puskesmas Sempaja"
REASON = "Antrean masih tiga jam setiap pagi."


def a_case(**changes: Any) -> Complaint:
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
        citizen_id=CITIZEN,
        citizen_email="warga@example.com",
        stage="classification",
        step=2,
    )
    return replace(case, **changes)


def world(store: InMemoryStore | None = None) -> FakeWorld:
    return FakeWorld(SETTINGS, START + timedelta(minutes=10), store=store or InMemoryStore())


# -- answering a question -------------------------------------------------------------------------
def asking(store: InMemoryStore | None = None, **item: Any) -> FakeWorld:
    """Classification (the case's 2nd visit) asked the citizen; the execution waits with ``answer-2``."""
    w = world(store)
    pending = {"question": QUESTION, "asked_at": iso(START), "step": 2, "stage": "classification"}
    w.store.seed_complaint(a_case(pending_question=pending))
    visit = WorkItem(
        complaint_id=CASE,
        step=2,
        stage="classification",
        role="diskominfo",
        entered_at=iso(START),
        remind_at=iso(START),
        due_at=iso(START + timedelta(hours=2)),
        decision={"outcome": "request_information", "question": QUESTION},
        decided_at=iso(START),
        question=QUESTION,
        answer_token="answer-2",
        followups=True,
    )
    w.store.seed_work_item(replace(visit, **item))
    return w


def handed_back(w: FakeWorld) -> bool:
    return deliver(w.svc, ANSWER, {"complaint_id": CASE, "step": 2})


def test_an_answer_is_recorded_once_and_hands_the_stage_back():
    w = asking()
    first = answer_as_citizen(w.svc, CASE, CITIZEN, {"answer": ANSWERED})
    assert first == {"answered_at": iso(w.now), "stage": "classification"}
    item = w.store.existing_work_item(CASE, 2)
    assert (item.answer, item.answered_at, item.answered_by) == (ANSWERED, iso(w.now), f"citizen:{CITIZEN}")
    case = w.store.existing_complaint(CASE)
    assert (case.pending_question, case.updated_at) == (None, iso(w.now))
    assert w.actions(CASE) == ["information_answered"]
    assert w.metrics.total("InformationAnswered") == 1
    assert handed_back(w) is True
    assert w.workflow.completed == [("answer-2", {"answered": True})]

    # The client's retry gets the first result; nothing is written or handed back again.
    w.later(minutes=1)
    assert answer_as_citizen(w.svc, CASE, CITIZEN, {"answer": ANSWERED}) == first
    assert w.store.existing_work_item(CASE, 2) == item
    assert w.actions(CASE) == ["information_answered"]
    assert handed_back(w) is False
    assert w.workflow.completed == [("answer-2", {"answered": True})]
    with pytest.raises(NoQuestionPending):  # another answer: the question was answered
        answer_as_citizen(w.svc, CASE, CITIZEN, {"answer": "Puskesmas lain"})
    assert w.store.existing_work_item(CASE, 2).answer == ANSWERED


def test_only_the_reporter_answers():
    w = asking()
    with pytest.raises(NotFound):
        answer_as_citizen(w.svc, CASE, "someone-else", {"answer": ANSWERED})
    with pytest.raises(NotFound):
        answer_as_citizen(w.svc, "f" * 32, CITIZEN, {"answer": ANSWERED})
    assert w.store.existing_work_item(CASE, 2).answer is None
    assert w.actions(CASE) == []


def test_no_answer_once_the_time_to_answer_ran_out():
    w = asking(info_expired_at=iso(START + timedelta(minutes=9)))
    with pytest.raises(NoQuestionPending):
        answer_as_citizen(w.svc, CASE, CITIZEN, {"answer": ANSWERED})
    assert w.store.existing_work_item(CASE, 2).answer is None
    assert w.store.existing_complaint(CASE).pending_question is not None
    assert w.actions(CASE) == []  # nothing written: no stream record, nothing handed back


def test_no_answer_without_a_question():
    w = world()
    w.store.seed_complaint(a_case())
    with pytest.raises(NoQuestionPending):
        answer_as_citizen(w.svc, CASE, CITIZEN, {"answer": ANSWERED})
    assert w.actions(CASE) == []


# -- rating ---------------------------------------------------------------------------------------
def answered(store: InMemoryStore | None = None, **changes: Any) -> FakeWorld:
    """Replied 10 minutes in; the feedback window runs another half hour; the execution waits with ``feedback-1``."""
    w = world(store)
    reply = dict(
        status=sop.STATUS_ANSWERED,
        answered_at=iso(START + timedelta(minutes=5)),
        feedback_ends_at=iso(START + timedelta(minutes=40)),
        feedback_token="feedback-1",
        kind="aspiration",
        opd="DINKES",
        stage="reply",
        step=5,
    )
    w.store.seed_complaint(a_case(**{**reply, **changes}))
    return w


def test_a_reply_is_rated_once():
    w = answered()
    record = rate_as_citizen(w.svc, CASE, CITIZEN, {"score": 4, "comment": "Cepat"})
    assert record == {"score": 4, "comment": "Cepat", "at": iso(w.now)}
    assert w.store.existing_complaint(CASE).rating == record
    assert w.actions(CASE) == ["rated"]
    assert w.counted(w.now) == {"r_sum": 4, "r_count": 1}
    assert w.counted(w.now, "opd#DINKES") == {"r_sum": 4, "r_count": 1}
    assert w.metrics.counted == [("CitizenRating", 4, {"Opd": "DINKES"})]
    with pytest.raises(AlreadyRated):
        rate_as_citizen(w.svc, CASE, CITIZEN, {"score": 1})
    assert w.store.existing_complaint(CASE).rating == record
    assert w.counted(w.now) == {"r_sum": 4, "r_count": 1}
    assert w.actions(CASE) == ["rated"]


@pytest.mark.parametrize(
    "changes, refused",
    [
        ({"status": sop.STATUS_OPEN, "answered_at": None}, NotAnswered),  # never answered
        ({"status": sop.STATUS_CLOSED, "answered_at": None}, NotAnswered),  # rejected
        ({"status": sop.STATUS_OPEN}, NotAnswered),  # reopened
        ({"status": sop.STATUS_CLOSED}, None),  # closed after its reply: still rated
    ],
    ids=["open", "closed unanswered", "reopened", "closed after the reply"],
)
def test_only_an_answered_case_is_rated(changes, refused):
    w = answered(**changes)
    if refused is None:
        assert rate_as_citizen(w.svc, CASE, CITIZEN, {"score": 5})["score"] == 5
        return
    with pytest.raises(refused):
        rate_as_citizen(w.svc, CASE, CITIZEN, {"score": 5})
    assert w.store.existing_complaint(CASE).rating is None
    assert w.store.counters == {}


def test_the_rating_link_shows_and_rates_once():
    w = answered()
    token = issue_rating_link(w.svc, CASE, w.now).rsplit("/", 1)[1]
    assert describe_rating(w.svc, token) == {
        "tracking_number": "KT-CCCC-0001",
        "title": "Puskesmas tutup siang",
        "rated": False,
        "rating": None,
    }
    assert w.actions(CASE) == []  # opening the page records nothing
    record = rate_by_link(w.svc, token, {"score": "3"})
    assert record["score"] == 3
    assert w.store.audit_trail(CASE)[0].actor == "link:rating"
    assert describe_rating(w.svc, token)["rating"] == record
    with pytest.raises(AlreadyRated):
        rate_by_link(w.svc, token, {"score": 5})


class RatedMeanwhile(InMemoryStore):
    """Another request rates the case between the use case's read and its write."""

    def record_rating(self, complaint_id: str, rating: dict, at: str, *args: Any, **kwargs: Any) -> None:
        self.complaints[complaint_id].rating = {"score": 2, "comment": None, "at": at}
        super().record_rating(complaint_id, rating, at, *args, **kwargs)


def test_a_rating_that_lost_a_race_is_refused():
    w = answered(RatedMeanwhile())
    with pytest.raises(AlreadyRated):
        rate_as_citizen(w.svc, CASE, CITIZEN, {"score": 5})
    assert w.store.existing_complaint(CASE).rating == {"score": 2, "comment": None, "at": iso(w.now)}
    assert w.store.counters == {}
    assert w.metrics.counted == []


# -- reopening ------------------------------------------------------------------------------------
def test_a_reply_is_reopened_within_its_window_and_handed_to_the_execution():
    w = answered()
    assert reopen(w.svc, CASE, CITIZEN, {"reason": REASON}) == {
        "status": sop.STATUS_OPEN,
        "round": 2,
        "reopens_left": 1,
    }
    case = w.store.existing_complaint(CASE)
    assert (case.status, case.reopens, case.reopen_pending, case.reopen_reason) == (sop.STATUS_OPEN, 1, True, REASON)
    assert w.actions(CASE) == ["reopened"]
    assert w.counted(w.now) == {"c_reopened": 1, "c_open": 1}
    assert w.metrics.total("ComplaintReopened") == 1
    assert deliver(w.svc, REOPEN, {"id": CASE}) is True
    assert w.workflow.completed == [("feedback-1", {"reopen": True})]

    # The client's retry: the first result, nothing more; another reason finds the case open already.
    assert reopen(w.svc, CASE, CITIZEN, {"reason": REASON})["round"] == 2
    assert w.actions(CASE) == ["reopened"]
    with pytest.raises(NotAnswered):
        reopen(w.svc, CASE, CITIZEN, {"reason": "Lain"})
    assert w.store.existing_complaint(CASE) == case


def test_a_case_is_reopened_at_most_twice():
    w = answered(reopens=1)  # reopened once already, and answered again
    assert reopen(w.svc, CASE, CITIZEN, {"reason": REASON}) == {
        "status": sop.STATUS_OPEN,
        "round": 3,
        "reopens_left": 0,
    }
    assert w.store.existing_complaint(CASE).reopens == 2
    again = answered(reopens=sop.MAX_REOPENS)
    with pytest.raises(ReopenLimit):
        reopen(again.svc, CASE, CITIZEN, {"reason": REASON})
    assert again.store.existing_complaint(CASE).status == sop.STATUS_ANSWERED
    assert again.actions(CASE) == []


@pytest.mark.parametrize(
    "changes, minutes, refused",
    [
        ({}, 40, FeedbackWindowClosed),  # the window ends at 40 minutes
        ({"status": sop.STATUS_CLOSED}, 10, FeedbackWindowClosed),
        ({"status": sop.STATUS_OPEN, "answered_at": None, "feedback_ends_at": None}, 10, NotAnswered),
        ({"feedback_token": None}, 10, Unavailable),  # the execution does not wait for it yet
    ],
    ids=["window over", "closed", "never answered", "not ready yet"],
)
def test_no_reopening_otherwise(changes, minutes, refused):
    w = answered(**changes)
    w.now = START + timedelta(minutes=minutes)
    before = w.store.existing_complaint(CASE)
    with pytest.raises(refused):
        reopen(w.svc, CASE, CITIZEN, {"reason": REASON})
    assert w.store.existing_complaint(CASE) == before
    assert w.actions(CASE) == []
    assert w.store.counters == {}


def test_only_the_reporter_reopens():
    w = answered()
    with pytest.raises(NotFound):
        reopen(w.svc, CASE, "someone-else", {"reason": REASON})
    assert w.store.existing_complaint(CASE).status == sop.STATUS_ANSWERED


class ReopenedMeanwhile(InMemoryStore):
    """Between the use case's read and its write the case was reopened and answered again (its count moved)."""

    def reopen_case(self, complaint_id: str, reopens: int, *args: Any, **kwargs: Any) -> None:
        self.complaints[complaint_id].reopens = reopens + 1
        super().reopen_case(complaint_id, reopens, *args, **kwargs)


def test_a_reopening_that_lost_a_race_is_a_conflict():
    w = answered(ReopenedMeanwhile())
    with pytest.raises(Conflict) as refused:
        reopen(w.svc, CASE, CITIZEN, {"reason": REASON})
    assert type(refused.value) is Conflict  # not one of its kinds: the case changed, reload it
    case = w.store.existing_complaint(CASE)
    assert (case.status, case.reopens, case.reopen_pending) == (sop.STATUS_ANSWERED, 1, False)
    assert w.actions(CASE) == []
