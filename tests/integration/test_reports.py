"""The SLA report, kept as the work happens, equals a recount from the raw records.

Cases go through every path and several channels by real executions in moto; then the report's
figures are compared with what the complaints, work items and audit trails say.
"""

from __future__ import annotations

import base64
import io
import json
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import openpyxl
import pytest

from chalicelib.adapters.tables import AuditModel, ComplaintModel, WorkItemModel
from chalicelib.domain import report, sop
from chalicelib.domain.report import XLSX_CONTENT_TYPE as XLSX
from chalicelib.domain.roles import StaffMember
from chalicelib.domain.timestamps import parse_iso
from chalicelib.service import followup, reports
from chalicelib.service.complaints import Citizen, enter_complaint, submit_complaint
from chalicelib.service.staff import answer_for_reporter

from .helpers import assert_problem, call

pytestmark = pytest.mark.integration

CITIZEN = Citizen(id="citizen-r", email="warga-r@example.id", name="Rina")
OPERATOR = "operator@aspirasi.kaltimprov.go.id"
DISKOMINFO = "diskominfo@aspirasi.kaltimprov.go.id"
DINKES = "opd-dinkes@aspirasi.kaltimprov.go.id"
OPERATOR_MEMBER = StaffMember(OPERATOR, frozenset({"operator"}))
INFORMATION = (
    ("intake", OPERATOR, {"decision": "accept"}),
    ("classification", DISKOMINFO, {"kind": "information"}),
    ("reply", OPERATOR, {"reply": "Jadwal ada di situs Dinkes."}),
)
HEALTH = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
}
ROADS = {
    "category": "perhubungan",
    "subcategory": "lalu-lintas",
    "title": "Lampu lalu lintas mati",
    "description": "Lampu di simpang Lembuswana mati sejak kemarin.",
}


@pytest.fixture
def stack_env():
    # Intake is due after 12 s and reminds after 6 s: one case can be left to escalate.
    return {"SLA_TIME_SCALE": "0.02"}


def web(stack, payload) -> str:
    view, created = submit_complaint(stack.svc, CITIZEN, payload)
    assert created
    return view["id"]


def entered(stack, channel: str, payload) -> str:
    complaint, created = enter_complaint(
        stack.svc,
        OPERATOR_MEMBER,
        {**payload, "channel": channel, "reporter": {"name": "Pak Budi", "phone": "0812-3456-7890"}},
    )
    assert created
    return complaint.id


def answered(stack, cid):
    stack.run_until(lambda: stack.complaint(cid).answered_at, what="the answer")


def play_every_path(stack) -> dict[str, str]:
    cases = {}
    # 1. web, information answered by Diskominfo and the operator; then rated
    cid = cases["information"] = web(stack, HEALTH)
    stack.walk(cid, *INFORMATION)
    answered(stack, cid)
    followup.rate_as_citizen(stack.svc, cid, CITIZEN.id, {"score": 4})
    # 2. web, aspiration answered by Dinas Kesehatan; rated
    cid = cases["aspiration"] = web(stack, HEALTH)
    stack.walk(
        cid,
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"}),
        ("opd_response", DINKES, {"response": "Jam layanan sudah normal."}),
        ("review", DISKOMINFO, {"decision": "approve"}),
        ("reply", OPERATOR, {"reply": "Dinkes: jam layanan normal."}),
    )
    answered(stack, cid)
    followup.rate_as_citizen(stack.svc, cid, CITIZEN.id, {"score": 2, "comment": "lambat"})
    # 3. by phone, rejected at intake
    cid = cases["rejected"] = entered(stack, "phone", ROADS)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "reject", "reason": "Bukan keluhan."})
    stack.run_until(lambda: stack.complaint(cid).status == "closed", what="rejected")
    # 4. web, a duplicate of case 2
    cid = cases["duplicate"] = web(stack, HEALTH)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    stack.decide(DISKOMINFO, {"kind": "duplicate", "of": stack.complaint(cases["aspiration"]).tracking_number})
    stack.run_until(lambda: stack.complaint(cid).status == "closed", what="closed as a duplicate")
    # 5. by WhatsApp: intake asks, the operator records the answer, the stage resumes and goes on
    cid = cases["asked"] = entered(stack, "whatsapp", ROADS)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "request_information", "question": "Simpang yang mana?"})
    stack.run_until(lambda: stack.complaint(cid).pending_question, what="the question")
    answer_for_reporter(stack.svc, OPERATOR_MEMBER, cid, {"answer": "Simpang Lembuswana."})
    stack.run_until(lambda: len([i for i in stack.items(cid) if i.stage == "intake"]) == 2, what="resumed")
    stack.walk(cid, *INFORMATION[:2], ("reply", OPERATOR, {"reply": "Sudah diperbaiki Dishub."}))
    answered(stack, cid)
    # 6. web, still waiting at intake (overdue by the time case 7 has escalated)
    waiting = cases["waiting"] = web(stack, HEALTH)
    stack.waiting_at(waiting, "intake")
    # 7. web, left at intake until it is reminded and escalated, then accepted late; still open
    cid = cases["late"] = web(stack, ROADS)
    stack.waiting_at(cid, "intake")
    stack.run_until(
        lambda: stack.items(cid)[-1].escalations >= 1 and stack.items(waiting)[-1].escalations >= 1,
        timeout=40,
        what="the escalations",
    )
    stack.decide(OPERATOR, {"decision": "accept"})
    stack.waiting_at(cid, "classification")
    return cases


