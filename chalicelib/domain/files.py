"""Attachments: the photos and documents a citizen adds to a complaint. Pure rules, no AWS.

What may be attached (JPEG, PNG, PDF; at most 5 MiB each; at most 5 per complaint, while the case
is open), how a request to upload is read, and the verdict on what actually landed: the type is
read from the file's first bytes (the ``filetype`` library), never from its name or from what the
browser claimed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import filetype

from .images import IMAGE_TOO_LARGE, UNREADABLE

ALLOWED_TYPES: dict[str, str] = {  # MIME type -> what people call it
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "application/pdf": "PDF",
}
MAX_BYTES = 5 * 1024 * 1024  # 5 MiB
MAX_PER_COMPLAINT = 5  # reserved slots: pending or accepted (a rejected upload frees its slot)
# Requests per complaint, rejected ones included: bounds the list a case carries (and a citizen
# who keeps sending files that are refused) without a scan. Soft: checked before the reservation.
MAX_ATTEMPTS = 4 * MAX_PER_COMPLAINT
MAX_FILENAME = 200
SNIFF_BYTES = 262  # what ``filetype`` reads to recognise a type
# An attachment is kept this long after it was added (the bucket's lifecycle rule deletes it): see
# the CDK stack for why. Older ones are listed without a download link.
RETENTION_DAYS = 730
# The browser has ten minutes to start an upload (its presigned POST's policy); a slot pending longer is stale.
UPLOAD_EXPIRES_SECONDS = 10 * 60

PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
STATUSES = (PENDING, ACCEPTED, REJECTED)

# Why an upload was refused (stored on the attachment and shown to the citizen and staff).
TOO_LARGE, EMPTY, NOT_ALLOWED, NOT_UPLOADED = "too_large", "empty", "type_not_allowed", "not_uploaded"
CASE_CLOSED = "complaint_closed"  # the upload form was issued while the case was open; it landed after it closed
REASONS = {
    TOO_LARGE: ("berkas lebih besar dari yang diizinkan", "the file is larger than allowed"),
    EMPTY: ("berkas kosong", "the file is empty"),
    NOT_ALLOWED: ("isi berkas bukan JPEG, PNG atau PDF", "the file's content is not JPEG, PNG or PDF"),
    NOT_UPLOADED: ("berkas tidak diunggah tepat waktu", "the file was not uploaded in time"),
    CASE_CLOSED: ("pengaduan sudah ditutup saat berkas tiba", "the complaint had closed when the file arrived"),
    UNREADABLE: ("gambar rusak atau tidak dapat dibaca", "the image is damaged or cannot be read"),
    IMAGE_TOO_LARGE: ("gambar terlalu besar (jumlah piksel)", "the image has too many pixels"),
    # the reporter closed their account: the file was deleted with their personal data (service/privacy.py)
    "personal_data_erased": (
        "berkas dihapus bersama data pribadi pelapor",
        "deleted with the reporter's personal data",
    ),
}

_KNOWN_EXTENSIONS = (".jpg", ".jpeg", ".png", ".pdf")


@dataclass(frozen=True)
class UploadRequest:
    filename: str
    content_type: str
    size: int


def parse_upload_request(payload: Any) -> UploadRequest:
    """``{filename, content_type, size}`` as the citizen's browser sends it; ValidationFailed lists every problem.

    Validated through ``models.UploadRequestBody`` (the schema /openapi.json shows)."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    body = models.validate(models.UploadRequestBody, payload)
    return UploadRequest(body.filename, body.content_type, body.size)


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    detected_type: str | None  # what the bytes are, as far as ``filetype`` can tell
    reason: str | None = None  # one of REASONS when refused


def detect_type(first_bytes: bytes) -> str | None:
    """The MIME type the file's first bytes announce (its magic number), or None."""
    if not first_bytes:
        return None
    return filetype.guess_mime(bytes(first_bytes[:SNIFF_BYTES]))


def verdict(first_bytes: bytes, size: int, declared_type: str, declared_size: int | None = None) -> Verdict:
    """Accept what landed only if its bytes are JPEG, PNG or PDF and its size is within bounds.

    The size limit is the smaller of MAX_BYTES and what the citizen declared (the upload policy
    allowed no more). A file whose bytes are an allowed type other than the declared one (a PNG
    saved as ``.jpg``, which phones do) is accepted as what it really is.
    """
    detected = detect_type(first_bytes)
    limit = MAX_BYTES if declared_size is None else min(MAX_BYTES, declared_size)
    if size < 1:
        return Verdict(False, detected, EMPTY)
    if size > limit:
        return Verdict(False, detected, TOO_LARGE)
    if detected not in ALLOWED_TYPES:
        return Verdict(False, detected, NOT_ALLOWED)
    return Verdict(True, detected)


def object_key(complaint_id: str, attachment_id: str) -> str:
    """Where the browser uploads (the presigned POST's key): unchecked bytes, deleted once judged."""
    return f"attachments/{complaint_id}/{attachment_id}"


def stored_key(complaint_id: str, attachment_id: str) -> str:
    """Where the checked file is kept and served from: no upload policy can write here, so what was
    checked cannot be replaced by posting the form again (it stays valid for ten minutes)."""
    return f"accepted/{complaint_id}/{attachment_id}"


_KEY = re.compile(r"^attachments/([0-9a-f]{32})/([0-9a-f]{24})$")


def parse_object_key(key: str) -> tuple[str, str] | None:
    """(complaint id, attachment id) of one of our object keys; None for anything else."""
    match = _KEY.match(key or "")
    return (match.group(1), match.group(2)) if match else None


def download_name(filename: str, content_type: str) -> str:
    """A file name safe in a Content-Disposition header: ASCII, no quotes, with the real type's extension."""
    # é -> e (accents dropped); anything else outside ASCII -> _
    ascii_name = "".join(
        ch if ch.isascii() else "" if unicodedata.category(ch) == "Mn" else "_"
        for ch in unicodedata.normalize("NFKD", filename)
    )
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip(" .") or "lampiran"
    extension = {"image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",), "application/pdf": (".pdf",)}.get(
        content_type, ()
    )
    if extension and not ascii_name.lower().endswith(extension):
        stem, dot, old = ascii_name.rpartition(".")
        if dot and f".{old.lower()}" in _KNOWN_EXTENSIONS:  # a PNG called photo.jpg downloads as photo.png
            ascii_name = stem
        ascii_name = ascii_name[: MAX_FILENAME - len(extension[0])] + extension[0]
    return ascii_name[:MAX_FILENAME]
