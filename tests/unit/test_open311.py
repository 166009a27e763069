"""Open311 GeoReport v2, pure: our documents against the specification's own examples (field names, order
and shapes of JSON and XML, errors), the validation of searches and new requests, and the services
the catalog makes.

The examples below are copied from the specification (github.com/open311/open311.github.io,
``GeoReport/v2/index.md`` and ``Service_Discovery.md``), their lists cut to the first item (the
discovery example's second endpoint). Its JSON examples write ids as bare numbers with leading zeros
(``"service_code":001``), which is not JSON: ``spec_json`` quotes them.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from chalicelib.adapters.open311_store import month_keys
from chalicelib.config import ConfigError, Settings
from chalicelib.domain import catalog, georeport
from chalicelib.domain.georeport import Open311Error
from chalicelib.domain.submission import ALL_CHANNELS, CHANNELS, OPEN311, parse_submission
from chalicelib.service import api_keys

from .open311_sample import JURISDICTION, SPEC_POST_REQUEST, spec_form

NOW = datetime(2026, 11, 28, 4, 0, tzinfo=UTC)

# -- the specification's examples ---------------------------------------------------------------------
SPEC_SERVICES_XML = """<?xml version="1.0" encoding="utf-8"?>
<services>
    <service>
        <service_code>001</service_code>
        <service_name>Cans left out 24x7</service_name>
        <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.</description>
        <metadata>true</metadata>
        <type>realtime</type>
        <keywords>lorem, ipsum, dolor</keywords>
        <group>sanitation</group>
    </service>
</services>"""  # noqa: E501  (the specification's example, verbatim)
SPEC_SERVICES_JSON = """[
  {
    "service_code":001,
    "service_name":"Cans left out 24x7",
    "description":"Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.",
    "metadata":true,
    "type":"realtime",
    "keywords":"lorem, ipsum, dolor",
    "group":"sanitation"
  }
]"""  # noqa: E501  (the specification's example, verbatim)
SPEC_DEFINITION_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_definition>
    <service_code>DMV66</service_code>
    <attributes>
        <attribute>
            <variable>true</variable>
            <code>WHISHETN</code>
            <datatype>singlevaluelist</datatype>
            <required>true</required>
            <datatype_description></datatype_description>
            <order>1</order>
            <description>What is the ticket/tag/DL number?</description>
            <values>
                <value>
                    <key>123</key>
                    <name>Ford</name>
                </value>
            </values>
        </attribute>
    </attributes>
</service_definition>"""
SPEC_DEFINITION_JSON = """{
  "service_code":"DMV66",
  "attributes":[
    {
      "variable":true,
      "code":"WHISHETN",
      "datatype":"singlevaluelist",
      "required":true,
      "datatype_description":null,
      "order":1,
      "description":"What is the ticket/tag/DL number?",
      "values":[
        {
          "key":123,
          "name":"Ford"
        }
      ]
    }
  ]
}"""
SPEC_POST_RESPONSE_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>293944</service_request_id>
        <service_notice>
            The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code
        </service_notice>
        <account_id/>
    </request>
</service_requests>"""  # noqa: E501  (the specification's example, verbatim)
SPEC_POST_RESPONSE_JSON = """[
  {
    "service_request_id":293944,
    "service_notice":"The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code",
    "account_id":null
  }
]"""  # noqa: E501  (the specification's example, verbatim)
SPEC_TOKEN_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <token>12345</token>
    </request>
</service_requests>"""
SPEC_TOKEN_JSON = """[
  {
    "service_request_id":638344,
    "token":12345
  }
]"""
SPEC_REQUESTS_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <status>closed</status>
        <status_notes>Duplicate request.</status_notes>
        <service_name>Sidewalk and Curb Issues</service_name>
        <service_code>006</service_code>
        <description></description>
        <agency_responsible></agency_responsible>
        <service_notice></service_notice>
        <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
        <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
        <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
        <address>8TH AVE and JUDAH ST</address>
        <address_id>545483</address_id>
        <zipcode>94122</zipcode>
        <lat>37.762221815</lat>
        <long>-122.4651145</long>
        <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg </media_url>
    </request>
