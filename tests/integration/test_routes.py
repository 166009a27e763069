"""The HTTP API through Chalice's test client, against moto (Cognito, DynamoDB, SQS, SES, Step Functions)."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path

import jwt
import moto.cognitoidp
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from .helpers import COMPLAINT, OPERATOR, PASSWORD, assert_problem, call, citizen_token

pytestmark = pytest.mark.integration
ROOT = Path(__file__).parents[2]


def test_register_login_and_bad_credentials(client):
    citizen_token(client)
    response, body = call(
        client, "post", "/auth/register", {"email": "warga@example.id", "password": PASSWORD, "name": "Lagi"}
    )
    # As for a new address (who has an account is nobody's business): the owner is emailed instead.
    assert response.status_code == 201 and body == {"email": "warga@example.id", "confirmed": True}
    response, body = call(client, "post", "/auth/login", {"email": "warga@example.id", "password": "Salah-123"})
    assert_problem(response, body, 401)
    response, body = call(client, "post", "/auth/register", {"email": "bukan-email", "password": "x", "name": ""})
    assert_problem(response, body, 422)
    assert {e["field"] for e in body["errors"]} == {"email", "name", "password"}
    response, body = call(client, "post", "/auth/login", b"{not json")
    assert_problem(response, body, 400)


def test_categories(client):
    response, body = call(client, "get", "/categories")
    assert response.status_code == 200 and len(body) >= 12
    assert {"code", "name", "subcategories", "opd"} <= set(body[0])


def test_submit_read_and_list(client, stack):
    token = citizen_token(client)
    response, created = call(client, "post", "/complaints", COMPLAINT, token, {"Idempotency-Key": "k1"})
    assert response.status_code == 201
    assert created["status"] == "open" and created["stage"] == "intake" and created["tracking_number"].startswith("KT-")
    response, again = call(client, "post", "/complaints", COMPLAINT, token, {"Idempotency-Key": "k1"})
    assert response.status_code == 200 and again["id"] == created["id"]

    stack.waiting_at(created["id"], "intake")
    response, view = call(client, "get", f"/complaints/{created['id']}", token=token)
    assert response.status_code == 200
    assert view["timeline"][0]["stage"] == "intake" and view["due_at"] == view["timeline"][0]["due_at"]
    response, page = call(client, "get", "/complaints", token=token)
    assert [c["id"] for c in page["items"]] == [created["id"]]


def test_protected_routes_need_a_valid_token(client, stack):
    token = citizen_token(client)
    _, created = call(client, "post", "/complaints", COMPLAINT, token)
    for method, path in (("get", "/complaints"), ("post", "/complaints"), ("get", f"/complaints/{created['id']}")):
        response, body = call(client, method, path, COMPLAINT if method == "post" else None)
        assert_problem(response, body, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")

    claims = jwt.decode(token, options={"verify_signature": False})
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, forged_key, algorithm="RS256", headers={"kid": "dummy"})
    expired = _sign_with_moto_key({**claims, "exp": int(time.time()) - 60, "iat": int(time.time()) - 3700})
    wrong_audience = _sign_with_moto_key({**claims, "aud": "another-client"})
    access_token = _sign_with_moto_key({**claims, "token_use": "access"})
    unsigned = jwt.encode(claims, key=None, algorithm="none")  # type: ignore[arg-type]  # PyJWT types no key-less "none"
    for bad in (forged, expired, wrong_audience, access_token, unsigned, "not-a-jwt", token + "x"):
        response, body = call(client, "get", "/complaints", token=bad)
        assert_problem(response, body, 401)
    response, _ = call(client, "get", "/complaints", token=_sign_with_moto_key(claims))
    assert response.status_code == 200  # the same claims, properly signed, pass: the checks above are what fail


def _sign_with_moto_key(claims):
    """Sign with the key moto's Cognito signs with: only the claims can make such a token fail."""
    raw = gzip.open(Path(moto.cognitoidp.__file__).parent / "resources" / "jwks-private.json.gz").read()
    return jwt.encode(claims, jwt.PyJWK.from_dict(json.loads(raw)).key, algorithm="RS256", headers={"kid": "dummy"})


