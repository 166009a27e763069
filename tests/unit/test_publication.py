"""What the public may read of a complaint (domain/publication.py, issue 22), as properties over generated text.

Texts are built from ordinary fragments (money, times, dates, places, words) with a reporter's secrets
written between them: email addresses (hypothesis's and the forms Indonesians write), Indonesian phone numbers
in every format people type, and the registered name (1-4 parts, any case, accents). ``published_text`` must
leave none of them and keep every ordinary fragment as written; ``erase_person`` must take one person out
and leave the rest. ``place`` rounds and hides sensitive places; ``is_listed`` is checked as a truth table.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chalicelib.domain import catalog, publication, sop
from chalicelib.domain.publication import MASK_EMAIL, MASK_NAME, MASK_PHONE, erase_person, place, published_text

from ..personal_text import ORDINARY, SEPARATORS, complaints_text, digit_runs, name_parts_in, names, phones

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# -- published_text -------------------------------------------------------------------------------------------
@SETTINGS
@given(complaints_text())
def test_published_text_leaves_no_email_phone_or_name_and_keeps_ordinary_text(case):
    text, name, emails, numbers, ordinary = case
    out = published_text(text, name)
    assert out is not None
    for address in emails:
        assert address.lower() not in out.lower(), (address, out)
    assert "@" not in out and "[at]" not in out and "(at)" not in out, out
    for nsn in numbers:
        assert not any(nsn in run for run in digit_runs(out)), (nsn, text, out)
    assert name_parts_in(out, name) == [], (name, out)
    for fragment in ordinary:
        assert fragment in out, (fragment, text, out)
    assert published_text(out, name) == out  # masking what is masked changes nothing


@SETTINGS
@given(st.lists(st.sampled_from(ORDINARY), min_size=1, max_size=8), st.lists(st.sampled_from(SEPARATORS)), names())
def test_ordinary_text_is_published_as_written(fragments, separators, name):
    text = "".join(f + (separators[i] if i < len(separators) else " ") for i, f in enumerate(fragments))
    assert published_text(text, name) == text


@pytest.mark.parametrize(
    "written, published",
    [
        ("Saya Budi Al Santoso, HP 0812-3456-7890.", "Saya [nama], HP [telepon]."),
        ("hubungi (0541) 741123 atau (+62) 812-3456-7890", "hubungi [telepon] atau [telepon]"),
        ("WA 62812345678901, email budi.s@gmail.com.", "WA [telepon], email [email]."),
        ("tanggal 12/12/2026 0812 3456 7890", "tanggal 12/12/2026 [telepon]"),
        ("Rp 15.000.000 dibayar 07-12-2026 pukul 08.00-16.00", "Rp 15.000.000 dibayar 07-12-2026 pukul 08.00-16.00"),
        ("RT 05 0812 3456 7890 15 orang", "RT 05 [telepon] 15 orang"),
        ("HP0812-3456-7890", "HP[telepon]"),
        ("budi [at] gmail.com", "[email]"),
        ("Bu SANTOSO, Pak budi dan Budiman", "Bu [nama], Pak [nama] dan Budiman"),  # Budiman is another name
        ("Nama Al", "Nama Al"),  # parts under 3 letters stay (too common a word)
    ],
)
def test_published_text_examples(written, published):
    assert published_text(written, "Budi Al Santoso") == published


def test_published_text_of_nothing_and_without_a_name():
    assert published_text(None, "Budi") is None
    assert published_text("Budi: 0812-3456-7890", None) == "Budi: [telepon]"
    assert published_text("Budi", "  ") == "Budi"


# -- erase_person -----------------------------------------------------------------------------------------------
def e164(nsn: str) -> str:
    return "+62" + nsn


@SETTINGS
@given(complaints_text(), phones(), st.emails())
def test_erase_person_takes_out_their_name_email_and_phone_however_written_and_nothing_else(case, other, theirs):
    text, name, emails, numbers, ordinary = case
    assume(emails and numbers)
    own_email, own_phone = emails[0], numbers[0]
    other_written, other_nsn = other
    assume(other_nsn != own_phone and own_phone not in other_nsn and other_nsn not in own_phone)
    assume(not name_parts_in(theirs, name))  # an address holding their name loses it: it may well be theirs
    text = f"{text} cc {theirs} / {other_written}"
    out = erase_person(text, name, own_email, e164(own_phone))
    assert out is not None
    assert own_email.lower() not in out.lower()
    assert not any(own_phone in run for run in digit_runs(out)), (own_phone, text, out)
    assert name_parts_in(out, name) == [], (name, out)
    for fragment in ordinary:
        assert fragment in out, (fragment, out)
    assert theirs in out or own_email.lower() in theirs.lower()  # another person's address stays as written
    assert any(other_nsn in run for run in digit_runs(out)), (other_nsn, out)  # ... and their number
    assert erase_person(out, name, own_email, e164(own_phone)) == out  # retry-safe: twice is once


@pytest.mark.parametrize(
    "phone", ["+6281234567890", "081234567890", "0812-3456-7890", "62 812 3456 7890", "+62 (0) 812-3456-7890"]
)
def test_erase_person_compares_the_digits_of_the_phone(phone):
    text = "Saya Siti (siti@x.id), hp +62 812-3456-7890 / 0812 3456 7890 / 6281234567890; kantor (0541) 741123."
    assert (
        erase_person(text, "Siti Aminah", "SITI@x.id", phone)
        == "Saya [nama] ([email]), hp [telepon] / [telepon] / [telepon]; kantor (0541) 741123."
    )
    assert erase_person(None, "Siti", None, None) is None
    assert erase_person(text, None, None, None) == text


# -- place ------------------------------------------------------------------------------------------------------
POINTS = st.tuples(
    st.floats(-2.6, 2.7, allow_nan=False).map(lambda x: round(x, 6)),
    st.floats(113.6, 119.2, allow_nan=False).map(lambda x: round(x, 6)),
)
SUBCATEGORIES = [(c.code, s.code) for c in catalog.CATEGORIES.values() for s in c.subcategories]


def decimals(value: float) -> int:
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


@settings(max_examples=300, deadline=None)
@given(POINTS, st.sampled_from(SUBCATEGORIES))
def test_place_is_rounded_to_3_decimals_and_none_in_a_sensitive_category(point, codes):
    latitude, longitude = point
    complaint = SimpleNamespace(latitude=latitude, longitude=longitude, category=codes[0], subcategory=codes[1])
    shown = place(complaint)
    if catalog.is_sensitive(*codes):
        assert shown is None
        return
    assert shown is not None
    for published, exact in zip(shown, point, strict=True):
        assert decimals(published) <= 3 and abs(published - exact) <= 0.0005 + 1e-9


@pytest.mark.parametrize("codes", sorted(catalog.SENSITIVE))
def test_every_sensitive_subcategory_has_no_place(codes):
    assert codes in SUBCATEGORIES  # the catalog knows it
    complaint = SimpleNamespace(latitude=-0.5, longitude=117.15, category=codes[0], subcategory=codes[1])
    assert place(complaint) is None


def test_no_point_no_place():
    complaint = SimpleNamespace(latitude=None, longitude=117.1, category="infrastruktur", subcategory="jalan-rusak")
    assert place(complaint) is None


# -- is_listed --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("public", [True, False, None])
@pytest.mark.parametrize("confidential", [True, False])
@pytest.mark.parametrize("stage", [None, sop.FIRST_STAGE, "classification", "opd_response", "review", "reply"])
def test_is_listed_truth_table(public, confidential, stage):
    complaint = SimpleNamespace(public=public, confidential=confidential, stage=stage)
    expected = public is True and not confidential and stage not in (None, "intake")
    assert publication.is_listed(complaint) is expected


def test_the_masks_are_what_the_issue_names():
    assert (MASK_EMAIL, MASK_PHONE, MASK_NAME) == ("[email]", "[telepon]", "[nama]")
