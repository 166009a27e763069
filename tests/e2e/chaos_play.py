"""Playing complaints along every path over HTTP under chaos: the cases, the paths, the outbox and what is
checked at the end (tests/e2e/test_chaos.py and test_chaos_handoff.py)."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import boto3
import requests

from local import launch

DOMAIN = "aspirasi.kaltimprov.go.id"


OPERATOR, DISKOMINFO, SUPERVISOR = (f"{name}@{DOMAIN}" for name in ("operator", "diskominfo", "supervisor"))


LINK = re.compile(r"(http://127\.0\.0\.1:\d+/actions/[A-Za-z0-9_\-]+)")


ACCOUNT = re.compile(r"^\s+(\S+@\S+)\s+(\S+)\s*$")


INJECTED = re.compile(r"chaos: injected (\S+) (\S+):(\S+)")


# Subjects (chalicelib/templates/emails/*.subject.txt)
ASSIGNED, RECEIVED, REPLY = "tindakan diperlukan", "Laporan Anda diterima", "Jawaban atas laporan Anda"


REJECTED, QUESTION, DUPLICATE = "Laporan tidak dapat diproses", "Pertanyaan tentang laporan Anda", "digabung dengan"


WAIT = 120  # seconds one step may take under these faults before the suite gives up


retries: Counter[str] = Counter()  # what the browsers had to press again, by request


def opd(code: str) -> str:
    return f"opd-{code.lower()}@{DOMAIN}"


def wait_for(predicate, what: str, timeout: float = WAIT):
    return launch.wait_for(predicate, what, timeout, interval=0.4)


def send(method: str, url: str, what: str, expect=(200, 201), **kwargs) -> requests.Response:
    """As a browser whose user presses again on a 5xx: the same request (same Idempotency-Key or link).

    Returns the first 2xx; a 409 after a retry is accepted too (the earlier attempt took effect).
    """
    retried = False
    for attempt in range(60):
        try:
            response = requests.request(method, url, timeout=30, **kwargs)
        except requests.RequestException:
            response = None
        if response is not None and response.status_code < 500:
            if response.status_code in expect or (response.status_code == 409 and retried):
                return response
            raise AssertionError(f"{what}: {response.status_code} {response.text[:400]}")
        retried = True
        retries[what] += 1
        time.sleep(min(0.25 * (attempt + 1), 2.0))
    raise AssertionError(f"{what}: still failing after 60 attempts")


class Outbox:
    """The outbox, read at most twice a second however many players ask."""

    def __init__(self, stack):
        self.stack, self._lock, self._at, self._messages = stack, threading.Lock(), 0.0, []

    def messages(self) -> list[dict]:
        with self._lock:
            if time.monotonic() - self._at > 0.5:
                self._messages = self.stack.messages()
                self._at = time.monotonic()
            return self._messages

    def to(self, address: str, *words: str) -> list[dict]:
        return [m for m in self.messages() if address in m["to"] and all(w in m["subject"] for w in words)]


@dataclass
class Case:
    """One citizen, one complaint, one path, and what the end must look like."""

    name: str
    category: str
    subcategory: str
    status: str = "answered"  # where the path ends
    replies: int = 1  # reply emails (one per round)
    questions: int = 0
    rejected: int = 0
    duplicates: int = 0
    email: str = ""
    headers: dict = field(default_factory=dict)
    complaint: dict = field(default_factory=dict)
    used: set = field(default_factory=set)


class Play:
    def __init__(self, stack):
        self.stack, self.api, self.outbox = stack, stack.api, Outbox(stack)

    # -- the citizen ----------------------------------------------------------------
    def register(self, case: Case) -> None:
        case.email = f"warga-{uuid.uuid4().hex[:10]}@example.id"
        credentials = {"email": case.email, "password": "Rahasia-123"}
        send(
            "POST",
            f"{self.api}/auth/register",
            "register",
            expect=(201,),
            json={**credentials, "name": "Siti Aminah", "phone": "+6281234567890"},
        )
        token = send("POST", f"{self.api}/auth/login", "login", expect=(200,), json=credentials).json()["id_token"]
        case.headers = {"Authorization": f"Bearer {token}"}

    def submit(self, case: Case, key: str | None = None) -> dict:
        headers = {**case.headers, "Idempotency-Key": key or uuid.uuid4().hex}
        body = {
            "category": case.category,
            "subcategory": case.subcategory,
            "title": f"Laporan uji {case.name}",
            "description": f"Laporan untuk jalur {case.name}, dikirim saat layanan sedang terganggu.",
        }
        return send("POST", f"{self.api}/complaints", "submit", expect=(200, 201), json=body, headers=headers).json()

    def read(self, case: Case) -> dict:
        return send(
            "GET", f"{self.api}/complaints/{case.complaint['id']}", "read", expect=(200,), headers=case.headers
        ).json()

    def citizen(self, case: Case, action: str, body: dict, expect=(200, 201)) -> dict:
        return send(
            "POST",
            f"{self.api}/complaints/{case.complaint['id']}/{action}",
            action,
            expect=expect,
            json=body,
            headers=case.headers,
        ).json()

    def mail_to_citizen(self, case: Case, subject: str, count: int) -> None:
        wait_for(lambda: len(self.outbox.to(case.email, subject)) >= count, f"{case.name}: email {subject!r} #{count}")

    # -- the teams, through their emailed links ------------------------------------------------
    def decide(self, case: Case, address: str, stage: str, payload: dict) -> None:
        tracking = case.complaint["tracking_number"]

        def find():
            for message in self.outbox.to(address, tracking, ASSIGNED):
                for link in LINK.findall(message["text"]):
                    if link in case.used:
                        continue
                    described = send(
                        "GET",
                        link,
                        f"open {stage} link",
                        expect=(200, 409, 410),
                        headers={"Accept": "application/json"},
                    )
                    if described.status_code != 200:
                        case.used.add(link)  # decided already (an older visit's link)
                        continue
                    assert described.json()["stage"] == stage, (case.name, described.json()["stage"], stage)
                    return link
            return None

        link = wait_for(find, f"{case.name}: the {stage} link for {address}")
        send("POST", link, f"decide {stage}", expect=(200,), json=payload)
        case.used.add(link)

    def diagnose(self, case: Case) -> str:
        """Where a stuck case stands: its stage visits (as staff see them) and its execution's last states."""
        token = send(
            "POST",
            f"{self.api}/auth/login",
            "staff login",
            expect=(200,),
            json={"email": SUPERVISOR, "password": password_of(self.stack, SUPERVISOR)},
        ).json()["id_token"]
        view = send(
            "GET",
            f"{self.api}/staff/complaints/{case.complaint['id']}",
            "staff read",
            expect=(200,),
            headers={"Authorization": f"Bearer {token}"},
        ).json()
        visits = [(v["stage"], v["outcome"] or "undecided") for v in view["work_items"]]
        sfn = boto3.client("stepfunctions", **moto_client(self.stack))
        machine = sfn.list_state_machines()["stateMachines"][0]["stateMachineArn"]
        arn = machine.replace(":stateMachine:", ":execution:") + f":{case.complaint['id']}"
        history = sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        states = [e["stateEnteredEventDetails"]["name"] for e in history if "stateEnteredEventDetails" in e]
        return (
            f"  case {case.complaint['id']}: status {view['status']}, stage {view['stage']}, visits {visits};\n"
            f"  its execution {sfn.describe_execution(executionArn=arn)['status']}, last states {states[-4:]}"
        )

    def accept(self, case):
        self.decide(case, OPERATOR, "intake", {"decision": "accept"})

    def information(self, case):
        self.decide(case, DISKOMINFO, "classification", {"kind": "information"})

    def reply(self, case, text="Terima kasih, laporan Anda telah kami tindak lanjuti."):
        self.decide(case, OPERATOR, "reply", {"reply": text})

    def agency_path(self, case, code):
        """From classification to the reply: the agency answers, Diskominfo approves, the operator replies."""
        self.decide(case, DISKOMINFO, "classification", {"kind": "aspiration", "opd": code})
        self.decide(case, opd(code), "opd_response", {"response": "Sudah kami tangani di lapangan."})
        self.decide(case, DISKOMINFO, "review", {"decision": "approve"})
        self.reply(case)

    def ask_and_answer(self, case, address, stage):
        case.questions += 1
        self.decide(
            case, address, stage, {"decision": "request_information", "question": "Di mana tepatnya lokasinya?"}
        )
        self.mail_to_citizen(case, QUESTION, case.questions)
        self.citizen(case, "information", {"answer": "Di depan pasar, dekat halte."}, expect=(200,))

    def answered(self, case, round_: int = 1) -> None:
        """As the citizen: the reply email of this round arrives and the case page says answered."""
        self.mail_to_citizen(case, REPLY, round_)
        wait_for(lambda: self.read(case)["status"] == "answered", f"{case.name}: answered")


