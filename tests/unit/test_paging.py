"""Page tokens round-trip, and anything we did not write is a 422, never a crash."""

import base64

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.service.paging import KeyPart, decode_page_token, encode_page_token, is_hex_id, is_time, start_key


def test_round_trip():
    data = {"s": "open", "q": {"role#operator": ["2026-11-20T00:00:00+00:00", "0" * 32, 1]}}
    assert decode_page_token(encode_page_token(data)) == data


@pytest.mark.parametrize(
    "token",
    ["not base64!", base64.urlsafe_b64encode(b"{no json").decode(), base64.urlsafe_b64encode(b"[" * 5000).decode()],
)
def test_what_we_did_not_write_is_refused(token):
    with pytest.raises(ValidationFailed) as refused:
        decode_page_token(token)
    assert refused.value.errors == [{"field": "next_token", "code": "invalid_token"}]


SHAPE = {"citizen_id": KeyPart("S"), "created_at": KeyPart("S", is_time), "id": KeyPart("S", is_hex_id)}
HONEST = {"citizen_id": {"S": "sub-1"}, "created_at": {"S": "2026-11-20T01:02:03.000+00:00"}, "id": {"S": "a" * 32}}


def test_a_start_key_we_wrote_reads_back_for_its_owner():
    assert start_key(encode_page_token(HONEST), SHAPE, citizen_id="sub-1") == HONEST
    assert start_key(None, SHAPE, citizen_id="sub-1") is None


@pytest.mark.parametrize(
    "key",
    [
        {"citizen_id": {"S": "sub-1"}},  # the partition alone
        {**HONEST, "created_at": {"NULL": True}},
        {**HONEST, "created_at": {"S": "yesterday"}},
        {**HONEST, "created_at": {"S": "2026-11-20T01:02:03"}},  # no zone: not how we write times
        {**HONEST, "id": {"S": "A" * 32}},
        {**HONEST, "id": {"N": "1"}},
        {**HONEST, "id": {"S": "a" * 32, "N": "1"}},
        {**HONEST, "extra": {"S": "x"}},
        {**HONEST, "citizen_id": {"S": "sub-2"}},  # someone else's partition
        {**HONEST, "citizen_id": {"S": ""}},
        [HONEST],
    ],
)
def test_a_start_key_of_another_shape_or_partition_is_refused(key):
    with pytest.raises(ValidationFailed):
        start_key(encode_page_token(key), SHAPE, citizen_id="sub-1")


def test_a_number_part_must_be_a_number():
    shape = {"step": KeyPart("N")}
    assert start_key(encode_page_token({"step": {"N": "3"}}), shape)
    for bad in ("3.5", "1e9", "", "x"):
        with pytest.raises(ValidationFailed):
            start_key(encode_page_token({"step": {"N": bad}}), shape)
