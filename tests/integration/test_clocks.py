"""SOP clocks enforced by the state machine: reminders, escalations, breaches, late answers accepted."""

from __future__ import annotations

import pytest

from .helpers import CITIZEN, DINKES, DISKOMINFO, OPERATOR, emitted_metrics, submit, to_opd

pytestmark = pytest.mark.integration

SUPERVISOR = "kasi-opini@diskominfo.kaltimprov.go.id"
DAY = 86400
# 24x7, one day of SOP time = 2 s: the OPD's 2 days last 4 s (reminder at 2 s), escalations
# repeat every 2 s. Internal stages are given 30 days (60 s) so they never fire while we act.
BASE = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": str(2 / DAY),
    "FEEDBACK_WINDOW_MINUTES": "30",
    "MAILBOX_SUPERVISOR": SUPERVISOR,
    **{f"SLA_MINUTES_{s}": "43200" for s in ("INTAKE", "CLASSIFICATION", "REVIEW", "REPLY")},
}


@pytest.fixture
def stack_env(request):
    return {**BASE, **getattr(request, "param", {})}


def finish(stack, cid):
    """Review and reply promptly; the case must end answered and the execution succeed."""
    stack.waiting_at(cid, "review")
    stack.decide(DISKOMINFO, {"decision": "approve"})
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": "Jawaban untuk pelapor."})
    stack.run_until(lambda: stack.complaint(cid).status in ("answered", "closed"), what="answered")
    assert stack.finished(cid)["status"] == "SUCCEEDED"
    assert stack.complaint(cid).reply == "Jawaban untuk pelapor."


def subjects(stack, address):
    return [m["subject"] for m in stack.emails_to(address)]


def metric_dims(metrics, name):
    return [d for n, d in metrics if n == name]


@pytest.mark.parametrize("stack_env", [{"SLA_TIME_SCALE": str(40 / (2 * DAY))}], indirect=True)
def test_opd_answers_in_time(stack, capsys):
    cid = to_opd(stack)  # the OPD has 40 s, reminder at 20 s
    stack.decide(DINKES, {"response": "Sudah ditangani."})
    finish(stack, cid)
    opd = next(i for i in stack.items(cid) if i.stage == "opd_response")
    assert (opd.overdue, opd.reminded_at, opd.escalations, opd.sla_outcome) == (False, None, 0, "met")
    assert len(subjects(stack, DINKES)) == 1
    assert subjects(stack, SUPERVISOR) == []
    metrics = emitted_metrics(capsys.readouterr().out)
    assert not metric_dims(metrics, "SlaBreached") and not metric_dims(metrics, "RemindersSent")
    assert {"Stage": "opd_response"} in metric_dims(metrics, "StageDurationBusinessMinutes")
    assert not stack.complaint(cid).overdue


@pytest.mark.parametrize("stack_env", [{"SLA_TIME_SCALE": str(8 / (2 * DAY))}], indirect=True)
def test_opd_answers_after_the_reminder(stack, capsys):
    cid = to_opd(stack)  # the OPD has 8 s, reminder at 4 s
    stack.run_until(
        lambda: next(i for i in stack.items(cid) if i.stage == "opd_response").reminded_at, what="the reminder"
    )
    dinkes = subjects(stack, DINKES)
    assert len(dinkes) == 2 and "Pengingat" in dinkes[1] and "Reminder" in dinkes[1]
    reminder = stack.emails_to(DINKES)[1]
    assert "/actions/" in reminder["text"]
    stack.decide(DINKES, {"response": "Sudah ditangani."})  # through the reminder's link
    finish(stack, cid)
    opd = next(i for i in stack.items(cid) if i.stage == "opd_response")
    assert (opd.overdue, opd.escalations, opd.sla_outcome) == (False, 0, "met")
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metric_dims(metrics, "RemindersSent") == [{"Stage": "opd_response"}]
    assert not metric_dims(metrics, "SlaBreached") and not metric_dims(metrics, "EscalationsSent")
    assert "reminder_sent" in stack.audit_actions(cid)


