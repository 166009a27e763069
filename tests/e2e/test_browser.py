"""A person in a browser: headless Debian Chromium, driven by Playwright, on the real local stack."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect, sync_playwright

from local.launch import free_port

from .helpers import ARTIFACTS, CHROMIUM, FLAGS

pytestmark = pytest.mark.e2e

# Tiles from a port where nothing listens (the machine has no internet): the map says so, the page works.
STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "TILE_URL": f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png",
}


@pytest.fixture
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="id-ID")  # a phone
        yield context.new_page()
        browser.close()


def test_register_submit_and_see_the_tracking_number(local_stack, page):
    page.goto(f"{local_stack.api}/")
    expect(page.locator("h2", has_text="Daftar akun baru")).to_be_visible()
    page.fill("#reg-name", "Rudi Hartono")
    page.fill("#reg-email", f"rudi-{uuid.uuid4().hex[:6]}@example.id")
    page.fill("#reg-password", "Rahasia-123")
    page.click("#register-form button[type=submit]")
    expect(page.locator("#complaint-form")).to_be_visible()

    page.select_option("#category", "perhubungan")
    page.select_option("#subcategory", "lalu-lintas")
    expect(page.locator("#opd-name")).to_have_text("Dinas Perhubungan")
    page.fill("#title", "Lampu lalu lintas <mati>")
    page.fill("#description", "Lampu lalu lintas di simpang Lembuswana mati sejak kemarin malam.")
    page.click("#send")
    number = page.locator("#tracking-number")
    expect(number).to_have_text(__import__("re").compile(r"^KT-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    tracking = number.inner_text()  # read now: the receipt is hidden once the case is opened from the list

    # The receipt leads the case's own screen (its address: ?case=<id>); the list is a screen of its own.
    expect(page.locator("#detail-title")).to_have_text("Lampu lalu lintas <mati>")  # shown as text, never as markup
    page.click("#nav a[data-view=reports]")
    entry = page.locator("#complaints li a").first
    expect(entry).to_contain_text("Lampu lalu lintas <mati>")
    entry.click()
    expect(page.locator("#detail-number")).to_have_text(tracking)
    expect(page.locator("#detail-timeline li[data-type=stage]").first).to_contain_text("Penerimaan pengaduan")

    page.click("#lang-en")
    expect(page.locator("#detail-status")).to_have_text("In progress")
    page.go_back()
    expect(page.locator("h2", has_text="My reports")).to_be_visible()
    expect(page.locator("#complaints li a").first).to_contain_text(tracking)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "citizen-page.png"), full_page=True)


def test_staff_decide_from_a_phone(local_stack, page):
    import requests

    citizen = requests.post(
        f"{local_stack.api}/auth/register",
        timeout=10,
        json={"email": f"ani-{uuid.uuid4().hex[:6]}@example.id", "password": "Rahasia-123", "name": "Ani"},
    ).json()
    token = requests.post(
        f"{local_stack.api}/auth/login", timeout=10, json={"email": citizen["email"], "password": "Rahasia-123"}
    ).json()["id_token"]
    created = requests.post(
        f"{local_stack.api}/complaints",
        timeout=10,
        headers={"Authorization": f"Bearer {token}"},
        json={
            "category": "kebencanaan",
            "subcategory": "banjir",
            "title": "Banjir di Sempaja",
            "description": "Air setinggi lutut sejak pagi di Sempaja Selatan.",
        },
    ).json()
    from local.launch import wait_for

    from .helpers import next_link

    link = next_link(local_stack, "operator@aspirasi.kaltimprov.go.id", created["tracking_number"], set())
    page.goto(link)
    expect(page.locator("h2", has_text="Penerimaan pengaduan")).to_be_visible()
    expect(page.locator("dd", has_text="Banjir di Sempaja")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "staff-action-page.png"), full_page=True)
    page.click("#form-accept button[type=submit]")  # "Terima / Accept", the primary choice
    expect(page.locator("h2", has_text="Keputusan tersimpan")).to_be_visible()
    assert wait_for(
        lambda: next_link(local_stack, "diskominfo@aspirasi.kaltimprov.go.id", created["tracking_number"], set()),
        "classification",
    )


def test_registering_an_address_that_has_an_account_says_where_to_look(local_stack, page):
    """Issue 18: the API answers as for a new address; the page, whose login then fails, tells the person
    what that can mean (the owner was emailed) instead of a bare 'please log in'."""
    email = f"sari-{uuid.uuid4().hex[:6]}@example.id"
    for name, password in (("Sari", "Rahasia-123"), ("Orang Lain", "Lain-Sandi-99")):
        page.goto(f"{local_stack.api}/")
        page.evaluate("sessionStorage.clear()")
        page.goto(f"{local_stack.api}/")
        page.fill("#reg-name", name)
        page.fill("#reg-email", email)
        page.fill("#reg-password", password)
        page.click("#register-form button[type=submit]")
        if name == "Sari":
            expect(page.locator("#complaint-form")).to_be_visible()
    expect(page.locator("#screen-guest .error-summary")).to_contain_text(
        "Jika email ini sudah punya akun, kami telah mengirim email"
    )
    expect(page.locator("#screen-guest .error-summary")).to_be_focused()
    expect(page.locator("#screen-guest")).to_be_visible()  # not logged in as the first account
