"""No retry, redelivery or late answer loses or duplicates a complaint or a decision."""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from chalicelib.domain import tracking
from chalicelib.domain.errors import AlreadyDecided, IdempotencyKeyReused, NotFound, ValidationFailed
from chalicelib.domain.timestamps import parse_iso
from chalicelib.service import decide as decide_uc
from chalicelib.service.complaints import Citizen, get_complaint, list_complaints, submit_complaint
from local.poller import LambdaContext, sqs_event

from .helpers import CITIZEN, COMPLAINT, DISKOMINFO, OPERATOR, submit

pytestmark = pytest.mark.integration


def executions(stack):
    return stack.sfn.list_executions(stateMachineArn=stack.resources.state_machine_arn)["executions"]


def test_same_idempotency_key_gives_one_complaint_and_one_execution(stack):
    first, created = submit_complaint(stack.svc, CITIZEN, COMPLAINT, idempotency_key="retry-7f3a")
    again, created_again = submit_complaint(stack.svc, CITIZEN, COMPLAINT, idempotency_key="retry-7f3a")
    assert created and not created_again
    assert again["id"] == first["id"] and again["tracking_number"] == first["tracking_number"]
    assert [e["name"] for e in executions(stack)] == [first["id"]]
    assert list_complaints(stack.svc, CITIZEN.id)["items"][0]["id"] == first["id"]
    assert len(list_complaints(stack.svc, CITIZEN.id)["items"]) == 1
    # The same key from another citizen is another complaint.
    other = Citizen(id="citizen-2", email="lain@example.id")
    theirs, _ = submit_complaint(stack.svc, other, COMPLAINT, idempotency_key="retry-7f3a")
    assert theirs["id"] != first["id"]
    assert len(executions(stack)) == 2


def test_idempotency_key_reused_for_another_complaint_is_refused(stack):
    submit_complaint(stack.svc, CITIZEN, COMPLAINT, idempotency_key="k-1")
    with pytest.raises(IdempotencyKeyReused):
        submit_complaint(stack.svc, CITIZEN, {**COMPLAINT, "title": "Lain"}, idempotency_key="k-1")
    assert len(list_complaints(stack.svc, CITIZEN.id)["items"]) == 1
    with pytest.raises(ValidationFailed):
        submit_complaint(stack.svc, CITIZEN, COMPLAINT, idempotency_key="bad key with spaces")


def test_bad_submission_changes_nothing(stack):
    with pytest.raises(ValidationFailed):
        submit_complaint(stack.svc, CITIZEN, {**COMPLAINT, "category": "tidak-ada"})
    assert list_complaints(stack.svc, CITIZEN.id) == {"items": []}
    assert executions(stack) == []


def test_a_complaint_whose_execution_cannot_start_is_not_left_behind(stack, monkeypatch):
    real_arn = stack.svc.workflow.state_machine_arn
    monkeypatch.setattr(stack.svc.workflow, "state_machine_arn", real_arn + "-missing")
    with pytest.raises(ClientError):  # without a key: taken back, so the citizen's retry is no duplicate
        submit_complaint(stack.svc, CITIZEN, COMPLAINT)
    assert list_complaints(stack.svc, CITIZEN.id) == {"items": []}
    with pytest.raises(ClientError):  # with a key: kept, and the retry with the same key resumes it
        submit_complaint(stack.svc, CITIZEN, COMPLAINT, idempotency_key="k-9")
    assert len(list_complaints(stack.svc, CITIZEN.id)["items"]) == 1
    monkeypatch.setattr(stack.svc.workflow, "state_machine_arn", real_arn)
    view, created = submit_complaint(stack.svc, CITIZEN, COMPLAINT, idempotency_key="k-9")
    assert not created and [e["name"] for e in executions(stack)] == [view["id"]]
    stack.waiting_at(view["id"], "intake")


def test_a_complaint_is_found_by_its_tracking_number_as_dictated(stack):
    cid = submit(stack)
    number = stack.complaint(cid).tracking_number
    dictated = number.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert stack.svc.store.complaint_by_tracking_number(tracking.normalize(dictated)).id == cid
    assert stack.svc.store.complaint_by_tracking_number("KT-0000-0000") is None


def test_a_citizen_reads_only_their_own_complaints(stack):
    cid = submit(stack)
    view = get_complaint(stack.svc, cid, CITIZEN.id)
    assert view["tracking_number"] and view["status"] == "open"
    with pytest.raises(NotFound):
        get_complaint(stack.svc, cid, "someone-else")
    assert list_complaints(stack.svc, "someone-else") == {"items": []}


