"""Nothing lost, nothing doubled under chaos (issue 11): the real local stack with random AWS faults.

A batch of complaints, one per citizen, submitted together and played through every path over HTTP
only, while a share of the application's SES sends, SendTaskSuccess calls, DynamoDB writes and SQS
acknowledgements fail and a share of the SQS handler invocations "crash" after their work. The
clients behave as browsers whose users press again: a 5xx is retried with the same Idempotency-Key or
link, and the first result (200/201) or a 409 after a retry is accepted. At the end every case is
where its path leads, each citizen got exactly one receipt and one reply per round, every stage visit
exactly one assignment email, each complaint one execution, the audit trail no entry twice, and the
stack's log shows every configured fault was really injected.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from local.launch import ROOT

from .chaos_play import (
    ASSIGNED,
    DUPLICATE,
    INJECTED,
    PATHS,
    QUESTION,
    RECEIVED,
    REJECTED,
    REPLY,
    SUPERVISOR,
    Case,
    Play,
    assert_one_execution_each_and_no_dead_letters,
    password_of,
    play_paths,
    retries,
    send,
    wait_for,
)

pytestmark = [pytest.mark.e2e, pytest.mark.chaos]

# DynamoDB: the transactions and the conditional updates (an action link is no longer a PutItem of its own:
# the transaction that claims its email stores it, issue 18).
FAULTS = (
    "ses:SendRawEmail=0.3,stepfunctions:SendTaskSuccess=0.3,dynamodb:TransactWriteItems=0.2,"
    "dynamodb:UpdateItem=0.2,sqs:DeleteMessageBatch=0.2"
)
STACK_ENV = {
    "CHAOS": FAULTS,
    "CHAOS_CRASH": "0.1",
    "CHAOS_SEED": "20261128",
    # Office hours off and real SOP times: intake, the shortest stage, reminds after 5 minutes, long after
    # this suite is done; the feedback window stays open so the answered cases can be rated and reopened.
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "1",
    "FEEDBACK_WINDOW_MINUTES": "60",
    # A message not acknowledged (a crash, a failed DeleteMessageBatch) comes back after 3 s, not 30; one
    # that failed, after a backoff capped at 4 s (its doubling would reach minutes after a few faults in a row).
    "SQS_VISIBILITY_TIMEOUT": "3",
    "RETRY_MAX_SECONDS": "4",
}


# -- the paths -------------------------------------------------------------------------------------


def test_an_invalid_chaos_setting_stops_start_up_with_a_clear_message():
    env = {"PATH": "/usr/bin:/bin", "CHAOS": "ses:SendRawMail=0.3", "PYTHONUNBUFFERED": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "local.stack"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.strip() == "Cannot start: CHAOS: ses has no operation 'SendRawMail'"


def test_nothing_lost_nothing_doubled_under_chaos(local_stack):
    stack = local_stack
    assert any(
        line.startswith(f"Chaos mode ON: CHAOS={FAULTS} CHAOS_CRASH=0.1 CHAOS_SEED=20261128") for line in stack.banner
    ), "".join(stack.banner)
    play, started = Play(stack), time.monotonic()
    cases = {name: case for name, (_, case) in PATHS.items()}

    def submit(case: Case):
        play.register(case)
        if case.name == "information_and_rating":  # a double click: the same key twice at once
            key = uuid.uuid4().hex
            with ThreadPoolExecutor(2) as pool:
                first, second = pool.map(lambda _: play.submit(case, key), range(2))
            assert first["id"] == second["id"]
            case.complaint = first
        else:
            case.complaint = play.submit(case)

    failures = play_paths(play, cases, PATHS, submit)
    played = time.monotonic() - started
    assert not failures, (
        f"{len(failures)} of {len(cases)} paths did not finish in {played:.0f} s:\n"
        + "\n".join(failures)
        + f"\nfaults injected: {Counter(m[1] + ':' + m[2] for m in INJECTED.findall(''.join(stack.banner)))}"
    )

    # -- every case where its path leads, every email the citizen is owed, once -------------------
    for case in cases.values():
        wait_for(lambda case=case: play.read(case)["status"] == case.status, f"{case.name}: {case.status}")
        for subject, owed in (
            (RECEIVED, 1),
            (REPLY, case.replies),
            (QUESTION, case.questions),
            (REJECTED, case.rejected),
            (DUPLICATE, case.duplicates),
        ):
            if owed:
                play.mail_to_citizen(case, subject, owed)
    time.sleep(2 * int(STACK_ENV["SQS_VISIBILITY_TIMEOUT"]) + 2)  # let any redelivery that would double show
    messages = stack.messages()

    def count(address, *words):
        return len([m for m in messages if address in m["to"] and all(w in m["subject"] for w in words)])

    for case in cases.values():
        assert count(case.email, RECEIVED) == 1, case.name
        assert count(case.email, REPLY) == case.replies, case.name
        assert count(case.email, QUESTION) == case.questions, case.name
        assert count(case.email, REJECTED) == case.rejected, case.name
        assert count(case.email, DUPLICATE) == case.duplicates, case.name
        view = play.read(case)
        assert view["status"] == case.status, (case.name, view["status"])

    # -- each stage visit: one assignment email; the audit trail: nothing twice ---------------------
    token = send(
        "POST",
        f"{stack.api}/auth/login",
        "staff login",
        expect=(200,),
        json={"email": SUPERVISOR, "password": password_of(stack, SUPERVISOR)},
    ).json()["id_token"]
    for case in cases.values():
        staff_view = send(
            "GET",
            f"{stack.api}/staff/complaints/{case.complaint['id']}",
            "staff read",
            expect=(200,),
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        visits = staff_view["work_items"]
        assert all(v["decided_at"] for v in visits), (case.name, visits)
        tracking = case.complaint["tracking_number"]
        assigned = [m for m in messages if tracking in m["subject"] and ASSIGNED in m["subject"]]
        assert len(assigned) == len(visits), (case.name, [v["stage"] for v in visits], [m["subject"] for m in assigned])
        entries = Counter(
            json.dumps([e["action"], e["stage"], e["details"]], sort_keys=True) for e in staff_view["audit"]
        )
        assert [entry for entry, n in entries.items() if n > 1] == [], case.name
        noted = Counter((tuple(e["to"]), e["subject"]) for e in staff_view["emails"])
        sent = Counter((tuple(m["to"]), m["subject"]) for m in messages if tracking in m["subject"])
        assert all(n <= sent[key] for key, n in noted.items()), (case.name, noted, sent)  # no note twice

    # -- one execution per complaint; nothing dead-lettered -------------------------------------------
    assert_one_execution_each_and_no_dead_letters(stack, [c.complaint["id"] for c in cases.values()])

    # -- the faults were real --------------------------------------------------------------------------
    output = "".join(stack.banner)
    injected = Counter(f"{service}:{operation}" for _, service, operation in INJECTED.findall(output))
    configured = [rule.split("=")[0] for rule in FAULTS.split(",")]
    assert all(injected[rule] for rule in configured), injected
    assert "chaos: crashed SQS handler after its work" in output
    assert "poller error" not in output  # the pollers never died, not even for a moment
    print(
        f"\nchaos suite: {len(cases)} complaints played in {played:.0f} s; faults injected {dict(injected)}, "
        f"crashes {output.count('chaos: crashed SQS handler')}; browsers pressed again {dict(retries)}"
    )
