"""The attachments bucket and its uploads queue: private, encrypted, TLS only, kept for a bounded time.

Citizens' browsers POST files straight into the bucket with presigned POSTs the API signs (so the
API's role may put objects under ``attachments/``); S3 tells the uploads queue of every new object
(an event notification, declared on the bucket itself: no custom-resource Lambda), and the uploads
consumer judges the object from its bytes. What passes is written once under ``accepted/`` (photos
without their metadata) and the upload is deleted: no presigned POST can write under ``accepted/``,
so a checked file cannot be replaced, and only ``accepted/`` is ever downloaded (the API may read
nothing else). Nothing is ever public: downloads are presigned GETs.

The bucket's name is derived (prefix, account, region), not taken from the resource, so the
functions' environment and roles name it without depending on the bucket, whose CORS rule names
the API's origin: otherwise bucket -> API -> function -> bucket would be a cycle.
"""

from __future__ import annotations

from typing import cast

from aws_cdk import Aws, Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from cdk_nag import NagSuppressions
from constructs import Construct

from chalicelib.adapters.metrics import NAMESPACE
from chalicelib.domain.files import RETENTION_DAYS

from .queues import consumer_queue

PREFIX = "attachments/"  # where browsers upload (unchecked): the notification is limited to it
STORED_PREFIX = "accepted/"  # checked files, written by the uploads consumer only; what downloads read
UNCHECKED_DAYS = 14  # an upload the consumer never judged (its event dead-lettered: 14 days) goes then
ACCESS_LOG_DAYS = 365


def bucket_name(prefix: str) -> str:
    # S3 bucket names are global: account and region make ours unique (at most 63 characters).
    if len(prefix) > 22:
        raise ValueError("tablePrefix must be at most 22 characters (it names the attachments bucket)")
    return f"{prefix}-attachments-{Aws.ACCOUNT_ID}-{Aws.REGION}"


def bucket_arn(prefix: str) -> str:
    return f"arn:{Aws.PARTITION}:s3:::{bucket_name(prefix)}"


def objects_arn(prefix: str) -> str:
    """The uploads' keys only: ``attachments/{complaint_id}/{attachment_id}``."""
    return f"{bucket_arn(prefix)}/{PREFIX}*"


def stored_objects_arn(prefix: str) -> str:
    """The checked files' keys only: ``accepted/{complaint_id}/{attachment_id}``."""
    return f"{bucket_arn(prefix)}/{STORED_PREFIX}*"


