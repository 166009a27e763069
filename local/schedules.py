"""The app's scheduled functions on the local stack, fired on demand as EventBridge would fire them.

``run`` fires one now, with a scheduled event whose ``detail`` the caller chooses (``make
monthly-report`` posts to the local stack, which calls ``run``). The local stack does not keep the
schedules' clock itself: a report email appearing in the outbox while tests run would surprise them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalice.app import ScheduledEventConfig

log = logging.getLogger("aspirasi.local")


def schedules(app_module) -> dict[str, tuple[str, Callable[..., Any]]]:
    """The app's schedules: name -> (expression, the Lambda handler)."""
    out = {}
    for source in app_module.app.event_sources:
        if isinstance(source, ScheduledEventConfig):
            expression = source.schedule_expression
            text = expression if isinstance(expression, str) else expression.to_string()
            out[source.name] = (text, getattr(app_module, source.handler_string.rsplit(".", 1)[1]))
    return out


def scheduled_event(name: str, region: str, detail: dict | None = None, at: datetime | None = None) -> dict:
    """What EventBridge hands a scheduled Lambda function (``detail`` is ``{}`` for a real schedule)."""
    at = at or datetime.now(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:123456789012:rule/local-{name}"],
        "detail": detail or {},
    }


def run(app_module, name: str, region: str, detail: dict | None = None):
    """Fire the schedule ``name`` now; returns what its function returned."""
    found = schedules(app_module)
    if name not in found:
        raise KeyError(f"no schedule named {name!r} (the app has {sorted(found)})")
    return found[name][1](scheduled_event(name, region, detail), None)
