"""The public register over HTTP against moto (issue 22; DESIGN.md §3 Round 3, Public view): GET
/public/complaints, /public/complaints/{tracking_number}, /public/open-data.json and .csv.

Complaints are seeded straight into the tables as the workflow leaves them (with their month-index
attribute and stage visits), so that months, states and volume can be set at will; one test plays a real
case through the state machine to show the register reads what the workflow writes.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.adapters.dynamo import to_model
from chalicelib.adapters.tables import ComplaintModel, TrackingNumberModel, WorkItemModel, reset_connections
from chalicelib.domain import tracking
from chalicelib.domain.calendar import WITA
from chalicelib.domain.records import Complaint, WorkItem
from chalicelib.domain.timestamps import iso
from local.aws_calls import counting, install

from .helpers import COMPLAINT, DISKOMINFO, OPERATOR, assert_problem, call, citizen_token

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
ITEM_KEYS = {
    "tracking_number",
    "title",
    "description",
    "category",
    "category_name",
    "subcategory",
    "subcategory_name",
    "opd",
    "opd_name",
    "status",
    "stage",
    "stage_label",
    "submitted_at",
    "answered_at",
    "answer",
    "lat",
    "long",
}


@pytest.fixture
def stack_env():
    return {"PUBLIC_LIMIT_PER_MINUTE": "10000"}  # the limit has its own test


def seed(
    created_at: datetime,
    *,
    title: str = "Jalan berlubang di depan sekolah",
    description: str = "Lubang besar di depan SD sudah sebulan tidak diperbaiki.",
    status: str = "open",
    stage: str | None = "opd_response",
    category: str = "kesehatan",
    subcategory: str = "puskesmas",
    opd: str | None = None,
    public: bool | None = True,
    confidential: bool = False,
    citizen_name: str | None = "Budi Santoso",
    reply: str | None = None,
    answered_at: datetime | None = None,
    point: tuple[float, float] | None = (-0.502345, 117.153789),
    visits: tuple[tuple[str, datetime, datetime | None, datetime], ...] = (),
) -> Complaint:
    """A complaint as the tables hold it; ``visits``: (stage, entered, decided or None, due) each."""
    at = iso(created_at)
    complaint = Complaint(
        category=category,
        created_at=at,
        description=description,
        id=uuid.uuid4().hex,
        status=status,
        subcategory=subcategory,
        title=title,
        tracking_number=tracking.new_tracking_number(),
        updated_at=at,
        stage=stage,
        opd=opd,
        public=public,
        confidential=confidential,
        citizen_name=citizen_name,
        citizen_email="budi.santoso@example.id" if citizen_name else None,
        citizen_phone="+6281234567890" if citizen_name else None,
        citizen_id="sub-budi" if citizen_name else None,
        location="Jl. Juanda No. 7, Samarinda",
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        reply=reply,
        answered_at=iso(answered_at) if answered_at else None,
        created_month=at[:7],
    )
    to_model(complaint, ComplaintModel).save()
    TrackingNumberModel(complaint.tracking_number, complaint_id=complaint.id).save()
    for step, (name, entered, decided, due) in enumerate(visits, start=1):
        visit = WorkItem(
            complaint_id=complaint.id,
            due_at=iso(due),
            entered_at=iso(entered),
            remind_at=iso(entered),
            role="operator",
            stage=name,
            step=step,
            decided_at=iso(decided) if decided else None,
            decided_by="operator@aspirasi.kaltimprov.go.id" if decided else None,
        )
        to_model(visit, WorkItemModel).save()
    return complaint


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def get(client, path: str):
    response = client.get(path, headers={"Accept": "application/json"})
    body = response.body.decode() if isinstance(response.body, bytes) else response.body
    return response, (json.loads(body) if body and "json" in response.headers.get("Content-Type", "") else body)


def page(client, query: str = "") -> tuple[list[dict], str | None]:
    response, body = get(client, f"/public/complaints?{query}")
    assert response.status_code == 200, body
    return body["items"], body.get("next_token")


def every_page(client, query: str = "") -> list[dict]:
    items, next_token = page(client, query)
    seen = list(items)
    while next_token:
        items, next_token = page(client, f"{query}&next_token={next_token}")
        seen += items
    return seen


def numbers(items) -> list[str]:
    return [i["tracking_number"] for i in items]


def wita_month(moment: datetime) -> str:
    return moment.astimezone(WITA).strftime("%Y-%m")


def text_of(response) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else response.body


# -- the workflow's own record reaches the register, masked -------------------------------------------------
def test_a_citizens_complaint_appears_once_accepted_with_nobody_in_it(stack, client):
    token = citizen_token(client, name="Siti Aminah")
    body = {
        **COMPLAINT,
        "title": "Puskesmas tutup siang, kata Siti",
        "description": "Saya Siti Aminah, HP 0812-3456-7890, email siti.aminah@example.id: tutup pukul 11.00.",
        "location": "Jl. Wahid Hasyim No. 12, Sempaja",
        "lat": -0.461234,
        "long": 117.156789,
    }
    response, created = call(client, "post", "/complaints", body, token)
    assert response.status_code == 201, created
    number = created["tracking_number"]
    stack.waiting_at(created["id"], "intake")
    assert page(client)[0] == []  # waiting for intake: not screened yet
    response, problem = get(client, f"/public/complaints/{number}")
    assert_problem(response, problem, 404)
    stack.walk(
        created["id"],
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"}),
    )
    stack.waiting_at(created["id"], "opd_response")
    (item,) = page(client)[0]
    assert set(item) == ITEM_KEYS - {"answered_at", "answer"}
    assert item["tracking_number"] == number and (item["opd"], item["stage"]) == ("DINKES", "opd_response")
    assert item["title"] == "Puskesmas tutup siang, kata [nama]"
    assert item["description"] == "Saya [nama], HP [telepon], email [email]: tutup pukul 11.00."
    assert (item["lat"], item["long"]) == (-0.461, 117.157)
    assert item["stage_label"] == {"id": "Tanggapan OPD", "en": item["stage_label"]["en"]}
    response, case = get(client, f"/public/complaints/{number}")
    assert response.status_code == 200, case
    assert [s["stage"] for s in case["stages"]] == ["intake", "classification", "opd_response"]
    assert [s["on_time"] for s in case["stages"]] == [True, True, None]
    assert "sop_outcome" not in case
    for raw in (text_of(response), text_of(client.get("/public/complaints"))):
        for needle in ("Siti", "Aminah", "0812", "siti.aminah", "Wahid", created["id"], "-0.4612", OPERATOR, "web"):
            assert needle not in raw, needle


# -- which complaints -----------------------------------------------------------------------------------
def test_confidential_unscreened_refused_and_staff_entered_complaints_are_nowhere(stack, client):
    shown = seed(days_ago(2))
    hidden = [
        seed(days_ago(1), confidential=True),
        seed(days_ago(1), stage="intake"),  # waiting for intake
        seed(days_ago(1), stage="intake", status="closed"),  # refused at intake
        seed(days_ago(1), public=None),  # entered by staff: the reporter was never told it would be public
        seed(days_ago(1), public=False),
    ]
    assert numbers(every_page(client)) == [shown.tracking_number]
    response, unknown = get(client, "/public/complaints/KT-0000-0000")
    assert_problem(response, unknown, 404)
    assert unknown["type"].endswith("/not-in-public-register") and response.headers["Cache-Control"] == "no-store"
    for complaint in hidden:
        response, problem = get(client, f"/public/complaints/{complaint.tracking_number}")
        assert_problem(response, problem, 404)
        assert problem == {**unknown, "instance": problem["instance"]}  # the same answer as for no case at all
        assert numbers(page(client, f"q={complaint.tracking_number}")[0]) == []
    data = get(client, f"/public/open-data.json?month={wita_month(days_ago(1))}")[1]
    if wita_month(days_ago(2)) == wita_month(days_ago(1)):
        assert numbers(data["items"]) == [shown.tracking_number]
    assert not {c.tracking_number for c in hidden} & set(numbers(data["items"]))


def test_only_named_fields_a_sensitive_subcategory_without_its_place(stack, client):
    plain = seed(
        days_ago(3),
        point=(-0.5000049, 117.1234951),
        opd="DINKES",
        status="closed",
        stage="reply",
        reply="Dijawab; hubungi budi.santoso@example.id",
        answered_at=days_ago(2),
    )
    sensitive = seed(days_ago(2), category="kesehatan", subcategory="jaminan-kesehatan")
    nowhere = seed(days_ago(1), point=None)
    items = {i["tracking_number"]: i for i in page(client)[0]}
    assert set(items[plain.tracking_number]) == ITEM_KEYS
    assert (items[plain.tracking_number]["lat"], items[plain.tracking_number]["long"]) == (-0.5, 117.123)
    assert items[plain.tracking_number]["answer"] == "Dijawab; hubungi [email]"
    for complaint in (sensitive, nowhere):
        assert "lat" not in items[complaint.tracking_number] and "long" not in items[complaint.tracking_number]
    raw = text_of(client.get("/public/complaints"))
    for needle in ("Juanda", "sub-budi", "6281234567890", "budi.santoso", "Budi", plain.id, "-0.5000049", "117.15"):
        assert needle not in raw, needle


# -- filters, q, the period --------------------------------------------------------------------------------
def test_each_filter_narrows_the_register(stack, client):
    a = seed(
        days_ago(2),
        category="pendidikan",
        subcategory="sekolah-rusak",
        opd="DISDIKBUD",
        status="answered",
        stage="reply",
    )
    b = seed(days_ago(3), opd="DINKES", title="Obat habis di puskesmas")
    c = seed(days_ago(40), status="closed", stage="reply", opd="DINKES")
    assert numbers(page(client, "category=pendidikan")[0]) == [a.tracking_number]
    assert numbers(page(client, "category=kesehatan&subcategory=puskesmas")[0]) == [
        b.tracking_number,
        c.tracking_number,
    ]
    assert numbers(page(client, "opd=DINKES")[0]) == [b.tracking_number, c.tracking_number]
    assert numbers(page(client, "status=closed")[0]) == [c.tracking_number]
    assert numbers(page(client, "status=open&opd=DINKES")[0]) == [b.tracking_number]
    today = NOW.astimezone(WITA).date()
    recent = f"from={(today - timedelta(days=10)).isoformat()}&to={today.isoformat()}"
    assert numbers(page(client, recent)[0]) == [a.tracking_number, b.tracking_number]
    older = f"to={(today - timedelta(days=30)).isoformat()}"
    assert numbers(page(client, older)[0]) == [c.tracking_number]
    assert numbers(page(client, "q=OBAT")[0]) == [b.tracking_number]
    spoken = b.tracking_number.replace("-", " ").lower()
    assert numbers(page(client, f"q={spoken.replace(' ', '%20')}")[0]) == [b.tracking_number]


def test_a_search_finds_what_is_published_never_what_is_masked(stack, client):
    named = seed(
        days_ago(1),
        title="Pak Budi Santoso melapor jalan rusak",
        description="Hubungi saya di 0812-3456-7890 atau budi.santoso@example.id.",
    )
    for hidden in ("Budi", "santoso", "0812", "3456", "budi.santoso", "example.id", "Juanda"):
        assert page(client, f"q={hidden}")[0] == [], hidden
    assert numbers(page(client, "q=jalan%20rusak")[0]) == [named.tracking_number]
    assert numbers(page(client, "q=%5Bnama%5D")[0]) == [named.tracking_number]  # what the public does see


def test_the_default_period_is_a_year(stack, client):
    recent = seed(days_ago(300))
    seed(days_ago(400))
    assert numbers(every_page(client)) == [recent.tracking_number]


# -- pages ------------------------------------------------------------------------------------------------
def test_pages_cross_months_without_a_gap_or_a_repeat(stack, client):
    made = [seed(days_ago(d)) for d in (1, 2, 20, 33, 34, 65, 100, 200, 300)]
    seed(days_ago(1.5), confidential=True)
    want = [c.tracking_number for c in sorted(made, key=lambda c: c.created_at, reverse=True)]
    assert numbers(every_page(client, "limit=2")) == want
    assert numbers(every_page(client, "limit=1")) == want
    assert len(every_page(client, "limit=3&q=jalan")) == len(want)  # with q a page may be short, never lost
    first, next_token = page(client, "limit=4")
    assert len(first) == 4 and next_token
    assert numbers(page(client, "limit=50")[0]) == want


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("status=pending", "status", "unknown_status"),
        ("status=", "status", "unknown_status"),
        ("category=cuaca", "category", "unknown_category"),
        ("category=pendidikan&subcategory=puskesmas", "subcategory", "unknown_subcategory"),
        ("opd=NASA", "opd", "unknown_opd"),
        ("from=2026-02-30", "from", "invalid_date"),
        ("to=yesterday", "to", "invalid_date"),
        ("from=2026-05-02&to=2026-05-01", "to", "before_from"),
        ("limit=0", "limit", "invalid_limit"),
        ("limit=51", "limit", "invalid_limit"),
        ("limit=", "limit", "invalid_limit"),
        (f"q={'x' * 101}", "q", "too_long"),
        ("next_token=bm9wZQ", "next_token", "invalid_token"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(stack, client, query, field, code):
    response, body = get(client, f"/public/complaints?{query}")
    assert_problem(response, body, 422)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_forged_token_is_a_422(stack, client):
    complaint = seed(days_ago(1))
    forged = [
        {"m": "2026-13", "k": None},
        {"m": complaint.created_at[:7], "k": [complaint.created_at, "zz"]},
        {"m": "1999-01", "k": None},  # outside the period
        {"m": complaint.created_at[:7], "k": ["2001-01-01T00:00:00.000+00:00", complaint.id]},
        {"r": f"{complaint.created_at}#{complaint.id}"},  # a staff route token
        [],
        "x",
    ]
    for data in forged:
        token = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
        for path in ("/public/complaints", f"/public/open-data.json?month={wita_month(NOW)}"):
            glue = "&" if "?" in path else "?"
            response, body = get(client, f"{path}{glue}next_token={token}")
            assert_problem(response, body, 422)
            assert body["errors"][0]["field"] == "next_token", data


# -- one case ----------------------------------------------------------------------------------------------
def test_a_case_shows_its_stages_on_time_or_not_and_the_sop_outcome(stack, client):
    start = days_ago(3)
    hour = timedelta(hours=1)
    complaint = seed(
        start,
        status="open",
        stage="opd_response",
        opd="DINKES",
        visits=(
            ("intake", start, start + hour / 2, start + hour),  # in time
            ("classification", start + hour, start + 3 * hour, start + 2 * hour),  # late
            ("opd_response", start + 3 * hour, None, start + 4 * hour),  # open, past due
        ),
    )
    response, case = get(client, f"/public/complaints/{complaint.tracking_number.lower().replace('-', '%20')}")
    assert response.status_code == 200, case
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert set(case) == ITEM_KEYS - {"answered_at", "answer"} | {"stages"}
    assert [(s["stage"], s["on_time"]) for s in case["stages"]] == [
        ("intake", True),
        ("classification", False),
        ("opd_response", False),
    ]
    assert set(case["stages"][0]) == {"stage", "label", "entered_at", "completed_at", "due_at", "on_time"}
    assert "completed_at" not in case["stages"][2]
    assert "operator@" not in text_of(response)
    closed = seed(days_ago(2), status="closed", stage="reply", visits=(("intake", start, None, NOW + hour),))
    ComplaintModel(closed.id).update(actions=[ComplaintModel.sop_outcome.set("breached")])
    _, case = get(client, f"/public/complaints/{closed.tracking_number}")
    assert case["sop_outcome"] == "breached" and case["stages"][0]["on_time"] is None  # not yet due


# -- open data ---------------------------------------------------------------------------------------------
def test_open_data_json_and_csv_of_a_month(stack, client):
    month_start = NOW.astimezone(WITA).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    last_month_day = month_start - timedelta(days=3)
    last_month = wita_month(last_month_day)
    first = seed(last_month_day, title='=HYPERLINK("http://evil.example","klik")', opd="DINKES")
    # 00:01 WITA on the month's first day is still the previous UTC month: counted in its WITA month
    edge = seed(month_start + timedelta(minutes=1), title="Pagi hari pertama")
    before = seed(month_start - timedelta(minutes=1), title="Malam terakhir bulan lalu")
    seed(last_month_day, confidential=True)
    response, data = get(client, "/public/open-data.json")  # the last whole month by default
    assert response.status_code == 200, data
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    assert data["month"] == last_month and data["licence"] == "CC BY 4.0"
    assert data["source"] == "Aspirasi Kaltim, Diskominfo Provinsi Kalimantan Timur"
    assert numbers(data["items"]) == [before.tracking_number, first.tracking_number] and data["count"] == 2
    assert "next_token" not in data and data["generated_at"]
    assert all("stage_label" not in row and set(row) <= ITEM_KEYS for row in data["items"])
    response, current = get(client, f"/public/open-data.json?month={wita_month(NOW)}")
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert edge.tracking_number in numbers(current["items"])

    response = client.get(f"/public/open-data.csv?month={last_month}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == f'attachment; filename="aspirasi-kaltim-{last_month}.csv"'
    assert response.headers["Cache-Control"] == "public, max-age=86400" and "Link" not in response.headers
    assert response.headers["Access-Control-Allow-Origin"] == "*"  # open data: readable from any site
    text = text_of(response)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    assert [r["tracking_number"] for r in rows] == numbers(data["items"])
    assert rows[1]["title"] == '\'=HYPERLINK("http://evil.example","klik")'  # text, never a formula
    assert rows[1]["lat"] == "-0.502" and rows[1]["answer"] == "" and rows[1]["opd"] == "DINKES"
    assert rows[0]["opd"] == "" and rows[0]["opd_name"] == ""


@pytest.mark.parametrize(
    ("month", "code"),
    [("2026-13", "invalid_month"), ("2999-01", "future_month"), ("11-2026", "invalid_month"), ("", "invalid_month")],
)
def test_open_data_refuses_a_bad_or_future_month(stack, client, month, code):
    for suffix in ("json", "csv"):
        response, body = get(client, f"/public/open-data.{suffix}?month={month}")
        assert_problem(response, body, 422)
        assert [(e["field"], e["code"]) for e in body["errors"]] == [("month", code)]


def test_open_data_pages_past_its_row_limit(stack, client, monkeypatch):
    from chalicelib.service import public_register

    monkeypatch.setattr(public_register, "OPEN_DATA_ROWS", 2)
    month_start = NOW.astimezone(WITA).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    made = [seed(month_start - timedelta(days=d)) for d in (1, 2, 3, 4, 5)]
    month = wita_month(month_start - timedelta(days=1))
    seen: list[str] = []
    link = f"/public/open-data.csv?month={month}"
    while link:
        response = client.get(link)
        assert response.status_code == 200
        rows = list(csv.DictReader(io.StringIO(text_of(response)[1:], newline="")))
        assert len(rows) <= 2
        seen += [r["tracking_number"] for r in rows]
        header = response.headers.get("Link")
        if not header:
            break
        target, rel = header.split(";")
        assert rel.strip() == 'rel="next"' and target.startswith("<open-data.csv?month=")
        link = "/public/" + target.strip("<>")
    assert seen == [c.tracking_number for c in made]
    data = get(client, f"/public/open-data.json?month={month}")[1]
    assert data["count"] == 2 and data["next_token"]
    rest = get(client, f"/public/open-data.json?month={month}&next_token={data['next_token']}")[1]
    assert numbers(rest["items"]) == seen[2:4]


# -- abuse: the limit, never a scan ----------------------------------------------------------------------------
@pytest.mark.parametrize("stack_env", [{"PUBLIC_LIMIT_PER_MINUTE": "3"}])
def test_each_client_address_gets_its_reads_a_minute_then_429(stack, client, monkeypatch):
    complaint = seed(days_ago(1))
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.9")
    assert get(client, "/public/complaints")[0].status_code == 200
    assert get(client, "/public/complaints/KT-0000-0000")[0].status_code == 404  # a miss counts too
    assert get(client, "/public/open-data.json?month=bad")[0].status_code == 422  # so does a refusal
    for path in ("/public/complaints", f"/public/complaints/{complaint.tracking_number}", "/public/open-data.csv"):
        response, problem = get(client, path)
        assert_problem(response, problem, 429)
        assert problem["type"].endswith("/public-reads-limited") and 1 <= int(response.headers["Retry-After"]) <= 60
        assert response.headers["Cache-Control"] == "no-store"
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "198.51.100.30")  # another address is not held
    assert get(client, "/public/complaints")[0].status_code == 200


def test_the_register_only_queries_and_gets(stack, client):
    complaint = seed(days_ago(1))
    seed(days_ago(40), status="closed", stage="reply")
    install()
    reset_connections()  # PynamoDB's client made again, with the counting hooks
    empty_month = wita_month(days_ago(400))
    paths = (
        "/public/complaints",
        "/public/complaints?limit=1&q=jalan&category=kesehatan&opd=DINKES&status=open",
        f"/public/complaints/{complaint.tracking_number}",
        f"/public/open-data.json?month={wita_month(NOW)}",
        f"/public/open-data.csv?month={empty_month}",
    )
    for path in paths:
        with counting() as tally:
            assert get(client, path)[0].status_code == 200, path
        dynamo = [op for (service, op) in tally.calls if service == "dynamodb"]
        assert dynamo.count("UpdateItem") == 1, (path, tally.operations())  # the client address's counter
        reads = [op for op in dynamo if op != "UpdateItem"]
        assert reads and set(reads) <= {"Query", "GetItem", "BatchGetItem"}, (path, tally.operations())
        assert not any(op == "Scan" for _, op in tally.calls)
        if path.endswith(empty_month):
            assert reads.count("Query") <= 2, tally.operations()  # a WITA month touches two UTC months at most
