"""The WhatsApp channel in the stack: its queue and dead letters, its table (TTL), the secret (never a token in
the template), the phone number parameter (empty: off), least privilege, the webhook's throttle, the alarms."""

from __future__ import annotations

import json

import pytest

from chalicelib.adapters.tables import WhatsAppModel

from .cfn import deployed_table_name, of_type

pytestmark = pytest.mark.infra


def _statements(resources: dict, role_prefix: str) -> list[dict]:
    return [
        s
        for name, policy in of_type(resources, "AWS::IAM::Policy").items()
        if name.startswith(role_prefix)
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def _actions(statement: dict) -> list[str]:
    action = statement["Action"]
    return action if isinstance(action, list) else [action]


def _ref_of(resources: dict, kind: str, **properties) -> str:
    (found,) = [
        k
        for k, v in of_type(resources, kind).items()
        if all(v["Properties"].get(p) == x for p, x in properties.items())
    ]
    return found


def test_the_queue_has_dead_letters_and_feeds_the_consumer_with_batch_failures(resources):
    queue_id = _ref_of(resources, "AWS::SQS::Queue", QueueName="aspirasi-kaltim-whatsapp")
    dlq_id = _ref_of(resources, "AWS::SQS::Queue", QueueName="aspirasi-kaltim-whatsapp-dlq")
    queue = resources[queue_id]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {"Fn::GetAtt": [dlq_id, "Arn"]}
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 13 and queue["SqsManagedSseEnabled"]
    function = of_type(resources, "AWS::Serverless::Function")["OnWhatsapp"]["Properties"]
    assert function["Handler"] == "app.on_whatsapp"
    event = function["Events"]["OnWhatsappSqsEventSource"]["Properties"]
    assert event["Queue"] == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"] and event["BatchSize"] == 10


def test_the_table_expires_its_items(resources):
    (table,) = [
        t["Properties"]
        for t in of_type(resources, "AWS::DynamoDB::Table").values()
        if t["Properties"]["TableName"] == deployed_table_name(WhatsAppModel)
    ]
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]} == {"pk": "HASH", "sk": "RANGE"}


def test_the_secret_holds_no_token_in_the_template(resources):
    (secret_id, secret), *more = of_type(resources, "AWS::SecretsManager::Secret").items()
    assert not more
    props = secret["Properties"]
    assert "SecretString" not in props
    generated = props["GenerateSecretString"]
    assert json.loads(generated["SecretStringTemplate"]) == {"access_token": "", "app_secret": ""}
    assert generated["GenerateStringKey"] == "verify_token"
    assert secret["DeletionPolicy"] == "Retain"


def test_the_functions_find_the_channel_off_by_default(synthesized, resources):
    parameter = synthesized[0].node.find_child("WhatsAppPhoneNumberId")
    assert parameter.default == ""
    secret_id = next(iter(of_type(resources, "AWS::SecretsManager::Secret")))
    functions = of_type(resources, "AWS::Serverless::Function")
    for name in ("APIHandler", "OnHandoff", "OnWhatsapp"):
        variables = functions[name]["Properties"]["Environment"]["Variables"]
        assert variables["WHATSAPP_PHONE_NUMBER_ID"] == {"Ref": "WhatsAppPhoneNumberId"}, name
        assert variables["WHATSAPP_SECRET_ARN"] == {"Ref": secret_id}, name
        assert variables["WHATSAPP_API_URL"].startswith("https://graph.facebook.com/"), name
        assert not any(k in variables for k in ("WHATSAPP_APP_SECRET", "WHATSAPP_ACCESS_TOKEN")), name
    api = functions["APIHandler"]["Properties"]["Environment"]["Variables"]
    queue_id = _ref_of(resources, "AWS::SQS::Queue", QueueName="aspirasi-kaltim-whatsapp")
    assert api["WHATSAPP_QUEUE_URL"] == {"Ref": queue_id}


def test_least_privilege_on_the_secret_and_the_queue(resources):
    secret_id = next(iter(of_type(resources, "AWS::SecretsManager::Secret")))
    queue_id = _ref_of(resources, "AWS::SQS::Queue", QueueName="aspirasi-kaltim-whatsapp")
    readers = set()
    for name, policy in of_type(resources, "AWS::IAM::Policy").items():
        for s in policy["Properties"]["PolicyDocument"]["Statement"]:
            if any(a.startswith("secretsmanager:") for a in _actions(s)):
                assert _actions(s) == ["secretsmanager:GetSecretValue"], name
                assert s["Resource"] == {"Ref": secret_id}, name
                readers.add(name.split("DefaultPolicy")[0])
            if "sqs:SendMessage" in _actions(s) and s["Resource"] == {"Fn::GetAtt": [queue_id, "Arn"]}:
                assert name.startswith("ApiFunctionRole"), name
    assert readers == {"ApiFunctionRole", "HandoffFunctionRole", "WhatsAppFunctionRole"}
    consumer = _statements(resources, "WhatsAppFunctionRole")
    receive = [s for s in consumer if "sqs:ReceiveMessage" in _actions(s)]
    assert [s["Resource"] for s in receive] == [{"Fn::GetAtt": [queue_id, "Arn"]}]
    assert not any(a == "*" or a.endswith(":*") for s in consumer for a in _actions(s))


def test_the_consumer_puts_photos_only_where_uploads_land_and_is_checked_there(resources):
    """A citizen's photo goes where a browser's upload lands (attachments/*): the uploads consumer checks it and
    keeps the clean copy (accepted/*), which the WhatsApp consumer can neither write nor read."""
    s3 = [s for s in _statements(resources, "WhatsAppFunctionRole") if any(a.startswith("s3:") for a in _actions(s))]
    assert [_actions(s) for s in s3] == [["s3:PutObject"]]
    (resource,) = [s["Resource"] for s in s3]
    assert json.dumps(resource).endswith('/attachments/*"]]}'), resource


def test_the_webhook_has_its_own_throttle(resources):
    (api,) = of_type(resources, "AWS::Serverless::Api").values()
    settings = {(m["ResourcePath"], m["HttpMethod"]): m for m in api["Properties"]["MethodSettings"]}
    webhook = settings[("/~1channels~1whatsapp~1webhook", "POST")]
    assert 0 < webhook["ThrottlingRateLimit"] <= 50 and 0 < webhook["ThrottlingBurstLimit"] <= 100
    assert webhook["DataTraceEnabled"] is False


def test_alarms_on_dead_letters_and_failed_sends_are_on_the_dashboard(resources):
    alarms = {
        a["Properties"]["AlarmName"].removeprefix("aspirasi-kaltim-"): a["Properties"]
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
    }
    sends = alarms["WhatsAppSendsFailed"]
    (query,) = sends["Metrics"]  # one series, labelled
    stat = query["MetricStat"]
    assert stat["Metric"] == {"MetricName": "WhatsAppSendsFailed", "Namespace": "AspirasiKaltim"}  # no dimensions
    assert (stat["Period"], stat["Stat"], sends["Threshold"]) == (300, "Sum", 1)
    assert sends["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    dlq = alarms["WhatsAppDeadLettersWaiting"]
    dlq_id = _ref_of(resources, "AWS::SQS::Queue", QueueName="aspirasi-kaltim-whatsapp-dlq")
    assert dlq["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}]
    (dashboard,) = of_type(resources, "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    assert "WhatsAppSendsFailed" in body and "WhatsAppSent" in body and "WhatsApp: messages sent and failed" in body
