"""What a citizen may submit, checked before anything is stored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from . import catalog
from .errors import ValidationFailed

LIMITS = {"title": 150, "description": 5000, "location": 300, "name": 100, "email": 254, "phone": 30,
          "external_ref": 100}
MIN_DESCRIPTION = 10


@dataclass(frozen=True)
class Submission:
    category: str
    subcategory: str
    title: str
    description: str
    location: str | None = None
    anonymous: bool = False
    confidential: bool = False

    def fingerprint_fields(self) -> tuple:
        return (self.category, self.subcategory, self.title, self.description, self.location,
                self.anonymous, self.confidential)


def _text(payload: Mapping[str, Any], name: str, errors: list, required: bool) -> str | None:
    raw = payload.get(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            errors.append({"field": name, "code": "required"})
        return None
    if not isinstance(raw, str):
        errors.append({"field": name, "code": "not_text"})
        return None
    text = raw.strip()
    if len(text) > LIMITS.get(name, 200):
        errors.append({"field": name, "code": "too_long", "max_length": LIMITS.get(name, 200)})
        return None
    return text


def _flag(payload: Mapping[str, Any], name: str, errors: list) -> bool:
    value = payload.get(name, False)
    if not isinstance(value, bool):
        errors.append({"field": name, "code": "not_boolean"})
        return False
    return value


def parse_submission(payload: Any) -> Submission:
    if not isinstance(payload, Mapping):
        raise ValidationFailed([{"field": "", "code": "not_an_object"}])
    errors: list[dict[str, Any]] = []
    category_code = _text(payload, "category", errors, required=True)
    subcategory_code = _text(payload, "subcategory", errors, required=True)
    category = catalog.category(category_code) if category_code else None
    if category_code and category is None:
        errors.append({"field": "category", "code": "unknown_category"})
    if category and subcategory_code and category.subcategory(subcategory_code) is None:
        errors.append({"field": "subcategory", "code": "unknown_subcategory"})
    title = _text(payload, "title", errors, required=True)
    description = _text(payload, "description", errors, required=True)
    if description is not None and len(description) < MIN_DESCRIPTION:
        errors.append({"field": "description", "code": "too_short", "min_length": MIN_DESCRIPTION})
    location = _text(payload, "location", errors, required=False)
    anonymous = _flag(payload, "anonymous", errors)
    confidential = _flag(payload, "confidential", errors)
    if errors:
        raise ValidationFailed(errors)
    return Submission(category_code, subcategory_code, title, description, location, anonymous, confidential)


# How a complaint reached the operators when it did not come through the web form.
CHANNELS = ("phone", "walk_in", "letter", "whatsapp", "social_media", "email", "sp4n_lapor")
WEB = "web"
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
# What we accept as an email address, everywhere (accounts, staff members, reporters).
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,22}$")  # as an operator writes it down: 0812-3456-7890, +62 ...
PHONE = _PHONE  # the same rule for every channel that takes a phone number (Open311 too)
_REF = re.compile(r"^[\x21-\x7e]([\x20-\x7e]{0,98}[\x21-\x7e])?$")


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
    """A complaint entered by an operator: the submission itself plus channel, reporter and reference."""
    if not isinstance(payload, Mapping):
        raise ValidationFailed([{"field": "", "code": "not_an_object"}])
    errors: list[dict[str, Any]] = []
    try:
        submission = parse_submission(payload)
    except ValidationFailed as failed:
        errors.extend(failed.errors)
        submission = None
    channel = payload.get("channel")
    if channel is None or channel == "":
        errors.append({"field": "channel", "code": "required"})
    elif channel not in CHANNELS:
        errors.append({"field": "channel", "code": "unknown_channel"})
    reporter = payload.get("reporter", {})
    if reporter is None:
        reporter = {}
    if not isinstance(reporter, Mapping):
        errors.append({"field": "reporter", "code": "not_an_object"})
        reporter = {}
    anonymous = payload.get("anonymous") is True
    name = _text(reporter, "name", errors, required=not anonymous)
    email = _text(reporter, "email", errors, required=False)
    phone = _text(reporter, "phone", errors, required=False)
    external_ref = _text(payload, "external_ref", errors, required=channel == "sp4n_lapor")
    for error in errors:  # name the nested fields as the body does
        if error["field"] in ("name", "email", "phone") and error.get("code") != "not_an_object":
            error["field"] = f"reporter.{error['field']}"
    if email is not None and not EMAIL.match(email):
        errors.append({"field": "reporter.email", "code": "invalid_email"})
    if phone is not None and not _PHONE.match(phone):
        errors.append({"field": "reporter.phone", "code": "invalid_phone_number"})
    if external_ref is not None and not _REF.match(external_ref):
        errors.append({"field": "external_ref", "code": "invalid_external_ref"})
    if errors:
        raise ValidationFailed(errors)
    return submission, Entry(channel, None if anonymous else name, email.lower() if email else None, phone,
                             external_ref)
