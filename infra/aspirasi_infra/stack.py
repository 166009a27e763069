"""Aspirasi Kaltim on AWS: one stack with everything the local stack runs, secured and observable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from aws_cdk import CfnParameter, CfnResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_stepfunctions as sfn
from cdk_nag import NagSuppressions
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.adapters.tables import (
    ApiKeyModel,
    ApiOrganisationModel,
    AttachmentModel,
    AuditModel,
    CaseRouteModel,
    ComplaintModel,
    EmailModel,
    LinkModel,
    RateCounterModel,
    ReplyTemplateModel,
    ReportModel,
    RevocationModel,
    TrackingNumberModel,
    WhatsAppModel,
    WorkItemModel,
)
from chalicelib.domain.roles import all_groups
from chalicelib.rendering import render_email
from chalicelib.service.members import TEMPORARY_PASSWORD_DAYS, invitation_context

from . import delivery
from .attachments import Attachments, bucket_arn, bucket_name, objects_arn, stored_objects_arn
from .observability import Observability
from .queues import consumer_queue, dead_letter_queue
from .tables import tables
from .waf import DEFAULT_RATE_LIMIT, ApiFirewall, stage_arn

ROOT = Path(__file__).resolve().parents[2]
ASL_FILE = ROOT / "statemachine" / "complaint.asl.json"
RETENTION = logs.RetentionDays.THREE_MONTHS
API_STAGE = "api"
# A handoff message is received this many times before it goes to the dead-letter queue. A failed
# one comes back after a backoff that doubles (service/delivery.retry_delay: 2 s, 4 s, ... at most
# 300 s), so thirteen receptions give a real error about 28 minutes (2+4+...+256+4x300 s) of retries; a
# throttled one comes back within 10 s for its first 10 tries, then backs off too (about 11 minutes in
# all); a crash without that backoff waits the queue's visibility timeout (6 minutes) each time.
HANDOFF_MAX_RECEIVES = 13
# A WhatsApp webhook POST is tried this often (the same backoff: about 28 minutes) before its dead letters.
WHATSAPP_MAX_RECEIVES = 13
# The WhatsApp webhook's own API Gateway throttle: Meta posts what citizens send and the statuses of ours (a
# few a second at provincial scale); Meta retries what is refused, so a flood waits instead of crowding the API.
WHATSAPP_WEBHOOK_RATE = 25
WHATSAPP_WEBHOOK_BURST = 50
WHATSAPP_WEBHOOK_PATH = "/channels/whatsapp/webhook"
# Meta's Graph API (the version the adapter was written against); -c whatsappApiUrl=... to move on.
WHATSAPP_API_URL = "https://graph.facebook.com/v21.0"

# The only IAM actions this stack grants on "*", and why AWS requires it.
WILDCARD_ACTIONS = {
    "xray:PutTraceSegments": "X-Ray trace APIs have no resource-level permissions.",
    "xray:PutTelemetryRecords": "X-Ray trace APIs have no resource-level permissions.",
    "xray:GetSamplingRules": "X-Ray sampling APIs have no resource-level permissions.",
    "xray:GetSamplingTargets": "X-Ray sampling APIs have no resource-level permissions.",
    "logs:CreateLogDelivery": "Step Functions log delivery APIs do not support resource-level permissions.",
    "logs:GetLogDelivery": "Step Functions log delivery APIs do not support resource-level permissions.",
    "logs:UpdateLogDelivery": "Step Functions log delivery APIs do not support resource-level permissions.",
    "logs:DeleteLogDelivery": "Step Functions log delivery APIs do not support resource-level permissions.",
    "logs:ListLogDeliveries": "Step Functions log delivery APIs do not support resource-level permissions.",
    "logs:PutResourcePolicy": "Step Functions log delivery APIs do not support resource-level permissions.",
    "logs:DescribeResourcePolicies": "Step Functions log delivery APIs do not support resource-level permissions.",
    "logs:DescribeLogGroups": "Step Functions log delivery APIs do not support resource-level permissions.",
    "states:SendTaskSuccess": "Task-token callbacks have no resource type in IAM (the token names the task); "
    "a policy naming the state machine is denied.",
}

# What each function does to each table (TransactWriteItems is authorised per contained action).
API_TABLE_ACTIONS = {
    # DeleteItem: a complaint whose execution could not start is taken back (service/complaints.py).
    # BatchGetItem (and on tracking numbers): Open311's search by service_request_id (adapters/open311_store.py).
    ComplaintModel: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
    ],
    TrackingNumberModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchGetItem"],
    WorkItemModel: ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"],
    LinkModel: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    # Query: the staff console reads a case's trail; Update: a closed account's address erased from email notes.
    AuditModel: ["dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
    # Personal data (service/privacy.py): a closed account's address erased from the email outbox records.
    EmailModel: ["dynamodb:Query", "dynamodb:UpdateItem"],
    # Put: a slot reserved; Update: a never-used slot given back; Query: a case's attachments (service/attachments.py).
    AttachmentModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
    # Update: the report's counters move with submissions, decisions, ratings, reopenings; Query: the report.
    ReportModel: ["dynamodb:UpdateItem", "dynamodb:Query"],
    # Open311 clients' keys (service/api_keys.py): issued (Put, reserving the organisation), checked (Get),
    # last use noted and revoked (Update, freeing the organisation: Delete), listed (Query); and each key's
    # requests counted per minute (an atomic conditional Update).
    ApiKeyModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
    ApiOrganisationModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
    RateCounterModel: ["dynamodb:UpdateItem"],
    # A closed account's or disabled member's tokens (service/access.py): revoked (Put), read on citizen
    # routes (Get), checked inside a submission's transaction (ConditionCheckItem).
    RevocationModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:ConditionCheckItem"],
    # The agencies' case lists (service/case_list.py): a route written with the decision (Put), listed (Query).
    CaseRouteModel: ["dynamodb:PutItem", "dynamodb:Query"],
    # Reply templates (service/reply_templates.py): listed (Query), read (Get), written (Put), deleted.
    ReplyTemplateModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"],
}
# The WhatsApp channel's table (adapters/whatsapp_store.py): the staff console reads a case's thread (Query).
API_TABLE_ACTIONS[WhatsAppModel] = ["dynamodb:Query"]
# The WhatsApp consumer (app.on_whatsapp, service/whatsapp.py): a citizen's message makes, checks, answers or
# rates a complaint through the same use cases as the API (its complaint, tracking number, audit entry, report
# counters and rate counter; photos as attachments), and keeps the conversation, the message ids handled and
# the case's thread (TransactWriteItems: Put, Update, Delete; statuses: Update).
WHATSAPP_TABLE_ACTIONS = {
    ComplaintModel: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    ],
    TrackingNumberModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
    WorkItemModel: ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:Query"],
    AuditModel: ["dynamodb:PutItem", "dynamodb:Query"],
    ReportModel: ["dynamodb:UpdateItem"],
    RateCounterModel: ["dynamodb:UpdateItem"],
    AttachmentModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query"],
    WhatsAppModel: [
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
    ],
}
UPLOAD_MEMORY_MB = 1024
# The uploads consumer judges what landed: the attachment settles, a rejected one frees its slot.
UPLOAD_TABLE_ACTIONS = {
    # Get and ConditionCheck: nothing is added to a case that has closed since its upload form was issued.
    ComplaintModel: ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:ConditionCheckItem"],
    AttachmentModel: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    AuditModel: ["dynamodb:PutItem"],
}
HANDOFF_TABLE_ACTIONS = {
    ComplaintModel: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
    WorkItemModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    LinkModel: ["dynamodb:PutItem"],
    AuditModel: ["dynamodb:PutItem"],
    ReportModel: ["dynamodb:UpdateItem"],  # answers, closings, reminders and escalations counted
    # Each email once (service/workflow/outbox.py send_once): claimed with a lease and marked sent or refused
    # (Update, also inside the transaction with its audit note), read back (Get), written whole (Put).
    EmailModel: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    # A case's news to a WhatsApp citizen (service/workflow/outbox.py): the 24-hour window read (Get), the
    # message put in the case's thread with its status pointer (Put), the question's or rating's wait (Put).
    WhatsAppModel: ["dynamodb:GetItem", "dynamodb:PutItem"],
}
# The monthly report email (service/monthly_report.py): the report reads the month's counters (Query) and
# the queues' overdue visits (Query on the work items' queue index; GetItem: the receipt time of a visit
# opened before work items carried it), then claims the month's email once (Put) or, when SES fails,
# releases the claim (Delete), or marks it sent (Update).
MONTHLY_REPORT_TABLE_ACTIONS = {
    ReportModel: ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"],
    WorkItemModel: ["dynamodb:Query"],
    ComplaintModel: ["dynamodb:GetItem"],
}
# What admins do to staff accounts (service/members.py, adapters/cognito.py CognitoDirectory), on the pool only.
API_COGNITO_ACTIONS = [
    "cognito-idp:ListUsersInGroup",
    "cognito-idp:AdminGetUser",
    "cognito-idp:AdminListGroupsForUser",
    "cognito-idp:AdminCreateUser",
    "cognito-idp:AdminAddUserToGroup",
    "cognito-idp:AdminDisableUser",
    "cognito-idp:AdminEnableUser",
    "cognito-idp:AdminUserGlobalSignOut",
    # a citizen's own account (service/privacy.py): correct name and phone, close it
    "cognito-idp:AdminUpdateUserAttributes",
    "cognito-idp:AdminDeleteUserAttributes",
    "cognito-idp:AdminDeleteUser",
]
ACCESS_LOG_FORMAT = (
    # resourcePath is the route template (/actions/{link_token}): the link token itself is never logged.
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime",'
    '"method":"$context.httpMethod","route":"$context.resourcePath","status":"$context.status",'
    '"bytes":"$context.responseLength","latencyMs":"$context.responseLatency",'
    '"integrationLatencyMs":"$context.integrationLatency","error":"$context.error.message"}'
)


def _mailboxes(value) -> dict[str, str]:
    """The ``mailboxes`` context: a JSON object (or its text) of MAILBOX_* variables."""
    if not value:
        return {}
    mailboxes = json.loads(value) if isinstance(value, str) else dict(value)
    unknown = [k for k in mailboxes if not k.startswith("MAILBOX_")]
    if unknown:
        raise ValueError(f"the mailboxes context only takes MAILBOX_* variables, not {unknown}")
    return {k: str(v) for k, v in mailboxes.items()}


class AspirasiStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        context = self.node.try_get_context
        prefix = context("tablePrefix") or "aspirasi-kaltim"
        sender_domain = context("senderDomain") or "aspirasi.kaltimprov.go.id"
        ops_email = CfnParameter(
            self,
            "OpsEmail",
            type="String",
            allowed_pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
            description="Email address that receives the ops alarms.",
        )

        self.tables = tables(self, prefix)

        # -- the handoff queue ------------------------------------------------------------
        self.queue, dead_letters = consumer_queue(
            self, "Handoff", f"{prefix}-handoff", max_receive_count=HANDOFF_MAX_RECEIVES
        )
        self.dead_letters = dead_letters

        # -- the WhatsApp channel: the webhook's queue, the Cloud API's secrets, the phone number ------------
        self.whatsapp_queue, self.whatsapp_dead_letters = consumer_queue(
            self, "WhatsAppQueue", f"{prefix}-whatsapp", max_receive_count=WHATSAPP_MAX_RECEIVES
        )
        # The operator puts Meta's access token and app secret in it (docs/operations.md#whatsapp); the stack
        # only creates it, with a random verify token, so no token is ever in the template.
        self.whatsapp_secret = secretsmanager.Secret(
            self,
            "WhatsAppSecret",
            secret_name=f"{prefix}/whatsapp",
            description="WhatsApp Cloud API: access_token, app_secret (Meta's) and verify_token (the webhook's).",
            generate_secret_string=secretsmanager.SecretStringGenerator(
                secret_string_template=json.dumps({"access_token": "", "app_secret": ""}),
                generate_string_key="verify_token",
                exclude_punctuation=True,
                password_length=40,
            ),
            removal_policy=RemovalPolicy.RETAIN,
        )
        whatsapp_phone_number_id = CfnParameter(
            self,
            "WhatsAppPhoneNumberId",
            type="String",
            default="",
            allowed_pattern=r"^[0-9]*$",
            description="The WhatsApp Cloud API phone number id (Meta's App Dashboard); empty: the channel is off.",
        )

        # -- the state machine, from the same file the local stack uses -------------------
        machine_logs = logs.LogGroup(self, "StateMachineLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN)
        machine_role = iam.Role(
            self,
            "StateMachineRole",
            assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
            description="Complaint state machine: send to the handoff queue, log, trace.",
        )
        machine_role.add_to_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.queue.queue_arn]))
        self.state_machine = sfn.StateMachine(
            self,
            "ComplaintStateMachine",
            state_machine_name=f"{prefix}-complaint",
            definition_body=sfn.DefinitionBody.from_string(ASL_FILE.read_text()),
            definition_substitutions={"HandoffQueueUrl": self.queue.queue_url},
            role=machine_role,
            tracing_enabled=True,
            state_machine_type=sfn.StateMachineType.STANDARD,
            # Execution data would put task tokens in the logs: keep it out.
            logs=sfn.LogOptions(destination=machine_logs, level=sfn.LogLevel.ALL, include_execution_data=False),
        )

        # -- email and identities ----------------------------------------------------------
        configuration_set = ses.ConfigurationSet(
            self,
            "MailConfiguration",
            configuration_set_name=f"{prefix}-mail",
            reputation_metrics=True,
            sending_enabled=True,
        )
        ses.EmailIdentity(
            self, "SenderDomain", identity=ses.Identity.domain(sender_domain), configuration_set=configuration_set
        )
        self.user_pool = cognito.UserPool(
            self,
            "Users",
            user_pool_name=f"{prefix}-users",
            sign_in_aliases=cognito.SignInAliases(email=True),
            self_sign_up_enabled=True,
            auto_verify=cognito.AutoVerifiedAttrs(email=True),
            # A new address counts only once verified: the audit names staff by their email.
            keep_original=cognito.KeepOriginalAttrs(email=True),
            standard_attributes=cognito.StandardAttributes(
                fullname=cognito.StandardAttribute(required=False, mutable=True),
                phone_number=cognito.StandardAttribute(required=False, mutable=True),
            ),
            password_policy=cognito.PasswordPolicy(
                min_length=8,
                require_lowercase=True,
                require_uppercase=True,
                require_digits=True,
                require_symbols=False,
                temp_password_validity=Duration.days(TEMPORARY_PASSWORD_DAYS),
            ),
            user_invitation=self._invitation(context("publicBaseUrl")),
            account_recovery=cognito.AccountRecovery.EMAIL_ONLY,
            mfa=cognito.Mfa.OPTIONAL,
            mfa_second_factor=cognito.MfaSecondFactor(otp=True, sms=False),
            deletion_protection=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.client = self.user_pool.add_client(
            "Web",
            auth_flows=cognito.AuthFlow(user_password=True),
            generate_secret=False,
            prevent_user_existence_errors=True,
            id_token_validity=Duration.hours(1),
            access_token_validity=Duration.hours(1),
            refresh_token_validity=Duration.days(30),
        )
        for group in all_groups():
            cognito.CfnUserPoolGroup(
                self,
                f"Group-{group}",
                user_pool_id=self.user_pool.user_pool_id,
                group_name=group,
                description=f"Aspirasi Kaltim staff: {group}",
            )

        # -- the functions' roles: least privilege, one per function -----------------------
        api_logs = logs.LogGroup(self, "ApiFunctionLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN)
        handoff_logs = logs.LogGroup(
            self, "HandoffFunctionLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN
        )
        api_role = self._function_role(
            "ApiFunctionRole", api_logs, API_TABLE_ACTIONS, "HTTP API: citizens' complaints and staff decisions."
        )
        api_role.add_to_policy(
            iam.PolicyStatement(actions=["states:StartExecution"], resources=[self.state_machine.state_machine_arn])
        )
        api_role.add_to_policy(
            iam.PolicyStatement(actions=API_COGNITO_ACTIONS, resources=[self.user_pool.user_pool_arn])
        )
        handoff_role = self._function_role(
            "HandoffFunctionRole", handoff_logs, HANDOFF_TABLE_ACTIONS, "SQS consumer: the state machine's messages."
        )
        handoff_role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:ChangeMessageVisibility",
                ],
                resources=[self.queue.queue_arn],
            )
        )

        def send_email() -> iam.PolicyStatement:
            return iam.PolicyStatement(
                actions=["ses:SendRawEmail"],
                resources=[
                    self.format_arn(service="ses", resource="identity", resource_name=sender_domain),
                    self.format_arn(
                        service="ses",
                        resource="configuration-set",
                        resource_name=configuration_set.configuration_set_name,
                    ),
                ],
            )

        handoff_role.add_to_policy(send_email())
        # The secret: the API checks the webhook's signature and verify token; the handoff consumer tells a
        # WhatsApp citizen their case's news (service/workflow/outbox.py); the WhatsApp consumer answers.
        whatsapp_logs = logs.LogGroup(
            self, "WhatsAppFunctionLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN
        )
        whatsapp_role = self._function_role(
            "WhatsAppFunctionRole",
            whatsapp_logs,
            WHATSAPP_TABLE_ACTIONS,
            "SQS consumer: citizens' WhatsApp messages and the statuses of ours.",
        )
        for role in (api_role, handoff_role, whatsapp_role):
            role.add_to_policy(
                iam.PolicyStatement(
                    actions=["secretsmanager:GetSecretValue"], resources=[self.whatsapp_secret.secret_arn]
                )
            )
        api_role.add_to_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.whatsapp_queue.queue_arn])
        )
        whatsapp_role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:ChangeMessageVisibility",
                ],
                resources=[self.whatsapp_queue.queue_arn],
            )
        )
        # A WhatsApp complaint starts its execution as the API's do. Its photos are put where a browser's upload
        # lands (attachments/*), and the uploads consumer checks them and keeps the clean copy (accepted/*).
        whatsapp_role.add_to_policy(
            iam.PolicyStatement(actions=["states:StartExecution"], resources=[self.state_machine.state_machine_arn])
        )
        whatsapp_role.add_to_policy(iam.PolicyStatement(actions=["s3:PutObject"], resources=[objects_arn(prefix)]))
        # The API emails the owner of an address someone tried to register again (service/accounts.py).
        api_role.add_to_policy(send_email())
        # The tables' stream consumer (app.py on_change, infra/aspirasi_infra/delivery.py): reads the two
        # streams, the item behind a record, answers the task; what it gives up goes to its dead letters.
        self.change_dead_letters = dead_letter_queue(self, "ChangeDeadLetters", f"{prefix}-changes-dlq")
        change_logs = logs.LogGroup(
            self, "ChangeFunctionLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN
        )
        change_role = self._function_role(
            "ChangeFunctionRole",
            change_logs,
            delivery.TABLE_ACTIONS,
            "DynamoDB streams: decisions, answers, reopenings to the state machine.",
        )
        change_role.add_to_policy(
            iam.PolicyStatement(
                actions=delivery.STREAM_ACTIONS,
                resources=[self.tables[model].table_stream_arn for model in delivery.FILTERS],
            )
        )
        change_role.add_to_policy(
            iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[self.change_dead_letters.queue_arn])
        )
        # System steps and the streams' hand-overs answer the state machine; the API only writes decisions.
        for role in (handoff_role, change_role):
            role.add_to_policy(iam.PolicyStatement(actions=["states:SendTaskSuccess"], resources=["*"]))
        # Attachments (infra/aspirasi_infra/attachments.py): the API signs the browser's presigned POST
        # (PutObject, uploads only) and the short-lived downloads (GetObject, checked files only); the uploads
        # consumer reads the upload, writes the checked file once (and reads it back when it was written
        # already), deletes the upload, and may list the bucket so a missing object answers 404, not 403.
        # DeleteObject: a citizen who closes their account has their files deleted (service/privacy.py).
        api_role.add_to_policy(iam.PolicyStatement(actions=["s3:PutObject"], resources=[objects_arn(prefix)]))
        api_role.add_to_policy(iam.PolicyStatement(actions=["s3:GetObject"], resources=[stored_objects_arn(prefix)]))
        api_role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:DeleteObject"], resources=[objects_arn(prefix), stored_objects_arn(prefix)]
            )
        )
        upload_logs = logs.LogGroup(
            self, "UploadFunctionLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN
        )
        upload_role = self._function_role(
            "UploadFunctionRole", upload_logs, UPLOAD_TABLE_ACTIONS, "SQS consumer: S3 events of uploaded attachments."
        )
        upload_role.add_to_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject", "s3:DeleteObject"], resources=[objects_arn(prefix), stored_objects_arn(prefix)]
            )
        )
        upload_role.add_to_policy(iam.PolicyStatement(actions=["s3:PutObject"], resources=[stored_objects_arn(prefix)]))
        upload_role.add_to_policy(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[bucket_arn(prefix)]))
        # The monthly report email (app.py monthly_report): reads the report, claims the month, sends one email.
        report_logs = logs.LogGroup(
            self, "MonthlyReportFunctionLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN
        )
        report_role = self._function_role(
            "MonthlyReportFunctionRole",
            report_logs,
            MONTHLY_REPORT_TABLE_ACTIONS,
            "Schedule: last month's SLA report emailed to the supervisor.",
        )
        report_role.add_to_policy(send_email())

        # -- the Chalice app ---------------------------------------------------------------
        environment = {
            "TABLE_PREFIX": prefix,
            "STATE_MACHINE_ARN": self.state_machine.state_machine_arn,
            "COGNITO_USER_POOL_ID": self.user_pool.user_pool_id,
            "COGNITO_CLIENT_ID": self.client.user_pool_client_id,
            "EMAIL_FROM": f"Aspirasi Kaltim <noreply@{sender_domain}>",
            "SES_CONFIGURATION_SET": configuration_set.configuration_set_name,
            "MAIL_DOMAIN": sender_domain,
            "SLA_CALENDAR": context("slaCalendar") or "office",
            "CUTI_BERSAMA": context("cutiBersama") or "",
            "POWERTOOLS_SERVICE_NAME": "aspirasi-kaltim",
            "POWERTOOLS_METRICS_NAMESPACE": "AspirasiKaltim",
            "ATTACHMENTS_BUCKET": bucket_name(prefix),
            "UPLOADS_QUEUE_NAME": f"{prefix}-uploads",
            # Open311 clients' requests a minute per API key (docs/open311.md), e.g. -c open311RateLimitPerMinute=120.
            "OPEN311_RATE_LIMIT_PER_MINUTE": str(context("open311RateLimitPerMinute") or 60),
            # Complaints a citizen account may submit an hour (README "Limits"), e.g. -c submissionLimitPerHour=20.
            "SUBMISSION_LIMIT_PER_HOUR": str(context("submissionLimitPerHour") or 10),
            # Team mailboxes, e.g. -c mailboxes='{"MAILBOX_OPD_DINKES": "aspirasi@dinkes.kaltimprov.go.id"}'.
            **_mailboxes(context("mailboxes")),
            # The WhatsApp channel (docs/operations.md#whatsapp): off while the phone number id is empty.
            "WHATSAPP_PHONE_NUMBER_ID": whatsapp_phone_number_id.value_as_string,
            "WHATSAPP_SECRET_ARN": self.whatsapp_secret.secret_arn,
            "WHATSAPP_API_URL": context("whatsappApiUrl") or WHATSAPP_API_URL,
            "WHATSAPP_QUEUE_NAME": f"{prefix}-whatsapp",
        }
        self.chalice = Chalice(
            self,
            "App",
            source_dir=str(ROOT),
            stage_config={
                "api_gateway_stage": API_STAGE,
                "manage_iam_role": False,
                "iam_role_arn": api_role.role_arn,
                "xray": True,
                "lambda_memory_size": 512,
                "lambda_timeout": 30,
                "environment_variables": environment,
            },
        )
        api_function = self.chalice.get_resource("APIHandler")
        api_function.add_property_override("LoggingConfig", {"LogGroup": api_logs.log_group_name, "LogFormat": "JSON"})
        handoff = self.chalice.get_resource("OnHandoff")
        handoff.add_property_override("Role", handoff_role.role_arn)
        handoff.add_property_override("Timeout", 60)
        handoff.add_property_override("LoggingConfig", {"LogGroup": handoff_logs.log_group_name, "LogFormat": "JSON"})
        event = "Events.OnHandoffSqsEventSource.Properties"
        handoff.add_property_override(f"{event}.Queue", self.queue.queue_arn)
        handoff.add_property_override(f"{event}.FunctionResponseTypes", ["ReportBatchItemFailures"])
        # The webhook sends to the WhatsApp queue by its URL (no GetQueueUrl call, nor its permission).
        self.chalice.add_environment_variable("WHATSAPP_QUEUE_URL", self.whatsapp_queue.queue_url, "APIHandler")
        on_whatsapp = self.chalice.get_resource("OnWhatsapp")
        on_whatsapp.add_property_override("Role", whatsapp_role.role_arn)
        on_whatsapp.add_property_override("Timeout", 60)
        # A citizen's photo is checked and stored without its metadata, as the uploads consumer does.
        on_whatsapp.add_property_override("MemorySize", UPLOAD_MEMORY_MB)
        on_whatsapp.add_property_override(
            "LoggingConfig", {"LogGroup": whatsapp_logs.log_group_name, "LogFormat": "JSON"}
        )
        whatsapp_event = "Events.OnWhatsappSqsEventSource.Properties"
        on_whatsapp.add_property_override(f"{whatsapp_event}.Queue", self.whatsapp_queue.queue_arn)
        on_whatsapp.add_property_override(f"{whatsapp_event}.FunctionResponseTypes", ["ReportBatchItemFailures"])
        rest_api = self.chalice.get_resource("RestAPI")
        self.api_url = f"https://{rest_api.ref}.execute-api.{self.region}.{self.url_suffix}/api"
        # The bucket for attachments; its CORS lets the citizen page (the API's origin, or the public site's)
        # post files to it. Its queue feeds the uploads consumer, like the handoff consumer.
        site_origins = [f"https://{rest_api.ref}.execute-api.{self.region}.{self.url_suffix}"]
        if context("publicBaseUrl"):
            public = urlsplit(context("publicBaseUrl"))
            site_origins.append(f"{public.scheme}://{public.netloc}")
        self.attachments = Attachments(self, "Attachments", prefix=prefix, site_origins=site_origins)
        upload = self.chalice.get_resource("OnUpload")
        upload.add_property_override("Role", upload_role.role_arn)
        upload.add_property_override("Timeout", 60)
        # A photo is decoded to be stored without its metadata: a 50-megapixel one taken sideways needs
        # about 400 MB while it is turned upright (domain/images.py MAX_PIXELS); 1 GB also brings more CPU.
        upload.add_property_override("MemorySize", UPLOAD_MEMORY_MB)
        upload.add_property_override("LoggingConfig", {"LogGroup": upload_logs.log_group_name, "LogFormat": "JSON"})
        upload_event = "Events.OnUploadSqsEventSource.Properties"
        upload.add_property_override(f"{upload_event}.Queue", self.attachments.queue.queue_arn)
        upload.add_property_override(f"{upload_event}.FunctionResponseTypes", ["ReportBatchItemFailures"])
        upload_role.add_to_policy(
            iam.PolicyStatement(
                actions=[
                    "sqs:ReceiveMessage",
                    "sqs:DeleteMessage",
                    "sqs:GetQueueAttributes",
                    "sqs:ChangeMessageVisibility",
                ],
                resources=[self.attachments.queue.queue_arn],
            )
        )
        self.chalice.add_environment_variable("PUBLIC_BASE_URL", context("publicBaseUrl") or self.api_url, "OnHandoff")
        # The monthly report email: a Chalice schedule (cron, 08:00 WITA on days 1-10), its own role and logs.
        monthly_report = self.chalice.get_resource("MonthlyReport")
        monthly_report.add_property_override("Role", report_role.role_arn)
        monthly_report.add_property_override("Timeout", 120)
        monthly_report.add_property_override(
            "LoggingConfig", {"LogGroup": report_logs.log_group_name, "LogFormat": "JSON"}
        )
        self.chalice.add_environment_variable(
            "PUBLIC_BASE_URL", context("publicBaseUrl") or self.api_url, "MonthlyReport"
        )  # the email links to the staff console
        # The tables' streams to on_change: durable decisions handed to the state machine (delivery.py).
        on_change = self.chalice.get_resource(delivery.FUNCTION)
        on_change.add_property_override("Role", change_role.role_arn)
        on_change.add_property_override("Timeout", 60)
        on_change.add_property_override("LoggingConfig", {"LogGroup": change_logs.log_group_name, "LogFormat": "JSON"})
        self.change_mappings = delivery.change_mappings(
            self, function_name=on_change.ref, tables=self.tables, dead_letters_arn=self.change_dead_letters.queue_arn
        )
        for mapping in self.change_mappings.values():  # Lambda checks the role's access when it creates a mapping
            mapping.node.add_dependency(change_role)

        # Cognito's pre sign-up trigger (app.pre_signup): an account made at Cognito's own SignUp API, skipping
        # POST /auth/register, obeys the same field rules. The pool names the function and the function must
        # not name the pool (a cycle): its own role touches no table or pool, and it has no environment.
        signup_logs = logs.LogGroup(
            self, "PreSignupFunctionLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN
        )
        signup_role = self._function_role(
            "PreSignupFunctionRole",
            signup_logs,
            {},
            "Cognito trigger: a self sign-up obeys the registration's field rules.",
        )
        pre_signup = self.chalice.get_resource("PreSignup")
        pre_signup.add_property_override("Role", signup_role.role_arn)
        pre_signup.add_property_override("Timeout", 5)
        pre_signup.add_property_deletion_override("Environment")  # it needs none of the app's settings
        pre_signup.add_property_override("LoggingConfig", {"LogGroup": signup_logs.log_group_name, "LogFormat": "JSON"})
        cast(CfnResource, self.user_pool.node.default_child).add_property_override(
            "LambdaConfig.PreSignUp", pre_signup.get_att("Arn")
        )
        lambda_.CfnPermission(
            self,
            "PreSignupInvokedByCognito",
            action="lambda:InvokeFunction",
            function_name=pre_signup.get_att("Arn").to_string(),
            principal="cognito-idp.amazonaws.com",
            source_arn=self.user_pool.user_pool_arn,
            source_account=self.account,
        )

        # -- API Gateway: throttling, access logs without link tokens, tracing ---------------
        access_logs = logs.LogGroup(self, "ApiAccessLogs", retention=RETENTION, removal_policy=RemovalPolicy.RETAIN)
        # No X-Ray on the API stage: its segments record the request URL, and action links carry a token.
        rest_api.add_property_override("TracingEnabled", False)
        rest_api.add_property_override(
            "MethodSettings",
            [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": 50,
                    "ThrottlingBurstLimit": 100,
                    "MetricsEnabled": True,
                    "LoggingLevel": "ERROR",
                    "DataTraceEnabled": False,
                },
                {
                    # MethodSettings write the path's slashes as "~1" after a leading "/" (/~1a~1b is /a/b).
                    "ResourcePath": "/" + WHATSAPP_WEBHOOK_PATH.replace("/", "~1"),
                    "HttpMethod": "POST",
                    "ThrottlingRateLimit": WHATSAPP_WEBHOOK_RATE,
                    "ThrottlingBurstLimit": WHATSAPP_WEBHOOK_BURST,
                    "MetricsEnabled": True,
                    "LoggingLevel": "ERROR",
                    "DataTraceEnabled": False,
                },
            ],
        )
        rest_api.add_property_override(
            "AccessLogSetting", {"DestinationArn": access_logs.log_group_arn, "Format": ACCESS_LOG_FORMAT}
        )
        # AWS WAF in front of the stage (waf.py; docs/operations.md#waf). SAM resolves RestAPI.Stage to the
        # stage it creates, so the association waits for it.
        self.firewall = ApiFirewall(
            self,
            "Firewall",
            prefix=prefix,
            retention=RETENTION,
            stage=stage_arn("${RestAPI}", "${RestAPI.Stage}"),
            rate_limit=int(context("wafRateLimit") or DEFAULT_RATE_LIMIT),
        )
        # API Gateway writes to CloudWatch Logs through one account-wide role.
        gateway_logging = iam.Role(
            self,
            "ApiGatewayLoggingRole",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonAPIGatewayPushToCloudWatchLogs")
            ],
        )
        account = apigateway.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=gateway_logging.role_arn)
        rest_api.node.add_dependency(account)

        # -- alarms and the ops dashboard ----------------------------------------------------
        key = kms.Key(
            self,
            "AlarmTopicKey",
            enable_key_rotation=True,
            description="Encrypts the ops alarm topic; CloudWatch may use it to publish.",
        )
        key.grant(iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*")
        self.alarm_topic = sns.Topic(
            self, "OpsAlarms", topic_name=f"{prefix}-ops-alarms", master_key=key, enforce_ssl=True
        )
        self.alarm_topic.add_subscription(subscriptions.EmailSubscription(ops_email.value_as_string))
        ops = Observability(
            self,
            "Ops",
            prefix=prefix,
            state_machine=self.state_machine,
            dead_letters=dead_letters,
            functions={
                "API": api_function.ref,
                "Handoff": handoff.ref,
                "Upload": upload.ref,
                "MonthlyReport": monthly_report.ref,
                "Change": on_change.ref,
                "WhatsApp": on_whatsapp.ref,
            },
            api_name="aspirasi-kaltim",
            topic=self.alarm_topic,
            change_function=on_change.ref,
            change_dead_letters=self.change_dead_letters,
            firewall=self.firewall.name,
            whatsapp_dead_letters=self.whatsapp_dead_letters,
        )
        self.attachments.alarm(prefix, self.alarm_topic)
        ops.dashboard.add_widgets(*self.attachments.widgets())
        self._suppress(
            gateway_logging,
            machine_role,
            api_role,
            handoff_role,
            upload_role,
            report_role,
            change_role,
            signup_role,
            whatsapp_role,
        )

    @staticmethod
    def _invitation(public_base_url: str | None) -> cognito.UserInvitationConfig:
        """Cognito's staff invitation: our ``staff_invitation`` email, with Cognito's placeholders.

        The console address is known only from the ``publicBaseUrl`` context (the API's own URL would make
        the pool depend on the API, whose function needs the pool).
        """
        console = f"{public_base_url.rstrip('/')}/staff" if public_base_url else ""  # "": the email says where
        email = render_email("staff_invitation", invitation_context(console, None, "{####}", "{username}"))
        return cognito.UserInvitationConfig(email_subject=email.subject, email_body=email.html)

    def _function_role(self, name: str, log_group: logs.LogGroup, table_actions: dict, description: str) -> iam.Role:
        role = iam.Role(self, name, assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"), description=description)
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"])
        )
        for model, actions in table_actions.items():
            table = self.tables[model]
            resources = [table.table_arn]
            if "dynamodb:Query" in actions and model._get_schema()["global_secondary_indexes"]:
                resources.append(f"{table.table_arn}/index/*")
            role.add_to_policy(iam.PolicyStatement(actions=actions, resources=resources))
        return role

    def _suppress(self, gateway_logging, *roles) -> None:
        """Every cdk-nag finding we accept, each with its reason."""
        for role in roles:
            NagSuppressions.add_resource_suppressions(
                role,
                [
                    {
                        "id": "AwsSolutions-IAM5",
                        "reason": "Only X-Ray, Step Functions log-delivery and task-token "
                        "callback actions use '*' (none has a resource type in IAM; see WILDCARD_ACTIONS); DynamoDB "
                        "'/index/*' covers the table's own indexes for Query; S3 'attachments/*' (uploads) and "
                        "'accepted/*' (checked files) are the attachments' key prefixes (one object per attachment, "
                        "keys made by the app).",
                    }
                ],
                apply_to_children=True,
            )
        NagSuppressions.add_resource_suppressions(
            gateway_logging,
            [
                {
                    "id": "AwsSolutions-IAM4",
                    "reason": "AmazonAPIGatewayPushToCloudWatchLogs is the AWS-documented "
                    "policy for API Gateway's account-wide logging role.",
                }
            ],
        )
        NagSuppressions.add_resource_suppressions(
            self.user_pool,
            [
                {
                    "id": "AwsSolutions-COG1",
                    "reason": "Passwords need 8+ characters with upper case, lower case and a "
                    "digit; a mandatory symbol adds friction for citizens on phones with little security gain "
                    "(NIST SP 800-63B advises against composition rules).",
                },
                {
                    "id": "AwsSolutions-COG2",
                    "reason": "Citizens must be able to file a complaint without a second "
                    "factor; MFA is optional and offered (TOTP).",
                },
                {
                    "id": "AwsSolutions-COG3",
                    "reason": "Threat protection (advanced security) is a paid plan; enable "
                    "it per deployment when the budget allows.",
                },
                {
                    "id": "AwsSolutions-COG8",
                    "reason": "The Plus feature plan (threat protection) is a paid plan; the "
                    "Essentials plan is enough for email sign-in at provincial scale. Revisit with the budget.",
                },
            ],
        )
        NagSuppressions.add_resource_suppressions(
            self.whatsapp_secret,
            [
                {
                    "id": "AwsSolutions-SMG4",
                    "reason": "Meta issues the access token and app secret; they are rotated at Meta and put in "
                    "the secret by the operator (docs/operations.md#whatsapp), not by a rotation Lambda.",
                }
            ],
        )
        for dead_letters in (self.dead_letters, self.change_dead_letters, self.whatsapp_dead_letters):
            NagSuppressions.add_resource_suppressions(
                dead_letters, [{"id": "AwsSolutions-SQS3", "reason": "This queue is a dead-letter queue."}]
            )
