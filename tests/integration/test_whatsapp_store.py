"""The WhatsAppRecords contract (service/ports.py): the same assertions against the DynamoDB adapter on moto
(adapters/whatsapp_store.py) and the in-memory fake the use-case tests trust (tests/fakes/whatsapp.py)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from moto import mock_aws

from chalicelib.adapters import tables
from chalicelib.adapters.whatsapp_store import WhatsAppStore
from chalicelib.domain.whatsapp import ANSWER, RATING, Awaiting, Conversation, Status, ThreadEntry
from chalicelib.service.ports import ConditionFailed
from tests.fakes.whatsapp import InMemoryWhatsAppRecords

pytestmark = pytest.mark.integration

PHONE, OTHER_PHONE = "+6281234567890", "+6289876543210"
CASE = "c-0001"
AT = "2026-12-07T20:40:00.000+00:00"
LATER = "2026-12-07T20:41:00.000+00:00"


def _now() -> int:
    return int(time.time())


@pytest.fixture(scope="module")
def dynamodb() -> Iterator[None]:
    with mock_aws():
        tables.reset_connections()
        tables.create_tables()
        yield
    tables.reset_connections()


@pytest.fixture(params=["fake", "dynamodb"])
def records(request) -> Iterator[Any]:
    if request.param == "fake":
        yield InMemoryWhatsAppRecords(clock=_now())
        return
    request.getfixturevalue("dynamodb")
    for item in tables.WhatsAppModel.scan():
        item.delete()
    yield WhatsAppStore()


def draft(step: str = "category", **fields: Any) -> Conversation:
    return Conversation(step=step, conversation_id="conv-1", **fields)


def test_a_phone_that_never_wrote_has_nothing(records):
    assert records.conversation(PHONE) is None
    assert records.last_inbound_at(PHONE) is None
    assert records.awaiting_reply(PHONE) is None
    assert not records.seen("wamid.1")
    assert records.thread(CASE) == []


def test_a_turn_saves_the_conversation_and_the_message_id(records):
    conversation = draft(
        "photos",
        category="jalan",
        title="Jalan rusak 🙏",
        latitude=-0.5,
        longitude=117.15,
        photos=(("MEDIA1", "image/jpeg"),),
        transcript=((AT, "in", "1"), (AT, "out", "Pilih kategori")),
    )
    records.save_turn(PHONE, "wamid.1", AT, conversation, None, _now() + 86400)
    stored = records.conversation(PHONE)
    assert stored is not None
    assert stored.conversation == conversation
    assert stored.version == 1
    assert stored.last_inbound_at == AT
    assert records.last_inbound_at(PHONE) == AT
    assert records.seen("wamid.1") and not records.seen("wamid.2")
    assert records.conversation(OTHER_PHONE) is None

    records.save_turn(PHONE, "wamid.2", LATER, None, 1, _now() + 86400)  # idle again: the record stays
    stored = records.conversation(PHONE)
    assert stored is not None and stored.conversation is None
    assert (stored.version, stored.last_inbound_at) == (2, LATER)


def test_a_message_id_seen_before_is_refused_first(records):
    records.save_turn(PHONE, "wamid.1", AT, draft(), None, _now() + 86400)
    with pytest.raises(ConditionFailed) as refused:
        records.save_turn(PHONE, "wamid.1", LATER, draft("title"), 1, _now() + 86400)
    assert refused.value.reasons[0] == "ConditionalCheckFailed"
    assert refused.value.reasons[1] != "ConditionalCheckFailed"
    stored = records.conversation(PHONE)
    assert stored is not None and (stored.conversation, stored.version, stored.last_inbound_at) == (draft(), 1, AT)


def test_a_conversation_moved_meanwhile_is_refused_second_and_nothing_is_written(records):
    records.save_turn(PHONE, "wamid.1", AT, draft(), None, _now() + 86400)
    records.expect_reply(PHONE, Awaiting(ANSWER, CASE, "KT-7K4M-9Q2X"), LATER)
    for expected in (None, 5):
        with pytest.raises(ConditionFailed) as refused:
            records.save_turn(PHONE, "wamid.2", LATER, draft("title"), expected, _now() + 86400, clear_awaiting=True)
        assert refused.value.reasons[0] != "ConditionalCheckFailed"
        assert refused.value.reasons[1] == "ConditionalCheckFailed"
    assert not records.seen("wamid.2")  # the message id is not used up: the message is tried again
    assert records.awaiting_reply(PHONE) is not None
    stored = records.conversation(PHONE)
    assert stored is not None and stored.version == 1


def test_a_turn_may_clear_what_the_phone_was_awaited_for(records):
    records.expect_reply(PHONE, Awaiting(ANSWER, CASE, "KT-7K4M-9Q2X"), "2026-12-14T20:40:00.000+00:00")
    records.expect_reply(OTHER_PHONE, Awaiting(RATING, "c-2", "KT-AAAA-BBBB"), "2026-12-14T20:40:00.000+00:00")
    assert records.awaiting_reply(PHONE) == (
        Awaiting(ANSWER, CASE, "KT-7K4M-9Q2X"),
        "2026-12-14T20:40:00.000+00:00",
    )
    records.save_turn(PHONE, "wamid.1", AT, None, None, _now() + 86400)
    assert records.awaiting_reply(PHONE) is not None  # not asked to clear it
    records.save_turn(PHONE, "wamid.2", LATER, None, 1, _now() + 86400, clear_awaiting=True)
    assert records.awaiting_reply(PHONE) is None
    assert records.awaiting_reply(OTHER_PHONE) == (
        Awaiting(RATING, "c-2", "KT-AAAA-BBBB"),
        "2026-12-14T20:40:00.000+00:00",
    )


def test_clearing_nothing_awaited_is_fine(records):
    records.save_turn(PHONE, "wamid.1", AT, None, None, _now() + 86400, clear_awaiting=True)
    assert records.seen("wamid.1")


def test_a_newer_question_replaces_the_awaited_one(records):
    records.expect_reply(PHONE, Awaiting(ANSWER, CASE, "KT-7K4M-9Q2X"), "2026-12-14T20:40:00.000+00:00")
    records.expect_reply(PHONE, Awaiting(RATING, CASE, "KT-7K4M-9Q2X"), "2026-12-21T20:40:00.000+00:00")
    assert records.awaiting_reply(PHONE) == (Awaiting(RATING, CASE, "KT-7K4M-9Q2X"), "2026-12-21T20:40:00.000+00:00")


def test_an_expired_conversation_is_gone_before_the_ttl_removes_it_and_a_new_one_may_start(records):
    records.save_turn(PHONE, "wamid.1", AT, draft(), None, _now() - 5)  # its 24 hours are over
    assert records.conversation(PHONE) is None
    assert records.last_inbound_at(PHONE) is None  # outside the 24-hour window
    assert records.seen("wamid.1")
    records.save_turn(PHONE, "wamid.2", LATER, draft("title"), None, _now() + 86400)  # what the use case does
    stored = records.conversation(PHONE)
    assert stored is not None and stored.conversation == draft("title") and stored.last_inbound_at == LATER


def test_a_live_conversation_cannot_be_started_over(records):
    records.save_turn(PHONE, "wamid.1", AT, draft(), None, _now() + 86400)
    with pytest.raises(ConditionFailed) as refused:
        records.save_turn(PHONE, "wamid.2", LATER, draft("title"), None, _now() + 86400)
    assert refused.value.reasons[1] == "ConditionalCheckFailed"


def entry(message_id: str, at: str, direction: str = "in", text: str = "Halo", **more: Any) -> ThreadEntry:
    return ThreadEntry(at=at, direction=direction, text=text, message_id=message_id, **more)


def test_a_thread_is_kept_oldest_first_and_each_entry_once(records):
    first = entry("wamid.in1", AT, text="Jalan rusak di Samarinda Séberang 🙏")
    reply = entry("wamid.out1", LATER, "out", "Laporan diterima: KT-7K4M-9Q2X", kind="template", status="sent")
    answer = entry("wamid.in2", "2026-12-07T20:42:00.000+00:00", kind="location", text="Jembatan Mahakam")
    records.record_thread(CASE, [reply, first])
    records.record_thread(CASE, [first, answer, reply])  # again: recorded once
    assert records.thread(CASE) == [first, reply, answer]
    assert records.thread("c-other") == []


def test_statuses_reach_the_entry_of_the_message_we_sent(records):
    sent = entry("wamid.out1", AT, "out", "Pertanyaan: di mana tepatnya?")
    records.record_thread(CASE, [sent, entry("wamid.in1", LATER)])
    records.record_status(Status("wamid.out1", PHONE[1:], "delivered", 1765140000), LATER)
    records.record_status(Status("wamid.unknown", PHONE[1:], "read", 1765140000), LATER)  # not ours: nothing
    thread = records.thread(CASE)
    assert [(e.message_id, e.status) for e in thread] == [("wamid.out1", "delivered"), ("wamid.in1", None)]


def test_a_status_never_goes_back_when_callbacks_come_out_of_order(records):
    records.record_thread(CASE, [entry("wamid.out1", AT, "out", "Balasan")])
    records.record_status(Status("wamid.out1", PHONE[1:], "read", 1765140002), LATER)
    records.record_status(Status("wamid.out1", PHONE[1:], "delivered", 1765140001), LATER)
    records.record_status(Status("wamid.out1", PHONE[1:], "sent", 1765140000), LATER)
    assert records.thread(CASE)[0].status == "read"


def test_a_failed_send_is_recorded(records):
    records.record_thread(CASE, [entry("wamid.out1", AT, "out", "Balasan", status="sent")])
    records.record_status(Status("wamid.out1", PHONE[1:], "failed", 1765140001, 131047, "Re-engagement message"), LATER)
    assert records.thread(CASE)[0].status == "failed"
