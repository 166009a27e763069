"""Cognito's pre sign-up trigger (app.pre_signup): a sign-up made at Cognito's own API obeys our field rules."""

from __future__ import annotations

import pytest

import app


def event(**attributes) -> dict:
    """The event Cognito sends for a self sign-up (PreSignUp_SignUp)."""
    return {
        "version": "1",
        "triggerSource": "PreSignUp_SignUp",
        "region": "ap-southeast-3",
        "userPoolId": "ap-southeast-3_x",
        "userName": "u1",
        "callerContext": {"clientId": "c"},
        "request": {"userAttributes": attributes, "validationData": None},
        "response": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    }


def test_a_sign_up_within_the_rules_goes_through_unchanged():
    good = event(email="warga@example.id", name="Siti Aminah", phone_number="+6281234567890")
    assert app.pre_signup(good, None) == good
    assert app.pre_signup(event(email="warga@example.id", name="Siti"), None)["response"]["autoConfirmUser"] is False


@pytest.mark.parametrize(
    "attributes, field",
    [
        ({"email": "warga@example.id"}, "name"),  # the app requires a name; the pool alone does not
        ({"email": "warga@example.id", "name": "x" * 101}, "name"),
        ({"email": "warga@example.id", "name": "Siti", "phone_number": "0812"}, "phone_number"),
        ({"email": "<x@y.id>", "name": "Siti"}, "email"),
    ],
)
def test_a_sign_up_outside_the_rules_is_refused_naming_the_field(attributes, field):
    with pytest.raises(ValueError) as refused:
        app.pre_signup(event(**attributes), None)
    assert field in str(refused.value) and "Data belum benar / Some data is not right" in str(refused.value)


@pytest.mark.parametrize("written", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "+6212345678"])
def test_a_sign_up_keeps_its_phone_only_in_e164_and_only_a_real_number(written):
    """The one phone rule reads it; a trigger cannot rewrite what Cognito stores, so it must be E.164 already."""
    with pytest.raises(ValueError) as refused:
        app.pre_signup(event(email="warga@example.id", name="Siti", phone_number=written), None)
    assert "phone_number" in str(refused.value)
    fine = event(email="warga@example.id", name="Siti", phone_number="+6281234567890")
    assert app.pre_signup(fine, None) == fine
