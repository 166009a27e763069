"""What the app's event handlers do (app.py keeps only their decorators, which name the Lambda functions):
the uploads, handoff and WhatsApp queues' records, the tables' stream records, Cognito's pre sign-up trigger and the
monthly report. A failed queue record comes again after a backoff by its delivery count; past the redrive
limit it goes to the DLQ."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..adapters.queue import delay_redelivery
from ..adapters.uploads import landed_objects
from ..config import settings
from ..domain.errors import DomainError
from ..service import accounts, delivery
from ..service import attachments as attachment_uc
from ..service.workflow import handle_message
from .process import logger, services

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


@functools.cache
def _batch_processor(consumer: str):
    """One Powertools batch processor per consumer (the local stack polls them at once), made on first use:
    the API's cold start never imports the batch utility (docs/performance.md)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    return BatchProcessor(event_type=EventType.DynamoDBStreams if consumer == "changes" else EventType.SQS)


def process_batch(consumer: str, event: dict, handler: Callable[[Any], None], context: Any) -> Mapping:
    """Each record to ``handler``; the failed ones are reported back (ReportBatchItemFailures)."""
    from aws_lambda_powertools.utilities.batch import process_partial_response

    return process_partial_response(
        event=event, record_handler=handler, processor=_batch_processor(consumer), context=context
    )


# -- attachments: S3's ObjectCreated events (service/attachments.py) ------------------------------------
def handle_upload(record: SQSRecord) -> None:
    message = json.loads(record.body)
    if message.get("Event") == "s3:TestEvent":  # S3 sends one when the notification is configured
        return
    for bucket, key, _size in landed_objects(message):
        with logger.append_context_keys(message_id=record.message_id, s3_key=key):
            if bucket != settings().attachments_bucket:
                logger.warning("upload event for another bucket ignored", extra={"bucket": bucket})
                continue
            try:
                outcome = attachment_uc.check_upload(services(), key)
            except Exception as error:
                _retry_later(record, "upload check failed", error)
                raise
            logger.info("upload checked", extra={"outcome": outcome})


# -- the state machine's messages ---------------------------------------------------------------
def handle_handoff(record: SQSRecord) -> None:
    message = json.loads(record.body)
    # Log what identifies the work, never the message itself: it carries a task token.
    with logger.append_context_keys(
        message_id=record.message_id,
        message_type=message.get("type"),
        complaint_id=message.get("complaint_id"),
        stage=message.get("stage"),
    ):
        try:
            handle_message(services(), message, _delivery_count(record))
        except Exception as error:
            _retry_later(record, "handoff message failed", error)
            raise
        logger.info("handoff message handled")


# -- the WhatsApp webhook's POSTs, queued raw by web/routes/whatsapp.py --------------------------------------
def handle_whatsapp(record: SQSRecord) -> None:
    """One webhook POST (its signature checked before it was queued): parsed, handed to the use case. Logs
    counts only: the messages are what citizens wrote, and a wamid encodes the sender's phone number."""
    from ..domain import whatsapp_webhook
    from ..service.whatsapp import handle_delivery

    with logger.append_context_keys(message_id=record.message_id):
        try:
            delivery = whatsapp_webhook.parse(json.loads(record.body))
        except ValueError:  # not Meta's shape (json's errors are ValueErrors too): retrying cannot help
            logger.warning("WhatsApp webhook body is not a WhatsApp notification; dropped")
            return
        with logger.append_context_keys(
            whatsapp_messages=len(delivery.messages), whatsapp_statuses=len(delivery.statuses)
        ):
            try:
                handle_delivery(services(), delivery)
            except Exception as error:
                _retry_later(record, "WhatsApp delivery failed", error)
                raise
            logger.info("WhatsApp delivery handled")


def _delivery_count(record: SQSRecord) -> int:
    """SQS's receive count of the message (1 where an event leaves it out, as hand-made test events do)."""
    return int(record.attributes.get("ApproximateReceiveCount") or 1)


