"""Abuse limits, as pure rules: how large a request body may be, and fixed-window rate counters.

**Body size.** ``MAX_BODY_BYTES`` (128 KiB) bounds every JSON or form body we read; a larger one is
refused (413) before it is parsed. The number is the largest *valid* request rounded up: the longest
text a form takes is an agency's response or a reply (10,000 characters, ``sop.py``), and a character
costs at most 12 bytes on the wire (a character outside Unicode's basic plane, written as a JSON
``\\uXXXX\\uXXXX`` escape pair or percent-encoded as four UTF-8 bytes), so 120,000 bytes plus the other
fields. ``largest_valid_body()`` works that out from the same limits the validators use, and a unit
test keeps it under the bound -- so no request the rules accept is ever refused for its size, while a
body of megabytes never reaches ``json.loads``. (API Gateway's own 10 MB limit stays the outer bound;
attachments go straight to S3 and never through the API.)

**Counters.** A limit of N per window counts hits in the window a moment falls in (``window``): one
DynamoDB item per (subject, window), added to by an atomic conditional update (adapters/rate_counters.py).
Windows are aligned to the epoch, so a minute window is a clock minute and an hour window a clock hour
(UTC). A fixed window admits at most N per window, and at most 2N within any span of one window's length
that straddles a boundary -- the price of one write per hit instead of a log of timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from . import feedback, sop
from .submission import LIMITS

MAX_BODY_BYTES = 128 * 1024
# The most bytes one character can take in a JSON or form body (see above).
WORST_BYTES_PER_CHARACTER = 12
# Field names, punctuation, the short fields (codes, booleans, scores) of any one body: generous.
_ENVELOPE_BYTES = 4 * 1024

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def body_too_large(raw: bytes | str | None) -> bool:
    """Whether a request body is over ``MAX_BODY_BYTES`` (a str is measured as UTF-8)."""
    if not raw:
        return False
    size = len(raw) if isinstance(raw, (bytes, bytearray)) else len(raw.encode("utf-8", "surrogatepass"))
    return size > MAX_BODY_BYTES


def largest_valid_body() -> int:
    """The bytes of the largest body any route accepts: its text fields full, each character at its worst."""
    complaint = sum(
        LIMITS[name] for name in ("title", "description", "location", "name", "email", "phone", "external_ref")
    )
    decision = max(
        sum(field.max_length for field in outcome.fields) for stage in sop.STAGES for outcome in stage.outcomes
    )
    citizen = max(feedback.ANSWER_MAX, feedback.REASON_MAX, feedback.COMMENT_MAX)
    return max(complaint, decision, citizen) * WORST_BYTES_PER_CHARACTER + _ENVELOPE_BYTES


def window(moment: datetime, length: timedelta) -> tuple[str, datetime]:
    """The window of ``length`` a moment falls in, as (its label, when it ends).

    The label is the window's start in UTC to the minute (``2026-11-28T20:09``; an hour window
    ``2026-11-28T20:00``), so counters of successive windows never collide.
    """
    start = _EPOCH + ((moment.astimezone(UTC) - _EPOCH) // length) * length
    return start.strftime("%Y-%m-%dT%H:%M"), start + length


@dataclass(frozen=True)
class CounterHit:
    """One hit to count on a rate counter if it is under ``limit`` (the store makes it one conditional update,
    alone or inside the transaction of what it admits). With a ``member`` (a complaint's id) the counter is
    a set of members, so the same member counts once; the counter is deleted after ``expires`` (TTL)."""

    counter: str
    limit: int
    expires: datetime
    member: str | None = None
