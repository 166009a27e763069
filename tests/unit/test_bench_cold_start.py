"""The cold-start benchmark's pure helpers (bench/cold_start.py): events, order, medians, ratios, table."""

import json

from chalice.app import Request

from bench import cold_start
from bench.cold_start import FLOOR, KINDS, Sample, api_event, rotated, summarise, table


def test_api_event_is_a_rest_proxy_event_chalice_reads():
    event = api_event(
        "GET", "/complaints/{complaint_id}", {"complaint_id": "c-1"}, headers={"Authorization": "Bearer t"}
    )
    request = Request(event)
    assert (request.method, request.path, request.uri_params) == (
        "GET",
        "/complaints/{complaint_id}",
        {"complaint_id": "c-1"},
    )
    assert request.headers["authorization"] == "Bearer t"
    assert event["path"] == "/complaints/c-1" and event["requestContext"]["resourcePath"] == event["resource"]
    assert request.query_params is None and event["body"] is None


def test_api_event_with_a_body_is_json():
    event = api_event("POST", "/complaints", body={"title": "Jalan rusak"})
    request = Request(event)
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.raw_body) == {"title": "Jalan rusak"}
    assert event["pathParameters"] is None


def test_each_run_has_every_kind_once_and_each_kind_leads_in_turn():
    runs = [rotated(KINDS, run) for run in range(len(KINDS))]
    assert all(sorted(order) == sorted(KINDS) for order in runs)
    assert [order[0] for order in runs] == list(KINDS)
    assert rotated(KINDS, len(KINDS)) == list(KINDS)


def test_summarise_takes_medians_and_ratios_to_the_floor():
    samples = {
        FLOOR: [Sample(0.20, 0.30, 40), Sample(0.10, 0.20, 50), Sample(0.30, 0.40, 45)],
        "api": [Sample(0.24, 0.50, 60), Sample(0.26, 0.60, 70), Sample(0.90, 0.70, 65)],
        "consumer": [Sample(0.30, 0.30, 60), Sample(0.28, 0.30, 60), Sample(0.27, 0.30, 60)],
    }
    figures = summarise(samples)
    assert figures[FLOOR] == {"seconds": 0.20, "exit_seconds": 0.30, "peak_mib": 45, "samples": 3}
    assert round(figures["api"]["ratio"], 6) == 1.3 and figures["api"]["within_budget"]
    assert round(figures["api"]["exit_ratio"], 6) == 2.0
    assert round(figures["consumer"]["ratio"], 6) == 1.4 and not figures["consumer"]["within_budget"]
    assert figures["consumer"]["peak_mib"] == 60


def test_table_says_within_or_over_the_budget():
    figures = summarise(
        {
            FLOOR: [Sample(0.2, 0.3, 40.0)],
            "api_categories": [Sample(0.24, 0.4, 50.0)],
            "consumer_handoff": [Sample(0.4, 0.6, 60.0)],
        }
    )
    text = table({"runs": 1, **figures})
    rows = {line.split("|")[1].strip(): line for line in text.splitlines()[2:]}
    assert list(rows) == [FLOOR, "api_categories", "consumer_handoff"]
    assert "| 0.200 | 1.00 | 0.300 | 1.00 | 40.0 |  |" in rows[FLOOR]
    assert "within" in rows["api_categories"] and "| 1.20 |" in rows["api_categories"]
    assert "OVER" in rows["consumer_handoff"] and "| 2.00 |" in rows["consumer_handoff"]


def test_the_child_program_compiles():
    compile(cold_start.CHILD, "<cold-start child>", "exec")
