"""Reply templates: answers staff give again and again, per stage and category, with placeholders filled
for the case at hand (as FixMyStreet Pro's councils work from response templates per category).

Pure: what a template may say (``parse``) and how its placeholders become a case's values (``fill``).
Diskominfo and admins manage them (service/reply_templates.py); the decision forms offer them filled.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from . import catalog
from .errors import ValidationFailed
from .fields import LIMITS, MAX_TEMPLATE_NAME, REASON_MAX, TEMPLATE_STAGES

# The decision forms a template may serve: the agency's response, the review's return reason, the reply to
# the reporter, and a question to the reporter (any stage that may ask).
STAGES = TEMPLATE_STAGES
PLACEHOLDERS = ("tracking_number", "title", "citizen_name", "agency")
MAX_NAME = MAX_TEMPLATE_NAME
# A filled template goes where a decision's text goes: a question or a review's reason is short (REASON_MAX),
# a response or a reply a long text (as a complaint's description).
MAX_TEXT = {
    "opd_response": LIMITS["description"],
    "reply": LIMITS["description"],
    "review": REASON_MAX,
    "request_information": REASON_MAX,
}
MAX_TEMPLATES = 200
ANONYMOUS_NAME = "Bapak/Ibu"  # how an anonymous reporter (or one without a name) is addressed
UNKNOWN_AGENCY = "OPD terkait"
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


@dataclass(frozen=True)
class ReplyTemplate:
    """ReplyTemplateModel (adapters/tables.py says what each field means)."""

    scope: str
    id: str
    name: str
    stage: str
    text: str
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    category: str | None = None

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name, "stage": self.stage}
        if self.category:
            out["category"] = self.category
        out["text"] = self.text
        return out

    def applies_to(self, stage: str | None, category: str | None) -> bool:
        """Whether the template serves this stage and category (one without a category serves every one)."""
        return (stage is None or self.stage == stage) and (
            category is None or self.category is None or self.category == category
        )


@dataclass(frozen=True)
class TemplateFields:
    name: str
    stage: str
    category: str | None
    text: str


def new_id() -> str:
    return secrets.token_hex(8)


def placeholder_errors(text: str) -> list[dict]:
    """``unknown_placeholder`` for a ``{name}`` we do not fill, ``unbalanced_brace`` for a brace of none."""
    errors: list[dict] = []
    unknown = [m.group(1) for m in _PLACEHOLDER.finditer(text) if m.group(1) not in PLACEHOLDERS]
    if unknown:
        errors.append(
            {"field": "text", "code": "unknown_placeholder", "placeholder": unknown[0], "allowed": list(PLACEHOLDERS)}
        )
    if "{" in _PLACEHOLDER.sub("", text) or "}" in _PLACEHOLDER.sub("", text):
        errors.append({"field": "text", "code": "unbalanced_brace"})
    return errors


def parse(payload: Any) -> TemplateFields:
    """A template as an admin or Diskominfo wrote it (through ``models.TemplateRequest``), or 422 naming each
    field that is not right: the placeholders, and the length the stage's decision takes."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    body, errors = models.errors_of(models.TemplateRequest, payload)
    if body is not None:
        limit = MAX_TEXT[body.stage]
        if len(body.text) > limit:
            errors.append({"field": "text", "code": "too_long", "max_length": limit})
        else:
            errors += placeholder_errors(body.text)
    elif (
        isinstance(payload, Mapping)
        and isinstance(payload.get("text"), str)
        and not any(e["field"] == "text" for e in errors)
    ):
        errors += placeholder_errors(payload["text"])  # said with the other fields' problems at once
    if errors or body is None:
        raise ValidationFailed(errors)
    return TemplateFields(name=body.name, stage=body.stage, category=body.category, text=body.text)


class CaseLike(Protocol):
    """A complaint (domain/records.Complaint), read only."""

    @property
    def tracking_number(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def citizen_name(self) -> str | None: ...
    @property
    def anonymous(self) -> bool | None: ...
    @property
    def opd(self) -> str | None: ...
    @property
    def category(self) -> str: ...


def agency_of(case: CaseLike) -> str:
    """The agency answering the case: the one it was routed to, else its category's."""
    code = case.opd
    if not code:
        category = catalog.category(case.category)
        code = category.opd if category else None
    opd = catalog.OPDS.get(code) if code else None
    return opd.name if opd else UNKNOWN_AGENCY


def fill(text: str, case: CaseLike) -> str:
    """The template's text for this case. An anonymous reporter is "Bapak/Ibu", never their name; a value
    that holds braces itself is not read as a placeholder again (one pass)."""
    name = (case.citizen_name or "").strip()
    values = {
        "tracking_number": case.tracking_number,
        "title": case.title,
        "citizen_name": ANONYMOUS_NAME if case.anonymous or not name else name,
        "agency": agency_of(case),
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