def test_complaints_list_newest_first_in_pages(stack):
    ids = []
    for n in range(3):
        ids.append(submit(stack, title=f"Laporan {n}"))
        time.sleep(0.002)  # distinct creation times
    page = list_complaints(stack.svc, CITIZEN.id, limit=2)
    assert [c["id"] for c in page["items"]] == ids[::-1][:2]
    rest = list_complaints(stack.svc, CITIZEN.id, limit=2, next_token=page["next_token"])
    assert [c["id"] for c in rest["items"]] == ids[:1]
    with pytest.raises(ValidationFailed):
        list_complaints(stack.svc, "someone-else", next_token=page["next_token"])
    for forged in ("not-base64!", "WzFd", "eyJjaXRpemVuX2lkIjogIngifQ=="):  # garbage, [1], {"citizen_id": "x"}
        with pytest.raises(ValidationFailed):
            list_complaints(stack.svc, CITIZEN.id, next_token=forged)


def test_a_second_decision_on_the_same_work_item_is_refused(stack):
    cid = submit(stack)
    stack.waiting_at(cid, "intake")
    first_link = stack.last_link(OPERATOR)
    decide_uc.decide_by_link(stack.svc, first_link, {"decision": "accept"})
    with pytest.raises(AlreadyDecided):  # the same link again
        decide_uc.decide_by_link(stack.svc, first_link, {"decision": "reject", "reason": "x"})
    with pytest.raises(AlreadyDecided):  # the same work item by another route
        decide_uc.decide(stack.svc, cid, 1, {"decision": "reject", "reason": "x"}, actor="test")
    stack.waiting_at(cid, "classification")
    assert stack.items(cid)[0].decision == {"outcome": "accept"}
    assert stack.audit_actions(cid).count("decided") == 1
    with pytest.raises(NotFound):
        decide_uc.decide_by_link(stack.svc, first_link[:-2] + "xx", {"decision": "accept"})


def test_an_invalid_decision_changes_nothing(stack):
    cid = submit(stack)
    stack.waiting_at(cid, "intake")
    link = stack.last_link(OPERATOR)
    with pytest.raises(ValidationFailed):
        decide_uc.decide_by_link(stack.svc, link, {"kind": "information"})
    item = stack.items(cid)[0]
    assert item.decision is None and item.queue == "role#operator"
    assert stack.svc.store.get_link(decide_uc.resolve_link(stack.svc, link).token_hash).used_at is None
    decide_uc.decide_by_link(stack.svc, link, {"decision": "accept"})  # still usable
    stack.waiting_at(cid, "classification")


def test_redelivered_messages_do_not_send_a_second_email_or_open_a_second_work_item(stack):
    cid = submit(stack)
    deliveries = 0
    for _ in range(100):  # deliver every message twice, as SQS may
        deliveries += stack.deliver_twice()
        items = stack.items(cid)
        if items and items[0].assigned_notified:
            break
        time.sleep(0.05)
    assert deliveries == 2  # stage_entered, then handoff
    assert len(stack.items(cid)) == 1
    assert len(stack.emails_to(OPERATOR)) == 1
    assert len(stack.emails_to(CITIZEN.email)) == 1  # the receipt
    assert stack.audit_actions(cid) == ["submitted", "stage_entered"]
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")


def test_a_failing_record_is_reported_alone_and_delivered_again(stack):
    cid = submit(stack)
    messages = stack.run_until(lambda: _peek(stack), what="the first message", deliver=False)
    bogus = dict(
        messages[0],
        MessageId="bogus-1",
        ReceiptHandle="r-bogus",
        Body=json.dumps(
            {
                "type": "handoff",
                "complaint_id": "missing",
                "stage": "intake",
                "step": 1,
                "sent_at": "2026-01-01T00:00:00.000Z",
                "task_token": "t",
            }
        ),
    )
    result = stack.app.on_handoff(
        sqs_event([bogus, messages[0]], stack.resources.queue_arn, stack.region), LambdaContext()
    )
    assert result == {"batchItemFailures": [{"itemIdentifier": "bogus-1"}]}
    assert len(stack.items(cid)) == 1  # the good record was handled


def _peek(stack):
    """Look at the next message without the harness delivering it."""
    return stack.sqs.receive_message(
        QueueUrl=stack.resources.queue_url, MaxNumberOfMessages=1, VisibilityTimeout=0
    ).get("Messages", [])


