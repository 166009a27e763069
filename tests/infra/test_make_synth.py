"""`make synth`: the CDK app synthesized offline into cdk.out/, the same stack the infra tests check."""

from __future__ import annotations

import json

import pytest

from ..makefile import ROOT, make

pytestmark = pytest.mark.infra


def test_make_synth_writes_the_template(resources):
    result = make("synth", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Synthesized: cdk.out/AspirasiKaltim.template.json" in result.stdout
    template = json.loads((ROOT / "cdk.out" / "AspirasiKaltim.template.json").read_text())
    assert set(template["Resources"]) == set(resources)  # what the infra tests synthesized in-process
