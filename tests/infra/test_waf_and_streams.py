"""AWS WAF in front of the API, and the tables' streams feeding on_change: asserted on the one synth."""

from __future__ import annotations

import json

import pytest
from aws_cdk.assertions import Template

from chalicelib.adapters.tables import MODELS, ComplaintModel, WorkItemModel

from .cfn import deployed_table_name, of_type

pytestmark = pytest.mark.infra


def statements_of(resources, role):
    return [
        s
        for policy in of_type(resources, "AWS::IAM::Policy").values()
        if {"Ref": role} in policy["Properties"]["Roles"]
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_of(statement):
    return statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]


def table_ids(resources):
    return {
        v["Properties"]["TableName"].removeprefix("aspirasi-kaltim-"): k
        for k, v in of_type(resources, "AWS::DynamoDB::Table").items()
    }


# -- WAF ---------------------------------------------------------------------------------------------
def test_web_acl_is_regional_with_managed_rules_and_a_rate_limit(resources):
    from aspirasi_infra.waf import DEFAULT_RATE_LIMIT, RATE_WINDOW_SECONDS, REGISTRATION_RATE_LIMIT

    (acl,) = of_type(resources, "AWS::WAFv2::WebACL").values()
    props = acl["Properties"]
    assert props["Scope"] == "REGIONAL" and props["DefaultAction"] == {"Allow": {}}
    rules = {r["Name"]: r for r in props["Rules"]}
    assert [r["Name"] for r in sorted(props["Rules"], key=lambda r: r["Priority"])] == [
        "AWSManagedRulesAmazonIpReputationList",
        "RateLimitPerIp",
        "RegistrationsPerIp",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    ]
    assert len({r["Priority"] for r in props["Rules"]}) == 5
    common = rules["AWSManagedRulesCommonRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    assert common["VendorName"] == "AWS"
    # Valid complaints and agency responses are larger than the rule's 8 KB: it only counts (the app says 413).
    assert common["RuleActionOverrides"] == [{"Name": "SizeRestrictions_BODY", "ActionToUse": {"Count": {}}}]
    assert (
        "RuleActionOverrides"
        not in rules["AWSManagedRulesKnownBadInputsRuleSet"]["Statement"]["ManagedRuleGroupStatement"]
    )
    for name in (
        "AWSManagedRulesAmazonIpReputationList",
        "AWSManagedRulesCommonRuleSet",
        "AWSManagedRulesKnownBadInputsRuleSet",
    ):
        assert rules[name]["OverrideAction"] == {"None": {}}
    rate = rules["RateLimitPerIp"]
    assert rate["Statement"]["RateBasedStatement"] == {
        "AggregateKeyType": "IP",
        "Limit": DEFAULT_RATE_LIMIT,
        "EvaluationWindowSec": RATE_WINDOW_SECONDS,
    }
    # Accounts made by script are cut at the edge too: a narrower limit on POST /auth/register alone.
    registrations = rules["RegistrationsPerIp"]["Statement"]["RateBasedStatement"]
    assert registrations["Limit"] == REGISTRATION_RATE_LIMIT < DEFAULT_RATE_LIMIT
    match = registrations["ScopeDownStatement"]["ByteMatchStatement"]
    assert match["FieldToMatch"] == {"UriPath": {}} and match["SearchString"] == "/auth/register"
    assert rules["RegistrationsPerIp"]["Action"] == rate["Action"]
    response = rate["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    assert response["ResponseHeaders"] == [{"Name": "Retry-After", "Value": str(RATE_WINDOW_SECONDS)}]
    body = props["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    problem = json.loads(body["Content"])  # the API's own bilingual problem document
    assert body["ContentType"] == "APPLICATION_JSON" and problem["status"] == 429
    assert problem["messages"]["id"] and problem["messages"]["en"]
    for visibility in [props["VisibilityConfig"], *(r["VisibilityConfig"] for r in props["Rules"])]:
        assert visibility["CloudWatchMetricsEnabled"] is True and visibility["SampledRequestsEnabled"] is True


def test_web_acl_guards_the_api_stage(resources):
    (acl_id,) = of_type(resources, "AWS::WAFv2::WebACL")
    (association,) = of_type(resources, "AWS::WAFv2::WebACLAssociation").values()
    props = association["Properties"]
    assert props["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    # SAM's RestAPI.Stage: the stage Chalice's API deploys to, and a dependency on it.
    assert props["ResourceArn"] == {
        "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}::/restapis/${RestAPI}/stages/${RestAPI.Stage}"
    }
    (api,) = of_type(resources, "AWS::Serverless::Api").values()
    assert api["Properties"]["StageName"] == "api"


def test_waf_logs_only_refusals_and_never_tokens(resources):
    (acl_id,) = of_type(resources, "AWS::WAFv2::WebACL")
    (logging,) = of_type(resources, "AWS::WAFv2::LoggingConfiguration").values()
    props = logging["Properties"]
    assert props["ResourceArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    groups = {v["Properties"].get("LogGroupName"): (k, v) for k, v in of_type(resources, "AWS::Logs::LogGroup").items()}
    group_id, group = groups["aws-waf-logs-aspirasi-kaltim"]  # WAF takes only names with this prefix
    assert group["Properties"]["RetentionInDays"] and group["DeletionPolicy"] == "Retain"
    (destination,) = props["LogDestinationConfigs"]
    parts = destination["Fn::Join"][1]
    assert parts[-2:] == [":log-group:", {"Ref": group_id}]  # the ARN without CloudFormation's ":*"
    # Action links and rating links carry their token in the path; the header an ID token.
    assert props["RedactedFields"] == [
        {"UriPath": {}},
        {"QueryString": {}},
        {"SingleHeader": {"Name": "authorization"}},
    ]
    assert props["LoggingFilter"]["DefaultBehavior"] == "DROP"


def test_waf_rate_limit_comes_from_the_context(tmp_path, monkeypatch):
    import aws_cdk as cdk
    from aspirasi_infra.waf import ApiFirewall
    from aws_cdk import aws_logs as logs

    stack = cdk.Stack(cdk.App(outdir=str(tmp_path)), "Waf")
    ApiFirewall(stack, "Firewall", prefix="p", stage="arn", rate_limit=300, retention=logs.RetentionDays.ONE_WEEK)
    (acl,) = of_type(Template.from_stack(stack).to_json()["Resources"], "AWS::WAFv2::WebACL").values()
    (rate,) = [r for r in acl["Properties"]["Rules"] if r["Name"] == "RateLimitPerIp"]
    assert rate["Statement"]["RateBasedStatement"]["Limit"] == 300
    with pytest.raises(ValueError, match="wafRateLimit"):
        ApiFirewall(stack, "Other", prefix="p", stage="arn", rate_limit=5, retention=logs.RetentionDays.ONE_WEEK)


# -- the submission limit reaches the functions ------------------------------------------------------------
def test_submission_limit_is_in_the_functions_environment(resources):
    api = of_type(resources, "AWS::Serverless::Function")["APIHandler"]["Properties"]
    assert api["Environment"]["Variables"]["SUBMISSION_LIMIT_PER_HOUR"] == "10"


# -- streams and the on_change function --------------------------------------------------------------------
def test_streams_are_what_the_models_declare(resources):
    tables = {
        v["Properties"]["TableName"]: v["Properties"] for v in of_type(resources, "AWS::DynamoDB::Table").values()
    }
    for model in MODELS:
        view = getattr(model.Meta, "stream_view_type", None)
        spec = tables[deployed_table_name(model)].get("StreamSpecification")
        assert spec == ({"StreamViewType": view} if view else None), model.__name__
    assert WorkItemModel.Meta.stream_view_type == ComplaintModel.Meta.stream_view_type == "NEW_AND_OLD_IMAGES"


def test_both_streams_feed_on_change_with_bounded_retries_and_dead_letters(resources):
    from aspirasi_infra import delivery

    ids = table_ids(resources)
    mappings = {
        m["Properties"]["EventSourceArn"]["Fn::GetAtt"][0]: m["Properties"]
        for m in of_type(resources, "AWS::Lambda::EventSourceMapping").values()
    }
    assert set(mappings) == {ids["work-items"], ids["complaints"]}
    queues = {v["Properties"]["QueueName"]: k for k, v in of_type(resources, "AWS::SQS::Queue").items()}
    for table, props in mappings.items():
        assert props["EventSourceArn"] == {"Fn::GetAtt": [table, "StreamArn"]}
        assert props["FunctionName"] == {"Ref": "OnChange"}
        assert props["StartingPosition"] == "LATEST" and props["BatchSize"] == delivery.BATCH_SIZE <= 10
        assert props["MaximumBatchingWindowInSeconds"] == 0
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert props["BisectBatchOnFunctionError"] is True
        assert props["MaximumRetryAttempts"] == delivery.MAX_RETRY_ATTEMPTS
        assert props["MaximumRecordAgeInSeconds"] == delivery.MAX_RECORD_AGE_SECONDS == 600
        assert props["DestinationConfig"] == {
            "OnFailure": {"Destination": {"Fn::GetAtt": [queues["aspirasi-kaltim-changes-dlq"], "Arn"]}}
        }
    work_items = [json.loads(f["Pattern"]) for f in mappings[ids["work-items"]]["FilterCriteria"]["Filters"]]
    assert [list(p["dynamodb"]["NewImage"]) for p in work_items] == [["decision"], ["answer"]]
    complaints = [json.loads(f["Pattern"]) for f in mappings[ids["complaints"]]["FilterCriteria"]["Filters"]]
    assert complaints == [{"eventName": ["MODIFY"], "dynamodb": {"NewImage": {"reopen_pending": {"BOOL": [True]}}}}]
    assert all(p["eventName"] == ["MODIFY"] for p in work_items)


def test_the_filters_pass_exactly_the_changes_that_hand_something_over():
    """The patterns, matched as Lambda matches them, against records shaped as DynamoDB writes them."""
    from aspirasi_infra.delivery import FILTERS

    def matches(pattern, event) -> bool:
        for key, want in pattern.items():
            if isinstance(want, dict):
                if not isinstance(event.get(key), dict) or not matches(want, event[key]):
                    return False
            elif not any(
                (w == {"exists": True} and key in event)
                or (w == {"exists": False} and key not in event)
                or (not isinstance(w, dict) and event.get(key) == w)
                for w in want
            ):
                return False
        return True

    def record(name, image):
        return {"eventName": name, "dynamodb": {"NewImage": image}}

    passes = lambda model, event: any(matches(p, event) for p in FILTERS[model])  # noqa: E731
    decided = {"complaint_id": {"S": "c"}, "step": {"N": "1"}, "decision": {"S": '{"decision": "accept"}'}}
    assert passes(WorkItemModel, record("MODIFY", decided))
    assert passes(WorkItemModel, record("MODIFY", {"complaint_id": {"S": "c"}, "answer": {"S": "jawaban"}}))
    assert not passes(WorkItemModel, record("MODIFY", {"complaint_id": {"S": "c"}, "task_token": {"S": "t"}}))
    assert not passes(WorkItemModel, record("REMOVE", decided))
    assert passes(ComplaintModel, record("MODIFY", {"id": {"S": "c"}, "reopen_pending": {"BOOL": True}}))
    assert not passes(ComplaintModel, record("MODIFY", {"id": {"S": "c"}, "reopen_pending": {"BOOL": False}}))
    assert not passes(ComplaintModel, record("INSERT", {"id": {"S": "c"}, "reopen_pending": {"BOOL": True}}))


def test_on_change_has_its_own_least_privilege_role(resources):
    from aspirasi_infra import delivery

    functions = of_type(resources, "AWS::Serverless::Function")
    props = functions["OnChange"]["Properties"]
    assert props["Handler"] == "app.on_change" and "Events" not in props  # the mappings invoke it
    assert props["Tracing"] == "Active" and props["Timeout"] == 60
    role = props["Role"]["Fn::GetAtt"][0]
    assert role.startswith("ChangeFunctionRole")
    log_groups = of_type(resources, "AWS::Logs::LogGroup")
    assert log_groups[props["LoggingConfig"]["LogGroup"]["Ref"]]["Properties"]["RetentionInDays"]
    statements = statements_of(resources, role)
    ids = table_ids(resources)
    granted: dict[str, list[str]] = {}
    for statement in statements:
        targets = statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        for action in actions_of(statement):
            granted.setdefault(action, []).extend(json.dumps(t) for t in targets)
    assert set(granted) == {
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "dynamodb:GetItem",
        *delivery.STREAM_ACTIONS,
        "states:SendTaskSuccess",
        "sqs:SendMessage",
    }
    assert sorted(granted["dynamodb:GetItem"]) == sorted(
        json.dumps({"Fn::GetAtt": [ids[t], "Arn"]}) for t in ("work-items", "complaints")
    )
    for action in delivery.STREAM_ACTIONS:  # the two streams, nothing else
        assert sorted(granted[action]) == sorted(
            json.dumps({"Fn::GetAtt": [ids[t], "StreamArn"]}) for t in ("work-items", "complaints")
        )
    queues = {v["Properties"]["QueueName"]: k for k, v in of_type(resources, "AWS::SQS::Queue").items()}
    assert granted["sqs:SendMessage"] == [json.dumps({"Fn::GetAtt": [queues["aspirasi-kaltim-changes-dlq"], "Arn"]})]
    # Lambda checks the role when it creates a mapping: the mappings wait for its policy.
    for mapping in of_type(resources, "AWS::Lambda::EventSourceMapping").values():
        assert any(d.startswith("ChangeFunctionRole") for d in mapping.get("DependsOn", []))


def test_change_dead_letters_are_encrypted_tls_only_and_alarmed(resources):
    queues = {
        v["Properties"]["QueueName"]: (k, v["Properties"]) for k, v in of_type(resources, "AWS::SQS::Queue").items()
    }
    queue_id, props = queues["aspirasi-kaltim-changes-dlq"]
    assert props["SqsManagedSseEnabled"] is True and props["MessageRetentionPeriod"] == 14 * 24 * 3600
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in of_type(resources, "AWS::SQS::QueuePolicy").values()
        if {"Ref": queue_id} in p["Properties"]["Queues"]
    ]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for statements in policies
        for s in statements
    )
    alarms = {
        a["Properties"]["AlarmName"].removeprefix("aspirasi-kaltim-"): a["Properties"]
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
    }
    assert alarms["ChangeDeadLettersWaiting"]["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}
    ]


def test_on_change_alarms_and_dashboard(resources):
    from aspirasi_infra.delivery import ITERATOR_AGE_ALARM_SECONDS, MAX_RECORD_AGE_SECONDS

    alarms = {
        a["Properties"]["AlarmName"].removeprefix("aspirasi-kaltim-"): a["Properties"]
        for a in of_type(resources, "AWS::CloudWatch::Alarm").values()
    }
    age = alarms["ChangeIteratorAge"]
    assert (age["Namespace"], age["MetricName"], age["Statistic"]) == ("AWS/Lambda", "IteratorAge", "Maximum")
    assert age["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "OnChange"}}]
    assert age["Threshold"] == ITERATOR_AGE_ALARM_SECONDS * 1000 < MAX_RECORD_AGE_SECONDS * 1000  # before give-up
    assert {"ChangeFunctionErrors", "ChangeFunctionThrottles"} <= set(alarms)
    (dashboard,) = of_type(resources, "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for title in (
        "Decision delivery (DynamoDB streams)",
        "IteratorAge",
        "WAF: requests blocked and counted",
        "AWS/WAFV2",
        "RateLimitPerIp",
        "SubmissionRateLimited",
        "Open311RateLimited",
    ):
        assert title in body, title


def test_handoff_redrive_gives_backoff_room():
    from aspirasi_infra.stack import HANDOFF_MAX_RECEIVES

    from chalicelib.config import Settings
    from chalicelib.service.delivery import retry_delay

    settings = Settings()
    for throttled in (False, True):  # a real error, and a service shedding load that does not stop
        waits = [
            retry_delay(n, settings.retry_first_seconds, settings.retry_max_seconds, throttled=throttled)
            for n in range(1, HANDOFF_MAX_RECEIVES)
        ]
        assert 10 * 60 <= sum(waits) <= 30 * 60, (throttled, sum(waits))  # 10-30 minutes of retries
    assert HANDOFF_MAX_RECEIVES == 13
