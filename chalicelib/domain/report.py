"""The SLA report: what each event adds to the running totals, and the report read back from them.

A report must not read every complaint, so the figures are kept as the work happens: each event
(a complaint received, a stage visit completed, a reminder or escalation sent, an answer, a
closing, a reopening, a rating, a case routed to an agency) adds small deltas to counters of a few *rows* ("total",
"stage#intake", "opd#DINKES", "channel#web", "category#kesehatan") of one day and one month.
The adapter writes them in the same DynamoDB transaction as the event itself, so a counter moves
exactly when the event is recorded, never twice. Durations go into log-scale histograms, so the
median and the 90th percentile come back within one bucket (2 % of the value).

Two kinds of counter are kept:
- flows, counted on the day the event happened: received, completed visits, answers, closings,
  reminders, escalations, ratings, routings to an agency (``c_routed``, rows ``opd#…`` only);
- ``c_open`` (row ``total`` only), counted on the day the case was *received* (+1 when received or
  reopened, -1 when answered or closed unanswered): "of the cases received in the period, how many
  are open now".

Pure: no AWS, no HTTP. Days are days in Kalimantan Timur (WITA, UTC+8, no daylight saving).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from . import catalog, sop
from .calendar import MONTHS_EN, MONTHS_ID, WITA, month_end, months_between
from .durations import OFFICE_DAY_MINUTES, period_label, period_label_text, working_time_text
from .planner import REMIND
from .submission import CHANNEL_LABELS

TIMEZONE = "Asia/Makassar"
MAX_DAYS = 366 * 3  # one request covers at most three years
NO_OPD = "none"  # an answer no agency gave (information answered by Diskominfo)

# -- histograms ---------------------------------------------------------------------------------
# Log-scale buckets as in DDSketch: bucket k >= 1 holds values in (LOWEST * GAMMA**(k-1), LOWEST * GAMMA**k],
# bucket 0 holds [0, LOWEST]. The value a bucket stands for is off by at most ACCURACY of the true value.
GAMMA = 1.04
ACCURACY = (GAMMA - 1) / (GAMMA + 1)  # 1.96 %
LOWEST = 0.01  # business minutes (0.6 s): shorter is "no time"


def bucket(minutes: float) -> int:
    if minutes <= LOWEST:
        return 0
    return max(1, math.ceil(math.log(minutes / LOWEST, GAMMA) - 1e-9))


def bucket_value(k: int) -> float:
    """The value bucket ``k`` stands for (the one closest, relatively, to everything in it)."""
    if k <= 0:
        return 0.0
    return LOWEST * 2 * GAMMA**k / (GAMMA + 1)


def quantile(histogram: Mapping[int, int], q: float) -> float | None:
    """The value of rank ceil(q * n) (nearest rank), from bucket counts; None when empty."""
    n = sum(histogram.values())
    if n <= 0:
        return None
    rank = max(1, math.ceil(q * n))
    seen = 0
    for k in sorted(histogram):
        seen += histogram[k]
        if seen >= rank:
            return bucket_value(k)
    return bucket_value(max(histogram))


def exact_quantile(values: Iterable[float], q: float) -> float | None:
    """The same nearest-rank quantile from the values themselves (what the histogram approximates)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


# -- what events add -------------------------------------------------------------------------------
VISIT_HIST, CASE_HIST = "vh", "ch"  # attribute prefixes of the two histograms


@dataclass(frozen=True)
class Delta:
    """Add ``counters`` to row ``row`` of the day (and month) of ``at``."""

    at: datetime
    row: str
    counters: Mapping[str, int]


def _rows(at: datetime, rows: Iterable[str], counters: Mapping[str, int]) -> list[Delta]:
    return [Delta(at, row, dict(counters)) for row in dict.fromkeys(rows)]


def _case_rows(channel: str | None, category: str | None) -> list[str]:
    return ["total", f"channel#{channel or 'web'}", f"category#{category or 'unknown'}"]


def answering_opd(kind: str | None, opd: str | None) -> str:
    """The agency an answer came from: none for information Diskominfo answered itself."""
    return opd if kind == "aspiration" and opd else NO_OPD


