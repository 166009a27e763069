"""A citizen's rights over their personal data (UU PDP No. 27/2022; docs/privacy.md).

- ``export_data``: everything held about the caller (Pasal 7, 13: access and a copy, portable JSON):
  their account in Cognito, each of their complaints as stored, its timeline, questions and answers,
  history, attachments' metadata and the emails sent to them.
- ``correct``: their name and phone (Pasal 6), in Cognito and on their non-anonymous complaints.
- ``close_account``: erasure (Pasal 8, 9, 15): the personal fields of their complaints are erased,
  their name, email and phone taken out of the complaints' text, their attachments' files deleted,
  their address removed from the notes of emails sent, each complaint noted ``personal_data_erased``
  in its audit, and then the Cognito account is deleted. The facts of a case and its handling are the
  public record and stay, in the public register too (Pasal 15(1): public interest and the agency's
  legal duty; docs/privacy.md says why).

Complaints are found through the citizen index only (never a scan). Closing is safe to repeat after
a crash at any point: each complaint is erased in one conditional transaction that also takes it out
of the index, the steps before it repeat harmlessly, and the account goes last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any, Protocol, cast

from ..domain import personal_data, publication
from ..domain.errors import Forbidden, Unauthorized, Unavailable
from ..domain.personal_data import export_filename  # noqa: F401  (the route names the download with it)
from ..domain.records import Attachment, Complaint, new_audit_entry
from ..domain.timestamps import iso
from . import access
from .container import Services
from .ports import ConditionFailed
from .views import complaint_view

ERASED_REASON = "personal_data_erased"  # an erased attachment's reject_reason (domain/attachments.REASONS)
TOKEN_NOTE = {
    "id": "Perubahan tersimpan. Nama pada token masuk Anda tetap yang lama sampai Anda masuk lagi.",
    "en": "Saved. Your login token keeps the old name until you log in again.",
}


class AccountDirectory(Protocol):
    """The citizen's account at the identity provider (adapters.cognito.CognitoIdentity)."""

    def account(self, username: str) -> dict | None: ...

    def update_account(self, username: str, name: str | None, phone: str | None, fields: tuple[str, ...]) -> None: ...

    def delete_account(self, username: str) -> bool: ...


def _directory(svc: Services) -> AccountDirectory:
    if svc.identity is None:
        raise Unavailable("accounts are not configured")
    return cast(AccountDirectory, svc.identity)


def _account(svc: Services, username: str) -> dict:
    account = _directory(svc).account(username)
    if account is None:
        raise Unauthorized("account closed")
    return account


def _addresses(complaint: Complaint, account_email: str | None) -> tuple[str | None, ...]:
    return complaint.citizen_email, account_email


# -- access and a copy ---------------------------------------------------------------------
def export_data(svc: Services, citizen_id: str, username: str) -> dict:
    """All data held about the caller, as one JSON document (downloaded by the page)."""
    account = _account(svc, username)
    complaints = sorted(svc.store.all_complaints_of(citizen_id), key=lambda c: c.created_at)
    return {
        "exported_at": iso(svc.now()),
        "controller": "Pemerintah Provinsi Kalimantan Timur — Aspirasi Kaltim",
        "legal_basis": "UU No. 27 Tahun 2022 tentang Pelindungan Data Pribadi, Pasal 7 dan 13",
        "account": account,
        "complaints": [_complaint_export(svc, c, account.get("email")) for c in complaints],
    }


def _complaint_export(svc: Services, complaint: Complaint, account_email: str | None) -> dict:
    items = sorted(svc.store.work_items(complaint.id), key=lambda i: i.step)
    trail = svc.store.audit_trail(complaint.id)
    addresses = _addresses(complaint, account_email)
    emails = []
    for entry in trail:
        details = entry.details or {}
        if entry.action != "email_sent":
            continue
        mine = personal_data.sent_to(details.get("to") or [], addresses)
        if mine:
            emails.append(
                {
                    "sent_at": entry.at,
                    "template": details.get("template"),
                    "subject": details.get("subject"),
                    "to": mine,
                }
            )
    questions = [
        {
            "stage": i.stage,
            "question": i.question,
            "asked_at": i.decided_at,
            "answer": i.answer,
            "answered_at": i.answered_at,
        }
        for i in items
        if i.question
    ]
    # The case as its owner sees it (GET /complaints/{id}): never the teams' drafts (an agency's answer before
    # Diskominfo reviewed it, or after it was returned), nor the system's bookkeeping. Plus what identifies
    # them on it, as held: that is their data.
    seen = complaint_view(complaint, items, trail, now=svc.now())
    timeline, history = seen.pop("timeline"), seen.pop("events")
    held = personal_data.as_held(asdict(complaint))
    reporter = {f: held[f] for f in (*personal_data.PERSONAL_FIELDS, "channel") if f in held}
    return {
        "complaint": {**seen, **reporter},
        "timeline": timeline,
        "questions": questions,
        "history": history,
        "attachments": [_attachment_export(a) for a in svc.store.attachments(complaint.id, 100)],
        "emails": emails,
    }