</service_requests>"""
SPEC_REQUESTS_JSON = """[
  {
    "service_request_id":638344,
    "status":"closed",
    "status_notes":"Duplicate request.",
    "service_name":"Sidewalk and Curb Issues",
    "service_code":006,
    "description":null,
    "agency_responsible":null,
    "service_notice":null,
    "requested_datetime":"2010-04-14T06:37:38-08:00",
    "updated_datetime":"2010-04-14T06:37:38-08:00",
    "expected_datetime":"2010-04-15T06:37:38-08:00",
    "address":"8TH AVE and JUDAH ST",
    "address_id":545483,
    "zipcode":94122,
    "lat":37.762221815,
    "long":-122.4651145,
    "media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
  }
]"""
SPEC_ERRORS_XML = """<?xml version="1.0" encoding="utf-8"?>
<errors>
    <error>
        <code>403</code>
        <description>Invalid api_key received -- can't proceed with create_request.</description>
    </error>
</errors>"""
SPEC_ERRORS_JSON = """[
  {
    "code":403,
    "description":"Invalid api_key received -- can't proceed with create_request."
  }
]"""
SPEC_DISCOVERY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<discovery>
    <changeset>2011-02-03 14:18</changeset>
    <contact>You can email or call for assistance api@mycity.org +1 (555) 555-5555</contact>
    <key_service>You can request a key here: http://api.mycity.gov/api_key/request</key_service>
    <endpoints>
        <endpoint>
            <specification>http://wiki.open311.org/GeoReport_v2</specification>
            <url>http://open311.mycity.gov/test/v2</url>
            <changeset>2010-10-02 09:01</changeset>
            <type>test</type>
            <formats>
                <format>text/xml</format>
                <format>application/json</format>
            </formats>
        </endpoint>
    </endpoints>
</discovery>"""
SPEC_DISCOVERY_JSON = """{
  "changeset":"2011-02-03 14:18",
  "contact":"You can email or call for assistance api@mycity.org +1 (555) 555-5555",
  "key_service":"You can request a key here: http://api.mycity.gov/api_key/request",
  "endpoints":[
    {
      "specification":"http://wiki.open311.org/GeoReport_v2",
      "url":"http://open311.mycity.gov/test/v2",
      "changeset":"2010-10-02 09:01",
      "type":"test",
      "formats":[
        "text/xml",
        "application/json"
      ]
    }
  ]
}"""


def spec_json(text: str):
    """The spec's JSON examples, made JSON: bare numbers with leading zeros become strings."""
    return json.loads(re.sub(r'":\s*(0\d+)(?=\s*[,}\n])', r'":"\1"', text))


def spec_xml(text: str) -> ET.Element:
    return ET.fromstring(text.encode())  # bytes: the declaration names the encoding


def shape(element: ET.Element):
    """An XML element's structure without its text: (tag, children's shapes); repeated items count once."""
    children: list[tuple] = []
    for child in element:
        if not children or children[-1][0] != child.tag or child.tag not in georeport._ITEM_TAGS.values():
            children.append(shape(child))
    return element.tag, children


def json_shape(value):
    """A JSON value's structure: key order of objects, one item of each list."""
    if isinstance(value, dict):
        return [(k, json_shape(v)) for k, v in value.items()]
    if isinstance(value, list):
        return [json_shape(value[0])] if value else []
    return None


def ours(document: georeport.Document, fmt: str):
    body, content_type = georeport.render(document, fmt)
    assert content_type == {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}[fmt]
    return json.loads(body) if fmt == "json" else ET.fromstring(body.encode("utf-8"))


def spark(element: ET.Element):
    """XML back to JSON by the Spark convention (as the spec maps them), to compare with our JSON."""
    if element.tag in georeport._ITEM_TAGS:
        return [spark(child) for child in element]
    if len(element):
        return {child.tag: spark(child) for child in element}
    return element.text


