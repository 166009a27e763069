"""The store's contract for the staff's case lists (service/ports.py ``CaseLists``): the agency's route is
written with the decision that routes the case, only then, and both lists read newest first from a position."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.domain.case_list import CaseFilter
from chalicelib.domain.public_register import PublicFilter
from chalicelib.domain.records import Complaint
from chalicelib.domain.timestamps import iso
from chalicelib.service.ports import ConditionFailed, ReadBudget

from .support import CASE, START, at, complaint, note, visit

pytestmark = pytest.mark.integration

LOW, HIGH = iso(START - timedelta(days=400)), iso(START + timedelta(days=1))


def route(store: Any, opd: str = "DINKES", **overrides: Any) -> None:
    arguments: dict[str, Any] = dict(
        decision={"outcome": "aspiration", "opd": opd},
        decided_at=at(7),
        decided_by="diskominfo@x.id",
        sla="met",
        business_minutes=7.0,
        complaint_changes={"kind": "aspiration", "opd": opd},
        audit=note("decided", 7),
        routed_opd=opd,
        received_at=at(0),
    )
    arguments.update(overrides)
    store.record_decision(CASE, 1, **arguments)


def test_a_routing_decision_puts_the_case_on_the_agencys_list(store):
    store.seed_complaint(complaint(created_month=at(0)[:7]))
    store.seed_work_item(visit(stage="classification", role="diskominfo", queue="role#diskominfo"))
    assert store.cases_routed_to("DINKES", LOW, HIGH, 10) == []
    route(store)
    ((key, case),) = store.cases_routed_to("DINKES", LOW, HIGH, 10)
    assert key == f"{at(0)}#{CASE}" and case == store.existing_complaint(CASE)
    with pytest.raises(ConditionFailed):  # decided already: nothing written, no route for DISHUB
        route(store, opd="DISHUB", audit=note("decided", 8))
    assert store.cases_routed_to("DISHUB", LOW, HIGH, 10) == []
    assert store.cases_routed_to("DINKES", LOW, iso(START - timedelta(minutes=1)), 10) == []  # outside the range


def test_a_routing_decision_needs_the_cases_received_at(store):
    store.seed_complaint(complaint())
    store.seed_work_item(visit(stage="classification", role="diskominfo", queue="role#diskominfo"))
    with pytest.raises(ValueError):
        route(store, received_at=None)
    assert store.existing_work_item(CASE, 1).decision is None


def seeded(store: Any, days: int, number: int, **changes: Any) -> Complaint:
    created = iso(START - timedelta(days=days))
    case = replace(
        complaint(),
        id=f"{number:032x}",
        tracking_number=f"KT-AAAA-{number:04d}",
        created_at=created,
        created_month=created[:7],
        **changes,
    )
    return store.seed_complaint(case)


def test_the_month_walk_reads_newest_first_from_a_position(store):
    made = [seeded(store, days, n, channel="phone" if n % 2 else "web") for n, days in enumerate((1, 2, 40, 41, 90))]
    everything = CaseFilter()
    found, position = store.cases_received_between(LOW, HIGH, everything, 2)
    assert [c.id for c in found] == [made[0].id, made[1].id] and position == (
        made[1].created_month,
        (made[1].created_at, made[1].id),
    )
    found, position = store.cases_received_between(LOW, HIGH, everything, 10, position)
    assert [c.id for c in found] == [c.id for c in made[2:]] and position is None
    # the page ends at the last one of the range's oldest month: no position after it
    last, position = store.cases_received_between(iso(START - timedelta(days=95)), HIGH, everything, 5)
    assert len(last) == 5 and position is None
    phones, _ = store.cases_received_between(LOW, HIGH, CaseFilter(channel="phone"), 10)
    assert [c.id for c in phones] == [made[1].id, made[3].id]
    numbered, _ = store.cases_received_between(LOW, HIGH, CaseFilter(q="kt-aaaa-0002"), 10)
    assert [c.id for c in numbered] == [made[2].id]


def test_the_public_walk_reads_only_listed_complaints_and_q_on_the_published_text(store):
    listed = dict(public=True, stage="classification", citizen_name="Budi Santoso")
    made = [
        seeded(store, 1, 1, **listed, title="Jalan rusak, lapor Budi"),
        seeded(store, 2, 2, **listed, confidential=True),
        seeded(store, 3, 3, public=True, stage="intake"),  # not screened yet
        seeded(store, 35, 4, **listed, opd="DINKES", status="answered"),
        seeded(store, 36, 5, public=None, stage="reply"),  # entered by staff
        seeded(store, 70, 6, **listed),
    ]
    shown = [made[0].id, made[3].id, made[5].id]
    found, position = store.listed_cases_between(LOW, HIGH, PublicFilter(), 10)
    assert [c.id for c in found] == shown and position is None
    first, position = store.listed_cases_between(LOW, HIGH, PublicFilter(), 1)
    assert [c.id for c in first] == shown[:1] and position is not None
    rest, _ = store.listed_cases_between(LOW, HIGH, PublicFilter(), 10, position)
    assert [c.id for c in rest] == shown[1:]
    assert [c.id for c in store.listed_cases_between(LOW, HIGH, PublicFilter(opd="DINKES"), 10)[0]] == [made[3].id]
    assert [c.id for c in store.listed_cases_between(LOW, HIGH, PublicFilter(status="answered"), 10)[0]] == [made[3].id]
    assert store.listed_cases_between(LOW, HIGH, PublicFilter(q="budi"), 10)[0] == []  # masked: "[nama]"
    assert [c.id for c in store.listed_cases_between(LOW, HIGH, PublicFilter(q="[NAMA]"), 10)[0]] == [made[0].id]
    # a read budget of one item a call: short pages, each with where to go on, and together everything once
    budget = ReadBudget(examined=1, queries=1, page_size=1)
    collected, position, calls = [], None, 0
    while True:
        part, position = store.listed_cases_between(LOW, HIGH, PublicFilter(), 10, position, budget)
        collected += [c.id for c in part]
        calls += 1
        if position is None:
            break
        assert calls < 20
    assert collected == shown