def _attachment_export(attachment: Attachment) -> dict:
    held = personal_data.as_held(asdict(attachment))
    held.pop("s3_key", None)  # where the file lies in the bucket: the system's, not the citizen's
    held.pop("etag", None)
    return held


# -- correction ------------------------------------------------------------------------------
def correct(svc: Services, citizen_id: str, username: str, payload: Any) -> dict:
    """Correct the name and/or phone: the account first, then the reporter fields of the citizen's
    complaints that carry them (anonymous ones keep none). A retry repeats the same writes.

    A new name also takes the old one out of each complaint's text (``ERASED_TEXT_FIELDS``) in the same
    write: the register masks only the name the complaint now carries, so the old name written in it
    ("saya Budi ...") would otherwise be published as written. The old name is the complaint's and the
    account's before the change (a retry after the account changed still finds the complaint's)."""
    correction = personal_data.parse_correction(payload)
    previous = _account(svc, username).get("name")  # a closed account is not corrected (its token may still be valid)
    _directory(svc).update_account(username, correction.name, correction.phone, correction.fields)
    now = iso(svc.now())
    changes: dict[str, str | None] = {"updated_at": now}  # the reporter fields to change (None removes one)
    renamed = "name" in correction.fields and correction.name is not None  # a name is never removed, only changed
    if renamed:
        changes["citizen_name"] = correction.name
    if "phone" in correction.fields:
        changes["citizen_phone"] = correction.phone or None

    def old_names(complaint: Complaint) -> set[tuple[str | None, str | None, str | None]]:
        if not renamed:
            return set()
        return {(n, None, None) for n in (complaint.citizen_name, previous) if not _same_name(n, correction.name)}

    def write(complaint: Complaint, texts: dict[str, tuple[str | None, str | None]]) -> None:
        rewritten = sorted(name for name, (read, new) in texts.items() if new != read)
        details: dict[str, Any] = {"fields": list(correction.fields)}
        if rewritten:
            details["texts_rewritten"] = rewritten
        audit = new_audit_entry(
            complaint.id, now, f"citizen:{citizen_id}", "personal_data_corrected", details=details
        )  # which fields, never their values
        svc.store.correct_reporter(complaint.id, citizen_id, changes, audit, texts or None)

    corrected = 0
    for complaint in svc.store.all_complaints_of(citizen_id):
        if complaint.anonymous:
            continue  # no name or phone was stored with it, and none is added now
        corrected += _rewrite_texts(svc, complaint, citizen_id, old_names, write)  # 0: erased meanwhile
    svc.metrics.count("PersonalDataCorrected")
    account = _account(svc, username)
    return {"account": account, "complaints_corrected": corrected, "note": TOKEN_NOTE}


def _same_name(name: str | None, other: str | None) -> bool:
    """Whether two names are one as written (spaces and case aside); no name is no old name to take out."""
    if not name or not name.strip():
        return True
    return " ".join(name.split()).casefold() == " ".join((other or "").split()).casefold()


# -- erasure and closing the account -------------------------------------------------------------
def close_account(
    svc: Services, citizen_id: str, username: str, account_email: str, payload: Any, staff: bool = False
) -> dict:
    """Erase the citizen's personal data from every complaint of theirs, then delete the account.

    ``payload`` must repeat the account's email (``{"email": ...}``). Returns what was done (for
    the log: counts only). Safe to call again after a failure at any point, and after success.
    A member of staff is refused: their account is an administrator's to disable (the last admin
    must stay, service/members.py), not theirs to delete.
    """
    if staff:
        raise Forbidden("staff accounts are closed by an administrator")
    personal_data.confirm_closure(payload, account_email)
    # First: from here on no token of theirs acts (a submission racing this closure is refused in its own
    # transaction); then the erasure, which a retry with the same token may finish.
    access.revoke(svc, citizen_id, "closed")
    account = _directory(svc).account(username) or {}  # the registered name and phone, to take out of the text
    person = (account.get("name"), account_email, account.get("phone"))
    erased = sum(
        _erase(svc, complaint, citizen_id, account_email, person)
        for complaint in svc.store.all_complaints_of(citizen_id)
    )
    deleted = _directory(svc).delete_account(username)  # last: until here a retry can find everything
    svc.metrics.count("AccountsClosed")
    return {"complaints_erased": erased, "account_deleted": deleted}


People = set[tuple[str | None, str | None, str | None]]  # (name, email, phone) of each person to take out