def plain(value):
    """JSON scalars as XML carries them: text, "true"/"false", empty as None."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None or value == "" else str(value)


COMPLAINT = dict(
    tracking_number="KT-13J2-PB4K",
    status="open",
    reply=None,
    close_reason=None,
    category="infrastruktur",
    subcategory="jalan-rusak",
    description="Lubang besar di Jl. Juanda dekat pasar, sudah dua minggu.",
    location="Jl. Juanda, Samarinda",
    latitude=-0.4948,
    longitude=117.1436,
    media_url="https://foto.example/1.jpg",
    kind=None,
    opd=None,
    confidential=False,
    anonymous=False,
    public=True,
    stage="classification",
    created_at="2026-11-27T01:00:00.000+00:00",
    updated_at="2026-11-27T02:00:00.000+00:00",
    answered_at=None,
    closed_at=None,
    sop_due_at="2026-11-29T01:00:00.000+00:00",
    citizen_name="Siti Aminah",
    citizen_email="siti@example.id",
    citizen_phone="+6281234567890",
    entered_by="open311:Demo client",
    device_id="tt222111",
    account_id="123456",
    title="Jalan rusak: Lubang besar",
)


def complaint(**changes):
    return SimpleNamespace(**{**COMPLAINT, **changes})


# -- shapes: our documents as the spec's examples ---------------------------------------------------
@pytest.mark.parametrize(
    "document, spec_x, spec_j",
    [
        (georeport.services_document(), SPEC_SERVICES_XML, SPEC_SERVICES_JSON),
        (georeport.requests_document([complaint()]), SPEC_REQUESTS_XML, SPEC_REQUESTS_JSON),
        (georeport.created_document("KT-13J2-PB4K", "Diproses", None), SPEC_POST_RESPONSE_XML, SPEC_POST_RESPONSE_JSON),
        (georeport.token_document("KT-13J2-PB4K", "KT-13J2-PB4K"), SPEC_TOKEN_XML, SPEC_TOKEN_JSON),
        (georeport.invalid_api_key().document(), SPEC_ERRORS_XML, SPEC_ERRORS_JSON),
        (
            georeport.discovery("https://aspirasi.test/open311/v2", "kontak", "kunci", "test"),
            SPEC_DISCOVERY_XML,
            SPEC_DISCOVERY_JSON,
        ),
    ],
    ids=["services", "requests", "post", "token", "errors", "discovery"],
)
def test_documents_have_the_spec_examples_fields_in_its_order(document, spec_x, spec_j):
    assert shape(ours(document, "xml")) == shape(spec_xml(spec_x))
    assert json_shape(ours(document, "json")) == json_shape(spec_json(spec_j))


def test_service_definition_has_the_spec_shape_with_no_attributes():
    xml, data = (
        ours(georeport.service_definition("kesehatan.puskesmas"), "xml"),
        ours(georeport.service_definition("kesehatan.puskesmas"), "json"),
    )
    spec_x, spec_j = spec_xml(SPEC_DEFINITION_XML), spec_json(SPEC_DEFINITION_JSON)
    assert [c.tag for c in xml] == [c.tag for c in spec_x] == ["service_code", "attributes"]
    assert list(data) == list(spec_j) and data == {"service_code": "kesehatan.puskesmas", "attributes": []}
    assert xml.find("attributes") is not None and len(xml.find("attributes")) == 0  # metadata false: none


@pytest.mark.parametrize(
    "document",
    [
        georeport.services_document(),
        georeport.requests_document([complaint(), complaint(status="closed", reply="Sudah.")]),
        georeport.created_document("KT-13J2-PB4K", "Diproses", "123456"),
        georeport.discovery("u", "c", "k", "production"),
        georeport.service_definition("kebencanaan.banjir"),
        georeport.invalid_api_key().document(),
    ],
    ids=["services", "requests", "post", "discovery", "definition", "errors"],
)
def test_xml_and_json_say_the_same_by_the_spark_convention(document):
    assert spark(ours(document, "xml")) == plain(ours(document, "json"))


def test_xml_starts_with_the_declaration_and_types_are_as_the_spec_writes_them():
    body, _ = georeport.render(georeport.services_document(), "xml")
    assert body.startswith("<?xml version='1.0' encoding='utf-8'?>")
    first = ours(georeport.services_document(), "xml")[0]
    assert first.findtext("metadata") == "false" and first.findtext("type") == "realtime"
    data = ours(georeport.services_document(), "json")[0]
    assert data["metadata"] is False and data["type"] == "realtime"
    request = ours(georeport.requests_document([complaint()]), "json")[0]
    assert request["lat"] == -0.495 and request["long"] == 117.144  # numbers, as in the example (3 decimals: ours)
    assert request["address_id"] is None and request["zipcode"] is None  # listed by the spec, not kept by us


def test_errors_are_a_list_of_code_and_description_in_both_formats():
    error = Open311Error(400, "satu / one", "dua / two")
    assert ours(error.document(), "json") == [
        {"code": 400, "description": "satu / one"},
        {"code": 400, "description": "dua / two"},
    ]
    xml = ours(error.document(), "xml")
    assert xml.tag == "errors" and [(e.findtext("code"), e.findtext("description")) for e in xml] == [
        ("400", "satu / one"),
        ("400", "dua / two"),
    ]
    limited = georeport.rate_limited(60, 17)
    assert limited.status == 429 and limited.headers == {"Retry-After": "17"}
    assert "60" in limited.descriptions[0] and " / " in limited.descriptions[0]
    assert georeport.invalid_api_key().status == georeport.missing_api_key().status == 403
    assert "api_key" in georeport.invalid_api_key().descriptions[0]
    assert georeport.refused("idempotency_key_reused").status == 400 and georeport.internal_error().status == 500


def test_xml_escapes_markup_and_drops_what_xml_cannot_carry():
    evil = complaint(description='<script>alert(1)</script> & "kutip" \x00\x07\x1b ✓ selesai', location="A]]>B")
    body, _ = georeport.render(georeport.requests_document([evil]), "xml")
    assert "<script>" not in body and "&lt;script&gt;" in body
    parsed = ET.fromstring(body.encode("utf-8"))[0]
    assert parsed.findtext("description") == '<script>alert(1)</script> & "kutip"  ✓ selesai'
    assert parsed.findtext("address") == "A]]>B"
    assert ours(georeport.requests_document([evil]), "json")[0]["description"].startswith("<script>")


# -- a request as the public sees it ------------------------------------------------------------------
def test_public_requests_never_carry_personal_data_or_external_ids():
    for fmt in ("json", "xml"):
        body, _ = georeport.render(georeport.requests_document([complaint()]), fmt)
        for secret in (
            "Siti",
            "siti@example.id",
            "6281234567890",
            "open311:Demo",
            "tt222111",
            "123456",
            "Jalan rusak: Lubang",
        ):
            assert secret not in body, (fmt, secret)
    assert list(georeport.service_request(complaint())) == list(spec_json(SPEC_REQUESTS_JSON)[0])


@pytest.mark.parametrize(
    "changes",
    [
        {"confidential": True},
        {"public": None},  # entered by staff, or from before reporters were told their text may be public
        {"stage": "intake"},  # not screened yet
        {"stage": "intake", "status": "closed", "close_reason": "Bukan keluhan: Jl. Juanda milik kota."},  # rejected
    ],
)
def test_text_is_shown_only_for_a_listed_report(changes):
    hidden = georeport.service_request(
        complaint(**{"status": "closed", "reply": "Kami perbaiki Jl. Juanda.", **changes})
    )
    for name in ("description", "address", "lat", "long", "media_url", "status_notes"):
        assert hidden[name] is None, name
    assert hidden["status"] == "closed" and hidden["service_code"] == "infrastruktur.jalan-rusak"
    assert hidden["agency_responsible"] == "Dinas Pekerjaan Umum, Penataan Ruang dan Perumahan Rakyat"
    body, _ = georeport.render(georeport.requests_document([complaint(**changes)]), "xml")
    assert "Juanda" not in body and "foto.example" not in body and "-0.49" not in body


def test_a_listed_reports_text_is_published_as_the_register_publishes_it():
    """domain/publication.py's rules (issue 22): masked text, a rounded point, never the photo link."""
    shown = georeport.service_request(
        complaint(
            status="answered",
            description="Saya Siti Aminah (siti.aminah@mail.id, 0812-3456-7890): lubang di Jl. Juanda, Rp 15.000.000.",
            location="Depan rumah Bu AMINAH, Jl. Juanda, hubungi +62 811 5500 123",
            reply="Terima kasih Ibu Siti, lubang ditambal pukul 08.00-16.00.",
            latitude=-0.494851,
            longitude=117.143649,
        )
    )
    assert shown["description"] == "Saya [nama] ([email], [telepon]): lubang di Jl. Juanda, Rp 15.000.000."
    assert shown["address"] == "Depan rumah Bu [nama], Jl. Juanda, hubungi [telepon]"
    assert shown["status_notes"] == "Terima kasih Ibu [nama], lubang ditambal pukul 08.00-16.00."
    assert (shown["lat"], shown["long"]) == (-0.495, 117.144)  # about 110 m
    assert shown["media_url"] is None  # the reporter's own photo: never published
    sensitive = georeport.service_request(complaint(category="sosial", subcategory="bansos"))
    assert sensitive["description"] == COMPLAINT["description"]  # listed, without location: no point, no address
    assert sensitive["lat"] is None and sensitive["long"] is None and sensitive["address"] is None


