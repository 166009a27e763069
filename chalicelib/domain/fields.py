"""The limits and patterns of what people send: one place for the request models (domain/models.py) and the
parsers and pages that quote them. No pydantic here: importing these costs a cold start nothing."""

from __future__ import annotations

LIMITS = {
    "title": 150,
    "description": 5000,
    "location": 300,
    "name": 100,
    "email": 254,
    "phone": 30,
    "external_ref": 100,
}
MIN_DESCRIPTION = 10
ANSWER_MAX = 4000
REASON_MAX = 2000
COMMENT_MAX = 2000
ACCOUNT_FIELD_MAX = 256
MIN_PASSWORD = 8
MAX_ORGANISATION = 100
MAX_MEMBER_NAME = 100
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "application/pdf")
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
MAX_FILENAME = 200
CHANNELS = ("phone", "walk_in", "letter", "whatsapp", "social_media", "email", "sp4n_lapor")
EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"
INTL_PHONE_PATTERN = r"^\+[1-9][0-9]{7,14}$"  # what Cognito keeps: +6281234567890
RAW_INTL_PHONE_PATTERN = r"^ *(\+ *[1-9]( *[0-9]){7,14})? *$"  # the same as typed: spaces anywhere, or nothing
ENTRY_PHONE_PATTERN = r"^\+?[0-9][0-9 ()\-]{5,22}$"  # as an operator writes it down: 0812-3456-7890
EXTERNAL_REF_PATTERN = r"^[\x21-\x7e]([\x20-\x7e]{0,98}[\x21-\x7e])?$"
