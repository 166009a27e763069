"""Who among the staff may do what: the one permission table, and the rules per object.

Staff roles are Cognito groups: ``operator``, ``diskominfo``, ``supervisor``, ``admin`` and
``opd-<CODE>`` per agency. Which group owns a stage is not repeated here: it is the stage's
role in the SOP table (``sop.py``). This module only says which *kinds* of action each role
may take, and how an agency is limited to the cases routed to it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from . import catalog, sop

ADMIN = "admin"
OPD_GROUP_PREFIX = "opd-"
# The roles a group name can carry (an agency's group carries the OPD role and its code).
STAFF_ROLES = ("operator", "diskominfo", "supervisor", ADMIN, sop.Role.OPD.value)


class Action(str, Enum):
    READ_QUEUE = "read_queue"  # GET /staff/work-items
    READ_CASE = "read_case"  # GET /staff/complaints, /staff/complaints/{id}
    DECIDE = "decide"  # POST /staff/complaints/{id}/decision (the stage's owner only)
    ENTER_COMPLAINT = "enter_complaint"  # POST /staff/complaints (phone, walk-in, letter, ...)
    READ_REPORTS = "read_reports"  # GET /staff/reports/...
    MANAGE_MEMBERS = "manage_members"  # /staff/members
    MANAGE_API_KEYS = "manage_api_keys"  # /staff/api-keys (Open311 clients' keys)
    MANAGE_TEMPLATES = "manage_templates"  # POST/PUT/DELETE /staff/templates (reply templates)


# The one table: which roles may take which kind of action.
PERMISSIONS: dict[Action, frozenset[str]] = {
    Action.READ_QUEUE: frozenset(STAFF_ROLES),
    Action.READ_CASE: frozenset(STAFF_ROLES),
    Action.DECIDE: frozenset({"operator", "diskominfo", "opd"}),
    Action.ENTER_COMPLAINT: frozenset({"operator"}),
    Action.READ_REPORTS: frozenset({"supervisor", "diskominfo", ADMIN}),
    Action.MANAGE_MEMBERS: frozenset({ADMIN}),
    Action.MANAGE_API_KEYS: frozenset({ADMIN}),
    Action.MANAGE_TEMPLATES: frozenset({"diskominfo", ADMIN}),
}
# Roles that see every queue and every case (the others see their own queues; agencies their cases).
SEES_EVERYTHING = frozenset({"supervisor", ADMIN})


def all_groups() -> list[str]:
    """Every staff group there is (the Cognito pool creates exactly these)."""
    return ["operator", "diskominfo", "supervisor", ADMIN] + [OPD_GROUP_PREFIX + code for code in catalog.OPDS]


@dataclass(frozen=True)
class StaffMember:
    """A signed-in member of staff, from the verified ID token."""

    email: str
    groups: frozenset[str]

    @property
    def opds(self) -> frozenset[str]:
        """The agencies this member works for (from ``opd-<CODE>`` groups of known agencies)."""
        return frozenset(
            g[len(OPD_GROUP_PREFIX) :]
            for g in self.groups
            if g.startswith(OPD_GROUP_PREFIX) and g[len(OPD_GROUP_PREFIX) :] in catalog.OPDS
        )

    @property
    def roles(self) -> frozenset[str]:
        roles = {g for g in self.groups if g in STAFF_ROLES and g != sop.Role.OPD.value}
        if self.opds:
            roles.add(sop.Role.OPD.value)
        return frozenset(roles)

    @property
    def is_staff(self) -> bool:
        return bool(self.roles)

    def may(self, action: Action) -> bool:
        return bool(self.roles & PERMISSIONS[action])

    @property
    def sees_everything(self) -> bool:
        return bool(self.roles & SEES_EVERYTHING)

    def queues(self) -> list[str]:
        """The work-item queues this member works from (see ``queue_of``); all of them for supervisors."""
        if self.sees_everything:
            return all_queues()
        out = [queue_of(sop.Role(r), None) for r in ("operator", "diskominfo") if r in self.roles]
        return out + [queue_of(sop.Role.OPD, code) for code in sorted(self.opds)]

    def may_see_case(self, routed_opds: Iterable[str]) -> bool:
        """Operators, Diskominfo, supervisors and admins see every case; an agency only those routed to it."""
        if not self.may(Action.READ_CASE):
            return False
        if self.roles - {sop.Role.OPD.value}:
            return True
        return bool(self.opds & set(routed_opds))

    def owns_stage(self, stage_name: str, opd: str | None) -> bool:
        """Whether this member may decide the stage: its SOP role, and for the agency stage its agency."""
        role = sop.stage(stage_name).role
        if not self.may(Action.DECIDE) or role.value not in self.roles:
            return False
        return role is not sop.Role.OPD or opd in self.opds


def queue_of(role: sop.Role, opd: str | None) -> str:
    """The key of a team's queue (the work-item index)."""
    return f"opd#{opd}" if role is sop.Role.OPD else f"role#{role.value}"


def team_name(role: sop.Role, opd: str | None) -> str:
    """A team's name, as its emails and pages address it."""
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


def all_queues() -> list[str]:
    roles = sorted({s.role for s in sop.STAGES if s.role is not sop.Role.OPD}, key=lambda r: r.value)
    return [queue_of(r, None) for r in roles] + [queue_of(sop.Role.OPD, code) for code in catalog.OPDS]


@dataclass(frozen=True)
class Member:
    email: str
    name: str
    groups: tuple[str, ...]
    enabled: bool
    status: str  # "invited" (has not chosen a password yet), "active", or Cognito's other states in lower case
    subject: str = ""  # the account's ``sub`` (what its tokens name): never shown, used to revoke them

    def as_json(self) -> dict:
        return {
            "email": self.email,
            "name": self.name,
            "groups": list(self.groups),
            "enabled": self.enabled,
            "status": self.status,
        }
