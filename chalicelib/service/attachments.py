"""Attachments' use cases: a citizen asks to upload, the file lands and is judged, the case lists it.

1. ``request_upload``: the owner of an open complaint asks for a slot; one DynamoDB transaction
   takes it (a conditional ADD on the complaint's ``attachment_count``, never more than 5), records
   the pending attachment and the audit entry; the answer is an S3 presigned POST for exactly one
   object key, type and size.
2. The browser uploads straight to S3. S3 tells the uploads queue; ``check_upload`` reads the
   object and accepts it (JPEG, PNG or PDF within the size; a photo stored without its metadata,
   where no upload can overwrite it) or deletes it and marks it rejected, freeing the slot. Safe to
   repeat: SQS may deliver an event twice, or two at once.
3. ``attachments_of``: the case's attachments with short-lived download links (accepted ones only),
   for the owner, the staff who may see the case and the holders of an action link.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from ..domain import images, sop
from ..domain.errors import AttachmentLimitReached, ComplaintNotOpen, NotFound, Unavailable
from ..domain.files import (
    ACCEPTED,
    CASE_CLOSED,
    MAX_ATTEMPTS,
    MAX_BYTES,
    MAX_PER_COMPLAINT,
    NOT_ALLOWED,
    NOT_UPLOADED,
    PENDING,
    REASONS,
    REJECTED,
    RETENTION_DAYS,
    SNIFF_BYTES,
    UPLOAD_EXPIRES_SECONDS,
    Verdict,
    download_name,
    object_key,
    parse_object_key,
    parse_upload_request,
    stored_key,
    verdict,
)
from ..domain.records import Attachment, new_audit_entry
from ..domain.timestamps import iso, parse_iso
from .container import Services
from .ports import ConditionFailed

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

    try:
        attachment = reserve(
            svc,
            complaint_id,
            new_attachment_id(now),
            request.filename,
            request.content_type,
            request.size,
            f"citizen:{citizen_id}",
            now,
        )
    except ConditionFailed:
        # The new attachment's and audit entry's keys are fresh: it is the complaint's condition that failed.
        current = svc.store.get_complaint(complaint_id)
        if current is None:
            raise NotFound("complaint not found") from None
        if current.status != sop.STATUS_OPEN:
            raise ComplaintNotOpen("attachments only while the complaint is open") from None
        raise AttachmentLimitReached(f"at most {MAX_PER_COMPLAINT} attachments per complaint") from None
    upload = uploads.presigned_post(attachment.s3_key, request.content_type, request.size)
    return {**attachment_view(svc, attachment, now), "upload": upload, "upload_expires_at": iso(now + UPLOAD_WINDOW)}


def reserve(
    svc: Services,
    complaint_id: str,
    attachment_id: str,
    filename: str,
    content_type: str,
    size: int,
    actor: str,
    now: datetime,
) -> Attachment:
    """A pending slot for one file at its upload key, with its audit entry, if the case is open and has room
    (MAX_PER_COMPLAINT); raises ConditionFailed otherwise, or if the slot exists. The upload (a browser's, or a
    WhatsApp photo: service/whatsapp.py) is then checked when it lands (``check_upload``)."""
    attachment = Attachment(
        complaint_id=complaint_id,
        attachment_id=attachment_id,
        filename=filename,
        content_type=content_type,
        size=size,
        status=PENDING,
        s3_key=object_key(complaint_id, attachment_id),
        created_at=iso(now),
        created_by=actor,
        ttl=now + timedelta(days=RETENTION_DAYS + 30),
    )  # the record outlives the file a month
    details = {"attachment_id": attachment_id, "filename": filename, "content_type": content_type, "size": size}
    audit = new_audit_entry(complaint_id, iso(now), actor, "attachment_requested", details=details)
    svc.store.reserve_attachment(attachment, audit, MAX_PER_COMPLAINT, sop.STATUS_OPEN)
    return attachment


def _give_back_stale_slots(svc: Services, attachments: list[Attachment], now: datetime) -> None:
    """Pending uploads whose policy ran out long ago never landed: reject them and free their slots."""
    for attachment in attachments:
        if attachment.status != PENDING or parse_iso(attachment.created_at) + STALE_AFTER > now:
            continue
        audit = new_audit_entry(
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
            svc.store.reject_attachment(attachment, NOT_UPLOADED, iso(now), audit)
        except ConditionFailed:
            continue  # it landed (or was given back) meanwhile
        attachment.status, attachment.reject_reason = REJECTED, NOT_UPLOADED


# -- 2. the upload landed ------------------------------------------------------------------------
def check_upload(svc: Services, key: str) -> str:
    """Judge the object at ``key`` from its bytes. Returns what happened (for the log).

    What passes is stored once, cleaned (a photo without its EXIF: domain/images.py), under a key no
    upload policy can write (``stored_key``), and the uploaded bytes are deleted. So posting the form
    again while it lasts (ten minutes) changes nothing anyone downloads: the late object is deleted.
    A form issued while the case was open adds nothing once it has closed.

    Idempotent: a redelivered event finds the attachment settled. Raises (so SQS delivers the event
    again) only on failures worth retrying.
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
    if attachment.status == ACCEPTED:
        return _after_acceptance(svc, uploads, key, attachment)
    head = uploads.head(key)
    if head is None:
        return "missing"  # deleted meanwhile; a later event for the key will be judged then
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None or complaint.status == sop.STATUS_CLOSED:
        return _refuse(svc, uploads, key, attachment, Verdict(False, None, CASE_CLOSED), head["size"])
    # The whole file when it may be accepted (to clean it), else only what tells its type.
    size = head["size"]
    data = uploads.first_bytes(key, size if 0 < size <= MAX_BYTES else SNIFF_BYTES, etag=head["etag"])
    if data is None:
        return "raced"  # replaced or deleted between the two reads: look again
    # The upload may be as large as declared (the policy's limit).
    judged = verdict(data[:SNIFF_BYTES], size, attachment.content_type, int(attachment.size))
    if not judged.accepted or judged.detected_type is None:  # an accepted file's type is always known
        return _refuse(svc, uploads, key, attachment, judged, size)
    try:
        # Photos lose what the camera wrote (GPS, serials); a PDF is kept as it is.
        cleaned = images.without_metadata(data, judged.detected_type) if images.is_image(judged.detected_type) else data
    except images.UnusableImage as unusable:
        return _refuse(svc, uploads, key, attachment, Verdict(False, judged.detected_type, unusable.reason), size)
    return _accept(svc, uploads, key, attachment, cleaned, judged.detected_type, head["etag"])


