"""The citizen after submitting, through real executions of our ASL in moto and the real routes:
questions that pause the clock, duplicates, reopening and rating."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from chalicelib.adapters.tables import ComplaintModel
from chalicelib.domain import report, sop
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.timestamps import parse_iso
from chalicelib.service import reports

from .helpers import (
    COMPLAINT,
    DISKOMINFO,
    OPERATOR,
    assert_problem,
    call,
    citizen_token,
    emitted_metrics,
    refuse_send_task_success,
    submit_by_api,
)

pytestmark = pytest.mark.integration
CITIZEN_EMAIL = "warga@example.id"
RATING_LINK = re.compile(r"/ratings/([A-Za-z0-9_\-]+)\?score=4")
MS = timedelta(milliseconds=3)  # stored times have millisecond precision


def view(client, token, cid) -> dict:
    response, body = call(client, "get", f"/complaints/{cid}", token=token)
    assert response.status_code == 200, body
    return body


def citizen_mail(stack, fragment: str) -> list[dict]:
    return [m for m in stack.emails_to(CITIZEN_EMAIL) if fragment in m["subject"]]


def unchanged(stack, cid):
    """A snapshot of everything a refused request must leave as it was."""
    complaint = stack.complaint(cid)
    return (
        complaint,  # a record (domain/records.py): compared field by field
        stack.items(cid),
        len(stack.svc.store.audit_trail(cid)),
    )


def answered(stack, client, token, cid, reply: str) -> None:
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": reply})
    stack.run_until(
        lambda: stack.complaint(cid).status == sop.STATUS_ANSWERED and stack.complaint(cid).feedback_token,
        what="the reply and the feedback window",
    )


def answered_case(stack, client, token, reply: str = "Jadwal ada di situs Dinkes.") -> str:
    """Submit, accept, classify as information and reply: the case is answered, its window open."""
    cid = submit_by_api(client, token)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "information"})
    answered(stack, client, token, cid, reply)
    return cid


# -- a question pauses the clock, the answer resumes the stage ------------------------------------------
def test_ask_answer_resume_with_the_time_that_was_left(stack, client):
    token = citizen_token(client)
    cid = submit_by_api(client, token)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    asking = stack.waiting_at(cid, "classification")
    sop_due_before = parse_iso(stack.complaint(cid).sop_due_at)
    stack.decide(DISKOMINFO, {"decision": "request_information", "question": "Puskesmas <Sempaja> yang mana?"})

    body = view(client, token, cid)
    assert body["pending_question"]["question"] == "Puskesmas <Sempaja> yang mana?"
    assert body["status"] == "open" and body["pending_question"]["stage"] == "classification"
    mail = stack.run_until(lambda: citizen_mail(stack, "Pertanyaan"), what="the question email")
    assert len(mail) == 1 and "Puskesmas <Sempaja> yang mana?" in mail[0]["text"]
    assert f"/?case={cid}" in mail[0]["text"] and "&lt;Sempaja&gt;" in mail[0]["html"]
    # Paused: the visit is decided, off the queue, and no reminder or escalation can come for it.
    paused = stack.items(cid)[-1]
    assert paused.step == asking.step and paused.decision["outcome"] == "request_information"
    assert paused.queue is None and paused.info_expires_at

    # Another citizen cannot answer; an empty answer changes nothing.
    other = citizen_token(client, email="tetangga@example.id", name="Tetangga")
    before = unchanged(stack, cid)
    response, problem = call(client, "post", f"/complaints/{cid}/information", {"answer": "bukan saya"}, token=other)
    assert_problem(response, problem, 404)
    response, problem = call(client, "post", f"/complaints/{cid}/information", {"answer": " "}, token=token)
    assert_problem(response, problem, 422)
    assert unchanged(stack, cid) == before

    response, body = call(
        client, "post", f"/complaints/{cid}/information", {"answer": "Puskesmas Sempaja Utara"}, token=token
    )
    assert response.status_code == 200, body
    assert body["pending_question"] is None
    response, problem = call(client, "post", f"/complaints/{cid}/information", {"answer": "lagi"}, token=token)
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("no-question-pending")

    resumed = stack.waiting_at(cid, "classification")
    assert resumed.step == asking.step + 1
    calendar, settings = stack.svc.settings.calendar(), stack.svc.settings
    allowed = settings.sla.allowed("classification", calendar) * settings.time_scale
    used = calendar.between(parse_iso(paused.entered_at), parse_iso(paused.decided_at))
    left = calendar.between(parse_iso(resumed.entered_at), parse_iso(resumed.due_at))
    assert abs(used + left - allowed) <= MS  # the stage resumes with exactly the time it had left
    assert abs(timedelta(seconds=resumed.carried_seconds) - used) <= MS
    pause = calendar.between(parse_iso(paused.decided_at), parse_iso(resumed.entered_at))
    assert pause > timedelta(0)
    assert abs(parse_iso(stack.complaint(cid).sop_due_at) - sop_due_before - pause) <= MS

    # The team is told again, with the answer in the email and on the action page.
    team_mail = stack.emails_to(DISKOMINFO)[-1]
    assert "Puskesmas Sempaja Utara" in team_mail["text"] and "Puskesmas Sempaja Utara" in team_mail["html"]
    response, page = call(client, "get", f"/actions/{stack.last_link(DISKOMINFO)}")
    assert response.status_code == 200 and page["visit"]["answer"] == "Puskesmas Sempaja Utara"

    events = [e["type"] for e in view(client, token, cid)["events"]]
    assert events[:1] == ["submitted"] and events[-3:] == ["question", "answer", "resumed"]
    stack.decide(DISKOMINFO, {"kind": "information"})
    answered(stack, client, token, cid, "Puskesmas Sempaja Utara buka sampai 14.00.")


@pytest.mark.parametrize("stack_env", [{"ANSWER_REMINDER_MINUTES": "0.3", "ANSWER_DEADLINE_MINUTES": "0.6"}])
def test_no_answer_one_reminder_then_closed_with_the_reason(stack, client):
    token = citizen_token(client)
    cid = submit_by_api(client, token)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "request_information", "question": "Kapan kejadiannya?"})
    execution = stack.finished(cid, timeout=45)
    assert execution["status"] == "SUCCEEDED"
    complaint = stack.complaint(cid)
    assert complaint.status == sop.STATUS_CLOSED and complaint.pending_question is None
    assert "tidak dijawab dalam 1 menit" in complaint.close_reason  # the configured time (0.6 min, rounded)
    subjects = [m["subject"] for m in stack.emails_to(CITIZEN_EMAIL)]
    assert len(subjects) == 4, subjects
    assert ["Pengingat" in s for s in subjects] == [False, False, True, False]
    assert "Pertanyaan" in subjects[1] and "tidak dijawab" in subjects[3]
    actions = stack.audit_actions(cid)
    assert actions.count("question_reminder_sent") == 1 and actions[-1] == "closed_unanswered"
    assert view(client, token, cid)["events"][-1]["type"] == "closed"
    before = unchanged(stack, cid)
    response, problem = call(client, "post", f"/complaints/{cid}/information", {"answer": "Kemarin"}, token=token)
    assert_problem(response, problem, 409)
    assert unchanged(stack, cid) == before


# -- duplicates ------------------------------------------------------------------------------------------
def test_duplicate_closes_and_points_to_the_case_that_carries_on(stack, client):
    token = citizen_token(client)
    first = submit_by_api(client, token)
    original = stack.complaint(first).tracking_number
    stack.waiting_at(first, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(first, "classification")
    stack.decide(DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"})
    stack.waiting_at(first, "opd_response")

    second = submit_by_api(client, token, title="Puskesmas Sempaja tutup lagi")
    stack.waiting_at(second, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(second, "classification")
    own = stack.complaint(second).tracking_number
    before = unchanged(stack, second)
    for of, code in ((own, "same_case"), ("KT-2222-2222", "unknown_case"), ("KT-12", "invalid_tracking_number")):
        with pytest.raises(ValidationFailed) as failed:
            stack.decide(DISKOMINFO, {"kind": "duplicate", "of": of})
        assert failed.value.errors[0]["code"] == code
    assert unchanged(stack, second) == before
    spoken = original.lower().replace("-", " ")
    assert stack.decide(DISKOMINFO, {"kind": "duplicate", "of": spoken})["leads_to"] == sop.DUPLICATE
    assert stack.finished(second)["status"] == "SUCCEEDED"
    complaint = stack.complaint(second)
    assert complaint.status == sop.STATUS_CLOSED and complaint.duplicate_of == original
    mail = citizen_mail(stack, "digabung")
    assert len(mail) == 1 and original in mail[0]["subject"] and own in mail[0]["subject"]
    body = view(client, token, second)
    assert body["duplicate_of"] == {
        "tracking_number": original,
        "status": "open",
        "stage": "opd_response",
        "answered_at": None,
        "closed_at": None,
    }
    assert body["kind"] == sop.DUPLICATE and body["events"][-1]["type"] == "closed"


# -- reopening and rating ------------------------------------------------------------------------------
def report_totals(stack, *names):
    """What the SLA report's running totals say now (today, in WITA)."""
    today = report.local_day(stack.svc.now())
    totals = reports.sla_report(stack.svc, today - timedelta(days=1), today + timedelta(days=1))["totals"]
    return tuple(totals[name] for name in names)


