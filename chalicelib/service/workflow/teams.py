"""The teams a stage's emails go to, and the email that gives a team its action link."""

from __future__ import annotations

from ...domain import catalog, sop
from ...domain.records import Complaint, WorkItem
from ..container import Services
from ..links import issue_link
from ..views import case_context
from .outbox import Email


def team_name(role: sop.Role, opd: str | None) -> str:
    names = {
        sop.Role.OPERATOR: "Operator/Agen Aspirasi Kaltim",
        sop.Role.DISKOMINFO: "Tim Pelayanan Aspirasi Pengaduan Diskominfo",
        sop.Role.SUPERVISOR: "Kepala Seksi Pengelolaan Opini Komunikasi Publik",
    }
    if role is sop.Role.OPD:
        if opd is None:
            raise ValueError("an agency's team needs its agency")
        return f"Tim Pelayanan Aspirasi Pengaduan {catalog.OPDS[opd].name}"
    return names.get(role, role.value)


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
