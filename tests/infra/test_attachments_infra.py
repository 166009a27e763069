"""The attachments bucket, its uploads queue and consumer, and who may do what to them (offline synth)."""

from __future__ import annotations

import json
import re

import pytest

from chalicelib.domain.files import RETENTION_DAYS

from .cfn import of_type

pytestmark = pytest.mark.infra


def attachments_bucket(resources) -> tuple[str, dict]:
    (found,) = [
        (k, v)
        for k, v in of_type(resources, "AWS::S3::Bucket").items()
        if "NotificationConfiguration" in v["Properties"]
    ]
    return found


def statements(resources, role_prefix: str) -> list[dict]:
    return [
        s
        for name, policy in of_type(resources, "AWS::IAM::Policy").items()
        if name.startswith(role_prefix)
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_of(statement) -> list[str]:
    return statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]


def s3_grants(resources, role_prefix: str) -> dict[str, str]:
    """action -> the resources it is granted on (as text), for the role's S3 statements."""
    grants: dict[str, str] = {}
    for s in statements(resources, role_prefix):
        for action in actions_of(s):
            if action.startswith("s3:"):
                grants[action] = grants.get(action, "") + json.dumps(s["Resource"])
    return grants


def key_prefixes(resource_text: str) -> set[str]:
    """The object key prefixes a grant names (``attachments/``, ``accepted/``); a grant on whole objects
    (``bucket/*``) would name ``""``."""
    return set(re.findall(r'/([a-z]*/?)\*"', resource_text))


