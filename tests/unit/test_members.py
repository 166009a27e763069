"""Staff accounts and the first login, with fake ports: validation, merging, the last-admin rule."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest

from chalicelib.config import Settings
from chalicelib.domain.errors import NotFound, ValidationFailed
from chalicelib.rendering import render_email
from chalicelib.service import accounts, members
from chalicelib.service.members import LastAdmin, Member


class FakeDirectory:
    def __init__(self, *accounts: Member):
        self.accounts = {m.email: m for m in accounts}
        self.created: list[tuple] = []
        self.disabled: list[str] = []

    def members_of(self, group):
        return [Member(m.email, m.name, (group,), m.enabled, m.status) for m in self.accounts.values()
                if group in m.groups]

    def find(self, email):
        return self.accounts.get(email)

    def create(self, email, name, groups, temporary_password):
        self.created.append((email, name, groups, temporary_password))
        return Member(email, name, tuple(groups), True, "invited")

    def disable(self, email):
        self.disabled.append(email)


def member(email, *groups, enabled=True, status="active"):
    return Member(email, email.split("@")[0], tuple(groups), enabled, status)


def test_listing_merges_every_staff_group_and_ignores_others():
    directory = FakeDirectory(member("a@x.id", "admin", "operator"), member("b@x.id", "opd-DINKES"),
                              member("c@x.id", "not-staff"))
    assert members.list_members(directory) == {"items": [
        {"email": "a@x.id", "name": "a", "groups": ["admin", "operator"], "enabled": True, "status": "active"},
        {"email": "b@x.id", "name": "b", "groups": ["opd-DINKES"], "enabled": True, "status": "active"}]}


@pytest.mark.parametrize("payload, errors", [
    ({"email": "x@y.id", "name": "X", "groups": ["admin", "kepala"]}, [("groups", "unknown_group")]),
    ({"email": "x@y.id", "name": "X", "groups": []}, [("groups", "required")]),
    ({"email": "x@y.id", "name": "X", "groups": {"admin": 1}}, [("groups", "not_a_list")]),
    ({"email": "x", "name": "", "groups": [1]}, [("email", "invalid_email"), ("name", "required"),
                                                  ("groups", "unknown_group")]),
    ([], [("", "not_an_object")]),
])
def test_bad_invitations_are_refused_before_anything_is_created(payload, errors):
    directory = FakeDirectory()
    svc = SimpleNamespace(settings=Settings(), directory=directory, notifier=None)
    with pytest.raises(ValidationFailed) as refused:
        members.invite_member(svc, payload)
    assert [(e["field"], e["code"]) for e in refused.value.errors] == errors
    assert directory.created == []


def test_invitation_through_cognito_or_through_our_notifier():
    sent = []
    notifier = SimpleNamespace(send=lambda to, template, context: sent.append((to, template, context)))
    directory = FakeDirectory()
    cloud = SimpleNamespace(settings=Settings(), directory=directory, notifier=notifier)
    assert members.invite_member(cloud, {"email": "A@Y.id", "name": " A ", "groups": ["operator", "admin"]}) == {
        "email": "a@y.id", "name": "A", "groups": ["operator", "admin"], "enabled": True, "status": "invited"}
    assert directory.created == [("a@y.id", "A", ["operator", "admin"], None)] and sent == []

    local = SimpleNamespace(settings=Settings(public_base_url="http://127.0.0.1:8000",
                                              cognito_sends_invitations=False),
                            directory=directory, notifier=notifier)
    members.invite_member(local, {"email": "b@y.id", "name": "B", "groups": ["supervisor"]})
    password = directory.created[-1][3]
    assert sent == [(["b@y.id"], "staff_invitation", {
        "console_url": "http://127.0.0.1:8000/staff", "email": "b@y.id", "account": None,
        "temporary_password": password, "valid_days": members.TEMPORARY_PASSWORD_DAYS})]
    text = render_email("staff_invitation", sent[0][2]).text
    assert "http://127.0.0.1:8000/staff" in text and "b@y.id" in text and password in text


def test_temporary_passwords_meet_the_pool_policy():
    for _ in range(200):
        password = members.temporary_password()
        assert len(password) == 12 and re.search("[A-Z]", password) and re.search("[a-z]", password)
        assert re.search("[0-9]", password)


def test_the_last_active_admin_stays():
    directory = FakeDirectory(member("a@x.id", "admin"), member("b@x.id", "admin", status="invited"),
                              member("c@x.id", "admin", enabled=False), member("o@x.id", "operator"))
    with pytest.raises(LastAdmin):
        members.disable_member(directory, "A@x.id")
    members.disable_member(directory, "b@x.id")  # an invited admin may go while an active one remains
    members.disable_member(directory, "c@x.id")  # already disabled: nothing to protect, idempotent
    members.disable_member(directory, "o@x.id")
    assert directory.disabled == ["b@x.id", "c@x.id", "o@x.id"]
    directory.accounts["d@x.id"] = member("d@x.id", "admin")
    members.disable_member(directory, "a@x.id")
    for unknown in ("nobody@x.id", "not-an-email", ""):
        with pytest.raises(NotFound):
            members.disable_member(directory, unknown)


class FakeIdentity:
    def __init__(self):
        self.calls = []

    def login(self, email, password, new_password=None):
        self.calls.append((email, password, new_password))
        return {"id_token": "t"} if new_password else {"challenge": "new_password_required"}


def test_first_login_asks_for_a_new_password_then_answers_the_challenge():
    identity = FakeIdentity()
    with pytest.raises(accounts.PasswordChangeRequired):
        accounts.login(identity, {"email": "A@x.id", "password": "Sementara1", "new_password": ""})
    with pytest.raises(ValidationFailed) as weak:
        accounts.login(identity, {"email": "a@x.id", "password": "Sementara1", "new_password": "short"})
    assert weak.value.errors == [{"field": "new_password", "code": "weak_password"}]
    assert accounts.login(identity, {"email": "a@x.id", "password": "Sementara1", "new_password": "Baru-Sandi1"}) == {
        "id_token": "t"}
    assert identity.calls == [("a@x.id", "Sementara1", None), ("a@x.id", "Sementara1", "Baru-Sandi1")]
