"""Start the real local stack (``python -m local.stack``, what `make run` runs) as a subprocess on free ports.

The end-to-end tests and the load test (bench/load.py) drive it over HTTP only, as a user would.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
STACK_MODULE = "local.stack"  # what `make run` runs (tests/unit/test_make_targets.py checks the Makefile says so)
MOTO = re.compile(r"moto on 127\.0\.0\.1:(\d+)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStack:
    """The stack with ``env`` added to this environment (minus AWS settings); its output goes to ``log_path``
    (default test-artifacts/local-stack-<port>.log) and, line by line, to ``banner``."""

    def __init__(self, env: dict[str, str], log_path: Path | None = None, start_timeout: float = 90):
        self.port, self.outbox_port = free_port(), free_port()
        self.api = f"http://127.0.0.1:{self.port}"
        self.outbox = f"http://127.0.0.1:{self.outbox_port}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_PREFIX"))}
        environment.update(env, PORT=str(self.port), OUTBOX_PORT=str(self.outbox_port), PYTHONUNBUFFERED="1")
        if log_path is None:
            (ROOT / "test-artifacts").mkdir(exist_ok=True)
            log_path = ROOT / "test-artifacts" / f"local-stack-{self.port}.log"
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", STACK_MODULE],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.banner: list[str] = []
        self.ready = threading.Event()
        # Drain the output for the whole run (a full pipe would block the stack) into the artifact log.
        threading.Thread(target=self._drain, daemon=True).start()
        if not self.ready.wait(start_timeout):
            self.stop()
            raise RuntimeError("local stack did not start:\n" + "".join(self.banner))

    def _drain(self):
        assert self.process.stdout is not None  # started with stdout=PIPE
        for line in self.process.stdout:
            self.banner.append(line)
            self.log.write(line)
            self.log.flush()
            if line.startswith("Ready."):
                self.ready.set()

    @property
    def moto(self) -> str:
        """The moto server's address, from the banner (its Step Functions, tables and queues)."""
        for line in self.banner:
            if match := MOTO.search(line):
                return f"http://127.0.0.1:{match.group(1)}"
        raise LookupError("the banner names no moto port")

    def messages(self) -> list[dict]:
        return requests.get(f"{self.outbox}/messages", timeout=10).json()

    def stop(self) -> int:
        self.process.send_signal(2)  # Ctrl-C
        try:
            code = self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            code = self.process.wait()
        time.sleep(0.2)  # let the drain thread take the last lines
        self.log.close()
        return code


def wait_for(predicate, what: str, timeout: float = 60, interval: float = 0.25):
    """Poll ``predicate()`` until it is truthy and return its value; fail naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
