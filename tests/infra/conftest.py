"""Synthesize the CDK app once, offline, with cdk-nag's AwsSolutions checks applied."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory):
    sys.path.insert(0, str(ROOT / "infra"))
    import aws_cdk as cdk
    from cdk_app import build

    out = tmp_path_factory.mktemp("cdk")
    cwd, environ = os.getcwd(), dict(os.environ)
    os.chdir(out)  # chalice.cdk packages into ./chalice.out
    try:
        app = cdk.App(outdir=str(out / "cdk.out"))
        stack = build(app)
        assembly = app.synth()
    finally:
        os.chdir(cwd)
        # Chalice's packager exports the stage's environment variables into this process: undo it.
        os.environ.clear()
        os.environ.update(environ)
    return stack, assembly


@pytest.fixture(scope="session")
def resources(synthesized):
    """The synthesized stack's CloudFormation resources, by logical id."""
    from aws_cdk.assertions import Template

    return Template.from_stack(synthesized[0]).to_json()["Resources"]
