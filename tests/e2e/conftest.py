"""Start the real local stack (the entry point `make run` uses) as a subprocess on free ports."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalStack:
    def __init__(self, env: dict[str, str]):
        self.port, self.outbox_port = free_port(), free_port()
        self.api = f"http://127.0.0.1:{self.port}"
        self.outbox = f"http://127.0.0.1:{self.outbox_port}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TABLE_PREFIX"))}
        environment.update(env, PORT=str(self.port), OUTBOX_PORT=str(self.outbox_port), PYTHONUNBUFFERED="1")
        self.log = open(ROOT / "test-artifacts" / f"local-stack-{self.port}.log", "w")
        self.process = subprocess.Popen([sys.executable, "-m", "local.stack"], cwd=ROOT, env=environment,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.banner: list[str] = []
        self.ready = threading.Event()
        # Drain the output for the whole run (a full pipe would block the stack) into the artifact log.
        threading.Thread(target=self._drain, daemon=True).start()
        if not self.ready.wait(90):
            self.stop()
            raise RuntimeError("local stack did not start:\n" + "".join(self.banner))

    def _drain(self):
        for line in self.process.stdout:
            self.banner.append(line)
            self.log.write(line)
            self.log.flush()
            if line.startswith("Ready."):
                self.ready.set()

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


@pytest.fixture(scope="module")
def local_stack(request):
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    env = getattr(request.module, "STACK_ENV", {})
    stack = LocalStack(env)
    yield stack
    code = stack.stop()
    assert code == 0, "".join(stack.banner)
    assert any("Stopped." in line for line in stack.banner[-3:])
