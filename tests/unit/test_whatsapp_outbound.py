"""A case's news on WhatsApp (service/workflow/outbox.py tell_citizen, service/whatsapp_out.py) on fakes: free text
inside the 24-hour window, the approved template outside it, each piece of news once however often SQS delivers
its message, a refusal recorded while the case goes on, and what the case then awaits from the citizen.

The messages are the state machine's (service/workflow handle_message), as in tests/unit/test_workflow.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.config import Settings
from chalicelib.domain import sop
from chalicelib.domain.planner import SlaPolicy
from chalicelib.domain.records import Complaint
from chalicelib.domain.timestamps import iso
from chalicelib.domain.whatsapp import ANSWER, RATING, Awaiting
from chalicelib.service import whatsapp_out
from chalicelib.service.ports import EmailOutcomeUnknown, MessageRejected
from chalicelib.service.workflow import handle_message, outbox
from tests.fakes.services import FakeWorld
from tests.fakes.whatsapp import FakeWhatsAppApi, InMemoryWhatsAppRecords

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
CASE = "c-wa-0001"
PHONE = "+6281234567890"
NUMBER = "KT-7K3M-Q9XT"
SETTINGS = Settings(
    calendar_mode="24x7",
    public_base_url="https://aspirasi.test",
    sla=SlaPolicy(feedback_minutes=30, answer_reminder_minutes=60, answer_deadline_minutes=120),
)


@dataclass
class RefusingApi(FakeWhatsAppApi):
    """Meta refuses every send for good (``refuse``), or is down (``down``: the message is tried again)."""

    refuse: bool = False
    down: bool = False
    tries: list[str] = field(default_factory=list)

    def send_text(self, to: str, text: str) -> str:
        self._try(to)
        return super().send_text(to, text)

    def send_template(self, to: str, name: str, language: str, parameters: Any) -> str:
        self._try(to)
        return super().send_template(to, name, language, parameters)

    def _try(self, to: str) -> None:
        self.tries.append(to)
        if self.down:
            raise ConnectionError("Graph API down")
        if self.refuse:
            raise MessageRejected("WhatsApp131026")


def a_complaint(**changes: Any) -> Complaint:
    return replace(
        Complaint(
            id=CASE,
            tracking_number=NUMBER,
            category="kesehatan",
            subcategory="puskesmas",
            title="Antrean puskesmas",
            description="Antrean terlalu lama",
            status=sop.STATUS_OPEN,
            created_at=iso(START),
            updated_at=iso(START),
            channel="whatsapp",
            citizen_phone=PHONE,
            citizen_name="Warga",
        ),
        **changes,
    )


@dataclass
class WhatsAppWorld:
    world: FakeWorld
    api: RefusingApi
    records: InMemoryWhatsAppRecords

    def handle(self, type_: str, token: str, **fields: Any) -> None:
        handle_message(self.world.svc, {"type": type_, "complaint_id": CASE, "task_token": token, **fields})

    def enter(self, token: str = "enter-1") -> None:
        self.handle("stage_entered", token, stage="intake", step=1, visit={"stage": "intake", "step": 1})

    def wrote(self, hours_ago: float) -> None:
        """The citizen's last message, ``hours_ago`` before now (the 24-hour window)."""
        self.records.inbound_at[PHONE] = iso(self.world.now - timedelta(hours=hours_ago))

    def actions(self) -> list[str]:
        return self.world.actions(CASE)


@pytest.fixture
def wa() -> WhatsAppWorld:
    world = FakeWorld(SETTINGS, START)
    api, records = RefusingApi(), InMemoryWhatsAppRecords()
    world.svc.whatsapp, world.svc.whatsapp_records = api, records  # the channel on (bootstrap's overrides)
    world.store.seed_complaint(a_complaint())
    return WhatsAppWorld(world, api, records)


def _undimensioned(world: FakeWorld, name: str) -> int:
    return sum(1 for counted, _, dimensions in world.metrics.counted if counted == name and not dimensions)


