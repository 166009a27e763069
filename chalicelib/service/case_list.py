"""The staff's case lists beyond the queue: GET /staff/complaints without a tracking number.

Every case the caller may see, newest first, by index queries only (adapters/case_lists.py):
- an agency: every case ever routed to it (open, answered, closed, rerouted since), from the case-routes
  table, one partition per agency it works for, merged; its complaints read in one BatchGetItem per page
  of routes and the filters applied to what was read;
- anyone else (operators, Diskominfo, supervisors, admins see every case): the month index, month by
  month from ``to`` back to ``from``, the filters as DynamoDB FilterExpressions.
``opd=X`` takes the agency's routes for everyone: every case ever routed to X (an agency may only ask for
its own: 403). ``q`` (tracking number or title, case-insensitive) is applied to what was read, so a page
may be short (even empty) while ``next_token`` says there is more to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from ..domain import sop
from ..domain.calendar import WITA
from ..domain.case_list import CaseFilter, CaseQuery, parse_query
from ..domain.errors import Forbidden
from ..domain.records import Complaint
from ..domain.roles import StaffMember
from ..domain.timestamps import parse_iso
from .container import Services
from .paging import decode_page_token, encode_page_token, invalid_token, is_hex_id, is_time, month_position, month_token

ROUTE_CHUNK = 100  # routes read at once when filters may drop some (BatchGetItem takes 100 keys)
MAX_ROUNDS = 5  # ... and at most this many reads per agency in one request


def list_cases(svc: Services, member: StaffMember, params: Mapping[str, str]) -> dict:
    """A page of the cases ``member`` may see that match ``params``, newest first, and the next page's token."""
    now = svc.now()
    query = parse_query(params, now.astimezone(WITA).date(), WITA)
    opd = query.filter.opd
    sees_every_case = member.may_see_case(())
    if opd is not None and not sees_every_case and opd not in member.opds:
        raise Forbidden("this agency's cases are not yours to list")
    token = params.get("next_token") or None
    if opd is None and sees_every_case:
        found, next_token = _by_month(svc, query, token)
    else:
        found, next_token = _by_routes(svc, query, [opd] if opd else sorted(member.opds), token)
    result: dict[str, Any] = {"items": [_entry(c, now) for c in found]}
    if next_token:
        result["next_token"] = next_token
    return result


def _entry(complaint: Complaint, now) -> dict:
    is_open = complaint.status == sop.STATUS_OPEN
    due_at = complaint.due_at if is_open else None
    entry = {
        "id": complaint.id,
        "tracking_number": complaint.tracking_number,
        "title": complaint.title,
        "status": complaint.status,
        "stage": complaint.stage,
        "category": complaint.category,
        "opd": complaint.opd,
        "channel": complaint.channel or "web",
        "submitted_at": complaint.created_at,
        "overdue": is_open and (bool(complaint.overdue) or (due_at is not None and parse_iso(due_at) <= now)),
    }
    if due_at:
        entry["due_at"] = due_at
    return entry


# -- everything: the month index ---------------------------------------------------------------------
def _by_month(svc: Services, query: CaseQuery, token: str | None) -> tuple[list[Complaint], str | None]:
    position = month_position(token, query.low, query.high) if token else None
    found, following = svc.store.cases_received_between(query.low, query.high, query.filter, query.limit, position)
    return found, month_token(following) if following else None


# -- an agency's (or one agency's) cases: the case-routes table ------------------------------------------
def _route_position(token: str, query: CaseQuery) -> str:
    """The routes' position as we wrote it: {"r": "<created_at>#<id>"}, in the range. One position serves
    every agency of the caller: their routes share the key order, and the page took all that came before."""
    data = decode_page_token(token)
    if not isinstance(data, dict) or set(data) != {"r"} or not isinstance(data["r"], str):
        raise invalid_token()
    created_at, _, complaint_id = data["r"].partition("#")
    if not (is_time(created_at) and is_hex_id(complaint_id) and query.low <= created_at <= query.high):
        raise invalid_token()
    return data["r"]


def _narrows(filter: CaseFilter) -> bool:
    return any(value is not None for value in (filter.status, filter.stage, filter.channel, filter.category, filter.q))


def _by_routes(
    svc: Services, query: CaseQuery, opds: list[str], token: str | None
) -> tuple[list[Complaint], str | None]:
    """The agencies' routes merged newest first (a case routed to two of them comes once), filtered.

    Each agency's partition is read in chunks after the one position; the merge takes the newest head
    while every agency that may have more has a head, so nothing newer is left unread behind the page.
    """
    position = _route_position(token, query) if token else None
    filter = replace(query.filter, opd=None)  # the routes say who it was routed to, not where it is now
    chunk = ROUTE_CHUNK if _narrows(filter) else query.limit + 1  # one more: the last page knows it is the last
    heads: dict[str, list[tuple[str, Complaint | None]]] = {opd: [] for opd in opds}
    read_to: dict[str, str | None] = {opd: position for opd in opds}
    done: dict[str, bool] = {opd: False for opd in opds}
    reads: dict[str, int] = {opd: 0 for opd in opds}
    page: list[Complaint] = []
    last: str | None = None
    while len(page) < query.limit:
        for opd in opds:
            if not heads[opd] and not done[opd] and reads[opd] < MAX_ROUNDS:
                routes = svc.store.cases_routed_to(opd, query.low, query.high, chunk, read_to[opd])
                reads[opd] += 1
                heads[opd] = routes
                done[opd] = len(routes) < chunk
                if routes:
                    read_to[opd] = routes[-1][0]
        if any(not heads[opd] and not done[opd] for opd in opds):
            break  # out of reads for an agency that may have newer cases than the others' heads
        waiting = [heads[opd][0][0] for opd in opds if heads[opd]]
        if not waiting:
            return page, None  # every agency's routes read to the end
        newest = max(waiting)
        complaint = None
        for opd in opds:
            if heads[opd] and heads[opd][0][0] == newest:
                complaint = heads[opd].pop(0)[1] or complaint
        last = newest
        if complaint is not None and filter.matches(complaint):
            page.append(complaint)
    if all(done[opd] and not heads[opd] for opd in opds):
        return page, None
    following = last or position
    return page, encode_page_token({"r": following}) if following else None