def test_status_notes_dates_and_agency():
    open_ = georeport.service_request(complaint())
    assert open_["status"] == "open" and open_["status_notes"] is None
    assert open_["requested_datetime"] == "2026-11-27T09:00:00+08:00"  # W3C with the zone, in WITA
    assert open_["updated_datetime"] == "2026-11-27T10:00:00+08:00"
    assert open_["expected_datetime"] == "2026-11-29T09:00:00+08:00"  # the SOP clock (sop_due_at)
    assert open_["agency_responsible"] == catalog.OPDS["PUPR-PERA"].name  # the category's, before routing
    answered = georeport.service_request(
        complaint(
            status="answered",
            reply="Diperbaiki besok.",
            kind="aspiration",
            opd="DISHUB",
            answered_at="2026-11-28T00:30:00.000+00:00",
        )
    )
    assert answered["status"] == "closed" and answered["status_notes"] == "Diperbaiki besok."
    assert answered["agency_responsible"] == "Dinas Perhubungan"
    assert answered["updated_datetime"] == "2026-11-28T08:30:00+08:00"  # when it was closed (answered)
    rejected = georeport.service_request(
        complaint(status="closed", close_reason="Bukan pengaduan.", closed_at="2026-11-27T03:00:00.000+00:00")
    )
    assert rejected["status_notes"] == "Bukan pengaduan." and rejected["updated_datetime"].startswith("2026-11-27T11")
    information = georeport.service_request(complaint(kind="information"))
    assert information["agency_responsible"] == "Dinas Komunikasi dan Informatika"
    long_text = georeport.service_request(complaint(description="x" * 5000))
    assert len(long_text["description"]) == 4000 and long_text["description"].endswith("…")


