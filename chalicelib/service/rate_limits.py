"""Rate limits on what callers may do: one counter per (subject, window), shared by every limit.

- Open311 clients: ``OPEN311_RATE_LIMIT_PER_MINUTE`` requests a minute per API key (service/api_keys.py).
- Citizens: ``SUBMISSION_LIMIT_PER_HOUR`` complaints an hour per account (``submission_allowance``), so one
  account cannot flood the teams' queues. Only a complaint that would be *created* counts, once: a replay
  of the same Idempotency-Key, a refused body and staff-entered complaints do not.

Over the limit the caller is told how many seconds until its window ends (``Retry-After``), and the
refusal is counted as a metric. Windows are fixed (domain/limits.py): at most N per clock window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import NoReturn

from ..domain.errors import SubmissionLimitReached, TooManyRequests
from ..domain.limits import HOUR, MINUTE, CounterHit, window
from ..domain.personal_data import subject_key
from ..domain.planner import seconds_until
from .container import Services

# A counter outlives its window by this much before DynamoDB's TTL deletes it.
COUNTER_TTL = timedelta(hours=1)
SUBMISSIONS = "submit"  # the citizens' counters: submit#<SHA-256 of the citizen's sub>#<hour>


@dataclass(frozen=True)
class Hit:
    """A counted hit (``count`` the window's count so far) or a refused one (``retry_after`` seconds)."""

    count: int | None
    retry_after: int | None = None


def hit(svc: Services, subject: str, limit: int, length: timedelta, metric: str) -> Hit:
    """Count one hit of ``subject`` in the current window of ``length``, or refuse it once ``limit`` are in."""
    now = svc.now()
    label, ends = window(now, length)
    count = svc.store.count_hit(CounterHit(f"{subject}#{label}", limit, ends + COUNTER_TTL))
    if count is None:
        svc.metrics.count(metric)
        return Hit(None, seconds_until(now, ends))
    return Hit(count)


class PublicReadsLimited(TooManyRequests):
    """Too many reads of the public register from one client address in a minute (429, Retry-After)."""

    code = "public_reads_limited"

    def __init__(self, limit: int, retry_after: int):
        super().__init__(f"at most {limit} public reads a minute", details={"limit": limit})
        self.retry_after = retry_after


PUBLIC_READS = "public"  # the public register's counters: public#<digest of the client address>#<minute>


def admit_public_read(svc: Services, client: str | None) -> None:
    """Count one read of the public register (list, case, scorecards, open data) against the client address's
    minute (``PUBLIC_LIMIT_PER_MINUTE``), or refuse it. The counter holds a digest, never the address."""
    limit = svc.settings.public_limit_per_minute
    counted = hit(svc, f"{PUBLIC_READS}#{subject_key(client or 'unknown')}", limit, MINUTE, "PublicReadsLimited")
    if counted.retry_after is not None:
        raise PublicReadsLimited(limit, counted.retry_after)


@dataclass(frozen=True)
class Allowance:
    """A citizen's new complaint to count in the complaint's own transaction (Store.create_complaint): the
    counter's update, and what to tell the citizen if the counter is full."""

    update: CounterHit
    limit: int
    retry_after: int


def submission_allowance(svc: Services, citizen_id: str, complaint_id: str) -> Allowance:
    """The count of a citizen's new complaint against ``SUBMISSION_LIMIT_PER_HOUR``.

    Counted in the same transaction that stores the complaint, so a replay (the complaint is there) and a
    refused one (the counter is full) change nothing, and a complaint is never counted without being
    stored. Counted by the complaint's id, so it counts once however often it is sent.
    """
    now = svc.now()
    label, ends = window(now, HOUR)
    limit = svc.settings.submission_limit_per_hour
    # The account's subject key, not its id: nothing in the counters names a person (they outlive an erasure).
    subject = subject_key(citizen_id)
    update = CounterHit(f"{SUBMISSIONS}#{subject}#{label}", limit, ends + COUNTER_TTL, complaint_id)
    return Allowance(update, limit, seconds_until(now, ends))


def refuse_submission(svc: Services, allowance: Allowance) -> NoReturn:
    """The hour's complaints are used up: SubmissionLimitReached (429, Retry-After), counted as a metric."""
    svc.metrics.count("SubmissionRateLimited")
    raise SubmissionLimitReached(allowance.limit, allowance.retry_after)