@pytest.mark.parametrize("stack_env", [{"FEEDBACK_WINDOW_MINUTES": "1.5"}])
def test_reopen_twice_each_round_back_through_classification_then_rate(stack, client, capsys):
    token = citizen_token(client)
    cid = submit_by_api(client, token)
    response, problem = call(client, "post", f"/complaints/{cid}/reopen", {"reason": "belum"}, token=token)
    assert_problem(response, problem, 409)  # nothing to reopen before the reply
    response, problem = call(client, "post", f"/complaints/{cid}/rating", {"score": 5}, token=token)
    assert_problem(response, problem, 409)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    for round_number, reason in ((1, None), (2, "Puskesmas masih tutup siang."), (3, "Masih sama.")):
        visit = stack.waiting_at(cid, "classification")
        if reason:
            assert visit.context == {"reopen_reason": reason, "round": round_number}
            assert reason in stack.emails_to(DISKOMINFO)[-1]["text"]
        stack.decide(DISKOMINFO, {"kind": "information"})
        answered(stack, client, token, cid, f"Jawaban putaran {round_number}.")
        assert f"Jawaban putaran {round_number}." in stack.emails_to(CITIZEN_EMAIL)[-1]["text"]
        if round_number == 3:
            break
        body = view(client, token, cid)
        assert body["may_reopen"] and body["reopens"] == round_number - 1
        next_reason = "Puskesmas masih tutup siang." if round_number == 1 else "Masih sama."
        response, body = call(client, "post", f"/complaints/{cid}/reopen", {"reason": next_reason}, token=token)
        assert response.status_code == 200, body
        assert body["status"] == "open" and body["reopens"] == round_number
        assert report_totals(stack, "answered", "open") == (1, 1)  # open again, still answered once
    assert stack.complaint(cid).sop_outcome == "met"  # judged once, at the first reply
    assert report_totals(stack, "received", "answered", "open", "answered_within_sop") == (1, 1, 0, 1)
    other = citizen_token(client, email="tetangga@example.id", name="Tetangga")
    before = unchanged(stack, cid)
    for path, payload in (("reopen", {"reason": "bukan saya"}), ("rating", {"score": 1})):
        response, problem = call(client, "post", f"/complaints/{cid}/{path}", payload, token=other)
        assert_problem(response, problem, 404)
    assert unchanged(stack, cid) == before
    # A third reopening is refused, and changes nothing.
    before = unchanged(stack, cid)
    response, problem = call(client, "post", f"/complaints/{cid}/reopen", {"reason": "lagi"}, token=token)
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("reopen-limit")
    assert unchanged(stack, cid) == before
    body = view(client, token, cid)
    assert not body["may_reopen"]
    reopened = [e for e in body["events"] if e["type"] == "reopened"]
    assert [(e["round"], e["reason"]) for e in reopened] == [(2, "Puskesmas masih tutup siang."), (3, "Masih sama.")]
    assert [e["type"] for e in body["events"]].count("reply") == 3
    assert [v["stage"] for v in body["timeline"]].count("classification") == 3

    # Rating: the link in the reply email shows a page and records nothing (mail scanners open links).
    rating_token = RATING_LINK.search(stack.emails_to(CITIZEN_EMAIL)[-1]["text"]).group(1)
    page = client.get(f"/ratings/{rating_token}?score=4", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b'value="4" required checked' in page.body
    assert stack.complaint(cid).rating is None and "rated" not in stack.audit_actions(cid)
    response, problem = call(client, "post", f"/actions/{rating_token}", {"decision": "accept"})
    assert_problem(response, problem, 404)  # a rating link decides nothing
    for score in (0, 6, "lima"):
        response, problem = call(client, "post", f"/complaints/{cid}/rating", {"score": score}, token=token)
        assert_problem(response, problem, 422)
    assert stack.complaint(cid).rating is None
    posted = client.post(
        f"/ratings/{rating_token}",
        body=b"score=4&comment=Cepat+%3Cb%3E",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
    )
    assert posted.status_code == 201 and b"&lt;b&gt;" not in posted.body  # the comment is not echoed
    assert stack.complaint(cid).rating["score"] == 4 and stack.complaint(cid).rating["comment"] == "Cepat <b>"
    response, problem = call(client, "post", f"/complaints/{cid}/rating", {"score": 5}, token=token)
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("already-rated")
    posted_again = client.post(
        f"/ratings/{rating_token}", body=b"score=1", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert posted_again.status_code == 409 and stack.complaint(cid).rating["score"] == 4
    metrics = emitted_metrics(capsys.readouterr().out)
    assert [d.get("Opd") for n, d in metrics if n == "CitizenRating"] == ["none"]  # answered without an agency
    assert report_totals(stack, "ratings", "rating_average") == (1, 4.0)
    assert [n for n, _ in metrics if n.startswith("SopTarget")] == ["SopTargetMet"]

    # After the window the case closes and cannot be reopened.
    assert stack.finished(cid, timeout=30)["status"] == "SUCCEEDED"
    assert stack.complaint(cid).status == sop.STATUS_CLOSED
    ComplaintModel(cid).update(actions=[ComplaintModel.reopens.set(0)])  # even with rounds left
    response, problem = call(client, "post", f"/complaints/{cid}/reopen", {"reason": "lagi"}, token=token)
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("feedback-window-closed")
    assert stack.complaint(cid).status == sop.STATUS_CLOSED


def test_a_scanner_opening_the_rating_link_records_nothing(stack, client):
    token = citizen_token(client)
    cid = answered_case(stack, client, token)
    link = RATING_LINK.search(stack.emails_to(CITIZEN_EMAIL)[-1]["text"]).group(1)
    for score in range(1, 6):  # a scanner follows every link, with and without Accept: text/html
        assert client.get(f"/ratings/{link}?score={score}", headers={"Accept": "text/html"}).status_code == 200
        assert client.get(f"/ratings/{link}?score={score}").status_code == 200
    assert stack.complaint(cid).rating is None
    assert "rated" not in stack.audit_actions(cid)
    response, body = call(
        client, "post", f"/complaints/{cid}/rating", {"score": 2, "comment": "Kurang jelas"}, token=token
    )
    assert response.status_code == 201 and body["score"] == 2
    page = client.get(f"/ratings/{link}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and b"2 dari 5" in page.body


# -- redelivery: every new kind of message twice, as SQS may --------------------------------------------
def deliver_every_message_twice(stack, until, what: str, timeout: float = 30):
    return stack.run_until(lambda: stack.deliver_twice() >= 0 and until(), timeout, what, deliver=False)


@pytest.mark.parametrize(
    "stack_env", [{"ANSWER_REMINDER_MINUTES": "0.2", "ANSWER_DEADLINE_MINUTES": "10", "FEEDBACK_WINDOW_MINUTES": "1.5"}]
)
def test_redelivered_messages_neither_repeat_emails_nor_history(stack):
    from chalicelib.service import followup
    from chalicelib.service.complaints import submit_complaint

    from .helpers import CITIZEN

    view, _ = submit_complaint(stack.svc, CITIZEN, COMPLAINT)
    cid = view["id"]

    def waiting(stage):
        def ready():
            items = stack.items(cid)
            last = items[-1] if items else None
            return last and last.stage == stage and last.decision is None and last.assigned_notified and last.task_token

        return ready

    deliver_every_message_twice(stack, waiting("intake"), "intake")
    stack.decide(OPERATOR, {"decision": "request_information", "question": "Jam berapa?"})
    deliver_every_message_twice(stack, lambda: "question_reminder_sent" in stack.audit_actions(cid), "the reminder")
    followup.answer_as_citizen(stack.svc, cid, CITIZEN.id, {"answer": "Jam 11.00"})
    deliver_every_message_twice(stack, waiting("intake"), "intake again")
    stack.decide(OPERATOR, {"decision": "accept"})
    deliver_every_message_twice(stack, waiting("classification"), "classification")
    stack.decide(DISKOMINFO, {"kind": "information"})
    deliver_every_message_twice(stack, waiting("reply"), "reply")
    stack.decide(OPERATOR, {"reply": "Sudah kami sampaikan."})
    deliver_every_message_twice(stack, lambda: stack.complaint(cid).feedback_token, "the feedback window")
    followup.reopen(stack.svc, cid, CITIZEN.id, {"reason": "Belum beres."})
    deliver_every_message_twice(stack, waiting("classification"), "the reopened round")

    subjects = [m["subject"] for m in stack.emails_to(CITIZEN.email)]
    for fragment in ("diterima", "Pertanyaan", "Pengingat", "Jawaban"):
        assert len([s for s in subjects if fragment in s]) == 1, (fragment, subjects)
    assert len(subjects) == 4, subjects
    actions = stack.audit_actions(cid)
    assert actions == [
        "submitted",
        "stage_entered",
        "decided",
        "question_reminder_sent",
        "information_answered",
        "stage_entered",
        "decided",
        "stage_entered",
        "decided",
        "stage_entered",
        "decided",
        "reply_delivered",
        "reopened",
        "stage_entered",
    ], actions
    assert [i.step for i in stack.items(cid)] == [1, 2, 3, 4, 5]
    assert [i.stage for i in stack.items(cid)] == ["intake", "intake", "classification", "reply", "classification"]
    assert len(stack.emails_to(DISKOMINFO)) == 2  # one assignment per visit


# -- a write that could not be handed to Step Functions, retried --------------------------------------
@pytest.mark.parametrize("stack_env", [{"FEEDBACK_WINDOW_MINUTES": "3"}])
def test_an_answer_or_reopening_is_a_success_once_written_and_a_retry_gets_the_same_result(stack, client, monkeypatch):  # noqa: F811
    token = citizen_token(client)
    cid = submit_by_api(client, token)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "request_information", "question": "Di mana?"})
    stack.run_until(lambda: stack.items(cid)[-1].answer_token, what="the wait for the answer")
    refuse_send_task_success(stack, monkeypatch)
    response, _ = call(client, "post", f"/complaints/{cid}/information", {"answer": "Sempaja"}, token=token)
    assert response.status_code == 200  # stored: the stream hands it over, retried while Step Functions refuses
    response, problem = call(client, "post", f"/complaints/{cid}/information", {"answer": "Lain"}, token=token)
    assert_problem(response, problem, 409)  # a different answer is not a retry
    response, body = call(client, "post", f"/complaints/{cid}/information", {"answer": "Sempaja"}, token=token)
    assert response.status_code == 200, body  # a client's retry of the same answer: the same result
    stack.waiting_at(cid, "intake", timeout=10)  # at once, not at the next timer (minutes away)
    assert stack.audit_actions(cid).count("information_answered") == 1

    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "information"})
    answered(stack, client, token, cid, "Sudah.")
    refuse_send_task_success(stack, monkeypatch)
    response, body = call(client, "post", f"/complaints/{cid}/reopen", {"reason": "Belum."}, token=token)
    assert response.status_code == 200 and body["reopens"] == 1, body
    response, body = call(client, "post", f"/complaints/{cid}/reopen", {"reason": "Belum."}, token=token)
    assert response.status_code == 200 and body["reopens"] == 1, body
    visit = stack.waiting_at(cid, "classification", timeout=10)
    assert visit.context["round"] == 2
    assert stack.audit_actions(cid).count("reopened") == 1


