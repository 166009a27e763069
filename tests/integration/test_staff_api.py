"""The staff console's API through real executions in moto: queues, cases, decisions, entered complaints."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

import pytest

from chalicelib.adapters.tables import ComplaintModel, WorkItemModel
from chalicelib.domain.errors import AlreadyDecided, NotCurrentStage
from chalicelib.domain.roles import StaffMember
from chalicelib.service import decide as decide_uc
from chalicelib.service import staff as staff_uc

from .helpers import CITIZEN, DINKES, OPERATOR, call, emitted_metrics, submit, to_opd
from .staff_helpers import PHONE_CALL

pytestmark = pytest.mark.integration


def decide(client, token, cid, body, status=200):
    response, result = call(client, "post", f"/staff/complaints/{cid}/decision", body, token)
    assert response.status_code == status, result
    return result


def queue(client, token, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response, page = call(client, "get", "/staff/work-items" + (f"?{query}" if query else ""), token=token)
    assert response.status_code == 200, page
    return page


def test_a_whole_aspiration_decided_from_the_console(stack, client, staff):
    operator, diskominfo, dinkes = staff.token("operator"), staff.token("diskominfo"), staff.token("opd-DINKES")
    cid = submit(stack)
    tracking = stack.complaint(cid).tracking_number

    stack.waiting_at(cid, "intake")
    page = queue(client, operator)
    assert [(i["complaint_id"], i["stage"], i["tracking_number"]) for i in page["items"]] == [(cid, "intake", tracking)]
    assert page["items"][0]["title"] == "Puskesmas tutup siang" and page["items"][0]["overdue"] is False
    assert queue(client, diskominfo)["items"] == [] and queue(client, dinkes)["items"] == []
    link_before = stack.last_link(OPERATOR)
    assert decide(client, operator, cid, {"stage": "intake", "decision": "accept"}) == {
        "stage": "intake",
        "outcome": "accept",
        "leads_to": "classification",
        "sla": "met",
    }
    # The emailed link for that stage now says it was decided: links and console share one decision.
    response, problem = call(client, "get", f"/actions/{link_before}")
    assert response.status_code == 409 and problem["type"].endswith("already-decided")

    stack.waiting_at(cid, "classification")
    _, case = call(client, "get", f"/staff/complaints/{cid}", token=diskominfo)
    assert case["current"]["stage"] == "classification" and case["current"]["may_decide"] is True
    assert case["suggested_opd"] == "DINKES"
    decide(client, diskominfo, cid, {"stage": "classification", "kind": "aspiration", "opd": "DINKES"})
    stack.waiting_at(cid, "opd_response")
    assert [i["complaint_id"] for i in queue(client, dinkes)["items"]] == [cid]
    decide(client, dinkes, cid, {"stage": "opd_response", "response": "Jam layanan kembali sampai 14.00."})
    stack.waiting_at(cid, "review")
    decide(client, diskominfo, cid, {"stage": "review", "decision": "approve"})
    stack.waiting_at(cid, "reply")
    decide(client, operator, cid, {"stage": "reply", "reply": "Dinkes: jam layanan kembali normal."})
    stack.run_until(lambda: stack.complaint(cid).status in ("answered", "closed"), what="the reply")
    assert stack.finished(cid)["status"] == "SUCCEEDED"

    _, case = call(client, "get", f"/staff/complaints/{cid}", token=staff.token("supervisor"))
    assert case["status"] == "closed" and case["current"] is None and case["channel"] == "web"
    assert case["reporter"] == {"name": CITIZEN.name, "email": CITIZEN.email, "phone": None}
    assert [(w["stage"], w["outcome"], w["decided_by"]) for w in case["work_items"]] == [
        ("intake", "accept", "operator@aspirasi.kaltimprov.go.id"),
        ("classification", "aspiration", "diskominfo@aspirasi.kaltimprov.go.id"),
        ("opd_response", "respond", "opd-dinkes@aspirasi.kaltimprov.go.id"),
        ("review", "approve", "diskominfo@aspirasi.kaltimprov.go.id"),
        ("reply", "send", "operator@aspirasi.kaltimprov.go.id"),
    ]
    assert case["work_items"][2]["sop_time"] == {"id": "2 hari kerja", "en": "2 working days"}
    assert all(w["sla"] == "met" and w["due_at"] and w["entered_at"] for w in case["work_items"])
    decided = [(a["actor"], a["stage"]) for a in case["audit"] if a["action"] == "decided"]
    assert decided == [(w["decided_by"], w["stage"]) for w in case["work_items"]]  # the person, not the role
    assert [a["action"] for a in case["audit"]][:2] == ["submitted", "stage_entered"]
    subjects = [(tuple(e["to"]), e["template"]) for e in case["emails"]]
    assert ((CITIZEN.email,), "received") in subjects and ((CITIZEN.email,), "reply") in subjects
    assert ((OPERATOR,), "assigned") in subjects and ((DINKES,), "assigned") in subjects
    assert all(e["subject"] and tracking in e["subject"] and e["sent_at"] for e in case["emails"])
    assert len(case["emails"]) == len(stack.emails())  # every email this case caused, and only those


def test_link_and_console_race_for_one_stage(stack, client, staff):
    """Exactly one decision wins; the other gets 409; the state machine hears it once."""
    sfn = stack.svc.workflow._client
    sent: list[str] = []
    sfn.meta.events.register(
        "before-parameter-build.sfn.SendTaskSuccess", lambda params, **_: sent.append(params["taskToken"])
    )
    operator = StaffMember("operator@aspirasi.kaltimprov.go.id", frozenset({"operator"}))
    for round_ in range(5):
        cid = submit(stack, title=f"Balapan {round_}")
        item = stack.waiting_at(cid, "intake")
        link = stack.last_link(OPERATOR)
        barrier, outcomes = threading.Barrier(2), list[tuple[str, Any]]()

        def by_link(barrier=barrier, outcomes=outcomes, link=link):
            barrier.wait()
            try:
                outcomes.append(("link", decide_uc.decide_by_link(stack.svc, link, {"decision": "accept"})))
            except AlreadyDecided as refused:
                outcomes.append(("link", refused))

        def by_console(barrier=barrier, outcomes=outcomes, cid=cid):
            barrier.wait()
            try:
                outcomes.append(
                    (
                        "console",
                        staff_uc.decide_as_staff(
                            stack.svc, operator, cid, {"stage": "intake", "decision": "reject", "reason": "duplikat"}
                        ),
                    )
                )
            except (AlreadyDecided, NotCurrentStage) as refused:
                outcomes.append(("console", refused))

        threads = [threading.Thread(target=by_link), threading.Thread(target=by_console)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [(who, r) for who, r in outcomes if isinstance(r, dict)]
        losers = [r for _, r in outcomes if not isinstance(r, dict)]
        assert len(winners) == 1 and len(losers) == 1 and losers[0].code in ("already_decided", "not_current_stage")
        stored = stack.svc.store.get_work_item(cid, 1)
        assert stored.decision["outcome"] == winners[0][1]["outcome"]
        assert stored.decided_by == ("link:operator" if winners[0][0] == "link" else operator.email)
        stack.pump_streams()  # the work-items stream hands the winning decision over
        assert sent.count(item.task_token) == 1
        decisions = [e for e in stack.svc.store.audit_trail(cid) if e.action == "decided"]
        assert len(decisions) == 1


def test_a_phone_complaint_from_entry_to_reply(stack, client, staff, capsys):
    operator, diskominfo = staff.token("operator"), staff.token("diskominfo")
    response, created = call(client, "post", "/staff/complaints", PHONE_CALL, operator, {"Idempotency-Key": "call-1"})
    assert response.status_code == 201, created
    cid = created["id"]
    assert created["channel"] == "phone" and created["tracking_number"].startswith("KT-")
    # the phone as the operator typed it (0812-3456-7890), kept in E.164
    assert created["reporter"] == {"name": "Pak Darto", "email": "darto@example.id", "phone": "+6281234567890"}
    assert created["entered_by"] == "operator@aspirasi.kaltimprov.go.id" and created["status"] == "open"
    response, again = call(client, "post", "/staff/complaints", PHONE_CALL, operator, {"Idempotency-Key": "call-1"})
    assert response.status_code == 200 and again["id"] == cid

    stack.waiting_at(cid, "intake")
    received = stack.emails_to("darto@example.id")
    assert len(received) == 1 and created["tracking_number"] in received[0]["subject"]
    assert "operator" in received[0]["text"] and "dengan akun Anda" not in received[0]["text"]
    decide(client, operator, cid, {"stage": "intake", "decision": "accept"})
    stack.waiting_at(cid, "classification")
    decide(client, diskominfo, cid, {"stage": "classification", "kind": "information"})
    stack.waiting_at(cid, "reply")
    decide(client, operator, cid, {"stage": "reply", "reply": "Petugas Dishub sudah memperbaiki lampu."})
    stack.run_until(lambda: stack.complaint(cid).status in ("answered", "closed"), what="the reply")
    mails = stack.emails_to("darto@example.id")
    assert [("Jawaban" in m["subject"]) for m in mails] == [False, True]
    assert "Petugas Dishub sudah memperbaiki lampu." in mails[1]["text"]
    assert stack.finished(cid)["status"] == "SUCCEEDED"
    audit = stack.svc.store.audit_trail(cid)
    assert audit[0].actor == "operator@aspirasi.kaltimprov.go.id" and audit[0].details["channel"] == "phone"
    metrics = emitted_metrics(capsys.readouterr().out)
    assert ("ComplaintSubmitted", {"Channel": "phone"}) in metrics
    assert ("ComplaintSubmitted", {"Category": "perhubungan"}) in metrics


def test_a_walk_in_without_email_and_an_sp4n_lapor_report_entered_once(stack, client, staff):
    operator = staff.token("operator")
    walk_in = {**PHONE_CALL, "channel": "walk_in", "reporter": {"name": "Bu Sri"}}
    response, created = call(client, "post", "/staff/complaints", walk_in, operator)
    assert response.status_code == 201 and created["reporter"] == {"name": "Bu Sri", "email": None, "phone": None}
    stack.waiting_at(created["id"], "intake")
    assert stack.emails_to(OPERATOR)  # the SOP runs; only the reporter gets no email
    assert not [m for m in stack.emails() if "Laporan Anda diterima" in m["subject"]]

    lapor = {**PHONE_CALL, "channel": "sp4n_lapor", "external_ref": "LAPOR-4410021", "anonymous": True}
    response, first = call(client, "post", "/staff/complaints", lapor, operator)
    assert response.status_code == 201 and first["external_ref"] == "LAPOR-4410021"
    assert first["reporter"] is None and first["anonymous"] is True  # anonymous: the contact is never shown
    response, again = call(client, "post", "/staff/complaints", lapor, staff.token("operator", email="op2@x.id"))
    assert response.status_code == 200 and again["id"] == first["id"]  # the same report, not a second case
    response, problem = call(client, "post", "/staff/complaints", {**lapor, "title": "Lain"}, operator)
    assert response.status_code == 409 and problem["tracking_number"] == first["tracking_number"]
    response, problem = call(client, "post", "/staff/complaints", {**lapor, "channel": "email"}, operator)
    assert response.status_code == 409 and problem["tracking_number"] == first["tracking_number"]  # any channel
    stack.waiting_at(first["id"], "intake")
    _, case = call(client, "get", f"/staff/complaints/{first['id']}", token=operator)
    assert case["reporter"] is None
    assert all("darto@example.id" not in e["to"] for e in case["emails"])


def _complaint_count() -> int:
    return ComplaintModel.count()


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({**PHONE_CALL, "channel": "pigeon"}, 422, "channel"),
        ({**PHONE_CALL, "reporter": {"email": "darto@example.id"}}, 422, "reporter.name"),
        ({**PHONE_CALL, "reporter": {"name": "A", "email": "darto"}}, 422, "reporter.email"),
        ({**PHONE_CALL, "channel": "sp4n_lapor"}, 422, "external_ref"),
        ({**PHONE_CALL, "subcategory": "ppdb"}, 422, "subcategory"),
        ("{not json", 400, None),
    ],
)
def test_bad_entries_are_refused_and_change_nothing(stack, client, staff, body, status, field):
    operator = staff.token("operator")
    before = _complaint_count()
    response, problem = call(client, "post", "/staff/complaints", body, operator)
    assert response.status_code == status and response.headers["Content-Type"] == "application/problem+json"
    assert problem["messages"]["id"] and problem["messages"]["en"]
    if field:
        assert field in [e["field"] for e in problem["errors"]]
        assert all(e["message"]["id"] and e["message"]["en"] for e in problem["errors"])
    assert _complaint_count() == before and stack.emails() == []


def test_bad_decisions_are_refused_and_change_nothing(stack, client, staff):
    operator, diskominfo = staff.token("operator"), staff.token("diskominfo")
    cid = submit(stack)
    stack.waiting_at(cid, "intake")

    def unchanged():
        item = stack.svc.store.get_work_item(cid, 1)
        return item.decision is None and stack.complaint(cid).stage == "intake"

    for body, status, code in [
        ({"stage": "intake", "kind": "information"}, 422, "validation-failed"),  # a body for another stage
        ({"stage": "intake", "decision": "reject"}, 422, "validation-failed"),  # the reason is missing
        ({"stage": "teleport", "decision": "accept"}, 422, "validation-failed"),
        ({"decision": "accept"}, 422, "validation-failed"),
        ({"stage": "reply", "reply": "cepat"}, 409, "not-current-stage"),  # the operator's stage, not the current
    ]:
        response, problem = call(client, "post", f"/staff/complaints/{cid}/decision", body, operator)
        assert response.status_code == status and problem["type"].endswith(code), (body, problem)
        assert unchanged()
    response, problem = call(
        client, "post", f"/staff/complaints/{cid}/decision", {"stage": "intake", "decision": "accept"}, diskominfo
    )
    assert response.status_code == 403 and unchanged()
    response, problem = call(
        client, "post", "/staff/complaints/nope/decision", {"stage": "intake", "decision": "accept"}, operator
    )
    assert response.status_code == 404
    decide(client, operator, cid, {"stage": "intake", "decision": "accept"})
    response, problem = call(
        client, "post", f"/staff/complaints/{cid}/decision", {"stage": "intake", "decision": "accept"}, operator
    )
    assert response.status_code == 409  # decided already
    assert len([e for e in stack.svc.store.audit_trail(cid) if e.action == "decided"]) == 1


def test_an_agency_sees_only_cases_routed_to_it_ever(stack, client, staff):
    cid = to_opd(stack)
    tracking = stack.complaint(cid).tracking_number
    dinkes, dishub = staff.token("opd-DINKES"), staff.token("opd-DISHUB")
    assert call(client, "get", f"/staff/complaints/{cid}", token=dishub)[0].status_code == 403
    _, found = call(client, "get", f"/staff/complaints?tracking_number={tracking}", token=dishub)
    assert found == {"items": []}
    # Not its authority: back to classification, then on to Dinas Perhubungan.
    decide(
        client,
        dinkes,
        cid,
        {"stage": "opd_response", "decision": "not_our_authority", "reason": "Urusan lampu lalu lintas"},
    )
    stack.waiting_at(cid, "classification")
    decide(client, staff.token("diskominfo"), cid, {"stage": "classification", "kind": "aspiration", "opd": "DISHUB"})
    stack.waiting_at(cid, "opd_response")
    assert queue(client, dinkes)["items"] == [] and [i["opd"] for i in queue(client, dishub)["items"]] == ["DISHUB"]
    for token in (dinkes, dishub):  # the first agency still sees the case it once had
        response, case = call(client, "get", f"/staff/complaints/{cid}", token=token)
        assert response.status_code == 200 and case["routed_opds"] == ["DINKES", "DISHUB"]
    _, case = call(client, "get", f"/staff/complaints/{cid}", token=dinkes)
    assert case["current"]["may_decide"] is False
    response, _ = call(
        client,
        "post",
        f"/staff/complaints/{cid}/decision",
        {"stage": "opd_response", "response": "Bukan lagi urusan kami"},
        dinkes,
    )
    assert response.status_code == 403


def test_search_reads_a_number_as_people_say_it(stack, client, staff):
    cid = submit(stack)
    number = stack.complaint(cid).tracking_number
    spoken = number.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    operator = staff.token("operator")
    for text in (number, spoken, number.replace("-", "")):
        response, found = call(
            client, "get", f"/staff/complaints?tracking_number={text.replace(' ', '%20')}", token=operator
        )
        assert response.status_code == 200 and [c["id"] for c in found["items"]] == [cid], text
        assert found["items"][0]["channel"] == "web"
    _, found = call(client, "get", "/staff/complaints?tracking_number=KT-0000-0000", token=operator)
    assert found == {"items": []}
    response, problem = call(client, "get", "/staff/complaints?tracking_number=hello", token=operator)
    assert response.status_code == 422 and problem["errors"][0]["field"] == "tracking_number"


OPEN = [f"{n:032x}" for n in range(1, 6)]  # complaint ids look like uuid4().hex


def test_queues_are_index_queries_merged_by_due_time_and_paged(stack, client, staff):
    """Many closed visits in the table cost nothing: only open ones are in the index, read a page at a time."""
    for n in range(300):  # closed visits: decided, so out of the sparse index
        WorkItemModel(
            f"closed-{n:04d}",
            1,
            stage="intake",
            role="operator",
            entered_at="2026-01-05T01:00:00.000+00:00",
            remind_at="2026-01-05T01:05:00.000+00:00",
            due_at="2026-01-05T01:10:00.000+00:00",
            decision={"outcome": "accept"},
        ).save()
    opened = []
    for n, (stage, role, due) in enumerate(
        [
            ("intake", "operator", "2026-11-20T03:00"),
            ("classification", "diskominfo", "2026-11-20T01:00"),
            ("reply", "operator", "2026-11-20T02:00"),
            ("review", "diskominfo", "2030-01-01T00:00"),
            ("intake", "operator", "2030-01-02T00:00"),
        ]
    ):
        item = WorkItemModel(
            OPEN[n],
            1,
            stage=stage,
            role=role,
            queue=f"role#{role}",
            tracking_number=f"KT-0000-000{n}",
            title=f"t{n}",
            category="kesehatan",
            entered_at="2026-11-20T00:00:00.000+00:00",
            remind_at=f"{due}:00.000+00:00",
            due_at=f"{due}:00.000+00:00",
        )
        item.save()
        opened.append(item)
    reads = []
    dynamodb = WorkItemModel._get_connection().connection.client
    dynamodb.meta.events.register(
        "after-call.dynamodb.*", lambda http_response, parsed, model, **_: reads.append((model.name, parsed))
    )
    duo = staff.token("operator", "diskominfo")

    pages, token = [], None
    while True:
        page = queue(client, duo, limit=2, **({"next_token": token} if token else {}))
        pages.append([i["complaint_id"] for i in page["items"]])
        token = page.get("next_token")
        if not token:
            break
    assert pages[:3] == [[OPEN[1], OPEN[2]], [OPEN[0], OPEN[3]], [OPEN[4]]] and pages[3:] in ([], [[]])
    # The member's token revocation is read once (then cached a minute: service/access.py); the queues never Scan.
    assert len([name for name, _ in reads if name == "GetItem"]) <= 1
    reads = [(name, parsed) for name, parsed in reads if name != "GetItem"]
    assert {name for name, _ in reads} == {"Query"}  # never a Scan
    assert sum(parsed["ScannedCount"] for _, parsed in reads) <= 2 * 2 * len(pages)  # pages x queues x limit

    overdue = queue(client, duo, state="overdue")
    assert [i["complaint_id"] for i in overdue["items"]] == [OPEN[1], OPEN[2], OPEN[0]]
    assert all(i["overdue"] and i["business_minutes_left"] < 0 for i in overdue["items"])
    assert overdue["working_day_business_minutes"] == 24 * 60  # these tests run on the 24x7 calendar: a day is a day
    assert [i["complaint_id"] for i in queue(client, staff.token("operator"))["items"]] == [OPEN[2], OPEN[0], OPEN[4]]
    assert len(queue(client, staff.token("supervisor"))["items"]) == 5

    for bad in ("nonsense", token or "e30="):
        response, problem = call(client, "get", f"/staff/work-items?next_token={bad}", token=duo)
        assert response.status_code == 422 and problem["errors"][0]["field"] == "next_token"
    # A token naming someone else's queue is refused, not followed.
    forged = base64.urlsafe_b64encode(json.dumps({"s": "open", "q": {"opd#DINKES": None}}).encode()).decode()
    response, _ = call(client, "get", f"/staff/work-items?next_token={forged}", token=staff.token("operator"))
    assert response.status_code == 422
    response, _ = call(client, "get", "/staff/work-items?state=late", token=duo)
    assert response.status_code == 422


def test_equal_due_times_page_without_gaps_or_repeats(stack, client, staff):
    """Visits that open together (say at 08:00 on Monday) share a due time: every one shows once."""
    due = "2026-11-23T00:10:00.000+00:00"
    ids = {f"{n:032x}" for n in range(100, 113)}
    for n, cid in enumerate(sorted(ids)):
        role = ("operator", "diskominfo")[n % 2]
        WorkItemModel(
            cid,
            1,
            stage="intake" if role == "operator" else "classification",
            role=role,
            queue=f"role#{role}",
            tracking_number="KT-0000-0000",
            title="t",
            category="kesehatan",
            entered_at="2026-11-23T00:00:00.000+00:00",
            remind_at=due,
            due_at=due,
        ).save()
    duo = staff.token("operator", "diskominfo")
    for limit in (1, 2, 5):
        seen, token = [], None
        while True:
            page = queue(client, duo, limit=limit, **({"next_token": token} if token else {}))
            seen += [i["complaint_id"] for i in page["items"]]
            token = page.get("next_token")
            if not token:
                break
        assert sorted(seen) == sorted(ids), limit  # each exactly once


@pytest.mark.parametrize(
    "token",
    [
        base64.urlsafe_b64encode(b"[" * 5000).decode(),  # nested too deep to read
        base64.urlsafe_b64encode(
            json.dumps({"s": "open", "q": {"role#operator": ["2026-11-20T00:00:00+00:00", "0" * 32, True]}}).encode()
        ).decode(),
        base64.urlsafe_b64encode(json.dumps({"s": "open", "q": {"role#operator": ["", "", 1]}}).encode()).decode(),
        base64.urlsafe_b64encode(
            json.dumps({"s": "open", "q": {"role#operator": ["x" * 3000, "0" * 32, 1]}}).encode()
        ).decode(),
    ],
)
def test_crafted_page_tokens_are_refused(stack, client, staff, token):
    response, problem = call(client, "get", f"/staff/work-items?next_token={token}", token=staff.token("operator"))
    assert response.status_code == 422 and problem["errors"][0]["field"] == "next_token"


def test_crafted_bodies_and_ids_are_refused(stack, client, staff):
    operator = staff.token("operator")
    response, _ = call(client, "post", "/staff/complaints", "[" * 100000, operator)
    assert response.status_code == 400
    response, _ = call(client, "get", "/staff/complaints/" + "a" * 3000, token=operator)
    assert response.status_code == 404


def test_a_disabled_member_is_shut_out_at_once(stack, client, staff):
    operator, admin = staff.token("operator"), staff.token("admin")
    assert call(client, "get", "/staff/work-items", token=operator)[0].status_code == 200
    response, _ = call(client, "delete", "/staff/members/operator%40aspirasi.kaltimprov.go.id", token=admin)
    assert response.status_code == 204
    response, problem = call(client, "get", "/staff/work-items", token=operator)  # the same, unexpired token
    assert response.status_code == 401 and problem["type"].endswith("unauthorized")
