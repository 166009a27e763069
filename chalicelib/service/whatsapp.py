"""What a citizen's WhatsApp messages do (the consumer of the WhatsApp queue calls ``handle_delivery``).

Each message is handled once: the dialogue (domain/whatsapp_dialogue.py, pure) turns it and the phone's open
conversation into replies and at most one action; the action is done (idempotent: a complaint is created once per
conversation, an answer or a rating once per case); the replies are sent; then the turn is saved in one
conditional write with the message's id (``WhatsAppRecords.save_turn``). A crash before the save re-runs the
message when SQS delivers it again: the chat replies may go twice, the complaint is made once. Two messages of
one phone handled at once: the second save finds the conversation moved and runs its message again on top.

Logs carry ids and step names only, never a message's text or a phone number.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from ..domain import whatsapp_dialogue as dialogue
from ..domain.errors import AlreadyRated, DomainError, NoQuestionPending, SubmissionLimitReached, ValidationFailed
from ..domain.files import PENDING, object_key
from ..domain.records import Complaint
from ..domain.timestamps import iso, parse_iso
from ..domain.whatsapp import (
    CONVERSATION_HOURS,
    AnswerQuestion,
    Awaiting,
    CheckStatus,
    Conversation,
    Delivery,
    Message,
    Rate,
    Submit,
    ThreadEntry,
    Turn,
)
from . import attachments, complaints, followup, status_check
from .container import Services
from .ports import ConditionFailed, MessageRejected, Missing

log = logging.getLogger(__name__)

_ATTEMPTS = 3  # runs of one message whose save finds the conversation moved by another message of the phone
_CHECKED = "ConditionalCheckFailed"
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png"}


class ConversationKeptMoving(RuntimeError):
    """Other messages of the phone kept changing its conversation: SQS delivers this one again later."""


def handle_delivery(svc: Services, delivery: Delivery) -> None:
    """One webhook POST's statuses and messages (messages oldest first). Raises only what is worth a retry."""
    if svc.whatsapp is None or svc.whatsapp_records is None:
        log.warning("whatsapp channel off: delivery dropped", extra={"messages": len(delivery.messages)})
        return
    now = iso(svc.now())
    for status in delivery.statuses:
        svc.whatsapp_records.record_status(status, now)
    for message in sorted(delivery.messages, key=lambda m: (m.timestamp, m.id)):
        handle_message(svc, message)


def handle_message(svc: Services, message: Message) -> None:
    for _ in range(_ATTEMPTS):
        if _run(svc, message):
            return
        log.info(
            "whatsapp conversation moved meanwhile: running the message again", extra={"message_ref": _ref(message.id)}
        )
    raise ConversationKeptMoving(f"conversation kept moving while handling message {_ref(message.id)}")


@dataclass
class _Outcome:
    """What the action made of the turn: replies to send, thread entries, the conversation to keep."""

    replies: list[str] = field(default_factory=list)
    case: str | None = None  # the complaint whose thread the message (and the replies) go on
    before: list[ThreadEntry] = field(default_factory=list)  # entries recorded before the replies
    keep_draft: bool = False  # the submission was refused: the conversation stays at its summary
    awaiting_used: bool = False


