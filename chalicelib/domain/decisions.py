"""Turn what a member of staff submitted into a decision the SOP allows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import sop
from .errors import ValidationFailed


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
        changes = {
            "opd_response" if k == "response" else k: v for k, v in self.values.items() if k in ("response", "reply")
        }
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
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    stage = sop.stage(stage_name)
    if not isinstance(payload, Mapping):
        raise ValidationFailed([{"field": "", "code": "not_an_object"}])
    matching = [o for o in stage.outcomes if _matches(o, payload)]
    if len(matching) != 1:
        allowed = [dict([o.selector]) if o.selector[1] else {o.selector[0]: "..."} for o in stage.outcomes]
        raise ValidationFailed([{"field": "decision", "code": "not_allowed", "stage": stage.name, "allowed": allowed}])
    outcome = matching[0]
    # The outcome's body model (``models.DECISIONS``) checks its fields: the schema /openapi.json shows.
    body = models.validate(models.DECISIONS[stage.name][outcome.name], payload)
    values = {spec.name: getattr(body, spec.name) for spec in outcome.fields}
    return Decision(stage=stage.name, outcome=outcome.name, values=values)
