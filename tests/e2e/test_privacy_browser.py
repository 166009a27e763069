"""The citizen page's *Data saya / My data* section in headless Chromium: download, correct, close."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from local.launch import free_port

from .helpers import ARTIFACTS, CHROMIUM, FLAGS

pytestmark = pytest.mark.e2e

STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "TILE_URL": f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png",
}


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="id-ID", accept_downloads=True)
        yield context.new_page()
        browser.close()


def test_a_citizen_downloads_corrects_and_closes_their_account(local_stack, page):
    email = f"dewi-{uuid.uuid4().hex[:6]}@example.id"
    page.goto(f"{local_stack.api}/")
    page.fill("#reg-name", "Dewi <b>Lestari</b>")
    page.fill("#reg-email", email)
    page.fill("#reg-password", "Rahasia-123")
    page.click("#register-form button[type=submit]")
    expect(page.locator("#complaint-form")).to_be_visible()
    page.select_option("#category", "lingkungan")
    page.select_option("#subcategory", "sampah")
    page.fill("#title", "Sampah di Jl. Pahlawan")
    page.fill("#description", "Sampah belum diangkut sejak Senin di depan sekolah.")
    page.click("#send")
    expect(page.locator("#tracking-number")).not_to_be_empty()
    expect(page.get_by_test_id("my-data")).to_be_hidden()  # the data rights live on the account screen only
    page.click("#nav a[data-view=account]")
    assert "view=account" in page.url
    section = page.get_by_test_id("my-data")
    expect(section.locator("h2")).to_have_text("Akun dan data saya")

    with page.expect_download() as info:
        page.click("#pd-download")
    download = info.value
    assert download.suggested_filename.startswith("data-saya-") and download.suggested_filename.endswith(".json")
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["account"]["email"] == email and data["account"]["name"] == "Dewi <b>Lestari</b>"
    assert [c["complaint"]["title"] for c in data["complaints"]] == ["Sampah di Jl. Pahlawan"]

    page.click("#pd-correct-form button[type=submit]")  # nothing filled in: told so, nothing sent
    expect(page.locator("#pd-name-error")).to_contain_text("Isi nama atau nomor HP")
    expect(page.locator("#screen-account .error-summary")).to_be_focused()
    page.fill("#pd-phone", "0812")
    page.click("#pd-correct-form button[type=submit]")
    expect(page.locator("#pd-phone-error")).to_contain_text("nomor telepon tidak valid")
    expect(page.locator("#pd-phone")).to_have_attribute("aria-invalid", "true")
    page.fill("#pd-name", "Dewi Lestari")
    page.fill("#pd-phone", "+62 812 3456 7890")
    page.click("#pd-correct-form button[type=submit]")
    expect(page.locator("#pd-corrected")).to_contain_text("masuk lagi")
    section.screenshot(path=str(ARTIFACTS / "citizen-my-data.png"))

    expect(page.locator("#pd-close-form")).to_be_hidden()  # closing takes a deliberate step
    page.click("#pd-close-start")
    page.fill("#pd-close-email", "orang-lain@example.id")
    page.check("#pd-close-sure")
    page.click("#pd-close-form button[type=submit]")
    expect(page.locator("#pd-close-email-error")).to_contain_text("tidak sama")
    page.fill("#pd-close-email", email)
    page.click("#pd-close-form button[type=submit]")
    expect(page.locator("#flash")).to_contain_text("Akun Anda sudah ditutup")
    expect(page.locator("#login-form")).to_be_visible()
    response = requests.post(
        f"{local_stack.api}/auth/login", json={"email": email, "password": "Rahasia-123"}, timeout=10
    )
    assert response.status_code == 401
