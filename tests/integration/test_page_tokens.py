"""Page tokens on every paged route: a token we did not write is a 422 (``next_token``, ``invalid_token``), never
a 500, and a citizen never pages into another citizen's list (issue 18, defect 7)."""

from __future__ import annotations

import base64
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import COMPLAINT, call, citizen_token

pytestmark = pytest.mark.integration


def encoded(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def assert_invalid_token(response, problem):
    assert response.status_code == 422, problem
    assert problem["errors"] == [
        {"field": "next_token", "code": "invalid_token", "message": problem["errors"][0]["message"]}
    ]


@pytest.fixture
def citizens(client, stack):
    """Two citizens with three complaints each; their ids, tokens, complaint ids and first page's token."""
    out = {}
    for email in ("warga@example.id", "tetangga@example.id"):
        token = citizen_token(client, email=email)
        ids = [call(client, "post", "/complaints", COMPLAINT, token=token)[1]["id"] for _ in range(3)]
        first = call(client, "get", "/complaints?limit=1", token=token)[1]
        out[email] = {
            "token": token,
            "ids": set(ids),
            "next": first["next_token"],
            "key": json.loads(base64.urlsafe_b64decode(first["next_token"])),
        }
    return out


def test_an_honest_token_pages_through_the_citizens_own_complaints(client, citizens):
    me = citizens["warga@example.id"]
    seen, token = [], None
    while True:
        page = call(
            client, "get", "/complaints?limit=1" + (f"&next_token={token}" if token else ""), token=me["token"]
        )[1]
        seen += [i["id"] for i in page["items"]]
        token = page.get("next_token")
        if not token:
            break
    assert sorted(seen) == sorted(me["ids"])


def _forgeries(key: dict, other: dict) -> list:
    sub = key["citizen_id"]["S"]
    return [
        {"citizen_id": {"S": sub}},  # the red team's token: the partition alone (was a 500)
        {**key, "created_at": {"NULL": True}},  # (was a 500)
        {**key, "created_at": {"N": "1"}},
        {**key, "created_at": {"S": ""}},
        {**key, "id": {"S": ""}},
        {**key, "id": {"S": 7}},
        {**key, "created_at": {"S": "2026-11-20T00:00:00.000+00:00", "N": "1"}},
        {**key, "status": {"S": "open"}},  # an attribute the index's key does not have
        {k: v for k, v in key.items() if k != "id"},
        {**key, "citizen_id": {"S": sub + " "}},
        other,  # another citizen's own, honest token
        {**key, "citizen_id": other["citizen_id"]},  # ... or their partition in mine
        [key],
        "key",
        None,
    ]


def test_forged_tokens_on_the_citizens_list_are_422(client, citizens):
    me, other = citizens["warga@example.id"], citizens["tetangga@example.id"]
    for forged in _forgeries(me["key"], other["key"]):
        response, problem = call(client, "get", f"/complaints?next_token={encoded(forged)}", token=me["token"])
        assert_invalid_token(response, problem)


def _arbitrary_json():
    scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
        max_leaves=12,
    )


def _attribute_values():
    """DynamoDB's attribute-value shapes, well and badly formed."""
    text = st.text(max_size=40) | st.sampled_from(["2026-11-20T00:00:00.000+00:00", "0" * 32, "role#operator"])
    return st.dictionaries(
        st.sampled_from(["S", "N", "B", "NULL", "BOOL", "L", "M", "SS"]),
        text | st.integers() | st.booleans() | st.none(),
        min_size=0,
        max_size=2,
    )


def _tokens(citizen_key: dict):
    keys = st.sampled_from([*citizen_key, "queue", "due_at", "step", "complaint_id", "x"])
    key_like = st.dictionaries(keys, _attribute_values(), max_size=4)
    mutated = st.builds(
        lambda changes, drop: {**{k: v for k, v in citizen_key.items() if k not in drop}, **changes},
        st.dictionaries(keys, _attribute_values(), max_size=2),
        st.sets(st.sampled_from(list(citizen_key))),
    )
    queue_like = st.fixed_dictionaries(
        {
            "s": st.sampled_from(["open", "overdue", "x"]),
            "q": st.dictionaries(
                st.sampled_from(["role#operator", "opd#DINKES", "x"]),
                st.none() | st.lists(_arbitrary_json(), max_size=4),
            ),
        }
    )
    times = st.sampled_from(["2026-11-20T00:00:00.000+00:00", "2001-01-01T00:00:00.000+00:00", "x"]) | st.text(
        max_size=30
    )
    case_list_like = st.fixed_dictionaries(  # the staff's case list: a month walk's or the routes' position
        {
            "m": st.text(max_size=8) | st.sampled_from(["2026-11", "2026-13"]),
            "k": st.none() | st.lists(times, max_size=3),
        }
    ) | st.fixed_dictionaries({"r": times.map(lambda t: f"{t}#{'0' * 32}") | _arbitrary_json()})
    as_json = (_arbitrary_json() | key_like | mutated | queue_like | case_list_like).map(encoded)
    return as_json | st.text(max_size=60) | st.binary(max_size=60).map(lambda b: base64.urlsafe_b64encode(b).decode())


def test_no_token_of_any_shape_gives_a_500_on_any_paged_route(client, citizens, staff):
    """Throws arbitrary JSON (and non-JSON) at every paged route: 200 with the caller's own data, or 422."""
    me = citizens["warga@example.id"]
    routes = [
        ("/complaints?limit=1", me["token"]),
        ("/staff/work-items?limit=1", staff.token("operator")),
        ("/staff/work-items?state=overdue&limit=1", staff.token("operator")),
        ("/staff/work-items?limit=1", staff.token("supervisor")),
        ("/staff/complaints?limit=1", staff.token("operator")),
        ("/staff/complaints?limit=1&q=jalan&status=open", staff.token("supervisor")),
        ("/staff/complaints?limit=1", staff.token("opd-DINKES")),
        ("/staff/complaints?limit=1&opd=DINKES", staff.token("operator")),
    ]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(token=_tokens(me["key"]), route=st.sampled_from(routes))
    def check(token, route):
        path, bearer = route
        response, body = call(client, "get", f"{path}&next_token={token}", token=bearer)
        assert response.status_code in (200, 422), (token, body)
        if response.status_code == 422:
            assert body["errors"][0]["field"] == "next_token"
        elif path.startswith("/complaints"):
            assert {i["id"] for i in body["items"]} <= me["ids"]
        elif path.startswith("/staff/complaints") and ("opd" in path or bearer == staff.token("opd-DINKES")):
            assert body["items"] == []  # nothing was routed to DINKES: a token finds nothing of anyone else's

    check()
