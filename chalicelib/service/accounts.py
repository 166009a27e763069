"""Accounts (citizens register; everyone logs in): checked here (``domain/models.py``), kept by the identity
provider (Cognito)."""

from __future__ import annotations

from typing import Any, Protocol

from ..domain import fields
from ..domain.errors import Forbidden

MIN_PASSWORD = fields.MIN_PASSWORD


class IdentityProvider(Protocol):
    def register(self, email: str, password: str, name: str, phone: str | None) -> bool: ...

    def confirm(self, email: str, code: str) -> None: ...

    def login(self, email: str, password: str, new_password: str | None = None) -> dict:
        """The tokens, or ``{"challenge": "new_password_required"}`` (first login without ``new_password``)."""
        ...


class PasswordChangeRequired(Forbidden):
    """An invited member logs in for the first time: they must choose a new password (``new_password``)."""

    code = "password_change_required"


def register(identity: IdentityProvider, payload: Any) -> dict:
    from ..domain import models  # on use: a cold start without pydantic (docs/performance.md)

    body = models.validate(models.RegisterRequest, payload)
    email = body.email.lower()
    confirmed = identity.register(email, body.password, body.name[:100], body.phone)
    return {"email": email, "confirmed": confirmed}


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
