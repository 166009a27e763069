"""An operator's day in the console on a desktop (1366x768): the queue as a table -- sorted by each column,
filtered, counted per stage -- a case opened with the keyboard, and the final reply written from a template that
Diskominfo keeps. Headless Chromium on the real local stack; axe-core on every state; screenshots."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from .a11y import DESKTOP, assert_accessible
from .helpers import (
    DISKOMINFO,
    OPERATOR,
    Citizen,
    decide_by_api,
    decide_in_console,
    mail_to,
    shot,
    sign_in,
    staff_token,
)

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": "0.1"}


def rows(page):
    return page.locator("[data-testid=queue-item]")


def numbers(page) -> list[str]:
    return rows(page).evaluate_all("rows => rows.map(r => r.dataset.tracking)")


def test_operator_sorts_filters_opens_with_the_keyboard_and_replies_from_a_template(local_stack, page):
    citizen = Citizen(local_stack)
    made = [
        citizen.submit(
            category="lingkungan", subcategory="sampah", title=f"Sampah {n}", description="Sampah tidak diangkut."
        )
        for n in ("Apel", "Beringin")
    ]
    operator = {"Authorization": f"Bearer {staff_token(local_stack, OPERATOR)}"}
    phoned = requests.post(
        f"{local_stack.api}/staff/complaints",
        json={
            "channel": "phone",
            "reporter": {"name": "Pak Darto", "phone": "0812-3456-7890"},
            "category": "perhubungan",
            "subcategory": "lalu-lintas",
            "title": "Lampu lalu lintas mati",
            "description": "Penelepon melaporkan lampu lalu lintas mati.",
        },
        headers={**operator, "Idempotency-Key": uuid.uuid4().hex},
        timeout=10,
    ).json()
    # One case is at the reply stage: accepted, classified as information.
    answered = made[0]
    decide_by_api(local_stack, OPERATOR, answered["id"], {"stage": "intake", "decision": "accept"})
    decide_by_api(local_stack, DISKOMINFO, answered["id"], {"stage": "classification", "kind": "information"})
    mail_to(local_stack, OPERATOR, answered["tracking_number"], "Balasan")
    mail_to(local_stack, OPERATOR, phoned["tracking_number"], "Penerimaan pengaduan")

    # Diskominfo keeps the reply templates (the templates view).
    page.set_viewport_size(DESKTOP)
    sign_in(page, local_stack, DISKOMINFO)
    page.click("#nav-templates")
    page.fill("#tp-name", "Informasi umum")
    page.select_option("#tp-stage", "reply")
    page.fill("#tp-text", "Terima kasih, {citizen_name}. Laporan {tracking_number} ({title}) sudah kami jawab.")
    page.click("#tp-save")
    expect(page.locator("#flash")).to_have_text('Templat "Informasi umum" disimpan.')
    item = page.locator("[data-testid=tp-item]", has_text="Informasi umum")
    expect(item).to_contain_text("Balasan kepada pelapor")
    page.fill("#tp-name", "Hapus saya")
    page.select_option("#tp-stage", "review")
    page.fill("#tp-text", "Sementara.")
    page.click("#tp-save")
    doomed = page.locator("[data-testid=tp-item]", has_text="Hapus saya")
    doomed.locator("[data-testid=tp-delete]").click()
    expect(page.locator("#confirm")).to_contain_text("Hapus saya")
    assert_accessible(page, "templates: confirm deleting")
    page.click("[data-testid=confirm-yes]")
    expect(doomed).to_have_count(0)
    shot(page, "console-templates-desktop.png")
    assert_accessible(page, "templates view")
    page.click("#logout")

    sign_in(page, local_stack, OPERATOR)
    expect(page.locator("#queue-table")).to_be_visible()
    for tracking in (phoned["tracking_number"], made[1]["tracking_number"], answered["tracking_number"]):
        expect(page.locator(f'[data-testid=queue-item][data-tracking="{tracking}"]')).to_be_visible()
    # Counts per stage, as chips that filter.
    chips = page.locator("[data-testid=stage-chip]")
    expect(chips.filter(has_text="Penerimaan pengaduan")).to_have_text(re.compile(r"Penerimaan pengaduan \(\d+\)"))
    expect(chips.filter(has_text="Balasan kepada pelapor")).to_have_text("Balasan kepada pelapor (1)")
    shot(page, "console-queue-desktop.png")
    assert_accessible(page, "queue on a desktop")

    # Sorted by number, both ways; the header says so (aria-sort).
    page.click("[data-testid=sort-number]")
    header = page.locator("th", has=page.locator("[data-testid=sort-number]"))
    expect(header).to_have_attribute("aria-sort", "ascending")
    assert numbers(page) == sorted(numbers(page))
    page.click("[data-testid=sort-number]")
    expect(header).to_have_attribute("aria-sort", "descending")
    assert numbers(page) == sorted(numbers(page), reverse=True)
    page.click("[data-testid=sort-title]")
    titles = rows(page).locator("td.t").all_inner_texts()
    assert titles == sorted(titles, key=str.lower)

    # Filtered by channel and by stage.
    page.select_option("#f-channel", "phone")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-tracking", phoned["tracking_number"])
    expect(page.locator("#queue-count")).to_contain_text("Menampilkan 1 dari")
    page.select_option("#f-channel", "")
    chips.filter(has_text="Balasan kepada pelapor").click()
    expect(rows(page)).to_have_count(1)
    expect(chips.filter(has_text="Balasan kepada pelapor")).to_have_attribute("aria-pressed", "true")
    shot(page, "console-queue-filtered.png")
    chips.filter(has_text="Semua").click()

    # The keyboard: Tab reaches the table, arrows move between rows, Enter opens the one in focus.
    page.click("[data-testid=sort-number]")  # ascending again
    first = rows(page).first.locator("td.num button")
    first.focus()
    page.keyboard.press("ArrowDown")
    second = rows(page).nth(1)
    expect(second.locator("td.num button")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(first).to_be_focused()
    for _ in range(numbers(page).index(answered["tracking_number"])):
        page.keyboard.press("ArrowDown")
    expect(
        page.locator(f'[data-testid=queue-item][data-tracking="{answered["tracking_number"]}"] td.num button')
    ).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#case-number")).to_have_text(answered["tracking_number"])
    expect(page.locator("#case-title")).to_be_focused()
    assert f"?case={answered['id']}" in page.url  # the address names the case

    # The reply, from the template filled in for this case; the final answer is confirmed first.
    reply = page.locator("[data-testid=decide-send] textarea[name=reply]")
    page.select_option("[data-testid=decide-send] [data-testid=template-select]", label="Informasi umum")
    expect(reply).to_have_value(re.compile(rf"Laporan {answered['tracking_number']} \(Sampah Apel\) sudah kami jawab"))
    assert "{" not in reply.input_value()  # every placeholder filled
    shot(page, "console-case-desktop.png")
    assert_accessible(page, "reply form on a desktop")
    decide_in_console(page, "send", confirm=False)
    expect(page.locator("#confirm")).to_contain_text("jawaban akhir")
    expect(page.locator("#confirm")).to_contain_text("tidak dapat dibatalkan")
    shot(page, "console-confirm-reply.png")
    assert_accessible(page, "confirmation of the final reply")
    page.click("[data-testid=confirm-yes]")
    expect(page.locator("#flash")).to_have_text("Keputusan tersimpan: Kirim balasan → dijawab.")
    expect(page.locator("[data-testid=decision-form]")).to_have_count(0)
    mail_to(local_stack, citizen.email, answered["tracking_number"], "Jawaban")
    page.click("#case-reload")  # the reply went out: the case is answered
    expect(page.locator("#case-status")).to_have_text("Dijawab")

    # Back to the queue: the case has left it, the focus is on the list again.
    page.click("#case-back")
    expect(page.locator(f'[data-testid=queue-item][data-tracking="{answered["tracking_number"]}"]')).to_have_count(0)