def _run(svc: Services, message: Message) -> bool:
    """One run of a message; False when its save found the conversation moved (run it again)."""
    records, phone = svc.whatsapp_records, message.phone
    assert records is not None and svc.whatsapp is not None
    if records.seen(message.id):
        log.info("whatsapp message seen before", extra={"message_ref": _ref(message.id)})
        return True
    moment = svc.now()
    stored = records.conversation(phone)
    conversation = stored.conversation if stored is not None else None
    awaiting = _awaiting(records.awaiting_reply(phone), moment)
    # The transcript keeps the message's own time, as its thread entry does: a re-run writes the same entries.
    turn = dialogue.respond(conversation, awaiting, message.inbound, _message_time(message), new_id=lambda: uuid4().hex)
    log.info(
        "whatsapp turn",
        extra={
            "message_ref": _ref(message.id),
            "step_before": conversation.step if conversation else None,
            "step_after": turn.conversation.step if turn.conversation else None,
            "action": type(turn.action).__name__ if turn.action else None,
        },
    )
    outcome = _act(svc, message, conversation, turn, moment)
    if outcome.case is not None and outcome.before:
        records.record_thread(outcome.case, outcome.before)
    # The action's own reply first (the tracking number, the status), then the dialogue's ("Lanjutkan ...").
    sent = _send(svc, phone, [*outcome.replies, *turn.replies])
    if outcome.case is not None and sent:
        # A millisecond apart, after the message they answer: the thread reads in order whatever the wamids.
        records.record_thread(
            outcome.case,
            [
                ThreadEntry(iso(moment + timedelta(milliseconds=n)), "out", text, wamid)
                for n, (wamid, text) in enumerate(sent, 1)
            ],
        )
    keep = conversation if outcome.keep_draft else turn.conversation
    try:
        records.save_turn(
            phone,
            message.id,
            _message_time(message),
            keep,
            stored.version if stored is not None else None,
            expires_at=int((moment + timedelta(hours=CONVERSATION_HOURS)).timestamp()),
            # Used up: by the action it asked for, or by a message that was not one (a rating never traps).
            clear_awaiting=turn.awaiting_used and (turn.action is None or outcome.awaiting_used),
        )
        svc.metrics.count("WhatsAppMessages")  # once a message's turn is saved: handled once, counted once
    except ConditionFailed as failed:
        seen, moved = [*failed.reasons, None, None][:2]
        if seen == _CHECKED:
            log.info("whatsapp message saved by another run", extra={"message_ref": _ref(message.id)})
            return True
        if moved == _CHECKED:
            return False
        raise
    return True


def _awaiting(found: tuple[Awaiting, str] | None, now: datetime) -> Awaiting | None:
    """What the phone's next message answers, unless its time ran out."""
    if found is None:
        return None
    awaiting, until = found
    return awaiting if parse_iso(until) > now else None


def _message_time(message: Message) -> str:
    return iso(datetime.fromtimestamp(message.timestamp, UTC))


def _send(svc: Services, phone: str, texts: list[str]) -> list[tuple[str, str]]:
    """Send each reply (best effort: a number refused for good is logged); (wamid, text) of those sent."""
    assert svc.whatsapp is not None
    sent = []
    for text in texts:
        try:
            sent.append((svc.whatsapp.send_text(phone, text), text))
        except MessageRejected:
            log.warning("whatsapp reply refused by the Cloud API")
    return sent


def _act(svc: Services, message: Message, conversation: Conversation | None, turn: Turn, moment: datetime) -> _Outcome:
    action = turn.action
    if isinstance(action, Submit):
        return _submit(svc, message, conversation, action, moment, turn.extra.get("transcript"))
    if isinstance(action, CheckStatus):
        return _check(svc, message, action, moment)
    if isinstance(action, AnswerQuestion):
        return _answer(svc, message, action, moment)
    if isinstance(action, Rate):
        return _rate(svc, message, action, moment)
    return _Outcome()


