"""Flatness: do the everyday reads cost the same with 10, 1,000 and 100,000 complaints in the tables?

moto in process (``mock_aws``), the tables from the real models (``tables.create_tables``). For each
size the tables hold that many complaints, bulk-loaded with batch writes and growing from one size to
the next: spread over 40,000 citizens (and complaints staff entered), January 2025 to November 2026,
every channel and category, each with its tracking number, its stage visits (closed, so out of the
sparse queue index) and the report counters its events add (domain/report.py, as the store's
transactions add them). At 100,000 that is about 410,000 stage visits and 33,000 counter items. The
measured citizen's 10 complaints are the first 10, six of them still open: the queues' backlog, the
same at every size.
Then each read goes through its real use case, as the API calls it:

- ``citizen_list``: a citizen's list of their complaints (``complaints.list_complaints``);
- ``operator_queue`` / ``supervisor_queue``: a page of the staff queue (``staff.work_queue``; the
  supervisor's merges all 17 team queues);
- ``sla_month`` / ``sla_45_days`` / ``sla_year``: the SLA report (``reports.sla_report``) for October
  2026, for 17 September to 31 October 2026 (its days at the edge are read day by day) and for 2026;
- ``tracking_search``: the staff search by tracking number, typed as a person reads it out
  (``staff.find_by_tracking_number``);
- ``public_list``: the first page of the public register, ``GET /public/complaints`` without parameters
  (``public_register.search``): the newest listed complaints of the last year;
- ``public_scorecards`` / ``public_scorecards_year``: the agencies' public scorecards
  (``scorecards.agency_scorecards``, as ``GET /public/agencies`` calls it) for its default period (this
  year so far) and for 2026: one Query of the ``opd#`` rows per month. Like every public read, these
  first count their client (one UpdateItem of the rate counters: in the calls, the same at every size; a new
  client address each run, so the limit never refuses one).

The complaints are laid out as the public register sees them: the web's and Open311's are public unless
the reporter kept them confidential (15 %), staff-entered ones are not; all but those waiting at intake and
those refused there are past intake. The routing decisions count ``c_routed`` (``report.routed``).

Per read and size: the items DynamoDB read (ScannedCount of each Query and Scan, the items GetItem
and BatchGetItem returned), the kilobytes it returned and the calls, the latency of our code (wall
time minus the time inside moto, which stands in for DynamoDB) and moto's own wall time, medians of
5 to 25 runs; items read and our code's latency also as ratios to the 10-complaint figure (budget
1.5x), for the public register's rows to the 1,000-complaint one (``BASE_SIZE``: issue 22's budget; 10
complaints fill no public page and give few agencies' rows, less than any real month). (A recount from
the complaints instead of the report's counters would read every complaint.)

moto is not DynamoDB: it answers a Query by walking the table in memory, so its wall time grows with
the table where DynamoDB's does not. That column is moto's, reported, not budgeted. To load and
read 100,000 complaints in a few minutes, the bench spares moto some work that changes nothing it
returns (``_without_streams``, ``_moto_loads_fast``, ``_moto_reads_as_dynamodb``). About 2.5 minutes
and 3.3 GB here (2 cores), two thirds of it the load.

    .venv/bin/python -m bench.flatness
"""

from __future__ import annotations

import gc
import inspect
import json
import multiprocessing
import multiprocessing.pool
import os
import random
import resource
import statistics
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
os.environ.update({"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"})

import botocore.session  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.dynamodb.models.dynamo_type import LimitedSizeDict  # noqa: E402
from moto.dynamodb.models.table import Table as MotoTable  # noqa: E402
from moto.dynamodb.responses import DynamoHandler  # noqa: E402
from pynamodb.models import Model  # noqa: E402

