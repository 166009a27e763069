"""An agency's day in the console on a phone (360x740): its own cases -- open, answered, closed -- listed and
filtered even when its queue is empty, and a case the citizen reopened answered with the citizen's reason and the
previous answer beside the response box. Headless Chromium on the real local stack; axe-core; screenshots."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import expect

from bench.pages import PHONE
from local.launch import wait_for

from .a11y import DESKTOP, assert_accessible
from .helpers import (
    DISKOMINFO,
    DOMAIN,
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
DLH = f"opd-dlh@{DOMAIN}"
FIRST_ANSWER = "Pengangkutan sampah dijadwalkan setiap Senin."
REASON = "Sampah masih menumpuk, <b>tidak</b> ada yang datang hari Senin."


def answer_all_the_way(stack, case):
    """Intake, classification to DLH, DLH's response, review, the reply: the case is answered."""
    decide_by_api(stack, OPERATOR, case["id"], {"stage": "intake", "decision": "accept"})
    decide_by_api(stack, DISKOMINFO, case["id"], {"stage": "classification", "kind": "aspiration", "opd": "DLH"})
    decide_by_api(stack, DLH, case["id"], {"stage": "opd_response", "response": FIRST_ANSWER})
    decide_by_api(stack, DISKOMINFO, case["id"], {"stage": "review", "decision": "approve"})
    decide_by_api(stack, OPERATOR, case["id"], {"stage": "reply", "reply": FIRST_ANSWER})


def test_agency_lists_its_answered_cases_and_answers_a_reopened_one(local_stack, page):
    citizen = Citizen(local_stack)
    done = citizen.submit(
        category="lingkungan",
        subcategory="sampah",
        title="Sampah di Jl. Juanda",
        description="Tidak diangkut dua minggu.",
    )
    again = citizen.submit(
        category="lingkungan", subcategory="sampah", title="Sampah di pasar", description="Menumpuk di depan pasar."
    )
    answer_all_the_way(local_stack, done)
    answer_all_the_way(local_stack, again)
    mail_to(local_stack, citizen.email, again["tracking_number"], "Jawaban")

    # The queue is empty: the agency still sees its cases, answered ones too.
    page.set_viewport_size(PHONE)
    sign_in(page, local_stack, DLH)
    expect(page.locator("#queue-empty")).to_be_visible()
    expect(page.locator(f'[data-testid=recent-case][data-tracking="{done["tracking_number"]}"]')).to_contain_text(
        "Dijawab"
    )
    shot(page, "console-agency-empty-queue.png")
    assert_accessible(page, "agency: empty queue with its latest cases")
    page.click("#nav-cases")
    expect(page.locator("#cases-title")).to_have_text("Kasus kami")
    page.click("#cases-filters summary")  # on a phone the filters fold away under the search box
    page.select_option("#c-status", "answered")
    page.click("#search-form button[type=submit]")
    for case in (done, again):
        expect(page.locator(f'[data-testid=search-result][data-tracking="{case["tracking_number"]}"]')).to_contain_text(
            "Dijawab"
        )
    page.fill("#search-number", "Juanda")  # words search too
    page.click("#search-form button[type=submit]")
    expect(page.locator(f'[data-testid=search-result][data-tracking="{done["tracking_number"]}"]')).to_be_visible()
    expect(page.locator(f'[data-testid=search-result][data-tracking="{again["tracking_number"]}"]')).to_have_count(0)
    shot(page, "console-agency-cases.png")
    assert_accessible(page, "agency: its cases on a phone")

    # The citizen reopens one; classification sends it back to DLH.
    headers = citizen.headers

    def reopen():
        response = requests.post(
            f"{local_stack.api}/complaints/{again['id']}/reopen", json={"reason": REASON}, headers=headers, timeout=10
        )
        return response.status_code == 200 or None

    wait_for(reopen, "the case to be reopenable")
    decide_by_api(local_stack, DISKOMINFO, again["id"], {"stage": "classification", "kind": "aspiration", "opd": "DLH"})
    dlh = {"Authorization": f"Bearer {staff_token(local_stack, DLH)}"}
    wait_for(
        lambda: (
            any(
                item["complaint_id"] == again["id"]
                for item in requests.get(f"{local_stack.api}/staff/work-items", headers=dlh, timeout=10).json()["items"]
            )
            or None
        ),
        "the reopened case in DLH's queue",
    )

    page.click("#nav-queue")
    row = page.locator(f'[data-testid=queue-item][data-tracking="{again["tracking_number"]}"]')
    expect(row).to_be_visible()
    shot(page, "console-agency-queue-phone.png")
    assert_accessible(page, "agency: queue on a phone")
    row.locator("td.num button").click()
    expect(page.locator("#case-number")).to_have_text(again["tracking_number"])
    reason = page.locator("[data-testid=decision-reason]")
    expect(reason).to_contain_text(REASON)  # as text, never markup
    expect(page.locator("[data-testid=decision-previous]")).to_contain_text(FIRST_ANSWER)
    history = page.locator("[data-testid=case-audit]")
    for hidden in ("citizen:", "system:", "+00:00", "T0", "step:"):
        expect(history).not_to_contain_text(hidden)  # sentences, never the raw record
    shot(page, "console-agency-reopened-phone.png")
    assert_accessible(page, "agency: reopened case on a phone")
    # A response template (the local stack seeds a few), filled in for this case and this agency.
    response = page.locator("[data-testid=decide-respond] textarea[name=response]")
    page.select_option(
        "[data-testid=decide-respond] [data-testid=template-select]", label="Tanggapan: sudah dijadwalkan"
    )
    expect(response).to_have_value(re.compile(again["tracking_number"]))
    expect(response).to_have_value(re.compile("Dinas Lingkungan Hidup"))
    expect(page.locator("[data-testid=decide-not_our_authority] [data-testid=template-select]")).to_have_count(0)
    response.fill("Truk tambahan dikirim setiap hari mulai besok.")
    decide_in_console(page, "respond")
    expect(page.locator("#flash")).to_have_text("Keputusan tersimpan: Kirim tanggapan → Pemeriksaan tanggapan.")

    page.set_viewport_size(DESKTOP)
    shot(page, "console-agency-case-desktop.png")
    assert_accessible(page, "agency: case on a desktop")

    # Diskominfo reviews it with the response in sight, the usual choice (approve) first.
    page.click("#logout")
    sign_in(page, local_stack, DISKOMINFO)
    row = page.locator(f'[data-testid=queue-item][data-tracking="{again["tracking_number"]}"]')
    row.locator("td.num button").click()
    expect(page.locator("[data-testid=decision-previous]")).to_contain_text("Truk tambahan dikirim setiap hari")
    expect(page.locator("[data-testid=choose-approve]")).to_be_checked()
    assert_accessible(page, "review form on a desktop")
    decide_in_console(page, "approve", confirm=False)
    assert_accessible(page, "confirmation of an approval")
    page.click("[data-testid=confirm-yes]")
    expect(page.locator("#flash")).to_have_text(
        "Keputusan tersimpan: Setujui, serahkan ke operator → Balasan kepada pelapor."
    )
