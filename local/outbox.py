"""Every email SES (moto) accepted, in the shape of the outbox contract (DESIGN.md §3)."""

from __future__ import annotations

import email
import re
from email import policy
from email.utils import parsedate_to_datetime

from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

LINK = re.compile(r"/actions/([A-Za-z0-9_\-]+)")


def sent_emails(region: str) -> list[dict]:
    """Oldest first: ``{id, to, subject, text, html, sent_at, attachments: [{filename, content_type, size}]}``."""
    out = []
    for sent in list(ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages):
        raw = getattr(sent, "raw_data", None)
        if raw is None:
            continue
        parsed = email.message_from_string(raw, policy=policy.default)
        text = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        out.append(
            {
                "id": sent.id,
                "to": list(dict.fromkeys(sent.destinations)),  # moto lists header and envelope recipients
                # A long ASCII subject may be folded right after "Subject:"; unfolded, that leaves a space.
                "subject": str(parsed["Subject"] or "").strip(),
                "text": text.get_content() if text else "",
                "html": html.get_content() if html else "",
                "sent_at": parsedate_to_datetime(parsed["Date"]).isoformat() if parsed["Date"] else None,
                "attachments": [
                    {
                        "filename": part.get_filename(),
                        "content_type": part.get_content_type(),
                        "size": len(part.get_payload(decode=True) or b""),
                    }
                    for part in parsed.iter_attachments()
                ],
            }
        )
    return out


def attachment(region: str, message_id: str, filename: str) -> bytes | None:
    """The bytes of one attached file of a message SES (moto) accepted."""
    for sent in list(ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages):
        if sent.id == message_id and getattr(sent, "raw_data", None) is not None:
            parsed = email.message_from_string(sent.raw_data, policy=policy.default)
            for part in parsed.iter_attachments():
                if part.get_filename() == filename:
                    payload = part.get_payload(decode=True)  # an attachment's part: its bytes
                    return payload if isinstance(payload, bytes) else None
    return None


def action_tokens(message: dict) -> list[str]:
    return LINK.findall(message["text"])
