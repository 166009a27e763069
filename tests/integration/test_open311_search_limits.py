"""Open311's public search (no key) is limited per client address and answers pages (issue 18, hardening):
counted with the atomic rate counters, 429 in Open311's format with Retry-After, another address unaffected."""

from __future__ import annotations

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.adapters.tables import RateCounterModel
from chalicelib.service.complaints import Citizen, submit_complaint

from .helpers import COMPLAINT, emitted_metrics
from .open311_helpers import accepted, assert_error, o311_call, xml_items

pytestmark = pytest.mark.integration
LIMIT = 3


@pytest.fixture
def stack_env():
    return {"OPEN311_SEARCH_LIMIT_PER_MINUTE": str(LIMIT)}


def from_address(monkeypatch, address: str) -> None:
    """Chalice's local gateway names every caller 127.0.0.1: here, the next requests come from ``address``."""
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", address)


def test_a_client_address_gets_its_searches_a_minute_then_429_with_retry_after(client, stack, monkeypatch, capsys):
    from_address(monkeypatch, "203.0.113.7")
    for n in range(LIMIT):
        response, parsed = o311_call(client, "get", "requests.json" if n % 2 else "requests.xml")
        assert response.status_code == 200, parsed
    for fmt in ("json", "xml"):
        response, parsed = o311_call(client, "get", f"requests.{fmt}?status=open")
        assert_error(response, parsed, 429, "at most 3 a minute from each address")
        assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "Open311SearchRateLimited" in [name for name, _ in emitted_metrics(capsys.readouterr().out)]
    # A bad search counts too (a harvester cannot probe for free), and a read by tracking number is not a search.
    assert o311_call(client, "get", "requests.json?start_date=kemarin")[0].status_code == 429
    assert o311_call(client, "get", "services.json")[0].status_code == 200

    from_address(monkeypatch, "198.51.100.20")  # another client is not held back by the first
    assert o311_call(client, "get", "requests.json")[0].status_code == 200
    counters = [c.counter for c in RateCounterModel.scan()]
    assert counters and not any("203.0.113.7" in c or "198.51.100.20" in c for c in counters)  # digests only


def test_a_search_answers_a_page_of_50_or_the_page_size_asked_up_to_200(client, stack, monkeypatch):
    from chalicelib.domain import georeport

    for n in range(3):
        complaint, _ = submit_complaint(stack.svc, Citizen(f"citizen-{n}", f"w{n}@example.id"), COMPLAINT)
        accepted(stack, complaint["id"])  # listed: the search finds only these
    monkeypatch.setattr(georeport, "PAGE_SIZE", 2)  # the default page, small enough to see it bite
    assert len(o311_call(client, "get", "requests.json")[1]) == 2
    _, page = o311_call(client, "get", "requests.xml?page_size=1")
    assert len(xml_items(page)) == 1
    assert len(o311_call(client, "get", "requests.json?page_size=3")[1]) == 3


@pytest.mark.parametrize("page_size", ["0", "201", "-1", "lima", "1e2"])
def test_a_page_size_out_of_bounds_is_400(client, stack, page_size):
    response, parsed = o311_call(client, "get", f"requests.json?page_size={page_size}")
    assert_error(response, parsed, 400, "page_size must be a whole number from 1 to 200")


def test_at_most_200_ids_at_once(client, stack):
    ids = ",".join(f"KT-0000-{n:04d}" for n in range(201))
    response, parsed = o311_call(client, "get", f"requests.json?service_request_id={ids}")
    assert_error(response, parsed, 400, "at most 200 service_request_id at once")