# -- the window ----------------------------------------------------------------------------------------------------
def test_within_24_hours_of_the_citizens_last_message_the_news_is_free_text(wa):
    wa.wrote(hours_ago=2)
    wa.enter()
    [sent] = wa.api.sent
    assert (sent["to"], sent["type"]) == (PHONE, "text")
    assert sent["text"].startswith(f"Laporan {NUMBER} sudah kami terima.")
    assert "Antrean puskesmas" in sent["text"] and f"cek {NUMBER}" in sent["text"]
    [entry] = wa.records.thread(CASE)
    assert (entry.direction, entry.text, entry.message_id, entry.kind) == ("out", sent["text"], sent["id"], "text")
    assert "whatsapp_sent" in wa.actions()
    audit = next(e for e in wa.world.store.audit_trail(CASE) if e.action == "whatsapp_sent")
    assert audit.details == {"template": "received", "subject": f"Laporan {NUMBER} sudah kami terima."}
    record = wa.world.store.get_email(CASE, "wa:received")
    assert record is not None and record.sent_at and record.ses_message_id == sent["id"]
    assert wa.world.metrics.counted.count(("WhatsAppSent", 1, {})) == 1 and wa.world.metrics.total("WhatsAppSent") == 1
    assert wa.world.notifier.sent == []  # no email address: no email


@pytest.mark.parametrize("hours_ago", [25, None], ids=["wrote-a-day-ago", "never-wrote"])
def test_outside_the_window_the_approved_template_carries_the_tracking_number(wa, hours_ago):
    if hours_ago is not None:
        wa.wrote(hours_ago)
    wa.enter()
    [sent] = wa.api.sent
    assert sent == {
        "id": sent["id"],
        "to": PHONE,
        "type": "template",
        "template": "aspirasi_diterima",
        "language": "id",
        "parameters": [NUMBER],
    }
    [entry] = wa.records.thread(CASE)
    assert entry.kind == "template" and NUMBER in entry.text and "{{" not in entry.text


def test_the_window_closes_a_minute_early_rather_than_a_minute_late():
    now = START
    assert whatsapp_out.within_window(iso(now - timedelta(hours=23, minutes=58)), now)
    assert not whatsapp_out.within_window(iso(now - timedelta(hours=23, minutes=59, seconds=30)), now)
    assert not whatsapp_out.within_window(None, now)


# -- once ----------------------------------------------------------------------------------------------------------
def test_each_piece_of_news_goes_once_however_often_the_message_comes(wa):
    wa.wrote(hours_ago=1)
    wa.enter()
    wa.enter()  # redelivered
    with outbox.redelivery(True):
        wa.enter()
    assert len(wa.api.sent) == 1
    assert wa.actions().count("whatsapp_sent") == 1
    assert len(wa.records.thread(CASE)) == 1


def test_a_send_that_failed_for_now_is_sent_by_the_redelivery(wa):
    wa.api.down = True
    with pytest.raises(ConnectionError):
        wa.enter()
    record = wa.world.store.get_email(CASE, "wa:received")
    assert record is not None and record.sent_at is None and record.lease_until is None  # released at once
    wa.api.down = False
    with outbox.redelivery(True):
        wa.enter()
    assert len(wa.api.sent) == 1 and len(wa.api.tries) == 2


def test_an_answer_lost_on_the_way_is_counted_and_the_message_sent_again(wa, monkeypatch):
    def lost(to: str, name: str, language: str, parameters: Any) -> str:
        raise EmailOutcomeUnknown("ReadTimeout")

    monkeypatch.setattr(wa.api, "send_template", lost)
    with pytest.raises(EmailOutcomeUnknown):
        wa.enter()
    assert _undimensioned(wa.world, "WhatsAppOutcomeUnknown") == 1
    record = wa.world.store.get_email(CASE, "wa:received")
    assert record is not None and record.sent_at is None and record.lease_until is None
    monkeypatch.undo()
    with outbox.redelivery(True):
        wa.enter()
    assert [m["template"] for m in wa.api.sent] == ["aspirasi_diterima"]


def test_a_refused_send_is_recorded_and_the_case_goes_on(wa):
    wa.api.refuse = True
    wa.enter()
    record = wa.world.store.get_email(CASE, "wa:received")
    assert record is not None and record.rejected == "WhatsApp131026" and record.sent_at is None
    assert _undimensioned(wa.world, "WhatsAppSendsFailed") == 1  # the alarm's series
    assert wa.world.metrics.total("WhatsAppSendsFailed") == 2  # and one by template
    assert wa.world.workflow.completed == [("enter-1", {"wait_seconds": 300})]
    assert wa.records.thread(CASE) == [] and "whatsapp_sent" not in wa.actions()
    wa.enter()  # redelivered: the refused message is done, not tried again
    assert len(wa.api.tries) == 1