def test_opd_answers_after_two_escalations(stack, capsys):
    cid = to_opd(stack)
    stack.run_until(
        lambda: next(i for i in stack.items(cid) if i.stage == "opd_response").escalations >= 2, what="two escalations"
    )
    complaint = stack.complaint(cid)
    assert complaint.overdue and complaint.stage == "opd_response"
    from chalicelib.service import complaints

    view = complaints.get_complaint(stack.svc, cid, CITIZEN.id)
    assert view["overdue"] and view["timeline"][-1]["overdue"] and view["due_at"]

    stack.decide(DINKES, {"response": "Maaf terlambat; sudah ditangani."})
    opd = next(i for i in stack.items(cid) if i.stage == "opd_response")
    assert opd.overdue and opd.sla_outcome == "breached" and opd.escalations >= 2
    escalations = opd.escalations
    dinkes = subjects(stack, DINKES)
    assert "tindakan diperlukan" in dinkes[0] and "Pengingat" in dinkes[1]
    assert len(dinkes) == 2 + escalations and all("TERLAMBAT" in s for s in dinkes[2:])
    to_diskominfo = [s for s in subjects(stack, DISKOMINFO) if "Eskalasi" in s]
    assert len(to_diskominfo) == escalations  # Diskominfo supervises the OPD stage
    assert "Dinas Kesehatan" in [m for m in stack.emails_to(DISKOMINFO) if "Eskalasi" in m["subject"]][0]["text"]
    assert subjects(stack, SUPERVISOR) == []

    finish(stack, cid)
    assert not stack.complaint(cid).overdue  # the case is back on time in the next stages
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metric_dims(metrics, "SlaBreached") == [
        {"Stage": "opd_response"},
        {"Stage": "opd_response", "Opd": "DINKES"},
    ]
    assert metric_dims(metrics, "EscalationsSent") == [{"Stage": "opd_response"}] * escalations
    assert metric_dims(metrics, "RemindersSent") == [{"Stage": "opd_response"}]
    assert stack.audit_actions(cid).count("escalated") == escalations


@pytest.mark.parametrize("stack_env", [{"SLA_MINUTES_INTAKE": "1440"}], indirect=True)
def test_an_internal_stage_overruns(stack, capsys):
    cid = submit(stack)  # intake: 1 day of SOP time = 2 s
    stack.run_until(lambda: stack.items(cid) and stack.items(cid)[0].escalations >= 1, what="an escalation")
    escalation = [m for m in stack.emails_to(SUPERVISOR) if "Eskalasi" in m["subject"]]
    assert (
        escalation
        and "Operator/Agen" in escalation[0]["text"]
        and stack.complaint(cid).tracking_number in escalation[0]["subject"]
    )
    assert any("TERLAMBAT" in s for s in subjects(stack, OPERATOR))
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "information"})
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": "Jawaban untuk pelapor."})
    stack.run_until(lambda: stack.complaint(cid).status in ("answered", "closed"), what="answered")
    assert stack.finished(cid)["status"] == "SUCCEEDED"
    intake = stack.items(cid)[0]
    assert intake.overdue and intake.sla_outcome == "breached"
    assert [i.sla_outcome for i in stack.items(cid)[1:]] == ["met", "met"]
    metrics = emitted_metrics(capsys.readouterr().out)
    assert metric_dims(metrics, "SlaBreached") == [{"Stage": "intake"}]


@pytest.mark.parametrize("stack_env", [{"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": str(2 / 600)}], indirect=False)
def test_a_timer_message_that_comes_back_after_a_newer_tick_acts_no_more(stack):
    """Intake's 10 minutes last 2 s here. A copy of an older timer message (its delete failed, say)
    delivered after a newer tick has acted must not remind or escalate again."""
    import time

    from chalicelib.service.workflow import handle_message

    cid = submit(stack)
    item = stack.waiting_at(cid, "intake")
    time.sleep(2.2)  # past the reminder point and the deadline; the execution's own timers stay queued
    base = {"type": "stage_timer", "complaint_id": cid, "stage": "intake", "step": item.step}
    handle_message(stack.svc, {**base, "sent_at": "2026-11-28T10:00:05.000Z", "task_token": "newer"})
    ticked = [a for a in stack.audit_actions(cid) if a in ("reminder_sent", "escalated")]
    assert len(ticked) == 1
    emails = len(stack.emails())
    handle_message(stack.svc, {**base, "sent_at": "2026-11-28T10:00:01.000Z", "task_token": "older"})
    assert [a for a in stack.audit_actions(cid) if a in ("reminder_sent", "escalated")] == ticked
    assert len(stack.emails()) == emails