def reject(play: Play, case: Case, cases):
    play.decide(case, OPERATOR, "intake", {"decision": "reject", "reason": "Bukan laporan pelayanan publik."})


def information_and_rating(play, case, cases):
    play.accept(case)
    play.information(case)
    play.reply(case)
    play.answered(case)
    play.citizen(case, "rating", {"score": 5, "comment": "Cepat."}, expect=(201,))


def agency_and_rating(play, case, cases):
    play.accept(case)
    play.agency_path(case, "DLH")
    play.answered(case)
    play.citizen(case, "rating", {"score": 4}, expect=(201,))


def agency_then_reopened(play, case, cases):
    play.accept(case)
    play.agency_path(case, "DINKES")
    play.answered(case)
    play.citizen(case, "reopen", {"reason": "Puskesmas masih tutup pada jam layanan."}, expect=(200,))
    play.information(case)  # the second round: Diskominfo answers it as information
    play.reply(case, "Jam layanan puskesmas telah diumumkan ulang.")
    play.answered(case, 2)


def question_at_intake(play, case, cases):
    play.ask_and_answer(case, OPERATOR, "intake")
    play.accept(case)
    play.information(case)
    play.reply(case)


def question_at_classification(play, case, cases):
    play.accept(case)
    play.ask_and_answer(case, DISKOMINFO, "classification")
    play.information(case)
    play.reply(case)


