"""Attachments' use cases: a citizen asks to upload, the file lands and is judged, the case lists it.

1. ``request_upload``: the owner of an open complaint asks for a slot; one DynamoDB transaction
   takes it (a conditional ADD on the complaint's ``attachment_count``, never more than 5), records
   the pending attachment and the audit entry; the answer is an S3 presigned POST for exactly one
   object key, type and size.
2. The browser uploads straight to S3. S3 tells the uploads queue; ``check_upload`` reads the
   object's first bytes and accepts it (JPEG, PNG or PDF within the size) or deletes it and marks
   it rejected, freeing the slot. Safe to repeat: SQS may deliver an event twice, or two at once.
3. ``attachments_of``: the case's attachments with short-lived download links (accepted ones only),
   for the owner, the staff who may see the case and the holders of an action link.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from ..adapters.store import ConditionFailed, audit_entry
from ..adapters.tables import AttachmentModel
from ..adapters.uploads import UPLOAD_EXPIRES_SECONDS
from ..domain import sop
from ..domain.attachments import (
    ACCEPTED,
    MAX_ATTEMPTS,
    MAX_PER_COMPLAINT,
    NOT_ALLOWED,
    NOT_UPLOADED,
    PENDING,
    REASONS,
    REJECTED,
    RETENTION_DAYS,
    SNIFF_BYTES,
    download_name,
    object_key,
    parse_object_key,
    parse_upload_request,
    verdict,
)
from ..domain.errors import AttachmentLimitReached, ComplaintNotOpen, NotFound, Unavailable
from .ports import Services, iso, parse_iso

# A pending upload whose policy expired this long ago will never land: its slot is given back.
UPLOAD_WINDOW = timedelta(seconds=UPLOAD_EXPIRES_SECONDS)
STALE_AFTER = UPLOAD_WINDOW + timedelta(minutes=15)
_SETTLE_ATTEMPTS = 3


def _uploads(svc: Services):
    if svc.uploads is None:
        raise Unavailable("attachments are not configured (ATTACHMENTS_BUCKET)")
    return svc.uploads


def new_attachment_id(now: datetime) -> str:
    """24 hex digits: the time in milliseconds, then randomness, so a case's attachments sort as time."""
    return f"{int(now.timestamp() * 1000):012x}{secrets.token_hex(6)}"


# -- 1. asking to upload ------------------------------------------------------------------------
def request_upload(svc: Services, citizen_id: str, complaint_id: str, payload) -> dict:
    """A slot and an upload policy for one file. 404 for anyone but the owner; 409 full or not open."""
    request = parse_upload_request(payload)
    uploads = _uploads(svc)
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None or complaint.citizen_id is None or complaint.citizen_id != citizen_id:
        raise NotFound("complaint not found")
    if complaint.status != sop.STATUS_OPEN:
        raise ComplaintNotOpen("attachments only while the complaint is open")
    now = svc.now()
    existing = svc.store.attachments(complaint_id, MAX_ATTEMPTS + 1)
    _give_back_stale_slots(svc, existing, now)
    if len(existing) >= MAX_ATTEMPTS:
        raise AttachmentLimitReached("too many attachments were asked for on this complaint")

    attachment_id = new_attachment_id(now)
    key = object_key(complaint_id, attachment_id)
    attachment = AttachmentModel(
        complaint_id,
        attachment_id,
        filename=request.filename,
        content_type=request.content_type,
        size=request.size,
        status=PENDING,
        s3_key=key,
        created_at=iso(now),
        created_by=f"citizen:{citizen_id}",
        ttl=now + timedelta(days=RETENTION_DAYS + 30),
    )  # the record outlives the file a month
    audit = audit_entry(
        complaint_id,
        iso(now),
        f"citizen:{citizen_id}",
        "attachment_requested",
        details={
            "attachment_id": attachment_id,
            "filename": request.filename,
            "content_type": request.content_type,
            "size": request.size,
        },
    )
    try:
        svc.store.reserve_attachment(attachment, audit, MAX_PER_COMPLAINT, sop.STATUS_OPEN)
    except ConditionFailed:
        # The new attachment's and audit entry's keys are fresh: it is the complaint's condition that failed.
        current = svc.store.get_complaint(complaint_id)
        if current is None:
            raise NotFound("complaint not found") from None
        if current.status != sop.STATUS_OPEN:
            raise ComplaintNotOpen("attachments only while the complaint is open") from None
        raise AttachmentLimitReached(f"at most {MAX_PER_COMPLAINT} attachments per complaint") from None
    upload = uploads.presigned_post(key, request.content_type, request.size)
    return {**attachment_view(svc, attachment, now), "upload": upload, "upload_expires_at": iso(now + UPLOAD_WINDOW)}


