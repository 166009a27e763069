"""Reply templates for the staff: everyone reads them, Diskominfo and admins write them (the web layer checks
``Action.MANAGE_TEMPLATES``); the case view offers them filled for the case (``offered``)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from ..domain import catalog, reply_templates
from ..domain.errors import Conflict, NotFound, Unavailable, ValidationFailed
from ..domain.records import Complaint
from ..domain.reply_templates import MAX_TEMPLATES, STAGES, ReplyTemplate
from ..domain.timestamps import iso
from .container import Services
from .ports import ConditionFailed, ReplyTemplates

SCOPE = "reply"  # the one partition of the templates' table
_ID = re.compile(r"^[0-9a-f]{16}$")


class TooManyTemplates(Conflict):
    """There are ``MAX_TEMPLATES`` already: delete one first (the console lists them all on one page)."""

    code = "too_many_templates"


def _store(svc: Services) -> ReplyTemplates:
    if svc.templates is None:
        raise Unavailable("reply templates are not configured")
    return svc.templates


def _ordered(templates: list[ReplyTemplate]) -> list[ReplyTemplate]:
    """In the SOP's order of stages, then by category (every category first) and name."""
    return sorted(templates, key=lambda t: (STAGES.index(t.stage), t.category or "", t.name.lower(), t.id))


def list_templates(svc: Services, stage: str | None = None, category: str | None = None) -> dict:
    """Every template, or those for a stage and/or a category (with those for every category)."""
    errors = []
    if stage and stage not in STAGES:
        errors.append({"field": "stage", "code": "unknown_template_stage"})
    if category and catalog.category(category) is None:
        errors.append({"field": "category", "code": "unknown_category"})
    if errors:
        raise ValidationFailed(errors)
    found = [t for t in _store(svc).reply_templates(SCOPE) if t.applies_to(stage or None, category or None)]
    return {"items": [t.as_json() for t in _ordered(found)]}


def _existing(svc: Services, template_id: str) -> ReplyTemplate:
    template = _store(svc).reply_template(SCOPE, template_id) if _ID.match(template_id or "") else None
    if template is None:
        raise NotFound("no such template")
    return template


def create_template(svc: Services, payload: Any, by: str) -> dict:
    fields = reply_templates.parse(payload)
    store = _store(svc)
    if len(store.reply_templates(SCOPE)) >= MAX_TEMPLATES:
        raise TooManyTemplates(f"at most {MAX_TEMPLATES} templates")
    now = iso(svc.now())
    template = ReplyTemplate(
        scope=SCOPE,
        id=reply_templates.new_id(),
        name=fields.name,
        stage=fields.stage,
        category=fields.category,
        text=fields.text,
        created_at=now,
        created_by=by,
        updated_at=now,
        updated_by=by,
    )
    store.add_reply_template(template)
    return template.as_json()


def update_template(svc: Services, template_id: str, payload: Any, by: str) -> dict:
    """The whole template again (PUT): name, stage, category and text."""
    current = _existing(svc, template_id)
    fields = reply_templates.parse(payload)
    template = replace(
        current,
        name=fields.name,
        stage=fields.stage,
        category=fields.category,
        text=fields.text,
        updated_at=iso(svc.now()),
        updated_by=by,
    )
    try:
        _store(svc).replace_reply_template(template)
    except ConditionFailed:
        raise NotFound("no such template") from None  # deleted meanwhile
    return template.as_json()


def delete_template(svc: Services, template_id: str) -> None:
    _existing(svc, template_id)
    try:
        _store(svc).delete_reply_template(SCOPE, template_id)
    except ConditionFailed:
        raise NotFound("no such template") from None


def offered(svc: Services, complaint: Complaint, stage: str, may_ask: bool) -> list[dict]:
    """The templates the decision form of ``stage`` can use, filled for the case: the stage's own, and the
    questions to the reporter where the stage may ask one. Empty when the store is not wired."""
    if svc.templates is None:
        return []
    stages = {stage} | ({"request_information"} if may_ask else set())
    found = [
        t for t in svc.templates.reply_templates(SCOPE) if t.stage in stages and t.applies_to(None, complaint.category)
    ]
    return [
        {"id": t.id, "name": t.name, "stage": t.stage, "text": reply_templates.fill(t.text, complaint)}
        for t in _ordered(found)
    ]
