"""CloudWatch metrics in EMF through Powertools (one document per metric, with its own dimensions)."""

from __future__ import annotations

from aws_lambda_powertools.metrics import MetricUnit, single_metric

NAMESPACE = "AspirasiKaltim"


class PowertoolsMetrics:
    def __init__(self, namespace: str = NAMESPACE):
        self.namespace = namespace

    def count(self, name: str, value: float = 1, unit: str = "Count", dimensions: dict[str, str] | None = None):
        with single_metric(name=name, unit=MetricUnit(unit), value=value, namespace=self.namespace) as metric:
            for key, dim in (dimensions or {}).items():
                metric.add_dimension(name=key, value=dim)
