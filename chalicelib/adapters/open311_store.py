"""DynamoDB access for Open311: its clients' API keys (their per-minute counters: rate_counters.py), and
complaints read by date (the month index: listed ones only, as the public register lists them) or by tracking
numbers (batch reads). Every access is a key or index query.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist, UpdateError

from ..domain import publication
from ..domain.calendar import months_between
from ..domain.records import ApiKey, Complaint
from .dynamo import condition_failed, listed, to_model, to_record, transaction
from .tables import ApiKeyModel, ApiOrganisationModel, ComplaintModel, TrackingNumberModel

# A public search reads at most this many complaints of its date range, newest first, whatever it finds.
MAX_EXAMINED = 10_000
_PAGE = 500

_BATCH = 100  # BatchGetItem takes at most 100 keys


def month_keys(start: datetime, end: datetime) -> list[str]:
    """The ``created_month`` partitions (UTC) a range touches, newest first."""
    return months_between(start.astimezone(UTC).date(), end.astimezone(UTC).date())[::-1]


def _utc(moment: datetime) -> str:
    """As ``ports.iso`` writes ``created_at`` (so the strings compare as times)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


class Open311Store:
    """The ``Open311Records`` port (service/ports.py)."""

    # -- API keys ------------------------------------------------------------------------
    def create_api_key(self, key: ApiKey) -> None:
        """Store a new key and reserve its organisation, or nothing: ConditionFailed when the
        organisation has an active key already (reasons ``[organisation, key]``)."""
        with transaction() as tx:
            tx.save(
                ApiOrganisationModel(key.organisation_key, key_id=key.key_id),
                condition=ApiOrganisationModel.organisation_key.does_not_exist(),
            )
            tx.save(to_model(key, ApiKeyModel), condition=ApiKeyModel.key_id.does_not_exist())

    def api_key(self, api: str, key_id: str) -> ApiKey | None:
        try:
            return to_record(ApiKeyModel.get(api, key_id, consistent_read=True), ApiKey)
        except DoesNotExist:
            return None

    def api_key_of(self, organisation_key: str) -> str | None:
        """The id of the organisation's active key."""
        try:
            return ApiOrganisationModel.get(organisation_key, consistent_read=True).key_id
        except DoesNotExist:
            return None

    def api_keys(self, api: str) -> list[ApiKey]:
        return [to_record(k, ApiKey) for k in ApiKeyModel.query(api, consistent_read=True)]

    def revoke_api_key(self, key: ApiKey, at: str, by: str) -> None:
        """Revoke once and free the organisation for a new key; ConditionFailed if revoked already."""
        with transaction() as tx:
            tx.update(
                ApiKeyModel(key.api, key.key_id),
                actions=[ApiKeyModel.revoked_at.set(at), ApiKeyModel.revoked_by.set(by)],
                condition=ApiKeyModel.key_id.exists() & ApiKeyModel.revoked_at.does_not_exist(),
            )
            tx.delete(
                ApiOrganisationModel(key.organisation_key),
                condition=ApiOrganisationModel.organisation_key.does_not_exist()
                | (ApiOrganisationModel.key_id == key.key_id),
            )

    def touch_api_key(self, key: ApiKey, at: str) -> None:
        try:
            ApiKeyModel(key.api, key.key_id).update(
                actions=[ApiKeyModel.last_used_at.set(at)], condition=ApiKeyModel.key_id.exists()
            )
        except UpdateError as error:
            if not condition_failed(error):
                raise

    # -- complaints, as Open311 reads them -------------------------------------------------
    def complaints_by_tracking_numbers(self, numbers: Iterable[str]) -> list[Complaint]:
        """The complaints behind these tracking numbers (unknown ones skipped), in the order given."""
        numbers = list(dict.fromkeys(numbers))
        ids: dict[str, str] = {}
        for i in range(0, len(numbers), _BATCH):
            ids.update(
                {t.tracking_number: t.complaint_id for t in TrackingNumberModel.batch_get(numbers[i : i + _BATCH])}
            )
        wanted = [ids[n] for n in numbers if n in ids]
        found: dict[str, ComplaintModel] = {}
        for i in range(0, len(wanted), _BATCH):
            found.update({c.id: c for c in ComplaintModel.batch_get(wanted[i : i + _BATCH])})
        return [to_record(found[i], Complaint) for i in wanted if i in found]

    def complaints_created_between(
        self,
        start: datetime,
        end: datetime,
        limit: int,
        statuses: Iterable[str] = (),
        services: Iterable[tuple[str, str]] = (),
    ) -> list[Complaint]:
        """The listed complaints (``publication.is_listed``: the public register's) created in [start, end],
        newest first, at most ``limit``, from the month index.

        Listed, and ``statuses`` (ours) and ``services`` ((category, subcategory) pairs), are DynamoDB
        filters: they save the transfer, not the reading; each item read is checked with ``is_listed``
        again (the domain rule decides). A public search must not read without end, so it looks at no
        more than the newest ``MAX_EXAMINED`` of the range.
        """
        condition = listed()
        statuses, services = list(statuses), list(services)
        if statuses:
            condition &= ComplaintModel.status.is_in(*statuses)
        if services:
            either = None
            for category, subcategory in services:
                one = (ComplaintModel.category == category) & (ComplaintModel.subcategory == subcategory)
                either = one if either is None else either | one
            condition &= either
        low, high = _utc(start), _utc(end)
        found: list[Complaint] = []
        examined = 0
        for month in month_keys(start, end):
            pages = ComplaintModel.by_month.query(
                month,
                ComplaintModel.created_at.between(low, high),
                filter_condition=condition,
                scan_index_forward=False,
                page_size=_PAGE,
            ).page_iter
            for page in pages:  # page by page: a filter that matches little must not read the whole range
                read = [to_record(ComplaintModel.from_raw_data(raw), Complaint) for raw in page.get("Items", [])]
                found += [c for c in read if publication.is_listed(c)]
                examined += page["ScannedCount"]
                if len(found) >= limit or examined >= MAX_EXAMINED:
                    return found[:limit]
        return found
