"""A registered citizen and a submitted complaint, shared by the privacy and red-team integration tests."""

from __future__ import annotations

from .helpers import COMPLAINT, PASSWORD, call

EMAIL = "warga.privasi@example.id"


def register(client, email=EMAIL, name="Siti Aminah", phone="+6281234567890") -> str:
    body = {"email": email, "password": PASSWORD, "name": name, **({"phone": phone} if phone else {})}
    response, created = call(client, "post", "/auth/register", body)
    assert response.status_code == 201, created
    response, tokens = call(client, "post", "/auth/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 200, tokens
    return tokens["id_token"]


def submitted(client, stack, token, **changes) -> str:
    response, created = call(client, "post", "/complaints", {**COMPLAINT, **changes}, token)
    assert response.status_code == 201, created
    stack.waiting_at(created["id"], "intake")  # the receipt is sent on the way
    return created["id"]
