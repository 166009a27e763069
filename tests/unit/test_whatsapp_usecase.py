"""A citizen's WhatsApp messages (service/whatsapp.py) on the fakes: a report written step by step becomes one
complaint (channel whatsapp, the phone as the reporter's) whatever is delivered twice; ``cek`` answers with the
status; the next text after a question answers it, the next digit after the reply rates it.

The conversation is driven through the dialogue's documented commands (menu "1", numbers, "selesai", "KIRIM",
"cek KT-...", "batal"): the assertions are on what the use case does, not on the dialogue's wording.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest

from chalicelib.config import Settings
from chalicelib.domain import catalog, sop
from chalicelib.domain.records import Complaint, WorkItem
from chalicelib.domain.timestamps import iso
from chalicelib.domain.whatsapp import ANSWER, RATING, TEXT, Awaiting, Delivery, Inbound, Message, Status
from chalicelib.service.ports import ConditionFailed
from chalicelib.service.whatsapp import ConversationKeptMoving, handle_delivery
from tests.fakes.services import FakeWorld
from tests.fakes.whatsapp import FakeWhatsAppApi, InMemoryWhatsAppRecords

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SETTINGS = Settings(calendar_mode="24x7", public_base_url="https://aspirasi.test")
WA_ID = "6281234567890"
PHONE = f"+{WA_ID}"
CASE = "c" * 32
TRACKING = "KT-CCCC-0001"
REPORT = [
    "halo",
    "1",
    str(list(catalog.CATEGORIES).index("kesehatan") + 1),
    "1",
    "Antrean puskesmas terlalu lama\nSetiap pagi antrean di Puskesmas Sempaja lebih dari tiga jam.",
    "Jl. Wahid Hasyim, Samarinda",
    "selesai",
]


@dataclass
class Phone:
    """A citizen's phone: each message a new wamid, a second later than the last."""

    w: FakeWorld
    wa_id: str = WA_ID
    ids: Any = None

    def __post_init__(self) -> None:
        self.ids = count(1)

    def message(self, text: str) -> Message:
        n = next(self.ids)
        when = int(self.w.now.timestamp())
        return Message(f"wamid.{self.wa_id}.{n}", self.wa_id, when, Inbound(TEXT, text), profile_name="Siti")

    def say(self, *texts: str) -> list[Message]:
        sent = []
        for text in texts:
            message = self.message(text)
            handle_delivery(self.w.svc, Delivery(messages=(message,)))
            self.w.later(seconds=5)
            sent.append(message)
        return sent


def world(records: InMemoryWhatsAppRecords | None = None, **overrides: Any) -> FakeWorld:
    parts = {"whatsapp": FakeWhatsAppApi(), "whatsapp_records": records or InMemoryWhatsAppRecords(), **overrides}
    return FakeWorld(SETTINGS, START, overrides=parts)


def api(w: FakeWorld) -> FakeWhatsAppApi:
    return w.overrides["whatsapp"]


def records(w: FakeWorld) -> InMemoryWhatsAppRecords:
    return w.overrides["whatsapp_records"]


def replies(w: FakeWorld, phone: str = PHONE) -> list[str]:
    return [m["text"] for m in api(w).to(phone)]


def only_complaint(w: FakeWorld) -> Complaint:
    assert len(w.store.complaints) == 1
    return next(iter(w.store.complaints.values()))