# -- KIRIM: the complaint, its photos, its thread ----------------------------------------------------------
def _submit(
    svc: Services,
    message: Message,
    conversation: Conversation | None,
    action: Submit,
    moment: datetime,
    transcript: Any = None,
) -> _Outcome:
    try:
        complaint, created = complaints.submit_by_whatsapp(
            svc, message.phone, message.profile_name, action.payload, action.conversation_id
        )
    except ValidationFailed as refused:
        log.info(
            "whatsapp submission refused", extra={"message_ref": _ref(message.id), "errors": _codes(refused.errors)}
        )
        return _Outcome([dialogue.submit_refused(refused.errors)], keep_draft=True)
    except SubmissionLimitReached:
        log.info("whatsapp submission rate limited", extra={"message_ref": _ref(message.id)})
        return _Outcome([dialogue.submit_refused([{"code": "rate_limited"}])], keep_draft=True)
    log.info(
        "whatsapp complaint submitted",
        extra={"message_ref": _ref(message.id), "complaint_id": complaint.id, "created": created},
    )
    for index, (media_id, mime_type) in enumerate(action.photos, 1):
        _attach_photo(svc, complaint, message, index, media_id, mime_type, action.conversation_id)
    # The dialogue hands the whole transcript over, ending with this KIRIM (the conversation itself is closed).
    whole = transcript is not None
    if not whole:
        transcript = conversation.transcript if conversation is not None else ()
    entries = [
        ThreadEntry(when, direction, text, f"{action.conversation_id}:{n:04d}")
        for n, (when, direction, text) in enumerate(transcript)
    ]
    if whole and entries:  # its last entry is this KIRIM: keyed by its own message id, as any message in
        entries[-1] = replace(entries[-1], at=_message_time(message), message_id=message.id)
    else:
        entries.append(_inbound_entry(message, moment))
    return _Outcome([dialogue.submitted(complaint.tracking_number)], case=complaint.id, before=entries)


def photo_attachment_id(complaint: Complaint, conversation_id: str, media_id: str) -> str:
    """The attachment id of a photo sent with a report: 24 hex digits that sort by time like
    ``attachments.new_attachment_id`` (the complaint's creation in milliseconds), then a digest of the report's
    conversation and the media id. Both are the complaint's own, so a KIRIM delivered again, or sent twice and
    handled at once, reserves the same attachment, not a second one."""
    created_ms = int(parse_iso(complaint.created_at).timestamp() * 1000)
    digest = hashlib.sha256(f"{conversation_id}\n{media_id}".encode()).hexdigest()[:12]
    return f"{created_ms:012x}{digest}"


def _attach_photo(
    svc: Services, complaint: Complaint, message: Message, index: int, media_id: str, mime: str, conversation_id: str
) -> None:
    """Fetch a photo from the Graph API and hand it to the attachment pipeline: a reserved attachment, the bytes
    at its upload key; the uploads queue then checks it and removes its EXIF as for a browser's upload."""
    assert svc.whatsapp is not None
    if svc.uploads is None:
        log.warning("whatsapp photo not kept: attachments not configured", extra={"complaint_id": complaint.id})
        return
    attachment_id = photo_attachment_id(complaint, conversation_id, media_id)
    existing = svc.store.get_attachment(complaint.id, attachment_id)
    if existing is not None and existing.status != PENDING:
        return  # checked already (a redelivered KIRIM)
    try:
        data, content_type = svc.whatsapp.media(media_id)
    except Missing:
        log.warning("whatsapp photo gone from the Graph API", extra={"attachment_id": attachment_id})
        return
    content_type = content_type or mime
    key = object_key(complaint.id, attachment_id)
    if existing is None:
        filename = f"whatsapp-{index}.{_EXTENSIONS.get(content_type, 'bin')}"
        try:
            attachments.reserve(
                svc,
                complaint.id,
                attachment_id,
                filename,
                content_type,
                len(data),
                f"whatsapp:{message.phone}",
                svc.now(),
            )
        except ConditionFailed:
            if svc.store.get_attachment(complaint.id, attachment_id) is None:
                log.warning("whatsapp photo not kept: case full or closed", extra={"attachment_id": attachment_id})
                return
    svc.uploads.put_upload(key, data, content_type)
    log.info("whatsapp photo handed to the uploads check", extra={"attachment_id": attachment_id})


