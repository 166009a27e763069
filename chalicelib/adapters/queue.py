"""SQS, as the consumers need it: when a message they failed comes again."""

from __future__ import annotations

import os
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


WHATSAPP_QUEUE_DEFAULT = "aspirasi-kaltim-whatsapp"
_urls: dict[tuple[str, str], str] = {}  # (region, queue name) -> URL: GetQueueUrl once per process


def whatsapp_queue_url(region: str) -> str:
    """The WhatsApp queue's URL: ``WHATSAPP_QUEUE_URL`` if set, else asked once (``WHATSAPP_QUEUE_NAME``)."""
    name = os.environ.get("WHATSAPP_QUEUE_NAME") or WHATSAPP_QUEUE_DEFAULT
    url = os.environ.get("WHATSAPP_QUEUE_URL") or _urls.get((region, name))
    if not url:
        url = _urls[(region, name)] = _client(region).get_queue_url(QueueName=name)["QueueUrl"]
    return url


def send_whatsapp_delivery(region: str, raw_body: bytes) -> None:
    """One webhook POST's raw body, as Meta sent it, to the WhatsApp consumer (app.on_whatsapp)."""
    _client(region).send_message(QueueUrl=whatsapp_queue_url(region), MessageBody=raw_body.decode("utf-8", "replace"))
