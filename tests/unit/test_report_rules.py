"""The SLA report's arithmetic: histograms, what events add, which items a period reads, the report."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import report, sop
from chalicelib.domain.planner import REMIND

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 11.00 WITA
SOP = report.SopMinutes(
    stages={"intake": 10.0, "classification": 120.0, "opd_response": 960.0, "review": 10.0, "reply": 30.0}, whole=960.0
)

durations = st.floats(min_value=0, max_value=200_000, allow_nan=False, allow_infinity=False)


@given(st.lists(durations, min_size=1, max_size=300), st.sampled_from([0.5, 0.9, 0.1, 0.99, 1.0]))
@settings(max_examples=300, deadline=None)
def test_quantiles_from_the_histogram_are_within_one_bucket_of_the_exact_ones(values, q):
    histogram: defaultdict[int, int] = defaultdict(int)
    for value in values:
        histogram[report.bucket(value)] += 1
    estimate, exact = report.quantile(histogram, q), report.exact_quantile(values, q)
    assert estimate is not None and exact is not None
    assert abs(estimate - exact) <= max(report.ACCURACY * exact, report.LOWEST)


@given(durations)
def test_a_value_lies_in_its_bucket(value):
    k = report.bucket(value)
    if k == 0:
        assert value <= report.LOWEST
    else:
        assert report.LOWEST * report.GAMMA ** (k - 1) < value * (1 + 1e-9)
        assert value <= report.LOWEST * report.GAMMA**k * (1 + 1e-9)


def test_an_empty_histogram_has_no_quantile():
    assert report.quantile({}, 0.5) is None and report.exact_quantile([], 0.9) is None


def test_a_year_reads_twelve_months_and_the_edges_day_by_day():
    assert report.periods_to_read(date(2026, 1, 1), date(2026, 12, 31)) == [f"M#2026-{m:02d}" for m in range(1, 13)]
    assert report.periods_to_read(date(2026, 10, 30), date(2026, 12, 2)) == [
        "D#2026-10-30",
        "D#2026-10-31",
        "M#2026-11",
        "D#2026-12-01",
        "D#2026-12-02",
    ]
    assert report.periods_to_read(date(2026, 2, 1), date(2026, 2, 28)) == ["M#2026-02"]
    assert report.periods_to_read(date(2024, 2, 1), date(2024, 2, 28)) == [f"D#2024-02-{d:02d}" for d in range(1, 29)]


def test_days_are_days_in_kalimantan_timur():
    late_evening_utc = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 1 December, 01.00 WITA
    assert report.periods_of(late_evening_utc) == ("D#2026-12-01", "M#2026-12")


def test_what_events_add():
    [total, channel, category, _] = report.received(NOW, "phone", "kesehatan")
    assert (total.row, channel.row, category.row) == ("total", "channel#phone", "category#kesehatan")
    assert total.counters == {"c_received": 1} and channel.counters == {"c_received": 1}
    assert report.received(NOW, "phone", "kesehatan")[-1] == report.Delta(NOW, "total", {"c_open": 1})
    visit = report.visit_completed(NOW, "opd_response", "DINKES", 30.0, met=False)
    assert [d.row for d in visit] == ["stage#opd_response", "opd#DINKES"]
    assert visit[0].counters == {"v_done": 1, "v_breached": 1, f"vh{report.bucket(30.0)}": 1}
    later = datetime(2026, 11, 29, tzinfo=UTC)
    first = report.answered(later, NOW, "web", "kesehatan", "DINKES", True, 90.0, "met")
    assert [(d.at, d.row) for d in first if d.counters.get("c_open") == -1] == [(NOW, "total")]  # day received
    assert {d.row for d in first if d.counters.get("c_answered")} == {
        "total",
        "channel#web",
        "category#kesehatan",
        "opd#DINKES",
    }
    again = report.answered(later, NOW, "web", "kesehatan", "DINKES", False, 10.0, None)
    assert all(set(d.counters) == {"c_open"} for d in again)  # a second round's answer is not a second answer
    assert report.answering_opd("information", "DINKES") == report.NO_OPD
    assert report.answering_opd("aspiration", "DINKES") == "DINKES"
    back = report.clock_tick(NOW, "remind", "intake", None, "web", "kesehatan", sign=-1)
    assert all(d.counters == {"reminders": -1} for d in back)


def _store(deltas) -> list[tuple[str, str, dict]]:
    """What the adapter keeps: every delta added to its day and its month."""
    items: dict[tuple[str, str], dict] = defaultdict(lambda: defaultdict(int))
    for delta in deltas:
        for period in report.periods_of(delta.at):
            for name, value in delta.counters.items():
                items[(period, delta.row)][name] += value
    return [(period, row, dict(counters)) for (period, row), counters in items.items()]


def _read(stored, start, end):
    wanted = set(report.periods_to_read(start, end))
    return [item for item in stored if item[0] in wanted]


def test_the_report_adds_up_random_cases_and_reads_the_same_from_days_or_months():
    rng = random.Random(7)
    deltas, minutes, received = [], defaultdict(list), 0
    for _ in range(400):
        # Before 16.00 UTC: the same day in WITA.
        at = datetime(2026, rng.choice([10, 11]), rng.randint(1, 30), rng.randint(0, 15), tzinfo=UTC)
        channel = rng.choice(["web", "phone", "open311"])
        deltas += report.received(at, channel, "kesehatan")
        received += 1
        if rng.random() < 0.7:
            m = rng.expovariate(1 / 300)
            minutes[channel].append(m)
            outcome = "met" if m < 960 else "breached"
            deltas += report.answered(at, at, channel, "kesehatan", report.NO_OPD, True, m, outcome)
            deltas += report.rated(at, rng.randint(1, 5), report.NO_OPD, channel, "kesehatan")
    everything = [m for values in minutes.values() for m in values]
    stored = _store(deltas)
    start, end = date(2026, 10, 1), date(2026, 11, 30)
    months = report.build_report(start, end, _read(stored, start, end), SOP, 0, NOW, 0)
    totals = months["totals"]
    assert totals["received"] == received and totals["answered"] == len(everything)
    assert totals["open"] == received - len(everything)
    assert totals["answered_within_sop_pct"] == round(100 * sum(m < 960 for m in everything) / len(everything), 1)
    assert [row["month"] for row in months["by_month"]] == ["2026-10", "2026-11"]
    assert sum(row["received"] for row in months["by_month"]) == received
    for row in months["by_channel"]:
        exact = minutes[row["channel"]]
        assert row["completed"] == len(exact)
        for field, q in (("median_business_minutes", 0.5), ("p90_business_minutes", 0.9)):
            value = report.exact_quantile(exact, q)
            assert value is not None
            assert abs(row[field] - value) <= report.ACCURACY * value + 0.05  # + rounding to 0.1 minute
    # The same period read day by day (no whole month inside) gives the same figures, less the first day.
    days = report.build_report(date(2026, 10, 2), end, _read(stored, date(2026, 10, 2), end), SOP, 0, NOW, 0)
    first_day = sum(
        1
        for d in deltas
        if d.row == "total" and "c_received" in d.counters and report.local_day(d.at) == date(2026, 10, 1)
    )
    assert days["totals"]["received"] == received - first_day


def test_an_empty_period_still_lists_its_months_and_has_no_percentages():
    figures = report.build_report(date(2026, 11, 1), date(2026, 12, 31), [], SOP, 0, NOW, 0)
    assert [row["month"] for row in figures["by_month"]] == ["2026-11", "2026-12"]
    assert figures["totals"]["answered_within_sop_pct"] is None and figures["totals"]["rating_average"] is None
    assert figures["by_month"][0]["median_business_minutes"] is None
    assert figures["generated_at"] == "2026-11-28T03:00:00Z" and figures["timezone"] == "Asia/Makassar"
    # every SOP stage, in SOP order, with zeros: the whole procedure is always in view
    assert [row["stage"] for row in figures["by_stage"]] == [s.name for s in sop.STAGES]
    for row in figures["by_stage"]:
        assert row["completed"] == row["breached"] == row["reminders"] == row["escalations"] == 0
        assert row["within_sop_pct"] is None and row["median_business_minutes"] is None  # "–", never 0 %
        assert row["median_text"] == row["p90_text"] == {"id": "\u2013", "en": "\u2013"}
    assert figures["by_opd"] == [] and figures["by_channel"] == [] and figures["by_category"] == []
    # the period is not over on 28 November: it says so, up to today, and its months too
    assert figures["to_date"] is True
    assert figures["label"] == {
        "id": "1 – 28 November 2026 (berjalan, s.d. hari ini)",
        "en": "1 – 28 November 2026 (to date)",
    }
    assert figures["by_month"][0]["label"]["id"] == "1 – 28 November 2026 (berjalan, s.d. hari ini)"


def test_a_period_with_only_information_requests_still_shows_every_stage():
    """Questions to the citizen complete no visit; the agency's stage is still listed, at zero."""
    stored = _store(
        report.received(NOW, "web", "kesehatan") + report.clock_tick(NOW, REMIND, "intake", None, "web", "kesehatan")
    )
    start, end = date(2026, 11, 1), date(2026, 11, 30)
    figures = report.build_report(start, end, _read(stored, start, end), SOP, 0, NOW, 0)
    by_stage = {row["stage"]: row for row in figures["by_stage"]}
    assert list(by_stage) == ["intake", "classification", "opd_response", "review", "reply"]
    assert by_stage["intake"]["reminders"] == 1 and by_stage["intake"]["completed"] == 0
    agency = by_stage["opd_response"]
    assert agency["completed"] == 0 and agency["within_sop_pct"] is None
    assert agency["sop_business_minutes"] == 960.0
    assert agency["sop_text"] == {"id": "2 hari kerja", "en": "2 working days"}
    assert figures["working_day_business_minutes"] == 480