from chalicelib.adapters import tables  # noqa: E402
from chalicelib.adapters.open311_store import Open311Store  # noqa: E402
from chalicelib.adapters.store import Store  # noqa: E402
from chalicelib.adapters.tables import ComplaintModel, ReportModel, TrackingNumberModel, WorkItemModel  # noqa: E402
from chalicelib.config import Settings  # noqa: E402
from chalicelib.domain import catalog, report, sop, tracking  # noqa: E402
from chalicelib.domain.roles import StaffMember, queue_of  # noqa: E402
from chalicelib.domain.submission import CHANNEL_LABELS  # noqa: E402
from chalicelib.domain.timestamps import iso  # noqa: E402
from chalicelib.service.complaints import list_complaints  # noqa: E402
from chalicelib.service.container import Services  # noqa: E402
from chalicelib.service.public_register import search as search_public_register  # noqa: E402
from chalicelib.service.reports import sla_report  # noqa: E402
from chalicelib.service.scorecards import agency_scorecards  # noqa: E402
from chalicelib.service.staff import find_by_tracking_number, work_queue  # noqa: E402

SIZES = (10, 1_000, 100_000)
BUDGET = 1.5  # issue 12: each figure at most 1.5x the 10-complaint one
# Issue 22: the public register's reads at most 1.5x their 1,000-complaint figure (10 complaints hold too few
# listed cases and agencies' rows to fill a page or a scorecard: less to read than any real month).
BASE_SIZE = {"public_scorecards": 1_000, "public_scorecards_year": 1_000, "public_list": 1_000}
# Writes a read makes: a public read first counts its client (rate_limits.admit_public_read), one UpdateItem of
# the rate counters, the same at every size (each run is a new client, so the counter never fills).
WRITES = {"public_scorecards": 1, "public_scorecards_year": 1, "public_list": 1}
PUBLIC_PAGE = 20  # GET /public/complaints without parameters: the newest 20 listed complaints of the last year
REPEATS = (5, 25)  # runs per read and size, at least and at most; the medians are reported
MEASURE_SECONDS = 1.0  # a read runs more than the least number of times while it has taken less than this
NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)  # the services' clock: the data is laid out around it
HISTORY = (datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 11, 10, tzinfo=UTC))  # when closed cases arrived
MONTH = (date(2026, 10, 1), date(2026, 10, 31))  # one month partition
FORTY_FIVE_DAYS = (date(2026, 9, 17), date(2026, 10, 31))  # 14 day partitions at the edge, then one month
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
CITIZENS = 40_000  # the other citizens' complaints are spread over this many accounts
CITIZEN = "b3c1f0de-0000-4000-8000-00000000c171"  # the citizen whose list is measured (a Cognito sub)
DOMAIN = "aspirasi.kaltimprov.go.id"
OPERATOR = StaffMember(f"operator@{DOMAIN}", frozenset({"operator"}))
SUPERVISOR = StaffMember(f"supervisor@{DOMAIN}", frozenset({"supervisor"}))
STAFF_CHANNELS = tuple(c for c in CHANNEL_LABELS if c not in ("web", "open311"))  # what operators enter
PATHS = {  # the stage visits of a closed case, by how it ended
    "information": ("intake", "classification", "reply"),
    "aspiration": ("intake", "classification", "opd_response", "review", "reply"),
    "rejected": ("intake",),
}
# The measured citizen's 10 complaints, the same at every size: when they arrived and where they are.
# Six still wait at a stage (the backlog in the queues, some overdue); four are closed.
OWN = (
    ("2026-02-09T01:12:00", None),
    ("2026-05-18T06:40:00", None),
    ("2026-10-06T02:05:00", None),
    ("2026-10-21T07:30:00", None),
    ("2026-11-24T00:15:00", "review"),
    ("2026-11-25T03:20:00", "opd_response"),
    ("2026-11-26T05:45:00", "opd_response"),
    ("2026-11-27T01:10:00", "classification"),
    ("2026-11-27T23:50:00", "reply"),
    ("2026-11-28T01:30:00", "intake"),
)
WRITE_OPERATIONS = frozenset(
    {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems", "ExecuteStatement"}
)


# -- the synthetic province ----------------------------------------------------------------------------
@dataclass
class Case:
    complaint: ComplaintModel
    visits: list[WorkItemModel]
    deltas: list[report.Delta]


def _tracking_number(n: int) -> str:
    """A valid, unique tracking number per complaint (n times an odd number is one-to-one mod 32^8)."""
    value = (n * 0x9E3779B1 + 0x5BD1E995) % 32**8
    symbols = "".join(tracking.ALPHABET[(value >> (5 * k)) & 31] for k in range(8))
    return f"{tracking.PREFIX}-{symbols[:4]}-{symbols[4:]}"


def _complaint_id(n: int, rng: random.Random) -> str:
    """32 hex digits like the app's ``uuid4().hex``, rising with ``n``: moto sorts a table by its keys
    before it queries it, which takes linear time for keys stored in order."""
    return f"{n:010x}{rng.getrandbits(88):022x}"


def _allowed_minutes(stage: str) -> float:
    return 960.0 if stage == "opd_response" else 120.0


def _case(n: int, rng: random.Random) -> Case:
    """Complaint ``n``: the measured citizen's ten (OWN) first, then closed cases of anyone, any time in HISTORY."""
    own = n < len(OWN)
    waiting_at: str | None
    citizen: str | None
    category = rng.choice(list(catalog.CATEGORIES.values()))
    if own:
        received = datetime.fromisoformat(OWN[n][0]).replace(tzinfo=UTC)
        waiting_at, channel, citizen = OWN[n][1], "web", CITIZEN
    else:
        span = (HISTORY[1] - HISTORY[0]).total_seconds()
        received = HISTORY[0] + timedelta(seconds=rng.uniform(0, span))
        waiting_at = None
        channel = "web" if rng.random() < 0.55 else ("open311" if rng.random() < 0.1 else rng.choice(STAFF_CHANNELS))
        citizen = f"c0ffee00-0000-4000-8000-{rng.randrange(CITIZENS):012d}" if channel in ("web", "open311") else None
    confidential = rng.random() < 0.15  # the reporter kept it from the public register
    ending = rng.choices(("information", "aspiration", "rejected"), (0.35, 0.6, 0.05))[0]
    path = PATHS[ending]
    if waiting_at is not None:  # its visits so far, the last one open
        ending = "aspiration" if waiting_at in ("opd_response", "review") else "information"
        path = PATHS[ending][: PATHS[ending].index(waiting_at) + 1]
    complaint_id = _complaint_id(n, rng)
    number = _tracking_number(n)
    title = f"Keluhan {category.name.lower()} nomor {n}"
    opd = category.opd if ending == "aspiration" else None
    deltas = report.received(received, channel, category.code)
    visits, at, total = [], received, 0.0
    for step, stage_name in enumerate(path, start=1):
        stage = sop.stage(stage_name)
        entered = at + timedelta(minutes=rng.uniform(0.5, 3))
        allowed = _allowed_minutes(stage_name)
        visit_opd = opd if stage_name == "opd_response" else None
        item = WorkItemModel(
            complaint_id,
            step,
            stage=stage_name,
            role=stage.role.value,
            opd=visit_opd,
            tracking_number=number,
            title=title,
            category=category.code,
            channel=channel,
            received_at=iso(received),
            entered_at=iso(entered),
            remind_at=iso(entered + timedelta(minutes=allowed / 2)),
            due_at=iso(entered + timedelta(minutes=allowed)),
            followups=True,
            assigned_notified=True,
        )
        visits.append(item)
        if stage_name == waiting_at:  # still open: in its team's queue
            item.queue = queue_of(stage.role, visit_opd)
            break
        minutes = round(rng.expovariate(1 / (allowed / 3)), 1)
        at = entered + timedelta(minutes=minutes)
        total += minutes
        met = minutes <= allowed
        outcome = {"intake": "reject" if ending == "rejected" else "accept", "classification": ending}.get(
            stage_name, {"opd_response": "respond", "review": "approve", "reply": "reply"}.get(stage_name)
        )
        item.decision = {"outcome": outcome, **({"opd": opd} if outcome == "aspiration" else {})}
        item.decided_at, item.decided_by = iso(at), f"{stage.role.value}@{DOMAIN}"
        item.sla_outcome, item.business_minutes = "met" if met else "breached", minutes
        deltas += report.visit_completed(at, stage_name, visit_opd, minutes, met)
        if outcome == "aspiration" and opd:  # routed: the agency received it (counted in the decision's write)
            deltas += report.routed(at, opd)
    complaint = ComplaintModel(
        complaint_id,
        tracking_number=number,
        citizen_id=citizen,
        citizen_email=f"warga{n}@example.id" if citizen else None,
        citizen_name=f"Warga {n}",
        channel=channel,
        entered_by=None if citizen else f"operator@{DOMAIN}",
        created_at=iso(received),
        updated_at=iso(at),
        category=category.code,
        subcategory=category.subcategories[n % len(category.subcategories)].code,
        title=title,
        description="Jalan di depan rumah kami rusak berat sejak bulan lalu dan belum ada perbaikan. " * 3,
        location="Samarinda",
        status=sop.STATUS_OPEN,
        stage=path[-1],
        step=len(path),
        due_at=visits[-1].due_at,
        sop_due_at=iso(received + timedelta(days=2)),
        request_fingerprint=f"{n:064x}",
        notified={"received"},
        created_month=iso(received)[:7],
        confidential=confidential,
        public=channel in ("web", "open311") and not confidential,  # as service/complaints.py sets it
        kind=None if ending == "rejected" or path[-1] in ("intake", "classification") else ending,
        opd=opd if "opd_response" in path else None,
        routed_opds={opd} if opd and "opd_response" in path else None,
    )
    if waiting_at is None:  # closed: rejected, or answered and then the feedback window ran out
        complaint.status = sop.STATUS_CLOSED
        if ending == "rejected":
            complaint.close_reason = "Bukan kewenangan Pemerintah Provinsi Kalimantan Timur."
            complaint.closed_at = iso(at)
            deltas += report.closed(at, received)
        else:
            outcome = "met" if total <= 960 else "breached"
            answering = report.answering_opd(ending, opd)
            closed_at = at + timedelta(days=7)
            complaint.reply = "Terima kasih atas laporan Anda. Tindak lanjutnya sudah kami teruskan."
            complaint.answered_at, complaint.closed_at, complaint.sop_outcome = iso(at), iso(closed_at), outcome
            complaint.notified = {"received", "reply"}
            deltas += report.answered(at, received, channel, category.code, answering, True, total, outcome)
            deltas += report.closed(closed_at)
            if rng.random() < 0.3:
                score = rng.randint(1, 5)
                complaint.rating = {"score": score, "comment": None, "at": iso(at + timedelta(days=1))}
                deltas += report.rated(at + timedelta(days=1), score, answering, channel, category.code)
    return Case(complaint, visits, deltas)


CHUNK = 2_000  # complaints the helper process prepares at a time


def _prepared(start: int, end: int) -> tuple[list[dict], list[dict], list[dict], dict]:
    """Complaints ``start`` to ``end`` as the models serialize them (complaints, tracking numbers, stage
    visits) and what their events add to the running totals. Runs in a helper process, while the main
    one writes the previous chunk; each complaint draws from its own seed, so complaint ``n`` is the
    same whatever the sizes and chunks."""
    complaints, numbers, visits = [], [], []
    totals: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for n in range(start, end):
        case = _case(n, random.Random(n))
        complaints.append(case.complaint.serialize())
        numbers.append(TrackingNumberModel(case.complaint.tracking_number, complaint_id=case.complaint.id).serialize())
        visits += [visit.serialize() for visit in case.visits]
        for delta in case.deltas:
            for period in report.periods_of(delta.at):
                counters = totals[(period, delta.row)]
                for name, value in delta.counters.items():
                    counters[name] += value
    return complaints, numbers, visits, {key: dict(counters) for key, counters in totals.items()}


def _batch_write(model: type[Model], items: list[dict]) -> None:
    """PynamoDB's batch write (BatchWriteItem, 25 items a request) of items the model serialized."""
    connection = model._get_connection()
    for start in range(0, len(items), 25):
        pending = items[start : start + 25]
        while pending:
            answer = connection.batch_write_item(put_items=pending) or {}
            unprocessed = answer.get("UnprocessedItems", {}).get(model.Meta.table_name, [])
            pending = [request["PutRequest"]["Item"] for request in unprocessed]


@dataclass
class Loader:
    """Grows the tables from one size to the next, with the running totals the events add up to."""

    pool: multiprocessing.pool.Pool
    loaded: int = 0
    totals: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))

    def grow(self, size: int) -> None:
        touched: set[tuple[str, str]] = set()
        chunks = [(start, min(start + CHUNK, size)) for start in range(self.loaded, size, CHUNK)]
        ahead: deque = deque()  # the helper prepares the next chunk while this one is written
        for chunk in chunks:
            ahead.append(self.pool.apply_async(_prepared, chunk))
            if len(ahead) == 2:
                self._write(ahead.popleft().get(), touched)
        while ahead:
            self._write(ahead.popleft().get(), touched)
        self.loaded = size
        self._write_totals(sorted(touched))

    def _write(self, prepared: tuple, touched: set) -> None:
        complaints, numbers, visits, totals = prepared
        _batch_write(ComplaintModel, complaints)
        _batch_write(TrackingNumberModel, numbers)
        _batch_write(WorkItemModel, visits)
        for key, counters in totals.items():
            mine = self.totals[key]
            for name, value in counters.items():
                mine[name] += value
        touched.update(totals)
        gc.freeze()  # what is loaded stays: the collector need not walk it again

    def _write_totals(self, keys: list[tuple[str, str]]) -> None:
        """The counter items as the store's ADD updates leave them (the counters are not declared on the
        model, so the items are built here), in key order."""
        items = []
        for period, row in keys:
            item = {"period": {"S": period}, "row": {"S": row}}
            item.update({name: {"N": str(value)} for name, value in self.totals[(period, row)].items()})
            items.append(item)
        _batch_write(ReportModel, items)


