"""The WhatsApp channel's vocabulary, shared by the webhook's parser (domain/whatsapp_webhook.py), the dialogue
(domain/whatsapp_dialogue.py) and the use cases (service/whatsapp.py). Pure data: no AWS, no HTTP.

A citizen writes; Meta's Cloud API posts each message to our webhook; the dialogue turns one message and the
phone's open conversation into a reply and, at most, one action on a case (submit, check, answer, rate).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

TEXT, LOCATION, IMAGE, OTHER = "text", "location", "image", "other"
# An abandoned conversation is forgotten 24 hours after the citizen's last message (the table's TTL), the same
# span as WhatsApp's customer-service window, in which free text may be sent without an approved template.
CONVERSATION_HOURS = 24
ANSWER, RATING = "answer", "rating"  # what a case waits for from the citizen (Awaiting.kind)


@dataclass(frozen=True)
class Inbound:
    """One message from a citizen as the dialogue sees it."""

    kind: str  # TEXT | LOCATION | IMAGE | OTHER (audio, sticker, video, document, reaction, ...)
    text: str = ""  # a text's body; an image's caption; a location's name and address
    latitude: float | None = None
    longitude: float | None = None
    media_id: str | None = None  # an image's id at the Graph API (fetched only when the report is sent)
    mime_type: str | None = None


@dataclass(frozen=True)
class Message:
    """One entry of ``value.messages[]`` of Meta's webhook payload."""

    id: str  # "wamid...." : each message is handled once
    wa_id: str  # the sender's WhatsApp id: digits of their number with country code, no "+"
    timestamp: int  # seconds since the epoch, as Meta sends it
    inbound: Inbound
    profile_name: str | None = None  # ``contacts[].profile.name``: the name the citizen chose in WhatsApp

    @property
    def phone(self) -> str:
        return f"+{self.wa_id}"


@dataclass(frozen=True)
class Status:
    """One entry of ``value.statuses[]``: what became of a message we sent."""

    id: str  # the wamid our send got back
    recipient_id: str
    status: str  # sent | delivered | read | failed
    timestamp: int
    error_code: int | None = None
    error_title: str | None = None


@dataclass(frozen=True)
class Delivery:
    """What one webhook POST carries (several messages and statuses may come in one)."""

    messages: tuple[Message, ...] = ()
    statuses: tuple[Status, ...] = ()


@dataclass(frozen=True)
class Conversation:
    """The report a citizen is writing, step by step. Stored per phone number as ``to_dict()``."""

    step: str  # the question the citizen was last asked (domain/whatsapp_dialogue.py names the steps)
    conversation_id: str = ""  # set when a report starts: KIRIM's idempotency key (one complaint per conversation)
    category: str | None = None
    subcategory: str | None = None
    title: str | None = None
    description: str | None = None
    location: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    photos: tuple[tuple[str, str], ...] = ()  # (media_id, mime_type)
    transcript: tuple[tuple[str, str, str], ...] = ()  # (iso time, "in"|"out", text): the case's thread on KIRIM

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conversation:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        known["photos"] = tuple(tuple(p) for p in known.get("photos") or ())
        known["transcript"] = tuple(tuple(t) for t in known.get("transcript") or ())
        return cls(**known)


@dataclass(frozen=True)
class Awaiting:
    """A case waiting for the citizen's next message: the answer to a question, or a rating of the reply."""

    kind: str  # ANSWER | RATING
    complaint_id: str
    tracking_number: str


# -- what a turn asks the use case to do ------------------------------------------------------------------
@dataclass(frozen=True)
class Submit:
    conversation_id: str  # the idempotency key: a redelivered KIRIM finds the first complaint
    payload: dict[str, Any]  # what POST /complaints takes (domain/submission.parse_submission)
    photos: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class CheckStatus:
    tracking_number: str


@dataclass(frozen=True)
class AnswerQuestion:
    complaint_id: str
    answer: str


@dataclass(frozen=True)
class Rate:
    complaint_id: str
    stars: int


Action = Submit | CheckStatus | AnswerQuestion | Rate


@dataclass(frozen=True)
class Turn:
    """What one message does: the conversation after it (None: nothing open), the replies to send at once, the
    action for the use case (whose own reply it composes: the tracking number, the status), and whether the
    awaiting question or rating was used up."""

    conversation: Conversation | None
    replies: tuple[str, ...] = ()
    action: Action | None = None
    awaiting_used: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ThreadEntry:
    """One message of a case's WhatsApp thread, as the staff console shows it."""

    at: str  # ISO time
    direction: str  # "in" (from the citizen) | "out" (from us)
    text: str
    message_id: str  # the wamid (ours for "out"): status callbacks find the entry by it
    kind: str = TEXT  # TEXT | LOCATION | IMAGE | "template"
    status: str | None = None  # for "out": sent | delivered | read | failed (the last callback's)
