"""The agencies' public scorecards (GET /public/agencies) from real cases through the real workflow.

Cases are routed, answered and rated by real executions in moto; the scorecards must say what the work
items and complaints say, read nothing but the report's month items (one Query each, by key), refuse a
period that is not whole months, and hold a client to its public reads a minute.
"""

from __future__ import annotations

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.adapters.tables import ReportModel, WorkItemModel
from chalicelib.domain import catalog, report
from chalicelib.domain.calendar import month_end
from chalicelib.domain.errors import AlreadyDecided
from chalicelib.service import followup
from chalicelib.service.decide import decide
from local.aws_calls import counting, install

from .helpers import CITIZEN, DINKES, DISKOMINFO, OPERATOR, assert_problem, call, submit

pytestmark = pytest.mark.integration

ROUTE = "/public/agencies"
TO_DINKES = {"kind": "aspiration", "opd": "DINKES"}


def scorecards(client, query: str = ""):
    return call(client, "get", ROUTE + (f"?{query}" if query else ""))


def by_code(body: dict) -> dict[str, dict]:
    return {card["opd"]: card for card in body["items"]}


def close_to(estimate: float, exact: float) -> bool:
    """Within one histogram bucket (2 %) plus the rounding to 0.1 minute."""
    return abs(estimate - exact) <= report.ACCURACY * exact + 0.051


def test_the_scorecards_say_what_the_cases_did(stack, client):
    # 1. routed to Dinas Kesehatan, answered by it, rated 2
    answered = submit(stack)
    stack.walk(
        answered,
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, TO_DINKES),
        ("opd_response", DINKES, {"response": "Jam layanan sudah normal."}),
        ("review", DISKOMINFO, {"decision": "approve"}),
        ("reply", OPERATOR, {"reply": "Dinkes: jam layanan normal."}),
    )
    stack.run_until(lambda: stack.complaint(answered).answered_at, what="the answer")
    followup.rate_as_citizen(stack.svc, answered, CITIZEN.id, {"score": 2})
    # 2. routed to Dinas Kesehatan, still waiting for its response; the routing retried: counted once
    waiting = submit(stack)
    stack.walk(waiting, ("intake", OPERATOR, {"decision": "accept"}))
    visit = stack.waiting_at(waiting, "classification")
    stack.decide(DISKOMINFO, TO_DINKES)
    with pytest.raises(AlreadyDecided):  # the link again (a second click, a retried request)
        stack.decide(DISKOMINFO, TO_DINKES)
    with pytest.raises(AlreadyDecided):  # the console's decision of the same stage
        decide(stack.svc, waiting, int(visit.step), TO_DINKES, actor=DISKOMINFO)
    stack.waiting_at(waiting, "opd_response")
    # 3. information, answered by Diskominfo itself and rated: no agency's figure
    information = submit(stack, title="Jadwal vaksin")
    stack.walk(
        information,
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "information"}),
        ("reply", OPERATOR, {"reply": "Jadwal ada di situs Dinkes."}),
    )
    stack.run_until(lambda: stack.complaint(information).answered_at, what="the answer")
    followup.rate_as_citizen(stack.svc, information, CITIZEN.id, {"score": 5})

    response, body = scorecards(client)
    assert response.status_code == 200, body
    assert response.headers["Cache-Control"] == "public, max-age=300"
    today = report.local_day(stack.svc.now())
    assert (body["from"], body["to"]) == (f"{today.year}-01-01", today.isoformat())  # this year so far
    assert body["label"]["id"].endswith("(berjalan, s.d. hari ini)") and body["label"]["en"].endswith("(to date)")
    names = [card["name"] for card in body["items"]]
    assert names == sorted(names, key=str.casefold) and {c["opd"] for c in body["items"]} == set(catalog.OPDS)

    dinkes = by_code(body)["DINKES"]
    responded = [
        i for i in WorkItemModel.query(answered) if i.stage == "opd_response" and i.decision is not None
    ]  # the agency's own visit: what its time and share are measured on
    assert len(responded) == 1
    assert (dinkes["received"], dinkes["answered"], dinkes["ratings"], dinkes["average_rating"]) == (2, 1, 1, 2.0)
    assert dinkes["answered_within_sop_pct"] == (100.0 if responded[0].sla_outcome == "met" else 0.0)
    assert close_to(dinkes["median_business_minutes_to_answer"], float(responded[0].business_minutes))
    assert dinkes["median_text"]["id"] != "–"
    for code, card in by_code(body).items():
        if code != "DINKES":  # Diskominfo's information answer counts for no agency
            assert (card["received"], card["answered"], card["ratings"]) == (0, 0, 0), code
            assert card["average_rating"] is card["answered_within_sop_pct"] is None, code

    # The month asked as a whole month, and as "this month so far": the same month item.
    month = f"{today.year}-{today.month:02d}"
    last = month_end(today.year, today.month)
    for query in (f"from={month}-01&to={last.isoformat()}", f"from={month}-01&to={today.isoformat()}"):
        response, same = scorecards(client, query)
        assert response.status_code == 200, same
        assert by_code(same)["DINKES"] == dinkes

    # What it read: one Query of the report's month partition (its agencies' rows), and the client's counter.
    install()
    with counting() as tally:
        response, _ = scorecards(client, f"from={month}-01&to={last.isoformat()}")
    assert response.status_code == 200
    assert dict(tally.calls) == {("dynamodb", "Query"): 1, ("dynamodb", "UpdateItem"): 1}, tally.operations()
    (read,) = [access for access in tally.dynamodb if not access.write]
    assert (read.table, read.operation) == (ReportModel.Meta.table_name, "Query")
    # ... by a key condition: the month's other rows (total, stages, channels, categories) are not read at all.
    partition = report.month_key(today.year, today.month)
    everything, _ = stack.svc.store.report_items([partition])
    agencies, read_count = stack.svc.store.report_items([partition], rows="opd#")
    assert read_count == len(agencies) == 2  # opd#DINKES and opd#none
    assert {row for _, row, _ in agencies} == {row for _, row, _ in everything if row.startswith("opd#")}
    assert len(everything) > read_count