def recount(start, end) -> dict:
    """The report's figures, counted the slow way from every record (what the report must never do)."""

    def in_period(at: str | None) -> bool:
        if not at:
            return False
        return start <= report.local_day(parse_iso(at)) <= end

    complaints = list(ComplaintModel.scan())
    items = list(WorkItemModel.scan())
    audits = list(AuditModel.scan())
    stage_of_step = {(i.complaint_id, int(i.step)): i.stage for i in items}
    ticks: Counter[tuple[str, str]] = Counter()
    for entry in audits:
        if entry.action in ("reminder_sent", "escalated") and in_period(entry.at):
            ticks[(entry.action, entry.stage)] += 1
    received = [c for c in complaints if in_period(c.created_at)]
    first_answers = [c for c in complaints if in_period(c.answered_at)]
    completed = defaultdict(list)
    for item in items:
        if item.decision and item.decision.get("outcome") != "request_information" and in_period(item.decided_at):
            completed[item.stage].append(item)
    ratings = [c.rating["score"] for c in complaints if c.rating and in_period(c.rating["at"])]
    now = datetime.now(UTC).isoformat()
    overdue = {
        i.complaint_id for i in items if i.queue and i.due_at <= now and any(c.id == i.complaint_id for c in received)
    }
    return {
        "totals": {
            "received": len(received),
            "answered": len(first_answers),
            "closed": sum(1 for c in complaints if in_period(c.closed_at)),
            "open": sum(1 for c in received if c.status == "open"),
            "overdue_open": len(overdue),
            "answered_within_sop": sum(1 for c in first_answers if c.sop_outcome == "met"),
            "reminders": sum(n for (action, _), n in ticks.items() if action == "reminder_sent"),
            "escalations": sum(n for (action, _), n in ticks.items() if action == "escalated"),
            "ratings": len(ratings),
            "rating_average": round(sum(ratings) / len(ratings), 2) if ratings else None,
        },
        "completed": completed,
        "ticks": ticks,
        "received_by_channel": Counter(c.channel for c in received),
        "answered_by_channel": Counter(c.channel for c in first_answers),
        "received_by_category": Counter(c.category for c in received),
        "stage_of_step": stage_of_step,
    }


def close_to(estimate, exact) -> bool:
    """Within one histogram bucket (2 %) plus the report's rounding to 0.1 minute."""
    return abs(estimate - exact) <= report.ACCURACY * exact + 0.051


def test_the_report_equals_a_recount_of_the_raw_records(stack):
    cases = play_every_path(stack)
    today = report.local_day(stack.svc.now())
    start, end = today - timedelta(days=1), today + timedelta(days=1)  # safe across midnight in WITA
    figures = reports.sla_report(stack.svc, start, end)
    expected = recount(start, end)

    totals = figures["totals"]
    for name, value in expected["totals"].items():
        assert totals[name] == value, name
    assert totals["received"] == len(cases) == 7
    assert totals["answered"] == 3 and totals["ratings"] == 2 and totals["rating_average"] == 3.0
    assert totals["open"] == 2  # the late one and the waiting one
    assert totals["escalations"] >= 1 and totals["reminders"] >= 1
    assert totals["overdue_open"] == 1  # the one still waiting at intake
    assert totals["answered_within_sop_pct"] == 100.0

    by_stage = {row["stage"]: row for row in figures["by_stage"]}
    assert list(by_stage) == [s.name for s in sop.STAGES]  # every SOP stage, in SOP order
    for stage in set(by_stage) - set(expected["completed"]):  # nothing completed there: zeros, nothing to divide
        assert by_stage[stage]["completed"] == by_stage[stage]["breached"] == 0, stage
        assert by_stage[stage]["within_sop_pct"] is None and by_stage[stage]["median_text"]["id"] == "–"
    for stage, visits in expected["completed"].items():
        row = by_stage[stage]
        minutes = [float(i.business_minutes) + float(i.carried_seconds or 0) / 60 for i in visits]
        assert row["completed"] == len(visits)
        assert row["breached"] == sum(1 for i in visits if i.sla_outcome == "breached")
        assert close_to(row["median_business_minutes"], report.exact_quantile(minutes, 0.5)), stage
        assert close_to(row["p90_business_minutes"], report.exact_quantile(minutes, 0.9)), stage
        assert row["reminders"] == expected["ticks"][("reminder_sent", stage)]
        assert row["escalations"] == expected["ticks"][("escalated", stage)]
    assert by_stage["intake"]["completed"] == 6  # the question's visit is counted once, by its resumed visit
    assert by_stage["intake"]["breached"] == 1 and by_stage["intake"]["within_sop_pct"] == round(500 / 6, 1)

    by_opd = {row["opd"]: row for row in figures["by_opd"]}
    assert by_opd["DINKES"]["completed"] == 1 and by_opd["DINKES"]["rating_average"] == 2.0
    assert by_opd[report.NO_OPD]["rating_average"] == 4.0  # information answered without an agency

    by_channel = {row["channel"]: row for row in figures["by_channel"]}
    assert {k: row["received"] for k, row in by_channel.items()} == dict(expected["received_by_channel"])
    assert {k: row["completed"] for k, row in by_channel.items() if row["completed"]} == dict(
        expected["answered_by_channel"]
    )
    by_category = {row["category"]: row["received"] for row in figures["by_category"]}
    assert by_category == dict(expected["received_by_category"])
    assert sum(row["received"] for row in figures["by_month"]) == 7
    # A year's report reads one item per row of each partition, not one per complaint.
    assert figures["items_read"] < 60


