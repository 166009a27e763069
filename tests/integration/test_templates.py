"""Reply templates (GET/POST/PUT/DELETE /staff/templates) on moto: who may write them, what they may say, and
the case view offering them filled for the case's current stage and category."""

from __future__ import annotations

import pytest

from chalicelib.adapters.tables import ReplyTemplateModel
from chalicelib.domain.reply_templates import MAX_TEMPLATES

from .helpers import CITIZEN, assert_problem, call, submit, to_opd

pytestmark = pytest.mark.integration
REPLY = {
    "name": "Terima kasih, sudah ditangani",
    "stage": "reply",
    "text": "Yth. {citizen_name}, laporan {tracking_number} ({title}) sudah ditindaklanjuti oleh {agency}.",
}


def create(client, token, body, status=201):
    response, result = call(client, "post", "/staff/templates", body, token)
    assert response.status_code == status, result
    return response, result


def listed(client, token, query=""):
    response, body = call(client, "get", f"/staff/templates{query}", token=token)
    assert response.status_code == 200, body
    return body["items"]


def test_diskominfo_and_admins_manage_templates_every_member_reads_them(client, staff):
    diskominfo, admin = staff.token("diskominfo"), staff.token("admin")
    response, template = create(client, diskominfo, REPLY)
    assert template == {"id": template["id"], **REPLY}
    assert response.headers["Location"] == f"/staff/templates/{template['id']}"
    _, question = create(
        client,
        admin,
        {"name": "  Minta alamat  ", "stage": "request_information", "category": "kesehatan", "text": "Di mana?\n"},
    )
    assert question["name"] == "Minta alamat" and question["text"] == "Di mana?" and question["category"] == "kesehatan"

    for role in ("operator", "opd-DINKES", "supervisor", "diskominfo", "admin"):
        assert [t["id"] for t in listed(client, staff.token(role))] == [template["id"], question["id"]]  # SOP order
    operator = staff.token("operator")
    assert [t["id"] for t in listed(client, operator, "?stage=reply")] == [template["id"]]
    # A category's templates with those for every category; another category's are left out.
    assert [t["id"] for t in listed(client, operator, "?category=kesehatan")] == [template["id"], question["id"]]
    assert [t["id"] for t in listed(client, operator, "?category=perhubungan")] == [template["id"]]
    assert listed(client, operator, "?stage=review") == []
    for query, field in (("?stage=intake", "stage"), ("?category=nope", "category")):
        response, problem = call(client, "get", f"/staff/templates{query}", token=operator)
        assert_problem(response, problem, 422)
        assert [e["field"] for e in problem["errors"]] == [field]

    changed = {**REPLY, "name": "Selesai", "category": "perhubungan"}
    response, body = call(client, "put", f"/staff/templates/{template['id']}", changed, admin)
    assert response.status_code == 200 and body == {"id": template["id"], **changed}
    stored = ReplyTemplateModel.get("reply", template["id"])
    assert (stored.created_by, stored.updated_by) == (
        "diskominfo@aspirasi.kaltimprov.go.id",
        "admin@aspirasi.kaltimprov.go.id",
    )
    response, body = call(client, "delete", f"/staff/templates/{template['id']}", token=diskominfo)
    assert response.status_code == 204 and body is None
    assert [t["id"] for t in listed(client, operator)] == [question["id"]]
    for method, body in (("put", REPLY), ("delete", None)):
        for missing in (template["id"], "not-an-id", "0" * 16):
            assert_problem(*call(client, method, f"/staff/templates/{missing}", body, admin), 404)

    # Operators, agencies and supervisors read but do not write; citizens and strangers do neither.
    for token, status in (
        (operator, 403),
        (staff.token("opd-DINKES"), 403),
        (staff.token("supervisor"), 403),
        (None, 401),
    ):
        for method, path, body in (
            ("post", "/staff/templates", REPLY),
            ("put", f"/staff/templates/{question['id']}", REPLY),
            ("delete", f"/staff/templates/{question['id']}", None),
        ):
            assert_problem(*call(client, method, path, body, token), status)
    assert_problem(*call(client, "get", "/staff/templates", token=None), 401)
    _, me = call(client, "get", "/staff/me", token=diskominfo)
    assert "manage_templates" in me["permissions"]
    _, me = call(client, "get", "/staff/me", token=operator)
    assert "manage_templates" not in me["permissions"]
    assert [t["id"] for t in listed(client, operator)] == [question["id"]]  # nothing changed