# -- who hears what ------------------------------------------------------------------------------------------------
def test_a_citizen_with_an_email_too_gets_both(wa):
    wa.world.store.seed_complaint(a_complaint(citizen_email="warga@example.com"))
    wa.enter()
    assert [s.template for s in wa.world.notifier.sent] == ["received"]
    assert len(wa.api.sent) == 1
    assert wa.actions().count("email_sent") == 1 and wa.actions().count("whatsapp_sent") == 1


@pytest.mark.parametrize(
    "changes",
    [{"channel": "web", "citizen_email": "warga@example.com"}, {"channel": "phone"}, {"citizen_phone": None}],
    ids=["web", "phone-call", "no-phone"],
)
def test_no_whatsapp_for_a_case_that_did_not_come_by_whatsapp(wa, changes):
    wa.world.store.seed_complaint(a_complaint(**changes))
    wa.enter()
    assert wa.api.sent == [] and wa.world.store.get_email(CASE, "wa:received") is None


def test_the_channel_off_sends_nothing_on_whatsapp(wa):
    wa.world.svc.whatsapp = None
    wa.enter()
    assert wa.api.sent == []


# -- what the case then awaits -------------------------------------------------------------------------------------
def _ask(wa: WhatsAppWorld, question: str) -> None:
    wa.enter()
    wa.handle("handoff", "wait-1", stage="intake", step=1, sent_at="2026-11-27T02:00:00.000Z")
    store = wa.world.store
    item = store.existing_work_item(CASE, 1)
    decided = iso(START + timedelta(minutes=3))
    store.seed_work_item(
        replace(
            item,
            decision={"decision": "request_information", "question": question},
            decided_at=decided,
            question=question,
            queue=None,
        )
    )
    pending = {"question": question, "asked_at": decided, "step": 1, "stage": "intake"}
    store.seed_complaint(replace(store.existing_complaint(CASE), pending_question=pending, updated_at=decided))
    wa.world.now = START + timedelta(minutes=5)
    wa.handle("information_requested", "ask-1", step=1)


def test_a_question_waits_for_the_citizens_next_message_as_its_answer(wa):
    wa.wrote(hours_ago=0.5)
    _ask(wa, "Puskesmas yang mana?\nMohon sebutkan desanya.")
    question = wa.api.sent[-1]
    assert question["type"] == "text"
    assert "Puskesmas yang mana?\nMohon sebutkan desanya." in question["text"]
    assert "Balas pesan ini dengan jawaban Anda" in question["text"]
    expires = wa.world.store.existing_work_item(CASE, 1).info_expires_at
    assert expires == iso(START + timedelta(minutes=3 + 120))
    assert wa.records.awaiting_reply(PHONE) == (Awaiting(ANSWER, CASE, NUMBER), expires)
    assert [e.text for e in wa.records.thread(CASE)][-1] == question["text"]


def test_a_question_outside_the_window_carries_its_text_on_one_line(wa):
    _ask(wa, "Puskesmas yang mana?\n\tMohon   sebutkan desanya.")
    question = wa.api.sent[-1]
    assert question["template"] == "aspirasi_pertanyaan"
    assert question["parameters"] == [NUMBER, "Puskesmas yang mana? Mohon sebutkan desanya."]
    assert wa.records.awaiting_reply(PHONE) is not None


def test_the_reply_carries_the_answer_and_asks_for_a_rating_until_the_feedback_window_ends(wa):
    wa.wrote(hours_ago=3)
    wa.world.store.seed_complaint(a_complaint(stage="reply", step=5, reply="Antrean kini dibuka pukul 07.00."))
    wa.handle("reply_delivered", "reply-1", step=5)
    [reply] = wa.api.sent
    assert reply["type"] == "text"
    assert "Antrean kini dibuka pukul 07.00." in reply["text"]
    assert reply["text"].splitlines()[-1].startswith("Balas angka 1–5")
    ends = wa.world.store.existing_complaint(CASE).feedback_ends_at
    assert ends == iso(START + timedelta(minutes=30))
    assert wa.records.awaiting_reply(PHONE) == (Awaiting(RATING, CASE, NUMBER), ends)


def test_the_reply_outside_the_window_is_the_reply_template_with_the_answer(wa):
    wa.world.store.seed_complaint(a_complaint(stage="reply", step=5, reply="Sudah\nditangani."))
    wa.handle("reply_delivered", "reply-1", step=5)
    [reply] = wa.api.sent
    assert (reply["template"], reply["parameters"]) == ("aspirasi_jawaban", [NUMBER, "Sudah ditangani."])
    assert "Balas angka 1–5" in wa.records.thread(CASE)[0].text
    record = wa.world.store.get_email(CASE, "wa:reply")
    assert record is not None and record.subject == f"Laporan {NUMBER} sudah dijawab:"  # not the answer's text