def question_from_the_agency(play, case, cases):
    play.accept(case)
    play.decide(case, DISKOMINFO, "classification", {"kind": "aspiration", "opd": "DISHUB"})
    play.ask_and_answer(case, opd("DISHUB"), "opd_response")
    play.decide(case, opd("DISHUB"), "opd_response", {"response": "Rambu sudah dipasang kembali."})
    play.decide(case, DISKOMINFO, "review", {"decision": "approve"})
    play.reply(case)


def review_returns_it(play, case, cases):
    play.accept(case)
    play.decide(case, DISKOMINFO, "classification", {"kind": "aspiration", "opd": "DLH"})
    play.decide(case, opd("DLH"), "opd_response", {"response": "Sedang kami periksa."})
    play.decide(case, DISKOMINFO, "review", {"decision": "return", "reason": "Sebutkan kapan selesai."})
    play.decide(case, opd("DLH"), "opd_response", {"response": "Selesai dibersihkan hari Jumat."})
    play.decide(case, DISKOMINFO, "review", {"decision": "approve"})
    play.reply(case)


def not_our_authority(play, case, cases):
    play.accept(case)
    play.decide(case, DISKOMINFO, "classification", {"kind": "aspiration", "opd": "DISHUB"})
    play.decide(
        case,
        opd("DISHUB"),
        "opd_response",
        {"decision": "not_our_authority", "reason": "Jalan kota, bukan jalan provinsi."},
    )
    play.information(case)
    play.reply(case)


def duplicate(play, case, cases):
    play.accept(case)
    original = cases["information_and_rating"].complaint["tracking_number"]
    play.decide(case, DISKOMINFO, "classification", {"kind": "duplicate", "of": original.replace("-", " ")})


PATHS = {
    "reject": (reject, Case("reject", "ketertiban", "pkl", status="closed", replies=0, rejected=1)),
    "information_and_rating": (information_and_rating, Case("information_and_rating", "informasi-publik", "ppid")),
    "agency_and_rating": (agency_and_rating, Case("agency_and_rating", "lingkungan", "sampah")),
    "agency_then_reopened": (agency_then_reopened, Case("agency_then_reopened", "kesehatan", "puskesmas", replies=2)),
    "question_at_intake": (question_at_intake, Case("question_at_intake", "informasi-publik", "website-pemprov")),
    "question_at_classification": (question_at_classification, Case("question_at_classification", "sosial", "bansos")),
    "question_from_the_agency": (
        question_from_the_agency,
        Case("question_from_the_agency", "perhubungan", "lalu-lintas"),
    ),
    "review_returns_it": (review_returns_it, Case("review_returns_it", "lingkungan", "pencemaran")),
    "not_our_authority": (not_our_authority, Case("not_our_authority", "perhubungan", "angkutan-umum")),
    "duplicate": (duplicate, Case("duplicate", "informasi-publik", "ppid", status="closed", replies=0, duplicates=1)),
}


def moto_client(stack) -> dict:
    """boto3 arguments for the stack's moto server (its port is in the banner)."""
    return {
        "region_name": "ap-southeast-3",
        "endpoint_url": stack.moto,
        "aws_access_key_id": "local",
        "aws_secret_access_key": "local",
    }


def play_paths(play, cases: dict, paths: dict, submit) -> list[str]:
    """Submit every case at once, then play each one's path at once: where each stuck case stands, if any."""
    with ThreadPoolExecutor(len(cases)) as pool:
        list(pool.map(submit, cases.values()))
    failures = []
    with ThreadPoolExecutor(len(cases)) as pool:
        futures = {name: pool.submit(path, play, cases[name], cases) for name, (path, _) in paths.items()}
        for name, future in futures.items():
            try:
                future.result()
            except AssertionError as stuck:  # say where each stuck case stands, then fail with all of them
                failures.append(f"{stuck}\n{play.diagnose(cases[name])}")
    return failures


def assert_one_execution_each_and_no_dead_letters(stack, complaint_ids) -> None:
    """Every complaint has exactly one execution, and no dead-letter queue holds a message."""
    sfn, sqs = boto3.client("stepfunctions", **moto_client(stack)), boto3.client("sqs", **moto_client(stack))
    machine = sfn.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    executions = [e["name"] for e in sfn.list_executions(stateMachineArn=machine, maxResults=1000)["executions"]]
    assert sorted(executions) == sorted(complaint_ids)
    for url in sqs.list_queues()["QueueUrls"]:
        if url.endswith("-dlq"):
            depth = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
            assert depth["Attributes"]["ApproximateNumberOfMessages"] == "0", url


def password_of(stack, email: str) -> str:
    for line in stack.banner:
        match = ACCOUNT.match(line)
        if match and match.group(1) == email:
            return match.group(2)
    raise AssertionError(f"{email} is not in the banner")
