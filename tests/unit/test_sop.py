"""The SOP module, and the state machine definition's agreement with it."""

import json
from pathlib import Path

import pytest

from chalicelib.domain import sop
from chalicelib.service.workflow import HANDLERS

ASL = json.loads((Path(__file__).parents[2] / "statemachine" / "complaint.asl.json").read_text())
STATES = ASL["States"]
# States that end the human stages, and the SOP terminal each stands for.
TERMINAL_STATES = {
    "DeliverReply": sop.ANSWERED,
    "RejectComplaint": sop.REJECTED,
    "CloseDuplicate": sop.DUPLICATE,
    "AskCitizen": sop.AWAITING_CITIZEN,
}


def test_stages_are_the_sop_human_stages_in_order():
    assert sop.STAGE_NAMES == ("intake", "classification", "opd_response", "review", "reply")
    assert [s.sop_step for s in sop.STAGES] == [2, 3, 4, 5, 6]


def test_sop_times_and_roles():
    expected = {
        "intake": (sop.Role.OPERATOR, sop.Duration(minutes=10)),
        "classification": (sop.Role.DISKOMINFO, sop.Duration(minutes=120)),
        "opd_response": (sop.Role.OPD, sop.Duration(working_days=2)),
        "review": (sop.Role.DISKOMINFO, sop.Duration(minutes=10)),
        "reply": (sop.Role.OPERATOR, sop.Duration(minutes=30)),
    }
    assert {s.name: (s.role, s.sla) for s in sop.STAGES} == expected


def test_transitions_follow_the_sop():
    assert sop.transitions() == {
        ("intake", "accept"): "classification",
        ("intake", "reject"): sop.REJECTED,
        ("intake", "request_information"): sop.AWAITING_CITIZEN,
        ("classification", "information"): "reply",
        ("classification", "aspiration"): "opd_response",
        ("classification", "duplicate"): sop.DUPLICATE,
        ("classification", "request_information"): sop.AWAITING_CITIZEN,
        ("opd_response", "respond"): "review",
        ("opd_response", "not_our_authority"): "classification",
        ("opd_response", "request_information"): sop.AWAITING_CITIZEN,
        ("review", "approve"): "reply",
        ("review", "return"): "opd_response",
        ("reply", "send"): sop.ANSWERED,
    }


def test_every_stage_is_reachable_and_every_path_can_end():
    targets = set(sop.transitions().values())
    assert set(sop.STAGE_NAMES) - {sop.FIRST_STAGE} <= targets
    assert set(sop.TERMINALS) <= targets


def test_opd_stage_is_supervised_by_diskominfo():
    assert sop.stage("opd_response").supervisor is sop.Role.DISKOMINFO
    assert sop.stage("opd_response").remind_at_fraction == 0.5


def test_unknown_stage_and_outcome_are_errors():
    with pytest.raises(KeyError):
        sop.stage("appeal")
    with pytest.raises(KeyError):
        sop.stage("intake").outcome("maybe")


def _stage_entered_by(state_name: str) -> str:
    state = STATES[state_name]
    assert state["Type"] == "Pass" and state["Next"] == "EnterStage", state_name
    return state["Parameters"]["stage"]


def _route_of_asl() -> dict[tuple[str, str], str]:
    route = {}
    for rule in STATES["Route"]["Choices"]:
        conditions = {c["Variable"]: c["StringEquals"] for c in rule["And"]}
        key = (conditions["$.current.stage"], conditions["$.decision.outcome"])
        target = rule["Next"]
        route[key] = TERMINAL_STATES[target] if target in TERMINAL_STATES else _stage_entered_by(target)
    return route


def test_state_machine_routes_exactly_as_the_sop_says():
    assert _route_of_asl() == sop.transitions()


def test_state_machine_starts_at_the_first_stage():
    start = STATES[ASL["StartAt"]]
    assert start["Parameters"]["current"] == {"stage": sop.FIRST_STAGE, "step": 1}


def test_every_message_the_state_machine_sends_has_a_handler():
    sent = {
        s["Parameters"]["MessageBody"]["type"]
        for s in STATES.values()
        if s.get("Resource") == "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
    }
    assert sent == set(HANDLERS)


def test_no_lambda_tasks_and_no_literal_stage_durations():
    human_waits = {
        "AwaitDecision": "$.clock.wait_seconds",
        "AwaitAnswer": "$.ask.wait_seconds",
        "AwaitFeedback": "$.delivery.feedback_seconds",
    }
    for name, state in STATES.items():
        assert "lambda" not in state.get("Resource", ""), name
        if name in human_waits:
            assert "TimeoutSeconds" not in state and state["TimeoutSecondsPath"] == human_waits[name]
        if state["Type"] == "Wait":
            assert "Seconds" not in state and "SecondsPath" in state


def test_a_citizen_answer_resumes_the_stage_that_asked():
    """AskCitizen -> AwaitAnswer -> ResumeStage (or straight on if the answer is in) enters the same stage as a
    new visit that knows which one it resumes."""
    assert STATES["AwaitAnswer"]["Next"] == "ResumeStage"
    resume = STATES["ResumeStage"]
    assert resume["Parameters"]["stage.$"] == "$.current.stage" and resume["Next"] == "EnterStage"
    assert resume["Parameters"]["resumes.$"] == "$.current.step"
    assert STATES["EnterStage"]["Parameters"]["MessageBody"]["visit.$"] == "$.current"
    assert [c["Next"] for c in STATES["AwaitAnswer"]["Catch"]] == ["AnswerTimer"]
    # Asking and every timer answer whether the answer is in (resume at once) or the time is up.
    assert STATES["AskCitizen"]["Next"] == STATES["AnswerTimer"]["Next"] == "AnswerOrWait"
    rules = {c["Variable"]: c["Next"] for c in STATES["AnswerOrWait"]["Choices"]}
    assert rules == {"$.ask.answered": "ResumeStage", "$.ask.expired": "CloseUnanswered"}
    assert STATES["AnswerOrWait"]["Default"] == "AwaitAnswer"


def test_the_end_of_a_round_names_its_visit():
    """A redriven message of an earlier round must not act on a reopened case."""
    for state in ("DeliverReply", "CloseComplaint"):
        assert STATES[state]["Parameters"]["MessageBody"]["step.$"] == "$.current.step"


def test_a_reopened_case_goes_back_to_classification():
    reopen = STATES["Reopen"]
    assert reopen["Parameters"]["stage"] == sop.REOPEN_TO and reopen["Parameters"]["reopened"] is True
    assert STATES["AwaitFeedback"]["Next"] == "Reopen"
    assert [c["Next"] for c in STATES["AwaitFeedback"]["Catch"]] == ["CloseComplaint"]
    assert STATES["ClosedOrReopened"]["Choices"][0]["Next"] == "Reopen"
