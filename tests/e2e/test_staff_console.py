"""Staff at work on a phone (360x740): the console at /staff, headless Chromium, on the real local stack. (The desktop
table, sorting, templates and each role's day: test_console_*.py.)"""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect

from bench.pages import PHONE
from local.launch import wait_for

from .a11y import DESKTOP, assert_accessible
from .helpers import (
    ADMIN,
    DISKOMINFO,
    DOMAIN,
    OPERATOR,
    Citizen,
    decide_by_api,
    decide_in_console,
    mail_to,
    password_of,
    shot,
    sign_in,
    staff_token,
)

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": "0.1"}
DLH = f"opd-dlh@{DOMAIN}"


def queue_row(page, tracking: str):
    return page.locator(f'[data-testid=queue-item][data-tracking="{tracking}"]')


def test_operator_accepts_a_case_from_the_queue(local_stack, page):
    citizen = Citizen(local_stack)
    created = citizen.submit(
        category="kebencanaan",
        subcategory="banjir",
        title="Banjir <b>di</b> Sempaja",
        description="Air setinggi lutut sejak pagi di Sempaja Selatan.",
        location="Sempaja",
    )
    tracking = created["tracking_number"]
    mail_to(local_stack, OPERATOR, tracking, "Penerimaan pengaduan")  # the intake stage is handed off

    page.set_viewport_size(PHONE)
    sign_in(page, local_stack, OPERATOR)
    row = queue_row(page, tracking)
    expect(row).to_contain_text("Banjir <b>di</b> Sempaja")  # text, never markup
    expect(row).to_contain_text("Penerimaan pengaduan")
    # Durations in words, the server's units (domain/durations.py): "sisa 3 jam kerja 20 menit", "terlambat 45 menit".
    words = r"\d+ hari kerja( \d+ jam kerja)?|\d+ jam kerja( \d+ menit)?|\d+ menit|kurang dari 1 menit"
    expect(row.locator(".tag")).to_have_text(re.compile(rf"^(sisa|terlambat) ({words})$"))
    shot(page, "staff-queue.png")
    assert_accessible(page, "queue on a phone")

    # Found by number as a caller dictates it: lower case, without dashes.
    page.click("#nav-cases")
    page.fill("#search-number", tracking.lower().replace("-", " "))
    page.click("#search-form button[type=submit]")
    expect(page.locator(f'[data-testid=search-result][data-tracking="{tracking}"]')).to_contain_text("Diproses")
    page.fill("#search-number", "KT-2222-2222")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-empty")).to_have_text("Laporan KT-2222-2222 tidak ditemukan.")
    page.click("#nav-queue")

    row.locator("td.num button").click()
    expect(page.locator("#case-number")).to_have_text(tracking)
    expect(page.locator("#case-reporter")).to_contain_text("Siti Aminah")  # the reporter's name first
    expect(page.locator("#case-reporter")).to_contain_text(citizen.email)
    expect(page.locator("#case-channel")).to_have_text("Web (warga)")
    expect(page.locator("[data-testid=choose-accept]")).to_be_checked()  # the usual decision, chosen already
    expect(page.locator("[data-testid=decide-reject]")).to_be_hidden()  # the others are a deliberate choice
    expect(page.locator("#case-emails li").first).to_be_visible()
    assert "citizen:" not in page.locator("#case-view").inner_text()  # no internal ids on screen
    shot(page, "staff-case.png")
    assert_accessible(page, "case on a phone")

    # Rejecting needs a reason (GOV.UK error), then a confirmation that says it cannot be undone; Escape cancels.
    page.check("[data-testid=choose-reject]")
    page.click("[data-testid=decision-next]")
    expect(page.locator("[data-testid=form-errors]")).to_be_focused()
    expect(page.locator("[data-testid=form-errors]")).to_contain_text("Alasan wajib diisi")
    expect(page.locator("[data-testid=decide-reject] textarea[name=reason]")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "decision form with an error")
    page.fill("[data-testid=decide-reject] textarea[name=reason]", "Bukan laporan.")
    page.click("[data-testid=decision-next]")
    expect(page.locator("#confirm")).to_contain_text("tidak dapat dibatalkan")
    expect(page.locator("[data-testid=confirm-no]")).to_be_focused()
    assert_accessible(page, "confirmation of a rejection")
    page.keyboard.press("Escape")
    expect(page.locator("#confirm")).to_be_hidden()
    expect(page.locator("#case-status")).to_have_text("Diproses")  # nothing was sent

    decide_in_console(page, "accept")
    expect(page.locator("#flash")).to_have_text("Keputusan tersimpan: Terima → Klasifikasi.")
    expect(page.locator("[data-testid=case-step][data-stage=intake]")).to_contain_text(f"oleh {OPERATOR}")
    expect(page.locator("[data-testid=decision-form]")).to_have_count(0)
    expect(queue_row(page, tracking)).to_have_count(0)  # the queue was reloaded: no longer waiting at intake
    mail_to(local_stack, DISKOMINFO, tracking, "Klasifikasi")
    shot(page, "staff-case-decided.png")

    page.click("#lang-en")
    expect(page.locator("[data-testid=case-step][data-stage=intake] strong")).to_have_text("Intake")
    page.click("#case-back")
    expect(page.locator("h2", has_text="My queue")).to_be_visible()
    expect(queue_row(page, tracking)).to_have_count(0)


