"""SQS, as the consumers need it: when a message they failed comes again."""

from __future__ import annotations

from functools import lru_cache

import boto3


@lru_cache(maxsize=4)
def _client(region: str):
    return boto3.client("sqs", region_name=region)


def queue_url(queue_arn: str) -> str:
    """``arn:aws:sqs:<region>:<account>:<name>`` -> its URL (no GetQueueUrl call on a failure path)."""
    _, _, _, region, account, name = queue_arn.split(":", 5)
    return f"https://sqs.{region}.amazonaws.com/{account}/{name}"


def delay_redelivery(queue_arn: str, receipt_handle: str, seconds: int) -> None:
    """Make a received message visible again after ``seconds`` (instead of the queue's visibility timeout)."""
    region = queue_arn.split(":")[3]
    _client(region).change_message_visibility(
        QueueUrl=queue_url(queue_arn), ReceiptHandle=receipt_handle, VisibilityTimeout=seconds
    )
