"""The deployable stack, asserted offline: resources, least privilege, one source of truth, nag, cfn-lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk.assertions import Annotations, Match, Template

from chalicelib.adapters.tables import MODELS, TTL_ATTRIBUTES
from chalicelib.domain import catalog
from chalicelib.domain.roles import all_groups

from .cfn import deployed_table_name, of_type

pytestmark = pytest.mark.infra
ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def stack(synthesized):
    return synthesized[0]


@pytest.fixture(scope="module")
def template(stack):
    return Template.from_stack(stack)


def test_tables_are_exactly_what_the_models_declare(resources):
    tables = {
        v["Properties"]["TableName"]: v["Properties"] for v in of_type(resources, "AWS::DynamoDB::Table").values()
    }
    assert set(tables) == {deployed_table_name(m) for m in MODELS}
    for model in MODELS:
        props, schema = tables[deployed_table_name(model)], model._get_schema()
        key = lambda items: sorted((i["AttributeName"], i["KeyType"]) for i in items)  # noqa: E731
        assert key(props["KeySchema"]) == key(schema["key_schema"])
        definitions = {(d["AttributeName"], d["AttributeType"]) for d in schema["attribute_definitions"]}
        for index in schema["global_secondary_indexes"]:
            definitions |= {(d["AttributeName"], d["AttributeType"]) for d in index["attribute_definitions"]}
        assert {(d["AttributeName"], d["AttributeType"]) for d in props["AttributeDefinitions"]} == definitions
        indexes = {
            i["IndexName"]: (key(i["KeySchema"]), i["Projection"]["ProjectionType"])
            for i in props.get("GlobalSecondaryIndexes", [])
        }
        assert indexes == {
            i["index_name"]: (key(i["key_schema"]), i["projection"]["ProjectionType"])
            for i in schema["global_secondary_indexes"]
        }
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        assert props["DeletionProtectionEnabled"] is True and props["SSESpecification"]["SSEEnabled"] is True
        ttl = TTL_ATTRIBUTES.get(model)  # type: ignore[arg-type]  # its keys are inferred as the models' base
        assert props.get("TimeToLiveSpecification") == ({"AttributeName": ttl, "Enabled": True} if ttl else None)


def test_state_machine_is_the_statemachine_file_with_substitutions(resources):
    (machine,) = of_type(resources, "AWS::StepFunctions::StateMachine").values()
    props = machine["Properties"]
    deployed = props["DefinitionString"]
    assert json.loads(deployed) == json.loads((ROOT / "statemachine" / "complaint.asl.json").read_text())
    (queue_id,) = [
        k
        for k, v in of_type(resources, "AWS::SQS::Queue").items()
        if v["Properties"]["QueueName"] == "aspirasi-kaltim-handoff"
    ]
    assert props["DefinitionSubstitutions"] == {"HandoffQueueUrl": {"Ref": queue_id}}
    # After substitution the cloud runs exactly what the local stack runs.
    from local.provision import render_definition

    url = "https://sqs.ap-southeast-3.amazonaws.com/123456789012/aspirasi-kaltim-handoff"
    assert json.loads(deployed.replace("${HandoffQueueUrl}", url)) == json.loads(
        render_definition({"HandoffQueueUrl": url})
    )
    assert props["TracingConfiguration"] == {"Enabled": True}
    assert props["LoggingConfiguration"]["IncludeExecutionData"] is False  # task tokens stay out of logs
    assert props["LoggingConfiguration"]["Level"] == "ALL"


def test_handoff_queue_dead_letters_encryption_and_batch_failures(resources):
    queues = of_type(resources, "AWS::SQS::Queue")
    assert len(queues) == 7 and all(q["Properties"]["SqsManagedSseEnabled"] for q in queues.values())
    (handoff,) = [q["Properties"] for q in queues.values() if q["Properties"]["QueueName"] == "aspirasi-kaltim-handoff"]
    assert handoff["RedrivePolicy"]["maxReceiveCount"] == 13  # with the consumer's backoff: ~11-28 minutes of retries
    functions = of_type(resources, "AWS::Serverless::Function")
    event = functions["OnHandoff"]["Properties"]["Events"]["OnHandoffSqsEventSource"]["Properties"]
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert "Fn::GetAtt" in event["Queue"]


def test_functions_are_traced_sized_and_log_with_retention(resources):
    functions = of_type(resources, "AWS::Serverless::Function")
    assert set(functions) == {
        "APIHandler",
        "OnHandoff",
        "OnUpload",
        "MonthlyReport",
        "OnChange",
        "PreSignup",
        "OnWhatsapp",
    }
    log_groups = of_type(resources, "AWS::Logs::LogGroup")
    assert all(g["Properties"].get("RetentionInDays") for g in log_groups.values())
    roles = set()
    timeouts = {"OnHandoff": 60, "OnUpload": 60, "MonthlyReport": 120, "OnChange": 60, "PreSignup": 5, "OnWhatsapp": 60}
    for name, function in functions.items():
        props = function["Properties"]
        # The uploads and WhatsApp consumers decode photos to store them without metadata (domain/images.py).
        assert props["Tracing"] == "Active" and props["MemorySize"] == {"OnUpload": 1024, "OnWhatsapp": 1024}.get(
            name, 512
        )
        assert props["Timeout"] == timeouts.get(name, 30)
        assert props["LoggingConfig"]["LogGroup"]["Ref"] in log_groups
        if name != "PreSignup":  # the trigger reads no table (test_a_self_sign_up_at_cognito_passes_...)
            assert props["Environment"]["Variables"]["TABLE_PREFIX"] == "aspirasi-kaltim"
        roles.add(json.dumps(props["Role"]))
    assert len(roles) == 7  # one least-privilege role per function


def test_api_gateway_throttles_and_logs_without_link_tokens(resources):
    (api,) = of_type(resources, "AWS::Serverless::Api").values()
    props = api["Properties"]
    assert (
        props["MethodSettings"][0]["ThrottlingRateLimit"] > 0 and props["MethodSettings"][0]["ThrottlingBurstLimit"] > 0
    )
    assert props["TracingEnabled"] is False  # API Gateway traces record the URL, and links carry tokens
    log_format = props["AccessLogSetting"]["Format"]
    assert "$context.resourcePath" in log_format and "$context.path" not in log_format


def test_cognito_ses_and_alarm_topic(template, resources):
    template.has_resource_properties(
        "AWS::Cognito::UserPool",
        {
            "UsernameAttributes": ["email"],
            "Policies": {"PasswordPolicy": Match.object_like({"MinimumLength": 8, "RequireNumbers": True})},
            "UserAttributeUpdateSettings": {"AttributesRequireVerificationBeforeUpdate": ["email"]},
        },
    )
    template.has_resource_properties(
        "AWS::Cognito::UserPoolClient",
        {"ExplicitAuthFlows": Match.array_with(["ALLOW_USER_PASSWORD_AUTH"]), "GenerateSecret": False},
    )
    groups = {g["Properties"]["GroupName"] for g in of_type(resources, "AWS::Cognito::UserPoolGroup").values()}
    assert (
        groups
        == set(all_groups())
        == {"operator", "diskominfo", "supervisor", "admin"} | {f"opd-{c}" for c in catalog.OPDS}
    )
    template.resource_count_is("AWS::SES::EmailIdentity", 1)
    template.resource_count_is("AWS::SES::ConfigurationSet", 1)
    template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": Match.any_value()})
    template.has_resource_properties("AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": {"Ref": "OpsEmail"}})


def test_staff_invitation_is_our_email_with_cognitos_placeholders(resources):
    (pool,) = of_type(resources, "AWS::Cognito::UserPool").values()
    config = pool["Properties"]["AdminCreateUserConfig"]
    assert config["AllowAdminCreateUserOnly"] is False  # citizens still sign up
    template = config["InviteMessageTemplate"]
    assert template["EmailSubject"].startswith("[Aspirasi Kaltim] Undangan akun petugas")
    body = template["EmailMessage"]
    assert "{username}" in body and "{####}" in body and len(body) <= 20000
    assert "harus diganti saat pertama kali masuk" in body and "must be changed at your first login" in body
    assert pool["Properties"]["Policies"]["PasswordPolicy"]["TemporaryPasswordValidityDays"] == 3


def test_api_role_manages_staff_accounts_on_the_user_pool_only(resources):
    from aspirasi_infra.stack import API_COGNITO_ACTIONS

    (pool_id,) = of_type(resources, "AWS::Cognito::UserPool")
    statements = [
        (name, s)
        for name, policy in of_type(resources, "AWS::IAM::Policy").items()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if any(a.startswith("cognito-idp:") for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))
    ]
    assert len(statements) == 1
    name, statement = statements[0]
    assert name.startswith("ApiFunctionRole")
    assert (
        sorted(statement["Action"])
        == sorted(API_COGNITO_ACTIONS)
        == sorted(
            f"cognito-idp:{a}"
            for a in (
                "ListUsersInGroup",
                "AdminGetUser",
                "AdminListGroupsForUser",
                "AdminCreateUser",
                "AdminAddUserToGroup",
                "AdminDisableUser",
                "AdminEnableUser",
                "AdminUserGlobalSignOut",
                "AdminUpdateUserAttributes",
                "AdminDeleteUserAttributes",
                "AdminDeleteUser",
            )
        )
    )
    assert statement["Resource"] == {"Fn::GetAtt": [pool_id, "Arn"]}
    ses_users = {
        name
        for name, policy in of_type(resources, "AWS::IAM::Policy").items()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if "ses:SendRawEmail" in s["Action"]
    }
    # Cognito emails invitations; the API sends one email of its own: to the owner of an address someone tried to
    # register again (service/accounts.py), through the same sender identity and configuration set as the rest.
    assert ses_users and {n for n in ses_users if n.startswith("ApiFunctionRole")}
    for name, policy in of_type(resources, "AWS::IAM::Policy").items():
        for s in policy["Properties"]["PolicyDocument"]["Statement"]:
            if "ses:SendRawEmail" in s["Action"]:
                assert s["Action"] == "ses:SendRawEmail" and len(s["Resource"]) == 2, name


def test_alarms(resources):
    alarms = {
        a["Properties"]["AlarmName"].removeprefix("aspirasi-kaltim-"): a["Properties"]
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
    }
    assert set(alarms) == {
        "OpdDeadlineBreached",
        "StageDeadlineBreached",
        "DeadLettersWaiting",
        "ExecutionsFailed",
        "ExecutionsTimedOut",
        "ExecutionsAborted",
        "APIFunctionErrors",
        "APIFunctionThrottles",
        "HandoffFunctionErrors",
        "HandoffFunctionThrottles",
        "Api5xxRate",
        "EmailsRejected",
        "UploadFunctionErrors",
        "UploadFunctionThrottles",
        "UploadDeadLettersWaiting",
        "MonthlyReportFunctionErrors",
        "MonthlyReportFunctionThrottles",
        "ChangeFunctionErrors",
        "ChangeFunctionThrottles",
        "ChangeIteratorAge",
        "ChangeDeadLettersWaiting",
        "WhatsAppFunctionErrors",
        "WhatsAppFunctionThrottles",
        "WhatsAppDeadLettersWaiting",
        "WhatsAppSendsFailed",
    }
    opd = alarms["OpdDeadlineBreached"]
    assert (opd["Namespace"], opd["MetricName"]) == ("AspirasiKaltim", "SlaBreached")
    assert opd["Dimensions"] == [{"Name": "Stage", "Value": "opd_response"}]
    assert len(alarms["StageDeadlineBreached"]["Metrics"]) == 6  # five stages and their sum
    for name, alarm in alarms.items():
        assert alarm["AlarmActions"], name
        assert f"docs/operations.md#{name.lower()}" in alarm["AlarmDescription"]
        anchor = f'<a id="{name.lower()}"></a>'
        assert anchor in (ROOT / "docs" / "operations.md").read_text(), f"runbook entry for {name}"


def test_dashboard_has_the_ops_views(resources):
    (dashboard,) = of_type(resources, "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    assert "AspirasiKaltim,Channel" in body  # complaints by channel (web, phone, walk_in, ...)
    for title in (
        "Citizen rating by OPD",
        "Whole-SOP target",
        "Questions to citizens",
        "Complaints submitted",
        "Complaints by channel",
        "SLA breaches by stage",
        "SLA breaches by OPD",
        "business minutes",
        "Reminders and escalations",
        "API latency",
        "API errors",
        "Lambda errors and duration",
        "Executions",
        "Dead-letter queue depth",
    ):
        assert title in body, title


def test_every_iam_statement_names_its_resources(stack, resources):
    from aspirasi_infra.stack import WILDCARD_ACTIONS

    for name, policy in of_type(resources, "AWS::IAM::Policy").items():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
            if "*" in targets:
                actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                assert set(actions) <= set(WILDCARD_ACTIONS), (name, actions)
            for action in statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]:
                assert not action.endswith(":*"), (name, action)


def test_cdk_nag_aws_solutions_has_no_unsuppressed_errors(stack):
    errors = Annotations.from_stack(stack).find_error("*", Match.string_like_regexp("AwsSolutions-.*"))
    assert [f"{e.id}: {e.entry.data}" for e in errors] == []
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("AwsSolutions-.*"))
    assert [f"{w.id}: {w.entry.data}" for w in warnings] == []


def test_cfn_lint_reports_no_errors(synthesized):
    from cfnlint.api import ManualArgs, lint_all, lint_file  # noqa: F401

    _, assembly = synthesized
    for artifact in assembly.stacks:
        path = Path(assembly.directory) / artifact.template_file
        matches = lint_file(path, config=ManualArgs(regions=["ap-southeast-3"]))
        errors = [f"{m.rule.id} {m.message} ({m.path})" for m in matches if m.rule.id.startswith("E")]
        assert errors == []


def test_team_mailboxes_come_from_the_deployment_context():
    from aspirasi_infra.stack import _mailboxes

    assert _mailboxes(None) == {}
    assert _mailboxes('{"MAILBOX_OPD_DINKES": "aspirasi@dinkes.kaltimprov.go.id"}') == {
        "MAILBOX_OPD_DINKES": "aspirasi@dinkes.kaltimprov.go.id"
    }
    assert _mailboxes({"MAILBOX_OPERATOR": "op@x.id"}) == {"MAILBOX_OPERATOR": "op@x.id"}
    with pytest.raises(ValueError):
        _mailboxes({"TABLE_PREFIX": "evil"})


def test_monthly_report_is_a_schedule_with_only_what_it_needs(resources):
    """08:00 WITA (00:00 UTC) on days 1-10; reads the report, claims the month, sends one email."""
    from aspirasi_infra.stack import MONTHLY_REPORT_TABLE_ACTIONS

    from chalicelib.adapters.tables import ComplaintModel, ReportModel, WorkItemModel

    props = of_type(resources, "AWS::Serverless::Function")["MonthlyReport"]["Properties"]
    assert props["Handler"] == "app.monthly_report"
    (event,) = props["Events"].values()
    assert event == {"Type": "Schedule", "Properties": {"Schedule": "cron(0 0 1-10 * ? *)"}}
    assert "PUBLIC_BASE_URL" in props["Environment"]["Variables"]  # the email links to the console
    role = props["Role"]["Fn::GetAtt"][0]
    assert role.startswith("MonthlyReportFunctionRole")
    statements = [
        s
        for name, policy in of_type(resources, "AWS::IAM::Policy").items()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    actions = sorted(a for s in statements for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]]))
    assert actions == sorted(
        [
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "dynamodb:Query",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "dynamodb:UpdateItem",
            "dynamodb:Query",
            "dynamodb:GetItem",
            "ses:SendRawEmail",
        ]
    )
    assert MONTHLY_REPORT_TABLE_ACTIONS == {
        ReportModel: ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:UpdateItem"],
        WorkItemModel: ["dynamodb:Query"],
        ComplaintModel: ["dynamodb:GetItem"],
    }
    tables = {v["Properties"]["TableName"]: k for k, v in of_type(resources, "AWS::DynamoDB::Table").items()}
    writes = [s for s in statements if s["Action"] == MONTHLY_REPORT_TABLE_ACTIONS[ReportModel]]
    assert [s["Resource"] for s in writes] == [{"Fn::GetAtt": [tables["aspirasi-kaltim-report-totals"], "Arn"]}]
    (ses_statement,) = [s for s in statements if s["Action"] == "ses:SendRawEmail"]
    assert len(ses_statement["Resource"]) == 2  # the sender's identity and the configuration set


def test_only_the_consumers_answer_the_state_machine(resources):
    """A decision in the API is a durable write; the streams' consumer hands it over (service/delivery.py)."""
    senders = {
        name.split("DefaultPolicy")[0]
        for name, policy in of_type(resources, "AWS::IAM::Policy").items()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if "states:SendTaskSuccess" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    }
    assert len(senders) == 2 and all(n.startswith(("HandoffFunctionRole", "ChangeFunctionRole")) for n in senders), (
        senders
    )


def test_a_self_sign_up_at_cognito_passes_the_pre_sign_up_trigger(resources):
    """Cognito's own SignUp API (the public client id) cannot skip the registration's field rules."""
    (pool,) = of_type(resources, "AWS::Cognito::UserPool").values()
    trigger = pool["Properties"]["LambdaConfig"]["PreSignUp"]
    assert trigger == {"Fn::GetAtt": ["PreSignup", "Arn"]} or trigger["Fn::GetAtt"][0].startswith("PreSignup")
    function = resources[trigger["Fn::GetAtt"][0]]
    assert function["Properties"]["Handler"] == "app.pre_signup"
    # No cycle: the function names neither the pool nor its id (its own role, no environment).
    assert "Environment" not in function["Properties"] and "Users" not in json.dumps(function)
    (permission,) = [
        p
        for p in of_type(resources, "AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
    ]
    assert permission["Properties"]["Action"] == "lambda:InvokeFunction"
