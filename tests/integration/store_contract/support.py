"""What the store's contract tests share: the real store with the seeds the fake has (``DynamoStore``), the
records they start from, and readers of what a store holds. The fixtures are in conftest.py."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from chalicelib.adapters.dynamo import to_model
from chalicelib.adapters.store import Store
from chalicelib.adapters.tables import (
    AttachmentModel,
    AuditModel,
    ComplaintModel,
    EmailModel,
    ReportModel,
    TrackingNumberModel,
    WorkItemModel,
)
from chalicelib.config import Settings
from chalicelib.domain import report, sop
from chalicelib.domain.records import Attachment, AuditEntry, Complaint, EmailRecord, WorkItem, new_audit_entry
from chalicelib.domain.timestamps import iso
from chalicelib.service.container import Services
from chalicelib.service.links import deferred_links, hash_token, issue_link

START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # a Friday, 10:00 WITA
CASE = "c-0001"


def at(minutes: float) -> str:
    return iso(START + timedelta(minutes=minutes))


class DynamoStore(Store):
    """The real store, with the seeds the tests need (the fake's ``seed_*``): a plain PutItem of the record."""

    def seed_complaint(self, complaint: Complaint) -> Complaint:
        to_model(complaint, ComplaintModel).save()
        return complaint

    def seed_work_item(self, item: WorkItem) -> WorkItem:
        to_model(item, WorkItemModel).save()
        return item

    def seed_audit(self, entry: AuditEntry) -> AuditEntry:
        to_model(entry, AuditModel).save()
        return entry

    def seed_tracking_number(self, tracking_number: str, complaint_id: str) -> None:
        TrackingNumberModel(tracking_number, complaint_id=complaint_id).save()

    def seed_attachment(self, attachment: Attachment) -> Attachment:
        to_model(attachment, AttachmentModel).save()
        return attachment

    def seed_email(self, record: EmailRecord) -> EmailRecord:
        to_model(record, EmailModel).save()
        return record

    def seed_report_email(self, month: str, claimed_at: str | None = None, sent_at: str | None = None) -> None:
        ReportModel("emails", f"monthly#{month}", claimed_at=claimed_at, sent_at=sent_at).save()


def complaint(**changes: Any) -> Complaint:
    base = Complaint(
        id=CASE,
        tracking_number="ASP-20261127-0001",
        category="kesehatan",
        subcategory="puskesmas",
        title="Antrean puskesmas",
        description="Antrean terlalu lama",
        status=sop.STATUS_OPEN,
        created_at=at(0),
        updated_at=at(0),
        citizen_email="warga@example.com",
        stage="intake",
        step=1,
    )
    return replace(base, **changes)


def visit(step: int = 1, **changes: Any) -> WorkItem:
    base = WorkItem(
        complaint_id=CASE,
        step=step,
        stage="intake",
        role="operator",
        queue="role#operator",
        entered_at=at(0),
        remind_at=at(5),
        due_at=at(10),
        category="kesehatan",
        channel="web",
        context={"round": 1},
    )
    return replace(base, **changes)


def note(action: str, minutes: float = 0, case: str = CASE) -> AuditEntry:
    return new_audit_entry(case, at(minutes), "system:test", action)


def item_of(store: Any, step: int = 1) -> WorkItem:
    return store.existing_work_item(CASE, step)


def case_of(store: Any) -> Complaint:
    return store.existing_complaint(CASE)


def email_of(store: Any, key: str) -> EmailRecord:
    found = store.get_email(CASE, key)
    assert found is not None
    return found


def actions(store: Any) -> list[str]:
    return [entry.action for entry in store.audit_trail(CASE)]


def counters(store: Any, moment: datetime) -> dict[tuple[str, str], dict[str, int]]:
    items, _ = store.report_items(report.periods_of(moment))
    return {(period, row): values for period, row, values in items}


def links_for(item: WorkItem, count: int = 1) -> tuple[list[Any], list[str]]:
    """Links as the service issues them inside an email (links.py), and their hashes."""
    svc = cast(Services, SimpleNamespace(settings=Settings(public_base_url="https://aspirasi.test")))
    with deferred_links() as pending:
        urls = [issue_link(svc, cast(Any, item), START)[0] for _ in range(count)]
    return list(pending), [hash_token(url.rsplit("/", 1)[1]) for url in urls]
