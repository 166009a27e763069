"""The Graph API client (chalicelib/adapters/whatsapp_api.py) over real HTTP against the local stand-in
(local/graph_api.py, served in this process on a free port), and the secrets read from Secrets Manager on moto.

What is held: the requests Meta documents (text, template, media in two steps), the Bearer token, and each
failure told apart as the outbox needs it (refused for good, outcome unknown, to be retried).
"""

from __future__ import annotations

import json
import logging
import socket
import threading
from collections.abc import Iterator

import boto3
import pytest
import requests
from moto import mock_aws

from chalicelib.adapters import secrets, whatsapp_api
from chalicelib.adapters.whatsapp_api import GraphApi, GraphApiError
from chalicelib.config import ConfigError, Settings
from chalicelib.service.ports import EmailOutcomeUnknown, MessageRejected, Missing
from local.graph_api import GraphStandIn, serve
from tests.fakes.whatsapp import InMemoryWhatsAppRecords

from .helpers import call
from .staff_helpers import PHONE_CALL

TOKEN = "local-access-token-for-tests"
NUMBER_ID = "local-phone-number-id"
CITIZEN = "+6281234567890"
APPROVED = ["aspirasi_jawaban", "aspirasi_diterima", "aspirasi_pertanyaan", "aspirasi_kabar"]


class Graph:
    def __init__(self, base: str, stand_in: GraphStandIn):
        self.base, self.stand_in = base, stand_in
        self.api = GraphApi(f"{base}/graph/v21.0", NUMBER_ID, lambda: TOKEN)

    def messages(self) -> list[dict]:
        response = requests.get(f"{self.base}/whatsapp/messages", timeout=5)
        response.raise_for_status()
        return response.json()

    def fail_next(self, count: int, code: int, status: int | None = None) -> None:
        body = {"count": count, "code": code, **({"status": status} if status else {})}
        requests.post(f"{self.base}/whatsapp/fail", json=body, timeout=5).raise_for_status()

    def upload(self, data: bytes, content_type: str) -> str:
        response = requests.post(
            f"{self.base}/whatsapp/media", data=data, headers={"Content-Type": content_type}, timeout=5
        )
        response.raise_for_status()
        return response.json()["id"]


@pytest.fixture
def graph() -> Iterator[Graph]:
    stand_in = GraphStandIn(lambda: TOKEN, lambda: NUMBER_ID, lambda: APPROVED)
    server = serve(stand_in)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Graph(f"http://127.0.0.1:{server.server_address[1]}", stand_in)
    finally:
        server.shutdown()
        server.server_close()


# -- sending -------------------------------------------------------------------------------------------------------
def test_a_text_is_sent_and_recorded_as_meta_would_take_it(graph):
    wamid = graph.api.send_text(CITIZEN, "Laporan KT-7K3M-Q9XT sudah dijawab:\n\nSudah ditangani. Terima kasih 🙏")
    assert wamid.startswith("wamid.")
    [sent] = graph.messages()
    assert sent["id"] == wamid and sent["to"] == CITIZEN and sent["type"] == "text"
    assert sent["text"] == "Laporan KT-7K3M-Q9XT sudah dijawab:\n\nSudah ditangani. Terima kasih 🙏"
    assert "template" not in sent and sent["sent_at"]


def test_a_template_is_sent_with_its_language_and_body_parameters(graph):
    wamid = graph.api.send_template(CITIZEN, "aspirasi_jawaban", "id", ["KT-7K3M-Q9XT", "Sudah ditangani."])
    [sent] = graph.messages()
    assert (sent["id"], sent["type"]) == (wamid, "template")
    assert sent["template"] == {
        "name": "aspirasi_jawaban",
        "language": "id",
        "parameters": ["KT-7K3M-Q9XT", "Sudah ditangani."],
    }


def test_messages_are_listed_oldest_first_each_with_its_own_id(graph):
    ids = [graph.api.send_text(CITIZEN, f"pesan {n}") for n in range(3)]
    assert [m["id"] for m in graph.messages()] == ids
    assert len(set(ids)) == 3


