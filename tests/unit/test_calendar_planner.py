"""Business time in WITA, and the stage planner."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.config import Settings
from chalicelib.domain.calendar import WITA, AlwaysOpen, OfficeHours, office_calendar
from chalicelib.domain.planner import (
    ESCALATE,
    LONG_WAIT_SECONDS,
    REMIND,
    WAIT,
    ClockStep,
    SlaPolicy,
    clock_step,
    feedback_ends,
    plan_stage,
    seconds_until,
)

CAL = office_calendar()
# Cuti bersama around Idul Fitri 1447 H (configured, not from the holidays package).
CUTI = office_calendar(cuti_bersama=[date(2026, 3, 18), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)])
MIN = timedelta(minutes=1)


def wita(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WITA)


def test_weekends_are_closed():
    assert not CAL.is_working_day(date(2026, 11, 28))  # Saturday
    assert not CAL.is_working_day(date(2026, 11, 29))  # Sunday
    assert CAL.add(wita(2026, 11, 27, 15, 30), 60 * MIN) == wita(2026, 11, 30, 8, 30)


def test_independence_day_is_a_holiday():
    assert not CAL.is_working_day(date(2026, 8, 17))  # a Monday
    # Friday 14 August 15:00 + 2 working days: Friday's last hour, Tuesday, Wednesday until 15:00.
    assert CAL.add(wita(2026, 8, 14, 15), 2 * CAL.working_day()) == wita(2026, 8, 19, 15)


def test_idul_fitri_and_configured_cuti_bersama():
    assert not CAL.is_working_day(date(2026, 3, 21)) and not CAL.is_working_day(date(2026, 3, 22))  # Idul Fitri
    assert not CAL.is_working_day(date(2026, 3, 19))  # Nyepi
    assert CAL.is_working_day(date(2026, 3, 23)) and not CUTI.is_working_day(date(2026, 3, 23))
    # Tuesday 17 March 15:00: 60 min on Tuesday, then nothing until Wednesday 25 March.
    assert CUTI.add(wita(2026, 3, 17, 15), 2 * CUTI.working_day()) == wita(2026, 3, 26, 15)
    # Without the cuti bersama only Nyepi (Thursday 19 March) is skipped.
    assert CAL.add(wita(2026, 3, 17, 15), 2 * CAL.working_day()) == wita(2026, 3, 20, 15)
    assert Settings.from_env({"CUTI_BERSAMA": "2026-03-23,2026-03-24"}).calendar().add(
        wita(2026, 3, 20, 15), 90 * MIN
    ) == wita(2026, 3, 25, 8, 30)


def test_a_submission_at_22_00_starts_its_clock_at_the_next_opening():
    plan = plan_stage("intake", wita(2026, 11, 24, 22, 0), CAL)
    assert plan.due_at == wita(2026, 11, 25, 8, 10)
    assert plan.remind_at == wita(2026, 11, 25, 8, 5)


def test_a_submission_on_sunday_starts_on_monday():
    assert plan_stage("intake", wita(2026, 11, 29, 10, 0), CAL).due_at == wita(2026, 11, 30, 8, 10)


def test_a_120_minute_stage_spans_closing_time():
    assert plan_stage("classification", wita(2026, 11, 30, 15, 0), CAL).due_at == wita(2026, 12, 1, 9, 0)


def test_opd_deadline_from_friday_15_00():
    plan = plan_stage("opd_response", wita(2026, 11, 27, 15, 0), CAL)
    assert plan.due_at == wita(2026, 12, 1, 15, 0)  # Tuesday
    assert plan.remind_at == wita(2026, 11, 30, 15, 0)  # half the time: Monday


def test_a_duration_ending_at_closing_time_ends_then():
    assert CAL.add(wita(2026, 11, 30, 15, 0), 60 * MIN) == wita(2026, 11, 30, 16, 0)
    assert CAL.between(wita(2026, 11, 30, 15, 0), wita(2026, 12, 1, 8, 0)) == 60 * MIN


def test_between_counts_only_office_time():
    assert CAL.between(wita(2026, 11, 27, 15), wita(2026, 12, 1, 15)) == 2 * CAL.working_day()
    assert CAL.between(wita(2026, 11, 28, 9), wita(2026, 11, 29, 17)) == timedelta(0)  # a weekend
    assert CAL.between(wita(2026, 12, 1, 15), wita(2026, 11, 27, 15)) == -2 * CAL.working_day()


def test_configured_office_hours_and_days():
    saturday_office = Settings.from_env({"OFFICE_HOURS": "07:30-15:30", "OFFICE_DAYS": "1-6"}).calendar()
    assert isinstance(saturday_office, OfficeHours)
    assert saturday_office.is_working_day(date(2026, 11, 28))
    assert saturday_office.add(wita(2026, 11, 27, 15, 0), 60 * MIN) == wita(2026, 11, 28, 8, 0)
    with pytest.raises(ValueError):
        office_calendar(opens=datetime(2026, 1, 1, 16).time(), closes=datetime(2026, 1, 1, 8).time())


def test_time_scale_and_24x7():
    plan = plan_stage("opd_response", wita(2026, 11, 28, 22, 0), AlwaysOpen(), scale=0.001)
    assert plan.due_at - plan.started_at == timedelta(days=2) * 0.001
    assert plan.remind_at - plan.started_at == timedelta(days=1) * 0.001


def test_sla_overrides_per_stage_and_per_category():
    policy = Settings.from_env(
        {
            "SLA_MINUTES_CLASSIFICATION": "60",
            "SLA_OPD_MINUTES_KEBENCANAAN": "240",
            "SLA_REMIND_FRACTION_OPD_RESPONSE": "0.75",
        }
    ).sla
    start = wita(2026, 11, 30, 8, 0)
    assert plan_stage("classification", start, CAL, policy=policy).due_at == wita(2026, 11, 30, 9, 0)
    disaster = plan_stage("opd_response", start, CAL, policy=policy, category="kebencanaan")
    assert disaster.due_at == wita(2026, 11, 30, 12, 0) and disaster.remind_at == wita(2026, 11, 30, 11, 0)
    roads = plan_stage("opd_response", start, CAL, policy=policy, category="infrastruktur")
    assert roads.due_at == wita(2026, 12, 1, 16, 0)


def test_clock_steps_from_assignment_to_escalation_and_the_bound():
    plan = plan_stage("opd_response", wita(2026, 11, 27, 15, 0), CAL)
    entry = clock_step(plan.started_at, plan, reminded=False, escalations=0, calendar=CAL)
    assert entry.action == WAIT and entry.wait_seconds == int((plan.remind_at - plan.started_at).total_seconds())
    at_reminder = clock_step(plan.remind_at, plan, reminded=False, escalations=0, calendar=CAL)
    assert at_reminder.action == REMIND
    assert at_reminder.wait_seconds == int((plan.due_at - plan.remind_at).total_seconds())
    assert clock_step(plan.remind_at, plan, reminded=True, escalations=0, calendar=CAL).action == WAIT
    at_due = clock_step(plan.due_at, plan, reminded=True, escalations=0, calendar=CAL)
    # Tuesday 15:00 + one working day of office time = Wednesday 15:00.
    assert at_due.action == ESCALATE and at_due.wait_seconds == 24 * 3600
    missed_reminder = clock_step(plan.due_at, plan, reminded=False, escalations=0, calendar=CAL)
    assert missed_reminder.action == ESCALATE
    assert clock_step(plan.due_at, plan, True, 20, CAL, max_escalations=20) == ClockStep(WAIT, LONG_WAIT_SECONDS)
    early = clock_step(plan.started_at - timedelta(seconds=3), plan, False, 0, CAL)
    assert early.action == WAIT


def test_waits_are_whole_positive_seconds():
    plan = plan_stage("intake", datetime(2026, 11, 28, tzinfo=UTC), AlwaysOpen(), scale=1e-6)
    step = clock_step(plan.started_at, plan, False, 0, AlwaysOpen(), scale=1e-6)
    assert step.wait_seconds == 1
    start = plan.started_at
    assert seconds_until(start, feedback_ends(start, AlwaysOpen(), 1e-9)) == 1
    assert seconds_until(start, feedback_ends(start, AlwaysOpen(), 1, SlaPolicy(feedback_minutes=90))) == 5400


# -- properties -------------------------------------------------------------------------------
moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(WITA))
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(minutes=20_000))


@settings(max_examples=300, deadline=None)
@given(start=moments, duration=durations)
def test_between_undoes_add(start, duration):
    assert CUTI.between(start, CUTI.add(start, duration)) == duration


@settings(max_examples=300, deadline=None)
@given(start=moments, d1=durations, d2=durations)
def test_add_is_monotonic_in_the_duration(start, d1, d2):
    lo, hi = sorted((d1, d2))
    assert CAL.add(start, lo) <= CAL.add(start, hi)


@settings(max_examples=300, deadline=None)
@given(s1=moments, s2=moments, duration=durations)
def test_add_is_monotonic_in_the_start(s1, s2, duration):
    lo, hi = sorted((s1, s2))
    assert CAL.add(lo, duration) <= CAL.add(hi, duration)
