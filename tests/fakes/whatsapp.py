"""Fakes of the WhatsApp ports (service/ports.py): the Cloud API, and what the channel keeps. The fast use-case
tests drive them; integration tests use the real adapters on moto and the local stand-in Graph API."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from chalicelib.domain.whatsapp import Awaiting, ThreadEntry
from chalicelib.service.ports import Missing


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
        return self.inbound_at.get(phone)

    def expect_reply(self, phone: str, awaiting: Awaiting, until: str) -> None:
        self.awaiting[phone] = (awaiting, until)

    def record_thread(self, complaint_id: str, entries: Sequence[ThreadEntry]) -> None:
        thread = self.threads.setdefault(complaint_id, {})
        for entry in entries:
            thread.setdefault(entry.message_id, entry)

    def thread(self, complaint_id: str) -> list[ThreadEntry]:
        return sorted(self.threads.get(complaint_id, {}).values(), key=lambda e: (e.at, e.message_id))
