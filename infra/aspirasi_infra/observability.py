"""Alarms and the ops dashboard. docs/operations.md says what each alarm means and what to do."""

from __future__ import annotations

from functools import partial

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as actions
from constructs import Construct

from chalicelib.adapters.metrics import NAMESPACE
from chalicelib.domain import sop

from .delivery import ITERATOR_AGE_ALARM_SECONDS

FIVE_MINUTES = Duration.minutes(5)


def app_metric(name: str, statistic: str = "Sum", **dimensions: str) -> cw.Metric:
    return cw.Metric(
        namespace=NAMESPACE,
        metric_name=name,
        dimensions_map=dimensions or None,
        statistic=statistic,
        period=FIVE_MINUTES,
    )


def sop_minutes(stage: sop.Stage) -> int:
    """The SOP time in business minutes (a working day is 8 office hours by default)."""
    return stage.sla.minutes + stage.sla.working_days * 8 * 60


class Observability(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        prefix: str,
        state_machine,
        dead_letters,
        functions: dict[str, str],
        api_name: str,
        topic,
        change_function: str,
        change_dead_letters,
        firewall: str,
        whatsapp_dead_letters=None,
    ) -> None:
        super().__init__(scope, construct_id)
        action = actions.SnsAction(topic)
        self.alarms: dict[str, cw.Alarm] = {}
        self._whatsapp_widgets: list[cw.IWidget] = []

        def alarm(
            name: str,
            metric: cw.IMetric,
            description: str,
            threshold: float = 1,
            comparison=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        ) -> None:
            created = cw.Alarm(
                self,
                name,
                alarm_name=f"{prefix}-{name}",
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                comparison_operator=comparison,
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
                alarm_description=f"{description} Runbook: docs/operations.md#{name.lower()}",
            )
            created.add_alarm_action(action)
            self.alarms[name] = created

        breaches = {s.name: app_metric("SlaBreached", Stage=s.name) for s in sop.STAGES}
        alarm(
            "OpdDeadlineBreached",
            breaches["opd_response"],
            "An agency (OPD) missed its 2-working-day deadline for a complaint.",
        )
        alarm(
            "StageDeadlineBreached",
            cw.MathExpression(
                expression=" + ".join(f"m{i}" for i in range(len(breaches))),
                using_metrics={f"m{i}": m for i, m in enumerate(breaches.values())},
                period=FIVE_MINUTES,
                label="SLA breaches, all stages",
            ),
            "A stage of the SOP passed its deadline.",
        )
        # One series for all kinds (an alarm's metric math takes at most 10 metrics; there are more templates).
        alarm(
            "EmailsRejected",
            app_metric("EmailsRejected").with_(period=FIVE_MINUTES, label="emails refused, all kinds"),
            "SES refused an email for good (bad or suppressed address, unverified sender); the case went on "
            "without it.",
        )
        alarm(
            "DeadLettersWaiting",
            dead_letters.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
            "Handoff messages failed 10 times and wait in the dead-letter queue: a complaint is stuck.",
        )
        alarm("ExecutionsFailed", state_machine.metric_failed(period=FIVE_MINUTES), "A complaint's execution failed.")
        alarm(
            "ExecutionsTimedOut",
            state_machine.metric_timed_out(period=FIVE_MINUTES),
            "A complaint's execution reached the one-year limit.",
        )
        alarm(
            "ExecutionsAborted",
            state_machine.metric_aborted(period=FIVE_MINUTES),
            "A complaint's execution was stopped by hand.",
        )
        for label, function_name in functions.items():
            lambda_metric = partial(
                cw.Metric,
                namespace="AWS/Lambda",
                dimensions_map={"FunctionName": function_name},
                statistic="Sum",
                period=FIVE_MINUTES,
            )
            alarm(
                f"{label}FunctionErrors",
                lambda_metric(metric_name="Errors"),
                f"The {label} Lambda function raised errors.",
            )
            alarm(
                f"{label}FunctionThrottles",
                lambda_metric(metric_name="Throttles"),
                f"The {label} Lambda function was throttled.",
            )
        # Decisions handed over from the tables' streams (delivery.py): late, or given up.
        iterator_age = cw.Metric(
            namespace="AWS/Lambda",
            metric_name="IteratorAge",
            statistic="Maximum",
            dimensions_map={"FunctionName": change_function},
            period=FIVE_MINUTES,
        )
        alarm(
            "ChangeIteratorAge",
            iterator_age,
            f"A decision, answer or reopening waited over {ITERATOR_AGE_ALARM_SECONDS} s on its table's stream "
            "to reach the state machine (hand-overs are failing or slow).",
            threshold=ITERATOR_AGE_ALARM_SECONDS * 1000,
            comparison=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )
        alarm(
            "ChangeDeadLettersWaiting",
            change_dead_letters.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum"),
            "A stream record was given up after its retries: a decision waits for its stage's next timer.",
        )
        if whatsapp_dead_letters is not None:
            self._whatsapp(alarm, whatsapp_dead_letters, functions.get("WhatsApp"))
        api = partial(cw.Metric, namespace="AWS/ApiGateway", dimensions_map={"ApiName": api_name}, period=FIVE_MINUTES)
        server_errors = api(metric_name="5XXError", statistic="Average")  # a rate: 0..1
        alarm(
            "Api5xxRate",
            server_errors,
            "More than 5% of API requests failed with a 5xx.",
            threshold=0.05,
            comparison=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        )

        self.dashboard = self._dashboard(prefix, state_machine, dead_letters, functions, api)
        if self._whatsapp_widgets:
            self.dashboard.add_widgets(*self._whatsapp_widgets)
        waf = partial(cw.Metric, namespace="AWS/WAFV2", statistic="Sum", period=FIVE_MINUTES)
        self.dashboard.add_widgets(
            cw.GraphWidget(
                title="Decision delivery (DynamoDB streams)",
                width=12,
                left=[iterator_age.with_(label="iterator age max (ms)")],
                left_annotations=[cw.HorizontalAnnotation(value=ITERATOR_AGE_ALARM_SECONDS * 1000, label="alarm")],
                right=[
                    cw.Metric(
                        namespace="AWS/Lambda",
                        metric_name=name,
                        statistic="Sum",
                        label=name.lower(),
                        dimensions_map={"FunctionName": change_function},
                    )
                    for name in ("Invocations", "Errors")
                ]
                + [
                    change_dead_letters.metric_approximate_number_of_messages_visible(
                        statistic="Maximum", label="given up (DLQ)"
                    )
                ],
            ),
            cw.GraphWidget(
                title="WAF: requests blocked and counted",
                width=12,
                left=[
                    waf(
                        metric_name=metric,
                        label=label,
                        dimensions_map={"WebACL": firewall, "Region": Stack.of(self).region, "Rule": "ALL"},
                    )
                    for metric, label in (("BlockedRequests", "blocked"), ("CountedRequests", "counted"))
                ]
                + [
                    waf(
                        metric_name="BlockedRequests",
                        label="rate limit",
                        dimensions_map={"WebACL": firewall, "Region": Stack.of(self).region, "Rule": "RateLimitPerIp"},
                    )
                ],
                # The app's own limits (429): a citizen's complaints an hour, an Open311 key's requests a minute.
                right=[
                    app_metric("SubmissionRateLimited").with_(label="complaints over the hour's limit"),
                    app_metric("Open311RateLimited").with_(label="Open311 over the minute's limit"),
                ],
            ),
        )

    def _whatsapp(self, alarm, dead_letters, function: str | None) -> None:
        """The WhatsApp channel: its dead letters, and sends the Cloud API refused (one series, no dimensions)."""
        waiting = dead_letters.metric_approximate_number_of_messages_visible(period=FIVE_MINUTES, statistic="Maximum")
        alarm(
            "WhatsAppDeadLettersWaiting",
            waiting,
            "A WhatsApp webhook POST failed 13 times and waits in the dead-letter queue: citizens' messages or "
            "statuses are not handled.",
        )
        failed = app_metric("WhatsAppSendsFailed").with_(period=FIVE_MINUTES, label="WhatsApp sends failed")
        alarm(
            "WhatsAppSendsFailed",
            failed,
            "The WhatsApp Cloud API refused a message to a citizen (token, template, window, number).",
        )
        self._whatsapp_widgets = [
            cw.GraphWidget(
                title="WhatsApp: messages sent and failed",
                width=12,
                left=[app_metric("WhatsAppSent").with_(label="sent"), failed],
                right=[waiting.with_(label="webhook POSTs given up (DLQ)")],
            ),
            cw.GraphWidget(
                title="WhatsApp: webhook consumer",
                width=12,
                left=[
                    cw.Metric(
                        namespace="AWS/Lambda",
                        metric_name=name,
                        statistic="Sum",
                        label=name.lower(),
                        dimensions_map={"FunctionName": function},
                        period=FIVE_MINUTES,
                    )
                    for name in ("Invocations", "Errors")
                ]
                if function
                else [],
            ),
        ]

    def _dashboard(self, prefix, state_machine, dead_letters, functions, api) -> cw.Dashboard:
        def search(expression: str, label: str) -> cw.MathExpression:
            return cw.MathExpression(expression=expression, using_metrics={}, label=label, period=FIVE_MINUTES)

        board = cw.Dashboard(self, "Dashboard", dashboard_name=f"{prefix}-ops", default_interval=Duration.days(7))
        board.add_widgets(
            cw.TextWidget(
                markdown="# Aspirasi Kaltim\nComplaints, SOP deadlines and the machinery behind them. "
                "Alarms and what to do: `docs/operations.md`.",
                width=24,
                height=2,
            )
        )
        board.add_widgets(
            cw.GraphWidget(
                title="Complaints submitted",
                width=6,
                left=[
                    search(
                        f"SUM(SEARCH('{{{NAMESPACE},Category}} MetricName=\"ComplaintSubmitted\"', 'Sum', 300))",
                        "submitted",
                    )
                ],
            ),
            # web, or how an operator received it: phone, walk_in, letter, whatsapp, social_media, email, sp4n_lapor
            cw.GraphWidget(
                title="Complaints by channel",
                width=6,
                left=[search(f"SEARCH('{{{NAMESPACE},Channel}} MetricName=\"ComplaintSubmitted\"', 'Sum', 300)", "")],
            ),
            cw.GraphWidget(
                title="SLA breaches by stage",
                width=6,
                left=[app_metric("SlaBreached", Stage=s.name).with_(label=s.name) for s in sop.STAGES],
            ),
            cw.GraphWidget(
                title="SLA breaches by OPD",
                width=6,
                left=[search(f"SEARCH('{{{NAMESPACE},Opd,Stage}} MetricName=\"SlaBreached\"', 'Sum', 300)", "")],
            ),
        )
        board.add_widgets(
            *[
                cw.GraphWidget(
                    title=f"{stage.label_en}: business minutes (SOP {stage.sla.describe_en()})",
                    width=8,
                    left=[
                        app_metric("StageDurationBusinessMinutes", "Average", Stage=stage.name).with_(label="average"),
                        app_metric("StageDurationBusinessMinutes", "p90", Stage=stage.name).with_(label="p90"),
                    ],
                    left_annotations=[cw.HorizontalAnnotation(value=sop_minutes(stage), label="SOP", color="#d13212")],
                )
                for stage in sop.STAGES
            ]
        )
        board.add_widgets(
            cw.GraphWidget(
                title="Reminders and escalations",
                width=8,
                left=[
                    search(
                        f"SUM(SEARCH('{{{NAMESPACE},Stage}} MetricName=\"RemindersSent\"', 'Sum', 300))", "reminders"
                    ),
                    search(
                        f"SUM(SEARCH('{{{NAMESPACE},Stage}} MetricName=\"EscalationsSent\"', 'Sum', 300))",
                        "escalations",
                    ),
                ],
            ),
            cw.GraphWidget(
                title="Executions",
                width=8,
                left=[
                    state_machine.metric_started(label="started"),
                    state_machine.metric_succeeded(label="succeeded"),
                    state_machine.metric_failed(label="failed"),
                    state_machine.metric_timed_out(label="timed out"),
                ],
            ),
            cw.GraphWidget(
                title="Dead-letter queue depth",
                width=8,
                left=[
                    dead_letters.metric_approximate_number_of_messages_visible(statistic="Maximum", label="messages")
                ],
            ),
        )
        # The citizen's voice after the reply, and the whole SOP's 2-day target (section E).
        board.add_widgets(
            cw.GraphWidget(
                title="Citizen rating by OPD (1-5, average)",
                width=8,
                left=[search(f"SEARCH('{{{NAMESPACE},Opd}} MetricName=\"CitizenRating\"', 'Average', 300)", "")],
                left_y_axis=cw.YAxisProps(min=1, max=5),
            ),
            cw.GraphWidget(
                title="Whole-SOP target (2 days) at the first reply",
                width=8,
                left=[
                    app_metric("SopTargetMet").with_(label="met"),
                    app_metric("SopTargetBreached").with_(label="breached"),
                ],
            ),
            cw.GraphWidget(
                title="Questions to citizens and reopened cases",
                width=8,
                left=[
                    search(
                        f"SUM(SEARCH('{{{NAMESPACE},Stage}} MetricName=\"InformationRequested\"', 'Sum', 300))",
                        "questions asked",
                    ),
                    search(
                        f"SUM(SEARCH('{{{NAMESPACE},Stage}} MetricName=\"InformationAnswered\"', 'Sum', 300))",
                        "answered",
                    ),
                    app_metric("ComplaintReopened").with_(label="reopened"),
                ],
            ),
        )
        board.add_widgets(
            cw.GraphWidget(
                title="API latency (ms)",
                width=8,
                left=[
                    api(metric_name="Latency", statistic="p50", label="p50"),
                    api(metric_name="Latency", statistic="p90", label="p90"),
                ],
            ),
            cw.GraphWidget(
                title="API errors",
                width=8,
                left=[
                    api(metric_name="4XXError", statistic="Sum", label="4xx"),
                    api(metric_name="5XXError", statistic="Sum", label="5xx"),
                ],
            ),
            cw.GraphWidget(
                title="Lambda errors and duration",
                width=8,
                left=[
                    cw.Metric(
                        namespace="AWS/Lambda",
                        metric_name="Errors",
                        statistic="Sum",
                        label=f"{name} errors",
                        dimensions_map={"FunctionName": fn},
                    )
                    for name, fn in functions.items()
                ],
                right=[
                    cw.Metric(
                        namespace="AWS/Lambda",
                        metric_name="Duration",
                        statistic="p90",
                        label=f"{name} p90 ms",
                        dimensions_map={"FunctionName": fn},
                    )
                    for name, fn in functions.items()
                ],
            ),
        )
        return board
