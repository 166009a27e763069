"""Reading the synthesized template in the infra tests."""

from __future__ import annotations


def of_type(resources: dict, kind: str) -> dict:
    """The resources of one CloudFormation type, by logical id."""
    return {k: v for k, v in resources.items() if v["Type"] == kind}