def test_the_answer_names_the_contact_as_meta_does(graph):
    response = requests.post(
        f"{graph.base}/graph/v21.0/{NUMBER_ID}/messages",
        json={"messaging_product": "whatsapp", "to": "6281234567890", "type": "text", "text": {"body": "halo"}},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    body = response.json()
    assert response.status_code == 200
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": "6281234567890", "wa_id": "6281234567890"}]
    assert body["messages"][0]["id"].startswith("wamid.")


# -- media ---------------------------------------------------------------------------------------------------------
def test_a_citizens_photo_comes_back_through_the_two_step_media_api(graph):
    photo = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
    media_id = graph.upload(photo, "image/jpeg")
    assert graph.api.media(media_id) == (photo, "image/jpeg")


def test_media_that_is_gone_is_missing(graph):
    with pytest.raises(Missing):
        graph.api.media("999999999999999")
    with pytest.raises(Missing):
        graph.api.media("../whatsapp/messages")


def test_the_media_url_is_not_served_without_the_token(graph):
    media_id = graph.upload(b"\x89PNG\r\n\x1a\n....", "image/png")
    about = requests.get(
        f"{graph.base}/graph/v21.0/{media_id}", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5
    ).json()
    assert about["mime_type"] == "image/png" and about["id"] == media_id
    assert requests.get(about["url"], timeout=5).status_code == 401
    assert requests.get(about["url"], headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5).content.startswith(
        b"\x89PNG"
    )


# -- the token -----------------------------------------------------------------------------------------------------
def test_the_bearer_token_is_required(graph):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}):
        response = requests.post(
            f"{graph.base}/graph/v21.0/{NUMBER_ID}/messages",
            json={"messaging_product": "whatsapp", "to": "6281234567890", "type": "text", "text": {"body": "x"}},
            headers=headers,
            timeout=5,
        )
        assert response.status_code == 401
        assert response.json()["error"]["code"] == 190
    assert requests.get(f"{graph.base}/graph/v21.0/123", timeout=5).status_code == 401
    assert graph.messages() == []


def test_a_refused_token_is_retried_not_dropped(graph):
    """Our token is ours to fix (a rotation): the message must wait for it, not be recorded as undeliverable."""
    wrong = GraphApi(f"{graph.base}/graph/v21.0", NUMBER_ID, lambda: "expired")
    with pytest.raises(GraphApiError) as raised:
        wrong.send_text(CITIZEN, "halo")
    assert not isinstance(raised.value, MessageRejected) and raised.value.status == 401


# -- failures, told apart ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", [131026, 131047, 100, 132001, 132000])
def test_meta_refusing_the_message_for_good_is_message_rejected(graph, code):
    graph.fail_next(1, code)
    with pytest.raises(MessageRejected, match=str(code)):
        graph.api.send_text(CITIZEN, "halo")
    assert graph.api.send_text(CITIZEN, "halo lagi")  # only that one failed
    assert [m["text"] for m in graph.messages()] == ["halo lagi"]


def test_a_template_meta_never_approved_is_refused_for_good(graph):
    with pytest.raises(MessageRejected, match="132001"):
        graph.api.send_template(CITIZEN, "tidak_disetujui", "id", ["KT-7K3M-Q9XT"])


@pytest.mark.parametrize(
    ("code", "status"), [(130429, None), (131056, None), (80007, None), (131000, None), (2, None), (131026, 503)]
)
def test_throttling_and_outages_are_plain_errors_to_retry(graph, code, status):
    graph.fail_next(2, code, status)
    for _ in range(2):
        with pytest.raises(GraphApiError) as raised:
            graph.api.send_template(CITIZEN, "aspirasi_kabar", "id", ["KT-7K3M-Q9XT"])
        assert not isinstance(raised.value, MessageRejected)
    assert graph.api.send_template(CITIZEN, "aspirasi_kabar", "id", ["KT-7K3M-Q9XT"])


def test_no_server_is_a_plain_error_nothing_was_sent():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nobody listens there
    api = GraphApi(f"http://127.0.0.1:{port}/graph/v21.0", NUMBER_ID, lambda: TOKEN)
    with pytest.raises(GraphApiError):
        api.send_text(CITIZEN, "halo")