@contextmanager
def _moto_loads_fast() -> Iterator[None]:
    """While the bench loads, moto skips two kinds of work it does for every item of a batch write.

    - Its item (``LimitedSizeDict``) sums the sizes of all the attributes stored so far every time it
      stores one, to refuse items over DynamoDB's 400 KB: quadratic in the attributes, most of the
      load's time for a complaint's 35 or a counter item's hundred. The bench's items are a few KB.
    - It parses every request against the service model (into ``params``, which its handlers read):
      for a batch write of plain items that gives what ``json.loads`` of the body gives, at ten times
      the cost.
    """
    setitem, parse = LimitedSizeDict.__setitem__, DynamoHandler.parse_parameters

    def parse_unless_batch_write(handler, request):
        if handler._get_action() == "BatchWriteItem":
            handler.params = json.loads(request.data)
        else:
            parse(handler, request)

    # moto's own methods, replaced for the load and put back below
    LimitedSizeDict.__setitem__ = dict.__setitem__  # type: ignore[method-assign]
    DynamoHandler.parse_parameters = parse_unless_batch_write  # type: ignore[method-assign]
    try:
        yield
    finally:
        LimitedSizeDict.__setitem__, DynamoHandler.parse_parameters = setitem, parse  # type: ignore[method-assign]


