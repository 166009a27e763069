"""How the SLA report costs with 1,000 / 10,000 / 100,000 closed cases (moto, in process).

Loads synthetic closed cases spread over 2026 (the complaints themselves and the report's running
totals that the same events would have written: domain/report.py), then prints, per size, the
latency of a year's report and of a 45-day report (whole month plus days at the edges) and the
items DynamoDB read for each, next to what a recount from the complaints would read. The report
reads one item per row of each period: at most (rows: stages + agencies + channels + categories +
1) x (partitions: 12 for a year), whatever the history. A 45-day period reads days at its edges,
whose rows fill up as a day sees more channels and categories, then stay. moto's Query sorts the
whole table in memory, so its latency grows with the number of counter items (days x rows, bounded)
where DynamoDB's does not; items read is the figure that carries over to AWS.

    .venv/bin/python -m bench.sla_report
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"})

from moto import mock_aws  # noqa: E402

from chalicelib.adapters import tables  # noqa: E402
from chalicelib.adapters.store import Store  # noqa: E402
from chalicelib.adapters.tables import ComplaintModel, ReportModel  # noqa: E402
from chalicelib.config import Settings  # noqa: E402
from chalicelib.domain import catalog, report  # noqa: E402
from chalicelib.domain.submission import CHANNEL_LABELS  # noqa: E402
from chalicelib.service.ports import Services  # noqa: E402
from chalicelib.service.reports import sla_report  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
FORTY_FIVE_DAYS = (date(2026, 9, 17), date(2026, 10, 31))
STAGES = ("intake", "classification", "opd_response", "review", "reply")


def _case_events(n: int, rng: random.Random) -> tuple[ComplaintModel, list[report.Delta]]:
    """One closed case: received, its stage visits, its first answer, its closing, maybe a rating."""
    received = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=rng.randrange(0, 364 * 24 * 60))
    channel = rng.choice(list(CHANNEL_LABELS))
    category = rng.choice(list(catalog.CATEGORIES.values()))
    aspiration = rng.random() < 0.6
    deltas = report.received(received, channel, category.code)
    at, total = received, 0.0
    for stage in STAGES if aspiration else ("intake", "classification", "reply"):
        minutes = rng.expovariate(1 / (600 if stage == "opd_response" else 20))
        at += timedelta(minutes=minutes)
        total += minutes
        deltas += report.visit_completed(at, stage, category.opd if stage == "opd_response" else None, minutes,
                                         met=minutes < (960 if stage == "opd_response" else 60))
    opd = report.answering_opd("aspiration" if aspiration else "information", category.opd)
    deltas += report.answered(at, received, channel, category.code, opd, True, total,
                              "met" if total < 960 else "breached")
    deltas += report.closed(at + timedelta(days=5))
    if rng.random() < 0.3:
        deltas += report.rated(at + timedelta(days=1), rng.randint(1, 5), opd, channel, category.code)
    complaint = ComplaintModel(
        f"bench-{n:07d}", tracking_number=f"KT-{n:08d}", channel=channel, created_at=received.isoformat(),
        updated_at=at.isoformat(), category=category.code, subcategory=category.subcategories[0].code,
        title="Synthetic", description="Synthetic closed case", status="closed", stage="reply", step=5,
        answered_at=at.isoformat(), closed_at=(at + timedelta(days=5)).isoformat())
    return complaint, deltas


def _load(start: int, end: int, rng: random.Random, totals: dict) -> None:
    """Write the complaints and bring the running totals to what their events would have added."""
    touched = set()
    with ComplaintModel.batch_write() as batch:
        for n in range(start, end):
            complaint, deltas = _case_events(n, rng)
            batch.save(complaint)
            for delta in deltas:
                for period in report.periods_of(delta.at):
                    for name, value in delta.counters.items():
                        totals[(period, delta.row)][name] += value
                    touched.add((period, delta.row))
    client = ReportModel._get_connection().connection.client
    for period, row in touched:  # the same attributes the store's ADD updates write
        item = {"period": {"S": period}, "row": {"S": row}}
        item.update({name: {"N": str(value)} for name, value in totals[(period, row)].items()})
        client.put_item(TableName=ReportModel.Meta.table_name, Item=item)


def _measure(svc: Services, period: tuple[date, date], reads: list) -> tuple[float, int]:
    times = []
    for _ in range(5):
        reads.clear()
        started = time.perf_counter()
        figures = sla_report(svc, *period)
        times.append((time.perf_counter() - started) * 1000)
    assert figures["items_read"] == sum(reads)  # what the report says it read is what DynamoDB returned
    return statistics.median(times), sum(reads)


def _recount_reads() -> tuple[float, int]:
    """What the report would cost if it read every complaint (a scan, counting only)."""
    started = time.perf_counter()
    client = ComplaintModel._get_connection().connection.client
    scanned, start = 0, None
    while True:
        page = client.scan(TableName=ComplaintModel.Meta.table_name, Select="COUNT",
                           **({"ExclusiveStartKey": start} if start else {}))
        scanned += page["ScannedCount"]
        start = page.get("LastEvaluatedKey")
        if not start:
            return (time.perf_counter() - started) * 1000, scanned


def main() -> None:
    with mock_aws():
        tables.reset_connections()
        tables.create_tables()
        reads: list[int] = []
        client = ReportModel._get_connection().connection.client
        client.meta.events.register("after-call.dynamodb.Query", lambda parsed, **_: reads.append(parsed.get("Count", 0)))
        svc = Services(settings=Settings(), store=Store(), workflow=None, notifier=None, metrics=None)
        rng, totals, loaded, rows = random.Random(2026), defaultdict(lambda: defaultdict(int)), 0, []
        for size in SIZES:
            _load(loaded, size, rng, totals)
            loaded = size
            year_ms, year_items = _measure(svc, YEAR, reads)
            days_ms, days_items = _measure(svc, FORTY_FIVE_DAYS, reads)
            scan_ms, scanned = _recount_reads()
            rows.append((size, year_ms, year_items, days_ms, days_items, scanned, scan_ms))
        print(f"{'closed cases':>12} | {'year report ms':>14} | {'items read':>10} | {'45-day report ms':>16} | "
              f"{'items read':>10} | {'a recount would read':>20} | {'in ms':>8}")
        for size, year_ms, year_items, days_ms, days_items, scanned, scan_ms in rows:
            print(f"{size:>12,} | {year_ms:>14.1f} | {year_items:>10} | {days_ms:>16.1f} | {days_items:>10} | "
                  f"{scanned:>20,} | {scan_ms:>8.0f}")
        first, last = rows[0], rows[-1]
        print(f"\nitems read, 100,000 vs 1,000 cases: year {last[2] / first[2]:.2f}x, 45 days {last[4] / first[4]:.2f}x"
              f"; latency {last[1] / first[1]:.2f}x and {last[3] / first[3]:.2f}x")


if __name__ == "__main__":
    main()
