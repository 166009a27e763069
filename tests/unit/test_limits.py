"""The abuse limits' pure rules: the body bound (never below the largest valid request) and the windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from chalicelib.config import ConfigError, Settings
from chalicelib.domain import limits
from chalicelib.domain.errors import SubmissionLimitReached
from chalicelib.web.problems import PROBLEMS, problem_for

UTC = UTC


def test_no_valid_request_is_refused_for_its_size():
    """The bound sits above the largest body the validators accept, every character at its worst."""
    assert limits.largest_valid_body() <= limits.MAX_BODY_BYTES
    # The agency's response (10,000 characters) is the longest text: its worst case is what sets the bound.
    assert limits.largest_valid_body() >= 10_000 * limits.WORST_BYTES_PER_CHARACTER
    # An emoji is the worst: a JSON escape pair, or four percent-encoded UTF-8 bytes, 12 bytes either way.
    import json
    from urllib.parse import quote

    assert len(json.dumps("\U0001f600")) - 2 == len(quote("\U0001f600")) == limits.WORST_BYTES_PER_CHARACTER


def test_body_bound_is_exact_and_measures_bytes():
    assert not limits.body_too_large(None) and not limits.body_too_large(b"")
    assert not limits.body_too_large(b"x" * limits.MAX_BODY_BYTES)
    assert limits.body_too_large(b"x" * (limits.MAX_BODY_BYTES + 1))
    assert limits.body_too_large("é" * (limits.MAX_BODY_BYTES // 2 + 1))  # two bytes each in UTF-8
    # What the 413 says is the bound itself.
    kib = f"{limits.MAX_BODY_BYTES // 1024} KiB"
    assert kib in PROBLEMS["payload_too_large"][3] and kib in PROBLEMS["payload_too_large"][4]


@pytest.mark.parametrize(
    "moment, length, label, ends",
    [
        (
            datetime(2026, 11, 28, 20, 9, 41, 500000, tzinfo=UTC),
            limits.MINUTE,
            "2026-11-28T20:09",
            datetime(2026, 11, 28, 20, 10, tzinfo=UTC),
        ),
        (
            datetime(2026, 11, 28, 20, 59, 59, tzinfo=UTC),
            limits.HOUR,
            "2026-11-28T20:00",
            datetime(2026, 11, 28, 21, 0, tzinfo=UTC),
        ),
        (
            datetime(2026, 11, 28, 21, 0, tzinfo=UTC),
            limits.HOUR,
            "2026-11-28T21:00",
            datetime(2026, 11, 28, 22, 0, tzinfo=UTC),
        ),
        # WITA (UTC+8) is the same instant: the window is the UTC clock's.
        (
            datetime(2026, 11, 29, 4, 30, tzinfo=timezone(timedelta(hours=8))),
            limits.HOUR,
            "2026-11-28T20:00",
            datetime(2026, 11, 28, 21, 0, tzinfo=UTC),
        ),
    ],
)
def test_windows_are_aligned_clock_windows(moment, length, label, ends):
    assert limits.window(moment, length) == (label, ends)


def test_submission_limit_setting():
    assert Settings.from_env({}).submission_limit_per_hour == 10
    assert Settings.from_env({"SUBMISSION_LIMIT_PER_HOUR": "25"}).submission_limit_per_hour == 25
    for bad in ("0", "-1", "sepuluh"):
        with pytest.raises(ConfigError, match="SUBMISSION_LIMIT_PER_HOUR"):
            Settings.from_env({"SUBMISSION_LIMIT_PER_HOUR": bad})


def test_submission_limit_problem_names_the_limit_and_the_wait():
    status, body = problem_for(SubmissionLimitReached(10, 2680), "/complaints")
    assert status == 429 and body["type"].endswith("/submission-limit")
    assert body["limit"] == 10 and body["retry_after"] == 2680
    assert "Retry-After" in body["messages"]["id"] and "Retry-After" in body["messages"]["en"]
