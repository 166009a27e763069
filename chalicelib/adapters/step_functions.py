"""Step Functions: start a complaint's execution, complete a waiting task."""

from __future__ import annotations

import json
from functools import cached_property

import boto3
from botocore.exceptions import ClientError


class StepFunctionsWorkflow:
    def __init__(self, state_machine_arn: str, region: str):
        self.state_machine_arn = state_machine_arn
        self.region = region

    @cached_property
    def _client(self):
        # Created on first use so a cold start pays only for what it uses.
        return boto3.client("stepfunctions", region_name=self.region)

    def start(self, complaint_id: str, execution_input: dict) -> bool:
        """Start the execution named after the complaint; False if it was already started."""
        try:
            self._client.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=complaint_id,
                input=json.dumps(execution_input),
            )
        except ClientError as error:
            # AWS answers a repeated name with the same input idempotently; moto says
            # ExecutionAlreadyExists. Either way the execution exists.
            if error.response["Error"]["Code"] == "ExecutionAlreadyExists":
                return False
            raise
        return True

    def complete(self, task_token: str, output: dict) -> bool:
        """SendTaskSuccess; False if the token has timed out or is no longer valid.

        Not an error: the decision is stored, and the next handoff of the stage completes it.
        """
        try:
            self._client.send_task_success(taskToken=task_token, output=json.dumps(output))
        except ClientError as error:
            if error.response["Error"]["Code"] in ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist"):
                return False
            raise
        return True
