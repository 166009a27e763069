"""Every stage reaches its team within two minutes under chaos (issue 18, "a delay that grows to minutes").

The issue's fault mix on the real local stack, with the stack's own retry settings (no shortened backoff):
30% of SES sends and SendTaskSuccess calls, 20% of DynamoDB writes and of the SQS acknowledgements and
visibility changes the consumers make, and 10% of SQS handler invocations crashing after their work. Ten
complaints are played by the links in the teams' emails, each along a path that ends answered. For every
stage visit, the team's email must arrive in the outbox within two minutes of what started the visit (the
submission, the previous decision, the citizen's answer or reopening), every case is answered, and
nothing is sent twice. The consumer makes each step of a message resumable and retries throttling soon
(service/workflow/outbox.py ``send_once``, service/delivery.py ``retry_delay``); before that, one visit in a few
dozen waited minutes.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from datetime import datetime

import pytest

from .chaos_play import (
    ASSIGNED,
    INJECTED,
    RECEIVED,
    REPLY,
    SUPERVISOR,
    Case,
    Play,
    agency_and_rating,
    agency_then_reopened,
    assert_one_execution_each_and_no_dead_letters,
    information_and_rating,
    not_our_authority,
    password_of,
    play_paths,
    question_at_classification,
    question_at_intake,
    question_from_the_agency,
    review_returns_it,
    send,
)

pytestmark = [pytest.mark.e2e, pytest.mark.chaos]

FAULTS = (
    "ses:SendRawEmail=0.3,stepfunctions:SendTaskSuccess=0.3,dynamodb:TransactWriteItems=0.2,"
    "dynamodb:UpdateItem=0.2,dynamodb:PutItem=0.2,sqs:DeleteMessageBatch=0.2,sqs:ChangeMessageVisibility=0.2"
)
SEED = os.environ.get("CHAOS_HANDOFF_SEED", "20261129")  # another seed: CHAOS_HANDOFF_SEED=... pytest ...
STACK_ENV = {
    "CHAOS": FAULTS,
    "CHAOS_CRASH": "0.1",
    "CHAOS_SEED": SEED,
    # Office hours off and real SOP times: no stage clock fires while the suite plays (intake reminds after
    # 5 minutes); the retry settings and the queues' visibility timeout are the stack's own.
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "1",
    "FEEDBACK_WINDOW_MINUTES": "60",
}
BOUND = 120  # seconds from a visit's start to its team's email


class TimedPlay(Play):
    """The players of the chaos suite, noting when each thing that starts a stage visit took effect."""

    def __init__(self, stack):
        super().__init__(stack)
        self.started: dict[str, list[float]] = {}  # case name -> epoch seconds

    def _note(self, case: Case) -> None:
        self.started.setdefault(case.name, []).append(time.time())

    def submit(self, case: Case, key: str | None = None) -> dict:
        complaint = super().submit(case, key)
        self._note(case)
        return complaint

    def decide(self, case: Case, address: str, stage: str, payload: dict) -> None:
        super().decide(case, address, stage, payload)
        self._note(case)

    def citizen(self, case: Case, action: str, body: dict, expect=(200, 201)) -> dict:
        answer = super().citizen(case, action, body, expect)
        if action in ("information", "reopen"):
            self._note(case)
        return answer


def agency(code: str):
    def path(play, case, cases):
        play.accept(case)
        play.agency_path(case, code)
        play.answered(case)

    return path


PATHS = {
    "information_and_rating": (information_and_rating, ("informasi-publik", "ppid", 1)),
    "agency_and_rating": (agency_and_rating, ("lingkungan", "sampah", 1)),
    "agency_then_reopened": (agency_then_reopened, ("kesehatan", "puskesmas", 2)),
    "question_at_intake": (question_at_intake, ("informasi-publik", "website-pemprov", 1)),
    "question_at_classification": (question_at_classification, ("sosial", "bansos", 1)),
    "question_from_the_agency": (question_from_the_agency, ("perhubungan", "lalu-lintas", 1)),
    "review_returns_it": (review_returns_it, ("lingkungan", "pencemaran", 1)),
    "not_our_authority": (not_our_authority, ("perhubungan", "angkutan-umum", 1)),
    "agency_dinkes": (agency("DINKES"), ("kesehatan", "puskesmas", 1)),
    "agency_dishub": (agency("DISHUB"), ("perhubungan", "lalu-lintas", 1)),
}


def _epoch(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_every_stage_reaches_its_team_within_two_minutes_under_chaos(local_stack):
    stack = local_stack
    assert any(line.startswith(f"Chaos mode ON: CHAOS={FAULTS} CHAOS_CRASH=0.1") for line in stack.banner)
    play, began = TimedPlay(stack), time.monotonic()
    cases = {
        name: Case(name, category, subcategory, replies=replies)
        for name, (_, (category, subcategory, replies)) in PATHS.items()
    }

    def submit(case: Case):
        play.register(case)
        case.complaint = play.submit(case, uuid.uuid4().hex)

    failures = play_paths(play, cases, PATHS, submit)
    assert not failures, "\n".join(failures)
    for case in cases.values():  # every case answered, its last reply in the citizen's inbox
        play.answered(case, case.replies)
    played = time.monotonic() - began
    time.sleep(8)  # let a redelivery that would send something twice show
    messages = stack.messages()

    token = send(
        "POST",
        f"{stack.api}/auth/login",
        "staff login",
        expect=(200,),
        json={"email": SUPERVISOR, "password": password_of(stack, SUPERVISOR)},
    ).json()["id_token"]
    delays: list[tuple[float, float, str]] = []  # (from what started the visit, from its entry, which)
    for case in cases.values():
        view = send(
            "GET",
            f"{stack.api}/staff/complaints/{case.complaint['id']}",
            "staff read",
            expect=(200,),
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        assert view["status"] == "answered", (case.name, view["status"])
        tracking = case.complaint["tracking_number"]
        mine = [m for m in messages if tracking in m["subject"] or case.email in m["to"]]
        # -- nothing twice: one email per recipient and subject (assignments: one a visit; replies: one a round)
        twice = {
            key: n
            for key, n in Counter((tuple(m["to"]), m["subject"]) for m in mine).items()
            if n > 1 and ASSIGNED not in key[1] and REPLY not in key[1]
        }
        assert not twice, (case.name, twice)
        assert len([m for m in mine if case.email in m["to"] and RECEIVED in m["subject"]]) == 1, case.name
        assert len([m for m in mine if case.email in m["to"] and REPLY in m["subject"]]) == case.replies, case.name
        # every email in the outbox noted once in the case's trail, and nothing noted that was not sent
        assert len(view["emails"]) == len(mine), (case.name, len(view["emails"]), [m["subject"] for m in mine])
        # -- each visit: one email to its team, within the bound --------------------------------------------
        visits = sorted(view["work_items"], key=lambda v: v["entered_at"])
        assigned = sorted((m for m in mine if ASSIGNED in m["subject"]), key=lambda m: m["sent_at"])
        assert len(assigned) == len(visits), (case.name, [v["stage"] for v in visits])
        for visit, email in zip(visits, assigned, strict=True):
            entered, sent = _epoch(visit["entered_at"]), _epoch(email["sent_at"])
            cause = max(t for t in play.started[case.name] if t <= entered + 1)
            delays.append((sent - cause, sent - entered, f"{case.name} {visit['stage']}"))

    # -- one complaint per submission, one execution per complaint, nothing dead-lettered -----------------
    for case in cases.values():
        own = send("GET", f"{stack.api}/complaints", "list", expect=(200,), headers=case.headers).json()["items"]
        assert [c["id"] for c in own] == [case.complaint["id"]], case.name
    assert_one_execution_each_and_no_dead_letters(stack, [c.complaint["id"] for c in cases.values()])

    output = "".join(stack.banner)
    injected = Counter(f"{service}:{operation}" for _, service, operation in INJECTED.findall(output))
    worst = max(delays)
    print(
        f"\nchaos handoff (seed {SEED}): {len(delays)} visits of {len(cases)} complaints played in {played:.0f} s; "
        f"team email after its cause: worst {worst[0]:.0f} s ({worst[2]}), median "
        f"{sorted(d[0] for d in delays)[len(delays) // 2]:.0f} s; after entry: worst "
        f"{max(d[1] for d in delays):.0f} s; faults injected {dict(injected)}, "
        f"retry waits logged {output.count('SQS will deliver it again')}"
    )
    late = [
        f"{which}: {cause:.0f} s after its cause ({entry:.0f} s after entry)"
        for cause, entry, which in delays
        if cause > BOUND
    ]
    assert not late, late
    # The faults were real: every configured one was injected, but PutItem, which the consumer no longer
    # calls (an action link is stored by the transaction that claims its email).
    assert all(injected[rule.split("=")[0]] for rule in FAULTS.split(",") if "PutItem" not in rule), injected
