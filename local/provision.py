"""Create the resources the app needs in moto, from the same definitions the cloud uses.

Tables come from the PynamoDB models, the state machine from statemachine/complaint.asl.json
with the same substitutions the CDK stack makes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import boto3

from chalicelib.adapters import tables

ROOT = Path(__file__).resolve().parent.parent
ASL_FILE = ROOT / "statemachine" / "complaint.asl.json"
STATE_MACHINE_NAME = "aspirasi-kaltim-complaint"
ACCOUNT_ROLE = "arn:aws:iam::123456789012:role/aspirasi-kaltim-states"


def render_definition(substitutions: dict[str, str]) -> str:
    """The ASL with ``${Name}`` placeholders filled, as CDK's definitionSubstitutions would."""
    text = ASL_FILE.read_text()
    for key, value in substitutions.items():
        text = text.replace("${" + key + "}", value)
    if "${" in text:
        raise ValueError("statemachine definition has an unfilled placeholder")
    return text


@dataclass(frozen=True)
class Resources:
    region: str
    queue_url: str
    queue_arn: str
    dead_letter_url: str
    state_machine_arn: str


# The cloud's queue settings (infra/): a message is visible again after 30 s, dead-lettered after 5 receives.
VISIBILITY_TIMEOUT = 30
MAX_RECEIVE_COUNT = 5
# The local stack receives a message up to 50 times before dead-lettering it: chaos mode (CHAOS_CRASH, failed
# acknowledgements) redelivers far more often than the cloud would, and a normal run must not lose work to the DLQ.
LOCAL_MAX_RECEIVE_COUNT = 50


def local_queue_settings(environ) -> dict[str, int]:
    """The local stack's queue settings: ``SQS_VISIBILITY_TIMEOUT`` (seconds, default 30) and
    ``SQS_MAX_RECEIVE_COUNT`` (default 50); the chaos suite shortens the first to see redeliveries soon."""
    settings = {}
    for name, key, default, least in (
        ("SQS_VISIBILITY_TIMEOUT", "visibility_timeout", VISIBILITY_TIMEOUT, 0),
        ("SQS_MAX_RECEIVE_COUNT", "max_receive_count", LOCAL_MAX_RECEIVE_COUNT, 1),
    ):
        text = (environ.get(name) or str(default)).strip()
        if not text.isdigit() or int(text) < least:
            raise ValueError(f"{name}={text!r} is not a whole number of at least {least}")
        settings[key] = int(text)
    return settings


def _consumer_queue(sqs, queue_name: str, visibility_timeout: int, max_receive_count: int) -> tuple[str, str, str]:
    """A queue with its dead-letter queue: (url, arn, dead-letter url)."""
    dlq_url = sqs.create_queue(QueueName=f"{queue_name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    queue_url = sqs.create_queue(
        QueueName=queue_name,
        Attributes={
            "VisibilityTimeout": str(visibility_timeout),
            "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}),
        },
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return queue_url, queue_arn, dlq_url


def provision(
    region: str,
    queue_name: str,
    sender_domain: str,
    *,
    visibility_timeout: int = VISIBILITY_TIMEOUT,
    max_receive_count: int = MAX_RECEIVE_COUNT,
) -> Resources:
    tables.create_tables()
    sqs = boto3.client("sqs", region_name=region)
    queue_url, queue_arn, dlq_url = _consumer_queue(sqs, queue_name, visibility_timeout, max_receive_count)
    boto3.client("ses", region_name=region).verify_domain_identity(Domain=sender_domain)
    sfn = boto3.client("stepfunctions", region_name=region)
    definition = render_definition({"HandoffQueueUrl": queue_url})
    existing = [m for m in sfn.list_state_machines()["stateMachines"] if m["name"] == STATE_MACHINE_NAME]
    if existing:
        arn = existing[0]["stateMachineArn"]
        sfn.update_state_machine(stateMachineArn=arn, definition=definition)
    else:
        arn = sfn.create_state_machine(
            name=STATE_MACHINE_NAME, definition=definition, roleArn=ACCOUNT_ROLE, type="STANDARD"
        )["stateMachineArn"]
    return Resources(region, queue_url, queue_arn, dlq_url, arn)


@dataclass(frozen=True)
class UploadResources:
    bucket: str
    queue_url: str
    queue_arn: str
    dead_letter_url: str


def provision_uploads(
    region: str,
    bucket: str,
    queue_name: str,
    origins: Iterable[str],
    *,
    visibility_timeout: int = VISIBILITY_TIMEOUT,
    max_receive_count: int = MAX_RECEIVE_COUNT,
) -> UploadResources:
    """The attachments bucket (private, CORS for the page's origins) telling the uploads queue of new objects.

    As in the CDK stack: ObjectCreated under ``attachments/`` -> the queue (with its dead-letter queue).
    moto delivers S3 event notifications to SQS in both server and decorator mode; S3 first sends
    an ``s3:TestEvent``, which the consumer ignores.
    """
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": sorted(set(origins)),
                    "AllowedMethods": ["POST", "GET"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 600,
                }
            ]
        },
    )
    sqs = boto3.client("sqs", region_name=region)
    queue_url, queue_arn, dlq_url = _consumer_queue(sqs, queue_name, visibility_timeout, max_receive_count)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "attachments/"}]}},
                }
            ]
        },
    )
    return UploadResources(bucket, queue_url, queue_arn, dlq_url)


@dataclass(frozen=True)
class QueueResources:
    queue_url: str
    queue_arn: str
    dead_letter_url: str


def provision_whatsapp(
    region: str,
    queue_name: str,
    *,
    visibility_timeout: int = VISIBILITY_TIMEOUT,
    max_receive_count: int = MAX_RECEIVE_COUNT,
) -> QueueResources:
    """The WhatsApp queue (the webhook's POSTs, raw) with its dead-letter queue, as the CDK stack makes it."""
    sqs = boto3.client("sqs", region_name=region)
    return QueueResources(*_consumer_queue(sqs, queue_name, visibility_timeout, max_receive_count))


@dataclass(frozen=True)
class Identity:
    user_pool_id: str
    client_id: str
    staff: dict[str, str]  # email -> password


def provision_cognito(
    region: str, staff_emails: dict[str, str], password_factory, groups: Iterable[str] = ()
) -> Identity:
    """The user pool (email sign-in), its app client, staff groups and seeded staff accounts.

    ``staff_emails`` maps each staff email to its group (``opd-<CODE>`` for an agency team);
    ``groups`` names more groups to create, empty ones too (the cloud pool has every staff group).
    """
    idp = boto3.client("cognito-idp", region_name=region)
    pool_id = idp.create_user_pool(
        PoolName="aspirasi-kaltim",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 8,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        },
        Schema=[{"Name": "name", "AttributeDataType": "String", "Mutable": True, "Required": False}],
    )["UserPool"]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="web",
        GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]["ClientId"]
    for group in sorted(set(staff_emails.values()) | set(groups)):
        idp.create_group(GroupName=group, UserPoolId=pool_id)
    passwords = {}
    for email, group in staff_emails.items():
        password = password_factory()
        idp.admin_create_user(
            UserPoolId=pool_id,
            Username=email,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        )
        idp.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=password, Permanent=True)
        idp.admin_add_user_to_group(UserPoolId=pool_id, Username=email, GroupName=group)
        passwords[email] = password
    return Identity(pool_id, client_id, passwords)