def test_a_restarted_execution_fast_forwards(stack):
    """The runbook's recovery: a new execution replays recorded decisions and waits where the case was."""
    cid = submit(stack)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    emails_before = len(stack.emails())
    stack.sfn.stop_execution(executionArn=stack.execution(cid)["executionArn"])
    stack.sfn.start_execution(
        stateMachineArn=stack.resources.state_machine_arn, name=f"{cid}-r1", input=json.dumps({"complaint_id": cid})
    )
    restarted = stack.resources.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{cid}-r1"

    def waiting_again():
        items = stack.items(cid)
        return (
            len(items) == 2
            and items[1].task_token
            and stack.sfn.describe_execution(executionArn=restarted)["status"] == "RUNNING"
            and any(
                e["type"] == "TaskSubmitted"
                for e in stack.sfn.get_execution_history(executionArn=restarted, maxResults=1000)["events"][-3:]
            )
        )

    stack.run_until(waiting_again, what="the restarted execution to wait at classification")
    assert len(stack.emails()) == emails_before  # nobody is emailed again
    assert [i.stage for i in stack.items(cid)] == ["intake", "classification"]
    stack.decide(DISKOMINFO, {"kind": "information"})
    stack.waiting_at(cid, "reply")
    assert stack.audit_actions(cid).count("decided") == 2


def ses_fault(stack, monkeypatch, should_fail):
    """Make SES refuse some messages, at the boundary of the AWS client (moto cannot throttle)."""
    client = stack.svc.notifier._client
    real = client.send_raw_email

    def send_raw_email(**kwargs):
        code = should_fail(kwargs)
        if code:
            raise ClientError({"Error": {"Code": code, "Message": "injected"}}, "SendRawEmail")
        return real(**kwargs)

    monkeypatch.setattr(client, "send_raw_email", send_raw_email)


def test_an_email_ses_cannot_send_now_is_sent_once_when_the_message_comes_back(stack, monkeypatch):
    cid = submit(stack)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "information"})
    stack.waiting_at(cid, "reply")
    stack.sqs.set_queue_attributes(QueueUrl=stack.resources.queue_url, Attributes={"VisibilityTimeout": "1"})
    outage = {"on": True}
    ses_fault(stack, monkeypatch, lambda _: "Throttling" if outage["on"] else None)
    stack.decide(OPERATOR, {"reply": "Jawaban kami."})
    stack.run_until(lambda: stack.complaint(cid).status == "answered", what="the reply step to run")
    stack.pump()
    assert [m for m in stack.emails_to(CITIZEN.email) if "Jawaban" in m["subject"]] == []

    outage["on"] = False  # SES is back; SQS delivers the message again
    stack.run_until(lambda: stack.complaint(cid).status == "closed", what="the case to close")
    replies = [m for m in stack.emails_to(CITIZEN.email) if "Jawaban" in m["subject"]]
    assert len(replies) == 1 and "Jawaban kami." in replies[0]["text"]
    assert stack.finished(cid)["status"] == "SUCCEEDED"


def test_an_address_ses_refuses_for_good_does_not_stop_the_case(stack, monkeypatch, capsys):
    ses_fault(stack, monkeypatch, lambda kw: "MessageRejected" if CITIZEN.email in kw["Destinations"] else None)
    cid = submit(stack)
    stack.waiting_at(cid, "intake")  # the operator was told all the same
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "information"})
    stack.waiting_at(cid, "reply")
    stack.decide(OPERATOR, {"reply": "Jawaban kami."})
    stack.run_until(lambda: stack.complaint(cid).status == "closed", what="the case to close")
    assert stack.finished(cid)["status"] == "SUCCEEDED"
    assert stack.emails_to(CITIZEN.email) == []
    assert get_complaint(stack.svc, cid, CITIZEN.id)["reply"] == "Jawaban kami."  # the page still shows it
    rejected = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"EmailsRejected"' in line]
    assert [doc["Template"] for doc in rejected if "Template" in doc] == ["received", "reply"]
    assert len([doc for doc in rejected if "Template" not in doc]) == 2  # the series the alarm watches


def test_an_older_handoff_delivered_late_does_not_replace_the_newer_token(stack):
    cid = submit(stack)
    current = stack.waiting_at(cid, "intake")
    assert parse_iso(current.token_sent_at)  # the state machine's own clock ($$.State.EnteredTime)
    late = {
        "MessageId": "late-1",
        "ReceiptHandle": "r-late",
        "Body": json.dumps(
            {
                "type": "handoff",
                "complaint_id": cid,
                "stage": "intake",
                "step": 1,
                "sent_at": "2026-01-01T00:00:00.000Z",
                "task_token": "an-expired-token",
            }
        ),
    }
    result = stack.app.on_handoff(sqs_event([late], stack.resources.queue_arn, stack.region), LambdaContext())
    assert result == {"batchItemFailures": []}
    item = stack.items(cid)[0]
    assert (item.task_token, item.token_sent_at) == (current.task_token, current.token_sent_at)
    stack.decide(OPERATOR, {"decision": "accept"})  # so the decision reaches the live task at once
    stack.waiting_at(cid, "classification", timeout=5)
