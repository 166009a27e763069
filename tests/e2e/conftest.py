"""Start the real local stack (the entry point `make run` uses) as a subprocess on free ports."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from local.launch import ROOT, LocalStack

from .helpers import CHROMIUM, FLAGS


@pytest.fixture(scope="module")
def local_stack(request):
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    env = getattr(request.module, "STACK_ENV", {})
    stack = LocalStack(env)
    yield stack
    code = stack.stop()
    assert code == 0, "".join(stack.banner)
    assert any("Stopped." in line for line in stack.banner[-3:])


@pytest.fixture
def page():
    """A phone in headless Chromium that also checks the ID token never reaches the address bar or the console
    (test_browser.py and test_privacy_browser.py keep a plain phone of their own)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="id-ID")  # a phone
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        yield page
        # The ID token lives in sessionStorage only: never in the address bar or the console.
        assert "eyJ" not in page.url
        assert not [line for line in console if "eyJ" in line], console
        browser.close()
