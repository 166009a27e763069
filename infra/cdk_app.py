#!/usr/bin/env python3
"""The CDK app: `make synth` (offline) or `cdk deploy` from this folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "infra")]
os.environ.setdefault("AWS_DEFAULT_REGION", os.environ.get("CDK_DEFAULT_REGION", "ap-southeast-3"))

import aws_cdk as cdk  # noqa: E402
from aspirasi_infra.stack import AspirasiStack  # noqa: E402
from cdk_nag import AwsSolutionsChecks  # noqa: E402


def build(app: cdk.App) -> AspirasiStack:
    region = app.node.try_get_context("region") or os.environ.get("CDK_DEFAULT_REGION") or "ap-southeast-3"
    stack = AspirasiStack(
        app,
        app.node.try_get_context("stackName") or "AspirasiKaltim",
        env=cdk.Environment(account=os.environ.get("CDK_DEFAULT_ACCOUNT"), region=region),
        description="Aspirasi Kaltim: public aspiration and complaint service (SOP executable)",
    )
    cdk.Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return stack


if __name__ == "__main__":
    app = cdk.App()
    build(app)
    app.synth()