@pytest.mark.parametrize(
    "body, errors",
    [
        ({**REPLY, "text": "Halo {nama}"}, [("text", "unknown_placeholder")]),
        ({**REPLY, "text": "Halo {citizen_name"}, [("text", "unbalanced_brace")]),
        ({**REPLY, "text": "Halo citizen_name}"}, [("text", "unbalanced_brace")]),
        ({**REPLY, "text": "{{title}}"}, [("text", "unbalanced_brace")]),
        ({**REPLY, "text": "   "}, [("text", "required")]),
        ({**REPLY, "text": "x" * 5001}, [("text", "too_long")]),
        ({**REPLY, "stage": "request_information", "text": "x" * 2001}, [("text", "too_long")]),
        ({**REPLY, "text": "Halo\u202e"}, [("text", "invalid_characters")]),
        ({**REPLY, "name": "n" * 101}, [("name", "too_long")]),
        ({**REPLY, "name": None}, [("name", "required")]),
        ({**REPLY, "stage": "intake"}, [("stage", "unknown_template_stage")]),
        ({**REPLY, "category": "nope"}, [("category", "unknown_category")]),
        ({"name": 3, "stage": None, "text": []}, [("name", "not_text"), ("stage", "required"), ("text", "not_text")]),
        ([], [("", "not_an_object")]),
    ],
)
def test_a_template_that_is_not_right_is_refused_and_nothing_is_stored(client, staff, body, errors):
    admin = staff.token("admin")
    response, problem = call(client, "post", "/staff/templates", body, admin)
    assert_problem(response, problem, 422)
    assert [(e["field"], e["code"]) for e in problem["errors"]] == errors
    assert all(e["message"]["id"] and e["message"]["en"] for e in problem["errors"])
    assert listed(client, admin) == []


def test_at_most_so_many_templates(client, staff, stack):
    admin = staff.token("admin")
    for n in range(MAX_TEMPLATES):
        ReplyTemplateModel(
            "reply",
            f"{n:016x}",
            name=f"T{n}",
            stage="reply",
            text="t",
            created_at="x",
            created_by="x",
            updated_at="x",
            updated_by="x",
        ).save()
    response, problem = call(client, "post", "/staff/templates", REPLY, admin)
    assert_problem(response, problem, 409)
    assert problem["type"].endswith("too-many-templates")


def test_the_case_view_offers_the_current_stages_templates_filled(stack, client, staff):
    admin = staff.token("admin")
    _, reply = create(client, admin, REPLY)
    _, response = create(
        client,
        admin,
        {"name": "Tanggapan Dinkes", "stage": "opd_response", "category": "kesehatan", "text": "{agency}: {title}."},
    )
    _, other = create(client, admin, {**REPLY, "name": "Jalan", "stage": "opd_response", "category": "infrastruktur"})
    _, question = create(
        client, admin, {"name": "Kapan", "stage": "request_information", "text": "Kapan, {citizen_name}?"}
    )
    cid = to_opd(stack)  # Siti Aminah's complaint about a puskesmas, with Dinas Kesehatan
    complaint = stack.complaint(cid)
    _, case = call(client, "get", f"/staff/complaints/{cid}", token=staff.token("opd-DINKES"))
    assert case["current"]["stage"] == "opd_response"
    assert case["templates"] == [
        {
            "id": response["id"],
            "name": "Tanggapan Dinkes",
            "stage": "opd_response",
            "text": "Dinas Kesehatan: Puskesmas tutup siang.",
        },
        {"id": question["id"], "name": "Kapan", "stage": "request_information", "text": f"Kapan, {CITIZEN.name}?"},
    ]
    assert other["id"] not in {t["id"] for t in case["templates"]} and reply["id"] not in str(case["templates"])

    anonymous = submit(stack, anonymous=True)
    stack.waiting_at(anonymous, "intake")
    _, case = call(client, "get", f"/staff/complaints/{anonymous}", token=staff.token("operator"))
    assert case["templates"] == [
        {"id": question["id"], "name": "Kapan", "stage": "request_information", "text": "Kapan, Bapak/Ibu?"}
    ]
    assert complaint.tracking_number  # the reply form's template names it (filled at the reply stage)