def _without_people(complaint: Complaint, people: People) -> dict[str, tuple[str | None, str | None]]:
    """The complaint's text fields (``personal_data.ERASED_TEXT_FIELDS``), each as (as read, without the people).
    Every field, changed or not: the write holds only if none was written since it was read (a reply stored
    meanwhile is read again). No people: no texts (nothing to rewrite, nothing to hold the write to)."""
    if not people:
        return {}
    texts = {}
    for name in personal_data.ERASED_TEXT_FIELDS:
        value = getattr(complaint, name)
        rewritten = value
        for who, email, phone in sorted(people, key=str):
            rewritten = publication.erase_person(rewritten, who, email, phone)
        texts[name] = (value, rewritten)
    return texts


def _rewrite_texts(
    svc: Services,
    complaint: Complaint,
    citizen_id: str,
    people: Callable[[Complaint], People],
    write: Callable[[Complaint, dict[str, tuple[str | None, str | None]]], None],
) -> int:
    """Write the complaint with its texts without ``people`` (of the complaint as read) in one conditional write
    (``write``: ConditionFailed when the complaint is no longer the citizen's or a text is no longer as read).
    A text written meanwhile (a reply) is read again and rewritten too, up to three tries. 1 if written, 0 if
    the complaint is no longer the citizen's (erased already)."""
    for _ in range(3):
        try:
            write(complaint, _without_people(complaint, people(complaint)))
            return 1
        except ConditionFailed:
            current = svc.store.get_complaint(complaint.id)
            if current is None or current.citizen_id != citizen_id:
                return 0  # erased by an earlier attempt (or meanwhile) that the index had not caught up with
            complaint = current
    raise Unavailable("the complaint kept changing while it was written; try again")


def _erase(
    svc: Services,
    complaint: Complaint,
    citizen_id: str,
    account_email: str,
    person: tuple[str | None, str | None, str | None] = (None, None, None),
) -> int:
    """Erase one complaint's personal data; 1 if this call erased it, 0 if it was done already.

    The person is taken out of every place the system wrote them (docs/privacy.md): the audit trail's
    actors and details (recipients, file names, their values), the stage visits' ``answered_by``, the
    email outbox's recipients, the attachments' files, names and uploader; then the complaint itself, its
    text rewritten without them (``person``: the account's name, email and phone) in the same write."""
    now = iso(svc.now())
    personal = (*_addresses(complaint, account_email), complaint.citizen_name, complaint.citizen_phone, citizen_id)
    redacted = 0
    for entry in svc.store.audit_trail(complaint.id):
        details = dict(entry.details or {})
        clean, actor = (
            personal_data.redact_details(details, personal),
            personal_data.redact_actor(entry.actor, citizen_id),
        )
        if clean != details or actor != entry.actor:
            svc.store.redact_audit(entry, actor, clean)
            redacted += 1
    for item in svc.store.work_items(complaint.id):
        if item.answered_by and personal_data.redact_actor(item.answered_by, citizen_id) != item.answered_by:
            svc.store.redact_answered_by(item, personal_data.ERASED_ACTOR)
    for record in svc.store.email_records(complaint.id):  # the email outbox keeps its recipients too
        to, changed = personal_data.redact_recipients(record.to or [], personal)
        if changed:
            svc.store.redact_email_record(record, to)
    files = 0
    for attachment in svc.store.attachments(complaint.id, 100):
        if attachment.reject_reason == ERASED_REASON and attachment.created_by != f"citizen:{citizen_id}":
            continue
        if svc.uploads is not None:
            svc.uploads.delete(attachment.s3_key)  # deleting an absent object succeeds: safe to repeat
        uploader = personal_data.redact_actor(attachment.created_by, citizen_id) if attachment.created_by else None
        svc.store.erase_attachment(attachment, ERASED_REASON, personal_data.ERASED_FILENAME, now, created_by=uploader)
        files += 1

    def everyone(current: Complaint) -> People:
        """The person as the case holds them and as the account does."""
        return {(current.citizen_name, current.citizen_email, current.citizen_phone), person}

    def write(current: Complaint, texts: dict[str, tuple[str | None, str | None]]) -> None:
        audit = new_audit_entry(
            current.id,
            now,
            "system:privacy",
            "personal_data_erased",
            details={
                "fields": [f for f in personal_data.PERSONAL_FIELDS if getattr(current, f, None) is not None],
                "texts_rewritten": sorted(name for name, (read, rewritten) in texts.items() if rewritten != read),
                "attachments_deleted": files,
                "audit_entries_redacted": redacted,
                "reason": "account_closed",
            },
        )  # which fields, never their values
        svc.store.erase_reporter(current.id, citizen_id, personal_data.PERSONAL_FIELDS, now, audit, texts)

    return _rewrite_texts(svc, complaint, citizen_id, everyone, write)
