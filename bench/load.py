"""Load test (`make load`): many citizens submit at once, staff decide every case, nothing is lost or doubled.

Starts the real local stack (``python -m local.stack``, office hours off, real SOP times) and talks
HTTP only: 20 citizens register and submit 10 complaints each at the same time (200 submissions,
each with its own Idempotency-Key), while staff work their queues as people do: the operator and
Diskominfo teams read them (GET /staff/work-items) every second, and staff threads decide what is
in them with the console's decision route: intake accept, classification information, reply (600
decisions). Then it checks that every submission made exactly one complaint (each citizen's list,
one Step Functions execution each), that every decision took effect once (three decided stage
visits per case, the case answered) and that each citizen got one receipt and one reply per
complaint. Prints p50/p95/p99 of the submit and decision latencies and the throughput. A benchmark,
not a timed assertion: the exit code says only whether something was lost or doubled.

    .venv/bin/python -m bench.load [--citizens 20] [--per-citizen 10] [--staff 20]
"""

from __future__ import annotations

import argparse
import queue
import re
import signal
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import boto3
import requests

from local.launch import ROOT, LocalStack

DOMAIN = "aspirasi.kaltimprov.go.id"
OPERATOR, DISKOMINFO = f"operator@{DOMAIN}", f"diskominfo@{DOMAIN}"
ACCOUNT = re.compile(r"^\s+(\S+@\S+)\s+(\S+)\s*$")
# Office hours off, real SOP times (no reminder fires during the run), and no per-account submission limit
# in the way of a citizen who submits more than 10 an hour here.
STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "1",
    "FEEDBACK_WINDOW_MINUTES": "60",
    "SUBMISSION_LIMIT_PER_HOUR": "100000",
    "REGISTER_LIMIT_PER_HOUR": "100000",
}
# What staff decide on every case, in order: (stage, who, decision body).
STEPS = (
    ("intake", OPERATOR, {"decision": "accept"}),
    ("classification", DISKOMINFO, {"kind": "information"}),
    ("reply", OPERATOR, {"reply": "Terima kasih. Informasi yang Anda minta ada di ppid.kaltimprov.go.id."}),
)
STEP_TIMEOUT = 300  # seconds a stage may take to be handed off before the run counts it as stuck


@dataclass
class Figures:
    submit: list[float] = field(default_factory=list)  # seconds per POST /complaints
    decide: list[float] = field(default_factory=list)  # seconds per accepted decision
    answered: list[float] = field(default_factory=list)  # seconds from submission to the reply decision
    errors: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, seconds: float) -> None:
        with self.lock:
            getattr(self, name).append(seconds)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


def call_retried(method: str, url: str, figures: Figures, what: str, **kwargs) -> tuple[requests.Response | None, bool]:
    """One request as a browser makes it: a dropped connection is tried again (same body and headers); a
    connection dropped after the server took the request is then answered like any repeat (200 or 409).
    Returns the response and whether it was tried again (an earlier attempt may have taken effect)."""
    for attempt in range(10):
        try:
            return requests.request(method, url, timeout=60, **kwargs), attempt > 0
        except requests.RequestException as error:
            figures.error(f"{what}: {type(error).__name__}")
            time.sleep(0.5 * (attempt + 1))
    return None, True


def call(method: str, url: str, figures: Figures, what: str, **kwargs) -> requests.Response | None:
    """``call_retried``'s response alone."""
    return call_retried(method, url, figures, what, **kwargs)[0]


def percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "n/a"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return "  ".join(f"{name} {cuts[i] * 1000:7.0f} ms" for name, i in (("p50", 49), ("p95", 94), ("p99", 98)))


def password_of(stack: LocalStack, email: str) -> str:
    for line in stack.banner:
        match = ACCOUNT.match(line)
        if match and match.group(1) == email:
            return match.group(2)
    raise LookupError(f"{email} is not in the banner")


def login(api: str, email: str, password: str) -> dict:
    response = requests.post(f"{api}/auth/login", json={"email": email, "password": password}, timeout=30)
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['id_token']}"}


