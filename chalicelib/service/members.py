"""Staff accounts, for admins: list the members of the staff groups, invite one, disable one, enable one again.

The accounts live in the identity provider (Cognito), reached through the small ``Directory``
port. In the cloud Cognito emails the invitation itself (the pool's invitation template, rendered
from the same ``staff_invitation`` email); where it cannot (moto), we create the account with a
temporary password and send that same invitation through our notifier.

Inviting takes several calls (create the account, add it to each group, send the invitation); when one
fails after the account exists, inviting again with the same email is a retry: the account, still only
invited, gets the groups it lacks and a new invitation. Only an account someone uses (active), a disabled
one, or a citizen's is refused as ``member_exists``.
"""

from __future__ import annotations

import secrets
from typing import Any

from ..domain.errors import Conflict, NotFound, Unavailable
from ..domain.fields import is_email
from ..domain.roles import ADMIN, Member, all_groups
from . import access
from .ports import Directory

TEMPORARY_PASSWORD_DAYS = 3  # the user pool's temporary password validity (infra) and what the invitation says
MAX_NAME = 100


class MemberExists(Conflict):
    """An account with this email exists already (a member, a disabled member, or a citizen)."""

    code = "member_exists"


class LastAdmin(Conflict):
    """Disabling this admin would leave no admin who can log in (enabled and active) to manage the members."""

    code = "last_admin"


def list_members(directory: Directory) -> dict:
    """Every account in any staff group, once, with all its staff groups; by email."""
    merged: dict[str, Member] = {}
    for group in all_groups():
        for member in directory.members_of(group):
            known = merged.get(member.email)
            groups = tuple(sorted(set(member.groups) | set(known.groups if known else ())))
            merged[member.email] = Member(member.email, member.name, groups, member.enabled, member.status)
    return {"items": [merged[email].as_json() for email in sorted(merged)]}


def _invitation(payload: Any) -> tuple[str, str, list[str]]:
    """Through ``models.InviteRequest`` (the schema /openapi.json shows)."""
    from ..domain import models  # on use: a cold start without pydantic (docs/performance.md)

    body = models.validate(models.InviteRequest, payload)
    return body.email.lower(), body.name, sorted(set(body.groups), key=all_groups().index)


def temporary_password() -> str:
    """12 characters meeting the pool's policy (upper case, lower case, a digit), without look-alikes."""
    upper, lower, digits = "ABCDEFGHJKMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789"
    chars = [secrets.choice(upper), secrets.choice(lower), secrets.choice(digits)]
    chars += [secrets.choice(upper + lower + digits) for _ in range(9)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def invitation_context(
    console_url: str, email: str | None, temporary_password: str, account: str | None = None
) -> dict:
    """What the ``staff_invitation`` email shows. The cloud's template is rendered with Cognito's
    placeholders: no email (the message goes to it), ``{username}`` and ``{####}``."""
    return {
        "console_url": console_url,
        "email": email,
        "account": account,
        "temporary_password": temporary_password,
        "valid_days": TEMPORARY_PASSWORD_DAYS,
    }


def invite_member(svc, payload: Any) -> dict:
    """Create the account in its groups and invite it: 201 body. ``svc`` is the ``Services`` container.

    An account that exists and is still only invited (enabled, no password chosen yet) is a retry of an
    invitation that failed midway: it gets the groups it lacks and a new invitation (new temporary password).
    """
    email, name, groups = _invitation(payload)
    directory: Directory = svc.directory
    password = None if svc.settings.cognito_sends_invitations else temporary_password()
    try:
        member = directory.create(email, name, groups, password)
    except MemberExists:
        existing = directory.find(email)
        # Citizens sign up (unconfirmed or active), they are never "invited": only our invitations are retried.
        if existing is None or not existing.enabled or existing.status != "invited":
            raise
        directory.add_to_groups(email, [g for g in groups if g not in existing.groups])
        directory.reinvite(email, password)
        staff_groups = (set(existing.groups) & set(all_groups())) | set(groups)
        member = Member(existing.email, existing.name, tuple(sorted(staff_groups)), True, "invited")
    if password is not None:
        svc.notifier.send(
            [email], "staff_invitation", invitation_context(f"{svc.settings.public_base_url}/staff", email, password)
        )
    return member.as_json()


class SelfDisable(Conflict):
    """An admin may not disable their own account: they would lock themselves out mid-task."""

    code = "self_disable"


def _other_admins(directory: Directory, email: str) -> list[Member]:
    """The other admins who can log in: enabled, with a password of their own (not only invited)."""
    return [m for m in directory.members_of(ADMIN) if m.enabled and m.status == "active" and m.email != email]


def disable(svc, email: str, by: str | None = None) -> None:
    """Disable a member and refuse at once the ID tokens they hold (service/access.py): Cognito stops new
    logins, but a token it issued stays valid for its hour. ``svc`` is the ``Services`` container;
    ``by`` the admin asking, who may not disable themselves."""
    if svc.directory is None:
        raise Unavailable("staff accounts are not configured")
    if by is not None and (email or "").strip().lower() == by.strip().lower():
        raise SelfDisable("an admin cannot disable their own account")
    member = disable_member(svc.directory, email)
    if member.subject:
        access.revoke(svc, member.subject, "disabled")
    if svc.account_status is not None:
        svc.account_status.forget()  # this process asks Cognito again next time


def disable_member(directory: Directory, email: str) -> Member:
    """Disable a member (idempotent), never the last enabled admin. Returns the member as found."""
    email = (email or "").strip().lower()
    member = directory.find(email) if is_email(email) else None
    if member is None or not set(member.groups) & set(all_groups()):
        raise NotFound("no such member")
    guarded = ADMIN in member.groups and member.enabled
    if guarded and not _other_admins(directory, member.email):
        raise LastAdmin(f"{email} is the last enabled admin")
    directory.disable(email)
    if guarded:
        # Check again: two admins disabling each other at the same time both passed the check above.
        # Whoever finds no other admin left now puts their account back (both may: then neither is disabled).
        try:
            remaining = _other_admins(directory, member.email)
        except BaseException:
            directory.enable(email)
            raise
        if not remaining:
            directory.enable(email)
            raise LastAdmin(f"{email} is the last enabled admin")
    return member


def enable(svc, email: str) -> None:
    """Enable a disabled member again (an enabled one stays as it is). Their old tokens stay refused: the
    revocation written on disabling refuses every token issued before it (service/access.py), so they
    log in afresh and the new tokens pass. ``svc`` is the ``Services`` container."""
    if svc.directory is None:
        raise Unavailable("staff accounts are not configured")
    email = (email or "").strip().lower()
    member = svc.directory.find(email) if is_email(email) else None
    if member is None or not set(member.groups) & set(all_groups()):
        raise NotFound("no such member")  # a citizen's account is not enabled from here either
    if not member.enabled:
        svc.directory.enable(email)
    if svc.account_status is not None:
        svc.account_status.forget()  # this process asks Cognito again next time