def test_the_bucket_is_private_encrypted_tls_only_and_kept_for_a_bounded_time(resources):
    name, bucket = attachments_bucket(resources)
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    (encryption,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert encryption["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert bucket["DeletionPolicy"] == "Retain"
    rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["abort-incomplete-uploads"]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 1}
    assert rules["expire-attachments"]["ExpirationInDays"] == RETENTION_DAYS
    assert rules["expire-attachments"]["Prefix"] == "accepted/"  # the checked files, which are served
    # An upload is deleted once judged; one never judged (its event dead-lettered) goes after 14 days.
    assert rules["expire-unchecked-uploads"] == {
        "Id": "expire-unchecked-uploads",
        "Prefix": "attachments/",
        "ExpirationInDays": 14,
        "Status": "Enabled",
    }
    assert "VersioningConfiguration" not in props  # written once: no older version outlives a deletion
    assert all(r["Status"] == "Enabled" for r in rules.values())
    # TLS only: the bucket policy denies every request that is not over HTTPS.
    (policy,) = [
        p["Properties"]
        for p in of_type(resources, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": name}
    ]
    (deny,) = [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} and deny["Action"] == "s3:*"
    assert not [s for s in policy["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]  # nothing is public
    # Who read which file is logged (server access logs, into a private bucket of their own).
    logging = props["LoggingConfiguration"]
    logs_bucket = resources[logging["DestinationBucketName"]["Ref"]]["Properties"]
    assert logs_bucket["PublicAccessBlockConfiguration"]["RestrictPublicBuckets"] is True
    assert logs_bucket["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"] > 0


def test_cors_lets_only_the_citizen_pages_origin_post_and_get(resources):
    _, bucket = attachments_bucket(resources)
    (rule,) = bucket["Properties"]["CorsConfiguration"]["CorsRules"]
    assert sorted(rule["AllowedMethods"]) == ["GET", "POST"]
    origins = json.dumps(rule["AllowedOrigins"])
    assert "*" not in [o for o in rule["AllowedOrigins"] if isinstance(o, str)]
    assert '"Ref": "RestAPI"' in origins and ".execute-api." in origins  # the API serves the citizen page


def test_new_objects_are_announced_to_the_uploads_queue_which_has_dead_letters(resources):
    name, bucket = attachments_bucket(resources)
    (config,) = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert config["Event"] == "s3:ObjectCreated:*"
    assert config["Filter"] == {"S3Key": {"Rules": [{"Name": "prefix", "Value": "attachments/"}]}}
    queue_id = config["Queue"]["Fn::GetAtt"][0]
    queue = resources[queue_id]["Properties"]
    assert queue["QueueName"] == "aspirasi-kaltim-uploads" and queue["SqsManagedSseEnabled"] is True
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 5
    dead_letters = resources[queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]]["Properties"]
    assert dead_letters["QueueName"] == "aspirasi-kaltim-uploads-dlq"
    # Only S3, for this bucket in this account, may send to it; and the bucket waits for that policy.
    (policy,) = [
        p
        for k, p in of_type(resources, "AWS::SQS::QueuePolicy").items()
        if p["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]
    (allow,) = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"} and allow["Action"] == "sqs:SendMessage"
    assert (
        "aws:SourceArn" in allow["Condition"]["ArnEquals"] and "aws:SourceAccount" in allow["Condition"]["StringEquals"]
    )
    assert bucket["DependsOn"] == [
        next(k for k, p in of_type(resources, "AWS::SQS::QueuePolicy").items() if p is policy)
    ]


def test_the_uploads_consumer_reports_batch_failures_and_has_its_own_role(resources):
    functions = of_type(resources, "AWS::Serverless::Function")
    upload = functions["OnUpload"]["Properties"]
    assert upload["Handler"] == "app.on_upload"
    event = upload["Events"]["OnUploadSqsEventSource"]["Properties"]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert resources[event["Queue"]["Fn::GetAtt"][0]]["Properties"]["QueueName"] == "aspirasi-kaltim-uploads"
    assert upload["Role"]["Fn::GetAtt"][0].startswith("UploadFunctionRole")
    assert upload["MemorySize"] == 1024  # photos are decoded to drop their metadata (domain/images.py)
    # Every function of the app knows the bucket (the API signs, the consumer checks); the pre sign-up trigger
    # has no environment at all (the pool names it: it must not name the pool).
    for function in (f for name, f in functions.items() if name != "PreSignup"):
        bucket = function["Properties"]["Environment"]["Variables"]["ATTACHMENTS_BUCKET"]
        assert "aspirasi-kaltim-attachments-" in json.dumps(bucket)
    _, attachments = attachments_bucket(resources)
    assert (
        function["Properties"]["Environment"]["Variables"]["ATTACHMENTS_BUCKET"]
        == attachments["Properties"]["BucketName"]
    )


def test_least_privilege_on_the_bucket(resources):
    api, upload, handoff = (
        s3_grants(resources, name) for name in ("ApiFunctionRole", "UploadFunctionRole", "HandoffFunctionRole")
    )
    # The API signs presigned POSTs for uploads (PutObject, attachments/ only) and GETs of checked files only
    # (accepted/: an unchecked upload is never served), and deletes a closed account's files (both).
    assert set(api) == {"s3:PutObject", "s3:GetObject", "s3:DeleteObject"}
    assert key_prefixes(api["s3:PutObject"]) == {"attachments/"}
    assert key_prefixes(api["s3:GetObject"]) == {"accepted/"}
    assert key_prefixes(api["s3:DeleteObject"]) == {"attachments/", "accepted/"}
    # The consumer reads the upload, writes the checked file under accepted/ (never an upload), deletes
    # the upload and what it refuses, lists (so a missing object is a 404).
    assert set(upload) == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}
    assert key_prefixes(upload["s3:PutObject"]) == {"accepted/"}
    assert (
        key_prefixes(upload["s3:GetObject"]) == key_prefixes(upload["s3:DeleteObject"]) == {"attachments/", "accepted/"}
    )
    assert "attachments/" not in upload["s3:ListBucket"]
    assert handoff == {}
    # Tables: the consumer settles attachments, frees slots and checks the case has not closed; nothing more.
    dynamodb = {
        a for s in statements(resources, "UploadFunctionRole") for a in actions_of(s) if a.startswith("dynamodb:")
    }
    assert dynamodb == {"dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"}
    sqs = {a for s in statements(resources, "UploadFunctionRole") for a in actions_of(s) if a.startswith("sqs:")}
    assert sqs == {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"}
    assert not [
        a
        for s in statements(resources, "UploadFunctionRole")
        for a in actions_of(s)
        if a.startswith(("ses:", "states:", "cognito-idp:"))
    ]


def test_the_uploads_dead_letters_alarm_and_dashboard(resources):
    alarms = {
        a["Properties"]["AlarmName"]: a["Properties"] for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
    }
    alarm = alarms["aspirasi-kaltim-UploadDeadLettersWaiting"]
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible" and alarm["AlarmActions"]
    (dashboard,) = of_type(resources, "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    assert "Attachments checked" in body and "Uploads queue and dead letters" in body
