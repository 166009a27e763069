"""Every email is a record claimed with a lease (service/workflow/outbox.py ``send_once``): a process that dies
at any point has the email sent later, once; a redelivery, or two deliveries at once, never send it twice.

Faults are placed at the AWS client's boundary (moto cannot throttle or die): ``Crash`` is a
BaseException, so no ``except Exception`` of ours sees it, as when Lambda kills an invocation.
"""

from __future__ import annotations

import dataclasses
import email
import json
import threading
import time
from email import policy

import pytest
from botocore.exceptions import ClientError

from chalicelib.domain.errors import AlreadyDecided
from chalicelib.service import workflow
from chalicelib.service.decide import decide_by_link
from chalicelib.service.followup import answer_as_citizen
from local.outbox import action_tokens
from local.poller import LambdaContext, sqs_event

from .helpers import CITIZEN, OPERATOR, emitted_metrics, submit

pytestmark = pytest.mark.integration

SUPERVISOR = "kasi-opini@diskominfo.kaltimprov.go.id"
LEASE_SECONDS = 1


class Crash(BaseException):
    """The process dies here: nothing after it runs, no lease is released, no message acknowledged."""


@pytest.fixture
def stack_env():
    return {"RETRY_FIRST_SECONDS": "1", "MAILBOX_SUPERVISOR": SUPERVISOR}


@pytest.fixture
def outbox(stack, monkeypatch):
    """A short lease and a short visibility timeout, so a crashed delivery comes back within seconds."""
    monkeypatch.setattr(
        stack.svc, "settings", dataclasses.replace(stack.svc.settings, email_lease_seconds=LEASE_SECONDS)
    )
    stack.sqs.set_queue_attributes(QueueUrl=stack.resources.queue_url, Attributes={"VisibilityTimeout": "1"})
    return stack


def ses_faults(stack, monkeypatch, fault):
    """``fault(subject, destinations)`` says what happens to a message: None (sent), "crash" (the process
    dies before SES takes it), "crash-after-send" (SES takes it, the process dies before the answer is
    used), "slow" (sent after a pause) or an SES error code (raised as SES would)."""
    client = stack.svc.notifier._client
    real = client.send_raw_email

    def send_raw_email(**kwargs):
        subject = str(email.message_from_bytes(kwargs["RawMessage"]["Data"], policy=policy.default)["Subject"])
        what = fault(subject, kwargs["Destinations"])
        if what == "crash":
            raise Crash()
        if what == "slow":
            time.sleep(0.5)
        elif what and what != "crash-after-send":
            raise ClientError({"Error": {"Code": what, "Message": "injected"}}, "SendRawEmail")
        response = real(**kwargs)
        if what == "crash-after-send":
            raise Crash()
        return response

    monkeypatch.setattr(client, "send_raw_email", send_raw_email)


def first(n: int, predicate, what: str = "crash"):
    """``what`` happens to the first ``n`` messages ``predicate(subject, destinations)`` picks, then nothing."""
    seen = []

    def pick(subject, destinations):
        if predicate(subject, destinations):
            seen.append(subject)
            return what if len(seen) <= n else None
        return None

    return pick


def until(stack, predicate, what: str, twice: bool = False, timeout: float = 30):
    """Deliver messages as Lambda would, through crashes (a crashed batch comes back after the
    visibility timeout), each record ``twice`` if asked, until ``predicate()``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            deliver_twice(stack) if twice else stack.pump()
        except Crash:
            pass
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def deliver_twice(stack) -> None:
    """One batch, handed to the consumer twice (as SQS may); acknowledged only if neither delivery failed."""
    stack.pump_streams()
    messages = stack.sqs.receive_message(
        QueueUrl=stack.resources.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
    ).get("Messages", [])
    if not messages:
        return
    event = sqs_event(messages, stack.resources.queue_arn, stack.region)
    failed, crashed = set(), False
    for _ in range(2):
        try:
            failed |= {f["itemIdentifier"] for f in stack.app.on_handoff(event, LambdaContext())["batchItemFailures"]}
        except Crash:
            crashed = True
        except Exception:  # every record failed (Powertools raises): all come back
            failed |= {m["MessageId"] for m in messages}
    if crashed:
        raise Crash()
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        stack.sqs.delete_message_batch(
            QueueUrl=stack.resources.queue_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
        )


def notes(stack, cid) -> list[str]:
    """The templates of the case's ``email_sent`` audit entries."""
    return sorted(d["template"] for d in stack.emails_noted(cid))


