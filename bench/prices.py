"""Price list for the cost model of issue 12 (cost per 1,000 complaints, and the always-on VM alternative).

Every figure is on-demand, in USD, with no free tier deducted; each service's monthly free tier is kept
in its own field so the model can decide whether to apply it. Every figure records the region it is
really for and where it was read. No Jakarta (ap-southeast-3) price was found in the stored pages: the
AWS pricing pages render their per-region tables in the browser, so the stored copies hold no Jakarta
rows. The closest figures found are Asia Pacific (Singapore), ap-southeast-1, mostly from the line
items of a real AWS bill for May 2025; the rest are US East (N. Virginia) figures, or general knowledge,
and say so. Re-check all of them against https://aws.amazon.com/pricing/ (region "Asia Pacific
(Jakarta)") before quoting a cost as a Jakarta cost.

Use: ``PRICES["dynamodb_ondemand_write_per_1m"].usd`` and so on; ``VM_ALTERNATIVE`` holds the three
sizes of the always-on ticket system, and ``vm_monthly_usd`` prices one of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Price:
    usd: float  # price of one `unit`, in US dollars, on-demand, before any free tier
    unit: str
    region: str  # the region the figure is really for (not the one we wish it were for)
    source: str  # URL of the stored page or file read, or "general knowledge, not verified"
    date: str = ""  # date the source shows, "" if it shows none
    free_tier: str = ""  # the service's monthly free tier, NOT deducted from `usd`
    note: str = ""


# Where a figure is for. Jakarta itself appears only where a source says the price is the same everywhere.
SINGAPORE = "ap-southeast-1 (Jakarta not found in stored pages)"
US_EAST_1 = "us-east-1 (Jakarta and Singapore not found in stored pages)"
ALL_REGIONS = "all commercial regions, ap-southeast-3 included (source: WAF pricing is the same in every Region)"

# Sources used more than once.
SG_BILL = (
    "https://github.com/rahmat-ullah/DocParser/blob/d890afd0132a77830a6244c67d434f21a08058f8/"
    "backend/sample_full_document.md (an AWS bill rendered to text; the line items quoted are its "
    "'Asia Pacific (Singapore)' ones)"
)
SG_BILL_DATE = "billing period 2025-05-01..2025-05-31, printed 2025-06-01"
WAF_BLOG = (
    "https://aws.amazon.com/blogs/networking-and-content-delivery/"
    "cost-effective-ways-for-securing-your-web-applications-using-aws-waf/"
)
CW_PRICING = "https://aws.amazon.com/cloudwatch/pricing/?nc2=type_a"
GENERAL = "general knowledge, not verified"

PRICES_CHECKED = (
    "sources dated 2025-05 (Singapore bill) to 2026-09-20 (Cognito page read); "
    "the stored aws.amazon.com pricing pages used show no date; looked up 2026-11-29"
)

PRICES: dict[str, Price] = {
    # --- Step Functions (Standard workflows) -------------------------------------------------------
    "stepfunctions_standard_per_1k_transitions": Price(
        usd=0.025,
        unit="per 1,000 state transitions",
        region=SINGAPORE,
        source="https://aws.amazon.com/step-functions/pricing/ (stored copy; its state-transitions table "
        "lists 'Asia Pacific (Singapore) | $0.0250' and has no Jakarta row)",
        free_tier="4,000 state transitions per month; does not expire",
        note="Retries count as extra transitions.",
    ),
    # --- Lambda -----------------------------------------------------------------------------------
    "lambda_per_1m_requests": Price(
        usd=0.20,
        unit="per 1,000,000 requests (x86_64 and arm64)",
        region=US_EAST_1,
        source="https://github.com/api-evangelist/aws-lambda/blob/2540b080595eb6a0b672c67986e91a31b5e48cea/"
        "plans/aws-lambda-plans-pricing.yml (transcribes https://aws.amazon.com/lambda/pricing/, geo US-East-1); "
        "also https://teknocerdas.com/cloud/reinvent-2020-aws-lambda-1ms-billing",
        date="2026-05-05 (file modified)",
        free_tier="1,000,000 requests and 400,000 GB-seconds per month, x86 and Arm together; does not expire",
    ),
    "lambda_per_gb_second_x86_64": Price(
        usd=0.0000166667,
        unit="per GB-second of duration (first tier)",
        region="us-east-1 base rate (Jakarta not found in stored pages; see note)",
        source="https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js "
        "(base x86_64: 1666670 x 1e-11 USD)",
        free_tier="400,000 GB-seconds per month (shared with arm64)",
        note="That table lists only af-south-1, ap-east-1, eu-south-1, me-south-1 and me-central-1 as priced "
        "differently from the base, so ap-southeast-1/-3 would pay the base rate if it is complete: an "
        "inference, not a Jakarta figure.",
    ),
    "lambda_per_gb_second_arm64": Price(
        usd=0.0000133334,
        unit="per GB-second of duration (first tier)",
        region="us-east-1 base rate (Jakarta not found in stored pages; see note)",
        source="https://app.unpkg.com/artillery@2.0.28/files/lib/platform/aws-lambda/prices.js "
        "(base arm64: 1333340 x 1e-11 USD)",
        free_tier="400,000 GB-seconds per month (shared with x86_64)",
        note="Same inference as lambda_per_gb_second_x86_64.",
    ),
    # --- API Gateway (REST API) -------------------------------------------------------------------
    "apigateway_rest_per_1m_requests": Price(
        usd=3.50,
        unit="per 1,000,000 REST API calls (first 333 million per month)",
        region=US_EAST_1,
        source="https://docs.aws.amazon.com/pt_br/whitepapers/latest/best-practices-api-gateway-private-apis-"
        "integration/cost-optimization.html (Table 4; the table names us-east-1 for its HTTP rows)",
        free_tier="1,000,000 REST API calls per month for the first 12 months (new accounts only)",
        note="Next 667M: $2.80, next 19B: $2.38, over 20B: $1.51 per million (same table).",
    ),
    # --- DynamoDB (on-demand) ---------------------------------------------------------------------
    "dynamodb_ondemand_write_per_1m": Price(
        usd=0.71,
        unit="per 1,000,000 write request units",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.71 per million write request units (Asia Pacific (Singapore))'",
        date=SG_BILL_DATE,
        free_tier="none for on-demand requests (the 25 WCU / 25 RCU free tier is provisioned capacity)",
        note="Transactional writes use 2 WRU per KB.",
    ),
    "dynamodb_ondemand_read_per_1m": Price(
        usd=0.1425,
        unit="per 1,000,000 read request units",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.1425 per million read request units (Asia Pacific (Singapore))'",
        date=SG_BILL_DATE,
        free_tier="none for on-demand requests",
        note="A strongly consistent read of up to 4 KB is 1 RRU, eventually consistent 0.5, transactional 2.",
    ),
    "dynamodb_storage_per_gb_month": Price(
        usd=0.25,
        unit="per GB-month of table storage (Standard table class)",
        region=US_EAST_1,
        source="https://aws.amazon.com/dynamodb/pricing/ (stored copy: 'prices start from $0.25 per GB-month')",
        free_tier="25 GB per month; does not expire",
    ),
    "dynamodb_streams_read_by_lambda": Price(
        usd=0.0,
        unit="per GetRecords call made by a Lambda trigger on a DynamoDB stream",
        region="all regions",
        source=GENERAL + " (the DynamoDB pricing page says GetRecords calls invoked by Lambda triggers are not "
        "charged; the stored copy read only confirms the streams free tier)",
        free_tier="2,500,000 DynamoDB Streams read requests per month (https://aws.amazon.com/dynamodb/pricing/)",
    ),
    # --- SQS --------------------------------------------------------------------------------------
    "sqs_standard_per_1m_requests": Price(
        usd=0.40,
        unit="per 1,000,000 requests (each 64 KB chunk of a payload is one request)",
        region=US_EAST_1,
        source="https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/ "
        "('us-east-1, June 2026'); also https://unanswered.io/guide/aws-sqs-pricing-and-cost-optimization",
        date="2026-06-13",
        free_tier="1,000,000 requests per month; does not expire (the Singapore bill shows the same "
        "'First 1,000,000 Amazon SQS Requests per month are free')",
    ),
    # --- SES --------------------------------------------------------------------------------------
    "ses_per_1k_outbound": Price(
        usd=0.10,
        unit="per 1,000 outbound email recipients (a-la-carte: $0.0001 each)",
        region=US_EAST_1,
        source="https://github.com/api-evangelist/amazon-ses/blob/0d21edc28a7f74b74aad220cc9795fcf6f4d38f1/"
        "plans/amazon-ses-plans-pricing.yml (read from the AWS Price List API, AmazonSES us-east-1, "
        "publicationDate 2026-07-22T17:20:54Z)",
        date="2026-07-22",
        free_tier="legacy: 3,000 message charges per month for the first 12 months; withdrawn for new "
        "customers on 2026-07-21 (replaced by up to $200 of AWS Free Tier credits)",
        note="Attachments add $0.12 per GB. Accounts new to SES since 2026-07-21 default to the Essentials "
        "plan, see ses_essentials_per_1k_outbound.",
    ),
    "ses_essentials_per_1k_outbound": Price(
        usd=0.16,
        unit="per 1,000 outbound emails on the Essentials plan (first 10M per month; $0.00016 each)",
        region=US_EAST_1,
        source="https://github.com/api-evangelist/amazon-ses/blob/0d21edc28a7f74b74aad220cc9795fcf6f4d38f1/"
        "plans/amazon-ses-plans-pricing.yml",
        date="2026-07-22",
        free_tier="see ses_per_1k_outbound",
        note="No monthly fee; default plan for new SES accounts from 2026-07-21.",
    ),
    # --- CloudWatch -------------------------------------------------------------------------------
    "cloudwatch_custom_metric_per_month": Price(
        usd=0.30,
        unit="per custom metric per month (first 10,000 metrics)",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.30 per metric-month for the first 10,000 metrics - Asia Pacific (Singapore)'",
        date=SG_BILL_DATE,
        free_tier="10 custom/detailed-monitoring metrics and 1,000,000 API requests per month (" + CW_PRICING + ")",
        note="Each distinct name+namespace+dimension-values combination is one metric.",
    ),
    "cloudwatch_alarm_standard_per_month": Price(
        usd=0.10,
        unit="per standard-resolution alarm metric per month",
        region=US_EAST_1,
        source=GENERAL,
        free_tier="10 standard-resolution alarm metrics per month (" + CW_PRICING + ")",
    ),
    "cloudwatch_dashboard_per_month": Price(
        usd=3.00,
        unit="per custom dashboard per month",
        region=US_EAST_1,
        source="https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/ "
        "('dashboards at $3 each'; region not stated)",
        date="2026-06-13",
        free_tier="3 custom dashboards of up to 50 metrics each per month; automatic dashboards free ("
        + CW_PRICING
        + ")",
    ),
    "cloudwatch_logs_ingest_per_gb": Price(
        usd=0.70,
        unit="per GB of log data ingested (Standard log class)",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.70 per GB custom log data ingested in Standard log class - Asia Pacific "
        "(Singapore)' (the same bill shows $0.50 for US West (Oregon))",
        date=SG_BILL_DATE,
        free_tier="5 GB per month of logs data, ingestion + archive storage + Logs Insights scanned ("
        + CW_PRICING
        + ")",
    ),
    "cloudwatch_logs_storage_per_gb_month": Price(
        usd=0.03,
        unit="per GB-month of log data archived",
        region=US_EAST_1,
        source=GENERAL,
        free_tier="shares the 5 GB per month logs free tier (" + CW_PRICING + ")",
    ),
    # --- WAF --------------------------------------------------------------------------------------
    "waf_web_acl_per_month": Price(
        usd=5.00,
        unit="per web ACL per month (prorated hourly)",
        region=ALL_REGIONS,
        source=SG_BILL
        + ": 'AWS WAF Global-WebACLV2 $5.00 per web ACL created (prorated hourly)'; "
        + WAF_BLOG
        + " ('The pricing for AWS WAF is consistent across all AWS Regions')",
        date=SG_BILL_DATE,
        free_tier="none",
    ),
    "waf_rule_per_month": Price(
        usd=1.00,
        unit="per rule (or rule group) in a web ACL per month (prorated hourly)",
        region=ALL_REGIONS,
        source=SG_BILL + ": 'AWS WAF Global-RuleV2 $1.00 per rule created (prorated hourly)'; " + WAF_BLOG,
        date=SG_BILL_DATE,
        free_tier="none",
    ),
    "waf_per_1m_requests": Price(
        usd=0.60,
        unit="per 1,000,000 web requests inspected",
        region=ALL_REGIONS,
        source=SG_BILL + ": 'AWS WAF Global-RequestV2-Tier1 $0.60 per million requests processed'; " + WAF_BLOG,
        date=SG_BILL_DATE,
        free_tier="none",
    ),
    "waf_managed_baseline_rule_group_fee": Price(
        usd=0.0,
        unit="extra subscription fee per month for an AWS Managed Rules baseline group "
        "(e.g. AWSManagedRulesCommonRuleSet, KnownBadInputs, IP reputation)",
        region="all regions",
        source=GENERAL + "; the stored AWS blog (" + WAF_BLOG + ") says extra charges apply to the intelligent "
        "threat mitigation groups only (Bot Control, Fraud Control ATP/ACFP, CAPTCHA, Challenge)",
        note="Each managed rule group added to a web ACL is still billed as one rule ($1/month) plus the "
        "per-request charge (general knowledge, not verified). Bot Control and Fraud Control cost extra.",
    ),
    # --- KMS --------------------------------------------------------------------------------------
    "kms_customer_managed_key_per_month": Price(
        usd=1.00,
        unit="per customer managed key per month (each automatic rotation adds $1/month)",
        region=SINGAPORE,
        source=SG_BILL + ": '$1 per customer managed KMS key version in Asia Pacific (Singapore)'; "
        "also https://aws.amazon.com/kms/pricing/ (stored copy)",
        date=SG_BILL_DATE,
        free_tier="AWS managed and AWS owned keys: no monthly charge",
    ),
    "kms_per_10k_requests": Price(
        usd=0.03,
        unit="per 10,000 symmetric-key API requests",
        region="us-east-1 (assumed: the source states no region; Jakarta and Singapore not found in stored pages)",
        source="https://www.wring.co/blog/aws-kms-pricing-guide",
        date="2026-03-15",
        free_tier="20,000 requests per month across all regions (https://aws.amazon.com/kms/pricing/)",
    ),
    # --- Cognito user pools -----------------------------------------------------------------------
    "cognito_lite_per_mau": Price(
        usd=0.0055,
        unit="per monthly active user above the free tier (Lite plan, first price tier)",
        region=US_EAST_1,
        source="https://github.com/api-evangelist/amazon-cognito/blob/main/plans/amazon-cognito-plans-pricing.yml "
        "(quotes https://aws.amazon.com/cognito/pricing/ verbatim; read 2026-09-20)",
        date="2026-09-20",
        free_tier="10,000 MAU per month per account (Lite and Essentials)",
        note="Lite is tiered: the page's worked example charges further MAUs at $0.0046.",
    ),
    "cognito_essentials_per_mau": Price(
        usd=0.015,
        unit="per monthly active user above the free tier (Essentials plan, the default for new pools)",
        region=US_EAST_1,
        source="https://github.com/api-evangelist/amazon-cognito/blob/main/plans/amazon-cognito-plans-pricing.yml "
        "(quotes https://aws.amazon.com/cognito/pricing/ verbatim; read 2026-09-20)",
        date="2026-09-20",
        free_tier="10,000 MAU per month per account; 50 MAU for SAML/OIDC federation",
        note="Plus: $0.020 per MAU, no free tier.",
    ),
    # --- S3 (attachments) -------------------------------------------------------------------------
    "s3_standard_per_gb_month": Price(
        usd=0.025,
        unit="per GB-month (S3 Standard, first 50 TB)",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.025 per GB - first 50 TB / month of storage used' (APS1-TimedStorage-ByteHrs)",
        date=SG_BILL_DATE,
        free_tier="5 GB-month (the bill's 'monthly global free tier'; 12 months for accounts on the legacy free tier)",
    ),
    "s3_put_per_1k": Price(
        usd=0.005,
        unit="per 1,000 PUT, COPY, POST or LIST requests",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.005 per 1,000 PUT, COPY, POST, or LIST requests' (APS1-Requests-Tier1)",
        date=SG_BILL_DATE,
        free_tier="2,000 PUT/COPY/POST/LIST requests per month (legacy free tier)",
    ),
    "s3_get_per_1k": Price(
        usd=0.0004,
        unit="per 1,000 GET and other requests",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.004 per 10,000 GET and all other requests' (APS1-Requests-Tier2)",
        date=SG_BILL_DATE,
        free_tier="20,000 GET requests per month (legacy free tier)",
    ),
    # --- The always-on alternative: EC2, EBS, RDS, ALB ---------------------------------------------
    "ec2_t3_small_per_hour": Price(
        usd=0.0264,
        unit="per instance-hour, t3.small (2 vCPU, 2 GiB), Linux, on-demand",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.0264 per On Demand Linux t3.small Instance Hour'",
        date=SG_BILL_DATE,
        note="T3 'unlimited' CPU credits above baseline are billed extra.",
    ),
    "ec2_t3_medium_per_hour": Price(
        usd=0.0528,
        unit="per instance-hour, t3.medium (2 vCPU, 4 GiB), Linux, on-demand",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.0528 per On Demand Linux t3.medium Instance Hour'",
        date=SG_BILL_DATE,
    ),
    "ec2_t3_large_per_hour": Price(
        usd=0.1056,
        unit="per instance-hour, t3.large (2 vCPU, 8 GiB), Linux, on-demand",
        region=SINGAPORE,
        source=GENERAL + " (twice t3.medium: T3 prices double with each size step)",
    ),
    "ebs_gp3_per_gb_month": Price(
        usd=0.096,
        unit="per GB-month of gp3 EBS volume",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.096 per GB-month of General Purpose (gp3) provisioned storage - Asia Pacific "
        "(Singapore)'",
        date=SG_BILL_DATE,
        free_tier="30 GB-month of EBS (12-month legacy free tier; the bill shows it applied)",
    ),
    "rds_postgres_db_t3_small_single_az_per_hour": Price(
        usd=0.056,
        unit="per instance-hour, db.t3.small (2 vCPU, 2 GiB), PostgreSQL, Single-AZ",
        region=SINGAPORE,
        source=SG_BILL + ": 'USD 0.056 per db.t3.small Single-AZ instance hour (or partial hour) running PostgreSQL'",
        date=SG_BILL_DATE,
        note="MySQL price not found; T3 CPU credits above baseline billed at $0.144 per vCPU-hour (same bill, "
        "SQL Server line).",
    ),
    "rds_postgres_db_t3_small_multi_az_per_hour": Price(
        usd=0.112,
        unit="per instance-hour, db.t3.small, PostgreSQL, Multi-AZ (primary + standby)",
        region=SINGAPORE,
        source=SG_BILL + ": 'USD 0.112 per db.t3.small Multi-AZ instance hour (or partial hour) running PostgreSQL'",
        date=SG_BILL_DATE,
    ),
    "rds_gp3_per_gb_month": Price(
        usd=0.138,
        unit="per GB-month of RDS gp3 storage, Single-AZ",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.138 per GB-month of provisioned GP3 storage running PostgreSQL'",
        date=SG_BILL_DATE,
        free_tier="20 GB-month of RDS storage (12-month legacy free tier, db.t3.micro/t4g.micro single-AZ only)",
    ),
    "rds_multi_az_storage_per_gb_month": Price(
        usd=0.276,
        unit="per GB-month of RDS storage, Multi-AZ (gp2; twice the Single-AZ rate)",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.276 per GB-month of provisioned gp2 storage for Multi-AZ deployments running "
        "PostgreSQL'",
        date=SG_BILL_DATE,
    ),
    "alb_per_hour": Price(
        usd=0.0252,
        unit="per Application Load Balancer-hour",
        region=SINGAPORE,
        source=SG_BILL + ": '$0.0252 per Application LoadBalancer-hour (or partial hour)'",
        date=SG_BILL_DATE,
        free_tier="750 ALB-hours and 15 LCUs per month (12-month legacy free tier; the bill shows 750 h applied)",
    ),
    "alb_per_lcu_hour": Price(
        usd=0.008,
        unit="per Load Balancer Capacity Unit-hour",
        region=US_EAST_1,
        source=GENERAL,
        note="A ticket system at these volumes uses well under 1 LCU (25 new connections/s, 1 GB/h).",
    ),
}

# Asked for and not found anywhere in the stored pages (so deliberately absent from PRICES):
NOT_FOUND = (
    "any ap-southeast-3 (Jakarta) price for any service",
    "RDS db.t3.micro (MySQL or PostgreSQL), any region",
    "RDS db.m5.large Single-AZ or Multi-AZ (MySQL or PostgreSQL), any region",
    "RDS MySQL prices (only PostgreSQL lines were found)",
    "Singapore prices for Lambda, API Gateway, SQS, SES, Cognito, CloudWatch alarms/dashboards/log storage, "
    "DynamoDB storage, KMS requests, ALB LCU",
)

# Amazon SES is offered in Jakarta (ap-southeast-3): the SES v2 API reference lists the DKIM origin
# AWS_SES_AP_SOUTHEAST_3, "replicating from a parent identity in Asia Pacific (Jakarta) region" (the same
# wording is in the AWS SDK docs stored in the code index), and a region table in a public Rails app,
# commented "SES commercial regions, in the order of the SES endpoints table", lists
# "ap-southeast-3" => "Asia Pacific (Jakarta)". No SES price for Jakarta was found.
SES_IN_JAKARTA = True
SES_IN_JAKARTA_SOURCE = (
    "https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_DkimSigningAttributes.html "
    "(DomainSigningAttributesOrigin values, AWS_SES_AP_SOUTHEAST_3 = Asia Pacific (Jakarta))"
)

HOURS_PER_MONTH = 730


@dataclass(frozen=True)
class VmSize:
    """One size of the always-on alternative: a ticket system (osTicket or Zammad) on EC2 with RDS."""

    complaints_per_year: int
    ec2: str  # key in PRICES
    ec2_count: int
    rds: str  # key in PRICES
    ebs_gb_per_instance: int
    rds_storage: str  # key in PRICES
    rds_gb: int
    alb: bool
    hours_per_month: int
    reason: str


VM_ALTERNATIVE: list[VmSize] = [
    VmSize(
        complaints_per_year=1_000,
        ec2="ec2_t3_small_per_hour",
        ec2_count=1,
        rds="rds_postgres_db_t3_small_single_az_per_hour",
        ebs_gb_per_instance=30,
        rds_storage="rds_gp3_per_gb_month",
        rds_gb=20,
        alb=False,
        hours_per_month=HOURS_PER_MONTH,
        reason="~3 complaints a day: one small web VM (osTicket-class PHP app) and the smallest DB whose price "
        "was found (db.t3.micro would be cheaper, but its price was not found); no redundancy.",
    ),
    VmSize(
        complaints_per_year=100_000,
        ec2="ec2_t3_medium_per_hour",
        ec2_count=1,
        rds="rds_postgres_db_t3_small_single_az_per_hour",
        ebs_gb_per_instance=50,
        rds_storage="rds_gp3_per_gb_month",
        rds_gb=50,
        alb=False,
        hours_per_month=HOURS_PER_MONTH,
        reason="~275 complaints a day: 4 GiB for the app (Zammad needs at least this much); the load is still "
        "light, so one VM and a Single-AZ database.",
    ),
    VmSize(
        complaints_per_year=1_000_000,
        ec2="ec2_t3_medium_per_hour",
        ec2_count=2,
        rds="rds_postgres_db_t3_small_multi_az_per_hour",
        ebs_gb_per_instance=50,
        rds_storage="rds_multi_az_storage_per_gb_month",
        rds_gb=200,
        alb=True,
        hours_per_month=HOURS_PER_MONTH,
        reason="~2,700 complaints a day (well under 1 request/s): two VMs behind an ALB and a Multi-AZ database "
        "for availability, not load; a heavier 2x t3.large + db.m5.large Multi-AZ could not be priced.",
    ),
]


def vm_monthly_usd(size: VmSize) -> float:
    """Monthly on-demand cost of one VM_ALTERNATIVE size, no free tier, ALB LCUs counted as 1 LCU-hour/hour."""
    hours = size.hours_per_month
    cost = PRICES[size.ec2].usd * size.ec2_count * hours
    cost += PRICES["ebs_gp3_per_gb_month"].usd * size.ebs_gb_per_instance * size.ec2_count
    cost += PRICES[size.rds].usd * hours
    cost += PRICES[size.rds_storage].usd * size.rds_gb
    if size.alb:
        cost += (PRICES["alb_per_hour"].usd + PRICES["alb_per_lcu_hour"].usd) * hours
    return cost