def _retry_later(record: SQSRecord, what: str, error: Exception) -> None:
    """Log the failure and have the message come again after a backoff by its delivery count (seconds at
    first), not after the queue's whole visibility timeout; past the redrive limit it goes to the DLQ.
    A throttled call comes again within seconds (delivery.retry_delay). A failure that knows when to try
    again (an email another delivery is sending) waits at least that."""
    cfg = settings()
    throttled = delivery.is_throttling(error)
    delay = max(
        delivery.retry_delay(
            _delivery_count(record),
            cfg.retry_first_seconds,
            cfg.retry_max_seconds,
            throttled=throttled,
        ),
        int(getattr(error, "retry_after", 0) or 0),
    )
    extra = {"retry_in_seconds": delay, "throttled": throttled}
    if getattr(error, "retry_after", None) is not None:  # expected under concurrency, not an error
        logger.info(f"{what}: {type(error).__name__}; SQS will deliver it again", extra=extra)
    elif throttled:  # a service shedding load: no stack trace, but seen
        logger.warning(f"{what}: throttled ({type(error).__name__}); SQS will deliver it again soon", extra=extra)
    else:
        logger.exception(f"{what}; SQS will deliver it again", extra=extra)
    try:
        delay_redelivery(record.event_source_arn, record.receipt_handle, delay)
    except Exception:  # the queue's visibility timeout applies instead
        logger.warning("could not set the retry backoff", exc_info=True)


# -- decisions, answers and reopenings, from the tables' streams, to the state machine ---------------
def change_kind(record: DynamoDBRecord) -> tuple[str | None, Mapping]:
    """What a stream record hands over (``delivery.change_of``: None for a change that hands nothing over,
    which the event source mapping's filter drops in AWS), and the item's new image."""
    change = record.dynamodb
    if change is None:
        return None, {}
    old, new = change.old_image or {}, change.new_image or {}
    return delivery.change_of(delivery.table_of(record.event_source_arn or ""), old, new), new


def handle_change(record: DynamoDBRecord) -> None:
    kind, new = change_kind(record)
    if kind is None:
        return
    # What identifies the case, never the item: it holds task tokens and what people wrote.
    keys = {"complaint_id": str(new.get("complaint_id") or new.get("id")), "step": str(new.get("step", ""))}
    with logger.append_context_keys(change=kind, **keys):
        try:
            handed = delivery.deliver(services(), kind, new)
        except Exception:
            logger.exception("could not hand the change to the state machine; the stream delivers it again")
            raise
        logger.info("change handed to the state machine" if handed else "nothing waits on this change now")


# -- Cognito's pre sign-up trigger ---------------------------------------------------------------------
def check_sign_up(event: dict) -> dict:
    """The same field rules as POST /auth/register: a refusal here is Cognito's refusal."""
    request = event.get("request") or {}
    try:
        accounts.check_sign_up(request.get("userAttributes"))
    except DomainError as refused:
        fields = sorted({e.get("field", "") for e in getattr(refused, "errors", []) or []})
        logger.info("sign-up refused", extra={"trigger": event.get("triggerSource"), "fields": fields})
        raise ValueError(f"Data belum benar / Some data is not right: {', '.join(fields)}") from None
    return event


# -- the monthly report -----------------------------------------------------------------------------
def send_monthly_report(detail: Any) -> dict:
    """``detail`` may carry ``{"month": "2026-10", "force": true}`` when invoked by hand (docs/operations.md)."""
    from ..service.monthly_report import send_monthly_report  # on use, as the report route: openpyxl is heavy

    detail = detail if isinstance(detail, dict) else {}
    result = send_monthly_report(services(), month=detail.get("month"), force=detail.get("force") is True)
    logger.info("monthly report", extra={k: v for k, v in result.items() if k != "totals"})
    return result
