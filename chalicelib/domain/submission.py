"""What a citizen may submit, checked before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from . import catalog
from .errors import ValidationFailed

LIMITS = {"title": 150, "description": 5000, "location": 300}
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
