"""AWS WAF in front of the API: AWS's managed rules and a per-IP rate limit. docs/operations.md#waf.

What it stops before a request reaches the API (and costs a Lambda invocation):
- addresses on Amazon's IP reputation list (botnets, scanners);
- the common web exploits of AWS's core rule set (cross-site scripting, path traversal, SSRF to the
  instance metadata address, ...), and known bad inputs (Log4Shell, Java deserialization, ...);
- an address that sends more than ``wafRateLimit`` requests (default 1,000) in 5 minutes: 429;
- an address that asks for more than ``REGISTRATION_RATE_LIMIT`` new accounts (``POST /auth/register``) in 5
  minutes: 429 (the app also allows ``REGISTER_LIMIT_PER_HOUR`` an hour per address, service/accounts.py).

The core rule set's ``SizeRestrictions_BODY`` blocks any body over 8 KB. Our bodies are larger when
they are valid: a complaint's description may be 5,000 characters and an agency's response 10,000
(up to 12 bytes each on the wire), so that one rule only *counts*; the app itself refuses a body over
128 KiB with 413 problem JSON (chalicelib/domain/limits.py), and API Gateway's 10 MB stays the outer
bound. Attachments never pass here (browsers post them to S3).

Logs keep only what WAF blocked or counted, and never the URL path, the query or the Authorization
header: action links carry their token in the path, rating links too, and the header carries an ID token.
"""

from __future__ import annotations

import json

from aws_cdk import ArnFormat, Fn, RemovalPolicy, Stack
from aws_cdk import aws_logs as logs
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from chalicelib.web.problems import problem

# Requests one IP address may send in a rate window before WAF answers 429 for the rest of it. Indonesian
# mobile carriers put many people behind one address (carrier-grade NAT), so the bound is far above one
# person's use (the API's own throttle is 50 a second in all, the submission limit 10 an hour per account).
DEFAULT_RATE_LIMIT = 1000
RATE_WINDOW_SECONDS = 300
# New accounts one address may ask for in a rate window: a script making accounts is cut at the edge.
REGISTRATION_RATE_LIMIT = 20
REGISTER_PATH = "/auth/register"
# The core rule set's rules that only count (see above).
COUNT_ONLY = {"AWSManagedRulesCommonRuleSet": ["SizeRestrictions_BODY"]}
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
)
TOO_MANY = "too-many-requests"


def _visibility(name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=name, sampled_requests_enabled=True
    )


def stage_arn(rest_api_id: str, stage_name: str) -> str:
    """The ARN WAF associates with: an API Gateway REST API's stage."""
    return Fn.sub(f"arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}::/restapis/{rest_api_id}/stages/{stage_name}")


class ApiFirewall(Construct):
    """A regional web ACL, associated with the API's stage, with its CloudWatch metrics and logs."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        stage: str,
        rate_limit: int,
        retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, construct_id)
        if not 10 <= rate_limit <= 2_000_000_000:  # WAF's own range for a rate-based rule
            raise ValueError(f"wafRateLimit must be between 10 and 2,000,000,000, not {rate_limit}")
        self.name = f"{prefix}-api"
        self.rate_limit = rate_limit

        def managed(group: str, priority: int) -> wafv2.CfnWebACL.RuleProperty:
            overrides = [
                wafv2.CfnWebACL.RuleActionOverrideProperty(
                    name=rule, action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={})
                )
                for rule in COUNT_ONLY.get(group, [])
            ]
            return wafv2.CfnWebACL.RuleProperty(
                name=group,
                priority=priority,
                override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                        vendor_name="AWS", name=group, rule_action_overrides=overrides or None
                    )
                ),
                visibility_config=_visibility(group),
            )

        rate_rule = wafv2.CfnWebACL.RuleProperty(
            name="RateLimitPerIp",
            priority=1,
            action=wafv2.CfnWebACL.RuleActionProperty(
                block=wafv2.CfnWebACL.BlockActionProperty(
                    custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                        response_code=429,
                        custom_response_body_key=TOO_MANY,
                        response_headers=[
                            wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Retry-After", value=str(RATE_WINDOW_SECONDS))
                        ],
                    )
                )
            ),
            statement=wafv2.CfnWebACL.StatementProperty(
                rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                    aggregate_key_type="IP", limit=rate_limit, evaluation_window_sec=RATE_WINDOW_SECONDS
                )
            ),
            visibility_config=_visibility("RateLimitPerIp"),
        )
        registrations = wafv2.CfnWebACL.RuleProperty(
            name="RegistrationsPerIp",
            priority=2,
            action=rate_rule.action,
            statement=wafv2.CfnWebACL.StatementProperty(
                rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                    aggregate_key_type="IP",
                    limit=REGISTRATION_RATE_LIMIT,
                    evaluation_window_sec=RATE_WINDOW_SECONDS,
                    scope_down_statement=wafv2.CfnWebACL.StatementProperty(
                        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
                            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
                            positional_constraint="ENDS_WITH",
                            search_string=REGISTER_PATH,
                            text_transformations=[
                                wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="LOWERCASE")
                            ],
                        )
                    ),
                )
            ),
            visibility_config=_visibility("RegistrationsPerIp"),
        )
        reputation, common, bad_inputs = MANAGED_RULE_GROUPS
        # Known bad addresses first, then the rate limits: a flood is cut before the heavier rule groups look at it.
        rules = [managed(reputation, 0), rate_rule, registrations, managed(common, 3), managed(bad_inputs, 4)]
        _, body = problem("too_many_requests")  # the API's own problem document, both languages
        self.acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=self.name,
            scope="REGIONAL",
            description=(
                "Aspirasi Kaltim API: AWS managed rules and a per-IP rate limit. Runbook: docs/operations.md#waf"
            ),
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules,
            visibility_config=_visibility(self.name),
            custom_response_bodies={
                TOO_MANY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON", content=json.dumps(body, ensure_ascii=False)
                )
            },
        )
        self.association = wafv2.CfnWebACLAssociation(
            self, "Association", web_acl_arn=self.acl.attr_arn, resource_arn=stage
        )
        # WAF requires the log group's name to start with aws-waf-logs-, and its ARN without the ":*".
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            log_group_name=f"aws-waf-logs-{prefix}",
            retention=retention,
            removal_policy=RemovalPolicy.RETAIN,
        )
        log_group_arn = Stack.of(self).format_arn(
            service="logs",
            resource="log-group",
            resource_name=self.log_group.log_group_name,
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        self.logging = wafv2.CfnLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.acl.attr_arn,
            log_destination_configs=[log_group_arn],
            redacted_fields=[
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(uri_path={}),
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(query_string={}),
                wafv2.CfnLoggingConfiguration.FieldToMatchProperty(single_header={"Name": "authorization"}),
            ],
            logging_filter={
                "DefaultBehavior": "DROP",
                "Filters": [
                    {
                        "Behavior": "KEEP",
                        "Requirement": "MEETS_ANY",
                        "Conditions": [
                            {"ActionCondition": {"Action": "BLOCK"}},
                            {"ActionCondition": {"Action": "COUNT"}},
                        ],
                    }
                ],
            },
        )