class Citizen:
    def __init__(self, api: str):
        self.api, self.email = api, f"beban-{uuid.uuid4().hex[:10]}@example.id"
        response = requests.post(
            f"{api}/auth/register",
            json={"email": self.email, "password": "Rahasia-123", "name": "Warga Uji Beban"},
            timeout=30,
        )
        response.raise_for_status()
        self.headers = login(api, self.email, "Rahasia-123")
        self.submitted: list[str] = []  # complaint ids the API returned

    def submit(self, n: int, figures: Figures) -> str | None:
        """One submission; a 5xx is retried with the same Idempotency-Key, as a browser would."""
        key, body = (
            uuid.uuid4().hex,
            {
                "category": "informasi-publik",
                "subcategory": "ppid",
                "title": f"Permintaan informasi nomor {n}",
                "description": "Mohon salinan dokumen APBD Provinsi Kaltim tahun 2026.",
            },
        )
        for _ in range(10):
            started = time.perf_counter()
            response = call(
                "POST",
                f"{self.api}/complaints",
                figures,
                "submit",
                json=body,
                headers={**self.headers, "Idempotency-Key": key},
            )
            if response is None:
                return None
            if response.status_code in (200, 201):
                figures.add("submit", time.perf_counter() - started)
                return response.json()["id"]
            figures.error(f"submit {response.status_code}")
            if response.status_code < 500:
                return None
            time.sleep(0.5)
        return None

    def complaints(self) -> list[dict]:
        items, token = [], None
        while True:
            params = {"limit": 50, **({"next_token": token} if token else {})}
            page = requests.get(f"{self.api}/complaints", params=params, headers=self.headers, timeout=30).json()
            items += page["items"]
            token = page.get("next_token")
            if not token:
                return items


def decide(api: str, headers: dict, item: dict, figures: Figures) -> bool:
    """One decision from the console's route on a stage visit in the caller's queue. A dropped connection is
    tried again; a 409 after that is the first attempt's effect (the visit is decided), not an error."""
    stage = item["stage"]
    body = next(b for s, _, b in STEPS if s == stage)
    for _ in range(20):
        started = time.perf_counter()
        response, retried = call_retried(
            "POST",
            f"{api}/staff/complaints/{item['complaint_id']}/decision",
            figures,
            "decide",
            json={"stage": stage, **body},
            headers=headers,
        )
        if response is None:
            return False
        if response.status_code == 200:
            figures.add("decide", time.perf_counter() - started)
            return True
        if response.status_code == 409:
            if retried and stage_decided(api, headers, item["complaint_id"], stage):
                figures.add("decide", time.perf_counter() - started)
                return True
            figures.error(f"decide {stage} 409")  # decided by someone else, or not this stage now
            return False
        figures.error(f"decide {stage} {response.status_code}")
        if response.status_code < 500:
            return False
        time.sleep(0.5)
    return False


def queue_of(api: str, headers: dict, figures: Figures) -> list[dict]:
    """The caller's whole queue (GET /staff/work-items, page by page)."""
    items: list[dict] = []
    token = None
    while True:
        params = {"state": "open", "limit": 100, **({"next_token": token} if token else {})}
        response = call("GET", f"{api}/staff/work-items", figures, "queue", params=params, headers=headers)
        if response is None or response.status_code != 200:
            return items
        page = response.json()
        items += page["items"]
        token = page.get("next_token")
        if not token:
            return items


