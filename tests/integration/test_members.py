"""Staff accounts for admins (GET/POST/DELETE /staff/members) and the first login, with real moto Cognito tokens."""

from __future__ import annotations

import dataclasses
import time

import boto3
import jwt
import pytest

from chalicelib.service import members
from local.outbox import sent_emails

from .helpers import assert_problem, call, citizen_token
from .staff_helpers import DOMAIN

pytestmark = pytest.mark.integration
ADMIN = f"admin@{DOMAIN}"
NEW_PASSWORD = "Baru-Kaltim2"


@pytest.fixture
def stack_env():
    return {"COGNITO_SENDS_INVITATIONS": "0"}  # as on the local stack: we send the invitation, to the outbox


@pytest.fixture
def admin(staff):
    return staff.token("admin", email=ADMIN)


def invitation_to(stack, email):
    mails = [m for m in sent_emails(stack.region) if email in m["to"]]
    assert len(mails) == 1, mails
    return mails[0]


def temporary_password_in(mail):
    line = next(line for line in mail["text"].splitlines() if line.startswith("Kata sandi sementara:"))
    return line.split(":", 1)[1].strip()


def test_admin_invites_and_the_member_chooses_a_password_at_first_login(client, stack, admin):
    email = "petugas.baru@dinkes.kaltimprov.go.id"
    response, member = call(
        client,
        "post",
        "/staff/members",
        {
            "email": " Petugas.Baru@dinkes.kaltimprov.go.id ",
            "name": "Petugas Baru",
            "groups": ["opd-DINKES", "operator", "operator"],
        },
        admin,
    )
    assert response.status_code == 201, member
    assert member == {
        "email": email,
        "name": "Petugas Baru",
        "groups": ["opd-DINKES", "operator"],
        "enabled": True,
        "status": "invited",
    }

    mail = invitation_to(stack, email)
    assert mail["subject"].startswith("[Aspirasi Kaltim] Undangan akun petugas")
    assert "https://aspirasi.test/staff" in mail["text"] and email in mail["text"]
    assert "harus diganti saat pertama kali masuk" in mail["text"]
    assert "must be changed at your first login" in mail["text"]
    password = temporary_password_in(mail)
    assert password in mail["html"] and "https://aspirasi.test/staff" in mail["html"]

    response, problem = call(client, "post", "/auth/login", {"email": email, "password": password})
    assert_problem(response, problem, 403)
    assert problem["type"].endswith("password-change-required")
    for weak in ("Pendek1", "semuakecil123"):
        response, problem = call(
            client, "post", "/auth/login", {"email": email, "password": password, "new_password": weak}
        )
        assert_problem(response, problem, 422)
        assert [e["field"] for e in problem["errors"]] == ["new_password"]
    response, problem = call(
        client, "post", "/auth/login", {"email": email, "password": "Salah-Sandi9", "new_password": NEW_PASSWORD}
    )
    assert_problem(response, problem, 401)

    response, tokens = call(
        client, "post", "/auth/login", {"email": email, "password": password, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200, tokens
    assert set(tokens) == {"id_token", "access_token", "refresh_token", "expires_in"}
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert sorted(claims["cognito:groups"]) == ["opd-DINKES", "operator"]
    response, again = call(client, "post", "/auth/login", {"email": email, "password": NEW_PASSWORD})
    assert response.status_code == 200 and again["id_token"]
    response, me = call(client, "get", "/staff/work-items", token=tokens["id_token"])
    assert response.status_code == 200, me

    _, listing = call(client, "get", "/staff/members", token=admin)
    assert {
        "email": email,
        "name": "Petugas Baru",
        "groups": ["opd-DINKES", "operator"],
        "enabled": True,
        "status": "active",
    } in listing["items"]


def invitations_to(stack, email):
    return [m for m in sent_emails(stack.region) if email in m["to"] and "Undangan" in m["subject"]]


def test_inviting_again_an_account_still_only_invited_is_a_retry(client, stack, admin):
    email, body = "ulang@dinas.id", {"email": "ulang@dinas.id", "name": "Ulang", "groups": ["operator", "opd-DLH"]}
    response, member = call(client, "post", "/staff/members", body, admin)
    assert response.status_code == 201, member
    response, again = call(client, "post", "/staff/members", body, admin)
    assert response.status_code == 201 and again == member, again
    assert response.headers["Location"] == f"/staff/members/{email.replace('@', '%40')}"
    first, second = invitations_to(stack, email)
    old, new = temporary_password_in(first), temporary_password_in(second)
    assert old != new
    response, problem = call(
        client, "post", "/auth/login", {"email": email, "password": old, "new_password": NEW_PASSWORD}
    )
    assert_problem(response, problem, 401)  # the first temporary password no longer works
    response, tokens = call(
        client, "post", "/auth/login", {"email": email, "password": new, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 200, tokens
    assert sorted(jwt.decode(tokens["id_token"], options={"verify_signature": False})["cognito:groups"]) == [
        "opd-DLH",
        "operator",
    ]

    # Now active: inviting again is refused, nothing is sent and the password stays.
    response, problem = call(client, "post", "/staff/members", body, admin)
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("member-exists")
    assert len(invitations_to(stack, email)) == 2
    response, _ = call(client, "post", "/auth/login", {"email": email, "password": NEW_PASSWORD})
    assert response.status_code == 200


def test_an_invitation_that_failed_before_any_group_is_completed_by_a_retry(client, stack, admin):
    # As left by a failure right after AdminCreateUser: an invited account in no group, so not listed.
    email = "setengah@dinas.id"
    idp = boto3.client("cognito-idp", region_name=stack.region)
    pool = stack.identity.user_pool_id
    for address in (email, "nonaktif@dinas.id"):
        idp.admin_create_user(
            UserPoolId=pool,
            Username=address,
            MessageAction="SUPPRESS",
            TemporaryPassword="Sementara-1",
            UserAttributes=[{"Name": "email", "Value": address}, {"Name": "name", "Value": "S"}],
        )
    _, listing = call(client, "get", "/staff/members", token=admin)
    assert email not in {m["email"] for m in listing["items"]}

    response, member = call(
        client, "post", "/staff/members", {"email": email, "name": "Setengah", "groups": ["supervisor"]}, admin
    )
    assert response.status_code == 201, member
    assert member == {"email": email, "name": "S", "groups": ["supervisor"], "enabled": True, "status": "invited"}
    _, listing = call(client, "get", "/staff/members", token=admin)
    assert member in listing["items"]
    response, tokens = call(
        client,
        "post",
        "/auth/login",
        {"email": email, "password": temporary_password_in(invitation_to(stack, email)), "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200, tokens

    # A disabled account, even one still invited, is not invited again.
    idp.admin_disable_user(UserPoolId=pool, Username="nonaktif@dinas.id")
    response, problem = call(
        client, "post", "/staff/members", {"email": "nonaktif@dinas.id", "name": "N", "groups": ["supervisor"]}, admin
    )
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("member-exists") and not invitations_to(stack, "nonaktif@dinas.id")


def test_listing_merges_groups_pages_and_leaves_citizens_out(client, stack, staff, admin, monkeypatch):
    citizen_token(client)
    staff.token("operator", "diskominfo")
    staff.token("supervisor")
    monkeypatch.setattr(stack.svc.directory, "page_size", 1)  # every group is read page by page
    response, listing = call(client, "get", "/staff/members", token=admin)
    assert response.status_code == 200
    by_email = {m["email"]: m for m in listing["items"]}
    assert list(by_email) == sorted(by_email)
    assert set(by_email) == {ADMIN, f"duo@{DOMAIN}", f"supervisor@{DOMAIN}", f"operator@{DOMAIN}"}
    assert by_email[f"duo@{DOMAIN}"]["groups"] == ["diskominfo", "operator"]
    assert by_email[ADMIN] == {"email": ADMIN, "name": "", "groups": ["admin"], "enabled": True, "status": "active"}


def test_duplicates_and_bad_invitations_create_nothing(client, stack, staff, admin):
    citizen_token(client, "warga@example.id")
    for existing in (f"operator@{DOMAIN}", "warga@example.id"):
        response, problem = call(
            client, "post", "/staff/members", {"email": existing, "name": "Lagi", "groups": ["operator"]}, admin
        )
        assert_problem(response, problem, 409)
        assert problem["type"].endswith("member-exists")

    idp = boto3.client("cognito-idp", region_name=stack.region)
    for body, fields in (
        ({"email": "x@dinas.id", "name": "X", "groups": ["operator", "opd-TIDAKADA", "root"]}, ["groups", "groups"]),
        ({"email": "x@dinas.id", "name": "X", "groups": []}, ["groups"]),
        ({"email": "x@dinas.id", "name": "X", "groups": "operator"}, ["groups"]),
        ({"email": "x@dinas.id", "name": "X"}, ["groups"]),
        ({"email": "bukan-email", "name": " ", "groups": ["operator"]}, ["email", "name"]),
        ({"name": "X" * 101, "groups": ["operator"]}, ["email", "name"]),
    ):
        response, problem = call(client, "post", "/staff/members", body, admin)
        assert_problem(response, problem, 422)
        assert [e["field"] for e in problem["errors"]] == fields
        assert all(e["message"]["id"] and e["message"]["en"] for e in problem["errors"])
    response, problem = call(
        client, "post", "/staff/members", {"email": "x@dinas.id", "name": "X", "groups": ["root"]}, admin
    )
    assert problem["errors"] == [
        {
            "field": "groups",
            "code": "unknown_group",
            "group": "root",
            "message": {
                "id": "grup tidak dikenal (lihat daftar grup staf)",
                "en": "unknown group (see the staff groups)",
            },
        }
    ]
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=stack.identity.user_pool_id, Username="x@dinas.id")
    response, problem = call(client, "post", "/staff/members", b"{nope", admin)
    assert_problem(response, problem, 400)
    assert not [m for m in sent_emails(stack.region) if "Undangan" in m["subject"]]


def test_disable_signs_out_and_refuses_to_leave_no_admin(client, stack, staff, admin):
    operator = staff.token("operator", email=f"operator@{DOMAIN}")
    response, body = call(client, "delete", f"/staff/members/operator%40{DOMAIN}", token=admin)
    assert response.status_code == 204 and body is None
    response, problem = call(
        client, "post", "/auth/login", {"email": f"operator@{DOMAIN}", "password": "Petugas-Kaltim1"}
    )
    assert_problem(response, problem, 401)
    response, _ = call(client, "delete", f"/staff/members/operator@{DOMAIN}", token=admin)
    assert response.status_code == 204  # again: nothing changes
    _, listing = call(client, "get", "/staff/members", token=admin)
    assert {
        "email": f"operator@{DOMAIN}",
        "name": "",
        "groups": ["operator"],
        "enabled": False,
        "status": "active",
    } in listing["items"]
    assert operator  # its ID token lives until it expires (an hour); refresh tokens are revoked

    for unknown in ("tidak.ada@dinas.id", "warga@example.id", "bukan-email"):
        if unknown == "warga@example.id":
            citizen_token(client, unknown)
        response, problem = call(client, "delete", f"/staff/members/{unknown}", token=admin)
        assert_problem(response, problem, 404)

    # No admin disables themself (409 self_disable), whoever else is there.
    response, problem = call(client, "delete", f"/staff/members/{ADMIN.upper()}", token=admin)
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("self-disable") and "Tidak dapat menonaktifkan akun sendiri" in problem["title"]
    staff.token("admin", email=f"admin3@{DOMAIN}")  # an active second admin
    response, _ = call(client, "delete", f"/staff/members/admin3@{DOMAIN}", token=admin)
    assert response.status_code == 204
    # The last enabled admin who can log in is never disabled; an admin who is only invited does not count.
    response, _ = call(
        client, "post", "/staff/members", {"email": f"admin2@{DOMAIN}", "name": "Admin Dua", "groups": ["admin"]}, admin
    )
    assert response.status_code == 201
    with pytest.raises(members.LastAdmin):
        members.disable_member(stack.svc.directory, ADMIN)  # (an admin's own request is refused before this)
    fourth = staff.token("admin", email=f"admin4@{DOMAIN}")
    response, _ = call(client, "delete", f"/staff/members/{ADMIN}", token=fourth)
    assert response.status_code == 204  # another active admin remains
    with pytest.raises(members.LastAdmin):
        members.disable_member(stack.svc.directory, f"admin4@{DOMAIN}")
    idp = boto3.client("cognito-idp", region_name=stack.region)
    assert idp.admin_get_user(UserPoolId=stack.identity.user_pool_id, Username=f"admin4@{DOMAIN}")["Enabled"]


def test_a_disabled_member_is_enabled_again_and_logs_in_afresh(client, stack, staff, admin):
    email = f"operator@{DOMAIN}"
    old_token = staff.token("operator", email=email)
    assert call(client, "get", "/staff/me", token=old_token)[0].status_code == 200
    response, body = call(client, "post", f"/staff/members/{email}/enable", token=admin)
    assert response.status_code == 204 and body is None  # enabled already: nothing changes
    assert call(client, "delete", f"/staff/members/{email}", token=admin)[0].status_code == 204
    assert_problem(*call(client, "get", "/staff/me", token=old_token), 401)

    response, body = call(client, "post", f"/staff/members/{email.upper()}/enable", token=admin)
    assert response.status_code == 204 and body is None
    _, listing = call(client, "get", "/staff/members", token=admin)
    assert next(m for m in listing["items"] if m["email"] == email)["enabled"] is True
    # A token from before the disabling stays refused (its account was disabled after it was issued) ...
    assert_problem(*call(client, "get", "/staff/me", token=old_token), 401)
    # ... and one from a new login (issued after the revocation, whose clock has whole seconds) is accepted.
    time.sleep(1.1)
    response, login = call(client, "post", "/auth/login", {"email": email, "password": "Petugas-Kaltim1"})
    assert response.status_code == 200, login
    response, me = call(client, "get", "/staff/me", token=login["id_token"])
    assert response.status_code == 200 and me["email"] == email
    assert call(client, "post", f"/staff/members/{email}/enable", token=admin)[0].status_code == 204  # again

    for unknown in ("tidak.ada@dinas.id", "warga@example.id", "bukan-email"):
        if unknown == "warga@example.id":
            citizen_token(client, unknown)
        assert_problem(*call(client, "post", f"/staff/members/{unknown}/enable", token=admin), 404)
    for token, status in (
        (staff.token("supervisor"), 403),
        (citizen_token(client, "lain@example.id"), 403),
        (None, 401),
    ):
        assert_problem(*call(client, "post", f"/staff/members/{email}/enable", token=token), status)


def test_an_admin_disabled_meanwhile_puts_the_other_back(client, stack, staff, admin, monkeypatch):
    other = f"admin5@{DOMAIN}"
    staff.token("admin", email=other)
    idp = boto3.client("cognito-idp", region_name=stack.region)
    pool = stack.identity.user_pool_id
    disable = stack.svc.directory.disable

    def other_admin_first(email):  # the other admin's request disables ADMIN between our check and our disable
        idp.admin_disable_user(UserPoolId=pool, Username=ADMIN)
        disable(email)

    monkeypatch.setattr(stack.svc.directory, "disable", other_admin_first)
    response, problem = call(client, "delete", f"/staff/members/{other}", token=admin)
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("last-admin")
    assert idp.admin_get_user(UserPoolId=pool, Username=other)["Enabled"]


def test_only_admins_manage_members(client, stack, staff):
    supervisor = staff.token("supervisor")
    citizen = citizen_token(client)
    for token, status in ((supervisor, 403), (citizen, 403), (None, 401)):
        for method, path, body in (
            ("get", "/staff/members", None),
            ("post", "/staff/members", {"email": "x@dinas.id", "name": "X", "groups": ["admin"]}),
            ("delete", f"/staff/members/supervisor@{DOMAIN}", None),
        ):
            response, problem = call(client, method, path, body, token)
            assert_problem(response, problem, status)
    idp = boto3.client("cognito-idp", region_name=stack.region)
    with pytest.raises(idp.exceptions.UserNotFoundException):
        idp.admin_get_user(UserPoolId=stack.identity.user_pool_id, Username="x@dinas.id")


def test_in_the_cloud_cognito_sends_the_invitation(client, stack, admin, monkeypatch):
    monkeypatch.setattr(stack.svc, "settings", dataclasses.replace(stack.svc.settings, cognito_sends_invitations=True))
    response, member = call(
        client, "post", "/staff/members", {"email": "awan@dinas.id", "name": "Awan", "groups": ["supervisor"]}, admin
    )
    assert response.status_code == 201 and member["status"] == "invited"
    assert not [m for m in sent_emails(stack.region) if "awan@dinas.id" in m["to"]]  # Cognito's email, not ours
    idp = boto3.client("cognito-idp", region_name=stack.region)
    user = idp.admin_get_user(UserPoolId=stack.identity.user_pool_id, Username="awan@dinas.id")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
