"""The staff's case lists (service/case_list.py) on DynamoDB: by the month index, or by an agency's routes.

Both are index queries, newest first, never a scan: the month index (``by-month``) walked month by month
from the newest, and the case-routes table (tables.CaseRouteModel) of one agency, whose complaints are
then read with one BatchGetItem per page of routes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime

from ..domain.case_list import CaseFilter
from ..domain.public_register import PublicFilter
from ..domain.records import Complaint
from ..service.ports import ReadBudget
from .dynamo import listed, to_record
from .open311_store import month_keys
from .tables import CaseRouteModel, ComplaintModel

MAX_EXAMINED = 1000  # complaints one request of the month walk reads at most (filters and q may leave it short)
MAX_QUERIES = 24  # ... and queries (months with nothing in them cost one each)
_PAGE = 100


def _condition(filter: CaseFilter):
    """The filters DynamoDB applies (``q`` it cannot: case-insensitive, it is applied to what was read)."""
    parts = [
        getattr(ComplaintModel, name) == value
        for name in ("status", "stage", "category", "opd")
        if (value := getattr(filter, name)) is not None
    ]
    if filter.channel is not None:
        same = ComplaintModel.channel == filter.channel
        # a complaint stored before ``channel`` existed came from the web
        parts.append(same | ComplaintModel.channel.does_not_exist() if filter.channel == "web" else same)
    condition = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


LIST_BUDGET = ReadBudget(MAX_EXAMINED, MAX_QUERIES, _PAGE)


def _month_walk(
    low: str,
    high: str,
    condition,
    keep: Callable[[Complaint], bool],
    limit: int,
    position: tuple[str, tuple[str, str] | None] | None,
    budget: ReadBudget = LIST_BUDGET,
    exact: bool = False,
    guess: bool = False,
) -> tuple[list[Complaint], tuple[str, tuple[str, str] | None] | None]:
    """The month index walked newest first from ``position``: complaints created in [low, high] that pass
    ``condition`` (DynamoDB) and ``keep`` (Python), at most ``limit``, within ``budget``; and the next position.
    ``exact``: nothing filters, so a page of ``limit + 1`` tells whether there is more; ``guess``: a filter that
    usually keeps most, so a little more than the page is asked for at first (``_page_size``)."""
    months = month_keys(datetime.fromisoformat(low), datetime.fromisoformat(high))
    after: tuple[str, str] | None = None
    if position is not None:
        month, after = position
        months = months[months.index(month) :] if month in months else []
    found: list[Complaint] = []
    examined = queries = 0
    for number, month in enumerate(months):
        start = None
        if after is not None:
            start = {"created_month": {"S": month}, "created_at": {"S": after[0]}, "id": {"S": after[1]}}
            after = None
        while True:  # one query at a time, each asking for about what the page still needs
            size = _page_size(limit - len(found), len(found), examined, budget.page_size, exact, guess)
            page = next(
                iter(
                    ComplaintModel.by_month.query(
                        month,
                        ComplaintModel.created_at.between(low, high),
                        filter_condition=condition,
                        scan_index_forward=False,
                        page_size=size,
                        last_evaluated_key=start,
                    ).page_iter
                )
            )
            queries += 1
            items = page.get("Items", [])
            last = page.get("LastEvaluatedKey")
            for index, raw in enumerate(items):
                complaint = to_record(ComplaintModel.from_raw_data(raw), Complaint)
                if keep(complaint):
                    found.append(complaint)
                    if len(found) == limit:
                        more = index + 1 < len(items) or last or number + 1 < len(months)
                        return found, (month, (complaint.created_at, complaint.id)) if more else None
            examined += page["ScannedCount"]
            if examined >= budget.examined or queries >= budget.queries:
                if last:
                    return found, (month, (last["created_at"]["S"], last["id"]["S"]))
                return found, ((months[number + 1], None) if number + 1 < len(months) else None)
            if not last:
                break
            start = last
    return found, None


def _page_size(needed: int, kept: int, examined: int, most: int, exact: bool, guess: bool) -> int:
    """How many complaints the next query should read to fill the page, and not many more: a list's first
    page then reads about the same number of items whatever the table holds (bench/flatness.py).

    ``exact`` (nothing filters): what is needed and one more, which says whether there is more. Otherwise the
    share kept so far (or, before any, ``guess``: most are kept) says how many to read, with a quarter more
    for luck; ``q`` (which keeps little) reads whole pages."""
    if exact:
        return min(needed + 1, most)
    if kept:
        return min(math.ceil(needed * examined / kept * 1.25) + 1, most)
    if guess and not examined:
        return min(math.ceil(needed * 1.25) + 1, most)
    return most


class CaseLists:
    """The ``CaseLists`` port (service/ports.py): a mixin of adapters/store.py ``Store``."""

    def cases_received_between(
        self,
        low: str,
        high: str,
        filter: CaseFilter,
        limit: int,
        position: tuple[str, tuple[str, str] | None] | None = None,
    ) -> tuple[list[Complaint], tuple[str, tuple[str, str] | None] | None]:
        """Complaints created in [low, high] (UTC ISO times) that match ``filter``, newest first, at most ``limit``,
        from the month index; and where the next page starts, or None at the end.

        A position is (month, (created_at, id) of the last complaint read, or None: the month's newest). One
        call reads at most MAX_EXAMINED complaints in MAX_QUERIES queries, so a filter that matches little
        gives a short page with a position rather than an endless read.
        """
        condition = _condition(filter)
        exact = condition is None and not filter.q
        return _month_walk(low, high, condition, filter.matches_text, limit, position, exact=exact)

    def listed_cases_between(
        self,
        low: str,
        high: str,
        filter: PublicFilter,
        limit: int,
        position: tuple[str, tuple[str, str] | None] | None = None,
        budget: ReadBudget | None = None,
    ) -> tuple[list[Complaint], tuple[str, tuple[str, str] | None] | None]:
        """The public register's walk (service/public_register.py): as ``cases_received_between``, of listed
        complaints only (``listed()`` ANDed with the filters in the FilterExpression, ``filter.matches`` --
        ``is_listed`` again, and ``q`` on the published text -- on what was read), within ``budget``."""
        condition = listed()
        for name in ("status", "category", "subcategory", "opd"):
            value = getattr(filter, name)
            if value is not None:
                condition = condition & (getattr(ComplaintModel, name) == value)
        guess = not filter.q  # most complaints are listed: without ``q`` a little more than the page usually fills it
        return _month_walk(
            low, high, condition, filter.matches, limit, position, budget=budget or LIST_BUDGET, guess=guess
        )

    def cases_routed_to(
        self, opd: str, low: str, high: str, limit: int, before: str | None = None
    ) -> list[tuple[str, Complaint | None]]:
        """Up to ``limit`` cases ever routed to the agency, created in [low, high], newest first, after the route
        ``before`` (a ``sort`` key): each route's key with its complaint (one BatchGetItem for them all)."""
        start = {"opd": {"S": opd}, "sort": {"S": before}} if before else None
        routes = list(
            CaseRouteModel.query(
                opd,
                CaseRouteModel.sort.between(low, f"{high}#~"),
                scan_index_forward=False,
                limit=limit,
                page_size=limit,
                last_evaluated_key=start,
            )
        )
        ids = list(dict.fromkeys(r.complaint_id for r in routes))
        found = {c.id: to_record(c, Complaint) for c in ComplaintModel.batch_get(ids)} if ids else {}
        return [(r.sort, found.get(r.complaint_id)) for r in routes]
