"""Rate limits on what callers may do: one counter per (subject, window), shared by every limit.

- Open311 clients: ``OPEN311_RATE_LIMIT_PER_MINUTE`` requests a minute per API key (service/api_keys.py).
- Citizens: ``SUBMISSION_LIMIT_PER_HOUR`` complaints an hour per account (``admit_submission``), so one
  account cannot flood the teams' queues. Only a complaint that would be *created* counts, once: a replay
  of the same Idempotency-Key, a refused body and staff-entered complaints do not.

Over the limit the caller is told how many seconds until its window ends (``Retry-After``), and the
refusal is counted as a metric. Windows are fixed (domain/limits.py): at most N per clock window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..adapters.rate_counters import count_hit
from ..domain.errors import SubmissionLimitReached
from ..domain.limits import HOUR, window
from ..domain.planner import seconds_until
from .ports import Services

# A counter outlives its window by this much before DynamoDB's TTL deletes it.
COUNTER_TTL = timedelta(hours=1)
SUBMISSIONS = "submit"  # the citizens' counters: submit#<citizen sub>#<hour>


@dataclass(frozen=True)
class Hit:
    """A counted hit (``count`` the window's count so far) or a refused one (``retry_after`` seconds)."""

    count: int | None
    retry_after: int | None = None


def hit(svc: Services, subject: str, limit: int, length: timedelta, metric: str, member: str | None = None) -> Hit:
    """Count one hit of ``subject`` in the current window of ``length``, or refuse it once ``limit`` are in.
    A ``member`` (what the hit is for) counts once however often it comes."""
    now = svc.now()
    label, ends = window(now, length)
    count = count_hit(f"{subject}#{label}", limit, ends + COUNTER_TTL, member)
    if count is None:
        svc.metrics.count(metric)
        return Hit(None, seconds_until(now, ends))
    return Hit(count)


def admit_submission(svc: Services, citizen_id: str, complaint_id: str) -> None:
    """Count a citizen's new complaint; SubmissionLimitReached (429) when the hour's are used up.

    Counted by the complaint's id: a retry with the same Idempotency-Key whose first attempt was
    counted but failed before the complaint was stored (a 500) is admitted again, not counted twice.
    """
    limit = svc.settings.submission_limit_per_hour
    result = hit(svc, f"{SUBMISSIONS}#{citizen_id}", limit, HOUR, "SubmissionRateLimited", member=complaint_id)
    if result.retry_after is not None:
        raise SubmissionLimitReached(limit, result.retry_after)
