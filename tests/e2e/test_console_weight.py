"""The staff console's first load on a phone stays within the budget of every page people use (DESIGN.md §4:
at most 100 KiB of JavaScript and 1.4 MiB in all, gzip), measured as bench/pages.py measures the citizen page."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from bench import pages

from .helpers import ARTIFACTS, CHROMIUM, FLAGS, OPERATOR, Citizen, mail_to, password_of

pytestmark = pytest.mark.e2e


def test_console_screens_are_within_the_page_budget(local_stack):
    citizen = Citizen(local_stack)
    created = citizen.submit(category="lingkungan", subcategory="sampah", title="Ukur", description="Konsol diukur.")
    mail_to(local_stack, OPERATOR, created["tracking_number"], "Penerimaan pengaduan")
    screens = pages.console_screens(local_stack.api, OPERATOR, password_of(local_stack, OPERATOR))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            measured = pages.measure(browser, local_stack.api, lambda url: False, screens=screens)
        finally:
            browser.close()
    print("\n" + pages.table(measured))
    assert [name for name, _ in measured] == ["console: sign-in", "console: queue", "console: one case"]
    for name, weight in measured:
        assert weight.within_budget, weight.line(name)
        assert any(url.split("?")[0].endswith("/static/staff.js") for _, url, _ in weight.files), name
        assert any(url.split("?")[0].endswith("/static/api.js") for _, url, _ in weight.files), name
    (ARTIFACTS / "console-page-weights.txt").write_text(pages.table(measured) + "\n")
