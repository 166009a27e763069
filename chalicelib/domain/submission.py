"""What a citizen may submit, checked before anything is stored."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import fields
from .errors import ValidationFailed

LIMITS = fields.LIMITS
MIN_DESCRIPTION = fields.MIN_DESCRIPTION


@dataclass(frozen=True)
class Submission:
    category: str
    subcategory: str
    title: str
    description: str
    location: str | None = None
    anonymous: bool = False
    confidential: bool = False
    # The map's point (domain/coordinates.py): both or neither, inside East Kalimantan.
    latitude: float | None = None
    longitude: float | None = None

    def fingerprint_fields(self) -> tuple:
        fields = (
            self.category,
            self.subcategory,
            self.title,
            self.description,
            self.location,
            self.anonymous,
            self.confidential,
        )
        # Only when given: a complaint without a point keeps the fingerprint it had before points existed.
        return fields if self.latitude is None else (*fields, self.latitude, self.longitude)


def _submission(body: Any) -> Submission:
    """The checked body of ``models.SubmissionRequest`` (or ``EntryRequest``) as a ``Submission``."""
    return Submission(
        body.category,
        body.subcategory,
        body.title,
        body.description,
        body.location,
        body.anonymous,
        body.confidential,
        body.lat,
        body.long,
    )


def parse_submission(payload: Any) -> Submission:
    """Validated through ``models.SubmissionRequest`` (the schema ``/openapi.json`` publishes)."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    body, errors = models.errors_of(models.SubmissionRequest, payload)
    if isinstance(payload, Mapping):
        errors += models.submission_errors(payload, errors)
    if errors or body is None:
        raise ValidationFailed(errors)
    return _submission(body)


# How a complaint reached the operators when it did not come through the web form.
CHANNELS = fields.CHANNELS
WEB = "web"
WHATSAPP = "whatsapp"  # one of CHANNELS: an operator enters such reports, and citizens write them there
# Other programs, through the Open311 GeoReport v2 API (service/open311.py): a channel the domain
# knows, but not one an operator picks when entering a complaint (that is CHANNELS).
OPEN311 = "open311"
ALL_CHANNELS = (WEB, *CHANNELS, OPEN311)
# Every channel's name as people read it (reports), Indonesian and English.
CHANNEL_LABELS = {
    WEB: ("Situs web (warga)", "Website (citizen)"),
    "phone": ("Telepon", "Phone"),
    "walk_in": ("Datang langsung", "Walk-in"),
    "letter": ("Surat", "Letter"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
    "social_media": ("Media sosial", "Social media"),
    "email": ("Email", "Email"),
    "sp4n_lapor": ("SP4N-LAPOR!", "SP4N-LAPOR!"),
    "open311": ("Open311 (aplikasi lain)", "Open311 (other apps)"),
}
_REF = re.compile(fields.EXTERNAL_REF_PATTERN)


@dataclass(frozen=True)
class Entry:
    """What an operator records about a complaint that arrived by phone, in person, by letter, ..."""

    channel: str
    reporter_name: str | None
    reporter_email: str | None
    reporter_phone: str | None
    external_ref: str | None

    def fingerprint_fields(self) -> tuple:
        return (self.channel, self.reporter_name, self.reporter_email, self.reporter_phone, self.external_ref)


def parse_entry(payload: Any) -> tuple[Submission, Entry]:
    """A complaint entered by an operator: the submission itself plus channel, reporter and reference.

    Validated through ``models.EntryRequest``; the rules across fields (a named reporter unless
    anonymous, a reference for SP4N-LAPOR!) are ``models.entry_errors``."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    body, errors = models.errors_of(models.EntryRequest, payload)
    if isinstance(payload, Mapping):
        errors += models.entry_errors(payload, errors)
    if errors or body is None:
        raise ValidationFailed(errors)
    submission = _submission(body)
    reporter = body.reporter or models.Reporter()
    email = reporter.email.lower() if reporter.email else None
    return submission, Entry(
        body.channel, None if body.anonymous else reporter.name, email, reporter.phone, body.external_ref
    )