# -- services from the catalog ------------------------------------------------------------------
def test_one_service_per_subcategory_coded_category_dot_subcategory():
    services = ours(georeport.services_document(), "json")
    expected = [(c.code, s.code, c.name, s.name) for c in catalog.CATEGORIES.values() for s in c.subcategories]
    assert [(s["service_code"], s["group"], s["service_name"]) for s in services] == [
        (f"{c}.{s}", group, name) for c, s, group, name in expected
    ]
    assert len({s["service_code"] for s in services}) == len(services)
    puskesmas = georeport.find_service("kesehatan.puskesmas")
    assert puskesmas.agency == "Dinas Kesehatan" and "Dinas Kesehatan" in puskesmas.description
    assert "puskesmas" in puskesmas.keywords and "," in puskesmas.keywords
    assert all(s["metadata"] is False and s["type"] == "realtime" and s["description"] for s in services)
    assert georeport.find_service("kesehatan") is None and georeport.find_service("001") is None
    with pytest.raises(Open311Error) as error:
        georeport.service_definition("001")
    assert error.value.status == 404 and "001" in error.value.descriptions[0]


def test_formats_come_from_the_name():
    assert georeport.split_format("kesehatan.puskesmas.json") == ("kesehatan.puskesmas", "json")
    assert georeport.split_format("KT-13J2-PB4K.XML") == ("KT-13J2-PB4K", "xml")
    for bad in ("KT-13J2-PB4K", "KT-13J2-PB4K.csv", ".json"):
        with pytest.raises(Open311Error) as error:
            georeport.split_format(bad)
        assert error.value.status == 400
    assert georeport.format_of("/open311/v2/services/{service_file}") is None


