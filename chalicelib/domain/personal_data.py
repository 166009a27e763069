"""Personal data rights under UU PDP No. 27/2022 (Pasal 5-13, 15): pure rules, no AWS.

What a citizen may correct (their name and phone, under the registration's rules), what closing an
account must be confirmed with (the account's email typed again), which fields of a complaint are
personal and erased when the account closes, and which stored values are never handed out in an
export because they are the system's secrets rather than data about the person (task tokens).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import ValidationFailed

NAME_MAX = 100  # what an account and a complaint keep of a name (LIMITS["name"] in domain/submission)
# The registration's rule for a mobile number: international format (+62...), spaces ignored.
PHONE = re.compile(r"^\+[1-9][0-9]{7,14}$")
CORRECTABLE = ("name", "phone")

# A complaint's fields that identify its reporter: erased when their account closes. The facts of
# the case (category, title, description, location, the answers, the rating) stay (Pasal 15 and
# docs/privacy.md); ``citizen_id`` goes too, which also takes the case out of the citizen index.
PERSONAL_FIELDS = ("citizen_id", "citizen_email", "citizen_name", "citizen_phone", "device_id", "account_id")
# A complaint's free text that stays, rewritten without the person (publication.erase_person) when their account
# closes: what the public reads (title, description, location, the reply, a closing reason) and what may quote
# it (the agency's answer, a reopening reason). Once the name is gone from the case, the public register could
# no longer mask it in the text; the email and phone go from the stored text too.
ERASED_TEXT_FIELDS = ("title", "description", "location", "reply", "close_reason", "opd_response", "reopen_reason")
# What an erased address becomes in the notes of emails sent (the audit keeps that an email went out).
ERASED = "(dihapus / erased)"
# What an erased file name and the erased person's account id become wherever they were written.
ERASED_FILENAME = "(dihapus)"
ERASED_ACTOR = "citizen:(dihapus)"
# How long a closed or disabled account's tokens stay refused: Cognito's longest ID token validity (a day;
# ours is an hour). Every token issued before the revocation has expired by then.
REVOCATION_SECONDS = 24 * 3600
# Stored values that are credentials of the system, not data about the person: never exported.
SECRET_FIELDS = frozenset({"feedback_token", "task_token", "answer_token", "request_fingerprint"})


@dataclass(frozen=True)
class Correction:
    """What to change on the account and on the reporter fields of the citizen's complaints.

    ``phone`` is only meaningful when ``"phone" in fields``: None then removes the number.
    """

    fields: tuple[str, ...]
    name: str | None = None
    phone: str | None = None


def parse_correction(payload: Any) -> Correction:
    """``{name?, phone?}``: at least one; a name is 1-100 characters; a phone is international
    (``+6281234567890``, spaces ignored) or null/"" to remove it. Anything else is refused.
    Validated through ``models.CorrectionRequest`` (the schema /openapi.json shows)."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    body, errors = models.errors_of(models.CorrectionRequest, payload)
    fields = tuple(f for f in CORRECTABLE if isinstance(payload, Mapping) and f in payload)
    if not fields and not errors:
        errors.append({"field": "", "code": "nothing_to_correct"})
    if errors or body is None:
        raise ValidationFailed(errors)
    return Correction(fields, body.name, body.phone)


def confirm_closure(payload: Any, account_email: str) -> None:
    """Closing an account erases what cannot be restored: the body must name the account's email
    (``{"email": "..."}``, case and surrounding spaces aside), as the page asks the citizen to type it."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    typed = models.validate(models.ClosureRequest, payload).email
    if not account_email or typed.lower() != account_email.strip().lower():
        raise ValidationFailed([{"field": "email", "code": "email_mismatch"}])


def redact_recipients(to: Iterable[str], addresses: Iterable[str | None]) -> tuple[list[str], bool]:
    """The recipients with the citizen's addresses replaced by ERASED, and whether any was."""
    erase = {a.strip().lower() for a in addresses if a}
    redacted = [ERASED if isinstance(a, str) and a.strip().lower() in erase else a for a in to]
    return redacted, redacted != list(to)


def redact_details(value: Any, personal: Iterable[str | None], key: str = "") -> Any:
    """A record's details with the person taken out: every file name (a name like ``KTP-Budi-Santoso-6472...``
    may carry an identity number), every recipient that is theirs, and every value that is one of their
    ``personal`` values (email, name, phone, account id), at any depth. Other text stays as written."""
    erase = {p.strip().lower() for p in personal if p and p.strip()}
    if isinstance(value, Mapping):
        return {k: redact_details(v, erase, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        if key == "to":
            return redact_recipients(value, erase)[0]
        return [redact_details(v, erase, key) for v in value]
    if isinstance(value, str):
        if key in ("filename", "original_filename") and value != ERASED_FILENAME:
            return ERASED_FILENAME
        if value.strip().lower() in erase:
            return ERASED
    return value


def redact_actor(actor: str, citizen_id: str) -> str:
    """An audit actor or an ``answered_by``: the citizen's own actions no longer name their account."""
    return ERASED_ACTOR if actor == f"citizen:{citizen_id}" else actor


def sent_to(to: Iterable[str], addresses: Iterable[str | None]) -> list[str]:
    """Which of an email's recipients are the citizen (the export shows only their own address)."""
    mine = {a.strip().lower() for a in addresses if a}
    return [a for a in to if isinstance(a, str) and a.strip().lower() in mine]


def plain(value: Any) -> Any:
    """A stored value as JSON can carry it: sets become sorted lists, whole floats integers."""
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def as_held(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """A record's attributes as stored, for the export: every field but the system's secrets."""
    return {
        name: plain(value)
        for name, value in sorted(attributes.items())
        if name not in SECRET_FIELDS and value is not None
    }


def subject_key(sub: str) -> str:
    """What stands for an account's ``sub`` where we must remember it after the person is erased (a
    revocation, a rate counter): a SHA-256, which names no one once the account is gone."""
    return hashlib.sha256(f"account:{sub}".encode()).hexdigest()


def token_refused(issued_at: int | None, revoked_at: int | None) -> bool:
    """Whether a token issued at ``issued_at`` (its ``iat``, epoch seconds) is refused by a revocation at
    ``revoked_at``: every token not issued after it. A token without ``iat`` is refused when any is."""
    if revoked_at is None:
        return False
    return issued_at is None or issued_at <= revoked_at


def export_filename(moment: datetime) -> str:
    return f"data-saya-aspirasi-kaltim-{moment.strftime('%Y%m%d-%H%M%S')}.json"