def received(at: datetime, channel: str, category: str, sign: int = 1) -> list[Delta]:
    """A complaint was recorded (``sign=-1``: taken back because its execution could not start)."""
    return _rows(at, _case_rows(channel, category), {"c_received": sign}) + _still_open(at, sign)


def _still_open(received_at: datetime, sign: int) -> list[Delta]:
    return [Delta(received_at, "total", {"c_open": sign})]


def visit_completed(at: datetime, stage: str, opd: str | None, minutes: float, met: bool) -> list[Delta]:
    """A stage visit ended with a decision (not with a question: the visit that resumes it counts)."""
    rows = [f"stage#{stage}"] + ([f"opd#{opd}"] if opd else [])
    return _rows(at, rows, {"v_done": 1, "v_met" if met else "v_breached": 1, f"{VISIT_HIST}{bucket(minutes)}": 1})


def routed(at: datetime, opd: str) -> list[Delta]:
    """A case was routed to agency ``opd`` (classification's aspiration decision, again after a reopening or
    after another agency said "not our authority"): what the public scorecards call *received*. Counted
    in the decision's own transaction, so a decision retried or written twice counts once."""
    return [Delta(at, f"opd#{opd}", {"c_routed": 1})]


def clock_tick(
    at: datetime, kind: str, stage: str, opd: str | None, channel: str | None, category: str | None, sign: int = 1
) -> list[Delta]:
    """A reminder or an escalation was sent (``sign=-1`` takes back one whose email failed)."""
    rows = [*_case_rows(channel, category), f"stage#{stage}"] + ([f"opd#{opd}"] if opd else [])
    return _rows(at, rows, {"reminders" if kind == REMIND else "escalations": sign})


def answered(
    at: datetime,
    received_at: datetime,
    channel: str,
    category: str,
    opd: str,
    first: bool,
    minutes: float | None,
    outcome: str | None,
) -> list[Delta]:
    """A reply reached the citizen. Only the first answer counts as answered (and is judged against
    the whole SOP's target); every answer takes the case out of the open ones of its day."""
    deltas = _still_open(received_at, -1)
    if first:
        counters = {"c_answered": 1}
        if outcome in ("met", "breached"):
            counters["c_met" if outcome == "met" else "c_breached"] = 1
        if minutes is not None:
            counters[f"{CASE_HIST}{bucket(minutes)}"] = 1
        deltas += _rows(at, [*_case_rows(channel, category), f"opd#{opd}"], counters)
    return deltas


def closed(at: datetime, received_at: datetime | None = None) -> list[Delta]:
    """A case closed; ``received_at`` when it closed while still open (rejected, duplicate,
    unanswered question), so it leaves the open ones of its day."""
    deltas = [Delta(at, "total", {"c_closed": 1})]
    return deltas + (_still_open(received_at, -1) if received_at is not None else [])


def reopened(at: datetime, received_at: datetime) -> list[Delta]:
    return _still_open(received_at, 1) + [Delta(at, "total", {"c_reopened": 1})]


def rated(at: datetime, score: int, opd: str, channel: str, category: str) -> list[Delta]:
    """``opd``: the answering agency (``answering_opd``)."""
    return _rows(at, [*_case_rows(channel, category), f"opd#{opd}"], {"r_sum": score, "r_count": 1})


# -- where the counters live ----------------------------------------------------------------------------
def day_key(day: date) -> str:
    return f"D#{day.isoformat()}"


def month_key(year: int, month: int) -> str:
    return f"M#{year:04d}-{month:02d}"


def local_day(at: datetime) -> date:
    return at.astimezone(WITA).date()


def periods_of(at: datetime) -> tuple[str, str]:
    """The day and the month a moment counts in."""
    day = local_day(at)
    return day_key(day), month_key(day.year, day.month)


def periods_to_read(start: date, end: date) -> list[str]:
    """Whole months inside [start, end] as one month item each, the rest day by day.

    A year is 12 partitions; a month is 1; ten days are 10. Each partition holds one item per row.
    """
    keys, day = [], start
    while day <= end:
        month_last = month_end(day.year, day.month)
        if day.day == 1 and month_last <= end:
            keys.append(month_key(day.year, day.month))
            day = month_last + timedelta(days=1)
        else:
            keys.append(day_key(day))
            day += timedelta(days=1)
    return keys