# -- POST Service Request: validation --------------------------------------------------------------


def test_the_spec_example_request_is_accepted_for_one_of_our_services():
    request = georeport.parse_request(spec_form(), JURISDICTION)
    assert request.service.code == "infrastruktur.jalan-rusak"
    assert (request.latitude, request.longitude) == (-0.4948, 117.1436)
    assert request.address == "1234 5th street" and request.email == "smit333@sfgov.edu"
    assert request.reporter_name == "john smith" and request.phone == "+6281234567890"  # kept as E.164
    assert request.media_url == "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg"
    assert (request.device_id, request.account_id) == ("tt222111", "123456")
    assert request.title == "Jalan provinsi rusak: A large sinkhole is destroying the street"
    submission = parse_submission(request.submission_payload())  # what our submission path takes
    assert (submission.category, submission.subcategory) == ("infrastruktur", "jalan-rusak")
    assert submission.location == "1234 5th street" and not submission.confidential and not submission.anonymous


def test_the_spec_example_as_sent_names_another_jurisdiction_and_service():
    form = georeport.parse_form(SPEC_POST_REQUEST, "application/x-www-form-urlencoded")
    with pytest.raises(Open311Error) as error:
        georeport.parse_request(form, JURISDICTION)
    assert error.value.status == 404 and "city.gov" in error.value.descriptions[0]
    with pytest.raises(Open311Error) as error:
        georeport.parse_request({**form, "jurisdiction_id": ""}, JURISDICTION)
    assert error.value.status == 404 and "service_code 001" in error.value.descriptions[0]


def test_a_long_description_makes_a_title_cut_at_a_word():
    request = georeport.parse_request(spec_form(description="Jalan berlubang " * 200), JURISDICTION)
    assert len(request.title) <= 150 and request.title.endswith("…")
    whole = "Jalan provinsi rusak: " + " ".join(("Jalan berlubang " * 200).split())
    assert whole.startswith(request.title[:-1]) and whole[len(request.title) - 1] == " "  # cut between words


@pytest.mark.parametrize(
    "changes, fragment",
    [
        ({"description": None}, "description is required"),
        ({"description": "   "}, "description is required"),
        ({"description": "Rusak"}, "at least 10"),
        ({"description": "x" * 4001}, "at most 4,000"),
        ({"lat": "abc"}, "lat must be WGS84"),
        ({"lat": "91"}, "lat must be WGS84"),
        ({"long": "nan"}, "long must be WGS84"),
        ({"lat": "37.76524078", "long": "-122.4212043"}, "lat must be WGS84 degrees within East Kalimantan"),
        ({"long": "119.3"}, "long must be WGS84 degrees within East Kalimantan, between 113.6 and 119.2"),
        ({"lat": "inf"}, "lat must be WGS84"),
        ({"long": None}, "lat and long must be sent together"),
        ({"lat": None, "long": None, "address_string": None}, "a location is required"),
        ({"lat": None, "long": None, "address_string": None, "address_id": "545483"}, "address_id is not supported"),
        ({"email": "bukan-email"}, "email is not a valid"),
        ({"phone": "telepon saya"}, "phone is not a phone number"),
        ({"media_url": "javascript:alert(1)"}, "media_url must be a complete http(s) URL"),
        ({"media_url": "ftp://x.example/a.jpg"}, "media_url must be a complete http(s) URL"),
        ({"first_name": "x" * 60, "last_name": "y" * 60}, "together may hold at most 100"),
        ({"device_id": "a\x01b"}, "device_id contains control characters"),
        ({"address_string": "x" * 301}, "address_string is too long"),
    ],
)
def test_bad_requests_are_400_with_a_description_in_both_languages(changes, fragment):
    with pytest.raises(Open311Error) as error:
        georeport.parse_request(spec_form(**changes), JURISDICTION)
    assert error.value.status == 400
    assert any(fragment in d and " / " in d for d in error.value.descriptions), error.value.descriptions


