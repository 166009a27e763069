"""Turn what a member of staff submitted into a decision the SOP allows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from . import catalog, sop
from .errors import ValidationFailed
from .tracking import normalize


@dataclass(frozen=True)
class Decision:
    stage: str
    outcome: str
    values: dict[str, str] = field(default_factory=dict)

    @property
    def leads_to(self) -> str:
        return sop.stage(self.stage).outcome(self.outcome).leads_to

    def complaint_changes(self) -> dict[str, str]:
        """The complaint fields this decision sets (its other values live in the work item and audit)."""
        if self.outcome == "request_information":
            return {}  # the use case sets the pending question (it knows the time and the visit)
        if self.outcome == "duplicate":
            return {"kind": sop.DUPLICATE, "duplicate_of": self.values["of"]}
        if self.stage == "classification":
            return {"kind": self.outcome, **{k: v for k, v in self.values.items() if k == "opd"}}
        changes = {"opd_response" if k == "response" else k: v
                   for k, v in self.values.items() if k in ("response", "reply")}
        if self.outcome == "reject":
            changes["close_reason"] = self.values["reason"]
        return changes

    def as_output(self) -> dict[str, Any]:
        """What Step Functions receives with SendTaskSuccess (its Route reads ``outcome``)."""
        return {"outcome": self.outcome, **self.values}


def _matches(outcome: sop.Outcome, payload: Mapping[str, Any]) -> bool:
    key, value = outcome.selector
    if value is None:
        return key in payload and "decision" not in payload
    return payload.get(key) == value


def parse_decision(stage_name: str, payload: Mapping[str, Any]) -> Decision:
    """Validate ``payload`` against the outcomes the SOP allows in ``stage_name``."""
    stage = sop.stage(stage_name)
    if not isinstance(payload, Mapping):
        raise ValidationFailed([{"field": "", "code": "not_an_object"}])
    matching = [o for o in stage.outcomes if _matches(o, payload)]
    if len(matching) != 1:
        allowed = [dict([o.selector]) if o.selector[1] else {o.selector[0]: "..."} for o in stage.outcomes]
        raise ValidationFailed(
            [{"field": "decision", "code": "not_allowed", "stage": stage.name, "allowed": allowed}]
        )
    outcome = matching[0]
    errors: list[dict[str, Any]] = []
    values: dict[str, str] = {}
    for spec in outcome.fields:
        raw = payload.get(spec.name)
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            errors.append({"field": spec.name, "code": "required"})
        elif len(text) > spec.max_length:
            errors.append({"field": spec.name, "code": "too_long", "max_length": spec.max_length})
        elif spec.kind == "opd" and text not in catalog.OPDS:
            errors.append({"field": spec.name, "code": "unknown_opd"})
        elif spec.kind == "tracking":
            number = normalize(text)
            if number is None:
                errors.append({"field": spec.name, "code": "invalid_tracking_number"})
            else:
                values[spec.name] = number
        else:
            values[spec.name] = text
    if errors:
        raise ValidationFailed(errors)
    return Decision(stage=stage.name, outcome=outcome.name, values=values)
