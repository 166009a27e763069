"""Every staff route x every kind of caller, with the status the permission table says, on real Cognito tokens.

The expected status is computed from ``domain.roles`` (the one permission table) and the
object rules (an agency sees only routed cases; a decision needs the stage's owner), not
written out by hand. Routes that change things are called with a body that fails validation
(422) once authorization has passed, so the matrix changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from chalicelib.domain.roles import Action, StaffMember

from .helpers import call, to_opd

pytestmark = pytest.mark.integration

# The case is waiting at the agency stage of Dinas Kesehatan (DINKES).
CALLERS = {
    "operator": ("operator",),
    "diskominfo": ("diskominfo",),
    "supervisor": ("supervisor",),
    "admin": ("admin",),
    "the right agency": ("opd-DINKES",),
    "another agency": ("opd-DISHUB",),
    "citizen": (),
    "no token": None,
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    action: Action
    ok: int  # the status once authorized
    body: dict | None = None
    allowed: Callable[[StaffMember], bool] = lambda member: True  # the object rule


ROUTES = [
    Route("get", "/staff/me", Action.READ_QUEUE, 200),
    Route("get", "/staff/work-items", Action.READ_QUEUE, 200),
    Route("get", "/staff/work-items?state=overdue", Action.READ_QUEUE, 200),
    Route("get", "/staff/complaints?tracking_number={tracking}", Action.READ_CASE, 200),
    Route("get", "/staff/complaints?status=open", Action.READ_CASE, 200),  # the case list (service/case_list.py)
    # another agency's list: 403 to an agency (everyone else may list any agency's cases)
    Route("get", "/staff/complaints?opd=DINKES", Action.READ_CASE, 200, allowed=lambda m: m.may_see_case({"DINKES"})),
    Route("get", "/staff/complaints/{id}", Action.READ_CASE, 200, allowed=lambda m: m.may_see_case({"DINKES"})),
    Route(
        "post",
        "/staff/complaints/{id}/decision",
        Action.DECIDE,
        422,
        {"stage": "opd_response"},
        allowed=lambda m: m.owns_stage("opd_response", "DINKES"),
    ),
    Route("post", "/staff/complaints", Action.ENTER_COMPLAINT, 422, {"channel": "pigeon"}),
    Route(
        "post",
        "/staff/complaints/{id}/information",
        Action.ENTER_COMPLAINT,
        422,
        {"answer": ""},
        allowed=lambda m: m.may_see_case({"DINKES"}),
    ),
    Route("get", "/staff/members", Action.MANAGE_MEMBERS, 200),
    Route("post", "/staff/members", Action.MANAGE_MEMBERS, 422, {"email": "bukan-email", "groups": []}),
    Route("delete", "/staff/members/nobody@example.id", Action.MANAGE_MEMBERS, 404),
    Route("get", "/staff/api-keys", Action.MANAGE_API_KEYS, 200),
    Route("post", "/staff/api-keys", Action.MANAGE_API_KEYS, 422, {"organisation": ""}),
    Route("delete", "/staff/api-keys/000000000000", Action.MANAGE_API_KEYS, 404),
    Route("get", "/staff/reports/sla", Action.READ_REPORTS, 200),
]


def expected(route: Route, groups: tuple[str, ...] | None) -> int:
    if groups is None:
        return 401
    member = StaffMember("someone@example.id", frozenset(groups))
    if not member.may(route.action) or not route.allowed(member):
        return 403
    return route.ok


def test_every_staff_route_for_every_caller(stack, client, staff):
    cid = to_opd(stack)
    tracking = stack.complaint(cid).tracking_number
    tokens = {
        name: (
            None
            if groups is None
            else staff.token(*groups, email=f"{name.replace(' ', '-')}@example.id")
            if groups
            else staff.token(email="warga@example.id")
        )
        for name, groups in CALLERS.items()
    }
    seen, wrong = 0, []
    for route in ROUTES:
        path = route.path.format(id=cid, tracking=tracking)
        for name, groups in CALLERS.items():
            response, body = call(client, route.method, path, route.body, tokens[name])
            want = expected(route, groups)
            seen += 1
            if response.status_code != want:
                wrong.append(f"{route.method.upper()} {route.path} as {name}: {response.status_code}, want {want}")
            elif want >= 400 and response.headers.get("Content-Type") != "application/problem+json":
                wrong.append(f"{route.method.upper()} {route.path} as {name}: not problem JSON")
            if route.path.startswith("/staff/complaints?") and want == 200:  # search: only cases the caller may see
                assert groups is not None, name  # a signed-in caller
                member = StaffMember("x", frozenset(groups))
                assert bool(body["items"]) == member.may_see_case({"DINKES"}), name
    assert not wrong, "\n".join(wrong)
    assert seen == len(ROUTES) * len(CALLERS)
    # Nothing above changed the case: still waiting for the agency, undecided.
    item = stack.svc.store.get_work_item(cid, stack.complaint(cid).step)
    assert item.stage == "opd_response" and item.decision is None