def test_several_mistakes_are_told_at_once():
    with pytest.raises(Open311Error) as error:
        georeport.parse_request(
            spec_form(description=None, email="x", lat=None, long=None, address_string=None), JURISDICTION
        )
    assert len(error.value.descriptions) == 3


def test_a_missing_service_code_is_400_an_unknown_one_404():
    for missing in (None, " "):
        with pytest.raises(Open311Error) as error:
            georeport.parse_request(spec_form(service_code=missing), JURISDICTION)
        assert error.value.status == 400 and "service_code" in error.value.descriptions[0]
    with pytest.raises(Open311Error) as error:
        georeport.parse_request(spec_form(service_code="kesehatan.tidak-ada"), JURISDICTION)
    assert error.value.status == 404


def test_only_a_utf8_form_is_read():
    assert georeport.parse_form(b"a=1&a=2&b=%C3%A9&c=", "application/x-www-form-urlencoded") == {
        "a": "1",
        "b": "é",
        "c": "",
    }
    for raw, content_type in (
        (b'{"a": 1}', "application/json"),
        (b"a=1", None),
        (b"a=\xff", georeport.FORM),
        (b"a=%FF", georeport.FORM),
    ):
        with pytest.raises(Open311Error) as error:
            georeport.parse_form(raw, content_type)
        assert error.value.status == 400


# -- GET Service Requests: the search ------------------------------------------------------------
def search(**params):
    return georeport.parse_search(params, NOW, JURISDICTION)


def test_the_search_defaults_to_the_most_recent_90_days():
    default = search()
    assert (default.start, default.end) == (NOW - timedelta(days=90), NOW) and not default.statuses
    started = search(start_date="2026-01-01T00:00:00Z")
    assert started.end - started.start == timedelta(days=90)
    ended = search(end_date="2026-06-01T00:00:00+08:00")
    assert ended.start == ended.end - timedelta(days=90)
    both = search(start_date="2010-05-24T00:00:00Z", end_date="2010-06-24T00:00:00Z", status="open")
    assert both.statuses == {"open"} and both.our_statuses == {"open"}
    assert search(status="closed").our_statuses == {"answered", "closed"}
    assert search(status="open,closed").our_statuses == {"open", "answered", "closed"}
    # An unencoded "+" arrives as a space; a date alone is midnight in WITA.
    assert search(start_date="2026-11-01T00:00:00 08:00").start == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert search(start_date="2026-11-01").start == datetime(2026, 10, 31, 16, tzinfo=UTC)
    exactly = search(start_date="2026-01-01T00:00:00Z", end_date="2026-04-01T00:00:00Z")
    assert exactly.end - exactly.start == timedelta(days=90)


@pytest.mark.parametrize(
    "params, fragment",
    [
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-04-01T00:00:01Z"}, "more than 90 days"),
        ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, "must not be before"),
        ({"start_date": "2026-01-01T00:00:00"}, "with a time zone"),
        ({"end_date": "kemarin"}, "end_date must be a W3C date-time"),
        ({"status": "pending"}, "status must be open or closed"),
        ({"service_code": "kesehatan.puskesmas,001"}, "unknown service_code 001"),
    ],
)
def test_bad_searches_are_400(params, fragment):
    with pytest.raises(Open311Error) as error:
        search(**params)
    assert error.value.status == 400 and any(fragment in d for d in error.value.descriptions)