def test_another_citizens_complaint_is_not_found(client):
    mine = citizen_token(client)
    theirs = citizen_token(client, "lain@example.id", "Budi")
    _, created = call(client, "post", "/complaints", COMPLAINT, mine)
    response, body = call(client, "get", f"/complaints/{created['id']}", token=theirs)
    assert_problem(response, body, 404)
    response, body = call(client, "get", "/complaints/does-not-exist", token=mine)
    assert_problem(response, body, 404)
    _, page = call(client, "get", "/complaints", token=theirs)
    assert page == {"items": []}


@pytest.mark.parametrize(
    "change, status, field",
    [
        ({"title": None}, 422, "title"),
        ({"category": "tidak-ada"}, 422, "category"),
        ({"subcategory": "ppdb"}, 422, "subcategory"),
        ({"description": "x" * 5001}, 422, "description"),
        ({"title": "x" * 151}, 422, "title"),
    ],
)
def test_bad_complaints_are_refused_and_change_nothing(client, stack, change, status, field):
    token = citizen_token(client)
    body = {k: v for k, v in {**COMPLAINT, **change}.items() if v is not None}
    response, problem = call(client, "post", "/complaints", body, token)
    assert_problem(response, problem, status)
    assert field in [e["field"] for e in problem["errors"]]
    assert all(e["message"]["id"] and e["message"]["en"] for e in problem["errors"])
    _, page = call(client, "get", "/complaints", token=token)
    assert page == {"items": []}
    response, problem = call(client, "post", "/complaints", b"[1,2", token)
    assert_problem(response, problem, 400)
    for media_type in ("text/plain", "application/x-www-form-urlencoded"):  # a form only where a page posts one
        response, problem = call(client, "post", "/complaints", "title=x", token, {"Content-Type": media_type})
        assert_problem(response, problem, 415)
    _, page = call(client, "get", "/complaints", token=token)
    assert page == {"items": []}


def test_action_link_get_changes_nothing_and_post_decides(client, stack):
    token = citizen_token(client)
    _, created = call(client, "post", "/complaints", COMPLAINT, token)
    stack.waiting_at(created["id"], "intake")
    link = stack.last_link(OPERATOR)
    before = stack.items(created["id"])[0]

    for _ in range(2):
        response, described = call(client, "get", f"/actions/{link}")
        assert response.status_code == 200
        assert described["stage"] == "intake"
        assert [a["outcome"] for a in described["allowed"]] == ["accept", "reject", "request_information"]
        assert described["case"]["tracking_number"] == created["tracking_number"]
    html = client.get(f"/actions/{link}", headers={"Accept": "text/html"})
    assert html.status_code == 200 and b'<form method="post"' in html.body
    assert html.headers["Referrer-Policy"] == "no-referrer" and html.headers["Cache-Control"] == "no-store"
    after = stack.items(created["id"])[0]
    assert (after.decision, after.task_token, after.queue) == (before.decision, before.task_token, before.queue)
    from chalicelib.service import decide

    assert stack.svc.store.get_link(decide.resolve_link(stack.svc, link).token_hash).used_at is None

    response, problem = call(client, "post", f"/actions/{link}", {"decision": "maybe"})
    assert_problem(response, problem, 422)
    response, result = call(client, "post", f"/actions/{link}", {"decision": "accept"})
    assert response.status_code == 200 and result["leads_to"] == "classification"
    response, problem = call(client, "post", f"/actions/{link}", {"decision": "accept"})
    assert_problem(response, problem, 409)
    response, problem = call(client, "get", f"/actions/{link}")
    assert_problem(response, problem, 409)
    for unknown in ("x" * 43, link[:-1] + ("A" if link[-1] != "A" else "B"), "y" * 500):
        response, problem = call(client, "get", f"/actions/{unknown}")
        assert_problem(response, problem, 404)
        response, problem = call(client, "post", f"/actions/{unknown}", {"decision": "accept"})
        assert_problem(response, problem, 404)


def test_html_form_post_decides(client, stack):
    token = citizen_token(client)
    _, created = call(client, "post", "/complaints", COMPLAINT, token)
    stack.waiting_at(created["id"], "intake")
    link = stack.last_link(OPERATOR)
    response = client.post(
        f"/actions/{link}",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
        body="decision=reject&reason=Bukan+pengaduan+%3Cb%3E",
    )
    # A rejection cannot be undone: the form's first post only shows it again (test_action_pages.py).
    assert response.status_code == 200 and b"Periksa sebelum mengirim" in response.body
    assert stack.items(created["id"])[0].decision is None
    response = client.post(
        f"/actions/{link}",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
        body="decision=reject&reason=Bukan+pengaduan+%3Cb%3E&confirm=1",
    )
    assert response.status_code == 200 and b"Keputusan tersimpan" in response.body
    assert stack.items(created["id"])[0].decision == {"outcome": "reject", "reason": "Bukan pengaduan <b>"}
    again = client.post(
        f"/actions/{link}",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"},
        body="decision=accept",
    )
    assert again.status_code == 409 and b"Sudah diputuskan" in again.body


