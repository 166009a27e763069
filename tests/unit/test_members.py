"""Staff accounts and the first login, with fake ports: validation, merging, the last-admin rule."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from chalicelib.config import Settings
from chalicelib.domain.errors import NotFound, ValidationFailed
from chalicelib.rendering import render_email
from chalicelib.service import accounts, members
from chalicelib.service.members import LastAdmin, Member, MemberExists


class FakeDirectory:
    """Accounts in memory. ``fail_group`` makes adding to that group fail (once); ``before_disable`` runs
    just before an account is disabled (another request in between)."""

    def __init__(self, *accounts: Member):
        self.accounts = {m.email: m for m in accounts}
        self.created: list[tuple] = []
        self.reinvited: list[tuple] = []
        self.disabled: list[str] = []
        self.enabled: list[str] = []
        self.fail_group: str | None = None
        self.before_disable: Callable[[], object] | None = None

    def members_of(self, group):
        return [
            Member(m.email, m.name, (group,), m.enabled, m.status) for m in self.accounts.values() if group in m.groups
        ]

    def find(self, email):
        return self.accounts.get(email)

    def create(self, email, name, groups, temporary_password):
        if email in self.accounts:
            raise MemberExists("account exists")
        self.created.append((email, name, groups, temporary_password))
        self.accounts[email] = Member(email, name, (), True, "invited")
        self.add_to_groups(email, groups)
        return Member(email, name, tuple(groups), True, "invited")

    def add_to_groups(self, email, groups):
        for group in groups:
            if group == self.fail_group:
                self.fail_group = None
                raise RuntimeError("Cognito is unavailable")
            account = self.accounts[email]
            if group not in account.groups:
                self.accounts[email] = dataclasses.replace(account, groups=account.groups + (group,))

    def reinvite(self, email, temporary_password):
        self.reinvited.append((email, temporary_password))

    def _set(self, email, enabled):
        self.accounts[email] = dataclasses.replace(self.accounts[email], enabled=enabled)

    def disable(self, email):
        if self.before_disable:
            hook, self.before_disable = self.before_disable, None
            hook()
        self.disabled.append(email)
        self._set(email, False)

    def enable(self, email):
        self.enabled.append(email)
        self._set(email, True)


def member(email, *groups, enabled=True, status="active"):
    return Member(email, email.split("@")[0], tuple(groups), enabled, status)


def test_listing_merges_every_staff_group_and_ignores_others():
    directory = FakeDirectory(
        member("a@x.id", "admin", "operator"), member("b@x.id", "opd-DINKES"), member("c@x.id", "not-staff")
    )
    assert members.list_members(directory) == {
        "items": [
            {"email": "a@x.id", "name": "a", "groups": ["admin", "operator"], "enabled": True, "status": "active"},
            {"email": "b@x.id", "name": "b", "groups": ["opd-DINKES"], "enabled": True, "status": "active"},
        ]
    }


@pytest.mark.parametrize(
    "payload, errors",
    [
        ({"email": "x@y.id", "name": "X", "groups": ["admin", "kepala"]}, [("groups", "unknown_group")]),
        ({"email": "x@y.id", "name": "X", "groups": []}, [("groups", "required")]),
        ({"email": "x@y.id", "name": "X", "groups": {"admin": 1}}, [("groups", "not_a_list")]),
        (
            {"email": "x", "name": "", "groups": [1]},
            [("email", "invalid_email"), ("name", "required"), ("groups", "unknown_group")],
        ),
        ([], [("", "not_an_object")]),
    ],
)
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
        "email": "a@y.id",
        "name": "A",
        "groups": ["operator", "admin"],
        "enabled": True,
        "status": "invited",
    }
    assert directory.created == [("a@y.id", "A", ["operator", "admin"], None)] and sent == []

    local = SimpleNamespace(
        settings=Settings(public_base_url="http://127.0.0.1:8000", cognito_sends_invitations=False),
        directory=directory,
        notifier=notifier,
    )
    members.invite_member(local, {"email": "b@y.id", "name": "B", "groups": ["supervisor"]})
    password = directory.created[-1][3]
    assert sent == [
        (
            ["b@y.id"],
            "staff_invitation",
            {
                "console_url": "http://127.0.0.1:8000/staff",
                "email": "b@y.id",
                "account": None,
                "temporary_password": password,
                "valid_days": members.TEMPORARY_PASSWORD_DAYS,
            },
        )
    ]
    text = render_email("staff_invitation", sent[0][2]).text
    assert "http://127.0.0.1:8000/staff" in text and "b@y.id" in text and password in text


def notifier_and_outbox():
    sent = []
    return SimpleNamespace(send=lambda to, template, context: sent.append((to, template, context))), sent


def test_an_invitation_that_failed_midway_is_retried_with_the_missing_groups():
    notifier, sent = notifier_and_outbox()
    directory = FakeDirectory()
    local = SimpleNamespace(settings=Settings(cognito_sends_invitations=False), directory=directory, notifier=notifier)
    invitation = {"email": "a@y.id", "name": "A", "groups": ["admin", "operator", "opd-DINKES"]}
    directory.fail_group = "admin"  # added in the groups' order: operator, admin, opd-DINKES
    with pytest.raises(RuntimeError):
        members.invite_member(local, invitation)
    assert directory.accounts["a@y.id"].groups == ("operator",) and sent == []  # created, half done, not invited

    assert members.invite_member(local, invitation) == {
        "email": "a@y.id",
        "name": "A",
        "groups": ["admin", "opd-DINKES", "operator"],
        "enabled": True,
        "status": "invited",
    }
    assert sorted(directory.accounts["a@y.id"].groups) == ["admin", "opd-DINKES", "operator"]
    ((_, password),) = directory.reinvited  # a new temporary password, set and sent by us
    assert password and sent == [
        (
            ["a@y.id"],
            "staff_invitation",
            members.invitation_context(f"{local.settings.public_base_url}/staff", "a@y.id", password),
        )
    ]

    # An invited account in no group at all (every group add failed) is retried too; with more groups.
    directory.accounts["n@y.id"] = member("n@y.id", status="invited")
    assert members.invite_member(local, {"email": "n@y.id", "name": "N", "groups": ["supervisor"]})["groups"] == [
        "supervisor"
    ]


def test_in_the_cloud_a_retry_asks_cognito_to_resend_its_invitation():
    notifier, sent = notifier_and_outbox()
    directory = FakeDirectory(member("a@y.id", "operator", status="invited"))
    cloud = SimpleNamespace(settings=Settings(), directory=directory, notifier=notifier)
    assert members.invite_member(cloud, {"email": "a@y.id", "name": "A", "groups": ["operator", "supervisor"]}) == {
        "email": "a@y.id",
        "name": "a",
        "groups": ["operator", "supervisor"],
        "enabled": True,
        "status": "invited",
    }
    assert directory.reinvited == [("a@y.id", None)] and sent == [] and directory.created == []
    assert directory.accounts["a@y.id"].groups == ("operator", "supervisor")


@pytest.mark.parametrize(
    "existing",
    [
        member("a@y.id", "operator"),  # active: has chosen a password
        member("a@y.id", "operator", status="invited", enabled=False),  # disabled by an admin
        member("a@y.id", "operator", enabled=False),
        member("a@y.id"),  # a citizen
        member("a@y.id", status="unconfirmed"),  # a citizen who has not confirmed yet
    ],
)
def test_an_account_in_use_or_disabled_is_not_invited_again(existing):
    notifier, sent = notifier_and_outbox()
    directory = FakeDirectory(existing)
    for settings in (Settings(), Settings(cognito_sends_invitations=False)):
        svc = SimpleNamespace(settings=settings, directory=directory, notifier=notifier)
        with pytest.raises(MemberExists):
            members.invite_member(svc, {"email": "a@y.id", "name": "A", "groups": ["admin"]})
    assert directory.accounts["a@y.id"] == existing and directory.reinvited == [] and sent == []


def test_temporary_passwords_meet_the_pool_policy():
    for _ in range(200):
        password = members.temporary_password()
        assert len(password) == 12 and re.search("[A-Z]", password) and re.search("[a-z]", password)
        assert re.search("[0-9]", password)


def test_the_last_active_admin_stays():
    directory = FakeDirectory(
        member("a@x.id", "admin"),
        member("b@x.id", "admin", status="invited"),
        member("c@x.id", "admin", enabled=False),
        member("o@x.id", "operator"),
    )
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
    assert directory.enabled == []


def test_two_admins_disabling_each_other_at_once_leave_one():
    directory = FakeDirectory(member("a@x.id", "admin"), member("b@x.id", "admin"))
    # b disables a while a's own request has checked that b remains, and has not yet disabled b.
    directory.before_disable = lambda: members.disable_member(directory, "a@x.id")
    with pytest.raises(LastAdmin):
        members.disable_member(directory, "b@x.id")
    assert directory.disabled == ["a@x.id", "b@x.id"] and directory.enabled == ["b@x.id"]
    assert [m.email for m in directory.accounts.values() if m.enabled] == ["b@x.id"]


def test_two_admins_disabling_each_other_in_lockstep_are_both_refused():
    directory = FakeDirectory(member("a@x.id", "admin"), member("b@x.id", "admin"), member("o@x.id", "operator"))
    checked, disabled = threading.Barrier(2, timeout=5), threading.Barrier(2, timeout=5)
    disable = directory.disable

    def in_lockstep(email):  # both have checked before either disables; both have disabled before either checks
        checked.wait()
        disable(email)
        disabled.wait()

    directory.disable = in_lockstep  # type: ignore[method-assign]  # the fake's own, for this test
    refused = []

    def request(email):
        try:
            members.disable_member(directory, email)
        except LastAdmin:
            refused.append(email)

    threads = [threading.Thread(target=request, args=(email,)) for email in ("a@x.id", "b@x.id")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert refused  # at least one of them is refused, and some admin can still log in
    assert [m.email for m in directory.members_of("admin") if m.enabled] == sorted(refused)


class FakeIdentity:
    """The identity provider's login alone (accounts.login); registering and confirming are not played."""

    def __init__(self):
        self.calls = []

    def register(self, email: str, password: str, name: str, phone: str | None) -> bool:
        raise NotImplementedError

    def confirm(self, email: str, code: str) -> None:
        raise NotImplementedError

    def login(self, email, password, new_password=None):
        self.calls.append((email, password, new_password))
        return {"id_token": "t"} if new_password else {"challenge": "new_password_required"}

    def forgot_password(self, email: str) -> str | None:
        raise NotImplementedError

    def reset_password(self, email: str, code: str, new_password: str) -> None:
        raise NotImplementedError

    def account(self, username: str) -> dict | None:
        raise NotImplementedError


def test_first_login_asks_for_a_new_password_then_answers_the_challenge():
    identity = FakeIdentity()
    with pytest.raises(accounts.PasswordChangeRequired):
        accounts.login(identity, {"email": "A@x.id", "password": "Sementara1", "new_password": ""})
    with pytest.raises(ValidationFailed) as weak:
        accounts.login(identity, {"email": "a@x.id", "password": "Sementara1", "new_password": "short"})
    assert weak.value.errors == [{"field": "new_password", "code": "weak_password"}]
    assert accounts.login(identity, {"email": "a@x.id", "password": "Sementara1", "new_password": "Baru-Sandi1"}) == {
        "id_token": "t"
    }
    assert identity.calls == [("a@x.id", "Sementara1", None), ("a@x.id", "Sementara1", "Baru-Sandi1")]
