"""Accounts' use cases on the fakes (service/accounts.py, service/complaints.reporter_details): a forgotten
password, its limits, and the reporter's name and phone taken from the account rather than the token."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.config import Settings
from chalicelib.domain.errors import ValidationFailed
from chalicelib.service import accounts
from chalicelib.service.complaints import Citizen, submit_complaint
from tests.fakes.services import FakeWorld

START = datetime(2026, 11, 27, 2, 20, tzinfo=UTC)
EMAIL = "warga@example.id"
NEW = "Sandi-Baru-2026"


def world(**settings) -> FakeWorld:
    w = FakeWorld(Settings(public_base_url="https://aspirasi.test", **settings), START)
    w.identity.add("sub-1", EMAIL, "Siti Aminah", "+6281234567890")
    return w


def test_a_known_address_is_sent_its_code_and_an_unknown_one_nothing_with_the_same_answer():
    w = world()
    assert accounts.forgot_password(w.svc, {"email": "Warga@Example.id"}, client="1.2.3.4") == {"email": EMAIL}
    assert accounts.forgot_password(w.svc, {"email": "nobody@example.id"}, client="1.2.3.4") == {
        "email": "nobody@example.id"
    }
    (sent,) = w.notifier.sent
    assert sent.to == [EMAIL] and sent.template == "password_reset"
    assert sent.context == {"email": EMAIL, "code": w.identity.codes[EMAIL]}


def test_an_address_gets_three_codes_an_hour_and_the_fourth_request_sends_nothing():
    w = world()
    answers = [accounts.forgot_password(w.svc, {"email": EMAIL}, client=f"10.0.0.{n}") for n in range(5)]
    assert answers == [{"email": EMAIL}] * 5
    assert len(w.notifier.sent) == accounts.RESET_CODES_PER_ADDRESS_PER_HOUR == 3
    assert [c for c in w.identity.calls if c[0] == "forgot_password"] == [("forgot_password", EMAIL)] * 3
    w.later(hours=1)
    accounts.forgot_password(w.svc, {"email": EMAIL}, client="10.0.0.9")
    assert len(w.notifier.sent) == 4  # a new hour, a new code


def test_one_client_address_is_refused_past_its_limit_with_a_retry_after():
    w = world(password_reset_limit_per_hour=2)
    for n in range(2):
        accounts.forgot_password(w.svc, {"email": f"a{n}@example.id"}, client="1.2.3.4")
    with pytest.raises(accounts.PasswordResetLimited) as limited:
        accounts.forgot_password(w.svc, {"email": "a9@example.id"}, client="1.2.3.4")
    assert limited.value.code == "too_many_requests" and 0 < (limited.value.retry_after or 0) <= 3600
    accounts.forgot_password(w.svc, {"email": "a9@example.id"}, client="5.6.7.8")  # another address may


def test_a_reset_takes_the_right_code_only_and_a_weak_password_never_reaches_the_provider():
    w = world()
    accounts.forgot_password(w.svc, {"email": EMAIL})
    code = w.identity.codes[EMAIL]
    with pytest.raises(ValidationFailed) as weak:
        accounts.reset_password(w.svc, {"email": EMAIL, "code": code, "new_password": "lemahsekali"})
    assert weak.value.errors == [{"field": "new_password", "code": "weak_password"}]
    assert ("reset_password", EMAIL) not in w.identity.calls
    with pytest.raises(ValidationFailed) as wrong:
        accounts.reset_password(w.svc, {"email": EMAIL, "code": "000000", "new_password": NEW})
    assert wrong.value.errors == [{"field": "code", "code": "wrong_code"}]
    accounts.reset_password(w.svc, {"email": EMAIL, "code": code, "new_password": NEW})
    assert accounts.login(w.identity, {"email": EMAIL, "password": NEW}) == {"id_token": f"token-of-{EMAIL}"}
    with pytest.raises(accounts.WrongCredentials):
        accounts.login(w.identity, {"email": EMAIL, "password": "Rahasia-123"})


COMPLAINT = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
}


def test_a_submission_names_the_reporter_as_the_account_holds_them_not_as_the_token_says():
    w = world()
    stale = Citizen(id="sub-1", email=EMAIL, name="Nama Lama", phone="+628111111111", username="sub-1")
    view, _ = submit_complaint(w.svc, stale, COMPLAINT)
    stored = w.store.get_complaint(view["id"])
    assert stored is not None and (stored.citizen_name, stored.citizen_phone) == ("Siti Aminah", "+6281234567890")
    assert ("account", "sub-1") in w.identity.calls


def test_an_anonymous_submission_keeps_no_name_and_its_text_loses_the_accounts():
    """The account is read (its name and phone, the token's may be stale), but only to take them out of the
    text: an anonymous complaint keeps neither; a retry of the request as sent finds it."""
    w = world()
    citizen = Citizen(id="sub-1", email=EMAIL, username="sub-1")
    written = {
        **COMPLAINT,
        "anonymous": True,
        "title": "Kata Aminah: jalan rusak",
        "description": f"Saya Siti Aminah ({EMAIL}, 0812-3456-7890). Hubungi juga Pak Budi 0811 2222 333.",
    }
    view, created = submit_complaint(w.svc, citizen, written, "anon-0001")
    stored = w.store.get_complaint(view["id"])
    assert created and stored is not None and (stored.citizen_name, stored.citizen_phone) == (None, None)
    assert stored.title == "Kata [nama]: jalan rusak"
    assert stored.description == "Saya [nama] ([email], [telepon]). Hubungi juga Pak Budi 0811 2222 333."
    assert ("account", "sub-1") in w.identity.calls
    again, created = submit_complaint(w.svc, citizen, written, "anon-0001")
    assert not created and again["id"] == view["id"]


def test_a_named_submission_keeps_its_text_as_written():
    w = world()
    written = {**COMPLAINT, "description": "Saya Siti Aminah, 0812-3456-7890."}
    view, _ = submit_complaint(w.svc, Citizen(id="sub-1", email=EMAIL, username="sub-1"), written)
    stored = w.store.get_complaint(view["id"])
    assert stored is not None and stored.description == "Saya Siti Aminah, 0812-3456-7890."  # masked when published
