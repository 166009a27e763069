"""Who is calling: the verified Cognito ID token's claims, as a citizen or as a member of staff allowed an
action, and refused (401/403) otherwise. Every route that needs a caller starts here."""

from __future__ import annotations

from ..domain.errors import Forbidden, Unauthorized
from ..domain.roles import Action, StaffMember
from ..service import access
from ..service.complaints import Citizen
from .http import header, request
from .process import configured, services


def client_address() -> str | None:
    """The caller's address as API Gateway saw it (a per-client limit counts by it), if known."""
    identity = (request().context or {}).get("identity") or {}
    return identity.get("sourceIp") or None


def verified_claims() -> dict:
    """The caller's verified Cognito ID token claims (signature, expiry, audience, token use)."""
    scheme, _, token = header("authorization").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing token")
    return configured(services().verifier, "sign-in").verify(token.strip())


def active(claims: dict, revocation_checked_later: bool = False) -> dict:
    """A person acting for themselves must still hold their account: a member of staff must be enabled, and
    no token outlives its account's closing or disabling (service/access.py). ``revocation_checked_later``:
    the route's own transaction checks the revocation (a submission), so no read is spent on it here."""
    if member(claims).is_staff:
        ensure_enabled(claims)
    if not revocation_checked_later:
        access.ensure_active(services(), claims["sub"], issued_at(claims))
    return claims


def issued_at(claims: dict) -> int | None:
    value = claims.get("iat")
    return int(value) if isinstance(value, int | float) else None


def citizen(submitting: bool = False) -> Citizen:
    """The caller as a citizen with an active account (``submitting``: the submission checks the revocation)."""
    held = active(verified_claims(), revocation_checked_later=submitting)
    return Citizen(
        id=held["sub"],
        email=held.get("email", ""),
        name=held.get("name"),
        phone=held.get("phone_number"),
        issued_at=issued_at(held),
        username=held.get("cognito:username") or held.get("email") or None,
    )


def member(claims: dict) -> StaffMember:
    """The caller as the staff rules see them (a citizen has no staff groups)."""
    groups = frozenset(g for g in claims.get("cognito:groups") or [] if isinstance(g, str))
    return StaffMember(email=claims.get("email", ""), groups=groups)


def staff(action: Action) -> StaffMember:
    """The caller as a member of staff allowed ``action`` (401 without a token, 403 otherwise)."""
    held = verified_claims()
    caller = member(held)
    if not caller.may(action):
        raise Forbidden("staff only" if not caller.is_staff else f"not allowed: {action.value}")
    # An address changed but not yet verified must not name the person in the audit trail.
    if held.get("email_verified") in (False, "false") or not caller.email:
        raise Forbidden("verified email required")
    ensure_enabled(held)
    # A member disabled and enabled again logs in afresh: tokens from before the disabling stay refused.
    access.ensure_active(services(), held["sub"], issued_at(held))
    return caller


def ensure_enabled(claims: dict) -> None:
    """A staff account must still be enabled: ID tokens outlive a disabled account (adapters/cognito.py)."""
    if not configured(services().account_status, "sign-in").enabled(claims.get("cognito:username") or claims["sub"]):
        raise Unauthorized("account disabled")