def test_a_past_period_is_labelled_by_its_days_and_whole_months_by_name():
    later = datetime(2027, 1, 5, 3, 0, tzinfo=UTC)
    figures = report.build_report(date(2026, 11, 15), date(2026, 12, 31), [], SOP, 0, later, 0)
    assert figures["to_date"] is False
    assert figures["label"] == {"id": "15 November – 31 Desember 2026", "en": "15 November – 31 December 2026"}
    assert [m["label"]["id"] for m in figures["by_month"]] == ["15 – 30 November 2026", "Desember 2026"]
    assert report.period_text(figures) == "15 November – 31 Desember 2026"
    assert report.period_text(figures, "en") == "15 November – 31 December 2026"


def test_rows_come_in_the_sop_order_with_their_names():
    stored = _store(
        report.visit_completed(NOW, "reply", None, 5, True)
        + report.visit_completed(NOW, "intake", None, 3, True)
        + report.received(NOW, "open311", "perhubungan")
    )
    figures = report.build_report(date(2026, 11, 28), date(2026, 11, 28), stored, SOP, 0, NOW, len(stored))
    assert [row["stage"] for row in figures["by_stage"]] == [
        "intake",
        "classification",
        "opd_response",
        "review",
        "reply",
    ]
    assert [row["completed"] > 0 for row in figures["by_stage"]] == [True, False, False, False, True]
    assert figures["by_stage"][0]["label"] == {"id": "Penerimaan pengaduan", "en": "Intake"}
    assert figures["by_stage"][0]["sop_business_minutes"] == 10.0 and figures["by_stage"][0]["within_sop_pct"] == 100.0
    assert figures["by_channel"][0]["label"]["en"] == "Open311 (other apps)"
    assert figures["by_category"][0]["label"]["id"] == "Perhubungan dan Transportasi"
    assert figures["items_read"] == len(stored)