def work_queues(
    api: str,
    staff: dict[str, dict],
    submitted_at: dict[str, float],
    figures: Figures,
    threads: int,
    submitting: threading.Event,
) -> None:
    """Staff at work: each team reads its queue and its members decide what is in it, until every case has had
    its three decisions (or nothing moves for STEP_TIMEOUT seconds)."""
    jobs: queue.Queue = queue.Queue()
    taken: set[tuple[str, int]] = set()
    done: Counter = Counter()  # complaint id -> decisions taken
    lock = threading.Lock()

    def member():
        while (job := jobs.get()) is not None:
            role, item = job
            if decide(api, staff[role], item, figures):
                with lock:
                    done[item["complaint_id"]] += 1
                    finished = done[item["complaint_id"]] == len(STEPS)
                if finished and item["complaint_id"] in submitted_at:
                    figures.add("answered", time.monotonic() - submitted_at[item["complaint_id"]])

    members = [threading.Thread(target=member, daemon=True) for _ in range(threads)]
    for thread in members:
        thread.start()
    last_progress, seen_done = time.monotonic(), 0
    while True:
        with lock:
            finished = sum(1 for n in done.values() if n == len(STEPS))
            decided = sum(done.values())
        if not submitting.is_set() and finished >= len(submitted_at):
            break
        if decided != seen_done:
            last_progress, seen_done = time.monotonic(), decided
        elif time.monotonic() - last_progress > STEP_TIMEOUT:
            figures.error("no decision became possible for STEP_TIMEOUT seconds")
            break
        for role in (OPERATOR, DISKOMINFO):
            for item in queue_of(api, staff[role], figures):
                key = (item["complaint_id"], int(item["step"]))
                if key not in taken and item["stage"] in {s for s, who, _ in STEPS if who == role}:
                    taken.add(key)
                    jobs.put((role, item))
        time.sleep(1.0)
    for _ in members:
        jobs.put(None)
    for thread in members:
        thread.join()


def stage_decided(api: str, headers: dict, complaint_id: str, stage: str) -> bool:
    case = requests.get(f"{api}/staff/complaints/{complaint_id}", headers=headers, timeout=30).json()
    return any(item["stage"] == stage and item["decided_at"] for item in case.get("work_items", []))


def settle(api: str, headers: dict, stack: LocalStack, ids: list[str], timeout: float = 180) -> None:
    """Wait until the state machine has delivered every reply (the case answered, the email out)."""
    deadline, pending = time.monotonic() + timeout, set(ids)
    while pending and time.monotonic() < deadline:
        for complaint_id in list(pending):
            case = requests.get(f"{api}/staff/complaints/{complaint_id}", headers=headers, timeout=30).json()
            if case.get("status") == "answered":
                pending.discard(complaint_id)
        time.sleep(1 if pending else 0)
    while time.monotonic() < deadline and len([m for m in stack.messages() if "Jawaban" in m["subject"]]) < len(ids):
        time.sleep(1)