def test_a_redelivered_message_counts_nothing_twice(stack):
    cid = web(stack, HEALTH)
    stack.walk(cid, *INFORMATION)
    while stack.deliver_twice():  # every record of the rest of the case handed to the consumer twice
        pass
    answered(stack, cid)
    stack.run_until(lambda: stack.complaint(cid).status == "closed", what="closed")
    today = report.local_day(stack.svc.now())
    totals = reports.sla_report(stack.svc, today - timedelta(days=1), today + timedelta(days=1))["totals"]
    assert (totals["received"], totals["answered"], totals["closed"], totals["open"]) == (1, 1, 1, 0)


def test_the_report_route_checks_its_input_and_its_readers(stack, staff):
    supervisor = staff.token("supervisor")
    response, body = call(staff.client, "get", "/staff/reports/sla?from=2026-11-01&to=2026-11-30", token=supervisor)
    assert response.status_code == 200 and body["from"] == "2026-11-01" and body["to"] == "2026-11-30"
    assert [row["month"] for row in body["by_month"]] == ["2026-11"]
    for query, field in (
        ("from=2026-13-01", "from"),
        ("from=2026-11-30&to=2026-11-01", "to"),
        ("from=2020-01-01&to=2026-11-30", "to"),
        ("format=pdf", "format"),
    ):
        response, problem = call(staff.client, "get", f"/staff/reports/sla?{query}", token=supervisor)
        assert_problem(response, problem, 422)
        assert problem["errors"][0]["field"] == field, query
    response, body = call(staff.client, "get", "/staff/reports/sla", token=staff.token("operator"))
    assert response.status_code == 403


def lambda_proxy(app_module, path: str, query: dict, headers: dict) -> dict:
    """Call the API function as API Gateway's proxy integration does; return what Lambda would send back."""
    event = {
        "resource": path,
        "path": path,
        "httpMethod": "GET",
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": query,
        "multiValueQueryStringParameters": {k: [v] for k, v in query.items()},
        "pathParameters": None,
        "stageVariables": None,
        "body": None,
        "isBase64Encoded": False,
        "requestContext": {"resourcePath": path, "httpMethod": "GET", "path": f"/api{path}", "stage": "api"},
    }
    result = app_module.app(event, None)
    json.dumps(result)  # the Lambda runtime serializes the result as JSON: bytes would fail here (a 502)
    return result


def test_the_report_files_survive_the_trip_through_lambda_and_api_gateway(stack, staff):
    bearer = {"Authorization": f"Bearer {staff.token('diskominfo')}"}
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    csv_out = lambda_proxy(
        stack.app, "/staff/reports/sla", {**period, "format": "csv"}, {**bearer, "Accept": "text/csv"}
    )
    assert csv_out["statusCode"] == 200 and not csv_out.get("isBase64Encoded")
    assert (
        csv_out["body"].startswith("\ufeff")
        and "Laporan-SLA-Aspirasi-Kaltim-2026-11-01_2026-11-30.csv" in (csv_out["headers"]["Content-Disposition"])
    )
    xlsx_out = lambda_proxy(stack.app, "/staff/reports/sla", {**period, "format": "xlsx"}, {**bearer, "Accept": XLSX})
    assert xlsx_out["statusCode"] == 200 and xlsx_out["isBase64Encoded"]
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(xlsx_out["body"])))
    assert "Ringkasan" in workbook.sheetnames
    svg_out = lambda_proxy(stack.app, "/staff/reports/sla", {**period, "format": "svg"}, {**bearer, "Accept": "*/*"})
    assert svg_out["body"].startswith("<svg") and svg_out["headers"]["Content-Security-Policy"] == "default-src 'none'"
