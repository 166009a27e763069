"""Aspirasi Kaltim: the Chalice app. Handlers are thin: parse, log, measure, call a use case."""

from __future__ import annotations

import json
import os
from functools import lru_cache

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice import Chalice

from chalicelib.config import settings
from chalicelib.service.ports import Services, build_services
from chalicelib.service.stages import handle_message

app = Chalice(app_name="aspirasi-kaltim")
logger = Logger(service="aspirasi-kaltim")
HANDOFF_QUEUE = os.environ.get("HANDOFF_QUEUE_NAME", "aspirasi-kaltim-handoff")
_processor = BatchProcessor(event_type=EventType.SQS)


@lru_cache(maxsize=1)
def services() -> Services:
    return build_services(settings())


def _handle_record(record: SQSRecord) -> None:
    message = json.loads(record.body)
    # Log what identifies the work, never the message itself: it carries a task token.
    with logger.append_context_keys(message_id=record.message_id, message_type=message.get("type"),
                                    complaint_id=message.get("complaint_id"), stage=message.get("stage")):
        try:
            handle_message(services(), message)
        except Exception:
            logger.exception("handoff message failed; SQS will deliver it again")
            raise
        logger.info("handoff message handled")


@app.on_sqs_message(queue=HANDOFF_QUEUE, batch_size=10)
def on_handoff(event):
    """The state machine's messages. Failed records go back to the queue (ReportBatchItemFailures)."""
    return process_partial_response(event=event.to_dict(), record_handler=_handle_record,
                                    processor=_processor, context=event.context)
