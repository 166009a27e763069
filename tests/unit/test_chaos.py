"""Chaos mode (local/chaos.py): which calls fail, with what, and that the pollers and executions live on.

The AWS side is moto in-process (no sockets): the hooks answer before anything is sent.
"""

from __future__ import annotations

import json
import logging
import time

import boto3
import pytest
from botocore.exceptions import ClientError
from chalice import Chalice
from chalice.test import Client
from moto import mock_aws
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError
from pynamodb.models import Model

from local import chaos
from local.poller import Poller

REGION = "ap-southeast-3"
EXAMPLE = (
    "ses:SendRawEmail=0.3,stepfunctions:SendTaskSuccess=0.3,dynamodb:TransactWriteItems=0.2,"
    "dynamodb:PutItem=0.2,sqs:DeleteMessageBatch=0.2"
)


@pytest.fixture(autouse=True)
def chaos_off():
    yield
    chaos.uninstall()


class Lines(logging.Handler):
    """The chaos logger's lines (pytest runs with -p no:logging here, so no caplog)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def chaos_log():
    handler, logger = Lines(), logging.getLogger("aspirasi.chaos")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


# -- the settings ---------------------------------------------------------------------------
def test_the_example_setting_is_read_with_each_services_throttling_error():
    config = chaos.parse(EXAMPLE, "0.1", "42")
    assert [(r.service, r.operation, r.rate) for r in config.rules] == [
        ("ses", "SendRawEmail", 0.3),
        ("stepfunctions", "SendTaskSuccess", 0.3),
        ("dynamodb", "TransactWriteItems", 0.2),
        ("dynamodb", "PutItem", 0.2),
        ("sqs", "DeleteMessageBatch", 0.2),
    ]
    assert config.crash_rate == 0.1 and config.seed == 42 and config.active
    assert {r.service: r.error[:2] for r in config.rules} == {
        "ses": ("Throttling", 400),
        "stepfunctions": ("ThrottlingException", 400),
        "dynamodb": ("ProvisionedThroughputExceededException", 400),
        "sqs": ("RequestThrottled", 400),
    }
    assert config.describe() == f"CHAOS={EXAMPLE} CHAOS_CRASH=0.1 CHAOS_SEED=42"


def test_names_as_people_write_them_and_nothing_means_off():
    config = chaos.parse(" sfn:send_task_success=1 , cognito-idp:InitiateAuth=0.5,s3:PutObject=0 ")
    assert [(r.service, r.operation) for r in config.rules] == [
        ("stepfunctions", "SendTaskSuccess"),
        ("cognito-idp", "InitiateAuth"),
        ("s3", "PutObject"),
    ]
    assert config.rules[2].error[:2] == ("SlowDown", 503)
    assert not chaos.parse("", "", "").active and not chaos.from_env({}).active
    assert chaos.parse(None, "0.5").active  # crashes alone


@pytest.mark.parametrize(
    "chaos_text, crash, seed, says",
    [
        ("ses", None, None, "is not service:Operation=rate"),
        ("ses:SendRawEmail", None, None, "is not service:Operation=rate"),
        ("sess:SendRawEmail=0.3", None, None, "'sess' is not an AWS service"),
        ("ses:SendRawMail=0.3", None, None, "ses has no operation 'SendRawMail'"),
        ("ses:SendRawEmail=1.5", None, None, "is not between 0 and 1"),
        ("ses:SendRawEmail=often", None, None, "is not a number"),
        ("ses:SendRawEmail=0.1,ses:send_raw_email=0.2", None, None, "ses:SendRawEmail is given twice"),
        ("", "-0.1", None, "CHAOS_CRASH: the rate '-0.1' is not between 0 and 1"),
        ("", None, "abc", "CHAOS_SEED: 'abc' is not an integer"),
    ],
)
def test_a_mistake_is_refused_with_what_is_wrong(chaos_text, crash, seed, says):
    with pytest.raises(chaos.ChaosConfigError, match=None) as refused:
        chaos.parse(chaos_text, crash, seed)
    assert says in str(refused.value)


def test_the_same_seed_makes_the_same_faults():
    def rolls(seed):
        faults = chaos.Chaos(chaos.parse("", "0.5", str(seed)))
        return [faults.crash_after_work() for _ in range(64)]

    assert rolls(7) == rolls(7) and rolls(7) != rolls(8)
    assert 10 < sum(rolls(7)) < 54


# -- which calls fail ----------------------------------------------------------------------------
@mock_aws
def test_only_the_applications_calls_fail_with_the_throttling_error_and_one_log_line(chaos_log):
    chaos.install(chaos.parse("sqs:SendMessage=1,ses:SendRawEmail=1", seed="1"))
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="provisioning and moto's own callers pass")
    with chaos.application_call():
        with pytest.raises(ClientError) as refused:
            sqs.send_message(QueueUrl=url, MessageBody="task-token-SECRET warga@example.id")
        assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]  # others pass
    error = refused.value.response
    assert error["Error"]["Code"] == "RequestThrottled" and error["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"].startswith("provisioning")
    assert chaos.active().injected == {("sqs", "SendMessage"): 1}
    assert chaos_log == [
        "chaos mode on: CHAOS=sqs:SendMessage=1,ses:SendRawEmail=1 CHAOS_CRASH=0 CHAOS_SEED=1",
        "chaos: injected RequestThrottled sqs:SendMessage",
    ]
    chaos.uninstall()  # a client made while chaos was on fails nothing once it is off
    with chaos.application_call():
        sqs.send_message(QueueUrl=url, MessageBody="after")


class Thing(Model):
    class Meta:
        table_name = "chaos-things"
        region = REGION

    id = UnicodeAttribute(hash_key=True)


@mock_aws
def test_pynamodb_calls_fail_as_a_real_throttled_put_would():
    chaos.install(chaos.parse("dynamodb:PutItem=1"))
    Thing._connection = None  # PynamoDB's own botocore session makes its client now, with the hooks
    Thing.create_table(read_capacity_units=1, write_capacity_units=1, wait=True)
    Thing(id="provisioned").save()
    with chaos.application_call(), pytest.raises(PutError) as refused:
        Thing(id="app").save()
    assert refused.value.cause_response_code == "ProvisionedThroughputExceededException"
    assert [t.id for t in Thing.scan()] == ["provisioned"]
    Thing._connection = None


ASL = {
    "StartAt": "Send",
    "States": {
        "Send": {
            "Type": "Task",
            "Resource": "arn:aws:states:::sqs:sendMessage",
            "Parameters": {"QueueUrl": "${Queue}", "MessageBody": {"hello.$": "$.name"}},
            "ResultPath": None,
            "Next": "Put",
        },
        "Put": {
            "Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:putItem",
            "Parameters": {"TableName": "chaos-things", "Item": {"id": {"S.$": "$.name"}}},
            "End": True,
        },
    },
}


@mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
def test_an_executions_own_service_calls_are_never_failed():
    """moto runs an execution's tasks as boto3 calls from its own thread: not the application's."""
    chaos.install(chaos.parse("sqs:SendMessage=1,dynamodb:PutItem=1"))
    Thing._connection = None
    Thing.create_table(read_capacity_units=1, write_capacity_units=1, wait=True)
    sqs, sfn = boto3.client("sqs", region_name=REGION), boto3.client("stepfunctions", region_name=REGION)
    url = sqs.create_queue(QueueName="handoff")["QueueUrl"]
    arn = sfn.create_state_machine(
        name="m", definition=json.dumps(ASL).replace("${Queue}", url), roleArn="arn:aws:iam::123456789012:role/r"
    )["stateMachineArn"]
    with chaos.application_call():  # the app starts it (StartExecution is not failed here) ...
        execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps({"name": "exec"}))["executionArn"]
        with pytest.raises(ClientError):  # ... while its own SendMessage would fail
            sqs.send_message(QueueUrl=url, MessageBody="app")
    deadline = time.monotonic() + 20
    while (status := sfn.describe_execution(executionArn=execution)["status"]) == "RUNNING":
        assert time.monotonic() < deadline, "the execution did not finish"
        time.sleep(0.05)
    assert status == "SUCCEEDED"
    assert json.loads(sqs.receive_message(QueueUrl=url)["Messages"][0]["Body"]) == {"hello": "exec"}
    assert Thing.get("exec").id == "exec"
    assert chaos.active().injected == {("sqs", "SendMessage"): 1}
    Thing._connection = None


# -- the pollers live on ---------------------------------------------------------------------
def _queue(sqs, name):
    return sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "0"})["QueueUrl"]


@mock_aws
def test_a_failed_acknowledgement_means_delivery_again_never_a_dead_poller(chaos_log):
    chaos.install(chaos.parse("sqs:DeleteMessageBatch=1,sqs:ReceiveMessage=0"))
    sqs = boto3.client("sqs", region_name=REGION)
    url = _queue(sqs, "acks")
    sqs.send_message(QueueUrl=url, MessageBody="m")
    seen = []

    def handler(event, context):
        seen.append(chaos.is_application_call())
        return {"batchItemFailures": []}

    poller = Poller(sqs, url, "arn:aws:sqs:ap-southeast-3:123456789012:acks", REGION, handler)
    assert poller.poll_once() == 1 and poller.poll_once() == 1  # not deleted: here again
    assert seen == [True, True]  # the handler's calls count as the application's
    assert chaos_log.count("chaos: injected RequestThrottled sqs:DeleteMessageBatch") == 2
    chaos.install(chaos.parse("sqs:ReceiveMessage=1"))
    poller.sqs = boto3.client("sqs", region_name=REGION)
    assert poller.poll_once() == 0  # a throttled receive: nothing this time, no exception
    chaos.uninstall()
    assert poller.poll_once() == 1 and poller.poll_once() == 0  # handled and acknowledged at last


@mock_aws
def test_a_crash_after_the_work_leaves_the_batch_for_redelivery(chaos_log):
    chaos.install(chaos.parse("", "1", "3"))
    sqs = boto3.client("sqs", region_name=REGION)
    url = _queue(sqs, "crashes")
    sqs.send_message(QueueUrl=url, MessageBody="m")
    handled = []

    def handler(event, context):
        handled.append(event["Records"][0]["body"])
        return {}

    poller = Poller(sqs, url, "arn:aws:sqs:ap-southeast-3:123456789012:crashes", REGION, handler)
    assert poller.poll_once() == 1 and poller.poll_once() == 1
    assert handled == ["m", "m"] and chaos.active().crashes == 2
    assert "chaos: crashed SQS handler after its work (crashes); its batch will be delivered again" in chaos_log
    chaos.uninstall()
    assert poller.poll_once() == 1 and poller.poll_once() == 0


def test_the_middleware_marks_routes_and_every_kind_of_event_handler():
    """Chalice applies an "all" middleware to routes, SQS handlers and plain Lambda functions alike,
    registered after them too (the local stack registers it once the app is imported)."""
    app = Chalice(app_name="chaos-middleware")
    seen = {}

    @app.route("/")
    def index():
        seen["route"] = chaos.is_application_call()
        return {}

    @app.on_sqs_message(queue="q")
    def on_message(event):
        seen["sqs"] = chaos.is_application_call()

    @app.lambda_function(name="on_change")
    def on_change(event, context):
        seen["lambda"] = chaos.is_application_call()

    app.register_middleware(chaos.middleware, "all")
    with Client(app) as client:
        assert client.http.get("/").status_code == 200
    on_message(
        {
            "Records": [
                {
                    "body": "{}",
                    "receiptHandle": "r",
                    "messageId": "m",
                    "eventSourceARN": "arn:aws:sqs:ap-southeast-3:123456789012:q",
                }
            ]
        },
        None,
    )
    on_change({}, None)
    assert seen == {"route": True, "sqs": True, "lambda": True}
    assert not chaos.is_application_call()


def test_the_local_queues_redeliver_sooner_when_asked_and_dead_letter_only_after_50_receives():
    from local.provision import local_queue_settings

    assert local_queue_settings({}) == {"visibility_timeout": 30, "max_receive_count": 50}
    assert local_queue_settings({"SQS_VISIBILITY_TIMEOUT": "3", "SQS_MAX_RECEIVE_COUNT": "7"}) == {
        "visibility_timeout": 3,
        "max_receive_count": 7,
    }
    for bad in ({"SQS_VISIBILITY_TIMEOUT": "soon"}, {"SQS_MAX_RECEIVE_COUNT": "0"}):
        with pytest.raises(ValueError, match="is not a whole number"):
            local_queue_settings(bad)
