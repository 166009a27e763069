"""Page tokens round-trip, and anything we did not write is a 422, never a crash."""

import base64

import pytest

from chalicelib.domain.errors import ValidationFailed
from chalicelib.service.paging import decode_page_token, encode_page_token


def test_round_trip():
    data = {"s": "open", "q": {"role#operator": ["2026-11-20T00:00:00+00:00", "0" * 32, 1]}}
    assert decode_page_token(encode_page_token(data)) == data


@pytest.mark.parametrize("token", ["not base64!", base64.urlsafe_b64encode(b"{no json").decode(),
                                   base64.urlsafe_b64encode(b"[" * 5000).decode()])
def test_what_we_did_not_write_is_refused(token):
    with pytest.raises(ValidationFailed) as refused:
        decode_page_token(token)
    assert refused.value.errors == [{"field": "next_token", "code": "invalid_token"}]
