"""The agencies' public scorecards: the whole-months rule, the figures from the running totals, the routing
counter (domain/scorecards.py, domain/report.py ``routed``; service/scorecards.py on the fakes)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.config import Settings
from chalicelib.domain import catalog, report, scorecards
from chalicelib.domain.errors import AlreadyDecided, TooManyRequests, ValidationFailed
from chalicelib.domain.records import Complaint, WorkItem
from chalicelib.domain.timestamps import iso
from chalicelib.service.decide import decide
from chalicelib.service.scorecards import agency_scorecards, parse_period
from tests.fakes.services import FakeWorld

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10.00 WITA
SETTINGS = Settings(calendar_mode="24x7", public_base_url="https://aspirasi.test")


def errors(start: date, end: date) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in scorecards.period_errors(start, end, TODAY)]


@pytest.mark.parametrize(
    "start, end",
    [
        (date(2026, 1, 1), date(2026, 12, 7)),  # this year to today (the default)
        (date(2026, 1, 1), date(2026, 12, 20)),  # a later day of the current month: its month item as it stands
        (date(2026, 12, 1), date(2026, 12, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2024, 2, 1), date(2024, 2, 29)),  # leap year
        (date(2024, 1, 1), date(2026, 12, 31)),  # 36 months
        (date(2027, 1, 1), date(2027, 1, 31)),  # not begun: nothing counted, but whole
    ],
)
def test_whole_months_are_accepted(start, end):
    assert errors(start, end) == []


def test_anything_else_names_the_day_that_is_not_a_month_edge():
    assert errors(date(2026, 1, 2), date(2026, 1, 31)) == [("from", "whole_months")]
    assert errors(date(2026, 1, 1), date(2026, 1, 30)) == [("to", "whole_months")]
    assert errors(date(2026, 2, 1), date(2026, 2, 27)) == [("to", "whole_months")]
    assert errors(date(2026, 12, 1), date(2026, 12, 6)) == [("to", "whole_months")]  # yesterday: not whole, not so far
    assert errors(date(2026, 11, 15), date(2026, 12, 3)) == [("from", "whole_months"), ("to", "whole_months")]
    assert errors(date(2027, 1, 1), date(2027, 1, 15)) == [("to", "whole_months")]  # a future month's middle
    assert errors(date(2026, 3, 1), date(2026, 2, 28)) == [("to", "before_from")]
    assert errors(date(2023, 12, 1), date(2026, 12, 31)) == [("to", "period_too_long")]


def test_the_period_parses_with_defaults_and_refuses_bad_dates():
    assert parse_period(TODAY, None, None) == (date(2026, 1, 1), TODAY)
    assert parse_period(TODAY, "", "") == (date(2026, 1, 1), TODAY)
    assert parse_period(TODAY, "2026-03-01", "2026-05-31") == (date(2026, 3, 1), date(2026, 5, 31))
    for start, end, field, code in (
        ("2026-13-01", None, "from", "invalid_date"),
        (None, "kemarin", "to", "invalid_date"),
        ("2026-03-05", None, "from", "whole_months"),
        (None, "2026-11-30", None, None),  # fine
    ):
        if field is None:
            parse_period(TODAY, start, end)
            continue
        with pytest.raises(ValidationFailed) as failed:
            parse_period(TODAY, start, end)
        assert [(e["field"], e["code"]) for e in failed.value.errors] == [(field, code)]


def test_a_period_reads_one_month_partition_per_month():
    assert scorecards.periods_to_read(date(2025, 11, 1), date(2026, 2, 28)) == [
        "M#2025-11",
        "M#2025-12",
        "M#2026-01",
        "M#2026-02",
    ]
    assert scorecards.periods_to_read(date(2026, 1, 1), TODAY) == [f"M#2026-{m:02d}" for m in range(1, 13)]


def visits(minutes: list[float], allowed: float = 960.0) -> dict[str, int]:
    """The counters the agency's visits of these durations add (report.visit_completed)."""
    out: dict[str, int] = {}
    for value in minutes:
        for delta in report.visit_completed(NOW, "opd_response", "DINKES", value, value <= allowed):
            if delta.row == "opd#DINKES":
                for name, n in delta.counters.items():
                    out[name] = out.get(name, 0) + n
    return out


