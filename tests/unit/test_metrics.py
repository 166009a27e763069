"""EMF documents carry exactly the dimensions the alarms watch, whatever the environment says."""

import json

from chalicelib.adapters.metrics import PowertoolsMetrics


def test_dimensions_are_exactly_the_named_ones(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "aspirasi-kaltim")  # as in Lambda
    PowertoolsMetrics().count("SlaBreached", dimensions={"Stage": "opd_response"})
    PowertoolsMetrics().count("StageDurationBusinessMinutes", value=12.5, unit="None", dimensions={"Stage": "intake"})
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    directive = first["_aws"]["CloudWatchMetrics"][0]
    assert directive["Namespace"] == "AspirasiKaltim"
    assert directive["Dimensions"] == [["Stage"]] and "service" not in first
    assert directive["Metrics"] == [{"Name": "SlaBreached", "Unit": "Count"}]
    assert (first["Stage"], first["SlaBreached"]) == ("opd_response", [1.0])
    assert second["StageDurationBusinessMinutes"] == [12.5]


def test_powertools_switch_turns_metrics_off(monkeypatch, capsys):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    PowertoolsMetrics().count("SlaBreached", dimensions={"Stage": "intake"})
    assert capsys.readouterr().out == ""
