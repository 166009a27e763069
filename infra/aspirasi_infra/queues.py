"""A queue a Lambda consumer reads, with its dead-letter queue: the handoff and the uploads queues."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

# SSE-SQS on both: S3 event notifications can deliver to it (an AWS-managed KMS key would refuse S3).
_ENCRYPTION = dict(encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True)


def consumer_queue(scope: Construct, construct_id: str, name: str) -> tuple[sqs.Queue, sqs.Queue]:
    """(queue, dead letters): a record that fails 5 times waits 14 days in the dead-letter queue."""
    dead_letters = sqs.Queue(scope, f"{construct_id}DeadLetters", queue_name=f"{name}-dlq",
                             retention_period=Duration.days(14), **_ENCRYPTION)
    queue = sqs.Queue(
        scope, construct_id, queue_name=name,
        visibility_timeout=Duration.seconds(6 * 60),  # six times the consumer's timeout
        dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=dead_letters),
        **_ENCRYPTION,
    )
    return queue, dead_letters