def test_agency_answers_from_the_console(local_stack, page):
    citizen = Citizen(local_stack)
    created = citizen.submit(
        category="lingkungan",
        subcategory="sampah",
        title="Sampah menumpuk di Jl. Juanda",
        description="Sampah tidak diangkut selama dua minggu di depan pasar.",
    )
    tracking = created["tracking_number"]
    decide_by_api(local_stack, OPERATOR, created["id"], {"stage": "intake", "decision": "accept"})
    decide_by_api(
        local_stack, DISKOMINFO, created["id"], {"stage": "classification", "kind": "aspiration", "opd": "DLH"}
    )
    mail_to(local_stack, DLH, tracking, "Tanggapan OPD")

    # The action page's link to the console, /staff?case=<id>: the case opens after the login.
    page.set_viewport_size(PHONE)
    page.goto(f"{local_stack.api}/staff?case={created['id']}")
    page.fill("#login-email", DLH)
    page.fill("#login-password", password_of(local_stack, DLH))
    page.click("#login-form button[type=submit]")
    expect(page.locator("#case-number")).to_have_text(tracking)
    page.click("#case-back")
    row = queue_row(page, tracking)
    expect(row).to_contain_text("Tanggapan OPD")
    expect(row).to_contain_text("Dinas Lingkungan Hidup")
    row.locator("td.num button").click()
    expect(page.locator("#case-number")).to_have_text(tracking)
    expect(page.locator("[data-testid=case-step][data-stage=classification]")).to_contain_text("Dinas Lingkungan Hidup")
    page.fill("[data-testid=decide-respond] textarea[name=response]", "Pengangkutan dijadwalkan ulang setiap hari.")
    shot(page, "staff-agency-case.png")
    decide_in_console(page, "respond")
    expect(page.locator("#flash")).to_have_text("Keputusan tersimpan: Kirim tanggapan → Pemeriksaan tanggapan.")
    expect(page.locator("[data-testid=case-step][data-stage=opd_response]")).to_contain_text(
        "Tanggapan: Pengangkutan dijadwalkan ulang setiap hari."
    )
    expect(queue_row(page, tracking)).to_have_count(0)
    mail_to(local_stack, DISKOMINFO, tracking, "Pemeriksaan tanggapan")