def record(stack, cid, key):
    return stack.svc.store.get_email(cid, key)


def subjects(stack, address) -> list[str]:
    return [m["subject"] for m in stack.emails_to(address)]


def test_a_crash_after_the_claim_sends_later_once_and_after_ses_took_it_twice(outbox, monkeypatch):
    """The receipt's first sender dies right after the claim: the redelivered message, after the lease,
    sends it once. The assignment's first sender dies after SES took it and before the mark: the one
    documented at-least-once window (SES cannot take a message back), so it is sent again, noted once."""
    faults = [first(1, lambda _, to: CITIZEN.email in to), first(1, lambda _, to: OPERATOR in to, "crash-after-send")]
    ses_faults(outbox, monkeypatch, lambda s, to: next((what for pick in faults if (what := pick(s, to))), None))
    cid = submit(outbox)
    until(outbox, lambda: record(outbox, cid, "received") is not None, "the receipt's claim")
    claimed = record(outbox, cid, "received")
    assert claimed.sent_at is None and claimed.lease_until and claimed.attempts == 1
    assert outbox.emails_to(CITIZEN.email) == []  # died before SES took it

    until(outbox, lambda: outbox.items(cid) and outbox.items(cid)[0].assigned_notified, "the assignment")
    outbox.pump()
    assert len(outbox.emails_to(CITIZEN.email)) == 1
    sent = record(outbox, cid, "received")
    assert (sent.attempts, sent.lease_until, sent.template, sent.to) == (2, None, "received", [CITIZEN.email])
    assert sent.sent_at and sent.ses_message_id and sent.subject == outbox.emails_to(CITIZEN.email)[0]["subject"]

    assert len(outbox.emails_to(OPERATOR)) == 2 and record(outbox, cid, "assigned-1").attempts == 2
    assert notes(outbox, cid) == ["assigned", "received"]
    assert outbox.audit_actions(cid) == ["submitted", "stage_entered"]


def test_ses_throttling_sends_once_later_and_a_redelivery_sends_nothing(outbox, monkeypatch):
    throttled: list = []

    def throttle(subject, to):  # the operator's first two emails
        if OPERATOR in to and len(throttled) < 2:
            throttled.append(subject)
            return "Throttling"
        return None

    ses_faults(outbox, monkeypatch, throttle)
    cid = submit(outbox)
    outbox.waiting_at(cid, "intake")
    assert len(throttled) == 2 and len(outbox.emails_to(OPERATOR)) == 1
    assert record(outbox, cid, "assigned-1").attempts == 3  # each failed claim was released at once
    assert notes(outbox, cid) == ["assigned", "received"]

    # The first stage's message again, long after it was handled: its receipt is not sent again.
    before = len(outbox.emails())
    again = {
        "MessageId": "again-1",
        "ReceiptHandle": "r-again",
        "Body": json.dumps(
            {"type": "stage_entered", "complaint_id": cid, "stage": "intake", "step": 1, "task_token": "used-token"}
        ),
    }
    result = outbox.app.on_handoff(sqs_event([again], outbox.resources.queue_arn, outbox.region), LambdaContext())
    assert result == {"batchItemFailures": []}
    assert len(outbox.emails()) == before and notes(outbox, cid) == ["assigned", "received"]