def _give_back_stale_slots(svc: Services, attachments: list[AttachmentModel], now: datetime) -> None:
    """Pending uploads whose policy ran out long ago never landed: reject them and free their slots."""
    for attachment in attachments:
        if attachment.status != PENDING or parse_iso(attachment.created_at) + STALE_AFTER > now:
            continue
        actions = [
            AttachmentModel.status.set(REJECTED),
            AttachmentModel.reject_reason.set(NOT_UPLOADED),
            AttachmentModel.checked_at.set(iso(now)),
        ]
        audit = audit_entry(
            attachment.complaint_id,
            iso(now),
            "system:uploads",
            "attachment_rejected",
            details={
                "attachment_id": attachment.attachment_id,
                "filename": attachment.filename,
                "reason": NOT_UPLOADED,
            },
        )
        try:
            svc.store.settle_attachment(attachment, PENDING, actions, audit, free_slot=True)
        except ConditionFailed:
            continue  # it landed (or was given back) meanwhile
        attachment.status, attachment.reject_reason = REJECTED, NOT_UPLOADED


# -- 2. the upload landed ------------------------------------------------------------------------
def check_upload(svc: Services, key: str) -> str:
    """Judge the object at ``key`` from its bytes. Returns what happened (for the log).

    Idempotent: a redelivered event finds the attachment settled and the object unchanged. An
    object written again under an accepted key (the policy allows that for ten minutes) is judged
    again. Raises (so SQS delivers the event again) only on failures worth retrying.
    """
    uploads = _uploads(svc)
    ids = parse_object_key(key)
    if ids is None:
        return "ignored"  # not an attachment key of ours: nothing to judge, nothing to delete
    for _ in range(_SETTLE_ATTEMPTS):
        outcome = _check_once(svc, uploads, key, *ids)
        if outcome != "raced":
            return outcome
    raise RuntimeError("the attachment kept changing while it was checked")


