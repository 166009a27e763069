"""Durable decisions, delivered: the tables' DynamoDB streams feed the ``on_change`` function
(app.py, service/delivery.py), which hands each decision, answer or reopening to the waiting
execution (SendTaskSuccess). docs/operations.md#changedeadletterswaiting.

How long a hand-over can take (the README's delivery guarantees quote these numbers):
- normally a second or two: the record reaches the function as soon as the write is on the stream
  (no batching window);
- when it fails (Step Functions throttles or is down, the function crashes), Lambda retries the record
  at once, again and again, with the records after it on its shard, until it succeeds, it has been
  retried ``MAX_RETRY_ATTEMPTS`` times, or it is ``MAX_RECORD_AGE_SECONDS`` old (10 minutes). A
  failing invocation takes about 2 seconds (botocore's own retries with backoff), so the age is the
  bound that applies and the count a backstop against a tight loop;
- then the record is given up: a note of it (its shard and sequence numbers, no data) goes to the
  dead-letter queue and ``ChangeDeadLettersWaiting`` alarms. The decision is not lost -- it is on the
  work item -- and the stage's next handoff (its reminder or escalation timer) completes the task.

Ten minutes is short enough that a record which cannot succeed holds back the changes behind it on
its shard only briefly, and long enough to ride out a throttling burst or a short Step Functions
outage. The alarm on the function's iterator age (``ITERATOR_AGE_ALARM_SECONDS``) fires well before.
"""

from __future__ import annotations

import json

from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from chalicelib.adapters.tables import ComplaintModel, WorkItemModel

FUNCTION = "OnChange"  # Chalice's resource name for @app.lambda_function(name="on_change")
BATCH_SIZE = 10
MAX_RETRY_ATTEMPTS = 300
MAX_RECORD_AGE_SECONDS = 600
ITERATOR_AGE_ALARM_SECONDS = 120

# Only changes that hand something over invoke the function (Lambda event filtering; any filter of a
# table's list matches): a work item that carries a decision or a citizen's answer, a complaint being
# reopened. Every other write to the two tables is dropped by Lambda before it costs an invocation.
# The function itself keeps to the changes that *newly* set them (service/delivery.py change_of).
FILTERS = {
    WorkItemModel: [
        {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"decision": {"S": [{"exists": True}]}}}},
        {"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"answer": {"S": [{"exists": True}]}}}},
    ],
    ComplaintModel: [{"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"reopen_pending": {"BOOL": [True]}}}}],
}
# What the function may do to the two tables (service/delivery.py reads the token after the write).
TABLE_ACTIONS = {WorkItemModel: ["dynamodb:GetItem"], ComplaintModel: ["dynamodb:GetItem"]}
STREAM_ACTIONS = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]


def change_mappings(
    scope: Construct, *, function_name: str, tables: dict, dead_letters_arn: str
) -> dict[type, lambda_.CfnEventSourceMapping]:
    """One event source mapping per streamed table, to the ``on_change`` function."""
    mappings: dict[type, lambda_.CfnEventSourceMapping] = {}
    for model, patterns in FILTERS.items():
        mappings[model] = lambda_.CfnEventSourceMapping(
            scope,
            f"{model.__name__.removesuffix('Model')}Changes",
            function_name=function_name,
            event_source_arn=tables[model].table_stream_arn,
            starting_position="LATEST",
            batch_size=BATCH_SIZE,
            maximum_batching_window_in_seconds=0,
            function_response_types=["ReportBatchItemFailures"],
            bisect_batch_on_function_error=True,
            maximum_retry_attempts=MAX_RETRY_ATTEMPTS,
            maximum_record_age_in_seconds=MAX_RECORD_AGE_SECONDS,
            destination_config=lambda_.CfnEventSourceMapping.DestinationConfigProperty(
                on_failure=lambda_.CfnEventSourceMapping.OnFailureProperty(destination=dead_letters_arn)
            ),
            filter_criteria=lambda_.CfnEventSourceMapping.FilterCriteriaProperty(
                filters=[lambda_.CfnEventSourceMapping.FilterProperty(pattern=json.dumps(p)) for p in patterns]
            ),
        )
    return mappings