def test_operator_records_a_phone_complaint(local_stack, page):
    sign_in(page, local_stack, OPERATOR)
    page.set_viewport_size(DESKTOP)
    page.click("#nav-new")
    page.click("#new-send")  # nothing filled in: the errors, as GOV.UK shows them
    expect(page.locator("#new-form [data-testid=form-errors]")).to_be_focused()
    expect(page.locator("#new-title")).to_have_attribute("aria-invalid", "true")
    shot(page, "staff-new-complaint-errors-desktop.png")
    assert_accessible(page, "new report with errors on a desktop")
    page.set_viewport_size(PHONE)
    page.select_option("#new-channel", "phone")
    page.fill("#new-name", "Pak Darto")
    page.fill("#new-phone", "0812-3456-7890")
    page.select_option("#new-category", "perhubungan")
    page.select_option("#new-subcategory", "lalu-lintas")
    expect(page.locator("#new-opd-name")).to_have_text("Dinas Perhubungan")
    page.fill("#new-title", "Lampu lalu lintas mati")
    page.fill("#new-description", "Penelepon melaporkan lampu lalu lintas di simpang Lembuswana mati.")
    shot(page, "staff-new-complaint.png")
    assert_accessible(page, "new report on a phone")
    page.click("#new-send")
    number = page.locator("#entered-number")
    expect(number).to_have_text(re.compile(r"^KT-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    expect(page.locator("#case-number")).to_have_text(number.inner_text())
    expect(page.locator("#case-channel")).to_have_text("Telepon")
    expect(page.locator("#case-reporter")).to_contain_text("Pak Darto")
    shot(page, "staff-entered.png")

    # Someone else accepts it first (a colleague's console or the emailed link): this console is told and reloads.
    tracking = number.inner_text()
    mail_to(local_stack, OPERATOR, tracking, "Penerimaan pengaduan")
    page.click("#case-reload")
    expect(page.locator("[data-testid=choose-accept]")).to_be_visible()
    found = requests.get(
        f"{local_stack.api}/staff/complaints",
        params={"tracking_number": tracking},
        timeout=10,
        headers={"Authorization": f"Bearer {staff_token(local_stack, OPERATOR)}"},
    ).json()
    complaint_id = found["items"][0]["id"]
    decide_by_api(local_stack, OPERATOR, complaint_id, {"stage": "intake", "decision": "accept"})
    decide_in_console(page, "accept")
    expect(page.locator("#flash")).to_contain_text("Bukan tahap yang sedang berjalan")
    expect(page.locator("[data-testid=decision-form]")).to_have_count(0)
    expect(page.locator("[data-testid=case-step][data-stage=intake]")).to_contain_text(f"oleh {OPERATOR}")


def test_admin_invites_a_member(local_stack, page):
    page.set_viewport_size(PHONE)
    sign_in(page, local_stack, ADMIN)
    expect(page.locator("#nav-new")).to_be_hidden()
    page.click("#nav-members")
    expect(page.locator(f'[data-testid=member][data-email="{OPERATOR}"]')).to_be_visible()
    email = f"petugas-{uuid.uuid4().hex[:6]}@example.id"
    page.fill("#invite-email", email)
    page.fill("#invite-name", "Petugas <i>Baru</i>")
    page.check("#invite-groups input[value=operator]")
    page.check("#invite-groups input[value=opd-DLH]")
    page.click("#invite-send")
    expect(page.locator("#flash")).to_have_text(f"Undangan dikirim ke {email}.")
    member = page.locator(f'[data-testid=member][data-email="{email}"]')
    expect(member).to_contain_text("Petugas <i>Baru</i> diundang")
    expect(member).to_contain_text("Operator/Agen, OPD DLH")
    shot(page, "staff-members.png")
    invitation = wait_for(lambda: [m for m in local_stack.messages() if email in m["to"]], "the invitation email")[0]
    temporary = re.search(r"Kata sandi sementara: (\S+)", invitation["text"]).group(1)

    # The new member's first login: the console asks for a new password, then opens the queue.
    page.click("#logout")
    page.fill("#login-email", email)
    page.fill("#login-password", temporary)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#login-new-password")).to_be_visible()
    shot(page, "staff-first-login.png")
    page.fill("#login-new-password", "Baru-Rahasia-42")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#queue-view")).to_be_visible()
    expect(page.locator("#queue-roles")).to_have_text("Peran: Operator/Agen, OPD DLH.")
    expect(page.locator("#nav-new")).to_be_visible()
    expect(page.locator("#nav-members")).to_be_hidden()

    # The admin disables the account again.
    page.click("#logout")
    sign_in(page, local_stack, ADMIN)
    page.click("#nav-members")
    expect(member).to_contain_text("Petugas <i>Baru</i> aktif")
    mine = page.locator(f'[data-testid=member][data-email="{ADMIN}"]')
    expect(mine).to_contain_text("Anda")
    expect(mine.locator("button")).to_have_count(0)  # no way to lock oneself out
    member.locator("[data-testid=member-disable]").click()
    expect(page.locator("#confirm")).to_contain_text(email)
    assert_accessible(page, "confirmation of disabling a member")
    page.click("[data-testid=confirm-yes]")
    expect(page.locator("#flash")).to_have_text(f"{email} dinonaktifkan.")
    expect(member).to_contain_text("nonaktif")
    expect(member.locator("[data-testid=member-disable]")).to_have_count(0)