def _check_once(svc: Services, uploads, key: str, complaint_id: str, attachment_id: str) -> str:
    attachment = svc.store.get_attachment(complaint_id, attachment_id)
    if attachment is None:
        uploads.delete(key)  # nobody asked for this object: nobody can see it, so it is not kept
        return "unknown_deleted"
    if attachment.status == REJECTED:
        uploads.delete(key)  # a redelivery, or a late upload for a slot already given back
        return "rejected"
    head = uploads.head(key)
    if head is None:
        return "missing"  # deleted meanwhile; a later event for the key will be judged then
    if attachment.status == ACCEPTED and head["etag"] == attachment.etag:
        return "accepted"  # already judged: this is a redelivery
    first = uploads.first_bytes(key, SNIFF_BYTES, etag=head["etag"])
    if first is None:
        return "raced"  # replaced or deleted between the two reads: look again
    now = iso(svc.now())
    # A first upload may be as large as declared (the policy's limit); a rewrite, up to the maximum.
    declared = int(attachment.size) if attachment.status == PENDING else None
    judged = verdict(first, head["size"], attachment.content_type, declared)
    expected_etag = attachment.etag if attachment.status == ACCEPTED else None
    details = {
        "attachment_id": attachment_id,
        "filename": attachment.filename,
        "size": head["size"],
        "detected_type": judged.detected_type,
    }
    accepted_type = judged.detected_type if judged.accepted else None  # an accepted file's type is always known
    if accepted_type is not None:
        actions = [
            AttachmentModel.status.set(ACCEPTED),
            AttachmentModel.size.set(head["size"]),
            AttachmentModel.detected_type.set(accepted_type),
            AttachmentModel.etag.set(head["etag"]),
            AttachmentModel.checked_at.set(now),
        ]
        action = "attachment_replaced" if attachment.status == ACCEPTED else "attachment_added"
        audit = audit_entry(complaint_id, now, "system:uploads", action, details=details)
        try:
            svc.store.settle_attachment(
                attachment, attachment.status, actions, audit, free_slot=False, expected_etag=expected_etag
            )
        except ConditionFailed:
            return "raced"
        svc.metrics.count("AttachmentsAccepted", dimensions={"Type": accepted_type})
        return "accepted"
    # Refused: recorded first (with the slot given back), then the object is deleted. If the delete
    # fails, the event comes back, finds the attachment rejected and deletes the object then.
    reason = judged.reason or NOT_ALLOWED  # a refusal always names its reason (one of REASONS)
    actions = [
        AttachmentModel.status.set(REJECTED),
        AttachmentModel.reject_reason.set(reason),
        AttachmentModel.size.set(head["size"]),
        AttachmentModel.checked_at.set(now),
        AttachmentModel.etag.remove(),
    ]
    if judged.detected_type:
        actions.append(AttachmentModel.detected_type.set(judged.detected_type))
    audit = audit_entry(
        complaint_id, now, "system:uploads", "attachment_rejected", details={**details, "reason": reason}
    )
    try:
        svc.store.settle_attachment(
            attachment, attachment.status, actions, audit, free_slot=True, expected_etag=expected_etag
        )
    except ConditionFailed:
        return "raced"
    uploads.delete(key)
    svc.metrics.count("AttachmentsRejected", dimensions={"Reason": reason})
    return "rejected"


# -- 3. showing them -----------------------------------------------------------------------------
def attachment_view(svc: Services, attachment: AttachmentModel, now: datetime) -> dict:
    accepted = attachment.status == ACCEPTED
    content_type = attachment.detected_type if accepted and attachment.detected_type else attachment.content_type
    view = {
        "id": attachment.attachment_id,
        "filename": attachment.filename,
        "content_type": content_type,
        "size": int(attachment.size),
        "status": attachment.status,
        "created_at": attachment.created_at,
        "url": None,
    }
    kept = parse_iso(attachment.created_at) + timedelta(days=RETENTION_DAYS) > now
    if accepted and kept and svc.uploads is not None:
        safe = download_name(attachment.filename, content_type)
        same_kind = safe.rsplit(".", 1)[-1].lower() == attachment.filename.rsplit(".", 1)[-1].lower()
        view["url"] = svc.uploads.download_url(
            attachment.s3_key, safe, content_type, original_name=attachment.filename if same_kind else None
        )
    elif accepted and not kept:
        view["status"] = "expired"  # removed by the bucket's lifecycle rule
    if attachment.status == REJECTED:
        code = attachment.reject_reason or ""
        text_id, text_en = REASONS.get(code, ("ditolak", "rejected"))
        view["reason"] = {"code": code, "id": text_id, "en": text_en}
    return view


def attachments_of(svc: Services, complaint_id: str) -> list[dict]:
    """The case's attachments, oldest first; download links (a few minutes) for accepted ones only."""
    now = svc.now()
    return [attachment_view(svc, a, now) for a in svc.store.attachments(complaint_id, MAX_ATTEMPTS + 1)]