def _month_of(period: str) -> str:
    return period[2:9]  # "D#2026-11-28" and "M#2026-11" both start their month at [2:9]


# -- the report ----------------------------------------------------------------------------------
def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _histogram(counters: Mapping[str, int], prefix: str) -> dict[int, int]:
    return {
        int(name[len(prefix) :]): int(n)
        for name, n in counters.items()
        if name.startswith(prefix) and name[len(prefix) :].isdigit() and n
    }


def _row(counters: Mapping[str, int], visits: bool, sop_minutes: float | None, day_minutes: float) -> dict:
    """One row of a breakdown: stage visits (by stage, by agency) or cases (the others).

    Each duration comes with its words beside it (``*_text``: ``{id, en}``, durations.working_time),
    so every reader (console, email, workbook, charts) says "2 hari kerja" the same way."""
    c = defaultdict(int, counters)
    if visits:
        done, met, breached, hist = c["v_done"], c["v_met"], c["v_breached"], _histogram(c, VISIT_HIST)
    else:
        done, met, breached, hist = c["c_answered"], c["c_met"], c["c_breached"], _histogram(c, CASE_HIST)
    median, p90 = _minutes(quantile(hist, 0.5)), _minutes(quantile(hist, 0.9))
    return {
        "sop_business_minutes": sop_minutes,
        "sop_text": working_time_text(sop_minutes, day_minutes),
        "completed": done,
        "median_business_minutes": median,
        "median_text": working_time_text(median, day_minutes),
        "p90_business_minutes": p90,
        "p90_text": working_time_text(p90, day_minutes),
        "within_sop_pct": _pct(met, met + breached),
        "breached": breached,
        "reminders": c["reminders"],
        "escalations": c["escalations"],
        "rating_average": round(c["r_sum"] / c["r_count"], 2) if c["r_count"] else None,
        "ratings": c["r_count"],
    }


def _add(into: dict, counters: Mapping[str, int]) -> None:
    for name, value in counters.items():
        into[name] = into.get(name, 0) + int(value)


@dataclass(frozen=True)
class SopMinutes:
    """Business minutes the SOP allows: per stage, and for the whole case (section E); and the
    business minutes of one working day (the calendar's office day), to say them in working days."""

    stages: Mapping[str, float]
    whole: float
    working_day: float = OFFICE_DAY_MINUTES