def test_a_report_written_on_whatsapp_becomes_one_complaint_and_the_reply_carries_its_number():
    w = world()
    phone = Phone(w)
    phone.say(*REPORT)
    assert not w.store.complaints  # nothing before KIRIM
    assert all(m["to"] == PHONE for m in api(w).sent) and len(api(w).sent) >= len(REPORT)
    (kirim,) = phone.say("KIRIM")

    complaint = only_complaint(w)
    assert (complaint.channel, complaint.citizen_phone, complaint.citizen_id) == ("whatsapp", PHONE, None)
    assert (complaint.category, complaint.citizen_name, complaint.public) == ("kesehatan", "Siti", False)
    assert complaint.title == "Antrean puskesmas terlalu lama"
    assert complaint.tracking_number in replies(w)[-1]
    assert list(w.workflow.started) == [complaint.id]
    assert w.actions(complaint.id) == ["submitted"]
    assert w.store.audit_trail(complaint.id)[0].actor == f"whatsapp:{PHONE}"
    # The conversation is the case's thread: what the citizen wrote and what we answered, KIRIM and the receipt.
    thread = records(w).thread(complaint.id)
    assert {e.direction for e in thread} == {"in", "out"}
    assert any(e.message_id == kirim.id and e.direction == "in" for e in thread)
    assert thread[-1].direction == "out" and complaint.tracking_number in thread[-1].text
    assert any("Puskesmas Sempaja" in e.text for e in thread if e.direction == "in")
    assert w.metrics.total("WhatsAppMessages") == len(REPORT) + 1
    assert records(w).seen(kirim.id)


def test_the_same_message_delivered_twice_changes_nothing():
    w = world()
    phone = Phone(w)
    phone.say(*REPORT)
    kirim = phone.message("KIRIM")
    handle_delivery(w.svc, Delivery(messages=(kirim,)))
    complaint, sent = only_complaint(w), len(api(w).sent)
    thread = records(w).thread(complaint.id)
    handle_delivery(w.svc, Delivery(messages=(kirim, kirim)))
    assert only_complaint(w) == complaint
    assert len(api(w).sent) == sent and records(w).thread(complaint.id) == thread
    assert w.metrics.total("WhatsAppMessages") == len(REPORT) + 1


class CrashingOnce(InMemoryWhatsAppRecords):
    """The process dies once after the action and the replies, before the turn is saved."""

    crash_on: str | None = None

    def save_turn(self, phone, message_id, *args, **kwargs) -> None:
        if message_id == self.crash_on:
            self.crash_on = None
            raise RuntimeError("the Lambda timed out")
        super().save_turn(phone, message_id, *args, **kwargs)


def test_a_kirim_delivered_again_after_a_crash_makes_no_second_complaint():
    store = CrashingOnce()
    w = world(store)
    phone = Phone(w)
    phone.say(*REPORT)
    kirim = phone.message("KIRIM")
    store.crash_on = kirim.id
    with pytest.raises(RuntimeError):
        handle_delivery(w.svc, Delivery(messages=(kirim,)))
    complaint = only_complaint(w)
    assert not store.seen(kirim.id)
    w.later(minutes=2)
    handle_delivery(w.svc, Delivery(messages=(kirim,)))  # SQS delivers it again
    assert only_complaint(w) == complaint and store.seen(kirim.id)
    # The receipt went twice (at least once for replies), each with the same tracking number.
    receipts = [text for text in replies(w) if complaint.tracking_number in text]
    assert len(receipts) == 2
    assert w.metrics.total("ComplaintSubmitted") == 2  # by category and by channel, once each


def test_what_the_web_would_refuse_is_cleaned_before_it_reaches_the_complaint():
    w = world()
    phone = Phone(w)
    report = [*REPORT]
    report[5] = "Jl. Wahid \u202eHasyim"  # a text-direction override: the web's field rules refuse it
    phone.say(*report, "KIRIM")
    (complaint,) = w.store.complaints.values()
    assert complaint.location == "Jl. Wahid Hasyim"  # the dialogue keeps what the field rules accept
    assert records(w).conversation(PHONE).conversation is None


def test_the_hourly_allowance_counts_per_phone():
    w = FakeWorld(
        replace(SETTINGS, submission_limit_per_hour=1),
        START,
        overrides={"whatsapp": FakeWhatsAppApi(), "whatsapp_records": InMemoryWhatsAppRecords()},
    )
    phone = Phone(w)
    phone.say(*REPORT, "KIRIM")
    assert len(w.store.complaints) == 1
    phone.say(*REPORT, "KIRIM")
    assert len(w.store.complaints) == 1  # refused: the phone's hour is used up
    assert records(w).conversation(PHONE).conversation is not None  # the second draft is kept
    assert w.metrics.total("SubmissionRateLimited") == 1
    other = Phone(w, wa_id="6281111111111")
    other.say(*REPORT, "KIRIM")
    assert len(w.store.complaints) == 2


