"""CloudWatch metrics in EMF through Powertools (one document per metric, with its own dimensions)."""

from __future__ import annotations

import json
import os

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.base import SingleMetric

NAMESPACE = "AspirasiKaltim"


class PowertoolsMetrics:
    """Each metric carries exactly the dimensions we name.

    Powertools would add a ``service`` dimension whenever POWERTOOLS_SERVICE_NAME is set; the
    alarms in infra/ watch exact dimension sets, so the service dimension is switched off here.
    """

    def __init__(self, namespace: str = NAMESPACE):
        self.namespace = namespace
        # Powertools' own switch, honoured here too (the local stack keeps its terminal quiet).
        self.disabled = os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() in ("1", "true")

    def count(self, name: str, value: float = 1, unit: str = "Count", dimensions: dict[str, str] | None = None):
        if self.disabled:
            return
        metric = SingleMetric(namespace=self.namespace, service="")
        metric.add_metric(name=name, unit=MetricUnit(unit), value=value)
        for key, dim in (dimensions or {}).items():
            metric.add_dimension(name=key, value=dim)
        # Lambda ships stdout to CloudWatch Logs, which extracts EMF documents as metrics.
        print(json.dumps(metric.serialize_metric_set(), separators=(",", ":")), flush=True)
