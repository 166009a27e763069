"""The public status check (DESIGN.md §3, Public view; issue 20), over HTTP against moto: ``GET
/track/{tracking_number}`` without a login finds any case by its number as people write it, tells where it
stands and never who reported it or what they wrote; an unknown number is a 404 problem; each client address
is limited."""

from __future__ import annotations

import json

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.adapters.tables import RateCounterModel
from chalicelib.domain import sop

from .helpers import COMPLAINT, DINKES, DISKOMINFO, OPERATOR, assert_problem, call, citizen_token, emitted_metrics

pytestmark = pytest.mark.integration

REPORTER = {"name": "Budi Santoso", "email": "budi.santoso@example.id", "phone": "0812-3456-7890"}
SECRET_TEXT = {
    **COMPLAINT,
    "title": "Pungutan liar di loket Puskesmas Sempaja",
    "description": "Petugas loket meminta Rp50.000 tanpa kuitansi setiap pagi; saya punya rekamannya.",
    "location": "Jl. Wahid Hasyim No. 12, Sempaja Utara, Samarinda",
    "lat": -0.461234,
    "long": 117.156789,
}
KEYS = {"tracking_number", "status", "stage", "category", "category_name", "submitted_at", "stages"}


def track(client, number: str):
    response = client.get(f"/track/{number}", headers={"Accept": "application/json"})
    return response, json.loads(response.body)


def entered(client, staff, **changes) -> dict:
    """A case an operator entered for a caller who gave their name, email and phone."""
    body = {**SECRET_TEXT, "channel": "phone", "reporter": REPORTER, **changes}
    response, case = call(client, "post", "/staff/complaints", body, staff.token("operator"))
    assert response.status_code == 201, case
    return case


def test_anyone_sees_where_a_case_stands_and_nothing_of_who_or_what(client, stack, staff):
    case = entered(client, staff)
    number = case["tracking_number"]
    stack.walk(
        case["id"],
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"}),
    )
    stack.waiting_at(case["id"], "opd_response")
    response, status = track(client, number)
    assert response.status_code == 200, status
    assert response.headers["Content-Type"] == "application/json"
    assert set(status) == KEYS | {"opd", "opd_name"}
    assert status["tracking_number"] == number and status["status"] == "open"
    assert (status["stage"], status["category"], status["opd"]) == ("opd_response", "kesehatan", "DINKES")
    assert status["category_name"] and status["opd_name"]
    assert status["submitted_at"] == stack.complaint(case["id"]).created_at
    assert [s["stage"] for s in status["stages"]] == ["intake", "classification", "opd_response"]
    assert all(set(s) == {"stage", "entered_at", "completed_at"} for s in status["stages"][:2])
    assert set(status["stages"][2]) == {"stage", "entered_at"}  # under way
    assert status["stages"][0]["entered_at"] <= status["stages"][0]["completed_at"]

    raw = response.body if isinstance(response.body, str) else response.body.decode()
    personal = [*REPORTER.values(), "Budi", "0812", "budi.santoso"]
    text = [str(SECRET_TEXT[k]) for k in ("title", "description", "location")] + ["Pungutan", "Sempaja", "Wahid"]
    staff_names = [OPERATOR, DISKOMINFO, DINKES, "operator@", "@aspirasi"]
    internal = [str(case["id"]), "-0.461", "117.156", "phone"]  # the complaint's id, its point, the channel
    for needle in personal + text + staff_names + internal:
        assert needle.lower() not in raw.lower(), needle


def test_a_citizens_own_complaint_is_found_the_same_way_and_shows_its_answer(client, stack):
    token = citizen_token(client, name="Siti Aminah")
    response, created = call(client, "post", "/complaints", SECRET_TEXT, token)
    assert response.status_code == 201, created
    stack.walk(
        created["id"],
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "information"}),
        ("reply", OPERATOR, {"reply": "Laporan pungutan liar diteruskan ke Inspektorat."}),
    )
    stack.run_until(lambda: stack.complaint(created["id"]).status == sop.STATUS_ANSWERED, what="the reply")
    response, status = track(client, created["tracking_number"])
    assert response.status_code == 200, status
    assert status["status"] == "answered" and status["answered_at"] == stack.complaint(created["id"]).answered_at
    assert "opd" not in status  # an information request: no agency was asked
    assert all("completed_at" in s for s in status["stages"])
    raw = response.body if isinstance(response.body, str) else response.body.decode()
    for needle in ("Siti", "Aminah", "warga@example.id", "Inspektorat", "Pungutan", "Wahid", created["id"]):
        assert needle not in raw, needle


def test_a_confidential_case_is_tracked_without_its_text_like_any_other(client, stack, staff):
    case = entered(client, staff, confidential=True, anonymous=True, reporter=None)
    response, status = track(client, case["tracking_number"])
    assert response.status_code == 200, status
    assert set(status) == KEYS and status["stage"] in ("intake", None)
    assert "Pungutan" not in json.dumps(status)


def test_the_number_as_people_write_it(client, stack, staff):
    number = entered(client, staff)["tracking_number"]  # KT-XXXX-XXXX
    compact = number.replace("-", "")
    forms = [
        number,
        number.lower(),
        compact,
        compact.lower(),
        f"{number[:2].lower()} {number[3:7].lower()} {number[8:].lower()}",  # "kt 82pt r267"
        f" {number} ",
        number[3:],  # without the KT
        number.replace("-", " - "),
    ]
    for form in forms:
        response, status = track(client, form.replace(" ", "%20"))
        assert response.status_code == 200, (form, status)
        assert status["tracking_number"] == number


@pytest.mark.parametrize("number", ["KT-0000-0000", "KT-ZZZZ-ZZZZ", "hello", "KT-1234", "KT-12345-6789"])
def test_an_unknown_or_impossible_number_is_a_404_problem(client, stack, number):
    response, problem = track(client, number)
    assert_problem(response, problem, 404)
    assert problem["type"].endswith("/unknown-tracking-number")
    assert "KT-" in problem["detail"]  # says what a number looks like


@pytest.mark.parametrize("stack_env", [{"TRACK_LIMIT_PER_MINUTE": "3"}])
def test_each_client_address_gets_its_lookups_a_minute_then_429(client, stack, staff, monkeypatch, capsys):
    number = entered(client, staff)["tracking_number"]
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.9")
    assert track(client, number)[0].status_code == 200
    assert track(client, "KT-0000-0000")[0].status_code == 404  # a miss counts too: no free probing
    assert track(client, "hello")[0].status_code == 404
    response, problem = track(client, number)
    assert_problem(response, problem, 429)
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "StatusChecksLimited" in [name for name, _ in emitted_metrics(capsys.readouterr().out)]
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "198.51.100.30")  # another address is not held
    assert track(client, number)[0].status_code == 200
    counters = [c.counter for c in RateCounterModel.scan()]
    assert not any("203.0.113.9" in c or "198.51.100.30" in c for c in counters)  # digests only


def test_the_check_needs_no_login_and_a_token_changes_nothing(client, stack, staff):
    number = entered(client, staff)["tracking_number"]
    anonymous = track(client, number)[1]
    response, with_token = call(client, "get", f"/track/{number}", token=staff.token("supervisor"))
    assert response.status_code == 200 and with_token == anonymous
