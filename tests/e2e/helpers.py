"""Shared by the end-to-end tests: the browser, the teams' addresses, a citizen over HTTP, the links in the
outbox, staff sign-in and decisions through the console's API."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

import requests
from playwright.sync_api import expect

from local.launch import wait_for

ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOMAIN = "aspirasi.kaltimprov.go.id"
OPERATOR = f"operator@{DOMAIN}"
DISKOMINFO = f"diskominfo@{DOMAIN}"
ADMIN = f"admin@{DOMAIN}"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/actions/[A-Za-z0-9_\-]+)")
ACCOUNT = re.compile(r"^\s+(\S+@\S+)\s+(\S+)\s*$")


class Citizen:
    def __init__(self, stack):
        self.stack = stack
        self.email = f"warga-{uuid.uuid4().hex[:8]}@example.id"
        response = requests.post(
            f"{stack.api}/auth/register",
            json={"email": self.email, "password": "Rahasia-123", "name": "Siti Aminah", "phone": "+6281234567890"},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        response = requests.post(
            f"{stack.api}/auth/login", json={"email": self.email, "password": "Rahasia-123"}, timeout=10
        )
        assert response.status_code == 200, response.text
        self.headers = {"Authorization": f"Bearer {response.json()['id_token']}"}

    def submit(self, **body) -> dict:
        response = requests.post(
            f"{self.stack.api}/complaints",
            json=body,
            timeout=10,
            headers={**self.headers, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def read(self, complaint_id) -> dict:
        response = requests.get(f"{self.stack.api}/complaints/{complaint_id}", headers=self.headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


def next_link(stack, address, tracking, used):
    def find():
        for message in stack.messages():
            if address in message["to"] and tracking in message["subject"]:
                for link in LINK.findall(message["text"]):
                    if link not in used:
                        assert link in message["html"]
                        return link
        return None

    link = wait_for(find, f"an action link for {address}")
    used.add(link)
    return link


def act(link, payload, form=False):
    """As a team member: open the link (changes nothing), then decide."""
    page = requests.get(link, headers={"Accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "<form" in page.text
    described = requests.get(link, headers={"Accept": "application/json"}, timeout=10).json()
    if form:
        response = requests.post(link, data=payload, headers={"Accept": "text/html"}, timeout=10)
        if "Periksa sebelum mengirim" in response.text:  # what cannot be undone is checked once more
            response = requests.post(
                link, data={**payload, "confirm": "1"}, headers={"Accept": "text/html"}, timeout=10
            )
        assert response.status_code == 200 and "Keputusan tersimpan" in response.text
    else:
        response = requests.post(link, json=payload, timeout=10)
        assert response.status_code == 200, response.text
    again = requests.post(link, json=payload, timeout=10)
    assert again.status_code == 409 and again.headers["Content-Type"] == "application/problem+json"
    return described


def password_of(stack, email: str) -> str:
    """The seeded staff accounts are printed in the stack's banner as '  <email>  <password>'."""
    for line in stack.banner:
        match = ACCOUNT.match(line)
        if match and match.group(1) == email:
            return match.group(2)
    raise AssertionError(f"{email} is not in the banner:\n" + "".join(stack.banner))


def staff_token(stack, email: str) -> str:
    response = requests.post(
        f"{stack.api}/auth/login", json={"email": email, "password": password_of(stack, email)}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["id_token"]


def decide_by_api(stack, email: str, complaint_id: str, body: dict) -> dict:
    """Decide with the console's JSON route, once the stage has been handed off (409 until then)."""
    headers = {"Authorization": f"Bearer {staff_token(stack, email)}"}

    def attempt():
        response = requests.post(
            f"{stack.api}/staff/complaints/{complaint_id}/decision", json=body, headers=headers, timeout=10
        )
        if response.status_code == 409:
            return None
        assert response.status_code == 200, response.text
        return response.json()

    return wait_for(attempt, f"{body['stage']} to be decidable")


def mail_to(stack, address: str, *words: str):
    """Wait for a message to ``address`` whose subject has every word."""
    return wait_for(
        lambda: [m for m in stack.messages() if address in m["to"] and all(w in m["subject"] for w in words)],
        f"an email to {address} about {words}",
    )


def sign_in(page, stack, email: str) -> None:
    page.goto(f"{stack.api}/staff")
    expect(page.locator("h2", has_text="Masuk sebagai staf")).to_be_visible()
    page.fill("#login-email", email)
    page.fill("#login-password", password_of(stack, email))
    page.click("#login-form button[type=submit]")
    expect(page.locator("#queue-view")).to_be_visible()
    expect(page.locator("#who-email")).to_have_text(email)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def decide_in_console(page, outcome: str, confirm: bool = True, **fields: str) -> None:
    """In the open case: choose ``outcome``, fill its fields, "Periksa lalu kirim", then confirm in the dialog."""
    page.check(f"[data-testid=choose-{outcome}]")
    for name, value in fields.items():
        field = page.locator(f"[data-testid=decide-{outcome}] [name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.click("[data-testid=decision-next]")
    expect(page.locator("#confirm")).to_be_visible()
    if confirm:
        page.click("[data-testid=confirm-yes]")
        expect(page.locator("#confirm")).to_be_hidden()


def find_case(page, tracking: str) -> None:
    """Open a case by its number from the console's case list (any view)."""
    page.click("#nav-cases")
    page.fill("#search-number", tracking)
    page.click("#search-form button[type=submit]")
    page.locator(f'[data-testid=search-result][data-tracking="{tracking}"] td.num button').click()
    expect(page.locator("#case-number")).to_have_text(tracking)
