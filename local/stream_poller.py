"""Deliver a table's DynamoDB stream to a Lambda handler the way Lambda's event source mapping does.

Records go in order, a batch at a time, in the Lambda event's shape. When the handler reports
records as failed (ReportBatchItemFailures) or raises, the stream is read again from the first
failed record after a backoff that doubles up to a cap, so a failed hand-over is retried within
seconds, and the records after it wait their turn, as on AWS.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime

from .poller import LambdaContext

log = logging.getLogger(__name__)
DEFAULT_BACKOFF = (1.0, 16.0)  # a failed record's first and longest wait (s) before it is read again


def streams_client(region: str):
    """A DynamoDB Streams client on the regional endpoint (botocore would otherwise derive an
    account-based host from the stream's ARN, which moto does not serve)."""
    import boto3
    from botocore.config import Config

    return boto3.client("dynamodbstreams", region_name=region, config=Config(account_id_endpoint_mode="disabled"))


def stream_arn_of(dynamodb_client, table_name: str) -> str:
    return dynamodb_client.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]


def lambda_record(record: dict, stream_arn: str, region: str) -> dict:
    """A record as GetRecords returns it, as it reaches a Lambda function (times as epoch seconds)."""
    change = dict(record["dynamodb"])
    when = change.get("ApproximateCreationDateTime")
    if isinstance(when, datetime):
        change["ApproximateCreationDateTime"] = int(when.timestamp())
    return {
        "eventID": record.get("eventID"),
        "eventName": record.get("eventName"),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": change,
        "eventSourceARN": stream_arn,
    }


class StreamPoller:
    def __init__(
        self,
        streams_client,
        stream_arn: str,
        region: str,
        handler: Callable[[dict, object], dict | None],
        batch_size: int = 10,
        backoff: tuple[float, float] = DEFAULT_BACKOFF,
        tidy: bool = True,
    ):
        self.streams = streams_client
        self.stream_arn = stream_arn
        self.region = region
        self.handler = handler
        self.batch_size = batch_size
        self.first_backoff, self.max_backoff = backoff
        self.tidy = tidy  # the only reader of this stream: may drop what it has handled (tidy_moto_stream)
        self._shard_id: str | None = None
        # Where to read next: from the stream's start, then after the last record handled, or at the
        # first failed one. A fresh iterator each poll (moto replaces a table's stream object when it
        # rolls back a failed transaction, so an old iterator would read a stream nobody writes to).
        self._position: tuple[str, str | None] = ("TRIM_HORIZON", None)
        self._failures = 0
        self._retry_at = 0.0

    def _shard_iterator(self, kind: str = "TRIM_HORIZON", sequence_number: str | None = None) -> str:
        if self._shard_id is None:
            self._shard_id = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"][0][
                "ShardId"
            ]
        extra = {"SequenceNumber": sequence_number} if sequence_number else {}
        return self.streams.get_shard_iterator(
            StreamArn=self.stream_arn, ShardId=self._shard_id, ShardIteratorType=kind, **extra
        )["ShardIterator"]

    def poll_once(self) -> int:
        """Hand one batch to the handler; returns how many records it handled (0 while backing off)."""
        if time.monotonic() < self._retry_at:
            return 0
        iterator = self._shard_iterator(*self._position)
        records = self.streams.get_records(ShardIterator=iterator, Limit=self.batch_size).get("Records", [])
        if not records:
            if self.tidy:
                tidy_moto_stream(self.stream_arn, None)
            return 0
        event = {"Records": [lambda_record(r, self.stream_arn, self.region) for r in records]}
        try:
            result = self.handler(event, LambdaContext()) or {}
            failed = [f["itemIdentifier"] for f in result.get("batchItemFailures", [])]
        except Exception:  # the invocation failed as a whole: the batch comes again
            log.exception("stream handler failed; the batch will be delivered again")
            failed = [records[0]["dynamodb"]["SequenceNumber"]]
        if failed:
            self._position = ("AT_SEQUENCE_NUMBER", min(failed, key=int))
            delay = min(self.max_backoff, self.first_backoff * 2**self._failures)
            self._failures += 1
            self._retry_at = time.monotonic() + delay
            log.warning("stream record failed; reading it again in %.0f s (attempt %d)", delay, self._failures + 1)
        else:
            self._position = ("AFTER_SEQUENCE_NUMBER", records[-1]["dynamodb"]["SequenceNumber"])
            self._failures = 0
        if self.tidy:
            tidy_moto_stream(self.stream_arn, None if failed else records[-1]["dynamodb"]["SequenceNumber"])
        return len(records)


# -- housekeeping of moto's streams (the local stack and the tests run moto in this process) -------------
def _moto_table(stream_arn: str):
    """The moto table behind a stream ARN, if moto runs in this process (else None: nothing to tidy)."""
    try:
        from moto.dynamodb.models import dynamodb_backends
    except ImportError:
        return None
    _, _, _, region, account, resource = stream_arn.split(":", 5)
    try:
        return dynamodb_backends[account][region].tables.get(resource.split("/")[1])
    except KeyError:
        return None


def tidy_moto_stream(stream_arn: str, handled_through: str | None) -> None:
    """Keep moto's stream from growing without end: forget the shard iterators handed out (moto keeps every
    one, and each keeps the table it was read from alive, a whole copy after every rolled-back
    transaction) and drop the records handled (moto copies the whole table, stream included, on every
    transaction). Called by the only reader, between polls; writes are serialized (local.atomic_dynamodb)."""
    from local.atomic_dynamodb import LOCK

    table = _moto_table(stream_arn)
    if table is None or table.stream_shard is None:
        return
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    with LOCK:
        for account in dynamodbstreams_backends.values():
            for backend in account.values():
                backend.shard_iterators.clear()
        shard = table.stream_shard
        if handled_through is not None:
            done = min(len(shard.items), int(handled_through) - shard.starting_sequence_number + 1)
            if done > 0:  # sequence numbers stay: a record's number is its index plus the shard's start
                del shard.items[:done]
                shard.starting_sequence_number += done