@contextmanager
def _without_streams() -> Iterator[None]:
    """The tables as the models declare them, but without streams: moto keeps a record of every write to a
    table with a stream (a copy of the item), which would make the load slower and its memory twice as
    large; the reads measured here do not depend on streams. (moto cannot switch a stream off later.)"""
    streamed = [model for model in tables.MODELS if hasattr(model.Meta, "stream_view_type")]
    kinds = {model: model.Meta.stream_view_type for model in streamed}
    for model in streamed:
        del model.Meta.stream_view_type
    try:
        yield
    finally:
        for model in streamed:
            model.Meta.stream_view_type = kinds[model]


# -- counting what DynamoDB did ----------------------------------------------------------------------------
@dataclass
class Meter:
    """Hooks every botocore client created while it is installed (PynamoDB's shared one and boto3's).

    Items read: ScannedCount of Query and Scan (what DynamoDB charges for, filters or not), the items
    GetItem, BatchGetItem and TransactGetItems returned. Time inside AWS: from ``before-send`` to
    ``before-parse``. That brackets exactly moto's work: botocore has serialized and signed the request
    before ``before-send``, moto answers it inside that event (its stubber is a ``before-send`` handler;
    ours, registered on the more specific ``before-send.dynamodb``, runs before it), and ``before-parse``
    comes when the response is back, before botocore parses it. Serializing and parsing stay on our
    side, as they would against DynamoDB: its own work is what moto stands in for.
    """

    items: int = 0
    calls: int = 0
    bytes: int = 0
    writes: int = 0
    aws_seconds: float = 0.0
    _sent: float | None = None

    def reset(self) -> None:
        self.items = self.calls = self.writes = self.bytes = 0
        self.aws_seconds, self._sent = 0.0, None

    def _before_send(self, **_) -> None:
        self._sent = time.perf_counter()

    def _before_parse(self, **_) -> None:
        if self._sent is not None:
            self.aws_seconds += time.perf_counter() - self._sent
            self._sent = None

    def _after_call(self, http_response, parsed, model, **_) -> None:
        self.calls += 1
        self.bytes += len(http_response.content or b"")
        operation = model.name
        if operation in WRITE_OPERATIONS:
            self.writes += 1
        elif operation in ("Query", "Scan"):
            self.items += parsed.get("ScannedCount", 0)
        elif operation == "GetItem":
            self.items += 1 if "Item" in parsed else 0
        elif operation == "BatchGetItem":
            self.items += sum(len(found) for found in parsed.get("Responses", {}).values())
        elif operation == "TransactGetItems":
            self.items += sum(1 for response in parsed.get("Responses", []) if response.get("Item"))

    def hook(self, client) -> None:
        client.meta.events.register("before-send.dynamodb", self._before_send)
        client.meta.events.register("before-parse.dynamodb", self._before_parse)
        client.meta.events.register("after-call.dynamodb", self._after_call)

    @contextmanager
    def installed(self) -> Iterator[None]:
        original = botocore.session.Session.create_client
        meter = self

        def create_client(session, *args, **kwargs):
            client = original(session, *args, **kwargs)
            meter.hook(client)
            return client

        botocore.session.Session.create_client = create_client
        try:
            yield
        finally:
            botocore.session.Session.create_client = original


