"""The teams a stage's emails go to, and the email that gives a team its action link."""

from __future__ import annotations

from ...domain import sop
from ...domain.records import Complaint, WorkItem
from ...domain.roles import team_name
from ..container import Services
from ..links import issue_link
from ..views import case_context
from .outbox import Email


def team_email(svc: Services, complaint: Complaint, item: WorkItem, template: str, **extra) -> Email:
    """An email to the stage's team, with a new action link (built only when it is sent)."""
    role = sop.Role(item.role)
    link, expires = issue_link(svc, item, svc.now())
    return (
        list(svc.settings.mailbox(role, item.opd)),
        template,
        {
            "c": case_context(complaint),
            "stage": sop.stage(item.stage),
            "team": team_name(role, item.opd),
            "due_at": item.due_at,
            "entered_at": item.entered_at,
            "link": link,
            "link_expires_at": expires,
            "visit": item.context or {},
            **extra,
        },
    )
