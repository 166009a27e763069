"""Accounts (citizens register; everyone logs in): checked here (``domain/models.py``), kept by the identity
provider (Cognito)."""

from __future__ import annotations

from typing import Any

from ..domain import fields
from ..domain.errors import Conflict, Forbidden, TooManyRequests
from ..domain.limits import HOUR
from ..domain.personal_data import subject_key
from .ports import IdentityProvider

MIN_PASSWORD = fields.MIN_PASSWORD
EXISTING_ACCOUNT_EMAIL = "account_exists"  # the template the owner of an address gets when someone registers it


class AccountExists(Conflict):
    """The address has an account already. Never told to the caller (it would say who has an account)."""

    code = "account_exists"


class RegistrationLimited(TooManyRequests):
    """Too many accounts asked for from one client address in an hour (Retry-After)."""

    def __init__(self, retry_after: int):
        super().__init__("too many registrations from this address")
        self.retry_after = retry_after


class PasswordChangeRequired(Forbidden):
    """An invited member logs in for the first time: they must choose a new password (``new_password``)."""

    code = "password_change_required"


def register(svc, payload: Any, client: str | None = None) -> dict:
    """Create a citizen account. ``svc`` is the ``Services`` container; ``client`` the caller's address.

    The answer is the same whether the address had an account or not (the same status, the same body), so
    registering does not tell anyone who uses the service, a whistle-blower's employer included; the owner
    of an existing account is emailed instead (at most once an hour), so a person who forgot they
    registered learns it. One client address may ask for ``register_limit_per_hour`` accounts an hour.
    """
    from ..domain import models  # on use: a cold start without pydantic (docs/performance.md)
    from . import rate_limits

    body = models.validate(models.RegisterRequest, payload)
    email = body.email.lower()
    if client:
        hit = rate_limits.hit(
            svc, f"register#{subject_key(client)}", svc.settings.register_limit_per_hour, HOUR, "RegistrationsLimited"
        )
        if hit.count is None:
            raise RegistrationLimited(hit.retry_after or 60)
    try:
        confirmed = svc.identity.register(email, body.password, body.name[:100], body.phone)
    except AccountExists:
        confirmed = svc.settings.auto_confirm_signup  # what a new account's answer says here
        _tell_the_owner(svc, email)
    return {"email": email, "confirmed": confirmed}


def _tell_the_owner(svc, email: str) -> None:
    """Email the address's owner that someone tried to register it: once an hour at most (no mail bomb)."""
    from . import rate_limits

    svc.metrics.count("RegistrationForExistingAccount")
    if rate_limits.hit(svc, f"account-exists#{subject_key(email)}", 1, HOUR, "ExistingAccountEmailsLimited").count:
        login_url = f"{svc.settings.public_base_url}/"
        svc.notifier.send([email], EXISTING_ACCOUNT_EMAIL, {"email": email, "login_url": login_url})


def check_sign_up(attributes: Any) -> None:
    """Cognito's pre sign-up trigger: an account made at Cognito directly obeys the registration's field rules
    (a self sign-up through Cognito's public API never passes ``register``). Raises ValidationFailed, which
    Cognito turns into a refused sign-up; staff invitations (``PreSignUp_AdminCreateUser``) are checked alike."""
    from ..domain import models  # on use: only this trigger needs pydantic

    attributes = attributes if isinstance(attributes, dict) else {}
    models.validate(models.SignUpAttributes, {k: attributes.get(k) for k in ("email", "name", "phone_number")})


def confirm(identity: IdentityProvider, payload: Any) -> None:
    from ..domain import models  # on use: a cold start without pydantic (docs/performance.md)

    body = models.validate(models.ConfirmRequest, payload)
    identity.confirm(body.email.lower(), body.code)


def login(identity: IdentityProvider, payload: Any) -> dict:
    from ..domain import models  # on use: a cold start without pydantic (docs/performance.md)

    body = models.validate(models.LoginRequest, payload)
    result = identity.login(body.email.lower(), body.password, body.new_password)
    if result.get("challenge") == "new_password_required":
        raise PasswordChangeRequired("choose a new password")
    return result
