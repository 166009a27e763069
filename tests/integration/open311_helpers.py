"""Open311 calls and requests shared by the Open311, input-rule and abuse-limit integration tests."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import urlencode

from chalicelib.domain import georeport
from chalicelib.service import api_keys, decide

from .helpers import OPERATOR
from .staff_helpers import DOMAIN

FORM = "application/x-www-form-urlencoded; charset=utf-8"
ADMIN = f"admin@{DOMAIN}"
NEW_REQUEST = {
    "service_code": "kesehatan.puskesmas",
    "lat": "-0.4948",
    "long": "117.1436",
    "address_string": "Jl. Pahlawan, Sempaja, Samarinda",
    "email": "Rina.Warga@Example.id",
    "first_name": "Rina",
    "last_name": "Wulandari",
    "phone": "+62 811-5500-123",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
    "media_url": "https://foto.example.id/puskesmas.jpg",
    "device_id": "device-7781",
    "account_id": "akun-5521",
}


def accepted(stack, complaint_id: str) -> None:
    """Intake accepts the complaint (its text becomes public if its reporter was told so: Open311's search lists
    only such complaints, domain/publication.is_listed), and its next stage is waiting."""
    intake = stack.waiting_at(complaint_id, "intake")
    decide.decide(stack.svc, complaint_id, int(intake.step), {"decision": "accept"}, actor=OPERATOR)
    stack.waiting_at(complaint_id, "classification")


def o311_call(client, method: str, path: str, form=None, headers=None, raw=None) -> tuple[Any, Any]:
    """Call /open311/v2/<path>; the body parsed by the URL's format (JSON, or XML with ElementTree)."""
    h = dict(headers or {})
    body = b""
    if form is not None:
        h.setdefault("Content-Type", FORM)
        body = urlencode(form).encode()
    if raw is not None:
        body = raw
    response = getattr(client, method)(f"/open311/v2/{path}", headers=h, body=body)
    fmt = georeport.format_of(path.split("?")[0]) or "xml"
    assert response.headers["Content-Type"] == georeport.FORMATS[fmt], response.headers
    parsed = json.loads(response.body) if fmt == "json" else ET.fromstring(response.body)
    return response, parsed


def xml_items(root):
    """XML items as dicts of their children's text (the spec's flat shapes)."""
    return [{child.tag: child.text for child in item} for item in root]


def assert_error(response, parsed, status, fragment=""):
    assert response.status_code == status, parsed
    if isinstance(parsed, list):
        assert parsed and all(set(e) == {"code", "description"} and e["code"] == status for e in parsed), parsed
        descriptions = [e["description"] for e in parsed]
    else:
        assert parsed.tag == "errors" and all(e.tag == "error" for e in parsed)
        assert all([c.tag for c in e] == ["code", "description"] and e.findtext("code") == str(status) for e in parsed)
        descriptions = [e.findtext("description") for e in parsed]
    assert any(fragment in d for d in descriptions), descriptions
    assert response.headers["Cache-Control"] == "no-store"


def issue(stack, organisation="Pusat Data Kota Samarinda") -> str:
    return api_keys.issue_key(stack.svc, {"organisation": organisation}, by=ADMIN)["api_key"]
