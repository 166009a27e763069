"""The public register over HTTP against moto (issue 22; DESIGN.md §3 Round 3, Public view): GET
/public/complaints, /public/complaints/{tracking_number}, /public/open-data.json and .csv.

Complaints are seeded straight into the tables as the workflow leaves them (with their month-index
attribute and stage visits), so that months, states and volume can be set at will; one test plays a real
case through the state machine to show the register reads what the workflow writes.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.adapters.dynamo import to_model
from chalicelib.adapters.tables import ComplaintModel, TrackingNumberModel, WorkItemModel
from chalicelib.domain import tracking
from chalicelib.domain.calendar import WITA
from chalicelib.domain.records import Complaint, WorkItem
from chalicelib.domain.timestamps import iso

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
    description: str = "Lubang besar di Jl. Juanda sudah sebulan tidak diperbaiki.",
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


def test_smoke_the_three_routes(stack, client):
    listed = seed(
        days_ago(1), opd="DINKES", status="answered", reply="Sudah diperbaiki, Pak Budi.", answered_at=days_ago(0.5)
    )
    response, body = get(client, "/public/complaints")
    assert response.status_code == 200, body
    assert response.headers["Cache-Control"] == "public, max-age=60"
    (item,) = body["items"]
    assert item["tracking_number"] == listed.tracking_number and set(item) <= ITEM_KEYS
    assert item["answer"] == "Sudah diperbaiki, Pak [nama]."
    response, case = get(client, f"/public/complaints/{listed.tracking_number.lower()}")
    assert response.status_code == 200, case
    assert case["tracking_number"] == listed.tracking_number and case["stages"] == []
    month = NOW.astimezone(WITA).strftime("%Y-%m")
    response, data = get(client, f"/public/open-data.json?month={month}")
    assert response.status_code == 200, data
    assert data["licence"] == "CC BY 4.0" and numbers(data["items"]) == [listed.tracking_number]
    response, text = get(client, f"/public/open-data.csv?month={month}")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["tracking_number"] for r in rows] == [listed.tracking_number]
