"""Citizens' use cases: submit a complaint, list theirs, read one with its timeline."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from ..domain import publication, report, sop
from ..domain.errors import AlreadyEntered, IdempotencyKeyReused, NotFound, ValidationFailed
from ..domain.limits import CounterHit
from ..domain.planner import whole_sop_due
from ..domain.records import Complaint, new_audit_entry
from ..domain.roles import StaffMember
from ..domain.submission import OPEN311, WEB, WHATSAPP, parse_entry, parse_submission
from ..domain.timestamps import iso, parse_iso
from ..domain.tracking import new_tracking_number
from . import access, rate_limits
from .container import Services
from .paging import KeyPart, encode_page_token, is_hex_id, is_time, start_key
from .ports import ConditionFailed
from .views import complaint_view, summary_view

# Complaint ids derived from (citizen, Idempotency-Key) live in their own namespace.
_IDEMPOTENCY_NAMESPACE = uuid.UUID("5d1f0c3e-8a7b-4f7e-9c51-6b0e2a9d4c11")
_KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
_TRACKING_ATTEMPTS = 5


@dataclass(frozen=True)
class Citizen:
    id: str  # Cognito "sub"
    email: str
    name: str | None = None  # the token's, if it carries one (moto's does not): a submission reads the account's
    phone: str | None = None  # the verified token's phone_number, if the citizen gave one
    issued_at: int | None = None  # the token's ``iat``: refused if the account was closed or disabled since
    username: str | None = None  # the token's ``cognito:username``: the account at the identity provider


@dataclass(frozen=True)
class Reporter:
    """Who a complaint is from, and how it reached us."""

    citizen_id: str | None  # the Cognito "sub" of a web citizen; None when staff entered it
    email: str | None
    name: str | None
    key_scope: str  # whose Idempotency-Keys these are: the citizen, or the operator entering it
    actor: str  # who the audit names
    channel: str = WEB
    phone: str | None = None
    entered_by: str | None = None
    external_ref: str | None = None
    # (subject key, token iat) of the account acting: the submission's transaction refuses a revoked token
    token: tuple[str, int | None] | None = None


def _fingerprint(*fields) -> str:
    """What a replay must match (for web complaints, the same hash as before staff entries existed)."""
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def _complaint_id(scope: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return uuid.uuid4().hex
    if not _KEY_PATTERN.match(idempotency_key):
        raise ValidationFailed([{"field": "Idempotency-Key", "code": "invalid_idempotency_key"}])
    return uuid.uuid5(_IDEMPOTENCY_NAMESPACE, f"{scope}\n{idempotency_key}").hex


def _replay(svc: Services, existing: Complaint, fingerprint: str) -> Complaint:
    if existing.request_fingerprint != fingerprint:
        if existing.external_ref is not None and existing.citizen_id is None:
            raise AlreadyEntered(
                "this external reference was entered already", details={"tracking_number": existing.tracking_number}
            )
        raise IdempotencyKeyReused("this Idempotency-Key was used for a different complaint")
    # The first attempt may have stopped before the execution started.
    svc.workflow.start(existing.id, {"complaint_id": existing.id})
    return existing


def reporter_details(svc: Services, citizen: Citizen) -> tuple[str | None, str | None]:
    """The citizen's name and phone as their account holds them now, read from the identity provider
    (AdminGetUser), not from the ID token.

    Why the account and not the token: a token's claims are what the account held when it was issued -- an
    hour old after a correction (``PATCH /me``), and, on the local stack, without ``name`` or
    ``phone_number`` at all (moto's ID tokens carry neither), so every email said "Yth. Pelapor". The
    account is the one source. The price is one identity-provider call per submission (an anonymous one
    stores neither, but its text is stored without them): the submission's budget is 3 AWS calls
    (tests/integration/test_call_budgets.py). Without an identity provider (use-case tests), or when the
    account is not found, the token's claims stand: a closed account's token is refused anyway, by the
    submission's own transaction (``access.token_check``).
    """
    if svc.identity is None:
        return citizen.name, citizen.phone
    account = svc.identity.account(citizen.username or citizen.id)
    if account is None:
        return citizen.name, citizen.phone
    return account.get("name") or citizen.name, account.get("phone")


def submit_complaint(svc: Services, citizen: Citizen, payload, idempotency_key: str | None = None) -> tuple[dict, bool]:
    """A citizen's complaint from the web. Returns (view, created). The reporter's name and phone come from
    the account (``reporter_details``); an anonymous complaint does not keep them, and its text is stored
    without them (``_submit``)."""
    submission = parse_submission(payload)
    name, phone = reporter_details(svc, citizen)  # an anonymous report stores neither, but loses them from its text
    reporter = Reporter(
        citizen_id=citizen.id,
        email=citizen.email,
        name=name,
        phone=phone,
        key_scope=citizen.id,
        actor=f"citizen:{citizen.id}",
        token=access.token_check(citizen.id, citizen.issued_at),
    )
    complaint, created = _submit(
        svc,
        reporter,
        submission,
        _fingerprint(*submission.fingerprint_fields()),
        idempotency_key,
        allowance=lambda cid: rate_limits.submission_allowance(svc, citizen.id, cid),
    )
    return complaint_view(complaint, [] if created else svc.store.work_items(complaint.id), now=svc.now()), created


def enter_complaint(
    svc: Services, member: StaffMember, payload, idempotency_key: str | None = None
) -> tuple[Complaint, bool]:
    """A complaint an operator entered for someone who phoned, walked in, wrote, ... Same SOP from here.

    A complaint with an external reference (an SP4N-LAPOR! ID, say) can be entered once: its id
    is derived from the reference, so entering it again finds the first one.
    """
    submission, entry = parse_entry(payload)
    reporter = Reporter(
        citizen_id=None,
        email=entry.reporter_email,
        name=entry.reporter_name,
        key_scope=f"staff:{member.email}",
        actor=member.email,
        channel=entry.channel,
        phone=entry.reporter_phone,
        entered_by=member.email,
        external_ref=entry.external_ref,
    )
    if entry.external_ref is not None:
        # The reference alone names the report, whichever channel the operator picks for it.
        reporter = replace(reporter, key_scope=f"ref:{entry.external_ref.upper()}")
        idempotency_key = "external-ref"
    fingerprint = _fingerprint(*submission.fingerprint_fields(), *entry.fingerprint_fields())
    return _submit(svc, reporter, submission, fingerprint, idempotency_key)


def submit_by_whatsapp(
    svc: Services, phone: str, profile_name: str | None, payload, conversation_id: str
) -> tuple[Complaint, bool]:
    """A complaint a citizen wrote on WhatsApp (service/whatsapp.py, on ``KIRIM``): the web's rules, the same
    use case. Its idempotency key is the conversation: a redelivered ``KIRIM`` finds the first complaint. Counted
    against the phone's hourly allowance as the web counts an account's (SUBMISSION_LIMIT_PER_HOUR). Not public
    on the register: the citizen was not told it could be (``_submit``)."""
    submission = parse_submission(payload)
    scope = f"whatsapp:{phone}"
    reporter = Reporter(
        citizen_id=None,
        email=None,
        name=profile_name,
        phone=phone,
        key_scope=scope,
        actor=scope,
        channel=WHATSAPP,
    )
    return _submit(
        svc,
        reporter,
        submission,
        _fingerprint(*submission.fingerprint_fields()),
        conversation_id,
        allowance=lambda cid: rate_limits.submission_allowance(svc, scope, cid),
    )


def _anonymous_texts(reporter: Reporter, submission) -> tuple[str, str, str | None]:
    """The title, description and location to store. An anonymous reporter chose not to be known, to staff as to
    the public, yet no name is stored to mask at publication: so their registered name, email and phone written
    in the text are stored already as "[nama]", "[email]", "[telepon]" (``publication.erase_person``). The
    fingerprint stays the submission's as sent: a retry with the same Idempotency-Key finds this complaint."""
    title, description, location = submission.title, submission.description, submission.location
    if not submission.anonymous or not (reporter.name or reporter.email or reporter.phone):
        return title, description, location

    def without(text: str | None) -> str | None:
        return publication.erase_person(text, reporter.name, reporter.email, reporter.phone)

    return without(title) or "", without(description) or "", without(location)


def _submit(
    svc: Services,
    reporter: Reporter,
    submission,
    fingerprint: str,
    idempotency_key: str | None,
    extra: dict | None = None,
    allowance: Callable[[str], rate_limits.Allowance] | None = None,
) -> tuple[Complaint, bool]:
    """Record a complaint and start its execution. Returns (complaint, created).

    With an Idempotency-Key the complaint id is derived from (scope, key), so a retry
    finds the first complaint instead of making a second one, and the execution
    (named after the complaint) starts at most once. ``extra``: more of the complaint's
    attributes a channel brings (an Open311 client's coordinates, say). ``allowance`` gives the count of
    the new complaint against the reporter's limit, made in the complaint's own transaction: a replay
    never counts and a refused one stores nothing.

    Two AWS calls for a new complaint: that transaction and StartExecution. A replay is found by the
    transaction's condition (the complaint is there), not by reading first.
    """
    complaint_id = _complaint_id(reporter.key_scope, idempotency_key)
    admission = allowance(complaint_id) if allowance is not None else None

    moment = svc.now()
    now = iso(moment)
    settings = svc.settings
    sop_due_at = iso(whole_sop_due(moment, timedelta(0), settings.calendar(), settings.time_scale, settings.sla))
    title, description, location = _anonymous_texts(reporter, submission)
    for _ in range(_TRACKING_ATTEMPTS):
        complaint = Complaint(
            id=complaint_id,
            tracking_number=new_tracking_number(),
            citizen_id=reporter.citizen_id,
            citizen_email=reporter.email,
            citizen_name=None if submission.anonymous else reporter.name,
            citizen_phone=None if submission.anonymous else reporter.phone,
            channel=reporter.channel,
            external_ref=reporter.external_ref,
            entered_by=reporter.entered_by,
            created_at=now,
            updated_at=now,
            category=submission.category,
            subcategory=submission.subcategory,
            title=title,
            description=description,
            location=location,
            latitude=submission.latitude,
            longitude=submission.longitude,
            anonymous=submission.anonymous,
            confidential=submission.confidential,
            status=sop.STATUS_OPEN,
            stage=sop.FIRST_STAGE,
            step=0,
            sop_due_at=sop_due_at,
            request_fingerprint=fingerprint,
            created_month=now[:7],  # the month index (tables.MonthIndex): complaints by date
            # Its text may be public only where the reporter was told so (the web form, Open311 clients).
            public=reporter.channel in (WEB, OPEN311) and not submission.confidential,
            **(extra or {}),
        )
        details = {
            "tracking_number": complaint.tracking_number,
            "category": submission.category,
            "channel": reporter.channel,
        }
        if reporter.external_ref:
            details["external_ref"] = reporter.external_ref
        audit = new_audit_entry(complaint_id, now, reporter.actor, "submitted", details=details)
        try:
            svc.store.create_complaint(
                complaint,
                audit,
                report=report.received(moment, reporter.channel, submission.category),
                counted=admission.update if admission is not None else None,
                token=reporter.token,
            )
            break
        except ConditionFailed as failed:
            complaint_there, tracking_taken, _, counter_full, revoked = [*failed.reasons, *[None] * 5][:5]
            if revoked == "ConditionalCheckFailed":  # the account was closed or disabled: nothing was stored
                raise access.AccountRevoked("account closed or disabled") from None
            if complaint_there == "ConditionalCheckFailed":  # a retry of the same Idempotency-Key
                return _replay(svc, svc.store.existing_complaint(complaint_id), fingerprint), False
            if counter_full == "ConditionalCheckFailed" and admission is not None:
                rate_limits.refuse_submission(svc, admission)
            if tracking_taken != "ConditionalCheckFailed":
                raise
            # The tracking number was taken: draw another.
    else:
        raise RuntimeError("could not reserve a unique tracking number")

    try:
        svc.workflow.start(complaint_id, {"complaint_id": complaint_id})
    except Exception:
        if idempotency_key is None:
            # Without a key a retry would be a second complaint: take this one back instead (and its count).
            _withdraw(svc, complaint, admission.update if admission is not None else None)
        raise  # with a key, the retry finds the complaint and starts its execution
    svc.metrics.count("ComplaintSubmitted", dimensions={"Category": submission.category})
    svc.metrics.count("ComplaintSubmitted", dimensions={"Channel": reporter.channel})
    return complaint, True


def _withdraw(svc: Services, complaint: Complaint, counted: CounterHit | None) -> None:
    try:
        svc.store.withdraw_complaint(
            complaint,
            new_audit_entry(
                complaint.id, iso(svc.now()), "system:api", "withdrawn", details={"reason": "execution did not start"}
            ),
            report=report.received(parse_iso(complaint.created_at), complaint.channel, complaint.category, sign=-1),
            counted=counted,
        )
    except ConditionFailed:
        pass  # its execution did start after all (the stage was entered): keep it


def get_complaint(svc: Services, complaint_id: str, citizen_id: str) -> dict:
    """The owner's view; anyone else is told it does not exist (no probing of ids)."""
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None or complaint.citizen_id != citizen_id:
        raise NotFound("complaint not found")
    original = svc.store.complaint_by_tracking_number(complaint.duplicate_of) if complaint.duplicate_of else None
    view = complaint_view(
        complaint,
        svc.store.work_items(complaint_id),
        svc.store.audit_trail(complaint_id),
        now=svc.now(),
        original=original,
    )
    from .attachments import attachments_of  # photos and documents, with short-lived download links

    view["attachments"] = attachments_of(svc, complaint_id)
    return view


# The citizen index's start key: its own key (citizen, time) and the table's (id); the partition is the caller.
_CITIZEN_PAGE = {
    "citizen_id": KeyPart("S"),
    "created_at": KeyPart("S", is_time),
    "id": KeyPart("S", is_hex_id),
}


def list_complaints(svc: Services, citizen_id: str, limit: int = 20, next_token: str | None = None) -> dict:
    """The citizen's own complaints, newest first, a page at a time."""
    start = start_key(next_token, _CITIZEN_PAGE, citizen_id=citizen_id)
    items, last_key = svc.store.complaints_of(citizen_id, max(1, min(limit, 100)), start)
    page: dict[str, Any] = {"items": [summary_view(c) for c in items]}
    if last_key:
        page["next_token"] = encode_page_token(last_key)
    return page
