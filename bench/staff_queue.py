"""How a staff queue costs with 1,000 / 10,000 / 100,000 closed cases in the table (moto, in process).

Prints, per size: the latency of one queue page for an operator and for a supervisor (all 17
queues), and the items DynamoDB read for it. Closed stage visits are not in the sparse queue
index, so the items read stay the same whatever the history; moto's own index query is a scan
in memory, so its latency grows with the table where DynamoDB's does not.

    .venv/bin/python -m bench.staff_queue
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"})

from moto import mock_aws  # noqa: E402

from chalicelib.adapters import tables  # noqa: E402
from chalicelib.adapters.store import Store  # noqa: E402
from chalicelib.adapters.tables import WorkItemModel  # noqa: E402
from chalicelib.config import Settings  # noqa: E402
from chalicelib.domain.staff import StaffMember  # noqa: E402
from chalicelib.service.ports import Services  # noqa: E402
from chalicelib.service.staff import work_queue  # noqa: E402

SIZES = (1_000, 10_000, 100_000)
OPEN = 40  # open stage visits spread over the queues


def _load(start: int, end: int) -> None:
    with WorkItemModel.batch_write() as batch:
        for n in range(start, end):
            batch.save(WorkItemModel(f"closed-{n:07d}", 1, stage="reply", role="operator",
                                     entered_at="2026-01-05T01:00:00.000+00:00", remind_at="2026-01-05T01:15:00.000+00:00",
                                     due_at="2026-01-05T01:30:00.000+00:00", decision={"outcome": "send"}))


def _measure(svc: Services, member: StaffMember, reads: list) -> tuple[float, int]:
    times = []
    for _ in range(5):
        reads.clear()
        started = time.perf_counter()
        work_queue(svc, member, "open", 20)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), sum(reads)


def main() -> None:
    with mock_aws():
        tables.reset_connections()
        tables.create_tables()
        for n in range(OPEN):
            role, queue = [("operator", "role#operator"), ("diskominfo", "role#diskominfo"),
                           ("opd", "opd#DINKES")][n % 3]
            WorkItemModel(f"open-{n:03d}", 1, stage="intake", role=role, queue=queue, tracking_number="KT-0000-0000",
                          title="t", category="kesehatan", entered_at="2026-11-20T00:00:00.000+00:00",
                          remind_at="2026-11-20T00:05:00.000+00:00", due_at=f"2026-12-{1 + n % 28:02d}T00:00:00.000+00:00"
                          ).save()
        reads: list[int] = []
        client = WorkItemModel._get_connection().connection.client
        client.meta.events.register("after-call.dynamodb.Query",
                                    lambda parsed, **_: reads.append(parsed.get("ScannedCount", 0)))
        svc = Services(settings=Settings(), store=Store(), workflow=None, notifier=None, metrics=None)
        operator = StaffMember("operator@bench", frozenset({"operator"}))
        supervisor = StaffMember("supervisor@bench", frozenset({"supervisor"}))
        loaded, rows = 0, []
        for size in SIZES:
            _load(loaded, size)
            loaded = size
            op_ms, op_items = _measure(svc, operator, reads)
            sup_ms, sup_items = _measure(svc, supervisor, reads)
            rows.append((size, op_ms, op_items, sup_ms, sup_items))
        print(f"{'closed cases':>12} | {'operator page ms':>16} | {'items read':>10} | "
              f"{'supervisor page ms':>18} | {'items read':>10}")
        for size, op_ms, op_items, sup_ms, sup_items in rows:
            print(f"{size:>12,} | {op_ms:>16.1f} | {op_items:>10} | {sup_ms:>18.1f} | {sup_items:>10}")


if __name__ == "__main__":
    main()
