"""The pure rules of personal data rights (domain/personal_data.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.domain import personal_data
from chalicelib.domain.errors import ValidationFailed


def codes(payload) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failed:
        personal_data.parse_correction(payload)
    return {e["field"]: e["code"] for e in failed.value.errors}


def test_a_correction_takes_a_name_and_a_phone_under_the_registration_rules():
    assert personal_data.parse_correction({"name": "  Siti   Aminah "}) == personal_data.Correction(
        ("name",), "Siti Aminah"
    )
    assert personal_data.parse_correction({"phone": "+62 812 3456 7890"}) == personal_data.Correction(
        ("phone",), None, "+6281234567890"
    )
    assert personal_data.parse_correction({"phone": None}) == personal_data.Correction(("phone",))  # removes the number
    assert personal_data.parse_correction({"phone": ""}) == personal_data.Correction(("phone",))
    both = personal_data.parse_correction({"phone": "+6281234567890", "name": "Budi"})
    assert both.fields == ("name", "phone") and both.name == "Budi" and both.phone == "+6281234567890"


def test_bad_corrections_name_every_field():
    assert codes({}) == {"": "nothing_to_correct"}
    assert codes([]) == {"": "not_an_object"}
    assert codes({"email": "baru@example.id"}) == {"email": "not_correctable"}
    assert codes({"name": "", "phone": "0812-3456"}) == {"name": "required", "phone": "invalid_phone"}
    assert codes({"name": None}) == {"name": "required"}
    assert codes({"name": 7, "phone": 6281234567890}) == {"name": "not_text", "phone": "not_text"}
    assert codes({"name": "x" * 101}) == {"name": "too_long"}
    assert codes({"phone": "+0812345678"}) == {"phone": "invalid_phone"}


def test_closing_needs_the_accounts_email_typed_again():
    personal_data.confirm_closure({"email": " Warga@Example.ID "}, "warga@example.id")
    for payload, code in (
        ({}, "required"),
        ({"email": ""}, "required"),
        ({"email": True}, "required"),
        ({"email": "lain@example.id"}, "email_mismatch"),
        ([], "not_an_object"),
    ):
        with pytest.raises(ValidationFailed) as failed:
            personal_data.confirm_closure(payload, "warga@example.id")
        assert failed.value.errors[0]["code"] == code
    with pytest.raises(ValidationFailed):
        personal_data.confirm_closure({"email": "x"}, "")  # a token without an email closes nothing


def test_recipients_are_redacted_and_filtered_by_the_citizens_addresses():
    to = ["Warga@example.id", "operator@aspirasi.kaltimprov.go.id"]
    assert personal_data.redact_recipients(to, ["warga@example.id", None]) == (
        [personal_data.ERASED, "operator@aspirasi.kaltimprov.go.id"],
        True,
    )
    assert personal_data.redact_recipients(to, [None]) == (to, False)
    assert personal_data.sent_to(to, ["warga@example.id"]) == ["Warga@example.id"]
    assert personal_data.sent_to(["operator@aspirasi.kaltimprov.go.id"], ["warga@example.id"]) == []


def test_records_are_exported_as_held_without_the_systems_secrets():
    held = personal_data.as_held(
        {
            "id": "c1",
            "notified": {"reply", "received"},
            "step": 3.0,
            "rating": {"score": 4.0},
            "feedback_token": "secret",
            "request_fingerprint": "abc",
            "closed_at": None,
        }
    )
    assert held == {"id": "c1", "notified": ["received", "reply"], "step": 3, "rating": {"score": 4}}
    name = personal_data.export_filename(datetime(2026, 11, 28, 21, 5, tzinfo=UTC))
    assert name == "data-saya-aspirasi-kaltim-20261128-210500.json"
    assert set(personal_data.PERSONAL_FIELDS) >= {"citizen_email", "citizen_name", "citizen_phone", "citizen_id"}


def test_an_old_name_is_one_that_differs_from_the_new_beyond_spaces_and_case():
    """``correct`` takes out of the text only an old name that is not the new one (nor empty)."""
    from chalicelib.service.privacy import _same_name

    assert _same_name(" siti  AMINAH ", "Siti Aminah")
    assert _same_name(None, "Siti Aminah") and _same_name("  ", "Siti Aminah")  # no old name to take out
    assert not _same_name("Siti Aminah", "Siti Aminah Rahmawati")
    assert not _same_name("Siti Aminah", None)
