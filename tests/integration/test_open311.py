"""Open311 GeoReport v2 at /open311/v2 through Chalice's test client, on moto with real executions.

A request POSTed with a key runs the SOP like any complaint (driven here through the teams' emailed
links until answered); public reads show status, notes and agency but never personal data or the text
of a confidential report; filters, the 90-day rule, keys (missing, wrong, revoked), unknown things,
bad input and the rate limit answer in the spec's error format, in JSON and in XML.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from chalicelib.adapters.tables import ApiKeyModel, RateCounterModel
from chalicelib.domain import georeport
from chalicelib.service import api_keys
from chalicelib.service import decide as decide_uc
from chalicelib.service.complaints import Citizen, submit_complaint
from tests.samples import REQUEST_FIELDS

from .helpers import COMPLAINT, DINKES, DISKOMINFO, OPERATOR, call, emitted_metrics
from .open311_helpers import ADMIN, NEW_REQUEST, accepted, assert_error, issue, o311_call, xml_items

pytestmark = pytest.mark.integration
PERSONAL = ["Rina", "Wulandari", "rina.warga@example.id", "811-5500-123", "device-7781", "akun-5521", "open311:"]


def drive_to_answer(stack, cid, reply):
    """The teams decide through their emailed links: accept, route to DINKES, respond, approve, reply."""
    stack.walk(
        cid,
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"}),
        ("opd_response", DINKES, {"response": "Jam layanan kembali sampai 14.00."}),
        ("review", DISKOMINFO, {"decision": "approve"}),
        ("reply", OPERATOR, {"reply": reply}),
    )
    stack.run_until(lambda: stack.complaint(cid).status in ("answered", "closed"), what="the reply")


# -- discovery and services ---------------------------------------------------------------------------
def test_discovery_services_and_definitions_in_both_formats(client, stack):
    response, discovery = o311_call(client, "get", "discovery.json")
    assert response.status_code == 200 and list(discovery) == ["changeset", "contact", "key_service", "endpoints"]
    (endpoint,) = discovery["endpoints"]
    assert endpoint == {
        "specification": "http://wiki.open311.org/GeoReport_v2",
        "url": "https://aspirasi.test/open311/v2",
        "changeset": georeport.CHANGESET,
        "type": "production",
        "formats": ["text/xml", "application/json"],
    }
    response, xml = o311_call(client, "get", "discovery.xml")
    assert xml.tag == "discovery" and [f.text for f in xml.find("endpoints/endpoint/formats")] == [
        "text/xml",
        "application/json",
    ]
    assert response.body.startswith(b"<?xml") and response.headers["Cache-Control"] == "public, max-age=3600"

    _, services = o311_call(client, "get", "services.json")
    _, services_xml = o311_call(client, "get", "services.xml?jurisdiction_id=kaltimprov.go.id")
    assert [s["service_code"] for s in services] == [s.findtext("service_code") for s in services_xml]
    puskesmas = next(s for s in services if s["service_code"] == "kesehatan.puskesmas")
    assert puskesmas["group"] == "Kesehatan" and puskesmas["service_name"] == "Layanan puskesmas"
    assert puskesmas["metadata"] is False and puskesmas["type"] == "realtime" and puskesmas["keywords"]

    response, definition = o311_call(client, "get", "services/kesehatan.puskesmas.json")
    assert response.status_code == 200 and definition == {"service_code": "kesehatan.puskesmas", "attributes": []}
    _, definition_xml = o311_call(client, "get", "services/kesehatan.puskesmas.xml")
    assert [c.tag for c in definition_xml] == ["service_code", "attributes"]
    for fmt in ("json", "xml"):
        response, parsed = o311_call(client, "get", f"services/kesehatan.tidak-ada.{fmt}")
        assert_error(response, parsed, 404, "kesehatan.tidak-ada")
        response, parsed = o311_call(client, "get", f"services.{fmt}?jurisdiction_id=sfgov.org")
        assert_error(response, parsed, 404, "jurisdiction_id")
    response, parsed = o311_call(client, "get", "services/kesehatan.puskesmas.csv")
    assert_error(response, parsed, 400, ".xml or .json")  # XML: the spec's required format


# -- a request from another program, through the whole SOP ------------------------------------------------
def test_a_request_posted_with_a_key_runs_the_sop_and_reads_back_closed_with_the_reply(client, stack, capsys):
    key = issue(stack)
    response, created = o311_call(
        client, "post", "requests.json", {"api_key": key, **NEW_REQUEST}, headers={"Idempotency-Key": "app-req-1"}
    )
    assert response.status_code == 200, created
    (answer,) = created
    assert list(answer) == ["service_request_id", "service_notice", "account_id"]
    number = answer["service_request_id"]
    assert (
        number.startswith("KT-")
        and answer["account_id"] == "akun-5521"
        and "Dinas Kesehatan" in answer["service_notice"]
    )
    response, again = o311_call(
        client, "post", "requests.xml", {"api_key": key, **NEW_REQUEST}, headers={"Idempotency-Key": "app-req-1"}
    )
    assert response.status_code == 200 and xml_items(again)[0]["service_request_id"] == number  # a retry: the same one

    complaint = stack.svc.store.complaint_by_tracking_number(number)
    cid = complaint.id
    assert (complaint.channel, complaint.entered_by, complaint.citizen_id) == (
        "open311",
        "open311:Pusat Data Kota Samarinda",
        None,
    )
    assert (complaint.citizen_name, complaint.citizen_email, complaint.citizen_phone) == (
        "Rina Wulandari",
        "rina.warga@example.id",
        "+628115500123",  # kept as E.164 (fields.normalise_phone)
    )
    assert (complaint.latitude, complaint.longitude, complaint.location) == (
        -0.4948,
        117.1436,
        "Jl. Pahlawan, Sempaja, Samarinda",
    )
    assert (complaint.device_id, complaint.account_id, complaint.media_url) == (
        "device-7781",
        "akun-5521",
        "https://foto.example.id/puskesmas.jpg",
    )
    assert complaint.title == "Layanan puskesmas: Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00."
    assert stack.svc.store.audit_trail(cid)[0].actor == "open311:Pusat Data Kota Samarinda"
    assert ("ComplaintSubmitted", {"Channel": "open311"}) in emitted_metrics(capsys.readouterr().out)

    stack.waiting_at(cid, "intake")
    receipt = stack.emails_to("rina.warga@example.id")
    assert len(receipt) == 1 and number in receipt[0]["subject"] and "Open311" in receipt[0]["text"]
    response, (request,) = o311_call(client, "get", f"requests/{number}.json")
    assert list(request) == REQUEST_FIELDS
    assert request["status"] == "open" and request["status_notes"] is None
    assert request["agency_responsible"] == "Dinas Kesehatan" and request["service_code"] == "kesehatan.puskesmas"
    assert request["expected_datetime"] == georeport.w3(complaint.sop_due_at)
    assert request["requested_datetime"] == georeport.w3(complaint.created_at) and request[
        "requested_datetime"
    ].endswith("+08:00")
    # Not screened by intake yet: none of its text is public.
    assert [request[k] for k in ("description", "address", "lat", "long", "media_url")] == [None] * 5

    drive_to_answer(stack, cid, "Dinkes: jam layanan Puskesmas Sempaja kembali sampai 14.00.")
    mails = stack.emails_to("rina.warga@example.id")
    assert "Jawaban" in mails[-1]["subject"] and "kembali sampai 14.00" in mails[-1]["text"]
    response, xml = o311_call(client, "get", f"requests/{number}.xml")
    (closed,) = xml_items(xml)
    assert list(closed) == REQUEST_FIELDS
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "Dinkes: jam layanan Puskesmas Sempaja kembali sampai 14.00."
    assert closed["agency_responsible"] == "Dinas Kesehatan"
    assert closed["updated_datetime"] == georeport.w3(stack.complaint(cid).answered_at)
    # Listed now: its text and its point, rounded to 3 decimals; never the photo link (the reporter's own).
    assert (closed["lat"], closed["long"], closed["media_url"]) == ("-0.495", "117.144", None)
    assert closed["description"] == NEW_REQUEST["description"] and closed["address"] == NEW_REQUEST["address_string"]
    for body in (response.body.decode(), json.dumps(o311_call(client, "get", f"requests/{number}.json")[1])):
        for secret in PERSONAL:
            assert secret not in body, secret
    response, tokens = o311_call(client, "get", f"tokens/{number}.json")  # a tracking number is its own token
    assert response.status_code == 200 and tokens == [{"service_request_id": number, "token": number}]
    key_id = key.split("_")[1]
    assert stack.svc.open311.api_key("open311", key_id).last_used_at  # noted at the first request of a minute


# -- what the public sees -------------------------------------------------------------------------------
def test_public_reads_list_every_channel_and_never_personal_data_or_confidential_text(client, stack, staff):
    web, _ = submit_complaint(
        stack.svc,
        Citizen("citizen-9", "budi@example.id", "Budi Santoso", "+6281299990000"),
        {**COMPLAINT, "title": "Antrean panjang", "description": "Antrean puskesmas sangat panjang."},
    )
    anonymous, _ = submit_complaint(
        stack.svc,
        Citizen("citizen-8", "anon@example.id", "Nama Tersembunyi"),
        {**COMPLAINT, "anonymous": True, "description": "Petugas puskesmas kasar sekali."},
    )
    operator = staff.token("operator")
    response, entered = call(
        client,
        "post",
        "/staff/complaints",
        {
            "channel": "phone",
            "reporter": {"name": "Pak Rahasia", "email": "rahasia@example.id", "phone": "0812-1111-2222"},
            "category": "kepegawaian",
            "subcategory": "disiplin-asn",
            "title": "Pungli oleh pegawai X",
            "description": "Pegawai X meminta uang pelicin di kantor Y.",
            "location": "Kantor Y, Balikpapan",
            "confidential": True,
        },
        operator,
    )
    assert response.status_code == 201, entered
    _, created = o311_call(client, "post", "requests.json", {"api_key": issue(stack), **NEW_REQUEST})
    numbers = {
        web["tracking_number"],
        anonymous["tracking_number"],
        entered["tracking_number"],
        created[0]["service_request_id"],
    }
    accepted(stack, anonymous["id"])  # screened: listed, its text becomes public
    listed = anonymous["tracking_number"]

    for fmt in ("json", "xml"):
        response, parsed = o311_call(client, "get", f"requests.{fmt}")
        assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=60"
        items = parsed if fmt == "json" else xml_items(parsed)
        # The search lists what the public register lists (domain/publication.is_listed): the one accepted at
        # intake; not the confidential one, nor those intake has not screened yet.
        assert [i["service_request_id"] for i in items] == [listed]
        (shown,) = items
        assert shown["description"] == "Petugas puskesmas kasar sekali."  # anonymous: public, the reporter hidden
        # By tracking number every report of every channel answers, the unlisted ones without their text.
        response, parsed = o311_call(client, "get", f"requests.{fmt}?service_request_id={','.join(sorted(numbers))}")
        by_id = parsed if fmt == "json" else xml_items(parsed)
        assert {i["service_request_id"] for i in by_id} == numbers
        assert all(list(i) == REQUEST_FIELDS for i in items + by_id)
        for body in (json.dumps(items), json.dumps(by_id)):
            for secret in [
                "Budi",
                "budi@example.id",
                "6281299990000",
                "Nama Tersembunyi",
                "anon@example.id",
                "Pak Rahasia",
                "rahasia@example.id",
                "0812-1111-2222",
                OPERATOR,
                *PERSONAL,
                "Pungli oleh pegawai X",
                "uang pelicin",
                "Kantor Y",
                "Antrean panjang",
                "Antrean puskesmas sangat panjang.",
            ]:  # the last: not screened by intake yet
                assert secret not in body, (fmt, secret)
        hidden = next(i for i in by_id if i["service_request_id"] == entered["tracking_number"])
        assert hidden["description"] is None and hidden["address"] is None and hidden["status"] == "open"
        assert (
            hidden["service_code"] == "kepegawaian.disiplin-asn"
            and hidden["agency_responsible"] == "Badan Kepegawaian Daerah"
        )
    response, (one,) = o311_call(client, "get", f"requests/{entered['tracking_number'].lower()}.json")
    assert one["service_request_id"] == entered["tracking_number"] and one["description"] is None


# -- searching ------------------------------------------------------------------------------------------
def test_filters_ids_and_the_90_day_rule(client, stack, monkeypatch):
    real_now = stack.svc.now
    monkeypatch.setattr(stack.svc, "now", lambda: real_now() - timedelta(days=100))  # a complaint of long ago
    old, _ = submit_complaint(stack.svc, Citizen("citizen-7", "lama@example.id"), COMPLAINT)
    monkeypatch.setattr(stack.svc, "now", real_now)
    accepted(stack, old["id"])
    # The search lists only what intake accepted (domain/publication.is_listed): one rejected there is not listed,
    # one closed later (a duplicate) is.
    rejected, _ = submit_complaint(
        stack.svc,
        Citizen("citizen-6", "tolak@example.id"),
        {**COMPLAINT, "category": "sosial", "subcategory": "bansos"},
    )
    intake = stack.waiting_at(rejected["id"], "intake")
    reason = {"decision": "reject", "reason": "Bukan kewenangan Pemprov; hubungi Dinsos kota."}
    decide_uc.decide(stack.svc, rejected["id"], int(intake.step), reason, actor=OPERATOR)
    stack.run_until(lambda: stack.complaint(rejected["id"]).status == "closed", what="the rejection")
    duplicate, _ = submit_complaint(
        stack.svc,
        Citizen("citizen-4", "sama@example.id"),
        {**COMPLAINT, "category": "sosial", "subcategory": "bansos"},
    )
    accepted(stack, duplicate["id"])
    classification = stack.waiting_at(duplicate["id"], "classification")
    same = {"kind": "duplicate", "of": old["tracking_number"]}
    decide_uc.decide(stack.svc, duplicate["id"], int(classification.step), same, actor=DISKOMINFO)
    stack.run_until(lambda: stack.complaint(duplicate["id"]).status == "closed", what="the duplicate closed")
    fresh, _ = submit_complaint(stack.svc, Citizen("citizen-5", "baru@example.id"), COMPLAINT)
    accepted(stack, fresh["id"])

    def numbers(query, fmt="json"):
        response, parsed = o311_call(client, "get", f"requests.{fmt}?{query}")
        assert response.status_code == 200, parsed
        return [i["service_request_id"] for i in (parsed if fmt == "json" else xml_items(parsed))]

    assert numbers("") == [fresh["tracking_number"], duplicate["tracking_number"]]  # the most recent 90 days
    assert numbers("status=open") == [fresh["tracking_number"]]
    assert numbers("status=closed", "xml") == [duplicate["tracking_number"]]  # not the one rejected at intake
    _, (closed,) = o311_call(client, "get", f"requests/{rejected['tracking_number']}.json")  # by its number: found
    assert closed["status"] == "closed" and closed["status_notes"] is None  # rejected at intake: no text shown
    assert numbers("service_code=sosial.bansos") == [duplicate["tracking_number"]]
    assert numbers("service_code=sosial.bansos&service_code=kesehatan.puskesmas") == numbers("")  # twice = a list
    assert numbers("service_code=pendidikan.ppdb") == []
    now = real_now()
    start, end = (
        (now - timedelta(days=110)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        (now - timedelta(days=21)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    assert numbers(f"start_date={start}&end_date={end}") == [old["tracking_number"]]  # another month's partition
    assert numbers(f"start_date={start}", "xml") == [old["tracking_number"]]  # the 90 days after the start
    ids = f"{old['tracking_number']},{rejected['tracking_number'].replace('-', '').lower()},KT-0000-0000"
    assert numbers(f"service_request_id={ids}&status=open&start_date=bukan-tanggal") == [
        old["tracking_number"],
        rejected["tracking_number"],
    ]  # ids override every other argument, and find any report (the unlisted one without its text)

    too_long = (
        f"start_date={(now - timedelta(days=91)).strftime('%Y-%m-%dT%H:%M:%SZ')}&end_date="
        f"{now.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    )
    for fmt in ("json", "xml"):
        response, parsed = o311_call(client, "get", f"requests.{fmt}?{too_long}")
        assert_error(response, parsed, 400, "more than 90 days")
        response, parsed = o311_call(client, "get", f"requests.{fmt}?status=pending&service_code=nope")
        assert_error(response, parsed, 400, "status must be open or closed")
        assert len(parsed) == 2
        response, parsed = o311_call(client, "get", f"requests/KT-0000-0000.{fmt}")
        assert_error(response, parsed, 404, "service_request_id KT-0000-0000 not found")
        response, parsed = o311_call(client, "get", f"tokens/12345.{fmt}")
        assert_error(response, parsed, 404, "token 12345 not found")

    # At most the limit, newest first, read month by month from the index; listed ones only.
    found = stack.svc.open311.complaints_created_between(now - timedelta(days=110), now, 2)
    assert [c.tracking_number for c in found] == [fresh["tracking_number"], duplicate["tracking_number"]]
    found = stack.svc.open311.complaints_created_between(now - timedelta(days=110), now, 3)
    assert [c.tracking_number for c in found][-1] == old["tracking_number"]


# -- keys and errors ------------------------------------------------------------------------------------
def test_missing_wrong_and_revoked_keys_unknown_services_and_bad_input_in_both_formats(client, stack, monkeypatch):
    key = issue(stack)
    key_id = key.split("_")[1]
    wrong_secret = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    for fmt in ("json", "xml"):
        path = f"requests.{fmt}"
        assert_error(*o311_call(client, "post", path, NEW_REQUEST), 403, "api_key is required")
        for bad in (wrong_secret, "xyz", f"o311_{'0' * 12}_{'A' * 43}"):
            assert_error(*o311_call(client, "post", path, {"api_key": bad, **NEW_REQUEST}), 403, "Invalid api_key")
        assert_error(
            *o311_call(client, "post", path, {"api_key": key, **NEW_REQUEST, "service_code": "001"}),
            404,
            "service_code 001 not found",
        )
        assert_error(
            *o311_call(client, "post", path, {"api_key": key, **NEW_REQUEST, "service_code": ""}),
            400,
            "service_code was not provided",
        )
        response, parsed = o311_call(
            client,
            "post",
            path,
            {"api_key": key, **NEW_REQUEST, "description": "", "lat": "", "long": "", "address_string": ""},
        )
        assert_error(response, parsed, 400, "description is required")
        assert_error(response, parsed, 400, "a location is required")
        assert_error(
            *o311_call(
                client,
                "post",
                path,
                headers={"Content-Type": "application/json"},
                raw=json.dumps({"api_key": key, **NEW_REQUEST}).encode(),
            ),
            400,
            "x-www-form-urlencoded",
        )
        assert_error(
            *o311_call(
                client, "post", path, {"api_key": key, **NEW_REQUEST}, headers={"Idempotency-Key": "spasi tidak boleh"}
            ),
            400,
            "Idempotency-Key",
        )
        assert_error(
            *o311_call(client, "post", path, {"api_key": key, **NEW_REQUEST, "jurisdiction_id": "x.org"}),
            404,
            "jurisdiction_id",
        )
    # Two admins revoke at once: the one who comes second is told it is revoked, not an error.
    stale = stack.svc.open311.api_key(api_keys.API, key_id)
    api_keys.revoke_key(stack.svc, key_id, by=ADMIN)
    reads, real = iter([stale]), stack.svc.open311.api_key  # the second admin read the key before the first revoked it
    monkeypatch.setattr(stack.svc.open311, "api_key", lambda api, kid: next(reads, None) or real(api, kid))
    assert api_keys.revoke_key(stack.svc, key_id, by="other-admin@aspirasi.kaltimprov.go.id")["revoked_at"]
    monkeypatch.undo()
    for fmt in ("json", "xml"):
        assert_error(
            *o311_call(client, "post", f"requests.{fmt}", {"api_key": key, **NEW_REQUEST}), 403, "Invalid api_key"
        )
    # Nothing above made a complaint.
    assert o311_call(client, "get", "requests.json")[1] == []
    assert (
        boto3.client("stepfunctions", region_name=stack.region).list_executions(
            stateMachineArn=stack.resources.state_machine_arn
        )["executions"]
        == []
    )


def test_each_key_is_limited_per_minute_with_retry_after(client, stack, monkeypatch):
    monkeypatch.setattr(stack.svc, "settings", dataclasses.replace(stack.svc.settings, open311_rate_limit_per_minute=3))
    moment = datetime(2026, 11, 28, 3, 15, 20, tzinfo=UTC)
    monkeypatch.setattr(stack.svc, "now", lambda: moment)
    busy, other = issue(stack, "Aplikasi Sibuk"), issue(stack, "Aplikasi Lain")
    bad = {**NEW_REQUEST, "description": ""}  # refused after counting: cheap, and still counted
    for _ in range(3):
        assert o311_call(client, "post", "requests.json", {"api_key": busy, **bad})[0].status_code == 400
    for fmt in ("json", "xml"):
        response, parsed = o311_call(client, "post", f"requests.{fmt}", {"api_key": busy, **NEW_REQUEST})
        assert_error(response, parsed, 429, "at most 3 a minute")
        assert response.headers["Retry-After"] == "40"
    assert o311_call(client, "post", "requests.json", {"api_key": other, **bad})[0].status_code == 400  # its own count
    counter = RateCounterModel.get(f"open311#{busy.split('_')[1]}#2026-11-28T03:15")
    assert counter.hits == 3 and counter.ttl == datetime(2026, 11, 28, 4, 16, tzinfo=UTC)
    moment = moment + timedelta(seconds=40)  # the next minute
    response, created = o311_call(client, "post", "requests.json", {"api_key": busy, **NEW_REQUEST})
    assert response.status_code == 200 and created[0]["service_request_id"].startswith("KT-")


# -- the admins' keys -----------------------------------------------------------------------------------
def test_admin_issues_a_key_once_lists_and_revokes_it(client, stack, staff):
    admin = staff.token("admin", email=ADMIN)
    response, issued = call(client, "post", "/staff/api-keys", {"organisation": "  Aplikasi  Lapor Kita "}, admin)
    assert response.status_code == 201, issued
    assert response.headers["Cache-Control"] == "no-store"
    key = issued.pop("api_key")
    assert issued["organisation"] == "Aplikasi Lapor Kita" and issued["active"] is True
    assert issued["created_by"] == ADMIN and issued["last_used_at"] is None and key.startswith(f"o311_{issued['id']}_")
    stored = ApiKeyModel.get("open311", issued["id"])
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    raw_items = boto3.client("dynamodb", region_name=stack.region).scan(TableName=ApiKeyModel.Meta.table_name)["Items"]
    assert key not in json.dumps(raw_items)  # only its hash is kept

    response, problem = call(client, "post", "/staff/api-keys", {"organisation": "aplikasi lapor KITA"}, admin)
    assert response.status_code == 409 and problem["type"].endswith("api-key-exists") and problem["id"] == issued["id"]
    response, problem = call(client, "post", "/staff/api-keys", {"organisation": ""}, admin)
    assert response.status_code == 422 and problem["errors"][0]["field"] == "organisation"
    response, listed = call(client, "get", "/staff/api-keys", token=admin)
    assert listed == {"items": [issued]} and key not in json.dumps(listed)

    assert o311_call(client, "post", "requests.json", {"api_key": key, **NEW_REQUEST})[0].status_code == 200
    response, _ = call(client, "delete", f"/staff/api-keys/{issued['id']}", token=admin)
    assert response.status_code == 204
    assert call(client, "delete", f"/staff/api-keys/{issued['id']}", token=admin)[0].status_code == 204  # again
    assert_error(*o311_call(client, "post", "requests.json", {"api_key": key, **NEW_REQUEST}), 403, "Invalid api_key")
    response, listed = call(client, "get", "/staff/api-keys", token=admin)
    (revoked,) = listed["items"]
    assert revoked["active"] is False and revoked["revoked_by"] == ADMIN and revoked["last_used_at"]
    response, second = call(client, "post", "/staff/api-keys", {"organisation": "Aplikasi Lapor Kita"}, admin)
    assert response.status_code == 201 and second["id"] != issued["id"]  # revoked: the organisation may have a new one
    assert call(client, "delete", "/staff/api-keys/000000000000", token=admin)[0].status_code == 404
    assert call(client, "delete", "/staff/api-keys/bukan-id", token=admin)[0].status_code == 404


def test_a_filtered_search_reads_a_bounded_number_of_complaints(client, stack, monkeypatch):
    from chalicelib.adapters import open311_store

    for n in range(4):
        complaint, _ = submit_complaint(stack.svc, Citizen(f"citizen-{n}", f"w{n}@example.id"), COMPLAINT)
        accepted(stack, complaint["id"])  # listed: the search finds only these
    monkeypatch.setattr(open311_store, "MAX_EXAMINED", 2)
    monkeypatch.setattr(open311_store, "_PAGE", 1)
    _, found = o311_call(client, "get", "requests.json?status=open")
    assert len(found) == 2  # four match, but the search looked at two only
    _, none = o311_call(client, "get", "requests.json?status=closed")
    assert none == []


def test_a_search_by_ids_none_of_which_is_a_tracking_number_finds_nothing(client, stack):
    """Found by the fuzzer (tests/e2e/test_fuzz.py): such ids fell through to a date search without dates (500)."""
    for fmt in ("json", "xml"):
        response, parsed = o311_call(client, "get", f"requests.{fmt}?service_request_id=%C2%A5x,zz&start_date=x")
        assert response.status_code == 200, parsed
        assert len(parsed) == 0
