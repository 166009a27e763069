"""The public register's pure part (domain/public_register.py): its queries read strictly, the item built from
named fields only, stage visits judged against the SOP, the open data's month and CSV; and its use cases
(service/public_register.py) on the in-memory store."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from chalicelib.config import Settings
from chalicelib.domain.calendar import WITA
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.public_register import (
    OPEN_DATA_FIELDS,
    PublicFilter,
    open_data_csv,
    open_data_row,
    parse_month,
    parse_query,
    public_item,
    stages,
)
from chalicelib.domain.records import Complaint, WorkItem
from chalicelib.domain.timestamps import iso
from chalicelib.service import public_register
from tests.fakes.services import FakeWorld

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 WITA
TODAY = date(2026, 12, 7)

CASE = Complaint(
    category="kesehatan",
    created_at="2026-12-01T03:00:00.000+00:00",
    description="Saya Budi Santoso, hubungi 0812-3456-7890 atau budi@example.id, antrean tiga jam.",
    id="a" * 32,
    status="answered",
    subcategory="puskesmas",
    title="Antrean puskesmas, lapor Budi",
    tracking_number="KT-7K3M-9QXD",
    updated_at="2026-12-02T03:00:00.000+00:00",
    account_id="acct-1",
    answered_at="2026-12-02T03:00:00.000+00:00",
    citizen_email="budi@example.id",
    citizen_id="sub-1",
    citizen_name="Budi Santoso",
    citizen_phone="+6281234567890",
    created_month="2026-12",
    latitude=-0.5023456,
    location="Jl. Juanda No. 7",
    longitude=117.1537891,
    media_url="https://example.id/m.jpg",
    opd="DINKES",
    public=True,
    reply="Terima kasih Pak Budi, loket tambahan dibuka mulai Senin.",
    stage="reply",
    sop_outcome="met",
)


def fields_of(error: pytest.ExceptionInfo) -> list[tuple[str, str]]:
    return [(e["field"], e["code"]) for e in error.value.errors]


# -- the query -------------------------------------------------------------------------------------------
def test_the_defaults_are_365_days_to_today_in_wita_and_twenty_a_page():
    query = parse_query({}, TODAY, WITA)
    assert query.low == "2025-12-06T16:00:00.000+00:00"  # 7 Dec 2025 00:00 WITA
    assert query.high == "2026-12-07T15:59:59.999+00:00"  # 7 Dec 2026 23:59:59.999 WITA
    assert query.limit == 20 and query.filter == PublicFilter()
    given = parse_query({"from": "2026-11-01", "to": "2026-11-30", "limit": "50", "q": "  jalan  "}, TODAY, WITA)
    assert (given.low, given.high, given.limit) == (
        "2026-10-31T16:00:00.000+00:00",
        "2026-11-30T15:59:59.999+00:00",
        50,
    )
    assert given.filter.q == "jalan"


def test_every_wrong_parameter_is_named():
    with pytest.raises(ValidationFailed) as refused:
        parse_query(
            {
                "status": "pending",
                "category": "cuaca",
                "subcategory": "hujan",
                "opd": "NASA",
                "q": "x" * 101,
                "from": "2026-02-30",
                "to": "kemarin",
                "limit": "51",
            },
            TODAY,
            WITA,
        )
    assert fields_of(refused) == [
        ("status", "unknown_status"),
        ("category", "unknown_category"),
        ("subcategory", "unknown_subcategory"),
        ("opd", "unknown_opd"),
        ("q", "too_long"),
        ("to", "invalid_date"),
        ("from", "invalid_date"),
        ("limit", "invalid_limit"),
    ]
    for params, field in (
        ({"status": ""}, "status"),  # given but empty is wrong too
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"category": "pendidikan", "subcategory": "puskesmas"}, "subcategory"),  # not that category's
    ):
        with pytest.raises(ValidationFailed) as refused:
            parse_query(params, TODAY, WITA)
        assert [f for f, _ in fields_of(refused)] == [field], params
    assert parse_query({"q": "x" * 100, "subcategory": "puskesmas"}, TODAY, WITA).filter.subcategory == "puskesmas"


# -- which complaints, and q on what is published ----------------------------------------------------
def test_only_listed_complaints_match():
    anything = PublicFilter()
    assert anything.matches(CASE)
    for unlisted in (
        replace(CASE, confidential=True),
        replace(CASE, public=False),
        replace(CASE, public=None),  # staff-entered: the reporter was never told it could be public
        replace(CASE, stage="intake"),  # waiting for intake, or refused there
        replace(CASE, stage=None),
    ):
        assert not anything.matches(unlisted)


def test_q_matches_the_published_text_and_the_number_never_what_is_masked():
    def finds(q: str) -> bool:
        return PublicFilter(q=q).matches(CASE)

    assert finds("ANTREAN") and finds("loket tambahan") and finds("[nama]") and finds("[telepon]")
    for hidden in ("Budi", "santoso", "0812", "3456-7890", "budi@example.id", "example.id", "Juanda", "acct-1"):
        assert not finds(hidden), hidden
    for number in ("KT-7K3M-9QXD", "kt 7k3m 9qxd", "KT7K3M9QXD", "7k3m", "9QXD"):
        assert finds(number), number
    assert PublicFilter(status="answered", opd="DINKES", category="kesehatan", subcategory="puskesmas").matches(CASE)
    for other in ({"status": "open"}, {"opd": "DISHUB"}, {"category": "pendidikan"}, {"subcategory": "rsud"}):
        assert not PublicFilter(**other).matches(CASE), other


# -- the item: named fields only ---------------------------------------------------------------------
def test_the_item_holds_named_fields_only_with_the_text_masked_and_the_point_rounded():
    item = public_item(CASE)
    assert item == {
        "tracking_number": "KT-7K3M-9QXD",
        "title": "Antrean puskesmas, lapor [nama]",
        "description": "Saya [nama], hubungi [telepon] atau [email], antrean tiga jam.",
        "category": "kesehatan",
        "category_name": item["category_name"],
        "subcategory": "puskesmas",
        "subcategory_name": "Layanan puskesmas",
        "opd": "DINKES",
        "opd_name": item["opd_name"],
        "status": "answered",
        "stage": "reply",
        "stage_label": {"id": "Balasan kepada pelapor", "en": item["stage_label"]["en"]},
        "submitted_at": CASE.created_at,
        "answered_at": CASE.answered_at,
        "answer": "Terima kasih Pak [nama], loket tambahan dibuka mulai Senin.",
        "lat": -0.502,
        "long": 117.154,
    }
    assert item["category_name"] == "Kesehatan" and item["opd_name"].startswith("Dinas Kesehatan")
    bare = public_item(replace(CASE, opd=None, reply=None, answered_at=None, latitude=None, longitude=None))
    assert not {"opd", "opd_name", "answer", "answered_at", "lat", "long"} & set(bare)
    sensitive = public_item(replace(CASE, subcategory="jaminan-kesehatan"))
    assert "lat" not in sensitive and "long" not in sensitive
    assert set(open_data_row(CASE)) == set(item) - {"stage_label"}


def test_stage_visits_say_whether_each_kept_the_sop_time():
    def visit(step: int, due: str, decided: str | None = None, outcome: str | None = None) -> WorkItem:
        return WorkItem(
            complaint_id=CASE.id,
            due_at=due,
            entered_at="2026-12-01T03:00:00.000+00:00",
            remind_at=due,
            role="operator",
            stage="intake",
            step=step,
            decided_at=decided,
            decided_by="operator@x.id" if decided else None,
            sla_outcome=outcome,
        )

    now = NOW
    before, after = iso(now - timedelta(hours=1)), iso(now + timedelta(hours=1))
    visits = [
        visit(3, after),  # open, not yet due
        visit(1, before, decided=iso(now - timedelta(hours=2))),  # done in time
        visit(2, before, decided=iso(now - timedelta(minutes=30))),  # done late
        visit(4, before),  # open, past due
        visit(5, before, decided=iso(now), outcome="met"),  # as the decision recorded it (a paused clock)
    ]
    out = stages(visits, now)
    assert [v["on_time"] for v in out] == [True, False, None, False, True]
    assert set(out[0]) == {"stage", "label", "entered_at", "completed_at", "due_at", "on_time"}
    assert "completed_at" not in out[2] and out[0]["label"]["id"] == "Penerimaan pengaduan"
    assert "decided_by" not in str(out) and "operator@" not in str(out)


# -- open data: the month, the CSV --------------------------------------------------------------------
def test_the_month_defaults_to_the_last_whole_one_and_refuses_one_not_begun():
    last = parse_month({}, TODAY, WITA)
    assert (last.month, last.current) == ("2026-11", False)
    assert (last.low, last.high) == ("2026-10-31T16:00:00.000+00:00", "2026-11-30T15:59:59.999+00:00")
    assert parse_month({}, date(2027, 1, 3), WITA).month == "2026-12"  # across the year
    assert parse_month({"month": "2026-12"}, TODAY, WITA).current
    assert parse_month({"month": "2019-02"}, TODAY, WITA).high == "2019-02-28T15:59:59.999+00:00"
    for bad, code in (
        ("2027-01", "future_month"),
        ("2026-13", "invalid_month"),
        ("2026-1", "invalid_month"),
        ("202611", "invalid_month"),
        ("", "invalid_month"),
        ("2026-11-01", "invalid_month"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            parse_month({"month": bad}, TODAY, WITA)
        assert fields_of(refused) == [("month", code)], bad


def test_the_csv_reads_back_with_its_header_and_runs_no_formula():
    rows = [
        open_data_row(replace(CASE, title='=HYPERLINK("http://evil.example","klik")', reply=None)),
        open_data_row(
            replace(CASE, title="+62 bukan nomor", description="-1+1 di kolom", latitude=None, longitude=None)
        ),
    ]
    text = open_data_csv(rows)
    assert text.startswith("\ufeff") and "\r\n" in text
    read = list(csv.DictReader(io.StringIO(text[1:])))
    assert list(read[0]) == list(OPEN_DATA_FIELDS)
    assert read[0]["title"] == '\'=HYPERLINK("http://evil.example","klik")'
    assert read[0]["answer"] == "" and read[0]["lat"] == "-0.502"  # a number, not "'-0.502"
    assert read[1]["title"].startswith("'+") and read[1]["description"] == "'-1+1 di kolom"
    assert read[1]["lat"] == "" and read[1]["long"] == ""
    assert open_data_csv([], bom=False) == ",".join(OPEN_DATA_FIELDS) + "\r\n"


# -- the use cases on the in-memory store ------------------------------------------------------------
@pytest.fixture
def world():
    return FakeWorld(Settings(calendar_mode="24x7"), NOW)


def test_a_confidential_case_and_an_unknown_number_get_the_same_answer(world):
    hidden = replace(CASE, id="b" * 32, tracking_number="KT-AAAA-BBBB", confidential=True)
    for complaint in (CASE, hidden):
        world.store.seed_complaint(complaint)
        world.store.tracking_numbers[complaint.tracking_number] = complaint.id
    assert public_register.case(world.svc, "kt 7k3m 9qxd", "203.0.113.1")["sop_outcome"] == "met"
    answers = []
    for number in ("KT-AAAA-BBBB", "KT-0000-0000", "nope"):
        with pytest.raises(public_register.NotInPublicRegister) as refused:
            public_register.case(world.svc, number, "203.0.113.1")
        answers.append((refused.value.code, str(refused.value)))
    assert len(set(answers)) == 1


def test_open_data_stops_at_the_byte_budget_with_a_token_that_goes_on(world, monkeypatch):
    made = []
    for n in range(5):
        created = iso(NOW - timedelta(days=10, hours=n))
        made.append(
            replace(
                CASE, id=f"{n:032x}", tracking_number=f"KT-AAAA-{n:04d}", created_at=created, created_month=created[:7]
            )
        )
        world.store.seed_complaint(made[-1])
    one_row = len(str(open_data_row(CASE)))
    monkeypatch.setattr(public_register, "OPEN_DATA_BYTES", one_row * 2)
    seen, token = [], None
    while True:
        data = public_register.open_data(
            world.svc, {"month": "2026-11", **({"next_token": token} if token else {})}, None
        )
        assert 1 <= len(data.rows) <= 3
        seen += [r["tracking_number"] for r in data.rows]
        token = data.next_token
        if not token:
            break
    assert seen == [c.tracking_number for c in made]  # newest first, each once
