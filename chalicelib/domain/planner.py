"""Plan a stage's clock: when it is due, when to remind, how long the state machine waits.

The state machine never holds a duration of its own: at each stage entry and at
each timer our code calls these functions and hands the state machine the
number of seconds to wait (``TimeoutSecondsPath``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import sop
from .calendar import Calendar

# After this many escalations the case stops sending mail and waits quietly
# (still decidable) until Step Functions' one-year execution limit.
MAX_ESCALATIONS = 20
LONG_WAIT_SECONDS = 365 * 24 * 3600

REMIND = "remind"
ESCALATE = "escalate"
EXPIRE = "expire"  # the citizen did not answer in time: the case closes
WAIT = "wait"


@dataclass(frozen=True)
class StagePlan:
    started_at: datetime
    remind_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class ClockStep:
    """What to do now, and how many seconds the state machine should wait next."""

    action: str  # REMIND, ESCALATE or WAIT
    wait_seconds: int


@dataclass(frozen=True)
class SlaPolicy:
    """SOP times with configured overrides (business minutes per stage and, for the OPD stage, per category)."""

    stage_minutes: Mapping[str, int] | None = None
    opd_minutes_by_category: Mapping[str, int] | None = None
    remind_fractions: Mapping[str, float] | None = None
    feedback_minutes: float | None = None
    answer_reminder_minutes: float | None = None
    answer_deadline_minutes: float | None = None
    whole_sop_minutes: float | None = None

    @staticmethod
    def _span(override: float | None, default: sop.Duration, calendar: Calendar) -> timedelta:
        if override is not None:
            return timedelta(minutes=override)
        return timedelta(minutes=default.minutes) + default.working_days * calendar.working_day()

    def feedback(self, calendar: Calendar) -> timedelta:
        return self._span(self.feedback_minutes, sop.FEEDBACK_WINDOW, calendar)

    def answer_reminder(self, calendar: Calendar) -> timedelta:
        return self._span(self.answer_reminder_minutes, sop.ANSWER_REMINDER, calendar)

    def answer_deadline(self, calendar: Calendar) -> timedelta:
        return self._span(self.answer_deadline_minutes, sop.ANSWER_DEADLINE, calendar)

    def whole_sop(self, calendar: Calendar) -> timedelta:
        return self._span(self.whole_sop_minutes, sop.WHOLE_SOP, calendar)

    def allowed(self, stage_name: str, calendar: Calendar, category: str | None = None) -> timedelta:
        opd_minutes, stage_minutes = self.opd_minutes_by_category or {}, self.stage_minutes or {}
        if stage_name == "opd_response" and category and category in opd_minutes:
            return timedelta(minutes=opd_minutes[category])
        if stage_name in stage_minutes:
            return timedelta(minutes=stage_minutes[stage_name])
        sla = sop.stage(stage_name).sla
        return timedelta(minutes=sla.minutes) + sla.working_days * calendar.working_day()

    def remind_fraction(self, stage_name: str) -> float:
        return (self.remind_fractions or {}).get(stage_name, sop.stage(stage_name).remind_at_fraction)


def seconds_until(now: datetime, moment: datetime) -> int:
    """Whole seconds to wait, at least 1 (AWS refuses zero timeouts)."""
    return max(1, math.ceil((moment - now).total_seconds()))


def plan_stage(
    stage_name: str,
    start: datetime,
    calendar: Calendar,
    scale: float = 1.0,
    policy: SlaPolicy = SlaPolicy(),
    category: str | None = None,
    used: timedelta = timedelta(0),
) -> StagePlan:
    """The clock of a stage visit. ``used`` is business time the stage already spent before
    it paused to ask the citizen: the resumed visit gets exactly what was left."""
    allowed = policy.allowed(stage_name, calendar, category) * scale
    zero = timedelta(0)
    return StagePlan(
        started_at=start,
        remind_at=calendar.add(start, max(zero, allowed * policy.remind_fraction(stage_name) - used)),
        due_at=calendar.add(start, max(zero, allowed - used)),
    )


def clock_step(
    now: datetime,
    plan: StagePlan,
    reminded: bool,
    escalations: int,
    calendar: Calendar,
    scale: float = 1.0,
    max_escalations: int = MAX_ESCALATIONS,
) -> ClockStep:
    """Decide, when a wait ends, whether to remind or escalate and how long to wait next."""
    if now < plan.remind_at:
        return ClockStep(WAIT, seconds_until(now, plan.remind_at))
    if now < plan.due_at:
        return ClockStep(WAIT if reminded else REMIND, seconds_until(now, plan.due_at))
    if escalations < max_escalations:
        next_escalation = calendar.add(now, calendar.working_day() * scale)
        return ClockStep(ESCALATE, seconds_until(now, next_escalation))
    return ClockStep(WAIT, LONG_WAIT_SECONDS)


def feedback_ends(now: datetime, calendar: Calendar, scale: float = 1.0, policy: SlaPolicy = SlaPolicy()) -> datetime:
    """When the answered case closes (until then the citizen may reopen it)."""
    return calendar.add(now, policy.feedback(calendar) * scale)


@dataclass(frozen=True)
class AnswerPlan:
    """The wait for a citizen's answer: one reminder, then the case closes."""

    asked_at: datetime
    remind_at: datetime
    expires_at: datetime


def plan_answer(
    asked_at: datetime, calendar: Calendar, scale: float = 1.0, policy: SlaPolicy = SlaPolicy()
) -> AnswerPlan:
    return AnswerPlan(
        asked_at,
        calendar.add(asked_at, policy.answer_reminder(calendar) * scale),
        calendar.add(asked_at, policy.answer_deadline(calendar) * scale),
    )


def answer_step(now: datetime, plan: AnswerPlan, reminded: bool) -> ClockStep:
    """When a wait for the citizen ends: remind once, and close the case at the deadline."""
    if now >= plan.expires_at:
        return ClockStep(EXPIRE, 1)
    if now < plan.remind_at:
        return ClockStep(WAIT, seconds_until(now, plan.remind_at))
    return ClockStep(WAIT if reminded else REMIND, seconds_until(now, plan.expires_at))


def whole_sop_due(
    submitted_at: datetime, paused: timedelta, calendar: Calendar, scale: float = 1.0, policy: SlaPolicy = SlaPolicy()
) -> datetime:
    """SOP section E's target for the whole case; business time spent waiting for the citizen is added back."""
    return calendar.add(submitted_at, policy.whole_sop(calendar) * scale + paused)