@contextmanager
def _moto_reads_as_dynamodb() -> Iterator[None]:
    """While only reads run, moto sorts each table once, and an index query walks only the index's items.

    moto answers every Query by sorting all the table's items (``Table.all_items``) and walking them,
    keeping those whose keys match; an index query walks every item of the table, in the index or not.
    With 400,000 stage visits that is seconds per query, and the supervisor's page and each report
    query 17 queues: far beyond this bench's time. So while the reads run, each table's items are
    sorted once, and an index query walks only the items that have the index's key attributes (the
    items a sparse index holds). moto still walks those and every item of a table queried by key, so
    its wall time still grows with what the index or table holds. What the queries return is the same
    (moto skips items without the index's keys itself), so are the items read, and our code's time is
    measured apart from moto's either way; the measured reads write nothing but the public reads'
    per-client counters, a table no read queries (checked), so the sorted lists stay true.
    """
    all_items, query = MotoTable.all_items, MotoTable.query
    arguments = inspect.signature(query)
    held: dict[tuple[int, str | None], list] = {}
    querying: list[str | None] = [None]

    def index_items(table):
        key = (id(table), querying[0])
        if key not in held:
            items = all_items(table)
            if querying[0] is not None:
                names = [part["AttributeName"] for part in table.get_index(querying[0]).schema]
                items = [item for item in items if all(name in item.attrs for name in names)]
            held[key] = items
        return held[key]

    def index_query(table, *args, **kwargs):
        querying[0] = arguments.bind(table, *args, **kwargs).arguments.get("index_name")
        try:
            return query(table, *args, **kwargs)
        finally:
            querying[0] = None

    MotoTable.all_items, MotoTable.query = index_items, index_query  # type: ignore[method-assign,assignment]  # moto's
    try:
        yield
    finally:
        MotoTable.all_items, MotoTable.query = all_items, query  # type: ignore[method-assign]  # moto's, put back