def test_a_period_must_be_whole_months(stack, client):
    today = report.local_day(stack.svc.now())
    month = f"{today.year}-{today.month:02d}"
    for query, field, code in (
        ("from=2026-01-02", "from", "whole_months"),
        ("from=2026-01-01&to=2026-01-30", "to", "whole_months"),
        ("from=2026-02-01&to=2026-02-27", "to", "whole_months"),
        ("from=2026-02-01&to=2026-01-31", "to", "before_from"),
        ("from=2023-01-01&to=2026-01-31", "to", "period_too_long"),
        ("from=2026-1-1", "from", "invalid_date"),
        ("to=kemarin", "to", "invalid_date"),
    ):
        response, problem = scorecards(client, query)
        assert_problem(response, problem, 422)
        assert [(e["field"], e["code"]) for e in problem["errors"]] == [(field, code)], query
        assert problem["errors"][0]["message"]["id"] and problem["errors"][0]["message"]["en"]
    response, problem = scorecards(client, "from=2026-01-15&to=2026-03-31")
    assert "bulan penuh" in problem["errors"][0]["message"]["id"]
    assert "whole months" in problem["errors"][0]["message"]["en"]
    if today.day > 1:  # yesterday is neither a month's end nor "so far"
        yesterday = today.replace(day=today.day - 1)
        if yesterday != month_end(yesterday.year, yesterday.month):
            response, problem = scorecards(client, f"from={month}-01&to={yesterday.isoformat()}")
            assert_problem(response, problem, 422)
    response, body = scorecards(client, "from=2024-01-01&to=2026-12-31")  # 36 months
    assert response.status_code == 200 and len(body["items"]) == len(catalog.OPDS)
    assert body["label"]["en"].startswith("1 January 2024")


@pytest.mark.parametrize("stack_env", [{"PUBLIC_LIMIT_PER_MINUTE": "3"}])
def test_each_client_address_gets_its_reads_a_minute_then_429(stack, client, monkeypatch):
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.21")
    assert scorecards(client)[0].status_code == 200
    assert scorecards(client, "from=2026-01-02")[0].status_code == 422  # a refused period counts too
    assert scorecards(client)[0].status_code == 200
    response, problem = scorecards(client)
    assert_problem(response, problem, 429)
    assert problem["type"].endswith("/public-reads-limited")
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "198.51.100.44")
    assert scorecards(client)[0].status_code == 200  # another address is not held
