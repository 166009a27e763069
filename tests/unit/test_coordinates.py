"""The map's point (domain/coordinates.py and the request models that use it): both or neither, numbers only,
inside East Kalimantan's box; the same rule for the web form, the operators' entry and Open311."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.domain import coordinates, georeport
from chalicelib.domain.coordinates import LAT_MAX, LAT_MIN, LONG_MAX, LONG_MIN
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.submission import parse_entry, parse_submission

from .open311_sample import JURISDICTION, spec_form

BODY = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
}
ENTRY = {**BODY, "channel": "phone", "reporter": {"name": "Budi Santoso"}}
inside_lat = st.floats(min_value=LAT_MIN, max_value=LAT_MAX)
inside_long = st.floats(min_value=LONG_MIN, max_value=LONG_MAX)
outside_lat = st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: not LAT_MIN <= v <= LAT_MAX)
outside_long = st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: not LONG_MIN <= v <= LONG_MAX)
not_numbers = st.one_of(
    st.text(),
    st.booleans(),
    st.just(math.nan),
    st.just(math.inf),
    st.just(-math.inf),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=1),
    st.just(10**400),
)


def problems(payload) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as failed:
        parse_submission(payload)
    return [(e["field"], e["code"]) for e in failed.value.errors]


def test_the_box_is_east_kalimantan():
    assert (LAT_MIN, LAT_MAX, LONG_MIN, LONG_MAX) == (-2.6, 2.7, 113.6, 119.2)
    for city, lat, long in (
        ("Samarinda", -0.5022, 117.1536),
        ("Balikpapan", -1.2654, 116.8312),
        ("Bontang", 0.1333, 117.5),
        ("Tanjung Redeb (Berau)", 2.15, 117.49),
        ("Tanah Grogot (Paser)", -1.91, 116.19),
        ("Long Apari (Mahakam Ulu)", 0.93, 114.18),
        ("Maratua", 2.25, 118.6),
    ):
        assert coordinates.in_kaltim(lat, long), city
    for city, lat, long in (
        ("Jakarta", -6.2, 106.8),
        ("Tarakan (North Kalimantan)", 3.3, 117.6),
        ("Banjarmasin (South Kalimantan)", -3.32, 114.59),
        ("Palu (Sulawesi)", -0.9, 119.87),
        ("Null Island", 0.0, 0.0),
    ):
        assert not coordinates.in_kaltim(lat, long), city


@given(inside_lat, inside_long)
def test_any_point_inside_is_taken_and_kept_to_six_decimals(lat, long):
    submission = parse_submission({**BODY, "lat": lat, "long": long})
    assert (submission.latitude, submission.longitude) == (round(lat, 6), round(long, 6))
    assert submission.latitude is not None and submission.longitude is not None
    assert coordinates.in_kaltim(submission.latitude, submission.longitude)
    entered, _ = parse_entry({**ENTRY, "lat": lat, "long": long})
    assert (entered.latitude, entered.longitude) == (submission.latitude, submission.longitude)


@given(outside_lat, inside_long)
def test_a_latitude_outside_is_refused_naming_lat(lat, long):
    assert problems({**BODY, "lat": lat, "long": long}) == [("lat", "outside_kaltim")]


@given(inside_lat, outside_long)
def test_a_longitude_outside_is_refused_naming_long(lat, long):
    assert problems({**BODY, "lat": lat, "long": long}) == [("long", "outside_kaltim")]


@given(not_numbers, inside_long)
def test_anything_but_a_finite_number_is_not_a_number(value, long):
    assert problems({**BODY, "lat": value, "long": long}) == [("lat", "not_a_number")]


@given(st.sampled_from(["lat", "long"]), st.one_of(inside_lat, inside_long, not_numbers))
def test_one_alone_names_the_missing_one(sent, value):
    missing = "long" if sent == "lat" else "lat"
    found = problems({**BODY, sent: value})
    assert (missing, "pair_required") in found
    assert coordinates.pair_errors({sent: value, missing: None}) == [
        {"field": missing, "code": "pair_required", "other": sent}
    ]


def test_neither_or_nulls_is_no_point_and_keeps_the_old_fingerprint():
    plain = parse_submission(BODY)
    nulls = parse_submission({**BODY, "lat": None, "long": None})
    assert plain == nulls and plain.latitude is None and plain.longitude is None
    assert len(plain.fingerprint_fields()) == 7  # as before points existed: replays still match
    pinned = parse_submission({**BODY, "lat": -0.5, "long": 117.15})
    assert pinned.fingerprint_fields()[7:] == (-0.5, 117.15)


def test_the_corners_are_inside_and_the_error_says_the_bounds():
    assert coordinates.check("lat", LAT_MIN) is None and coordinates.check("long", LONG_MAX) is None
    assert coordinates.check("lat", 2.7000001) == {"field": "lat", "code": "outside_kaltim", "min": -2.6, "max": 2.7}
    assert coordinates.check("long", "117") == {"field": "long", "code": "not_a_number"}


@given(outside_lat.map(str), inside_long.map(str))
def test_open311_takes_the_same_rule(lat, long):
    with pytest.raises(georeport.Open311Error) as error:
        georeport.parse_request(spec_form(lat=lat, long=long), JURISDICTION)
    assert any("lat must be WGS84 degrees within East Kalimantan" in d for d in error.value.descriptions)


@given(inside_lat, inside_long)
def test_open311_passes_its_point_through_the_submission(lat, long):
    request = georeport.parse_request(spec_form(lat=repr(lat), long=repr(long)), JURISDICTION)
    submission = parse_submission(request.submission_payload())
    assert (submission.latitude, submission.longitude) == (request.latitude, request.longitude)
    assert (request.latitude, request.longitude) == (round(lat, 6), round(long, 6))
