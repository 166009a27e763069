"""SQS, as the consumers need it: when a message they failed comes again."""

from __future__ import annotations

import time
from functools import lru_cache

import boto3


@lru_cache(maxsize=4)
def _client(region: str):
    return boto3.client("sqs", region_name=region)


def queue_url(queue_arn: str) -> str:
    """``arn:aws:sqs:<region>:<account>:<name>`` -> its URL (no GetQueueUrl call on a failure path)."""
    _, _, _, region, account, name = queue_arn.split(":", 5)
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


# ChangeMessageVisibility is tried this often (a short pause between): when it fails, the message waits
# the queue's whole visibility timeout (6 minutes in AWS) instead of its backoff of seconds.
TRIES = 3


def delay_redelivery(queue_arn: str, receipt_handle: str, seconds: int) -> None:
    """Make a received message visible again after ``seconds`` (instead of the queue's visibility timeout)."""
    region = queue_arn.split(":")[3]
    for attempt in range(TRIES):
        try:
            _client(region).change_message_visibility(
                QueueUrl=queue_url(queue_arn), ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
            )
            return
        except Exception:
            if attempt + 1 == TRIES:
                raise
            time.sleep(0.05 * 4**attempt)