def run(citizens: int, per_citizen: int, staff_threads: int, stack: LocalStack) -> tuple[int, dict]:
    """Play the load; return the exit code (0: nothing lost or doubled) and the figures (bench/run.py)."""
    api, figures = stack.api, Figures()
    print(
        f"Load test: {citizens * per_citizen} submissions from {citizens} concurrent citizens; "
        f"{staff_threads} staff threads decide intake, classification and reply on each from their queues.",
        flush=True,
    )
    with ThreadPoolExecutor(citizens) as pool:
        people = list(pool.map(lambda _: Citizen(api), range(citizens)))
    staff = {email: login(api, email, password_of(stack, email)) for email in (OPERATOR, DISKOMINFO)}
    submitted_at: dict[str, float] = {}
    submitting = threading.Event()
    submitting.set()

    def citizen_work(citizen: Citizen) -> None:
        for n in range(per_citizen):
            at = time.monotonic()
            complaint_id = citizen.submit(n, figures)
            if complaint_id:
                citizen.submitted.append(complaint_id)
                submitted_at[complaint_id] = at

    started = time.monotonic()
    staff_side = threading.Thread(
        target=work_queues, args=(api, staff, submitted_at, figures, staff_threads, submitting), daemon=True
    )
    staff_side.start()
    with ThreadPoolExecutor(citizens) as pool:
        list(pool.map(citizen_work, people))
    submitted_in = time.monotonic() - started
    submitting.clear()
    staff_side.join()
    total = time.monotonic() - started

    # -- lost or doubled? ---------------------------------------------------------------------------------
    problems = []
    ids = [i for c in people for i in c.submitted]
    operator = staff[OPERATOR]
    settle(api, operator, stack, ids)
    if len(ids) != citizens * per_citizen or len(set(ids)) != len(ids):
        problems.append(f"{citizens * per_citizen} submissions gave {len(set(ids))} distinct complaints")
    for citizen in people:
        listed = citizen.complaints()
        if sorted(c["id"] for c in listed) != sorted(citizen.submitted):
            problems.append(f"a citizen's list has {len(listed)} complaints for {len(citizen.submitted)} submitted")
    for complaint_id in ids:
        case = requests.get(f"{api}/staff/complaints/{complaint_id}", headers=operator, timeout=30).json()
        visits = [(item["stage"], bool(item["decided_at"])) for item in case.get("work_items", [])]
        if case.get("status") != "answered" or visits != [(stage, True) for stage, _, _ in STEPS]:
            problems.append(f"case {complaint_id}: {case.get('status')} {visits}")
    messages = stack.messages()
    emails = Counter(
        address
        for m in messages
        for address in m["to"]
        if address.startswith("beban-")
        for kind in ("diterima", "Jawaban")
        if kind in m["subject"]
    )
    for citizen in people:
        if emails[citizen.email] != 2 * len(citizen.submitted):
            problems.append(
                f"a citizen got {emails[citizen.email]} receipts and replies for {len(citizen.submitted)} complaints"
            )
    aws = {
        "region_name": "ap-southeast-3",
        "endpoint_url": stack.moto,
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }
    sfn = boto3.client("stepfunctions", **aws)
    machine = sfn.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    names = [
        e["name"]
        for e in sfn.get_paginator("list_executions")
        .paginate(stateMachineArn=machine)
        .build_full_result()["executions"]
    ]
    if sorted(names) != sorted(ids):
        problems.append(f"{len(names)} executions for {len(ids)} complaints")

    lost = citizens * per_citizen - len(set(ids))
    per_minute = len(figures.answered) / total * 60
    print(f"""
  submit     n={len(figures.submit):<4} {percentiles(figures.submit)}   {len(figures.submit) / submitted_in:5.1f}/s
  decision   n={len(figures.decide):<4} {percentiles(figures.decide)}   {len(figures.decide) / total:5.1f}/s
  answered   n={len(figures.answered):<4} {percentiles(figures.answered)}   (submission to the reply decision)
  wall time  {total:.0f} s ({submitted_in:.0f} s for the submissions); {per_minute:.0f} cases answered a minute
  lost {lost}, duplicated {len(ids) - len(set(ids))}, errors {dict(figures.errors) or 0}""")
    for problem in problems[:20]:
        print("  PROBLEM:", problem)
    print("OK: nothing lost, nothing doubled." if not problems else f"{len(problems)} problem(s).", flush=True)
    summary = {
        "citizens": citizens,
        "submissions": len(figures.submit),
        "decisions": len(figures.decide),
        "submit_per_second": len(figures.submit) / submitted_in,
        "submit": _cuts(figures.submit),
        "decide": _cuts(figures.decide),
        "seconds": total,
        "problems": len(problems),
    }
    return (0 if not problems else 1), summary


def _cuts(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=20)
    parser.add_argument("--per-citizen", type=int, default=10)
    parser.add_argument("--staff", type=int, default=20, help="staff threads deciding at once")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the stack below on kill too
    return on_own_stack(args.citizens, args.per_citizen, args.staff, "load-stack.log")[0]


def on_own_stack(citizens: int, per_citizen: int, staff_threads: int, log_name: str) -> tuple[int, dict]:
    """Start a local stack (its log in test-artifacts/), play the load on it (``run``), stop it."""
    log = ROOT / "test-artifacts" / log_name
    log.parent.mkdir(exist_ok=True)
    print(f"Starting the local stack (its log: {log.relative_to(ROOT)}) ...", flush=True)
    stack = LocalStack(STACK_ENV, log_path=log)
    try:
        return run(citizens, per_citizen, staff_threads, stack)
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