# -- the reads -------------------------------------------------------------------------------------------
def _spoken(number: str) -> str:
    """The tracking number as someone reads it out: lower case, spaces, O for 0 and I for 1."""
    return number.lower().replace("-", " ").replace("0", "o").replace("1", "i")


def _reads(svc: Services) -> dict[str, tuple[str, Callable[[], object]]]:
    search_for = _spoken(_tracking_number(3))  # one of the citizen's, there at every size

    def citizen_list():
        page = list_complaints(svc, CITIZEN, 20)
        assert len(page["items"]) == len(OWN) and "next_token" not in page, page
        return page

    def search():
        found = find_by_tracking_number(svc, OPERATOR, search_for)
        assert len(found["items"]) == 1, found
        return found

    clients = iter(range(1, 1 << 30))

    def client() -> str:
        """A new client address each run: 10.x.y.z."""
        n = next(clients)
        return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"

    def public_list():
        page = search_public_register(svc, {}, client())
        assert 0 < len(page["items"]) <= PUBLIC_PAGE, page  # a full page once the tables hold more than 10
        return page

    def scorecards(start: str | None, end: str | None):
        cards = agency_scorecards(svc, start, end, client())
        assert len(cards["items"]) == len(catalog.OPDS), cards
        return cards

    return {
        "citizen_list": ("citizen's list of complaints", citizen_list),
        "operator_queue": ("staff queue page (operator)", lambda: work_queue(svc, OPERATOR, "open", 20)),
        "supervisor_queue": ("staff queue page (supervisor, 17 queues)", lambda: work_queue(svc, SUPERVISOR)),
        "sla_month": ("SLA report, one month", lambda: sla_report(svc, *MONTH)),
        "sla_45_days": ("SLA report, 45 days", lambda: sla_report(svc, *FORTY_FIVE_DAYS)),
        "sla_year": ("SLA report, one year", lambda: sla_report(svc, *YEAR)),
        "tracking_search": ("tracking-number search (staff)", search),
        "public_list": ("public register, first page", public_list),
        "public_scorecards": ("public scorecards, this year so far", lambda: scorecards(None, None)),
        "public_scorecards_year": ("public scorecards, 2026", lambda: scorecards(*map(str, YEAR))),
    }


