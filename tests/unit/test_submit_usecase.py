"""Submitting a complaint (service/complaints.py ``submit_complaint``, ``enter_complaint``) on the fakes:
stored once with its tracking number and counters, its execution started once, an Idempotency-Key's replay
finding the first, the hour's limit, a revoked account, an execution that could not start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.config import Settings
from chalicelib.domain import sop
from chalicelib.domain.errors import AlreadyEntered, IdempotencyKeyReused, SubmissionLimitReached, ValidationFailed
from chalicelib.domain.personal_data import subject_key
from chalicelib.domain.roles import StaffMember
from chalicelib.service import complaints
from chalicelib.service.access import AccountRevoked
from chalicelib.service.complaints import Citizen, enter_complaint, submit_complaint
from tests.fakes import FakeWorkflow
from tests.fakes.services import FakeWorld

START = datetime(2026, 11, 27, 2, 20, tzinfo=UTC)  # a Friday, 10:20 WITA; the hour's window ends at 03:00 UTC
CITIZEN = Citizen(id="sub-warga", email="warga@example.com", name="Warga", phone="+6281234567890", issued_at=1000)
OPERATOR = StaffMember("operator@aspirasi.kaltimprov.go.id", frozenset({"operator"}))
COMPLAINT = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
    "location": "Samarinda",
}
PHONE_CALL = {
    **COMPLAINT,
    "channel": "phone",
    "reporter": {"name": "Pak Darto", "email": "Darto@Example.id", "phone": "0812-3456-7890"},
}


@dataclass
class UnstartableWorkflow(FakeWorkflow):
    """Step Functions refuses to start executions (an outage) until ``down`` is lowered."""

    down: bool = True

    def start(self, complaint_id: str, execution_input: dict) -> bool:
        if self.down:
            raise ConnectionError("states unavailable")
        return super().start(complaint_id, execution_input)


def world(limit: int = 10, workflow: FakeWorkflow | None = None) -> FakeWorld:
    settings = Settings(public_base_url="https://aspirasi.test", submission_limit_per_hour=limit)
    if workflow is None:
        return FakeWorld(settings, START)
    return FakeWorld(settings, START, workflow=workflow)


def submit(w: FakeWorld, key: str | None = None, **changes: Any) -> tuple[dict, bool]:
    return submit_complaint(w.svc, CITIZEN, {**COMPLAINT, **changes}, idempotency_key=key)


def stored(w: FakeWorld) -> list[str]:
    return sorted(w.store.complaints)


def test_a_complaint_is_stored_with_its_number_and_its_execution_started():
    w = world()
    view, created = submit(w)
    assert created
    complaint = w.store.existing_complaint(view["id"])
    assert (complaint.status, complaint.stage, complaint.step, complaint.channel) == (
        sop.STATUS_OPEN,
        sop.FIRST_STAGE,
        0,
        "web",
    )
    assert (complaint.citizen_id, complaint.citizen_email, complaint.citizen_name, complaint.citizen_phone) == (
        "sub-warga",
        "warga@example.com",
        "Warga",
        "+6281234567890",
    )
    assert (complaint.created_month, complaint.public) == ("2026-11", True)
    assert view["tracking_number"] == complaint.tracking_number
    assert w.store.complaint_by_tracking_number(complaint.tracking_number) == complaint
    assert w.actions(complaint.id) == ["submitted"]
    assert w.workflow.started == {complaint.id: {"complaint_id": complaint.id}}
    assert w.counted(START) == {"c_received": 1, "c_open": 1}
    assert w.counted(START, "category#kesehatan") == {"c_received": 1}
    assert w.metrics.total("ComplaintSubmitted") == 2  # by category and by channel
    [counter] = w.store.rate_counters.values()
    assert counter.members == {complaint.id}


def test_an_anonymous_complaint_keeps_no_name_or_phone():
    w = world()
    view, _ = submit(w, anonymous=True, confidential=True)
    complaint = w.store.existing_complaint(view["id"])
    assert (complaint.citizen_name, complaint.citizen_phone, complaint.anonymous) == (None, None, True)
    assert (complaint.citizen_id, complaint.public) == ("sub-warga", False)


def test_a_replay_of_the_same_key_finds_the_first_complaint():
    w = world()
    first, created = submit(w, key="key-1")
    again, created_again = submit(w, key="key-1")
    assert (created, created_again) == (True, False)
    assert (again["id"], again["tracking_number"]) == (first["id"], first["tracking_number"])
    assert stored(w) == [first["id"]]
    assert w.actions(first["id"]) == ["submitted"]
    assert w.counted(START) == {"c_received": 1, "c_open": 1}
    assert list(w.workflow.started) == [first["id"]]
    assert w.metrics.total("ComplaintSubmitted") == 2  # counted for the first only
    other, created_other = submit(w, key="key-2")  # another key: another complaint
    assert created_other and other["id"] != first["id"]


def test_a_key_used_for_another_complaint_is_refused():
    w = world()
    submit(w, key="key-1")
    with pytest.raises(IdempotencyKeyReused):
        submit(w, key="key-1", title="Something else entirely")
    assert len(stored(w)) == 1
    with pytest.raises(ValidationFailed):
        submit(w, key="a key with spaces")
    assert len(stored(w)) == 1


def test_the_hours_limit_refuses_one_more_but_not_a_replay():
    w = world(limit=2)
    first, _ = submit(w, key="key-1")
    submit(w, key="key-2")
    with pytest.raises(SubmissionLimitReached) as refused:
        submit(w, key="key-3")
    assert refused.value.retry_after == 40 * 60  # the window is the clock hour: it ends at 11:00 WITA
    assert len(stored(w)) == 2
    assert w.metrics.total("SubmissionRateLimited") == 1
    assert w.counted(START) == {"c_received": 2, "c_open": 2}
    again, created = submit(w, key="key-1")  # a replay is never counted again
    assert (again["id"], created) == (first["id"], False)
    w.later(minutes=40)  # the next hour
    _, created = submit(w, key="key-3")
    assert created and len(stored(w)) == 3


def test_staff_entries_are_not_counted_against_a_limit():
    w = world(limit=1)
    for n in range(3):
        enter_complaint(w.svc, OPERATOR, {**PHONE_CALL, "title": f"Lampu mati {n}"})
    assert len(stored(w)) == 3
    assert w.store.rate_counters == {}


def test_a_revoked_account_submits_nothing():
    w = world()
    w.store.revoke_tokens(subject_key(CITIZEN.id), 1000, "closed", 1000 + 86400)  # at the token's iat
    with pytest.raises(AccountRevoked):
        submit(w, key="key-1")
    assert stored(w) == []
    assert w.workflow.started == {}
    assert w.store.counters == {}
    assert w.store.rate_counters == {}


def test_a_taken_tracking_number_is_drawn_again(monkeypatch):
    w = world()
    first, _ = submit(w)
    numbers = iter([first["tracking_number"], "KT-AAAA-BBBB"])
    monkeypatch.setattr(complaints, "new_tracking_number", lambda: next(numbers))
    second, created = submit(w)
    assert created and second["tracking_number"] == "KT-AAAA-BBBB"
    assert w.store.existing_complaint(first["id"]).tracking_number == first["tracking_number"]
    assert w.store.tracking_numbers == {first["tracking_number"]: first["id"], "KT-AAAA-BBBB": second["id"]}
    assert w.counted(START) == {"c_received": 2, "c_open": 2}


def test_without_a_key_a_complaint_whose_execution_did_not_start_is_taken_back():
    workflow = UnstartableWorkflow()
    w = world(limit=1, workflow=workflow)
    with pytest.raises(ConnectionError):
        submit(w)
    assert stored(w) == []
    [withdrawn] = {entry.complaint_id for entry in w.store.audit.values()}
    assert sorted(w.actions(withdrawn)) == ["submitted", "withdrawn"]  # the same instant: either order
    assert w.store.tracking_numbers == {}
    assert w.counted(START) == {"c_received": 0, "c_open": 0}
    assert w.metrics.total("ComplaintSubmitted") == 0
    workflow.down = False
    _, created = submit(w)  # its count was taken back too: the hour's one complaint is still free
    assert created and len(stored(w)) == 1


def test_with_a_key_the_retry_starts_the_execution():
    workflow = UnstartableWorkflow()
    w = world(workflow=workflow)
    with pytest.raises(ConnectionError):
        submit(w, key="key-1")
    [complaint_id] = stored(w)  # kept: the retry finds it
    assert workflow.started == {}
    workflow.down = False
    view, created = submit(w, key="key-1")
    assert (view["id"], created) == (complaint_id, False)
    assert workflow.started == {complaint_id: {"complaint_id": complaint_id}}
    assert w.actions(complaint_id) == ["submitted"]


def test_an_entered_complaint_names_its_channel_and_operator():
    w = world()
    complaint, created = enter_complaint(w.svc, OPERATOR, PHONE_CALL)
    assert created
    assert w.store.existing_complaint(complaint.id) == complaint
    assert (complaint.channel, complaint.entered_by, complaint.citizen_id) == ("phone", OPERATOR.email, None)
    assert (complaint.citizen_name, complaint.citizen_email, complaint.public) == (
        "Pak Darto",
        "darto@example.id",
        False,
    )
    assert w.store.audit_trail(complaint.id)[0].actor == OPERATOR.email
    assert w.counted(START, "channel#phone") == {"c_received": 1}
    assert w.workflow.started == {complaint.id: {"complaint_id": complaint.id}}


def test_an_external_reference_is_entered_once():
    w = world()
    lapor = {**PHONE_CALL, "channel": "sp4n_lapor", "external_ref": "LAPOR-2026-000123"}
    first, created = enter_complaint(w.svc, OPERATOR, lapor)
    again, created_again = enter_complaint(w.svc, OPERATOR, lapor)
    assert (created, created_again, again.id) == (True, False, first.id)
    other_operator = StaffMember("operator2@aspirasi.kaltimprov.go.id", frozenset({"operator"}))
    with pytest.raises(AlreadyEntered) as refused:  # the same reference with another text, by anyone
        enter_complaint(w.svc, other_operator, {**lapor, "title": "Another title", "external_ref": "lapor-2026-000123"})
    assert refused.value.details == {"tracking_number": first.tracking_number}
    assert stored(w) == [first.id]
    assert w.counted(START) == {"c_received": 1, "c_open": 1}
