"""Accounts (citizens register; everyone logs in): checked here, kept by the identity provider (Cognito)."""

from __future__ import annotations

import re
from typing import Any, Mapping, Protocol

from ..domain.errors import Forbidden, ValidationFailed
from ..domain.submission import EMAIL

_PHONE = re.compile(r"^\+[1-9][0-9]{7,14}$")
MIN_PASSWORD = 8


class IdentityProvider(Protocol):
    def register(self, email: str, password: str, name: str, phone: str | None) -> bool: ...

    def confirm(self, email: str, code: str) -> None: ...

    def login(self, email: str, password: str, new_password: str | None = None) -> dict:
        """The tokens, or ``{"challenge": "new_password_required"}`` (first login without ``new_password``)."""
        ...


class PasswordChangeRequired(Forbidden):
    """An invited member logs in for the first time: they must choose a new password (``new_password``)."""

    code = "password_change_required"


def _fields(payload: Any, names: tuple[str, ...], errors: list | None = None) -> dict[str, str]:
    """The named text fields; problems are added to ``errors`` (raised at once if none is given)."""
    if not isinstance(payload, Mapping):
        raise ValidationFailed([{"field": "", "code": "not_an_object"}])
    collect = errors is not None
    errors = errors if collect else []
    values = {}
    for name in names:
        raw = payload.get(name)
        if not isinstance(raw, str) or not raw.strip():
            errors.append({"field": name, "code": "required"})
        elif len(raw) > 256:
            errors.append({"field": name, "code": "too_long", "max_length": 256})
        else:
            values[name] = raw.strip() if name != "password" else raw
    if errors and not collect:
        raise ValidationFailed(errors)
    return values


def _email(value: str) -> str:
    email = value.lower()
    if not EMAIL.match(email):
        raise ValidationFailed([{"field": "email", "code": "invalid_email"}])
    return email


def register(identity: IdentityProvider, payload: Any) -> dict:
    errors: list[dict] = []
    values = _fields(payload, ("email", "password", "name"), errors)
    if "email" in values and not EMAIL.match(values["email"].lower()):
        errors.append({"field": "email", "code": "invalid_email"})
    if "password" in values and len(values["password"]) < MIN_PASSWORD:
        errors.append({"field": "password", "code": "weak_password"})
    phone = payload.get("phone")
    if phone not in (None, "") and not (isinstance(phone, str) and _PHONE.match(phone.replace(" ", ""))):
        errors.append({"field": "phone", "code": "invalid_phone"})
    if errors:
        raise ValidationFailed(errors)
    email = values["email"].lower()
    confirmed = identity.register(email, values["password"], values["name"][:100],
                                  phone.replace(" ", "") if phone else None)
    return {"email": email, "confirmed": confirmed}


def confirm(identity: IdentityProvider, payload: Any) -> None:
    values = _fields(payload, ("email", "code"))
    identity.confirm(_email(values["email"]), values["code"])


def login(identity: IdentityProvider, payload: Any) -> dict:
    values = _fields(payload, ("email", "password"))
    new_password = payload.get("new_password")
    if new_password in (None, ""):
        new_password = None
    elif not isinstance(new_password, str) or not MIN_PASSWORD <= len(new_password) <= 256:
        raise ValidationFailed([{"field": "new_password", "code": "weak_password"}])
    result = identity.login(_email(values["email"]), values["password"], new_password)
    if result.get("challenge") == "new_password_required":
        raise PasswordChangeRequired("choose a new password")
    return result