def test_two_deliveries_of_one_message_at_once_send_one_email(outbox, monkeypatch):
    ses_faults(outbox, monkeypatch, lambda _, to: "slow" if OPERATOR in to else None)
    cid = submit(outbox)
    handoff = None
    deadline = time.monotonic() + 20
    while handoff is None and time.monotonic() < deadline:  # handle everything up to the intake's handoff
        for message in outbox.sqs.receive_message(
            QueueUrl=outbox.resources.queue_url, MaxNumberOfMessages=1, AttributeNames=["All"]
        ).get("Messages", []):
            if json.loads(message["Body"])["type"] == "handoff":
                handoff = message
            else:
                outbox.app.on_handoff(sqs_event([message], outbox.resources.queue_arn, outbox.region), LambdaContext())
                outbox.sqs.delete_message(QueueUrl=outbox.resources.queue_url, ReceiptHandle=message["ReceiptHandle"])
        time.sleep(0.05)
    assert handoff is not None
    message, outcomes = json.loads(handoff["Body"]), []

    def deliver():  # two consumers (two Lambda invocations) with the same message at the same time
        try:
            workflow.handle_message(outbox.svc, message)
            outcomes.append("handled")
        except workflow.EmailInFlight as in_flight:
            outcomes.append(f"in flight, retry in {in_flight.retry_after:.0f} s")

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outbox.emails_to(OPERATOR)) == 1
    assert sorted(outcomes) == ["handled", f"in flight, retry in {LEASE_SECONDS} s"]
    outbox.waiting_at(cid, "intake")  # the message comes back (it was not acknowledged) and sends nothing
    outbox.pump()
    assert len(outbox.emails_to(OPERATOR)) == 1 and notes(outbox, cid) == ["assigned", "received"]


@pytest.mark.parametrize(
    "stack_env",
    [{"RETRY_FIRST_SECONDS": "1", "MAILBOX_SUPERVISOR": SUPERVISOR, "SLA_MINUTES_INTAKE": "1", "MAX_ESCALATIONS": "1"}],
)
def test_reminder_and_escalation_through_crashes_and_redeliveries_once_per_tick(outbox, monkeypatch, capsys):
    """Intake: 6 s, the reminder at 3 s, one escalation at 6 s. The reminder's and the escalation's
    first sends die, the overdue notice is throttled once, and every message is delivered twice."""
    faults = [
        first(1, lambda s, _: "Pengingat" in s),
        first(1, lambda s, _: "Eskalasi" in s),
        first(1, lambda s, _: "TERLAMBAT" in s, "Throttling"),
    ]
    ses_faults(outbox, monkeypatch, lambda s, to: next((what for pick in faults if (what := pick(s, to))), None))
    cid = submit(outbox)
    until(outbox, lambda: [s for s in subjects(outbox, OPERATOR) if "TERLAMBAT" in s], "the overdue notice", twice=True)
    deliver_twice(outbox)

    operator = subjects(outbox, OPERATOR)
    assert [
        len([s for s in operator if fragment in s]) for fragment in ("tindakan diperlukan", "Pengingat", "TERLAMBAT")
    ] == [1, 1, 1], operator
    assert len([s for s in subjects(outbox, SUPERVISOR) if "Eskalasi" in s]) == 1
    intake = outbox.items(cid)[0]
    assert intake.reminded_at and intake.escalations == 1 and intake.overdue and outbox.complaint(cid).overdue
    assert outbox.audit_actions(cid) == ["submitted", "stage_entered", "reminder_sent", "escalated"]
    assert notes(outbox, cid) == ["assigned", "escalation", "overdue", "received", "reminder"]
    keys = sorted(r.email_key.rsplit("-", 1)[0] for r in outbox.svc.store.email_records(cid))
    assert keys == ["assigned", "escalation-1", "overdue-1", "received", "reminder-1"]
    metrics = emitted_metrics(capsys.readouterr().out)
    assert [(n, d) for n, d in metrics if n in ("RemindersSent", "EscalationsSent", "SlaBreached")] == [
        ("RemindersSent", {"Stage": "intake"}),
        ("SlaBreached", {"Stage": "intake"}),
        ("EscalationsSent", {"Stage": "intake"}),
    ]


