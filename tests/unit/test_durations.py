"""Working time and report periods in words: one wording for the report, the console and the emails."""

from __future__ import annotations

import re
from datetime import date

import pytest

from chalicelib.domain import sop
from chalicelib.domain.durations import period_label, period_label_text, working_time, working_time_text

DAY = 480  # 08:00-16:00


@pytest.mark.parametrize(
    ("minutes", "id_text", "en_text"),
    [
        (None, "\u2013", "\u2013"),
        (0, "0 menit", "0 minutes"),
        (0.3, "kurang dari 1 menit", "less than 1 minute"),
        (1, "1 menit", "1 minute"),
        (4.5, "5 menit", "5 minutes"),  # half up, as people round
        (45, "45 menit", "45 minutes"),
        (59.6, "1 jam kerja", "1 working hour"),
        (60, "1 jam kerja", "1 working hour"),
        (120, "2 jam kerja", "2 working hours"),
        (200, "3 jam kerja 20 menit", "3 working hours 20 minutes"),
        (479, "7 jam kerja 59 menit", "7 working hours 59 minutes"),
        (480, "1 hari kerja", "1 working day"),  # exactly a day
        (720, "1 hari kerja 4 jam kerja", "1 working day 4 working hours"),
        (959.5, "2 hari kerja", "2 working days"),  # a histogram's p90 of the agency's 2 days
        (960, "2 hari kerja", "2 working days"),  # not "16 j"
        (4800, "10 hari kerja", "10 working days"),
        (-200, "terlambat 3 jam kerja 20 menit", "3 working hours 20 minutes overdue"),
    ],
)
def test_working_time_in_words(minutes, id_text, en_text):
    assert working_time(minutes, DAY, "id") == id_text
    assert working_time(minutes, DAY, "en") == en_text
    assert working_time_text(minutes, DAY) == {"id": id_text, "en": en_text}


def test_a_working_day_is_the_calendars_office_day():
    assert working_time(2 * 1440, 1440) == "2 hari kerja"  # SLA_CALENDAR=24x7: a day is 24 hours
    assert working_time(2 * 450, 450, "en") == "2 working days"  # 08:00-15:30
    assert working_time(960, 1440) == "16 jam kerja"
    assert working_time(2 * 8, 8) == "2 hari kerja"  # a demo's scaled clock (SLA_TIME_SCALE)


def test_no_abbreviations_anywhere():
    for minutes in (0, 0.2, 3, 59, 61, 125, 479, 480, 500, 961, 7000, -30):
        for lang in ("id", "en"):
            text = working_time(minutes, DAY, lang)
            assert not re.search(r"\b(j|m|h|mnt|min)\b", text), text


def test_the_sop_says_its_times_the_same_way():
    assert sop.stage("opd_response").sla.describe_id() == "2 hari kerja"
    assert sop.stage("opd_response").sla.describe_en() == "2 working days"
    assert sop.stage("classification").sla.describe_id() == "2 jam kerja"
    assert sop.stage("intake").sla.describe_en() == "10 minutes"
    assert sop.ANSWER_DEADLINE.describe_id() == "10 hari kerja"


TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("start", "end", "id_text", "en_text"),
    [
        # a month not over: up to today, and it says so (never "1 – 31 Desember")
        (
            date(2026, 12, 1),
            date(2026, 12, 31),
            "1 – 7 Desember 2026 (berjalan, s.d. hari ini)",
            "1 – 7 December 2026 (to date)",
        ),
        (date(2026, 12, 1), TODAY, "1 – 7 Desember 2026 (berjalan, s.d. hari ini)", "1 – 7 December 2026 (to date)"),
        (TODAY, TODAY, "7 Desember 2026 (berjalan, s.d. hari ini)", "7 December 2026 (to date)"),
        (date(2026, 11, 1), date(2026, 11, 30), "1 – 30 November 2026", "1 – 30 November 2026"),
        (date(2026, 11, 3), date(2026, 11, 3), "3 November 2026", "3 November 2026"),
        (date(2026, 10, 15), date(2026, 11, 30), "15 Oktober – 30 November 2026", "15 October – 30 November 2026"),
        (
            date(2025, 12, 1),
            date(2026, 1, 31),
            "1 Desember 2025 – 31 Januari 2026",
            "1 December 2025 – 31 January 2026",
        ),
        (
            date(2026, 11, 1),
            date(2027, 1, 31),
            "1 November – 7 Desember 2026 (berjalan, s.d. hari ini)",
            "1 November – 7 December 2026 (to date)",
        ),
        (date(2027, 1, 1), date(2027, 1, 31), "1 – 31 Januari 2027", "1 – 31 January 2027"),  # not begun: as asked
    ],
)
def test_period_labels(start, end, id_text, en_text):
    assert period_label(start, end, TODAY, "id") == id_text
    assert period_label(start, end, TODAY, "en") == en_text
    assert period_label_text(start, end, TODAY) == {"id": id_text, "en": en_text}