def build_report(
    start: date,
    end: date,
    items: Iterable[tuple[str, str, Mapping[str, int]]],
    sop_minutes: SopMinutes,
    overdue_open: int,
    generated_at: datetime,
    items_read: int,
) -> dict:
    """The report from the stored counters: ``items`` are (period key, row, counters).

    Every SOP stage has its row in ``by_stage``, in SOP order, zeros where nothing was completed
    (a leader sees the whole procedure every time); the other breakdowns list what happened.
    ``label`` names the period as it is: one not over at ``generated_at`` says "to date"."""
    rows: dict[str, dict] = defaultdict(dict)
    months: dict[str, dict] = {month: {} for month in months_between(start, end)}
    for period, row, counters in items:
        _add(rows[row], counters)
        if row == "total":
            _add(months.setdefault(_month_of(period), {}), counters)
    total = defaultdict(int, rows.get("total", {}))

    day_minutes = sop_minutes.working_day
    today = local_day(generated_at)

    def breakdown(
        kind: str, order: Iterable[str], label, visits: bool, sop_of, received: bool, every: bool = False
    ) -> list[dict]:
        present = {row.split("#", 1)[1] for row in rows if row.startswith(kind + "#")}
        keys = [k for k in order if every or k in present] + sorted(present - set(order))
        out = []
        for key in keys:
            counters = rows.get(f"{kind}#{key}", {})
            entry = {kind: key, "label": label(key)}
            if received:
                entry["received"] = int(counters.get("c_received", 0))
            entry.update(_row(counters, visits, sop_of(key), day_minutes))
            out.append(entry)
        return out

    def stage_label(name: str) -> dict:
        stage = next((s for s in sop.STAGES if s.name == name), None)
        return {"id": stage.label_id, "en": stage.label_en} if stage else {"id": name, "en": name}

    def opd_label(code: str) -> dict:
        if code == NO_OPD:
            return {"id": "Dijawab tanpa OPD (informasi)", "en": "Answered without an agency (information)"}
        name = catalog.OPDS[code].name if code in catalog.OPDS else code
        return {"id": name, "en": name}

    def channel_label(code: str) -> dict:
        label_id, label_en = CHANNEL_LABELS.get(code, (code, code))
        return {"id": label_id, "en": label_en}

    def category_label(code: str) -> dict:
        category = catalog.category(code)
        name = category.name if category else code
        return {"id": name, "en": name}

    whole = sop_minutes.whole
    by_month = []
    for month in sorted(months):
        entry = {
            "month": month,
            "label": month_label(month, start, end, today),
            "received": int(months[month].get("c_received", 0)),
        }
        entry.update(_row(months[month], False, whole, day_minutes))
        by_month.append(entry)
    answered_met, answered_breached = total["c_met"], total["c_breached"]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "generated_at": generated_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "label": period_label_text(start, end, today),
        "to_date": end >= today >= start,  # the period is not over: figures up to today
        "timezone": TIMEZONE,
        "working_day_business_minutes": day_minutes,
        "items_read": items_read,
        "totals": {
            "received": total["c_received"],
            "answered": total["c_answered"],
            "closed": total["c_closed"],
            "open": max(0, total["c_open"]),
            "overdue_open": overdue_open,
            "answered_within_sop": answered_met,
            "answered_within_sop_pct": _pct(answered_met, answered_met + answered_breached),
            "breached": answered_breached,  # answered after the whole SOP's target
            "reminders": total["reminders"],
            "escalations": total["escalations"],
            "rating_average": round(total["r_sum"] / total["r_count"], 2) if total["r_count"] else None,
            "ratings": total["r_count"],
        },
        "by_stage": breakdown(
            "stage",
            [s.name for s in sop.STAGES],
            stage_label,
            True,
            lambda name: sop_minutes.stages.get(name),
            False,
            every=True,
        ),
        "by_opd": breakdown(
            "opd",
            list(catalog.OPDS) + [NO_OPD],
            opd_label,
            True,
            lambda code: sop_minutes.stages.get("opd_response") if code != NO_OPD else None,
            False,
        ),
        "by_channel": breakdown("channel", list(CHANNEL_LABELS), channel_label, False, lambda _: whole, True),
        "by_category": breakdown("category", list(catalog.CATEGORIES), category_label, False, lambda _: whole, True),
        "by_month": by_month,
    }


def month_label(month: str, start: date, end: date, today: date) -> dict:
    """A month of a report: "November 2026" when the period covers all of it and it is over, else
    the days it covers as they are ("1 – 7 Desember 2026 (berjalan, s.d. hari ini)")."""
    year, number = int(month[:4]), int(month[5:7])
    first, last = date(year, number, 1), month_end(year, number)
    if start <= first and last <= end and last < today:
        return {"id": f"{MONTHS_ID[number - 1]} {year}", "en": f"{MONTHS_EN[number - 1]} {year}"}
    return period_label_text(max(first, start), min(last, end), today)


# The monthly report's workbook (adapters/spreadsheet.py renders it; the email names its type).
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def period_text(report: dict, lang: str = "id") -> str:
    """The report's period as its ``label`` says it ("1 – 30 November 2026", "1 – 7 Desember 2026
    (berjalan, s.d. hari ini)"): the email's and the workbook's heading. A report without a label
    (made before labels) is named by its days."""
    label = report.get("label")
    if isinstance(label, dict) and label.get(lang):
        return str(label[lang])
    if not report.get("from") or not report.get("to"):
        return "-"
    start, end = date.fromisoformat(str(report["from"])[:10]), date.fromisoformat(str(report["to"])[:10])
    return period_label(start, end, end + timedelta(days=1), lang)