def test_ids_override_every_other_argument_and_read_like_a_caller_says_them():
    found = search(
        service_request_id="KT-13J2-PB4K, kt13j2pb4k,KT-0000-000O,not-an-id", status="pending", start_date="never"
    )
    assert found.ids == ("KT-13J2-PB4K", "KT-0000-0000")
    assert search(service_code="kesehatan.puskesmas,kesehatan.puskesmas").services == (
        georeport.find_service("kesehatan.puskesmas"),
    )
    with pytest.raises(Open311Error):
        search(service_request_id=",".join(["KT-13J2-PB4K"] * 1001))


def test_another_jurisdiction_is_not_found_ours_and_none_are_fine():
    with pytest.raises(Open311Error) as error:
        search(jurisdiction_id="sfgov.org")
    assert error.value.status == 404
    assert search(jurisdiction_id="KaltimProv.go.id") and search(jurisdiction_id="")


def test_a_90_day_search_reads_at_most_five_months_newest_first():
    assert month_keys(datetime(2026, 1, 31, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC)) == [
        "2026-05",
        "2026-04",
        "2026-03",
        "2026-02",
        "2026-01",
    ]
    assert month_keys(NOW - timedelta(days=90), NOW) == ["2026-11", "2026-10", "2026-09", "2026-08"]
    assert month_keys(datetime(2025, 12, 20, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)) == ["2026-01", "2025-12"]
    # Months are UTC, as created_at is: 07:00 WITA on 1 December is still November.
    wita = timezone(timedelta(hours=8))
    assert month_keys(datetime(2026, 12, 1, 7, tzinfo=wita), datetime(2026, 12, 1, 7, tzinfo=wita)) == ["2026-11"]


# -- channels, keys, settings -------------------------------------------------------------------------
def test_open311_is_a_channel_but_not_one_an_operator_picks():
    assert OPEN311 == "open311" and OPEN311 in ALL_CHANNELS and OPEN311 not in CHANNELS


def test_organisations_fold_and_keys_count_per_minute():
    assert api_keys.organisation_key("  Demo   Client ") == api_keys.organisation_key("demo client")
    minute, ends = api_keys.window(datetime(2026, 11, 28, 20, 9, 41, 500000, tzinfo=UTC))
    assert minute == "2026-11-28T20:09" and ends == datetime(2026, 11, 28, 20, 10, tzinfo=UTC)


def test_open311_settings():
    default = Settings.from_env({})
    assert (default.open311_rate_limit_per_minute, default.open311_jurisdiction_id, default.open311_endpoint_type) == (
        60,
        "kaltimprov.go.id",
        "production",
    )
    configured = Settings.from_env(
        {
            "OPEN311_RATE_LIMIT_PER_MINUTE": "5",
            "OPEN311_ENDPOINT_TYPE": "test",
            "OPEN311_JURISDICTION_ID": "Kaltimprov.go.id",
        }
    )
    assert (configured.open311_rate_limit_per_minute, configured.open311_endpoint_type) == (5, "test")
    for env in (
        {"OPEN311_RATE_LIMIT_PER_MINUTE": "0"},
        {"OPEN311_RATE_LIMIT_PER_MINUTE": "banyak"},
        {"OPEN311_ENDPOINT_TYPE": "staging"},
    ):
        with pytest.raises(ConfigError):
            Settings.from_env(env)


def test_a_search_answer_stops_before_it_outgrows_a_lambda_response():
    long = [
        complaint(tracking_number=f"KT-0000-{n:04d}", description="Ã" * 4000, reply="é" * 4000, status="closed")
        for n in range(georeport.MAX_RESULTS)
    ]
    document = georeport.requests_document(long)
    assert 0 < len(document.data) < georeport.MAX_RESULTS
    for fmt in ("json", "xml"):
        body, _ = georeport.render(document, fmt)
        assert len(body.encode()) < 6_000_000 - 100_000, fmt  # Lambda's limit, with room for the headers
    assert [r["service_request_id"] for r in document.data] == [f"KT-0000-{n:04d}" for n in range(len(document.data))]