# -- every piece of news tell_citizen sends ------------------------------------------------------------------------
NEWS = {
    "received": ({}, "aspirasi_diterima"),
    "question": ({"question": "Di desa mana?", "expires_at": iso(START + timedelta(days=14))}, "aspirasi_pertanyaan"),
    "question_reminder": (
        {"question": "Di desa mana?", "expires_at": iso(START + timedelta(days=14))},
        "aspirasi_pertanyaan",
    ),
    "reply": ({}, "aspirasi_jawaban"),
    "rejected": ({}, "aspirasi_kabar"),
    "duplicate": ({"original": "KT-AAAA-BBBB"}, "aspirasi_kabar"),
    "unanswered": ({}, "aspirasi_kabar"),
}


def _told_in_the_workflow() -> set[str]:
    """The news the workflow's ``tell_citizen`` calls name (their third argument, a literal)."""
    import ast
    from pathlib import Path

    told = set()
    for path in (Path(__file__).parents[2] / "chalicelib" / "service" / "workflow").glob("*.py"):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "tell_citizen":
                assert isinstance(call.args[2], ast.Constant), f"{path.name}: tell_citizen with a template not literal"
                told.add(str(call.args[2].value))
    return told


def test_every_piece_of_news_has_a_text_and_a_template():
    from chalicelib.rendering import TEMPLATES

    told = _told_in_the_workflow()
    assert {"received", "reply"} <= told  # the search works
    assert told == set(NEWS) == set(whatsapp_out.KIND_OF)
    assert {p.stem for p in (TEMPLATES / "whatsapp").glob("*.txt")} == told


@pytest.mark.parametrize("template", sorted(NEWS))
def test_each_piece_of_news_is_short_plain_indonesian_text_or_its_template(wa, template):
    extra, approved = NEWS[template]
    wa.world.store.seed_complaint(
        a_complaint(reply="Sudah ditangani.", close_reason="Bukan kewenangan Pemprov.", feedback_ends_at=iso(START))
    )
    wa.wrote(hours_ago=1)
    outbox.tell_citizen(wa.world.svc, CASE, template, **extra)
    wa.records.inbound_at.clear()
    outbox.tell_citizen(wa.world.svc, CASE, template, key=f"{template}-later", **extra)
    text, later = wa.api.sent
    assert text["type"] == "text" and NUMBER in text["text"]
    assert len(text["text"]) < 600 and "<" not in text["text"] and "{" not in text["text"]
    assert "None" not in text["text"] and "\n\n\n" not in text["text"]
    assert (later["type"], later["template"], later["parameters"][0]) == ("template", approved, NUMBER)
    if template == "duplicate":
        assert "cek KT-AAAA-BBBB" in text["text"]


def test_a_confidential_case_keeps_its_title_out_of_the_message(wa):
    wa.world.store.seed_complaint(a_complaint(confidential=True))
    wa.wrote(hours_ago=1)
    wa.enter()
    assert "Antrean puskesmas" not in wa.api.sent[0]["text"]


def test_a_long_answer_is_cut_to_fit_a_template_parameter():
    assert whatsapp_out.one_line("kata " * 500).endswith("…")
    assert len(whatsapp_out.one_line("kata " * 500)) == whatsapp_out.PARAMETER_MAX
    assert whatsapp_out.one_line("  ") == "-"


# -- Meta's answers, told apart (adapters/whatsapp_api.py; over HTTP: tests/integration/test_whatsapp_graph_api.py) --
@pytest.mark.parametrize(
    ("status", "code", "permanent"),
    [
        (400, 131026, True),  # undeliverable
        (400, 131047, True),  # free text outside the window
        (400, 100, True),
        (400, 132001, True),  # a template Meta does not know
        (400, 132015, True),  # a paused template
        (400, 132069, False),  # a flow throttled
        (400, 130429, False),  # throttled, as Meta sometimes answers it
        (429, 131056, False),
        (429, 100, False),
        (401, 190, False),  # our token: ours to fix, the message waits for it
        (500, 131000, False),
        (503, 131026, False),
        (400, None, False),  # an answer we cannot read is not a refusal
        (400, 131042, False),  # a payment problem: ours to fix
    ],
)
def test_only_a_refusal_of_this_message_is_permanent(status, code, permanent):
    from chalicelib.adapters.whatsapp_api import is_permanent

    assert is_permanent(status, code) is permanent