def _silent_server(answer: bytes | None) -> tuple[socket.socket, threading.Event]:
    """Reads a request, then says nothing (``answer`` None: keeps the line open) or closes at once."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    done = threading.Event()

    def run() -> None:
        connection, _ = server.accept()
        connection.recv(65536)
        if answer is None:
            done.wait(5)
        connection.close()

    threading.Thread(target=run, daemon=True).start()
    return server, done


def test_a_read_timeout_after_sending_is_outcome_unknown(monkeypatch):
    monkeypatch.setattr(whatsapp_api, "READ_TIMEOUT", 0.5)
    server, done = _silent_server(None)
    try:
        api = GraphApi(f"http://127.0.0.1:{server.getsockname()[1]}/graph/v21.0", NUMBER_ID, lambda: TOKEN)
        with pytest.raises(EmailOutcomeUnknown):
            api.send_text(CITIZEN, "halo")
    finally:
        done.set()
        server.close()


def test_a_connection_closed_before_the_answer_is_outcome_unknown():
    server, done = _silent_server(b"")
    try:
        api = GraphApi(f"http://127.0.0.1:{server.getsockname()[1]}/graph/v21.0", NUMBER_ID, lambda: TOKEN)
        with pytest.raises(EmailOutcomeUnknown):
            api.send_text(CITIZEN, "halo")
    finally:
        done.set()
        server.close()


def test_no_token_phone_or_text_reaches_the_logs(graph, caplog):
    caplog.set_level(logging.DEBUG)
    graph.api.send_text(CITIZEN, "teks rahasia warga")
    graph.fail_next(1, 131026)
    with pytest.raises(MessageRejected) as refused:
        graph.api.send_text(CITIZEN, "teks rahasia warga")
    graph.fail_next(1, 130429)
    with pytest.raises(GraphApiError) as throttled:
        graph.api.send_text(CITIZEN, "teks rahasia warga")
    said = caplog.text + str(refused.value) + str(throttled.value)
    for secret in (TOKEN, CITIZEN.lstrip("+"), "teks rahasia warga"):
        assert secret not in said


# -- secrets from Secrets Manager ----------------------------------------------------------------------------------
@pytest.fixture
def secret_arn(monkeypatch) -> Iterator[str]:
    for name in ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    secrets.forget()
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="ap-southeast-3")
        arn = client.create_secret(
            Name="aspirasi-kaltim/whatsapp",
            SecretString=json.dumps({"access_token": "sm-token", "app_secret": "sm-secret", "verify_token": "sm-v"}),
        )["ARN"]
        yield arn
    secrets.forget()


def test_the_secrets_are_read_from_secrets_manager_once(secret_arn):
    cfg = Settings(region="ap-southeast-3", whatsapp_secret_arn=secret_arn)
    found = secrets.whatsapp_secrets(cfg, {})
    assert (found.access_token, found.app_secret, found.verify_token) == ("sm-token", "sm-secret", "sm-v")
    boto3.client("secretsmanager", region_name="ap-southeast-3").put_secret_value(
        SecretId=secret_arn,
        SecretString=json.dumps({"access_token": "new", "app_secret": "new", "verify_token": "new"}),
    )
    assert secrets.whatsapp_secrets(cfg, {}).access_token == "sm-token"  # cached: a warm Lambda reads it later
    secrets.forget()
    assert secrets.whatsapp_secrets(cfg, {}).access_token == "new"


def test_a_variable_set_wins_over_the_secret(secret_arn):
    cfg = Settings(region="ap-southeast-3", whatsapp_secret_arn=secret_arn)
    found = secrets.whatsapp_secrets(cfg, {"WHATSAPP_VERIFY_TOKEN": "from-env"})
    assert (found.access_token, found.verify_token) == ("sm-token", "from-env")


def test_a_secret_that_is_not_json_stops_without_showing_it(secret_arn):
    boto3.client("secretsmanager", region_name="ap-southeast-3").put_secret_value(
        SecretId=secret_arn, SecretString="sm-token-not-json"
    )
    with pytest.raises(ConfigError) as raised:
        secrets.whatsapp_secrets(Settings(region="ap-southeast-3", whatsapp_secret_arn=secret_arn), {})
    assert "sm-token" not in str(raised.value)


# -- the whole way: a WhatsApp case on the stack (moto) tells its citizen through the stand-in ----------------------
def test_a_whatsapp_case_tells_its_citizen_once_through_the_graph_api(stack, client, staff, graph, monkeypatch):
    """The real store's claim records (key "wa:received"), the state machine's message, the real client over HTTP.
    The channel's records are the port's fake here (their DynamoDB adapter has its own tests)."""
    records = InMemoryWhatsAppRecords()
    monkeypatch.setattr(stack.svc, "whatsapp", graph.api)
    monkeypatch.setattr(stack.svc, "whatsapp_records", records)
    entry = {**PHONE_CALL, "channel": "whatsapp", "reporter": {"name": "Pak Darto", "phone": "0812 5555 1234"}}
    response, created = call(client, "post", "/staff/complaints", entry, staff.token("operator"))
    assert response.status_code == 201, created
    cid = created["id"]
    stack.waiting_at(cid, "intake")
    [sent] = graph.messages()  # the citizen never wrote: the approved template
    assert (sent["to"], sent["type"]) == ("+6281255551234", "template")
    number = created["tracking_number"]
    assert sent["template"] == {"name": "aspirasi_diterima", "language": "id", "parameters": [number]}
    record = stack.svc.store.get_email(cid, "wa:received")
    assert record is not None and record.sent_at and record.ses_message_id == sent["id"]
    assert stack.audit_actions(cid).count("whatsapp_sent") == 1
    assert [(e.direction, e.message_id, e.kind) for e in records.thread(cid)] == [("out", sent["id"], "template")]
    stack.deliver_twice()  # whatever comes again sends nothing again
    assert len(graph.messages()) == 1
