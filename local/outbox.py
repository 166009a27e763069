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
    """Oldest first: ``{id, to, subject, text, html, sent_at}``."""
    out = []
    for sent in list(ses_backends[DEFAULT_ACCOUNT_ID][region].sent_messages):
        raw = getattr(sent, "raw_data", None)
        if raw is None:
            continue
        parsed = email.message_from_string(raw, policy=policy.default)
        text = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        out.append({
            "id": sent.id,
            "to": list(dict.fromkeys(sent.destinations)),  # moto lists header and envelope recipients
            "subject": str(parsed["Subject"] or ""),
            "text": text.get_content() if text else "",
            "html": html.get_content() if html else "",
            "sent_at": parsedate_to_datetime(parsed["Date"]).isoformat() if parsed["Date"] else None,
        })
    return out


def action_tokens(message: dict) -> list[str]:
    return LINK.findall(message["text"])
