"""Start the real local stack (the entry point `make run` uses) as a subprocess on free ports."""

from __future__ import annotations

import pytest

from local.launch import ROOT, LocalStack, free_port  # noqa: F401 (ROOT and free_port: for the test modules)


@pytest.fixture(scope="module")
def local_stack(request):
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    env = getattr(request.module, "STACK_ENV", {})
    stack = LocalStack(env)
    yield stack
    code = stack.stop()
    assert code == 0, "".join(stack.banner)
    assert any("Stopped." in line for line in stack.banner[-3:])
