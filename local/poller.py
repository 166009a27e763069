"""Deliver SQS messages to the Chalice SQS handler the way Lambda's event source mapping does.

Real-shaped events (one record per message, its own messageId and receiptHandle);
records the handler reports as failed stay on the queue and come back after the
visibility timeout; the others are deleted. Like the event source mapping, the poller
outlives every failure: a receive or an acknowledgement that fails (chaos mode injects
both) only means the messages come back later.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable

from botocore.exceptions import ClientError

from local import chaos

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
    def __init__(
        self,
        sqs_client,
        queue_url: str,
        queue_arn: str,
        region: str,
        handler: Callable[[dict, object], dict | None],
        batch_size: int = 10,
    ):
        self.sqs = sqs_client
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.region = region
        self.handler = handler
        self.batch_size = batch_size

    def poll_once(self, wait_seconds: int = 0) -> int:
        """Receive one batch and hand it to the handler. Returns how many records were handled."""
        with chaos.application_call():  # the event source mapping's calls and the handler's are the app's
            return self._poll(wait_seconds)

    def _poll(self, wait_seconds: int) -> int:
        try:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=self.batch_size,
                WaitTimeSeconds=wait_seconds,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
        except ClientError as error:  # SQS refused (throttled): nothing was received, try again later
            log.warning("SQS receive failed (%s); polling again", _code(error))
            return 0
        if not messages:
            return 0
        try:
            result = self.handler(sqs_event(messages, self.queue_arn, self.region), LambdaContext()) or {}
        except Exception:  # the whole batch failed, as a Lambda crash would: all come back
            log.exception("SQS handler failed; the batch will be delivered again")
            return len(messages)
        if chaos.crash_after_work(self.queue_url.rsplit("/", 1)[-1]):
            return len(messages)  # as a Lambda that timed out before acknowledging: all come back
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._acknowledge(done)
        return len(messages)

    def _acknowledge(self, done: list[dict]) -> None:
        """Delete what was handled; what cannot be deleted is simply delivered again (handlers repeat safely)."""
        try:
            response = self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        except Exception as error:  # throttled, or the connection dropped: never the poller's end
            log.warning(
                "SQS acknowledgement of %d message(s) failed (%s); they will be delivered again",
                len(done),
                _code(error),
            )
            return
        for failure in response.get("Failed", []):
            log.warning("SQS acknowledgement of a message failed (%s); it will be delivered again", failure.get("Code"))


def _code(error: Exception) -> str:
    if isinstance(error, ClientError):
        return error.response.get("Error", {}).get("Code", "unknown")
    return type(error).__name__
