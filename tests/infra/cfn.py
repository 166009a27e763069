"""Reading the synthesized template in the infra tests."""

from __future__ import annotations

from pynamodb.models import Model

from chalicelib.adapters.tables import PREFIX


def of_type(resources: dict, kind: str) -> dict:
    """The resources of one CloudFormation type, by logical id."""
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def deployed_table_name(model: type[Model]) -> str:
    """A model's table in the synthesized stack: its name with the deployment's prefix, not this process's."""
    return f"aspirasi-kaltim-{model.Meta.table_name.removeprefix(f'{PREFIX}-')}"