@pytest.mark.parametrize("stack_env", [{"FEEDBACK_WINDOW_MINUTES": "1.5"}])  # time to reopen on a busy machine
def test_an_earlier_rounds_message_redriven_late_changes_nothing(stack, client):
    from chalicelib.service.workflow import handle_message

    token = citizen_token(client)
    cid = answered_case(stack, client, token, "Putaran satu.")
    reply_step = stack.items(cid)[-1].step
    followup_reopen = call(client, "post", f"/complaints/{cid}/reopen", {"reason": "Belum."}, token=token)
    assert followup_reopen[0].status_code == 200
    stack.waiting_at(cid, "classification")
    before = unchanged(stack, cid)
    emails = len(stack.emails())
    for kind in ("reply_delivered", "closed"):  # from the dead-letter queue, after the reopening
        handle_message(stack.svc, {"type": kind, "complaint_id": cid, "step": reply_step, "task_token": "stale"})
    assert unchanged(stack, cid) == before and len(stack.emails()) == emails
    assert stack.complaint(cid).status == sop.STATUS_OPEN


@pytest.mark.parametrize("stack_env", [{"FEEDBACK_WINDOW_MINUTES": "1.5"}])
def test_a_late_copy_of_the_reply_message_does_not_answer_a_case_just_reopened(stack, client):
    """Reopened, its new round not entered yet (the step is still the reply's): the copy changes nothing."""
    from chalicelib.service.workflow import handle_message

    token = citizen_token(client)
    cid = answered_case(stack, client, token, "Putaran satu.")
    reply_step = stack.items(cid)[-1].step
    assert call(client, "post", f"/complaints/{cid}/reopen", {"reason": "Belum."}, token=token)[0].status_code == 200
    before, emails = unchanged(stack, cid), len(stack.emails())
    handle_message(
        stack.svc, {"type": "reply_delivered", "complaint_id": cid, "step": reply_step, "task_token": "a-copy"}
    )
    assert unchanged(stack, cid) == before and len(stack.emails()) == emails
    assert stack.complaint(cid).status == sop.STATUS_OPEN and stack.complaint(cid).feedback_token
    stack.waiting_at(cid, "classification")  # the reopening still reaches the state machine


