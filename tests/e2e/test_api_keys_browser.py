"""An admin manages Open311 clients' API keys in the staff console (headless Chromium, the real local stack)."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from .helpers import ADMIN, OPERATOR, shot, sign_in

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": "0.1"}
REQUEST = {
    "service_code": "lingkungan.sampah",
    "address_string": "Jl. Juanda, Samarinda",
    "description": "Sampah tidak diangkut selama seminggu.",
}


def post_request(stack, key: str) -> requests.Response:
    return requests.post(f"{stack.api}/open311/v2/requests.json", data={"api_key": key, **REQUEST}, timeout=10)


def test_admin_issues_a_key_shown_once_and_revokes_it(local_stack, page):
    sign_in(page, local_stack, OPERATOR)
    expect(page.locator("#nav-apikeys")).to_be_hidden()  # admins only
    page.click("#logout")

    sign_in(page, local_stack, ADMIN)
    page.click("#nav-apikeys")
    demo = page.locator('[data-testid=ak-item][data-organisation="Demo client"]')
    expect(demo).to_contain_text("aktif")  # the key the local stack printed at start-up
    page.fill("#ak-organisation", "Aplikasi <b>Uji</b>")
    page.click("#ak-send")
    expect(page.locator("[data-testid=ak-issued]")).to_be_visible()
    key = page.locator("[data-testid=ak-key]").inner_text().strip()
    assert key.startswith("o311_")
    item = page.locator('[data-testid=ak-item][data-organisation="Aplikasi <b>Uji</b>"]')
    expect(item).to_contain_text("Aplikasi <b>Uji</b> aktif")  # text, never markup
    expect(item).to_contain_text("Belum pernah dipakai")
    shot(page, "staff-api-keys.png")
    assert post_request(local_stack, key).status_code == 200  # the key works at once

    page.click("#ak-done")  # saved: the key leaves the page
    expect(page.locator("[data-testid=ak-issued]")).to_be_hidden()
    assert key not in page.content()
    page.click("#nav-apikeys")
    expect(item).to_contain_text("Terakhir dipakai")
    item.locator("[data-testid=ak-revoke]").click()
    expect(page.locator("#confirm")).to_contain_text("Aplikasi <b>Uji</b>")  # an in-page confirmation
    page.click("[data-testid=confirm-yes]")
    expect(page.locator("#flash")).to_have_text("Kunci Aplikasi <b>Uji</b> dicabut.")
    expect(item).to_contain_text("dicabut")
    expect(item.locator("[data-testid=ak-revoke]")).to_have_count(0)
    refused = post_request(local_stack, key)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403

    page.fill("#ak-organisation", "demo  CLIENT")  # one active key per organisation
    page.click("#ak-send")
    expect(page.locator("#flash")).to_contain_text("Organisasi ini sudah punya kunci API")
