"""The map's point (DESIGN.md §3, Location; issue 20), over HTTP against moto: ``lat`` and ``long`` on the web
form's and the operators' routes, both or neither, inside East Kalimantan; stored on the complaint, shown to
its owner and to staff, and read by Open311 as ``lat``/``long``."""

from __future__ import annotations

import pytest

from .helpers import COMPLAINT, OPERATOR, assert_problem, call, citizen_token
from .open311_helpers import NEW_REQUEST, assert_error, issue, o311_call

pytestmark = pytest.mark.integration

SAMARINDA = {"lat": -0.502106, "long": 117.153709}
ENTRY = {**COMPLAINT, "channel": "phone", "reporter": {"name": "Budi Santoso", "phone": "0812-3456-7890"}}


def test_a_citizen_sends_a_point_and_sees_it_on_the_case(client, stack):
    token = citizen_token(client)
    response, created = call(client, "post", "/complaints", {**COMPLAINT, **SAMARINDA}, token)
    assert response.status_code == 201, created
    assert (created["lat"], created["long"]) == (SAMARINDA["lat"], SAMARINDA["long"])
    view = call(client, "get", f"/complaints/{created['id']}", token=token)[1]
    assert (view["lat"], view["long"], view["location"]) == (-0.502106, 117.153709, "Samarinda")
    stored = stack.complaint(created["id"])
    assert (stored.latitude, stored.longitude) == (-0.502106, 117.153709)


def test_a_point_is_kept_to_six_decimals_and_whole_degrees_are_numbers_too(client, stack):
    token = citizen_token(client)
    body = {**COMPLAINT, "lat": -0.50210612345, "long": 117}
    created = call(client, "post", "/complaints", body, token)[1]
    assert (created["lat"], created["long"]) == (-0.502106, 117.0)
    assert call(client, "get", f"/complaints/{created['id']}", token=token)[1]["long"] == 117.0


def test_without_a_point_the_case_says_null(client, stack):
    token = citizen_token(client)
    for body in (COMPLAINT, {**COMPLAINT, "lat": None, "long": None}):
        created = call(client, "post", "/complaints", body, token)[1]
        assert (created["lat"], created["long"]) == (None, None)
        assert stack.complaint(created["id"]).latitude is None


def test_an_operator_enters_a_point_and_staff_see_it(client, stack, staff):
    operator = staff.token("operator")
    response, case = call(client, "post", "/staff/complaints", {**ENTRY, **SAMARINDA}, operator)
    assert response.status_code == 201, case
    assert (case["lat"], case["long"]) == (-0.502106, 117.153709)
    seen = call(client, "get", f"/staff/complaints/{case['id']}", token=staff.token("supervisor"))[1]
    assert (seen["lat"], seen["long"]) == (-0.502106, 117.153709)


@pytest.mark.parametrize(
    "point, field, code",
    [
        ({"lat": 2.71, "long": 117.0}, "lat", "outside_kaltim"),  # north of Kaltim (North Kalimantan)
        ({"lat": -2.61, "long": 117.0}, "lat", "outside_kaltim"),  # south (South Kalimantan)
        ({"lat": 0.5, "long": 113.59}, "long", "outside_kaltim"),  # west (Central/West Kalimantan)
        ({"lat": 0.5, "long": 119.21}, "long", "outside_kaltim"),  # east (the Makassar Strait, Sulawesi)
        ({"lat": -6.2, "long": 106.8}, "lat", "outside_kaltim"),  # Jakarta: both named
        ({"lat": -0.5}, "long", "pair_required"),
        ({"long": 117.1}, "lat", "pair_required"),
        ({"lat": -0.5, "long": None}, "long", "pair_required"),
        ({"lat": "-0.5", "long": 117.1}, "lat", "not_a_number"),
        ({"lat": "", "long": 117.1}, "lat", "not_a_number"),
        ({"lat": True, "long": 117.1}, "lat", "not_a_number"),
        ({"lat": [-0.5], "long": 117.1}, "lat", "not_a_number"),
        ({"lat": -0.5, "long": {"deg": 117}}, "long", "not_a_number"),
    ],
)
def test_a_point_outside_kaltim_alone_or_not_a_number_is_422_naming_the_field(client, stack, staff, point, field, code):
    token = citizen_token(client)
    operator = staff.token("operator")
    for path, body, who in (("/complaints", COMPLAINT, token), ("/staff/complaints", ENTRY, operator)):
        response, problem = call(client, "post", path, {**body, **point}, who)
        assert_problem(response, problem, 422)
        assert (field, code) in [(e["field"], e["code"]) for e in problem["errors"]], problem
        error = next(e for e in problem["errors"] if e["field"] == field)
        assert all(text and "{" not in text for text in (error["message"]["id"], error["message"]["en"]))
        if code == "outside_kaltim":
            assert error["min"] < error["max"] and str(error["min"]) in error["message"]["en"]
    if point == {"lat": -6.2, "long": 106.8}:
        assert {e["field"] for e in problem["errors"]} == {"lat", "long"}
    assert call(client, "get", "/complaints", token=token)[1] == {"items": []}  # nothing stored


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_nan_and_infinity_in_the_json_are_refused(client, stack, raw):
    token = citizen_token(client)
    body = (
        '{"category": "kesehatan", "subcategory": "puskesmas", "title": "Puskesmas tutup siang", '
        '"description": "Puskesmas Sempaja tutup pukul 11.00.", "long": 117.1, "lat": ' + raw + "}"
    )
    response, problem = call(client, "post", "/complaints", body, token)
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == [("lat", "not_a_number")]


def test_the_corners_of_the_box_are_inside(client, stack):
    token = citizen_token(client)
    for lat, long in ((-2.6, 113.6), (2.7, 119.2)):
        response, created = call(client, "post", "/complaints", {**COMPLAINT, "lat": lat, "long": long}, token)
        assert response.status_code == 201, created


def test_open311_reads_a_web_complaints_point_once_intake_accepted_it(client, stack):
    token = citizen_token(client)
    created = call(client, "post", "/complaints", {**COMPLAINT, **SAMARINDA}, token)[1]
    number = created["tracking_number"]
    hidden = o311_call(client, "get", f"requests/{number}.json")[1][0]
    assert (hidden["lat"], hidden["long"]) == (None, None)  # not screened yet: no text of its own
    stack.waiting_at(created["id"], "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(created["id"], "classification")
    request = o311_call(client, "get", f"requests/{number}.json")[1][0]
    assert (request["lat"], request["long"]) == (-0.502, 117.154)  # published to 3 decimals (about 100 m)


def test_open311_takes_the_same_rule_and_refuses_a_point_outside_kaltim(client, stack):
    key = issue(stack)
    outside = {**NEW_REQUEST, "lat": "37.76524078", "long": "-122.4212043"}  # the spec's San Francisco
    response, parsed = o311_call(client, "post", "requests.json", {"api_key": key, **outside})
    assert_error(response, parsed, 400, "lat must be WGS84 degrees within East Kalimantan")
    assert o311_call(client, "get", "requests.json")[1] == []
    response, parsed = o311_call(client, "post", "requests.json", {"api_key": key, **NEW_REQUEST})
    assert response.status_code == 200, parsed
    number = parsed[0]["service_request_id"]
    complaint = stack.svc.store.complaint_by_tracking_number(number)
    assert (complaint.latitude, complaint.longitude) == (-0.4948, 117.1436)