def a_case(**changes: Any) -> Complaint:
    case = Complaint(
        id=CASE,
        tracking_number=TRACKING,
        category="kesehatan",
        subcategory="puskesmas",
        title="Puskesmas tutup siang",
        description="Puskesmas Sempaja tutup pukul 11.00.",
        status=sop.STATUS_OPEN,
        created_at=iso(START - timedelta(days=2)),
        updated_at=iso(START - timedelta(days=2)),
        citizen_phone=PHONE,
        channel="whatsapp",
        stage="classification",
        step=2,
    )
    return replace(case, **changes)


def seeded(w: FakeWorld, case: Complaint) -> Complaint:
    w.store.seed_complaint(case)
    w.store.seed_tracking_number(case.tracking_number, case.id)
    return case


def test_cek_of_an_unknown_number_and_of_a_known_one():
    w = world()
    reporter = Phone(w)
    reporter.say("cek KT-ZZZZ-9999")
    assert len(replies(w)) == 1 and "ZZZZ" in replies(w)[0]
    assert not records(w).threads

    reply = "Puskesmas Sempaja kini buka sampai pukul 14.00."
    seeded(w, a_case(status=sop.STATUS_ANSWERED, answered_at=iso(START - timedelta(days=1)), reply=reply))
    Phone(w, wa_id="6289999999999").say(f"cek {TRACKING}")  # a neighbour given the number: the status only
    (neighbour,) = replies(w, "+6289999999999")
    assert TRACKING in neighbour and reply not in neighbour
    assert not records(w).threads

    reporter.say(f"cek {TRACKING}")  # the reporter: the reply too, and the exchange on the case's thread
    own = replies(w)[-1]
    assert TRACKING in own and reply in own
    assert [e.direction for e in records(w).thread(CASE)] == ["in", "out"]


def asking(w: FakeWorld) -> None:
    pending = {"question": "Di puskesmas mana?", "asked_at": iso(START), "step": 2, "stage": "classification"}
    seeded(w, a_case(pending_question=pending))
    w.store.seed_work_item(
        WorkItem(
            complaint_id=CASE,
            step=2,
            stage="classification",
            role="diskominfo",
            entered_at=iso(START),
            remind_at=iso(START),
            due_at=iso(START + timedelta(hours=2)),
            decision={"outcome": "request_information", "question": "Di puskesmas mana?"},
            decided_at=iso(START),
            question="Di puskesmas mana?",
            answer_token="answer-2",
            followups=True,
        )
    )
    records(w).expect_reply(PHONE, Awaiting(ANSWER, CASE, TRACKING), iso(START + timedelta(days=3)))


def test_the_next_text_after_a_question_answers_it():
    w = world()
    asking(w)
    (answer,) = Phone(w).say("Puskesmas Sempaja, Samarinda Utara")
    item = w.store.existing_work_item(CASE, 2)
    assert (item.answer, item.answered_by) == ("Puskesmas Sempaja, Samarinda Utara", f"whatsapp:{PHONE}")
    assert w.actions(CASE) == ["information_answered"]
    assert w.store.existing_complaint(CASE).pending_question is None
    assert records(w).awaiting_reply(PHONE) is None
    assert TRACKING in replies(w)[-1]
    thread = records(w).thread(CASE)
    assert (thread[0].message_id, thread[0].direction) == (answer.id, "in")
    assert thread[-1].direction == "out"


def test_an_expired_question_is_not_answered():
    w = world()
    asking(w)
    records(w).expect_reply(PHONE, Awaiting(ANSWER, CASE, TRACKING), iso(START - timedelta(minutes=1)))
    Phone(w).say("Puskesmas Sempaja")
    assert w.store.existing_work_item(CASE, 2).answer is None
    assert replies(w)  # the menu, most likely: it is a new conversation