def _accept(svc: Services, uploads, key: str, attachment: Attachment, data: bytes, kind: str, etag: str) -> str:
    """Store the checked file (once), then record it, then delete the upload: a crash anywhere is retried."""
    stored = uploads.keep(stored_key(attachment.complaint_id, attachment.attachment_id), data, kind, etag)
    now = iso(svc.now())
    details = {
        "attachment_id": attachment.attachment_id,
        "filename": attachment.filename,
        "size": stored["size"],
        "detected_type": stored["content_type"],
    }
    audit = new_audit_entry(attachment.complaint_id, now, "system:uploads", "attachment_added", details=details)
    try:
        # Not once the case has closed (it may close while the file is checked).
        svc.store.accept_attachment(
            attachment,
            stored["size"],
            stored["content_type"],
            stored["source_etag"],  # the upload it was made from: a redelivery knows it
            now,
            audit,
            unless_case_status=sop.STATUS_CLOSED,
        )
    except ConditionFailed:
        return "raced"  # settled by another delivery, or the case closed: look again
    uploads.discard_upload(key)  # the bytes as uploaded (a photo's EXIF with them) are not kept
    svc.metrics.count("AttachmentsAccepted", dimensions={"Type": stored["content_type"]})
    return "accepted"


def _after_acceptance(svc: Services, uploads, key: str, attachment: Attachment) -> str:
    """An object at the key of an accepted attachment: a redelivery, or the form posted again. The stored
    file stays as it is; what landed is deleted unjudged."""
    head = uploads.head(key)
    if head is None:
        return "accepted"  # a redelivery: the upload was deleted once its checked copy was stored
    uploads.discard_upload(key)
    if head["etag"] == attachment.etag:
        return "accepted"  # the same upload: an earlier delivery stopped before deleting it
    svc.metrics.count("AttachmentsOverwriteRefused")
    return "overwrite_refused"


def _refuse(svc: Services, uploads, key: str, attachment: Attachment, judged: Verdict, size: int) -> str:
    """Recorded first (with the slot given back), then the object is deleted. If the delete fails, the event
    comes back, finds the attachment rejected and deletes the object then."""
    now = iso(svc.now())
    reason = judged.reason or NOT_ALLOWED  # a refusal always names its reason (one of REASONS)
    details = {
        "attachment_id": attachment.attachment_id,
        "filename": attachment.filename,
        "size": size,
        "detected_type": judged.detected_type,
        "reason": reason,
    }
    audit = new_audit_entry(attachment.complaint_id, now, "system:uploads", "attachment_rejected", details=details)
    try:
        svc.store.reject_attachment(attachment, reason, now, audit, size=size, detected_type=judged.detected_type)
    except ConditionFailed:
        return "raced"
    uploads.delete(key)  # the upload, and a checked copy an interrupted acceptance may have stored
    svc.metrics.count("AttachmentsRejected", dimensions={"Reason": reason})
    return "rejected"


# -- 3. showing them -----------------------------------------------------------------------------
def attachment_view(svc: Services, attachment: Attachment, now: datetime) -> dict:
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
        key = stored_key(attachment.complaint_id, attachment.attachment_id)
        original = attachment.filename if same_kind else None
        view["url"] = svc.uploads.download_url(key, safe, content_type, original_name=original)
        if content_type == "application/pdf":  # a checked PDF opens in a new tab to be read, not only saved
            view["view_url"] = svc.uploads.download_url(key, safe, content_type, original_name=original, inline=True)
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