def _measure_read(read: Callable[[], object], meter: Meter, writes: int = 0) -> dict:
    """Runs ``read`` once untimed (moto sorts the table then), then REPEATS[0] to REPEATS[1] times.
    ``writes``: the writes it makes (WRITES), none but a public read's per-client counter."""
    read()
    app: list[float] = []
    wall: list[float] = []
    seen: set = set()
    while len(wall) < REPEATS[0] or (len(wall) < REPEATS[1] and sum(wall) < MEASURE_SECONDS * 1000):
        meter.reset()
        started = time.perf_counter()
        result = read()
        elapsed = time.perf_counter() - started
        assert meter.writes == writes, f"a measured read wrote {meter.writes} times, not {writes}"
        if isinstance(result, dict) and "items_read" in result:  # the report says what it read
            assert result["items_read"] == meter.items, (result["items_read"], meter.items)
        app.append((elapsed - meter.aws_seconds) * 1000)
        wall.append(elapsed * 1000)
        seen.add((meter.items, meter.calls, meter.bytes))
    assert len(seen) == 1, f"the same read read differently: {seen}"
    items, calls, size = seen.pop()
    return {
        "items": items,
        "calls": calls,
        "kb": round(size / 1024, 1),
        "app_ms": round(statistics.median(app), 3),
        "moto_ms": round(statistics.median(wall), 3),
        "runs": len(wall),
    }


def _ratio(value: float, base: float) -> float | None:
    return round(value / base, 2) if base else None