def test_a_digit_after_the_reply_rates_it_once():
    w = world()
    seeded(w, a_case(status=sop.STATUS_ANSWERED, answered_at=iso(START), reply="Sudah diperbaiki."))
    records(w).expect_reply(PHONE, Awaiting(RATING, CASE, TRACKING), iso(START + timedelta(days=3)))
    (rating,) = Phone(w).say("4")
    assert (w.store.existing_complaint(CASE).rating or {}).get("score") == 4
    assert w.actions(CASE) == ["rated"]
    assert records(w).awaiting_reply(PHONE) is None
    assert [e.message_id for e in records(w).thread(CASE) if e.direction == "in"] == [rating.id]
    assert w.metrics.total("CitizenRating") == 4


def test_a_message_that_is_no_rating_uses_the_rating_up_so_the_menus_numbers_stay_the_menus():
    """After the reply a villager writes "halo", gets the menu and answers "1": a new report, not one star."""
    w = world()
    seeded(w, a_case(status=sop.STATUS_ANSWERED, answered_at=iso(START), reply="Sudah diperbaiki."))
    records(w).expect_reply(PHONE, Awaiting(RATING, CASE, TRACKING), iso(START + timedelta(days=3)))
    Phone(w).say("halo", "1")
    assert w.store.existing_complaint(CASE).rating is None
    assert records(w).awaiting_reply(PHONE) is None
    assert "Pilih kategori" in replies(w)[-1]


class MovedByAnother(InMemoryWhatsAppRecords):
    """Another message of the same phone saves its turn just before this one does, ``times`` times."""

    times: int = 0

    def save_turn(self, phone, message_id, at, conversation, expected_version, expires_at, clear_awaiting=False):
        if self.times > 0:
            self.times -= 1
            current = self.conversations.get(phone)
            other = f"wamid.other.{self.times}"
            super().save_turn(phone, other, at, current[0].conversation if current else None, expected_version, 0)
        super().save_turn(phone, message_id, at, conversation, expected_version, expires_at, clear_awaiting)


def test_a_conversation_moved_meanwhile_runs_the_message_again():
    store = MovedByAnother()
    w = world(store)
    phone = Phone(w)
    phone.say("halo")
    store.times = 1
    (one,) = phone.say("1")
    assert store.seen(one.id) and store.seen("wamid.other.0")
    assert store.conversations[PHONE][0].version == 3  # halo, the other message, then "1" on top
    assert w.metrics.total("WhatsAppMessages") == 2  # run twice, counted once


def test_a_conversation_that_keeps_moving_is_left_for_sqs_to_deliver_again():
    store = MovedByAnother()
    w = world(store)
    phone = Phone(w)
    phone.say("halo")
    store.times = 3
    message = phone.message("1")
    with pytest.raises(ConversationKeptMoving):
        handle_delivery(w.svc, Delivery(messages=(message,)))
    assert not store.seen(message.id)


def test_statuses_are_recorded_and_reach_the_thread():
    w = world()
    asking(w)
    Phone(w).say("Puskesmas Sempaja")
    ours = records(w).thread(CASE)[-1]
    delivered = Status(ours.message_id, WA_ID, "read", int(w.now.timestamp()))
    handle_delivery(w.svc, Delivery(statuses=(delivered,)))
    assert records(w).thread(CASE)[-1].status == "read"
    assert records(w).statuses == [(delivered, iso(w.now))]


def test_with_the_channel_off_nothing_happens():
    w = FakeWorld(SETTINGS, START)
    assert w.svc.whatsapp is None
    message = Phone(w).message("KIRIM")
    handle_delivery(w.svc, Delivery(messages=(message,), statuses=(Status("wamid.x", WA_ID, "read", 1),)))
    assert not w.store.complaints and w.metrics.total("WhatsAppMessages") == 0


def test_save_turn_reports_a_seen_message_as_done():
    """Two runs of one message at once: the second's save finds the id recorded, and stops quietly."""

    class SeenMeanwhile(InMemoryWhatsAppRecords):
        def save_turn(self, phone, message_id, *args, **kwargs):
            self.message_ids.add(message_id)
            raise ConditionFailed(["ConditionalCheckFailed", "None"])

    w = world(SeenMeanwhile())
    Phone(w).say("halo")
    assert len(replies(w)) == 1
