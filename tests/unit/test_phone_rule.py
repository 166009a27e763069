"""The one phone rule (domain/fields.py ``normalise_phone``): numbers as people write them, kept as E.164."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from chalicelib.domain import models
from chalicelib.domain.fields import INTL_PHONE_PATTERN, normalise_phone
from chalicelib.domain.personal_data import parse_correction
from chalicelib.domain.submission import parse_entry

E164 = "+6281234567890"


@pytest.mark.parametrize(
    "written",
    [
        "0812-3456-7890",
        "0812 3456 7890",
        "081234567890",
        "81234567890",
        "812-3456-7890",
        "+62 812 3456 7890",
        "+62 812-3456-7890",
        "+6281234567890",
        "6281234567890",
        "62 812 3456 7890",
        "(+62) 812-3456-7890",
        "(0812) 3456 7890",
        "0812.3456.7890",
        "  0812-3456-7890  ",
    ],
)
def test_the_ways_people_write_a_mobile_number_are_one_number(written):
    assert normalise_phone(written) == E164


@pytest.mark.parametrize(
    "written, kept",
    [
        ("0541-741234", "+62541741234"),  # a Samarinda landline
        ("+1 650-253-0000", "+16502530000"),  # a foreign number, written with its country code
        ("+60 12-345 6789", "+60123456789"),
    ],
)
def test_other_real_numbers_are_kept_in_e164_too(written, kept):
    assert normalise_phone(written) == kept


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "0812",
        "12345",
        "+0812345678",
        "+6212",
        "call me",
        "0812-FLOWERS",
        "1-800-FLOWERS",
        "0812-3456-7890 ext 5",
        "0812-3456-7890x5",
        "0812+3456+7890",
        "08123456789012345678901234567890",
        "\u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660",  # Arabic-Indic digits
        "０８１２３４５６７８９０",  # full-width digits
        "0812\n3456 7890",
    ],
)
def test_anything_else_is_no_number(written):
    assert normalise_phone(written) is None


@given(st.text(max_size=40))
def test_any_text_gives_e164_or_nothing_and_never_raises(text):
    kept = normalise_phone(text)
    assert kept is None or re.fullmatch(INTL_PHONE_PATTERN, kept)
    if kept is not None:
        assert normalise_phone(kept) == kept  # what is kept is read back as itself


# Indonesian mobile prefixes (Telkomsel, Indosat, XL, Tri, Smartfren) and the rest of the number.
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "823", "852", "853", "814", "815", "816", "855", "856", "857"]
MOBILE_PREFIXES += ["858", "817", "818", "819", "859", "877", "878", "895", "896", "897", "898", "899", "881", "888"]


@given(st.sampled_from(MOBILE_PREFIXES), st.text(alphabet="0123456789", min_size=6, max_size=9))
def test_every_way_of_writing_a_valid_mobile_number_gives_the_same_e164(prefix, rest):
    national = prefix + rest  # without the trunk 0
    kept = normalise_phone("0" + national)
    assume(kept is not None)  # not every length is a valid number for every operator
    assert kept == f"+62{national}"
    grouped = f"{national[:3]}-{national[3:7]}-{national[7:]}"
    for written in (
        national,
        "0" + grouped,
        "0" + grouped.replace("-", " "),
        "+62" + national,
        "+62 " + grouped,
        "62" + national,
        "(+62) " + grouped,
    ):
        assert normalise_phone(written) == kept, written


def test_every_model_that_takes_a_phone_reads_it_by_the_rule():
    account = {"email": "warga@example.id", "password": "Rahasia-123", "name": "Siti"}
    assert models.validate(models.RegisterRequest, {**account, "phone": "0812-3456-7890"}).phone == E164
    assert models.validate(models.RegisterRequest, {**account, "phone": ""}).phone is None
    assert parse_correction({"phone": "62 812 3456 7890"}).phone == E164
    signup = models.validate(
        models.SignUpAttributes, {"email": "a@x.id", "name": "S", "phone_number": "+62 812 34567890"}
    )
    assert signup.phone_number == E164
    entry = {
        "channel": "phone",
        "category": "kesehatan",
        "subcategory": "puskesmas",
        "title": "Puskesmas tutup",
        "description": "Puskesmas tutup pukul sebelas siang.",
        "reporter": {"name": "Pak Darto", "phone": "812 3456 7890"},
    }
    assert parse_entry(entry)[1].reporter_phone == E164
    for model, body, field, code in (
        (models.RegisterRequest, {**account, "phone": "0812"}, "phone", "invalid_phone"),
        (models.CorrectionRequest, {"phone": "telepon saya"}, "phone", "invalid_phone"),
        (models.SignUpAttributes, {"email": "a@x.id", "name": "S", "phone_number": "+6212"}, "phone_number", None),
        (models.EntryRequest, {**entry, "reporter": {"name": "A", "phone": "12"}}, "reporter.phone", None),
        (models.RegisterRequest, {**account, "phone": "0" * 31}, "phone", "invalid_phone"),
    ):
        _, errors = models.errors_of(model, body)
        assert [e["field"] for e in errors] == [field], (model, errors)
        assert code is None or errors[0]["code"] == code
