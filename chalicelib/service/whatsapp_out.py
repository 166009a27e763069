"""A case's news to its citizen on WhatsApp: the receipt, a question and its reminder, the reply, a refusal, a
duplicate, a case closed unanswered (service/workflow/outbox.py ``tell_citizen`` sends each once).

Within 24 hours of the citizen's last message WhatsApp allows free text (templates/whatsapp/<name>.txt);
outside it only a template Meta approved (Settings ``whatsapp_*_template``), with the tracking number as
{{1}} and, for a question or the reply, its text as {{2}}: the citizen must read what they are asked to answer
or rate. APPROVED_TEXTS holds the texts to submit for approval (docs' runbook), and what a case's thread shows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from ..config import Settings
from ..domain.records import Complaint
from ..domain.submission import WHATSAPP
from ..domain.timestamps import iso, parse_iso
from ..domain.whatsapp import ANSWER, CONVERSATION_HOURS, RATING, TEXT, Awaiting, ThreadEntry
from ..rendering import render_whatsapp
from .container import Services
from .links import RATING_LINK_DAYS
from .ports import SentEmail, WhatsAppApi, WhatsAppRecords
from .views import case_context

log = logging.getLogger(__name__)

TEMPLATE = "template"  # ThreadEntry.kind of a message sent as an approved template
RECEIPT, QUESTION, REPLY, UPDATE = "receipt", "question", "reply", "update"
# Which approved template carries each piece of news outside the 24-hour window.
KIND_OF = {
    "received": RECEIPT,
    "question": QUESTION,
    "question_reminder": QUESTION,
    "reply": REPLY,
    "rejected": UPDATE,
    "duplicate": UPDATE,
    "unanswered": UPDATE,
}
# The bodies to have approved (Indonesian, category "utility"): {{1}} the tracking number, {{2}} the text.
APPROVED_TEXTS = {
    RECEIPT: "Laporan Anda sudah kami terima dengan nomor {{1}}. Kabar laporan akan kami kirim lewat WhatsApp ini. "
    "Ketik cek {{1}} untuk melihat statusnya.",
    QUESTION: "Petugas memerlukan keterangan tambahan untuk laporan {{1}}: {{2}} Balas pesan ini dengan jawaban Anda.",
    REPLY: "Laporan {{1}} sudah dijawab: {{2}} Balas angka 1–5 untuk menilai jawaban ini (1 = tidak membantu, "
    "5 = sangat membantu).",
    UPDATE: "Ada kabar tentang laporan {{1}}. Ketik cek {{1}} untuk membacanya.",
}
PARAMETER_MAX = 700  # characters of {{2}}: the approved body with its parameters stays far below Meta's limits
TEXT_MAX = 4096  # Meta's limit of a text message's body


def template_name(settings: Settings, kind: str) -> str:
    return {
        RECEIPT: settings.whatsapp_receipt_template,
        QUESTION: settings.whatsapp_question_template,
        REPLY: settings.whatsapp_reply_template,
        UPDATE: settings.whatsapp_update_template,
    }[kind]


def reaches(svc: Services, complaint: Complaint) -> bool:
    """Whether the case's news goes to its citizen on WhatsApp: a WhatsApp report, a phone, the channel on."""
    return bool(
        complaint.channel == WHATSAPP
        and complaint.citizen_phone
        and svc.whatsapp is not None
        and svc.whatsapp_records is not None
    )


def within_window(last_inbound_at: str | None, now: datetime) -> bool:
    """Free text is allowed for 24 hours after the citizen's last message (a minute's margin for clocks)."""
    if not last_inbound_at:
        return False
    return now - parse_iso(last_inbound_at) < timedelta(hours=CONVERSATION_HOURS) - timedelta(minutes=1)


def one_line(text: str | None, limit: int = PARAMETER_MAX) -> str:
    """A template parameter: Meta refuses new lines, tabs and long runs of spaces in one."""
    flat = re.sub(r"\s+", " ", text or "").strip() or "-"
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def context(
    svc: Services, complaint: Complaint, template: str, extra: dict[str, Any], last_inbound_at: str | None
) -> dict[str, Any]:
    """What the sender needs, computed before the claim (no AWS call): the text's context, whether the window is
    open, and what the case then awaits from the citizen (an answer until the question's deadline, a rating
    until the feedback window ends)."""
    now = svc.now()
    awaiting: dict[str, str] | None = None
    if template in ("question", "question_reminder") and extra.get("expires_at"):
        awaiting = {"kind": ANSWER, "until": str(extra["expires_at"])}
    elif template == "reply":
        until = complaint.feedback_ends_at or iso(now + timedelta(days=RATING_LINK_DAYS))
        awaiting = {"kind": RATING, "until": until}
    return {
        "c": case_context(complaint),
        "complaint_id": complaint.id,
        "window_open": within_window(last_inbound_at, now),
        "awaiting": awaiting,
        **extra,
    }


class WhatsAppSender:
    """Notifier-shaped (service/ports.Notifier), so send_once sends WhatsApp as it sends email: ``to`` is the
    citizen's phone, ``template`` the news (KIND_OF), ``context`` from ``context()``."""

    def __init__(self, api: WhatsAppApi, records: WhatsAppRecords, settings: Settings, now: Callable[[], datetime]):
        self.api, self.records, self.settings, self.now = api, records, settings, now

    def send(
        self, to: Sequence[str], template: str, context: dict, attachments: Sequence[tuple[str, str, bytes]] = ()
    ) -> SentEmail:
        phone = to[0]
        case = context["c"]
        awaiting = context.get("awaiting")
        if awaiting:
            # Before the message: a citizen who answers at once must find the case waiting for it. Idempotent,
            # and a failure here fails the send before anything went out (no message twice).
            self.records.expect_reply(
                phone, Awaiting(awaiting["kind"], context["complaint_id"], case["tracking_number"]), awaiting["until"]
            )
        if context["window_open"]:
            shown = render_whatsapp(template, context)[:TEXT_MAX]
            wamid, kind = self.api.send_text(phone, shown), TEXT
        else:
            news = KIND_OF[template]
            parameters = [case["tracking_number"]]
            if news == QUESTION:
                parameters.append(one_line(context.get("question")))
            elif news == REPLY:
                parameters.append(one_line(case.get("reply")))
            name = template_name(self.settings, news)
            wamid = self.api.send_template(phone, name, self.settings.whatsapp_template_language, parameters)
            shown, kind = filled(APPROVED_TEXTS[news], parameters), TEMPLATE
        self._thread(context["complaint_id"], ThreadEntry(iso(self.now()), "out", shown, wamid, kind))
        return SentEmail(wamid, subject(shown) or template)

    def _thread(self, complaint_id: str, entry: ThreadEntry) -> None:
        """The message in the case's thread, best effort: it is out, and failing now would send it again."""
        for attempt in range(3):
            try:
                self.records.record_thread(complaint_id, [entry])
                return
            except Exception:
                if attempt == 2:
                    log.warning("a WhatsApp message of complaint %s is sent but missing from its thread", complaint_id)


def subject(text: str) -> str:
    """What the audit trail and the outbox record call the message: its first line, up to a colon (what follows
    is a question's or an answer's text, which the trail need not repeat)."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    head, colon, _ = first.partition(":")
    return (head + colon)[:160]


def filled(body: str, parameters: Sequence[str]) -> str:
    """An approved template's body as the citizen reads it."""
    for number, value in enumerate(parameters, start=1):
        body = body.replace(f"{{{{{number}}}}}", value)
    return body
