"""What 1,000 complaints cost on AWS, from measured counts, next to an always-on ticket system.

Variable cost: every path of the SOP is played once (bench/lifecycle.py) and each complaint is priced from
what its lifecycle really did: state transitions from the execution's history; Lambda requests (one
record per invocation, the most a quiet service sees) and GB-seconds from the measured durations at the
functions' configured memory; API Gateway and WAF requests; DynamoDB request units by DynamoDB's sizing
rules from the items' real sizes (local/aws_calls.py); SQS requests (the state machine's sends, and the
event source mapping's receive and delete of each message); SES recipients; CloudWatch Logs bytes
(the functions' own lines and metrics, Lambda's START/END/REPORT lines); X-Ray traces (tracing is on).
The paths are weighted by a mix (``MIX``), an assumption stated in the output.

Fixed cost: counted in the synthesized CloudFormation template (alarms, dashboards, KMS keys, WAF web
ACL and rules, Lambda functions' memory), plus the custom metrics the measured runs emitted, multiplied
out over every value their dimensions can take, and the SQS long polling of the event source mappings.

Prices: bench/prices.py, each with its region and source. No free tier is deducted anywhere.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from bench.lifecycle import Lifecycles, PathRun, item_key
from bench.prices import PRICES, PRICES_CHECKED, VM_ALTERNATIVE, vm_monthly_usd
from local.aws_calls import READ_UNIT_BYTES, WRITE_UNIT_BYTES, DynamoAccess

ROOT = Path(__file__).resolve().parent.parent
# Which share of complaints takes each path (an assumption: SP4N-LAPOR!'s public figures put most reports
# in the agencies' hands; a province's own share of simple information requests is a guess).
MIX = {
    "information": 0.30,
    "aspiration": 0.40,
    "aspiration, answer returned once": 0.10,
    "information, question to the citizen": 0.10,
    "rejected at intake": 0.10,
}
VOLUMES = (1_000, 100_000, 1_000_000)  # complaints a year
API_ACCESS_LOG_BYTES = 400  # one JSON access-log line per API request (the stage's access log)
# An SQS event source mapping long-polls even when the queue is empty: about 5 pollers, each one
# ReceiveMessage per 20 s (general knowledge, not verified), on each of the two queues Lambda reads.
ESM_IDLE_REQUESTS_PER_MONTH = 5 * 3 * 60 * 730 * 2
COGNITO_FREE_MAU = 10_000
XRAY_PER_1M_TRACES = 5.00  # USD, general knowledge, not verified; the first 100,000 traces a month are free


@dataclass
class PerComplaint:
    """What one complaint uses, averaged over the mix of paths."""

    transitions: float = 0
    lambda_requests: float = 0
    gb_seconds: float = 0
    api_requests: float = 0
    write_units: float = 0
    read_units: float = 0
    sqs_requests: float = 0
    emails: float = 0
    log_bytes: float = 0
    calls: float = 0
    by_path: dict[str, dict] = field(default_factory=dict)


@dataclass
class Fixed:
    alarms: int
    dashboards: int
    kms_keys: int
    web_acls: int
    waf_rules: int
    custom_metrics: int
    memory_mb: dict[str, int]


# -- DynamoDB request units ------------------------------------------------------------------------------
def request_units(accesses: list[DynamoAccess], items: dict) -> tuple[float, float]:
    """(write units, read units) by DynamoDB's rules. A write is billed on the whole item (the larger of
    before and after: here its size at the end of the run, or what the write itself carried if larger),
    twice in a transaction, and once more in each global secondary index the item is in."""
    writes = reads = 0.0
    for access in accesses:
        factor = 2 if access.transactional else 1
        if access.write:
            final, indexes = items.get(item_key(access.table, access.item or {}), (0, ()))
            units = max(1, math.ceil(max(access.size, final) / WRITE_UNIT_BYTES))
            writes += factor * units * (1 + len(indexes))
        else:
            per_read = 1.0 if access.consistent or access.transactional else 0.5
            reads += factor * per_read * max(1, math.ceil(access.size / READ_UNIT_BYTES))
    return writes, reads


# -- per complaint ---------------------------------------------------------------------------------------
def per_complaint(measured: Lifecycles, memory_mb: dict[str, int]) -> PerComplaint:
    total = PerComplaint()
    for run in measured.runs:
        share = MIX[run.name]
        invoked = [i for i in run.invocations if i.label != "ignored"]  # the stream's filters drop the rest
        writes, reads = request_units([a for i in invoked for a in i.tally.dynamodb], measured.items)
        messages = sum(1 for i in invoked if i.function == "on_handoff")
        api = sum(1 for i in invoked if i.function == "api")
        figures = {
            "transitions": run.transitions,
            "lambda_requests": len(invoked),
            "gb_seconds": sum(
                math.ceil(i.seconds * 1000) / 1000 * memory_mb.get(i.function, 512) / 1024 for i in invoked
            ),
            "api_requests": api,
            "write_units": writes,
            "read_units": reads,
            # The state machine's SendMessage, the event source mapping's ReceiveMessage and DeleteMessage
            # of each message, and any SQS call our code made (a retry's ChangeMessageVisibility).
            "sqs_requests": run.sqs_sends + 2 * messages + sum(i.tally.of("sqs") for i in invoked),
            "emails": sum(i.tally.emails for i in invoked),
            "log_bytes": sum(i.log_bytes for i in invoked) + API_ACCESS_LOG_BYTES * api,
            "calls": sum(i.tally.total for i in invoked),
        }
        total.by_path[run.name] = figures
        for name, value in figures.items():
            setattr(total, name, getattr(total, name) + share * value)
    return total


def variable_usd(use: PerComplaint, complaints: float) -> dict[str, float]:
    """USD for ``complaints`` complaints, by service."""
    p = {name: price.usd for name, price in PRICES.items()}
    n = complaints
    return {
        "Step Functions": n * use.transitions / 1000 * p["stepfunctions_standard_per_1k_transitions"],
        "Lambda": n
        * (use.lambda_requests / 1e6 * p["lambda_per_1m_requests"] + use.gb_seconds * p["lambda_per_gb_second_x86_64"]),
        "API Gateway": n * use.api_requests / 1e6 * p["apigateway_rest_per_1m_requests"],
        "WAF requests": n * use.api_requests / 1e6 * p["waf_per_1m_requests"],
        "DynamoDB": n
        * (
            use.write_units / 1e6 * p["dynamodb_ondemand_write_per_1m"]
            + use.read_units / 1e6 * p["dynamodb_ondemand_read_per_1m"]
        ),
        "SQS": n * use.sqs_requests / 1e6 * p["sqs_standard_per_1m_requests"],
        "SES": n * use.emails / 1000 * p["ses_per_1k_outbound"],
        "CloudWatch Logs": n
        * use.log_bytes
        / 1e9
        * (p["cloudwatch_logs_ingest_per_gb"] + p["cloudwatch_logs_storage_per_gb_month"]),
        "X-Ray": n * use.lambda_requests / 1e6 * XRAY_PER_1M_TRACES,
    }


def fixed_monthly_usd(fixed: Fixed) -> dict[str, float]:
    p = {name: price.usd for name, price in PRICES.items()}
    return {
        f"{fixed.alarms} alarms": fixed.alarms * p["cloudwatch_alarm_standard_per_month"],
        f"{fixed.dashboards} dashboard": fixed.dashboards * p["cloudwatch_dashboard_per_month"],
        f"WAF: {fixed.web_acls} web ACL, {fixed.waf_rules} rules": fixed.web_acls * p["waf_web_acl_per_month"]
        + fixed.waf_rules * p["waf_rule_per_month"],
        f"{fixed.kms_keys} KMS key": fixed.kms_keys * p["kms_customer_managed_key_per_month"],
        f"{fixed.custom_metrics} custom metrics (at least)": fixed.custom_metrics
        * p["cloudwatch_custom_metric_per_month"],
        "SQS long polling while idle": ESM_IDLE_REQUESTS_PER_MONTH / 1e6 * p["sqs_standard_per_1m_requests"],
    }


# -- fixed: from the template ------------------------------------------------------------------------------
def synthesized_template() -> dict:
    """Synthesize the CDK app offline (as `make synth`) into a temporary directory and read its template."""
    with tempfile.TemporaryDirectory() as out:
        env = {
            **os.environ,
            "AWS_DEFAULT_REGION": "ap-southeast-3",
            "CDK_OUTDIR": out,
            "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
        }
        subprocess.run(
            [sys.executable, "infra/cdk_app.py"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return json.loads((Path(out) / "AspirasiKaltim.template.json").read_text())


def dimension_values() -> dict[str, int]:
    """How many values each metric dimension can take (the catalogue and the SOP are the source)."""
    from chalicelib.domain import catalog, sop
    from chalicelib.domain.submission import CHANNEL_LABELS

    opds = {c.opd for c in catalog.CATEGORIES.values()}
    return {
        "Category": len(catalog.CATEGORIES),
        "Channel": len(CHANNEL_LABELS),
        "OPD": len(opds),
        "Opd": len(opds),
        "Stage": len(sop.STAGE_NAMES),
    }


def fixed_from(template: dict, runs: list[PathRun]) -> Fixed:
    resources = template["Resources"].values()

    def of(kind: str) -> list[dict]:
        return [r for r in resources if r["Type"] == kind]

    values = dimension_values()
    emitted = {m for run in runs for i in run.invocations for m in i.metrics}
    metrics = sum(math.prod(values.get(d, 1) for d in dims) for _, dims in emitted)
    memory = {}
    for function in of("AWS::Serverless::Function"):
        handler = function["Properties"].get("Handler", "")
        name = "api" if handler.endswith("app.app") else handler.rsplit(".", 1)[-1]
        memory[name] = int(function["Properties"].get("MemorySize", 128))
    return Fixed(
        alarms=len(of("AWS::CloudWatch::Alarm")),
        dashboards=len(of("AWS::CloudWatch::Dashboard")),
        kms_keys=len(of("AWS::KMS::Key")),
        web_acls=len(of("AWS::WAFv2::WebACL")),
        waf_rules=sum(len(acl["Properties"].get("Rules", [])) for acl in of("AWS::WAFv2::WebACL")),
        custom_metrics=metrics,
        memory_mb=memory,
    )


# -- the comparison ------------------------------------------------------------------------------------------
def yearly_table(use: PerComplaint, fixed: Fixed) -> list[dict]:
    """Per volume: serverless (variable + fixed) against the always-on alternative sized for it, a year."""
    fixed_year = 12 * sum(fixed_monthly_usd(fixed).values())
    rows = []
    for volume in VOLUMES:
        variable = sum(variable_usd(use, volume).values())
        vm = next(size for size in VM_ALTERNATIVE if size.complaints_per_year == volume)
        vm_year = 12 * vm_monthly_usd(vm)
        # Sign-in, worst case: every complaint of a month from a different citizen, 10,000 MAU free.
        billed_mau = 12 * max(0.0, volume / 12 - COGNITO_FREE_MAU)
        rows.append(
            {
                "cognito_lite": billed_mau * PRICES["cognito_lite_per_mau"].usd,
                "cognito_essentials": billed_mau * PRICES["cognito_essentials_per_mau"].usd,
                "complaints": volume,
                "serverless_variable": variable,
                "serverless_fixed": fixed_year,
                "serverless": variable + fixed_year,
                "per_complaint": (variable + fixed_year) / volume,
                "vm": vm_year,
                "vm_per_complaint": vm_year / volume,
                "vm_size": vm,
            }
        )
    return rows


def measure(measured: Lifecycles) -> dict:
    template = synthesized_template()
    fixed = fixed_from(template, measured.runs)
    use = per_complaint(measured, fixed.memory_mb)
    return {
        "use": use,
        "fixed": fixed,
        "per_1000": variable_usd(use, 1000),
        "fixed_monthly": fixed_monthly_usd(fixed),
        "years": yearly_table(use, fixed),
        "prices_checked": PRICES_CHECKED,
    }


if __name__ == "__main__":
    from bench.lifecycle import run_paths

    result = measure(run_paths())
    use = result["use"]
    print({k: round(v, 3) for k, v in vars(use).items() if k != "by_path"})
    print({k: round(v, 4) for k, v in result["per_1000"].items()}, "per 1,000 complaints")
    print({k: round(v, 2) for k, v in result["fixed_monthly"].items()}, "a month")
    for row in result["years"]:
        print(row["complaints"], round(row["serverless"], 2), round(row["vm"], 2))
