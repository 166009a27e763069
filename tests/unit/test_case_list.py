"""The staff's case list: its query read strictly (domain/case_list.py) and the agencies' merged routes
(service/case_list.py) on the in-memory store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.config import Settings
from chalicelib.domain.calendar import WITA
from chalicelib.domain.case_list import CaseFilter, parse_query
from chalicelib.domain.errors import Forbidden, ValidationFailed
from chalicelib.domain.records import Complaint
from chalicelib.domain.roles import StaffMember
from chalicelib.domain.timestamps import iso
from chalicelib.service import case_list
from tests.fakes.services import FakeWorld

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 WITA
TODAY = date(2026, 12, 7)


def fields_of(error: pytest.ExceptionInfo) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in error.value.errors]


def test_the_defaults_are_the_last_twelve_months_in_wita_and_twenty_a_page():
    query = parse_query({}, TODAY, WITA)
    assert (query.low, query.high, query.limit) == (
        "2025-12-06T16:00:00.000+00:00",  # 7 December 2025, 00:00 WITA
        "2026-12-07T15:59:59.999+00:00",  # the end of today, WITA
        20,
    )
    assert query.filter == CaseFilter()
    assert parse_query({"to": "2024-02-29"}, TODAY, WITA).low.startswith("2023-02-27T16:00")  # no 29 Feb 2023


def test_every_wrong_parameter_is_named():
    with pytest.raises(ValidationFailed) as error:
        parse_query(
            {
                "status": "x",
                "stage": "x",
                "channel": "x",
                "category": "x",
                "opd": "x",
                "from": "2026-1-1",
                "to": "x",
                "limit": "0",
                "q": "k" * 101,
            },
            TODAY,
            WITA,
        )
    assert fields_of(error) == [
        ("status", "unknown_status"),
        ("stage", "unknown_stage"),
        ("channel", "unknown_channel"),
        ("category", "unknown_category"),
        ("opd", "unknown_opd"),
        ("q", "too_long"),
        ("to", "invalid_date"),
        ("from", "invalid_date"),
        ("limit", "invalid_limit"),
    ]
    with pytest.raises(ValidationFailed) as error:
        parse_query({"from": "2026-12-02", "to": "2026-12-01"}, TODAY, WITA)
    assert fields_of(error) == [("to", "before_from")]
    assert parse_query({"limit": "50", "channel": "open311", "q": "  "}, TODAY, WITA).limit == 50
    # A parameter given empty is as wrong as a wrong one (the console leaves out what it does not filter by).
    with pytest.raises(ValidationFailed) as error:
        parse_query({"status": "", "from": "", "to": "", "limit": ""}, TODAY, WITA)
    assert fields_of(error) == [
        ("status", "unknown_status"),
        ("to", "invalid_date"),
        ("from", "invalid_date"),
        ("limit", "invalid_limit"),
    ]


def case(number: int, minutes_ago: int, title: str = "Jalan rusak", **changes) -> Complaint:
    at = iso(NOW - timedelta(minutes=minutes_ago))
    return Complaint(
        category="kesehatan",
        created_at=at,
        description="-",
        id=f"{number:032x}",
        status="open",
        subcategory="puskesmas",
        title=title,
        tracking_number=f"KT-AAAA-{number:04d}",
        updated_at=at,
        created_month=at[:7],
        **changes,
    )


def test_text_matches_the_number_as_spoken_or_words_of_the_title():
    c = case(7, 0, title="Lampu Jalan Mati")
    assert CaseFilter(q="jalan mati").matches(c) and CaseFilter(q="kt aaaa ooo7").matches(c)
    assert CaseFilter(q="AAAA0007").matches(c) and not CaseFilter(q="lampu padam").matches(c)


@pytest.fixture
def world():
    return FakeWorld(Settings(calendar_mode="24x7"), NOW)


def routed(world, c: Complaint, *opds: str) -> Complaint:
    world.store.seed_complaint(c)
    for opd in opds:
        world.store.case_routes[(opd, f"{c.created_at}#{c.id}")] = c.id
    return c


def pages(world, member, query: dict) -> list[list[str]]:
    out, token = [], None
    while True:
        body = case_list.list_cases(world.svc, member, {**query, **({"next_token": token} if token else {})})
        out.append([i["id"] for i in body["items"]])
        token = body.get("next_token")
        if not token:
            return out


def test_an_agency_with_two_codes_sees_both_merged_each_case_once(world):
    a = routed(world, case(1, 10), "DINKES")
    b = routed(world, case(2, 20), "DISHUB")
    both = routed(world, case(3, 30), "DINKES", "DISHUB")
    d = routed(world, case(4, 40), "DISHUB")
    routed(world, case(5, 5), "DLH")
    member = StaffMember("x@y.id", frozenset({"opd-DINKES", "opd-DISHUB"}))
    want = [a.id, b.id, both.id, d.id]
    assert pages(world, member, {"limit": "1"}) == [[i] for i in want]
    assert pages(world, member, {}) == [want]
    with pytest.raises(Forbidden):
        case_list.list_cases(world.svc, member, {"opd": "DLH"})


def test_a_short_read_budget_gives_short_pages_that_still_reach_everything(world, monkeypatch):
    monkeypatch.setattr(case_list, "ROUTE_CHUNK", 1)
    monkeypatch.setattr(case_list, "MAX_ROUNDS", 1)
    made = [
        routed(world, case(n, n * 10, title="Banjir" if n % 3 == 0 else "Jalan"), "DINKES", "DLH") for n in range(1, 10)
    ]
    member = StaffMember("x@y.id", frozenset({"opd-DINKES", "opd-DLH"}))
    seen = pages(world, member, {"q": "banjir", "limit": "2"})
    assert [] in seen  # a page the budget ended before anything matched
    assert sum(seen, []) == [c.id for c in made if c.title == "Banjir"]
