"""Accounts (citizens register; everyone logs in): checked here (``domain/models.py``), kept by the identity
provider (Cognito)."""

from __future__ import annotations

from typing import Any

from ..domain import fields
from ..domain.errors import Conflict, Forbidden, TooManyRequests, Unauthorized, ValidationFailed
from ..domain.limits import HOUR
from ..domain.personal_data import subject_key
from .ports import IdentityProvider

MIN_PASSWORD = fields.MIN_PASSWORD
EXISTING_ACCOUNT_EMAIL = "account_exists"  # the template the owner of an address gets when someone registers it
PASSWORD_RESET_EMAIL = "password_reset"  # the code, where we send it ourselves (the local stack)
# Reset codes one address is sent an hour, whoever asks: more requests are answered alike and send nothing.
RESET_CODES_PER_ADDRESS_PER_HOUR = 3


class AccountExists(Conflict):
    """The address has an account already. Never told to the caller (it would say who has an account)."""

    code = "account_exists"


class ClientLimited(TooManyRequests):
    """Too many of ``what`` from one client address in an hour (Retry-After)."""

    what = "requests"

    def __init__(self, retry_after: int):
        super().__init__(f"too many {self.what} from this address")
        self.retry_after = retry_after


class RegistrationLimited(ClientLimited):
    """Too many accounts asked for from one client address in an hour."""

    what = "registrations"


class WrongCredentials(Unauthorized):
    """A login with a wrong password or an address that has no account: the same answer for both."""

    code = "wrong_credentials"


class PasswordResetLimited(ClientLimited):
    """Too many password resets asked for (or tried) from one client address in an hour."""

    what = "password resets"


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

    body = models.validate(models.RegisterRequest, payload)
    email = body.email.lower()
    _limit_client(
        svc, "register", client, svc.settings.register_limit_per_hour, "RegistrationsLimited", RegistrationLimited
    )
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
    Cognito turns into a refused sign-up; staff invitations (``PreSignUp_AdminCreateUser``) are checked alike.

    The phone is read by the one phone rule (``fields.normalise_phone``); as a trigger cannot change what
    Cognito stores, the number must also be written as it is kept (E.164, which Cognito demands anyway)."""
    from ..domain import models  # on use: only this trigger needs pydantic

    attributes = attributes if isinstance(attributes, dict) else {}
    body = models.validate(models.SignUpAttributes, {k: attributes.get(k) for k in ("email", "name", "phone_number")})
    if body.phone_number is not None and body.phone_number != attributes.get("phone_number"):
        raise ValidationFailed([{"field": "phone_number", "code": "invalid_phone"}])


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


def _limit_client(
    svc, route: str, client: str | None, per_hour: int, metric: str, limited: type[ClientLimited]
) -> None:
    """One client address may call ``route`` ``per_hour`` times a clock hour, then ``limited`` (429 with
    Retry-After). The counter's key holds a digest of the address (``subject_key``), never the address."""
    from . import rate_limits

    if not client:
        return
    hit = rate_limits.hit(svc, f"{route}#{subject_key(client)}", per_hour, HOUR, metric)
    if hit.count is None:
        raise limited(hit.retry_after or 60)


def _limit_resets(svc, route: str, client: str | None) -> None:
    """Password resets: ``password_reset_limit_per_hour`` an hour per route from one client address."""
    limit = svc.settings.password_reset_limit_per_hour
    _limit_client(svc, route, client, limit, "PasswordResetsLimited", PasswordResetLimited)


def forgot_password(svc, payload: Any, client: str | None = None) -> dict:
    """``POST /auth/forgot``: send the address's owner a code to choose a new password, if it has an account.

    The answer is the same for every well-formed address, known or not, so it tells nobody who has an
    account. One client address may ask ``password_reset_limit_per_hour`` times an hour (429, which says
    nothing about the address); one address gets ``RESET_CODES_PER_ADDRESS_PER_HOUR`` codes an hour, however
    many ask -- past that the request is answered alike and sends nothing, so the route cannot bomb a mailbox.

    In the cloud Cognito emails the code (``ForgotPassword``). Where the identity provider hands the code
    back instead (moto, on the local stack: ``COGNITO_SENDS_RESET_CODES=0``), we email it ourselves
    (``password_reset``), so it arrives in the outbox as a citizen's or member's code would.
    """
    from ..domain import models  # on use: a cold start without pydantic (docs/performance.md)
    from . import rate_limits

    body = models.validate(models.ForgotPasswordRequest, payload)
    email = body.email.lower()
    _limit_resets(svc, "forgot", client)
    answer = {"email": email}
    sent = rate_limits.hit(
        svc, f"reset-code#{subject_key(email)}", RESET_CODES_PER_ADDRESS_PER_HOUR, HOUR, "ResetCodesLimited"
    )
    if sent.count is None:
        return answer  # enough codes went to this address this hour: nothing more, and nothing said
    code = svc.identity.forgot_password(email)
    if code is not None:  # only where the provider handed it back: its account exists
        svc.notifier.send([email], PASSWORD_RESET_EMAIL, {"email": email, "code": code})
    svc.metrics.count("PasswordResetRequested")
    return answer


def reset_password(svc, payload: Any, client: str | None = None) -> None:
    """``POST /auth/reset``: the emailed code and a new password. A wrong or expired code is refused (422
    naming ``code``) and changes nothing; a weak password is refused (``new_password``) before the code is
    tried, so it is not used up. Afterwards the new password logs in and the old one does not; every refresh
    token the account had is revoked (a reset is often a lost or stolen password). Tries from one client
    address count against ``password_reset_limit_per_hour`` (a code cannot be guessed from one address)."""
    from ..domain import models  # on use: a cold start without pydantic (docs/performance.md)

    body = models.validate(models.ResetPasswordRequest, payload)
    _limit_resets(svc, "reset", client)
    svc.identity.reset_password(body.email.lower(), body.code, body.new_password)
    svc.metrics.count("PasswordReset")
