"""The OpenAPI document: every route, generated from the models the parse functions validate with."""

from __future__ import annotations

import json
import re
from typing import cast

import pytest
from chalice.test import Client
from openapi_spec_validator import validate as validate_openapi
from pydantic import BaseModel

import app as application
from chalicelib.domain import models
from chalicelib.domain.decisions import parse_decision
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.submission import parse_entry, parse_submission
from chalicelib.rendering import render_page
from chalicelib.web import openapi
from chalicelib.web.problems import FIELD_MESSAGES, PROBLEMS


@pytest.fixture(scope="module")
def doc():
    return openapi.document(application.app.routes)


def test_the_document_is_openapi_3_1(doc):
    assert doc["openapi"] == "3.1.0"
    validate_openapi(doc)


def test_every_route_is_documented(doc):
    """Every path and method of app.routes, each with its own registry entry (no placeholder)."""
    for path, methods in application.app.routes.items():
        for method in methods:
            item = doc["paths"].get(path, {}).get(method.lower())
            assert item is not None, f"{method} {path} is not in /openapi.json"
            assert not item.get("x-undocumented"), f"{method} {path}: add it to chalicelib/web/openapi.py OPERATIONS"
    routed = {(m, p) for p, ms in application.app.routes.items() for m in ms}
    assert not set(openapi.OPERATIONS) - routed, "the registry names a route the app does not have"


def test_request_schemas_are_the_models(doc):
    """What /openapi.json shows is what the parse functions enforce (one model for both)."""
    schemas = doc["components"]["schemas"]
    body = doc["paths"]["/complaints"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/SubmissionRequest"}
    submission = schemas["SubmissionRequest"]
    assert submission["properties"]["title"]["maxLength"] == models.LIMITS["title"]
    assert submission["properties"]["description"]["minLength"] == models.MIN_DESCRIPTION
    assert set(submission["required"]) == {"category", "subcategory", "title", "description"}
    with pytest.raises(ValidationFailed) as refused:
        parse_submission(
            {
                "category": "kesehatan",
                "subcategory": "puskesmas",
                "title": "x" * 151,
                "description": "cukup panjang sekali",
            }
        )
    assert refused.value.errors == [{"field": "title", "code": "too_long", "max_length": 150}]
    rating = schemas["RatingRequest"]["properties"]["score"]
    assert (rating["minimum"], rating["maximum"]) == (1, 5)
    # Every decision the SOP allows has its own schema, for links and for the console.
    decision = doc["paths"]["/staff/complaints/{complaint_id}/decision"]["post"]["requestBody"]["content"]
    variants = {ref["$ref"].rsplit("/", 1)[-1] for ref in decision["application/json"]["schema"]["anyOf"]}
    assert variants == {model.__name__ for by in models.STAFF_DECISIONS.values() for model in by.values()}
    assert schemas["StaffIntakeRejectDecision"]["properties"]["stage"]["const"] == "intake"


def test_the_examples_pass_validation(doc):
    """The examples in the document are requests the API accepts."""
    op = openapi.OPERATIONS
    parse_submission(op[("POST", "/complaints")].example)
    parse_entry(op[("POST", "/staff/complaints")].example)
    parse_decision("intake", op[("POST", "/actions/{link_token}")].example)
    for item in op.values():
        if item.example is not None and isinstance(item.request, type):
            cast(type[BaseModel], item.request).model_validate(item.example)


def test_security_problems_and_content_types(doc):
    assert doc["paths"]["/complaints"]["get"]["security"] == [{"citizen": []}]
    assert doc["paths"]["/staff/me"]["get"]["security"] == [{"staff": []}]
    assert doc["paths"]["/categories"]["get"]["security"] == []
    assert doc["components"]["securitySchemes"]["citizen"]["bearerFormat"] == "JWT"
    statuses = {spec[0] for spec in PROBLEMS.values()}
    for path, methods in doc["paths"].items():
        for method, item in methods.items():
            for status, response in item["responses"].items():
                if int(status) < 400:
                    continue
                if path.startswith("/open311/"):
                    assert "application/json; charset=utf-8" in response["content"]
                    continue
                assert int(status) in statuses, f"{method} {path} {status}"
                assert "application/problem+json" in response["content"], f"{method} {path} {status}"
    post = doc["paths"]["/open311/v2/requests.json"]["post"]
    assert "application/x-www-form-urlencoded" in post["requestBody"]["content"]
    assert "429" in post["responses"] and "413" in post["responses"]


def test_models_speak_the_error_codes_the_messages_know():
    """Each code the models produce has an Indonesian and English message (web/problems.py)."""
    payloads: list[tuple[type[BaseModel], dict]] = [
        (models.SubmissionRequest, {"category": "nope", "title": 5, "anonymous": "yes", "description": "pendek"}),
        (models.EntryRequest, {"channel": "fax", "reporter": {"email": "x", "phone": "?"}, "external_ref": "a\nb"}),
        (models.RatingRequest, {"score": 9}),
        (models.UploadRequestBody, {"filename": "..", "content_type": "text/html", "size": 10**9}),
        (models.InviteRequest, {"email": "x", "groups": ["nobody"]}),
        (models.RegisterRequest, {"email": "x", "password": "short", "phone": "0812"}),
        (models.ApiKeyRequest, {"organisation": "a\x00b"}),
    ]
    for model, payload in payloads:
        _, errors = models.errors_of(model, payload)
        assert errors, model
        for error in errors:
            assert error["code"] in FIELD_MESSAGES, (model.__name__, error)
    _, errors = models.errors_of(models.AnswerRequest, ["not", "an", "object"])
    assert errors == [{"field": "", "code": "not_an_object"}]


def test_served_document_and_rendered_page():
    with Client(application.app) as client:
        served = client.http.get("/openapi.json")
        assert served.status_code == 200
        assert served.headers["Content-Type"].startswith("application/json")
        assert set(json.loads(served.body)["paths"]) == set(application.app.routes)
        page = client.http.get("/api-docs")
    assert page.status_code == 200
    html = page.body.decode()
    assert "<script" not in html and "<link" not in html and not re.search(r"\ssrc=", html)
    assert "POST /complaints" in html and 'href="/openapi.json"' in html
    assert "SubmissionRequest" in html


def test_the_page_escapes_what_it_shows():
    doc = openapi.document(application.app.routes)
    doc["info"]["description"] = "<script>alert(1)</script>"
    doc["components"]["schemas"]["Evil"] = {
        "description": "<img src=x onerror=alert(1)>",
        "properties": {"<b>": {"type": "string"}},
    }
    html = render_page("api_docs", {"d": openapi.view(doc), "lang": "en"})
    assert "<script>alert" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
