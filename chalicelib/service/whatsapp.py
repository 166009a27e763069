"""PROVISIONAL (helper wa-hook, so the consumer's tests run before the merge): helper wa-inbound writes the real
use case (each message: dedupe, dialogue, action, replies, save turn; each status: recorded). At merge,
wa-inbound's file wins. This stub only records the statuses."""

from __future__ import annotations

from ..domain.timestamps import iso
from ..domain.whatsapp import Delivery
from .container import Services


def handle_delivery(svc: Services, delivery: Delivery) -> None:
    """One webhook POST's messages and statuses (the stub: statuses only)."""
    records = svc.whatsapp_records
    if records is None:
        return
    for status in delivery.statuses:
        records.record_status(status, iso(svc.now()))