@pytest.mark.parametrize(
    "stack_env", [{"RETRY_FIRST_SECONDS": "1", "ANSWER_REMINDER_MINUTES": "0.2", "ANSWER_DEADLINE_MINUTES": "10"}]
)
def test_a_question_reminder_whose_sender_died_is_sent_by_the_redelivery(outbox, monkeypatch):
    ses_faults(outbox, monkeypatch, first(1, lambda s, to: CITIZEN.email in to and "Pengingat" in s))
    cid = submit(outbox)
    outbox.waiting_at(cid, "intake")
    outbox.decide(OPERATOR, {"decision": "request_information", "question": "Jam berapa?"})
    until(outbox, lambda: [s for s in subjects(outbox, CITIZEN.email) if "Pengingat" in s], "the reminder")
    assert outbox.items(cid)[0].info_reminded_at
    assert outbox.audit_actions(cid).count("question_reminder_sent") == 1
    assert record(outbox, cid, "question-reminder-1").attempts == 2
    answer_as_citizen(outbox.svc, cid, CITIZEN.id, {"answer": "Jam 11.00"})
    outbox.waiting_at(cid, "intake")
    citizen = subjects(outbox, CITIZEN.email)
    assert [len([s for s in citizen if f in s]) for f in ("diterima", "Pertanyaan", "Pengingat")] == [1, 1, 1]


def test_an_ses_answer_lost_after_ses_took_the_email_is_counted_and_the_email_sent_again(outbox, capsys, caplog):
    """SES takes the team's email, then the answer is lost (a read timeout, raised by a botocore hook after
    the call was made). We cannot know it went out: it is counted (EmailOutcomeUnknown, by template, and a
    log line naming the case and the template, never an address) and sent again, as workflow/outbox.py
    chooses -- a possible duplicate over a possible loss. Each link works, the stage goes on, the email is
    noted once."""
    from botocore.exceptions import ReadTimeoutError

    ses = outbox.svc.notifier._client
    lost: list[str] = []

    def to_operator(params=None, context=None, **_):
        if context is not None:
            context["aspirasi_to_operator"] = OPERATOR in str((params or {}).get("body", ""))

    def answer_lost(context=None, **_):
        if (context or {}).get("aspirasi_to_operator") and not lost:
            lost.append("assigned")
            raise ReadTimeoutError(endpoint_url="https://email.ap-southeast-3.amazonaws.com/")

    ses.meta.events.register("before-call.ses.SendRawEmail", to_operator, unique_id="test-to-operator")
    ses.meta.events.register("after-call.ses.SendRawEmail", answer_lost, unique_id="test-answer-lost")
    caplog.set_level("WARNING", logger="chalicelib.service.workflow.outbox")
    try:
        cid = submit(outbox)
        until(outbox, lambda: outbox.items(cid) and outbox.items(cid)[0].assigned_notified, "the assignment")
    finally:
        ses.meta.events.unregister("before-call.ses.SendRawEmail", unique_id="test-to-operator")
        ses.meta.events.unregister("after-call.ses.SendRawEmail", unique_id="test-answer-lost")
    assert lost == ["assigned"]
    assert len(outbox.emails_to(OPERATOR)) == 2  # the first went out although its answer was lost
    assert record(outbox, cid, "assigned-1").attempts == 2 and notes(outbox, cid) == ["assigned", "received"]
    metrics = emitted_metrics(capsys.readouterr().out)
    assert [(n, d) for n, d in metrics if n == "EmailOutcomeUnknown"] == [
        ("EmailOutcomeUnknown", {"Template": "assigned"}),
        ("EmailOutcomeUnknown", {}),
    ]
    (line,) = [r for r in caplog.records if "outcome unknown" in r.getMessage()]
    assert cid in line.getMessage() and "template=assigned" in line.getMessage()
    assert (line.complaint_id, line.template) == (cid, "assigned")
    assert OPERATOR not in line.getMessage() and CITIZEN.email not in line.getMessage()
    # The link of the email whose answer was lost works; the second copy's then answers 409.
    first, second = (action_tokens(m)[0] for m in outbox.emails_to(OPERATOR))
    assert first != second
    decide_by_link(outbox.svc, first, {"decision": "accept"})
    with pytest.raises(AlreadyDecided):
        decide_by_link(outbox.svc, second, {"decision": "accept"})
    outbox.waiting_at(cid, "classification")