# -- cek, answers, ratings ---------------------------------------------------------------------------------
def _check(svc: Services, message: Message, action: CheckStatus, moment: datetime) -> _Outcome:
    try:
        view = status_check.track(svc, action.tracking_number, client=f"whatsapp:{message.phone}")
    except status_check.UnknownTrackingNumber:
        return _Outcome([dialogue.not_found(action.tracking_number)])
    except status_check.TrackingLimited:
        log.info("whatsapp status check rate limited", extra={"message_ref": _ref(message.id)})
        return _Outcome([dialogue.submit_refused([{"code": "rate_limited"}])])
    complaint = svc.store.complaint_by_tracking_number(view["tracking_number"])
    own = complaint is not None and complaint.citizen_phone == message.phone
    if own and complaint is not None and complaint.answered_at and complaint.reply:
        view = {**view, "answer": complaint.reply}  # the reporter may read the reply; anyone else only the status
    outcome = _Outcome([dialogue.status_reply(view, own)])
    if own and complaint is not None:
        outcome.case, outcome.before = complaint.id, [_inbound_entry(message, moment)]
    return outcome


def _answer(svc: Services, message: Message, action: AnswerQuestion, moment: datetime) -> _Outcome:
    complaint = _reporters_case(svc, message, action.complaint_id)
    if complaint is None:
        return _Outcome([dialogue.menu()], awaiting_used=True)
    try:
        followup.answer_question(svc, complaint, {"answer": action.answer}, f"whatsapp:{message.phone}")
    except ValidationFailed as refused:  # too long, say: the question still waits for an answer
        return _Outcome(
            [dialogue.submit_refused(refused.errors)], case=complaint.id, before=[_inbound_entry(message, moment)]
        )
    except NoQuestionPending:
        return _Outcome([dialogue.menu()], awaiting_used=True)
    log.info("whatsapp answer recorded", extra={"message_ref": _ref(message.id), "complaint_id": complaint.id})
    return _Outcome(
        [dialogue.answer_recorded(complaint.tracking_number)],
        case=complaint.id,
        before=[_inbound_entry(message, moment)],
        awaiting_used=True,
    )


def _rate(svc: Services, message: Message, action: Rate, moment: datetime) -> _Outcome:
    complaint = _reporters_case(svc, message, action.complaint_id)
    if complaint is None:
        return _Outcome([dialogue.menu()], awaiting_used=True)
    try:
        followup.rate_by_whatsapp(svc, complaint, action.stars, f"whatsapp:{message.phone}")
    except AlreadyRated:
        pass  # rated by this very message before a crash, or by another way: the same thanks
    except DomainError as refused:  # not answered (yet, or reopened), an out-of-range score
        log.info("whatsapp rating refused", extra={"message_ref": _ref(message.id), "code": refused.code})
        return _Outcome([dialogue.menu()], awaiting_used=True)
    log.info("whatsapp rating recorded", extra={"message_ref": _ref(message.id), "complaint_id": complaint.id})
    return _Outcome(
        [dialogue.rated(action.stars)], case=complaint.id, before=[_inbound_entry(message, moment)], awaiting_used=True
    )


def _reporters_case(svc: Services, message: Message, complaint_id: str) -> Complaint | None:
    """The case the phone's message answers, if it is the phone's own (the awaiting item says which)."""
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None or complaint.citizen_phone != message.phone:
        log.warning("whatsapp awaiting names a case not of this phone", extra={"complaint_id": complaint_id})
        return None
    return complaint


def _inbound_entry(message: Message, moment: datetime) -> ThreadEntry:
    """The citizen's message on the case's thread, at its own time (Meta's timestamp): a run of it again keys the
    same entry (``<at>#<message id>``), so a redelivery or a re-run does not show it twice."""
    return ThreadEntry(_message_time(message), "in", message.inbound.text, message.id, kind=message.inbound.kind)


def _ref(message_id: str) -> str:
    """What the logs name a message by: a wamid is base64 of data holding the sender's number."""
    return hashlib.sha256(message_id.encode()).hexdigest()[:12]


def _codes(errors: list[dict]) -> list[str]:
    return [str(e.get("code")) for e in errors]
