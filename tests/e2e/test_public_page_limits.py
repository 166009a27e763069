"""The public register's page when its reader hits the per-client limit (PUBLIC_LIMIT_PER_MINUTE, issue 22):
the 429's sentence and when to come back (its Retry-After) in a GOV.UK error summary, focused and
announced, in the page's language; the page stays usable and accessible."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect, sync_playwright

from local.launch import free_port

from .a11y import assert_accessible
from .helpers import CHROMIUM, FLAGS, shot

pytestmark = pytest.mark.e2e

STACK_ENV = {"TILE_URL": f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png", "PUBLIC_LIMIT_PER_MINUTE": "3"}


def test_too_many_searches_say_when_to_come_back(local_stack):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_context(viewport={"width": 360, "height": 740}, locale="id-ID").new_page()  # a phone
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{local_stack.api}/public", wait_until="networkidle")  # the list and the scorecards: 2 reads
            expect(page.locator("#results-summary")).to_contain_text("Tidak ada pengaduan")
            summary = page.locator("#errors")
            for word in ("jalan", "sampah", "banjir"):  # the third read is the last one allowed in the minute
                page.fill("#q", word)
                page.locator("#search-form button[type=submit]").first.click()
                expect(page).to_have_url(re.compile(rf"q={word}$"))
                if summary.is_visible():
                    break
            expect(summary).to_be_visible()
            expect(summary).to_be_focused()
            expect(summary).to_contain_text("Terlalu banyak permintaan")
            expect(summary).to_contain_text(re.compile(r"Coba lagi dalam \d+ detik"))
            assert_accessible(page, "too many requests (phone)")
            shot(page, "public-phone-too-many.png")
            page.click("#lang-en")  # the error follows the language
            expect(summary).to_contain_text("Too many requests")
            expect(summary).to_contain_text(re.compile(r"Try again in \d+ seconds"))
            page.evaluate("localStorage.clear()")
            assert not errors, errors
        finally:
            browser.close()
