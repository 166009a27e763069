"""Fakes of the WhatsApp ports (service/ports.py): the Cloud API, and what the channel keeps. The fast use-case
tests drive them; integration tests use the real adapters on moto and the local stand-in Graph API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from chalicelib.domain.whatsapp import Awaiting, Conversation, Status, ThreadEntry
from chalicelib.service.ports import ConditionFailed, Missing, StoredConversation

# As adapters/whatsapp_store.py ranks them: a status callback never moves an entry back to an earlier status.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}


@dataclass
class FakeWhatsAppApi:
    """Records what was sent, oldest first: ``{id, to, type: text|template, text?, template?, parameters?}``."""

    sent: list[dict] = field(default_factory=list)
    media_files: dict[str, tuple[bytes, str]] = field(default_factory=dict)

    def _id(self) -> str:
        return f"wamid.fake{len(self.sent) + 1:06d}"

    def send_text(self, to: str, text: str) -> str:
        message = {"id": self._id(), "to": to, "type": "text", "text": text}
        self.sent.append(message)
        return message["id"]

    def send_template(self, to: str, name: str, language: str, parameters: Sequence[str]) -> str:
        wamid = self._id()
        message = {
            "id": wamid,
            "to": to,
            "type": "template",
            "template": name,
            "language": language,
            "parameters": list(parameters),
        }
        self.sent.append(message)
        return wamid

    def media(self, media_id: str) -> tuple[bytes, str]:
        if media_id not in self.media_files:
            raise Missing(media_id)
        return self.media_files[media_id]

    def to(self, phone: str) -> list[dict]:
        return [m for m in self.sent if m["to"] == phone]


@dataclass
class InMemoryWhatsAppRecords:
    """The WhatsAppRecords port in dicts."""

    inbound_at: dict[str, str] = field(default_factory=dict)  # phone -> last inbound ISO time
    awaiting: dict[str, tuple[Awaiting, str]] = field(default_factory=dict)  # phone -> (awaiting, until)
    threads: dict[str, dict[str, ThreadEntry]] = field(default_factory=dict)  # complaint -> message id -> entry

    def last_inbound_at(self, phone: str) -> str | None:
        if phone in self.conversations and self.conversation(phone) is None:
            return None  # the record's 24 hours ran out (as the DynamoDB adapter answers before the TTL deletes it)
        return self.inbound_at.get(phone)

    def expect_reply(self, phone: str, awaiting: Awaiting, until: str) -> None:
        self.awaiting[phone] = (awaiting, until)

    def record_thread(self, complaint_id: str, entries: Sequence[ThreadEntry]) -> None:
        thread = self.threads.setdefault(complaint_id, {})
        for entry in entries:
            thread.setdefault(entry.message_id, entry)

    def thread(self, complaint_id: str) -> list[ThreadEntry]:
        return sorted(self.threads.get(complaint_id, {}).values(), key=lambda e: (e.at, e.message_id))

    conversations: dict[str, tuple[StoredConversation, int]] = field(default_factory=dict)  # phone -> (it, expires)
    message_ids: set[str] = field(default_factory=set)
    statuses: list[tuple[Status, str]] = field(default_factory=list)
    clock: int | None = None  # epoch seconds "now" for expiry; None: records never expire

    def conversation(self, phone: str) -> StoredConversation | None:
        found = self.conversations.get(phone)
        if found is None or (self.clock is not None and found[1] <= self.clock):
            return None
        return found[0]

    def save_turn(
        self,
        phone: str,
        message_id: str,
        at: str,
        conversation: Conversation | None,
        expected_version: int | None,
        expires_at: int,
        clear_awaiting: bool = False,
    ) -> None:
        seen = message_id in self.message_ids
        current = self.conversation(phone)  # a record past its expiry is no record: a new conversation may start
        version = current.version if current is not None else None
        moved = version != expected_version
        if seen or moved:
            raise ConditionFailed(
                ["ConditionalCheckFailed" if seen else "None", "ConditionalCheckFailed" if moved else "None"]
            )
        self.message_ids.add(message_id)
        self.conversations[phone] = (StoredConversation(conversation, (version or 0) + 1, at), expires_at)
        self.inbound_at[phone] = at
        if clear_awaiting:
            self.awaiting.pop(phone, None)

    def seen(self, message_id: str) -> bool:
        return message_id in self.message_ids

    def awaiting_reply(self, phone: str) -> tuple[Awaiting, str] | None:
        return self.awaiting.get(phone)

    def record_status(self, status: Status, at: str) -> None:
        self.statuses.append((status, at))
        rank = STATUS_RANK.get(status.status)
        for thread in self.threads.values():
            entry = thread.get(status.id)
            # callbacks come out of order: a status never goes back (read stays read after a late "delivered")
            if entry is not None and entry.direction == "out" and rank is not None:
                if STATUS_RANK.get(entry.status or "", 0) < rank:
                    thread[status.id] = replace(entry, status=status.status)
