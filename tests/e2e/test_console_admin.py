"""An admin's day in the console: members (no disabling oneself, a confirmation before disabling, enabling again),
and every view the admin opens checked with axe-core at both sizes (queue, cases, report, templates, members,
keys). Headless Chromium on the real local stack; screenshots."""

from __future__ import annotations

import uuid

import pytest
import requests
from playwright.sync_api import expect

from .a11y import SIZES, assert_accessible
from .helpers import ADMIN, shot, sign_in, staff_token

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7"}


def test_admin_disables_and_enables_a_member_again(local_stack, page):
    email = f"petugas-{uuid.uuid4().hex[:6]}@example.id"
    response = requests.post(
        f"{local_stack.api}/staff/members",
        json={"email": email, "name": "Petugas Cadangan", "groups": ["operator"]},
        headers={"Authorization": f"Bearer {staff_token(local_stack, ADMIN)}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text

    sign_in(page, local_stack, ADMIN)
    page.click("#nav-members")
    mine = page.locator(f'[data-testid=member][data-email="{ADMIN}"]')
    expect(mine).to_contain_text("Anda")
    expect(mine.locator("button")).to_have_count(0)
    member = page.locator(f'[data-testid=member][data-email="{email}"]')
    member.locator("[data-testid=member-disable]").click()
    expect(page.locator("#confirm")).to_be_visible()
    page.keyboard.press("Escape")  # changed my mind: nothing happens
    expect(page.locator("#confirm")).to_be_hidden()
    expect(member.locator("[data-testid=member-disable]")).to_be_focused()
    member.locator("[data-testid=member-disable]").click()
    page.click("[data-testid=confirm-yes]")
    expect(page.locator("#flash")).to_have_text(f"{email} dinonaktifkan.")
    expect(member).to_contain_text("nonaktif")
    enable = member.locator("[data-testid=member-enable]")
    expect(enable).to_have_text("Aktifkan lagi")
    shot(page, "console-members-disabled.png")
    enable.click()
    expect(page.locator("#flash")).to_have_text(f"{email} aktif lagi.")
    expect(member.locator("[data-testid=member-disable]")).to_be_visible()
    expect(member.locator("[data-testid=member-enable]")).to_have_count(0)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_admin_view_is_accessible(local_stack, page, size):
    page.set_viewport_size(SIZES[size])
    sign_in(page, local_stack, ADMIN)
    expect(page.locator("#queue-count")).not_to_be_empty()
    assert_accessible(page, f"queue ({size})")
    shot(page, f"console-admin-queue-{size}.png")
    for nav, ready, name in (
        ("#nav-cases", "#search-form", "cases"),
        ("#nav-reports", "[data-testid=rp-totals] .rp-figure", "report"),
        ("#nav-templates", "#tp-form", "templates"),
        ("#nav-members", "[data-testid=member]", "members"),
        ("#nav-apikeys", "#ak-form", "keys"),
    ):
        page.click(nav)
        expect(page.locator(ready).first).to_be_visible()
        page.wait_for_load_state("networkidle")
        assert_accessible(page, f"{name} ({size})")
        shot(page, f"console-admin-{name}-{size}.png")
    page.click("#lang-en")
    expect(page.locator("#nav-cases")).to_have_text("All cases")
    assert_accessible(page, f"keys in English ({size})")
