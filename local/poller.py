"""Deliver SQS messages to the Chalice SQS handler the way Lambda's event source mapping does.

Real-shaped events (one record per message, its own messageId and receiptHandle);
records the handler reports as failed stay on the queue and come back after the
visibility timeout; the others are deleted.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Callable

log = logging.getLogger(__name__)


class LambdaContext:
    """Just enough of Lambda's context object for Powertools."""

    function_name = "aspirasi-kaltim-on_handoff"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:local:000000000000:function:aspirasi-kaltim-on_handoff"
    function_version = "$LATEST"
    log_group_name = "/aws/lambda/aspirasi-kaltim-on_handoff"
    log_stream_name = "local"

    def __init__(self):
        self.aws_request_id = str(uuid.uuid4())

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


def sqs_event(messages: list[dict], queue_arn: str, region: str) -> dict:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": m.get("MD5OfBody") or hashlib.md5(m["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


class Poller:
    def __init__(self, sqs_client, queue_url: str, queue_arn: str, region: str,
                 handler: Callable[[dict, object], dict | None], batch_size: int = 10):
        self.sqs = sqs_client
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.region = region
        self.handler = handler
        self.batch_size = batch_size

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Receive one batch and hand it to the handler. Returns how many records were handled."""
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=wait_seconds, AttributeNames=["All"], MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not messages:
            return 0
        try:
            result = self.handler(sqs_event(messages, self.queue_arn, self.region), LambdaContext()) or {}
        except Exception:  # the whole batch failed, as a Lambda crash would: all come back
            log.exception("SQS handler failed; the batch will be delivered again")
            return len(messages)
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        return len(messages)
