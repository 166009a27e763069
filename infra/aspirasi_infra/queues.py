"""Queues a Lambda consumer reads, with their dead-letter queues: the handoff and the uploads queues;
and the dead-letter queue of the tables' stream consumer."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# SSE-SQS on all of them: S3 event notifications can deliver to it (an AWS-managed KMS key would refuse S3).
_ENCRYPTION = sqs.QueueEncryption.SQS_MANAGED
DEAD_LETTER_RETENTION = Duration.days(14)


def dead_letter_queue(scope: Construct, construct_id: str, name: str) -> sqs.Queue:
    """A dead-letter queue: encrypted, TLS only, kept 14 days (the longest SQS keeps a message)."""
    return sqs.Queue(
        scope,
        construct_id,
        queue_name=name,
        retention_period=DEAD_LETTER_RETENTION,
        encryption=_ENCRYPTION,
        enforce_ssl=True,
    )


def consumer_queue(
    scope: Construct, construct_id: str, name: str, max_receive_count: int = 5
) -> tuple[sqs.Queue, sqs.Queue]:
    """(queue, dead letters): a record received ``max_receive_count`` times without success waits 14 days
    in the dead-letter queue."""
    dead_letters = dead_letter_queue(scope, f"{construct_id}DeadLetters", f"{name}-dlq")
    queue = sqs.Queue(
        scope,
        construct_id,
        queue_name=name,
        visibility_timeout=Duration.seconds(6 * 60),  # six times the consumer's timeout
        dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=max_receive_count, queue=dead_letters),
        encryption=_ENCRYPTION,
        enforce_ssl=True,
    )
    return queue, dead_letters
