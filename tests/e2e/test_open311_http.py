"""Open311 GeoReport v2 over HTTP on the real local stack, with the key its banner prints.

A client discovers the endpoint, lists the services, POSTs a request in XML and one in JSON, reads them
back in both formats (XML parsed with ElementTree), follows one through the SOP (the teams act from
their emailed links) until it reads ``closed`` with the reply, and meets the spec's errors. Every
document is checked against the field lists of the specification.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
import requests

from local.launch import wait_for
from tests.samples import REQUEST_FIELDS

from .helpers import DISKOMINFO, OPERATOR, act, next_link

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": "0.1", "FEEDBACK_WINDOW_MINUTES": "0.05"}
XML, JSON = "text/xml; charset=utf-8", "application/json; charset=utf-8"
# The specification's field lists (GeoReport/v2/index.md, Service_Discovery.md), in its order.
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
DEFINITION_FIELDS = ["service_code", "attributes"]
CREATED_FIELDS = ["service_request_id", "service_notice", "account_id"]
ERROR_FIELDS = ["code", "description"]
W3C = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def base(local_stack):
    return f"{local_stack.api}/open311/v2"


@pytest.fixture(scope="module")
def key(local_stack):
    (line,) = [line for line in local_stack.banner if line.startswith("Open311 API key: ")]
    return line.split(": ", 1)[1].strip()


def get(url, content_type, expect=200, **params):
    response = requests.get(url, params=params, timeout=10)
    assert response.status_code == expect, response.text
    assert response.headers["Content-Type"] == content_type
    return response


def xml(response) -> ET.Element:
    assert response.content.startswith(b"<?xml")
    return ET.fromstring(response.content)


def items(root: ET.Element, item_tag: str) -> list[dict]:
    assert all(child.tag == item_tag for child in root)
    return [{field.tag: field.text for field in item} for item in root]


def test_discovery_and_services(base):
    discovery = get(f"{base}/discovery.json", JSON).json()
    assert list(discovery) == DISCOVERY_FIELDS and list(discovery["endpoints"][0]) == ENDPOINT_FIELDS
    endpoint = discovery["endpoints"][0]
    assert endpoint["url"].endswith("/open311/v2") and endpoint["type"] == "test"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    root = xml(get(f"{base}/discovery.xml", XML))
    assert [c.tag for c in root] == DISCOVERY_FIELDS
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]

    services = get(f"{base}/services.json", JSON).json()
    assert services and all(list(s) == SERVICE_FIELDS for s in services)
    from_xml = items(xml(get(f"{base}/services.xml", XML)), "service")
    assert [list(s) for s in from_xml] == [SERVICE_FIELDS] * len(services)
    assert [s["service_code"] for s in from_xml] == [s["service_code"] for s in services]
    assert {"lingkungan.sampah", "kesehatan.puskesmas"} <= {s["service_code"] for s in services}
    definition = get(f"{base}/services/lingkungan.sampah.json", JSON).json()
    assert list(definition) == DEFINITION_FIELDS and definition["attributes"] == []
    assert [c.tag for c in xml(get(f"{base}/services/lingkungan.sampah.xml", XML))] == DEFINITION_FIELDS


def test_a_round_trip_in_both_formats_until_closed(local_stack, base, key):
    form = {
        "api_key": key,
        "service_code": "lingkungan.sampah",
        "lat": "-0.5022",
        "long": "117.1536",
        "address_string": "Pasar Segiri, Samarinda",
        "email": "pelapor.app@example.id",
        "first_name": "Dewi",
        "last_name": "Lestari",
        "description": "Sampah menumpuk di depan Pasar Segiri & <tidak> diangkut.",
        "account_id": "acc-42",
    }
    response = requests.post(f"{base}/requests.xml", data=form, timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"] == XML, response.text
    (created,) = items(xml(response), "request")
    assert list(created) == CREATED_FIELDS and created["account_id"] == "acc-42"
    number = created["service_request_id"]
    response = requests.post(
        f"{base}/requests.json",
        timeout=10,
        data={
            **form,
            "service_code": "kesehatan.puskesmas",
            "email": "",
            "description": "Puskesmas Segiri tutup sebelum jam layanan.",
        },
    )
    assert response.status_code == 200 and response.headers["Content-Type"] == JSON, response.text
    (other,) = response.json()
    assert list(other) == CREATED_FIELDS and other["service_request_id"] != number

    (request,) = get(f"{base}/requests/{number}.json", JSON).json()
    assert list(request) == REQUEST_FIELDS and request["status"] == "open"
    assert request["description"] is None and request["lat"] is None  # public only once intake accepted it

    # The SOP runs: the reporter is emailed, the teams act from their links, the reply comes back.
    receipt = wait_for(
        lambda: [m for m in local_stack.messages() if "pelapor.app@example.id" in m["to"]], "the reporter's receipt"
    )
    assert number in receipt[0]["subject"]
    used: set[str] = set()
    act(next_link(local_stack, OPERATOR, number, used), {"decision": "accept"})
    request = wait_for(
        lambda: [r for r in get(f"{base}/requests/{number}.json", JSON).json() if r["description"]],
        "the text once intake accepted it",
    )[0]
    assert request["description"] == form["description"] and request["address"] == "Pasar Segiri, Samarinda"
    assert (request["lat"], request["long"]) == (-0.502, 117.154)  # rounded to 3 decimals (about 110 m)
    assert request["agency_responsible"] == "Dinas Lingkungan Hidup"
    assert all(W3C.match(request[f]) for f in ("requested_datetime", "updated_datetime", "expected_datetime"))
    response = get(f"{base}/requests/{number}.xml", XML)
    (from_xml,) = items(xml(response), "request")
    assert list(from_xml) == REQUEST_FIELDS and from_xml["description"] == form["description"]
    assert "&lt;tidak&gt;" in response.text  # escaped by the library
    listed = get(f"{base}/requests.json", JSON, service_request_id=f"{number},{other['service_request_id']}").json()
    assert [r["service_request_id"] for r in listed] == [number, other["service_request_id"]]
    assert number in [r["service_request_id"] for r in get(f"{base}/requests.json", JSON, status="open").json()]
    for body in (response.text, str(listed)):
        assert "Dewi" not in body and "pelapor.app@example.id" not in body and "acc-42" not in body
    act(next_link(local_stack, DISKOMINFO, number, used), {"kind": "information"})
    act(next_link(local_stack, OPERATOR, number, used), {"reply": "DLH mengangkut sampah Pasar Segiri hari ini."})

    def closed():
        (item,) = items(xml(get(f"{base}/requests/{number}.xml", XML)), "request")
        return item if item["status"] == "closed" else None

    item = wait_for(closed, "the request to read closed")
    assert item["status_notes"] == "DLH mengangkut sampah Pasar Segiri hari ini."
    assert item["agency_responsible"] == "Dinas Komunikasi dan Informatika"  # an information request
    assert number in [r["service_request_id"] for r in get(f"{base}/requests.json", JSON, status="closed").json()]
    assert get(f"{base}/tokens/{number}.json", JSON).json() == [{"service_request_id": number, "token": number}]


def test_errors_in_both_formats(base, key):
    cases = [
        (
            "post",
            "requests",
            {
                "service_code": "lingkungan.sampah",
                "description": "Sampah menumpuk lagi.",
                "address_string": "Samarinda",
            },
            403,
        ),
        (
            "post",
            "requests",
            {
                "api_key": key[:-1] + ("A" if key[-1] != "A" else "B"),
                "service_code": "lingkungan.sampah",
                "description": "Sampah menumpuk lagi.",
                "address_string": "Samarinda",
            },
            403,
        ),
        (
            "post",
            "requests",
            {
                "api_key": key,
                "service_code": "001",
                "description": "Sampah menumpuk lagi.",
                "address_string": "Samarinda",
            },
            404,
        ),
        ("post", "requests", {"api_key": key, "service_code": "lingkungan.sampah", "address_string": "Samarinda"}, 400),
        ("get", "requests/KT-0000-0000", None, 404),
        ("get", "services/001", None, 404),
        ("get", "requests", {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, 400),
    ]
    for method, resource, fields, status in cases:
        for fmt, content_type in (("json", JSON), ("xml", XML)):
            url = f"{base}/{resource}.{fmt}"
            response = (
                requests.post(url, data=fields, timeout=10)
                if method == "post"
                else requests.get(url, params=fields, timeout=10)
            )
            assert response.status_code == status and response.headers["Content-Type"] == content_type, (
                url,
                response.status_code,
                response.text,
            )
            if fmt == "json":
                errors = response.json()
                assert errors and all(list(e) == ERROR_FIELDS and e["code"] == status for e in errors)
            else:
                root = xml(response)
                assert root.tag == "errors" and all(
                    e.tag == "error" and [c.tag for c in e] == ERROR_FIELDS and e.findtext("code") == str(status)
                    for e in root
                )
