"""GET /staff/complaints without a tracking number: the staff's case lists (service/case_list.py), on moto.

Routed cases come from real decisions (the state machine, the console's and the links' use case); older
cases and volume are seeded straight into the tables, with their month-index attribute and, for the
agencies, their route, as record_decision writes it.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.dynamo import to_model
from chalicelib.adapters.tables import CaseRouteModel, ComplaintModel, TrackingNumberModel, reset_connections
from chalicelib.domain import tracking
from chalicelib.domain.records import Complaint
from chalicelib.domain.timestamps import iso
from local.aws_calls import counting, install

from .helpers import DINKES, DISKOMINFO, assert_problem, call, to_opd

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)


def seed(
    created_at: datetime,
    *,
    title: str = "Jalan berlubang",
    status: str = "open",
    stage: str | None = "intake",
    channel: str = "web",
    category: str = "kesehatan",
    opd: str | None = None,
    routed: tuple[str, ...] = (),
    due_at: datetime | None = None,
) -> Complaint:
    """A complaint as the tables hold it, created at ``created_at``; ``routed``: the agencies it was routed to."""
    at = iso(created_at)
    complaint = Complaint(
        category=category,
        created_at=at,
        description="Keterangan.",
        id=uuid.uuid4().hex,
        status=status,
        subcategory="puskesmas",
        title=title,
        tracking_number=tracking.new_tracking_number(),
        updated_at=at,
        channel=channel,
        stage=stage,
        opd=opd,
        routed_opds=set(routed) or None,
        created_month=at[:7],
        due_at=iso(due_at) if due_at else None,
    )
    to_model(complaint, ComplaintModel).save()
    TrackingNumberModel(complaint.tracking_number, complaint_id=complaint.id).save()
    for agency in routed:
        CaseRouteModel(agency, f"{at}#{complaint.id}", complaint_id=complaint.id).save()
    return complaint


def listed(client, token, query: str = "") -> tuple[list[dict], str | None]:
    response, body = call(client, "get", f"/staff/complaints?{query}", token=token)
    assert response.status_code == 200, body
    return body["items"], body.get("next_token")


def every_page(client, token, query: str = "") -> list[dict]:
    items, next_token = listed(client, token, query)
    seen = list(items)
    while next_token:
        items, next_token = listed(client, token, f"{query}&next_token={next_token}")
        seen += items
    return seen


def ids(items) -> list[str]:
    return [i["id"] for i in items]


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


# -- everyone who sees every case: the month index ------------------------------------------------------
def test_operators_see_every_case_newest_first_with_its_fields(stack, client, staff):
    old = seed(days_ago(70), channel="phone", title="Lampu jalan mati")
    mid = seed(days_ago(35), status="closed", stage="reply", opd="DINKES", routed=("DINKES",))
    new = seed(days_ago(1), due_at=NOW - timedelta(hours=1))
    items, next_token = listed(client, staff.token("operator"))
    assert ids(items) == [new.id, mid.id, old.id] and next_token is None
    first = items[0]
    assert first == {
        "id": new.id,
        "tracking_number": new.tracking_number,
        "title": new.title,
        "status": "open",
        "stage": "intake",
        "category": "kesehatan",
        "opd": None,
        "channel": "web",
        "submitted_at": new.created_at,
        "due_at": new.due_at,
        "overdue": True,  # due an hour ago, still open
    }
    assert items[1]["overdue"] is False and "due_at" not in items[1]  # closed: no current stage
    assert items[2]["channel"] == "phone"
    for role in ("diskominfo", "supervisor", "admin"):
        assert ids(listed(client, staff.token(role))[0]) == [new.id, mid.id, old.id], role


def test_each_filter_narrows_the_list(stack, client, staff):
    a = seed(days_ago(2), channel="phone", category="kesehatan", title="Obat habis")
    b = seed(
        days_ago(3), status="answered", stage="reply", category="pendidikan", opd="DISDIKBUD", routed=("DISDIKBUD",)
    )
    c = seed(days_ago(40), stage="classification", channel="whatsapp")
    token = staff.token("operator")
    assert ids(listed(client, token, "status=answered")[0]) == [b.id]
    assert ids(listed(client, token, "status=open")[0]) == [a.id, c.id]
    assert ids(listed(client, token, "stage=classification")[0]) == [c.id]
    assert ids(listed(client, token, "channel=phone")[0]) == [a.id]
    assert ids(listed(client, token, "channel=web")[0]) == [b.id]
    assert ids(listed(client, token, "category=pendidikan")[0]) == [b.id]
    assert ids(listed(client, token, "opd=DISDIKBUD")[0]) == [b.id]  # every case routed to that agency
    assert ids(listed(client, token, "status=open&channel=whatsapp")[0]) == [c.id]
    today = NOW.date()
    recent = f"from={(today - timedelta(days=10)).isoformat()}&to={today.isoformat()}"
    assert ids(listed(client, token, recent)[0]) == [a.id, b.id]
    older = f"to={(today - timedelta(days=30)).isoformat()}"
    assert ids(listed(client, token, older)[0]) == [c.id]
    # q: a part of the title, case-insensitive; the tracking number as it is read out (dashes, spaces, O for 0)
    assert ids(listed(client, token, "q=OBAT")[0]) == [a.id]
    spoken = b.tracking_number.replace("-", " ").lower().replace("0", "o")
    assert ids(listed(client, token, f"q={spoken}")[0]) == [b.id]
    assert listed(client, token, "q=tidak-ada-yang-cocok")[0] == []


def test_pages_cross_months_without_a_gap_or_a_repeat(stack, client, staff):
    made = [seed(days_ago(d)) for d in (1, 2, 20, 33, 34, 65, 100, 200, 300)]
    seed(days_ago(400))  # older than the default 12 months
    want = [c.id for c in sorted(made, key=lambda c: c.created_at, reverse=True)]
    token = staff.token("supervisor")
    assert ids(every_page(client, token, "limit=2")) == want
    assert ids(every_page(client, token, "limit=1")) == want
    # with q, a page may come back short: the token still leads to the rest
    assert len(every_page(client, token, "limit=3&q=jalan")) == len(want)
    first, next_token = listed(client, token, "limit=4")
    assert len(first) == 4 and next_token


# -- agencies: every case ever routed to them -----------------------------------------------------------
def test_an_agency_sees_every_case_routed_to_it_and_nothing_else(stack, client, staff):
    routed = to_opd(stack)  # a real decision: Diskominfo routes it to DINKES
    closed = seed(days_ago(50), status="closed", stage="reply", opd="DINKES", routed=("DINKES",), title="Vaksin")
    answered = seed(days_ago(5), status="answered", stage="reply", opd="DINKES", routed=("DINKES",))
    other = seed(days_ago(3), opd="DISHUB", routed=("DISHUB",), title="Vaksin palsu")
    never = seed(days_ago(2), title="Vaksin kosong")  # not routed to anyone yet
    dinkes = staff.token("opd-DINKES")
    items = every_page(client, dinkes, "limit=1")
    assert ids(items) == [routed, answered.id, closed.id]
    assert items[0]["opd"] == "DINKES" and items[0]["stage"] == "opd_response"
    # filters, q and dates never reach beyond the agency's own cases
    assert ids(listed(client, dinkes, "q=vaksin")[0]) == [closed.id]
    assert listed(client, dinkes, f"q={other.tracking_number}")[0] == []
    assert listed(client, dinkes, f"q={never.tracking_number}")[0] == []
    assert ids(listed(client, dinkes, "status=closed")[0]) == [closed.id]
    assert ids(listed(client, dinkes, "opd=DINKES&status=open")[0]) == [routed]
    response, body = call(client, "get", "/staff/complaints?opd=DISHUB", token=dinkes)
    assert_problem(response, body, 403)
    # the other agency sees its own
    assert ids(listed(client, staff.token("opd-DISHUB"))[0]) == [other.id]
    # an agency with two: both merged, newest first, each case once
    both = staff.token("opd-DINKES", "opd-DISHUB")
    twice = seed(days_ago(4), opd="DISHUB", routed=("DINKES", "DISHUB"))
    merged = every_page(client, both, "limit=2")
    assert ids(merged) == [routed, other.id, twice.id, answered.id, closed.id]


def test_a_case_rerouted_away_stays_on_the_first_agencys_list(stack, client, staff):
    cid = to_opd(stack)
    stack.decide(DINKES, {"decision": "not_our_authority", "reason": "Ini urusan Dinas Perhubungan."})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "aspiration", "opd": "DISHUB"})
    stack.waiting_at(cid, "opd_response")
    items = listed(client, staff.token("opd-DINKES"))[0]
    assert ids(items) == [cid] and items[0]["opd"] == "DISHUB"
    assert ids(listed(client, staff.token("opd-DISHUB"))[0]) == [cid]
    # everyone's "opd=" is the routes: every case ever routed there, where it is now or not
    assert ids(listed(client, staff.token("operator"), "opd=DINKES")[0]) == [cid]
    assert stack.complaint(cid).routed_opds == {"DINKES", "DISHUB"}


def test_tokens_are_only_positions_in_the_callers_own_list(stack, client, staff):
    mine = [seed(days_ago(d), opd="DINKES", routed=("DINKES",)) for d in (1, 2, 3)]
    theirs = seed(days_ago(1.5), opd="DISHUB", routed=("DISHUB",))
    dinkes = staff.token("opd-DINKES")
    _, next_token = listed(client, dinkes, "limit=1")
    rest = every_page(client, dinkes, f"limit=1&next_token={next_token}")
    assert ids(rest) == [mine[1].id, mine[2].id]
    # another agency's token (the same shape) pages only through the caller's own routes
    _, dishub_token = listed(client, staff.token("opd-DISHUB", "opd-DINKES"), "limit=1")
    assert theirs.id not in ids(every_page(client, dinkes, f"limit=5&next_token={dishub_token}"))
    # a month-walk token is not a routes token, and the reverse
    _, month_token = listed(client, staff.token("operator"), "limit=1")
    response, body = call(client, "get", f"/staff/complaints?next_token={month_token}", token=dinkes)
    assert_problem(response, body, 422)
    response, body = call(client, "get", f"/staff/complaints?next_token={next_token}", token=staff.token("operator"))
    assert_problem(response, body, 422)
    forged = [
        {"r": f"{mine[0].created_at}#{'x' * 32}"},
        {"r": f"2001-01-01T00:00:00.000+00:00#{mine[0].id}"},  # outside the range
        {"r": mine[0].created_at},
        {"r": 7},
        {"m": "2026-13", "k": None},
        {"m": mine[0].created_at[:7], "k": [mine[0].created_at, "zz"]},
        {"m": "1999-01", "k": None},
        [],
    ]
    operator = staff.token("operator")
    for data in forged:
        token = base64.urlsafe_b64encode(json.dumps(data).encode()).decode()
        for bearer in (dinkes, operator):
            response, body = call(client, "get", f"/staff/complaints?next_token={token}", token=bearer)
            assert_problem(response, body, 422)
            assert body["errors"][0]["field"] == "next_token", data


# -- never a scan -----------------------------------------------------------------------------------
def test_the_lists_only_query_and_batch_read(stack, client, staff):
    for d in (1, 40, 80):
        seed(days_ago(d), opd="DINKES", routed=("DINKES",))
    tokens = {who: staff.token(*groups) for who, groups in {"op": ("operator",), "opd": ("opd-DINKES",)}.items()}
    install()
    reset_connections()  # PynamoDB's client made again, with the counting hooks
    for query in ("limit=2", "status=open&q=jalan", "opd=DINKES"):
        for who, token in tokens.items():
            with counting() as tally:
                listed(client, token, query)
            dynamo = [op for (service, op) in tally.calls if service == "dynamodb"]
            # The member's token revocation is read once (then cached a minute: service/access.py).
            assert dynamo.count("GetItem") <= 1, (who, query, tally.operations())
            listing = {op for op in dynamo if op != "GetItem"}
            assert listing and listing <= {"Query", "BatchGetItem"}, (who, query, tally.operations())
            assert not any(op == "Scan" for _, op in tally.calls)


# -- 422s ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("status=pending", "status", "unknown_status"),
        ("stage=finished", "stage", "unknown_stage"),
        ("channel=pigeon", "channel", "unknown_channel"),
        ("category=cuaca", "category", "unknown_category"),
        ("opd=NASA", "opd", "unknown_opd"),
        ("from=2026-02-30", "from", "invalid_date"),
        ("to=yesterday", "to", "invalid_date"),
        ("from=2026-05-02&to=2026-05-01", "to", "before_from"),
        ("limit=0", "limit", "invalid_limit"),
        ("limit=51", "limit", "invalid_limit"),
        ("limit=ten", "limit", "invalid_limit"),
        ("next_token=bm9wZQ", "next_token", "invalid_token"),
    ],
)
def test_a_bad_parameter_is_a_422_naming_it(stack, client, staff, query, field, code):
    for groups in (("operator",), ("opd-DINKES",)):
        response, body = call(client, "get", f"/staff/complaints?{query}", token=staff.token(*groups))
        assert_problem(response, body, 422)
        assert [(e["field"], e["code"]) for e in body["errors"]] == [(field, code)], groups


def test_the_search_by_number_is_unchanged(stack, client, staff):
    case = seed(days_ago(1))
    response, body = call(client, "get", "/staff/complaints?tracking_number=nope", token=staff.token("operator"))
    assert_problem(response, body, 422)
    items = listed(client, staff.token("operator"), f"tracking_number={case.tracking_number}")[0]
    assert ids(items) == [case.id] and set(items[0]) == {
        "id",
        "tracking_number",
        "status",
        "stage",
        "title",
        "category",
        "created_at",
        "overdue",
        "channel",
    }


# -- the queue's lines carry the channel and when the case came in ---------------------------------------
def test_work_items_carry_channel_and_received_at(stack, client, staff):
    cid = to_opd(stack)
    response, page = call(client, "get", "/staff/work-items", token=staff.token("opd-DINKES"))
    assert response.status_code == 200, page
    (item,) = page["items"]
    assert (item["complaint_id"], item["channel"], item["received_at"]) == (cid, "web", stack.complaint(cid).created_at)