class Attachments(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, prefix: str, site_origins: list[str]) -> None:
        super().__init__(scope, construct_id)
        self.bucket_name = bucket_name(prefix)

        # -- the uploads queue: S3 -> queue -> the uploads consumer (like the handoff queue) ------------
        self.queue, self.dead_letters = consumer_queue(self, "Uploads", f"{prefix}-uploads")
        self.queue.add_to_resource_policy(
            iam.PolicyStatement(
                sid="S3ObjectCreated",
                principals=[iam.ServicePrincipal("s3.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[self.queue.queue_arn],
                conditions={
                    "ArnEquals": {"aws:SourceArn": bucket_arn(prefix)},
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                },
            )
        )

        # -- who read which citizen's file, and when: S3 server access logs ---------------------------
        self.access_logs = s3.Bucket(
            self,
            "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,  # server access logging supports SSE-S3 only
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="expire-access-logs",
                    expiration=Duration.days(ACCESS_LOG_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.access_logs.add_to_resource_policy(
            iam.PolicyStatement(
                sid="S3ServerAccessLogs",
                principals=[iam.ServicePrincipal("logging.s3.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[self.access_logs.arn_for_objects("attachments-bucket/*")],
                conditions={
                    "ArnLike": {"aws:SourceArn": bucket_arn(prefix)},
                    "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
                },
            )
        )

        # -- the bucket ------------------------------------------------------------------------------
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=self.bucket_name,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,  # no ACLs at all
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # Not versioned: a checked file is written once, under a key no upload can write (so there is
            # nothing to roll back), and a deleted file (refused, or erased with its owner's account) must
            # really be gone, with no older version left behind.
            versioned=False,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="abort-incomplete-uploads", abort_incomplete_multipart_upload_after=Duration.days(1)
                ),
                # The consumer deletes every upload once judged; one it never judged does not stay either.
                s3.LifecycleRule(
                    id="expire-unchecked-uploads", prefix=PREFIX, expiration=Duration.days(UNCHECKED_DAYS)
                ),
                # Attachments are evidence for the case while it is handled and reviewed; UU PDP No. 27/2022
                # asks that personal data (faces, plates, addresses in photos) is not kept longer than its
                # purpose needs. Two years covers the case, its reopening and rating window, complaints about
                # the handling and the yearly SP4N-LAPOR!/Ombudsman reporting and audit; the case record
                # itself (DynamoDB) stays. Change it with the province's records retention schedule (JRA).
                s3.LifecycleRule(
                    id="expire-attachments", prefix=STORED_PREFIX, expiration=Duration.days(RETENTION_DAYS)
                ),
            ],
            cors=[
                s3.CorsRule(
                    allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.GET],
                    allowed_origins=site_origins,
                    allowed_headers=["*"],
                    exposed_headers=["ETag"],
                    max_age=600,
                )
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
        bucket = cast(s3.CfnBucket, self.bucket.node.default_child)
        bucket.logging_configuration = s3.CfnBucket.LoggingConfigurationProperty(
            destination_bucket_name=self.access_logs.bucket_name, log_file_prefix="attachments-bucket/"
        )
        # Declared on the bucket, so no custom-resource Lambda: S3 checks it may send to the queue when
        # the bucket is created, hence the dependency on the queue's policy.
        bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*",
                    queue=self.queue.queue_arn,
                    filter=s3.CfnBucket.NotificationFilterProperty(
                        s3_key=s3.CfnBucket.S3KeyFilterProperty(
                            rules=[s3.CfnBucket.FilterRuleProperty(name="prefix", value=PREFIX)]
                        )
                    ),
                )
            ]
        )
        self.bucket.node.add_dependency(self.queue.node.find_child("Policy"))

        NagSuppressions.add_resource_suppressions(
            self.dead_letters,
            [{"id": "AwsSolutions-SQS3", "reason": "This queue is the uploads queue's dead-letter queue."}],
        )
        NagSuppressions.add_resource_suppressions(
            self.access_logs,
            [
                {
                    "id": "AwsSolutions-S1",
                    "reason": "This bucket receives the attachments bucket's server access logs; "
                    "logging it into itself would loop.",
                }
            ],
        )

    def alarm(self, prefix: str, topic) -> cw.Alarm:
        """Upload events that failed 5 times: attachments stay 'being checked' until redriven."""
        alarm = cw.Alarm(
            self,
            "UploadDeadLettersWaiting",
            alarm_name=f"{prefix}-UploadDeadLettersWaiting",
            metric=self.dead_letters.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            alarm_description="Upload events failed 5 times and wait in the uploads dead-letter queue: attachments "
            "stay unchecked. Runbook: docs/operations.md#uploaddeadletterswaiting",
        )
        alarm.add_alarm_action(cw_actions.SnsAction(topic))
        return alarm

    def widgets(self) -> list[cw.IWidget]:
        def metric(name: str, label: str) -> cw.MathExpression:
            return cw.MathExpression(
                expression=f"SUM(SEARCH('{{{NAMESPACE},{'Reason' if 'Rejected' in name else 'Type'}}} "
                f"MetricName=\"{name}\"', 'Sum', 300))",
                label=label,
                period=Duration.minutes(5),
            )

        return [
            cw.GraphWidget(
                title="Attachments checked",
                width=12,
                left=[metric("AttachmentsAccepted", "accepted"), metric("AttachmentsRejected", "rejected")],
            ),
            cw.GraphWidget(
                title="Uploads queue and dead letters",
                width=12,
                left=[
                    self.queue.metric_approximate_age_of_oldest_message(label="oldest event (s)", statistic="Maximum"),
                    self.dead_letters.metric_approximate_number_of_messages_visible(
                        label="dead letters", statistic="Maximum"
                    ),
                ],
            ),
        ]