def test_a_case_of_an_older_execution_is_not_offered_questions_or_duplicates(stack, client):
    from chalicelib.adapters.tables import WorkItemModel

    token = citizen_token(client)
    cid = submit_by_api(client, token)
    item = stack.waiting_at(cid, "intake")
    # As if opened by the definition deployed before (its Route would fail on these outcomes).
    WorkItemModel(cid, item.step).update(actions=[WorkItemModel.followups.set(False)])
    response, page = call(client, "get", f"/actions/{stack.last_link(OPERATOR)}")
    assert [a["outcome"] for a in page["allowed"]] == ["accept", "reject"]
    before = unchanged(stack, cid)
    with pytest.raises(ValidationFailed):
        stack.decide(OPERATOR, {"decision": "request_information", "question": "?"})
    assert unchanged(stack, cid) == before


def test_two_cases_cannot_both_close_as_duplicates_of_each_other(stack, client):
    """The check of the case that carries on is part of the decision's transaction."""
    from chalicelib.domain.records import new_audit_entry
    from chalicelib.service.decide import decide
    from chalicelib.service.ports import ConditionFailed

    token = citizen_token(client)
    waiting = {}
    for _ in range(2):  # one after the other, so each team's newest link is for the case at hand
        cid = submit_by_api(client, token)
        stack.waiting_at(cid, "intake")
        stack.decide(OPERATOR, {"decision": "accept"})
        waiting[cid] = stack.waiting_at(cid, "classification")
    (first, first_item), (second, item) = waiting.items()
    decide(
        stack.svc,
        first,
        first_item.step,
        {"kind": "duplicate", "of": stack.complaint(second).tracking_number},
        actor=DISKOMINFO,
    )
    stack.run_until(lambda: stack.complaint(first).status == sop.STATUS_CLOSED, what="the first to close")
    # A decision on the second that read "first" before it became a duplicate: its transaction is refused.
    with pytest.raises(ConditionFailed) as failed:
        stack.svc.store.record_decision(
            item.complaint_id,
            item.step,
            decision={"outcome": "duplicate"},
            decided_at="2026-11-28T00:00:00.000+00:00",
            decided_by="test",
            sla="met",
            business_minutes=0,
            complaint_changes={},
            audit=new_audit_entry(second, "2026-11-28T00:00:00.000+00:00", "test", "decided"),
            carries_on=first,
        )
    assert failed.value.reasons[0] == "ConditionalCheckFailed"
    assert stack.items(second)[-1].decision is None
    # Through the use case, the person is told why.
    with pytest.raises(ValidationFailed) as refused:
        stack.decide(DISKOMINFO, {"kind": "duplicate", "of": stack.complaint(first).tracking_number})
    assert refused.value.errors[0]["code"] == "is_duplicate"