def test_every_agency_is_listed_by_name_with_its_figures_and_zeros_elsewhere():
    october = {**visits([100.0, 300.0]), "c_routed": 3, "c_answered": 1, "r_sum": 4, "r_count": 1}
    november = {**visits([1200.0]), "c_routed": 1, "c_answered": 2, "c_met": 2, "r_sum": 3, "r_count": 2}
    items = [
        ("M#2026-10", "opd#DINKES", october),
        ("M#2026-11", "opd#DINKES", november),
        ("M#2026-11", "opd#none", {"c_answered": 5, "r_sum": 25, "r_count": 5}),  # Diskominfo's information
        ("M#2026-11", "opd#DISHUB", {"c_routed": 2}),
    ]
    cards = scorecards.build_scorecards(date(2026, 1, 1), TODAY, items, TODAY)
    assert cards["from"] == "2026-01-01" and cards["to"] == "2026-12-07"
    assert cards["label"] == {
        "id": "1 Januari – 7 Desember 2026 (berjalan, s.d. hari ini)",
        "en": "1 January – 7 December 2026 (to date)",
    }
    names = [card["name"] for card in cards["items"]]
    assert names == sorted(names, key=str.casefold) and len(names) == len(catalog.OPDS)
    assert {card["opd"] for card in cards["items"]} == set(catalog.OPDS)  # not "none"
    by_code = {card["opd"]: card for card in cards["items"]}
    dinkes = by_code["DINKES"]
    assert (dinkes["received"], dinkes["answered"], dinkes["ratings"], dinkes["average_rating"]) == (4, 3, 3, 2.33)
    assert dinkes["answered_within_sop_pct"] == round(200 / 3, 1)  # 2 of its 3 visits within 960 minutes
    assert abs(dinkes["median_business_minutes_to_answer"] - 300.0) <= report.ACCURACY * 300 + 0.05
    assert dinkes["median_text"]["id"] and dinkes["median_text"]["en"]
    assert by_code["DISHUB"] == {
        "opd": "DISHUB",
        "name": "Dinas Perhubungan",
        "received": 2,
        "answered": 0,
        "answered_within_sop_pct": None,
        "median_business_minutes_to_answer": None,
        "median_text": {"id": "–", "en": "–"},
        "average_rating": None,
        "ratings": 0,
    }
    nothing = by_code["BPBD"]
    assert (nothing["received"], nothing["answered"], nothing["ratings"]) == (0, 0, 0)


def test_a_closed_period_is_named_as_it_is():
    cards = scorecards.build_scorecards(date(2026, 1, 1), date(2026, 3, 31), [], TODAY)
    assert cards["label"] == {"id": "1 Januari – 31 Maret 2026", "en": "1 January – 31 March 2026"}
    assert all(card["received"] == 0 for card in cards["items"])


# -- the routing counter, on the fakes -------------------------------------------------------------------
CASE = "c" * 32


def at_classification() -> FakeWorld:
    w = FakeWorld(SETTINGS, NOW)
    w.store.seed_complaint(
        Complaint(
            id=CASE,
            tracking_number="KT-CCCC-0002",
            category="kesehatan",
            subcategory="puskesmas",
            title="Puskesmas tutup siang",
            description="Puskesmas Sempaja tutup pukul 11.00.",
            status="open",
            created_at=iso(NOW),
            updated_at=iso(NOW),
            stage="classification",
            step=2,
        )
    )
    w.store.seed_work_item(
        WorkItem(
            complaint_id=CASE,
            step=2,
            stage="classification",
            role="diskominfo",
            queue="role#diskominfo",
            entered_at=iso(NOW),
            remind_at=iso(NOW + timedelta(minutes=60)),
            due_at=iso(NOW + timedelta(minutes=120)),
            task_token="token-2",
            followups=True,
        )
    )
    return w.later(minutes=5)


def test_routing_a_case_counts_it_received_once_by_the_agency():
    w = at_classification()
    decide(w.svc, CASE, 2, {"kind": "aspiration", "opd": "DISHUB"}, actor="diskominfo@aspirasi.kaltimprov.go.id")
    assert w.counted(w.now, "opd#DISHUB") == {"c_routed": 1}
    with pytest.raises(AlreadyDecided):  # the same decision again (a retry, a second click)
        decide(w.svc, CASE, 2, {"kind": "aspiration", "opd": "DISHUB"}, actor="diskominfo@aspirasi.kaltimprov.go.id")
    assert w.counted(w.now, "opd#DISHUB") == {"c_routed": 1}
    _, month = report.periods_of(w.now)
    assert w.store.counters[(month, "opd#DISHUB")] == {"c_routed": 1}


def test_information_is_routed_to_nobody():
    w = at_classification()
    decide(w.svc, CASE, 2, {"kind": "information"}, actor="diskominfo@aspirasi.kaltimprov.go.id")
    assert not any(row.startswith("opd#") for _, row in w.store.counters)


def test_the_use_case_reads_only_the_agencies_rows_of_the_months_and_counts_the_client():
    w = FakeWorld(replace(SETTINGS, public_limit_per_minute=2), NOW)
    for period in ("M#2026-11", "D#2026-11-03", "M#2025-12"):
        w.store.counters[(period, "opd#DINKES")] = {"c_routed": 1}
        w.store.counters[(period, "total")] = {"c_received": 9}
    read: list[tuple[list[str], str]] = []
    original = w.store.report_items

    def recorded(periods, rows=""):
        periods = list(periods)
        read.append((periods, rows))
        return original(periods, rows)

    w.store.report_items = recorded  # type: ignore[method-assign]
    cards = agency_scorecards(w.svc, None, None, client="203.0.113.7")
    assert read == [([f"M#2026-{m:02d}" for m in range(1, 13)], "opd#")]
    assert {c["opd"]: c["received"] for c in cards["items"]}["DINKES"] == 1  # 2025's and the day's item not read
    agency_scorecards(w.svc, "2025-12-01", "2025-12-31", client="203.0.113.7")
    with pytest.raises(TooManyRequests):
        agency_scorecards(w.svc, None, None, client="203.0.113.7")
    assert len(read) == 2  # refused before reading
    agency_scorecards(w.svc, None, None, client="198.51.100.1")  # another client is not held