def test_expired_link_is_gone(client, stack, monkeypatch):
    token = citizen_token(client)
    _, created = call(client, "post", "/complaints", COMPLAINT, token)
    stack.waiting_at(created["id"], "intake")
    link = stack.last_link(OPERATOR)
    real_now = stack.svc.now
    monkeypatch.setattr(stack.svc, "now", lambda: real_now() + __import__("datetime").timedelta(days=15))
    response, problem = call(client, "get", f"/actions/{link}")
    assert_problem(response, problem, 410)
    response, problem = call(client, "post", f"/actions/{link}", {"decision": "accept"})
    assert_problem(response, problem, 410)
    assert stack.items(created["id"])[0].decision is None


def test_citizen_page_and_escaping(client, stack):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert b"Aspirasi Kaltim" in page.body and b"register-form" in page.body
    assert b"innerHTML" not in page.body  # citizen text is only ever set as textContent
    token = citizen_token(client)
    _, created = call(
        client,
        "post",
        "/complaints",
        {**COMPLAINT, "title": "<script>alert(1)</script>", "description": "<img src=x onerror=alert(1)>"},
        token,
    )
    stack.waiting_at(created["id"], "intake")
    html = client.get(f"/actions/{stack.last_link(OPERATOR)}", headers={"Accept": "text/html"}).body.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    staff_mail = stack.emails_to(OPERATOR)[-1]["html"]
    assert "<script>alert(1)</script>" not in staff_mail and "&lt;script&gt;" in staff_mail


def test_confirmation_flow_when_accounts_are_not_confirmed_at_registration(client, stack, monkeypatch):
    monkeypatch.setattr(stack.svc.identity, "auto_confirm", False)  # as in the cloud
    response, body = call(
        client, "post", "/auth/register", {"email": "baru@example.id", "password": PASSWORD, "name": "Baru"}
    )
    assert response.status_code == 201 and body == {"email": "baru@example.id", "confirmed": False}
    response, problem = call(client, "post", "/auth/login", {"email": "baru@example.id", "password": PASSWORD})
    assert_problem(response, problem, 403)
    response, problem = call(client, "post", "/auth/confirm", {"email": "baru@example.id"})
    assert_problem(response, problem, 422)
    assert problem["errors"][0]["field"] == "code"
    response, _ = call(client, "post", "/auth/confirm", {"email": "baru@example.id", "code": "123456"})
    assert response.status_code == 204
    response, tokens = call(client, "post", "/auth/login", {"email": "baru@example.id", "password": PASSWORD})
    assert response.status_code == 200 and tokens["id_token"]


def test_signing_keys_out_of_reach_is_503_and_unknown_keys_are_not_refetched_each_time(client, stack, monkeypatch):
    from chalicelib.adapters.cognito import JwtVerifier
    from chalicelib.domain.errors import Unauthorized, Unavailable

    token = citizen_token(client)
    pool, app_client = stack.identity.user_pool_id, stack.identity.client_id
    unreachable = JwtVerifier("ap-southeast-3", pool, app_client, jwks_url="http://127.0.0.1:9/jwks.json")
    with pytest.raises(Unavailable):
        unreachable.verify(token)
    monkeypatch.setattr(stack.svc, "verifier", unreachable)
    response, problem = call(client, "get", "/complaints", token=token)
    assert_problem(response, problem, 503)

    verifier = JwtVerifier("ap-southeast-3", pool, app_client)
    assert verifier.verify(token)["sub"]
    fetched = verifier._fetched_at
    claims = jwt.decode(token, options={"verify_signature": False})
    other_kid = jwt.encode(
        claims,
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": "rotated-or-forged"},
    )
    for _ in range(3):
        with pytest.raises(Unauthorized):
            verifier.verify(other_kid)
    assert verifier._fetched_at == fetched  # no refetch within a minute of the last one
