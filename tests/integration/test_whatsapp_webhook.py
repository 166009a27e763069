"""The WhatsApp webhook through the Chalice app on moto: Meta's handshake, signed POSTs queued raw (and nothing
queued without a good signature), and the queued POST through the WhatsApp consumer (app.on_whatsapp)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import boto3
import pytest

from chalicelib.adapters import tables
from chalicelib.domain.whatsapp import ThreadEntry
from tests import whatsapp_fixtures as wa

from .helpers import assert_problem

pytestmark = pytest.mark.integration

SECRET = "test-app-secret-5f2c"
VERIFY = "test-verify-token-9a1b"
WEBHOOK = "/channels/whatsapp/webhook"
CASE = "c-wa-0001"
EMOJI_TEXT = "Jalan rusak di Samarinda Séberang 🙏"


@pytest.fixture
def stack_env():
    return {
        "WHATSAPP_PHONE_NUMBER_ID": wa.PHONE_NUMBER_ID,
        "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY,
        "WHATSAPP_ACCESS_TOKEN": "test-access-token",
    }


def queued(stack) -> list[str]:
    """The bodies waiting in the WhatsApp queue (received, then made visible again)."""
    bodies: list[tuple[str, str]] = []
    while True:
        got = stack.sqs.receive_message(
            QueueUrl=stack.whatsapp.queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0, WaitTimeSeconds=0
        ).get("Messages", [])
        fresh = [m for m in got if m["MessageId"] not in {b[0] for b in bodies}]
        if not fresh:
            return [body for _, body in bodies]
        bodies += [(m["MessageId"], m["Body"]) for m in fresh]


def post(client, raw: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    response = client.post(WEBHOOK, headers=headers, body=raw)
    return response, (json.loads(response.body) if response.body else None)


def handshake(client, **query: str):
    return client.get(f"{WEBHOOK}?{urlencode(query)}", headers={"Accept": "application/json"})


# -- the handshake ----------------------------------------------------------------------------------------------
def test_the_handshake_answers_the_challenge_for_our_verify_token(client):
    response = handshake(client, **{"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"})
    assert response.status_code == 200
    assert response.body in (b"1158201444", "1158201444")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "query",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY[:-1], "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"},
        {"hub.verify_token": VERIFY, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
        {},
    ],
)
def test_the_handshake_is_refused_otherwise(client, query):
    response = handshake(client, **query)
    assert_problem(response, json.loads(response.body), 403)


# -- POSTs -------------------------------------------------------------------------------------------------------
def test_a_signed_post_is_queued_raw_and_answered_at_once(client, stack):
    raw = wa.raw(wa.delivery(wa.text(body=EMOJI_TEXT), wa.location(id="wamid.L"), wa.image(id="wamid.I")))
    response, body = post(client, raw, wa.sign(raw, SECRET))
    assert response.status_code == 200 and body == {}
    assert queued(stack) == [raw.decode("utf-8")]  # exactly one message: the bytes as Meta sent them


@pytest.mark.parametrize("signature", [None, "", "sha256=" + "0" * 64, "sha1=abc", "bukan tanda tangan"])
def test_a_missing_or_wrong_signature_is_refused_and_nothing_is_queued(client, stack, signature):
    raw = wa.raw(wa.delivery(wa.text()))
    response, body = post(client, raw, signature)
    assert_problem(response, body, 401)
    assert "WWW-Authenticate" not in response.headers
    assert queued(stack) == []


def test_a_signature_with_another_secret_is_refused(client, stack):
    raw = wa.raw(wa.delivery(wa.text()))
    response, body = post(client, raw, wa.sign(raw, "another app's secret"))
    assert_problem(response, body, 401)
    assert queued(stack) == []


def test_a_re_serialised_body_fails_and_the_raw_bytes_with_emoji_pass(client, stack):
    original = wa.raw(wa.delivery(wa.text(body=EMOJI_TEXT, id="wamid.EMOJI")))
    assert "🙏".encode() in original and "é".encode() in original
    signature = wa.sign(original, SECRET)
    reserialised = json.dumps(json.loads(original), ensure_ascii=True).encode()
    assert json.loads(reserialised) == json.loads(original)

    response, body = post(client, reserialised, signature)
    assert_problem(response, body, 401)
    assert queued(stack) == []

    response, _ = post(client, original, signature)
    assert response.status_code == 200
    assert queued(stack) == [original.decode("utf-8")]


def test_a_replayed_post_is_queued_again_for_the_consumer_to_recognise(client, stack):
    raw = wa.raw(wa.delivery(wa.text(id="wamid.AGAIN")))
    for _ in range(2):
        assert post(client, raw, wa.sign(raw, SECRET))[0].status_code == 200
    assert queued(stack) == [raw.decode("utf-8")] * 2  # the message id's conditional write makes it once


def test_an_oversized_body_is_refused_unread(client, stack):
    raw = wa.raw(wa.delivery(wa.text(body="x" * 2_000_000)))
    response, body = post(client, raw, wa.sign(raw, SECRET))
    assert_problem(response, body, 413)
    assert queued(stack) == []


@pytest.mark.parametrize("stack_env", [{"WHATSAPP_PHONE_NUMBER_ID": "", "WHATSAPP_APP_SECRET": SECRET}])
def test_the_channel_off_answers_404(client, stack):
    raw = wa.raw(wa.delivery(wa.text()))
    response, body = post(client, raw, wa.sign(raw, SECRET))
    assert_problem(response, body, 404)
    response = handshake(client, **{"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1"})
    assert response.status_code == 404
    assert queued(stack) == []


# -- the consumer ------------------------------------------------------------------------------------------------
def test_statuses_of_a_queued_post_reach_the_case_thread(client, stack):
    records = stack.svc.whatsapp_records
    records.record_thread(
        CASE,
        [
            ThreadEntry("2026-12-07T20:40:00.000+00:00", "out", "Laporan diterima", "wamid.OUT1", "template"),
            ThreadEntry("2026-12-07T20:41:00.000+00:00", "out", "Pertanyaan", "wamid.OUT2"),
        ],
    )
    raw = wa.raw(
        wa.delivery(
            wa.status("wamid.OUT1", "sent"),
            wa.status("wamid.OUT1", "read", timestamp="1765140002"),
            wa.status("wamid.OUT1", "delivered", timestamp="1765140001"),  # out of order: read stays
            wa.status("wamid.OUT2", "failed", error=(131047, "Re-engagement message")),
            wa.status("wamid.NOT-OURS", "delivered"),
        )
    )
    assert post(client, raw, wa.sign(raw, SECRET))[0].status_code == 200
    assert stack.pump_whatsapp() == 1
    assert [(e.message_id, e.status) for e in records.thread(CASE)] == [
        ("wamid.OUT1", "read"),
        ("wamid.OUT2", "failed"),
    ]
    assert queued(stack) == []  # handled: deleted from the queue


def test_a_queued_body_that_is_not_a_notification_is_dropped_not_retried(stack):
    stack.sqs.send_message(QueueUrl=stack.whatsapp.queue_url, MessageBody='{"object": "page", "entry": []}')
    stack.sqs.send_message(QueueUrl=stack.whatsapp.queue_url, MessageBody="not json")
    assert stack.pump_whatsapp() == 2
    assert queued(stack) == []


def test_a_failing_delivery_comes_again(stack):
    """The table unreachable (gone, here): the record is reported failed, so SQS delivers it again (a batch of
    only failures fails the invocation, as Powertools does: the whole batch comes again)."""
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from local.poller import LambdaContext, sqs_event

    raw = wa.raw(wa.delivery(wa.status("wamid.OUT1", "read")))
    stack.sqs.send_message(QueueUrl=stack.whatsapp.queue_url, MessageBody=raw.decode())
    stack.sqs.send_message(QueueUrl=stack.whatsapp.queue_url, MessageBody="not json")  # dropped: not a failure
    boto3.client("dynamodb", region_name=stack.region).delete_table(TableName=tables.WhatsAppModel.Meta.table_name)
    messages = stack.sqs.receive_message(
        QueueUrl=stack.whatsapp.queue_url, AttributeNames=["All"], MaxNumberOfMessages=10
    )["Messages"]
    assert len(messages) == 2
    failing = next(m["MessageId"] for m in messages if m["Body"] != "not json")
    result = stack.app.on_whatsapp(sqs_event(messages, stack.whatsapp.queue_arn, stack.region), LambdaContext())
    assert result == {"batchItemFailures": [{"itemIdentifier": failing}]}
    with pytest.raises(BatchProcessingError):  # alone in its batch
        stack.app.on_whatsapp(
            sqs_event([m for m in messages if m["MessageId"] == failing], stack.whatsapp.queue_arn, stack.region),
            LambdaContext(),
        )