def measure(sizes: tuple[int, ...] = SIZES) -> dict:
    """Load each size in turn and measure the reads; see the module's docstring.

    Returns ``{"sizes", "budget", "reads": {name: {"label", "figures": {size: figures}, "ratios": {size:
    {"items", "app_ms"}}}}, "load_s", "measure_s", "peak_mb"}`` where figures are ``{"items", "app_ms",
    "moto_ms", "calls", "kb", "runs"}`` and ratios are to the first size's figure (``within_budget``
    tells whether one keeps to the budget; ``moto_ms`` is moto's wall time: reported, not budgeted).
    """
    meter = Meter()
    reads: dict[str, dict] = {}
    load_s = measure_s = 0.0
    # The helper process is started afresh (spawn), so that it inherits nothing of the caller but its imports.
    with multiprocessing.get_context("spawn").Pool(1) as pool, mock_aws(), meter.installed():
        tables.reset_connections()  # the shared connection (and its client) made inside the mock, so hooked
        with _without_streams():
            tables.create_tables()
        # The reads use the store alone: no workflow, notifier or metrics is made (nor any of their clients).
        svc = Services(
            settings=Settings(),
            store=Store(),
            workflow=None,  # type: ignore[arg-type]
            notifier=None,  # type: ignore[arg-type]
            metrics=None,  # type: ignore[arg-type]
            open311=Open311Store(),
        )
        svc.now = lambda: NOW
        named = _reads(svc)
        loader = Loader(pool)
        try:
            for size in sizes:
                started = time.perf_counter()
                with _moto_loads_fast():
                    loader.grow(size)
                gc.collect()
                gc.freeze()  # the tables are long-lived: the collector need not walk them during the reads
                load_s += time.perf_counter() - started
                started = time.perf_counter()
                with _moto_reads_as_dynamodb():
                    for name, (label, read) in named.items():
                        entry = reads.setdefault(name, {"label": label, "figures": {}, "ratios": {}})
                        entry["figures"][size] = _measure_read(read, meter, WRITES.get(name, 0))
                measure_s += time.perf_counter() - started
        finally:
            gc.unfreeze()
            tables.reset_connections()  # its client was moto's: the next user makes its own
    for name, entry in reads.items():
        entry["base"] = BASE_SIZE.get(name, sizes[0]) if BASE_SIZE.get(name) in sizes else sizes[0]
        base = entry["figures"][entry["base"]]
        for size, figures in entry["figures"].items():
            entry["ratios"][size] = {key: _ratio(figures[key], base[key]) for key in ("items", "app_ms")}
    peak_kb = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {
        "sizes": list(sizes),
        "budget": BUDGET,
        "reads": reads,
        "load_s": round(load_s, 1),
        "measure_s": round(measure_s, 1),
        "peak_mb": round(peak_kb / 1024),
    }


def within_budget(ratio: float | None) -> bool:
    return ratio is not None and ratio <= BUDGET


def markdown(result: dict) -> str:
    """The figures as a Markdown table, with what is over budget."""
    sizes, base = result["sizes"], result["sizes"][0]
    lines = [
        "| read | complaints | items read | x | KB returned | calls | our code ms | x | moto wall ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    over = []
    for name, entry in result["reads"].items():
        own_base = entry.get("base", base)
        label = entry["label"] + (f" (x: to {own_base:,})" if own_base != base else "")
        for size in sizes:
            figures, ratios = entry["figures"][size], entry["ratios"][size]
            judged = size >= own_base  # a size below the row's base is shown, not judged
            marks = {key: "" if not judged or within_budget(ratios[key]) else " (over)" for key in ("items", "app_ms")}
            over += [f"{name} {key} at {size:,} ({ratios[key]}x)" for key, mark in marks.items() if mark]
            cells = (
                label if size == base else "",
                f"{size:,}",
                f"{figures['items']:,}",
                f"{ratios['items']:.2f}{marks['items']}",
                f"{figures['kb']:,.1f}",
                str(figures["calls"]),
                f"{figures['app_ms']:.2f}",
                f"{ratios['app_ms']:.2f}{marks['app_ms']}",
                f"{figures['moto_ms']:,.1f}",
            )
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(
        [
            f'x: ratio to the {base:,}-complaint figure (rows marked "x: to 1,000": to the 1,000-complaint one, '
            "issue 22's budget for the public register, whose 10 complaints fill no page and few agencies' rows); "
            f"budget {result['budget']}x. Items read: ScannedCount of each "
            "Query, the items each GetItem returned. Our code: wall time minus the time inside moto, medians of "
            f"{REPEATS[0]} to {REPEATS[1]} runs. moto wall: what the read takes in moto in all (moto walks its "
            "tables in memory: not DynamoDB's latency, not budgeted).",
            "",
            *lines,
            "",
            f"Over budget: {'; '.join(over) if over else 'none'}.",
        ]
    )


def main() -> None:
    started = time.perf_counter()
    result = measure()
    print(markdown(result))
    print(
        f"\nLoading {result['load_s']:.0f} s, measuring {result['measure_s']:.0f} s, whole run "
        f"{time.perf_counter() - started:.0f} s; peak memory {result['peak_mb']:,} MB."
    )


if __name__ == "__main__":
    main()
