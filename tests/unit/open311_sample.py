"""The Open311 spec's own example POST request, shared by the Open311 and input-rule unit tests."""

from __future__ import annotations

from chalicelib.domain import georeport

JURISDICTION = "kaltimprov.go.id"
SPEC_POST_REQUEST = (
    "api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043"
    "&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456"
    "&first_name=john&last_name=smith&phone=111111111"
    "&description=A+large+sinkhole+is+destroying+the+street"
    "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
    "&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001"
)


def spec_form(**changes) -> dict:
    form = georeport.parse_form(SPEC_POST_REQUEST, "application/x-www-form-urlencoded; charset=utf-8")
    # Ours: the jurisdiction, a service, a point in East Kalimantan (the spec's is in San Francisco) and a
    # phone number that is one (the spec's "111111111" is not: every channel reads phones by one rule).
    form.update(
        jurisdiction_id=JURISDICTION,
        service_code="infrastruktur.jalan-rusak",
        lat="-0.4948",
        long="117.1436",
        phone="0812-3456-7890",
    )
    return {k: v for k, v in {**form, **changes}.items() if v is not None}
