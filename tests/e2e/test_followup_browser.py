"""The citizen after submitting, in a browser on the real local stack: the officer's question arrives by
email, the deep link opens the case after the login, the citizen answers on the page, the reply comes,
the citizen rates it and reopens the case. And the staff console's side: an operator records an answer
a reporter gave by phone; classification sees it and closes the case as a duplicate."""

from __future__ import annotations

import re
import uuid

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from local.launch import free_port, wait_for

from .a11y import assert_accessible
from .helpers import (
    ARTIFACTS,
    CHROMIUM,
    DISKOMINFO,
    FLAGS,
    OPERATOR,
    Citizen,
    act,
    decide_by_api,
    decide_in_console,
    find_case,
    mail_to,
    next_link,
    sign_in,
    staff_token,
)

pytestmark = pytest.mark.e2e

# A feedback window of its own (600 office minutes, scaled: an hour), whatever the SOP default.
STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "FEEDBACK_WINDOW_MINUTES": "600",
    "TILE_URL": f"http://127.0.0.1:{free_port()}/{{z}}/{{x}}/{{y}}.png",  # no internet here: tiles fail at once
}
PASSWORD = "Rahasia-123"
CASE_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/\?case=[0-9a-f]+)")


@pytest.fixture
def context():
    """A phone's browser; each page a tab of its own (its own sessionStorage: logged out)."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="id-ID")
        errors: list[str] = []
        context.on("page", lambda page: page.on("pageerror", lambda error: errors.append(str(error))))
        yield context
        browser.close()
        assert not errors, errors


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def log_in(page, email: str) -> None:
    expect(page.locator("#login-form")).to_be_visible()
    page.fill("#login-email", email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")


def test_citizen_answers_the_officer_rates_the_reply_and_reopens(local_stack, context):
    question, answer = "Di simpang <i>mana</i> tepatnya?", "Simpang <b>x</b> Lembuswana, dekat mal."
    reply = "Petugas Dishub sudah memperbaiki lampu itu."
    email = f"warga-{uuid.uuid4().hex[:8]}@example.id"
    page = context.new_page()
    page.goto(f"{local_stack.api}/")
    page.fill("#reg-name", "Rudi Hartono")
    page.fill("#reg-email", email)
    page.fill("#reg-password", PASSWORD)
    page.click("#register-form button[type=submit]")
    page.select_option("#category", "perhubungan")
    page.select_option("#subcategory", "lalu-lintas")
    page.fill("#title", "Lampu lalu lintas mati")
    page.fill("#description", "Lampu lalu lintas di simpang dekat mal mati sejak kemarin malam.")
    page.click("#send")
    expect(page.locator("#tracking-number")).to_have_text(re.compile(r"^KT-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    tracking, used = page.locator("#tracking-number").inner_text(), set[str]()

    # The teams act through their emailed links: accept; classification asks the citizen.
    act(next_link(local_stack, OPERATOR, tracking, used), {"decision": "accept"})
    act(next_link(local_stack, DISKOMINFO, tracking, used), {"decision": "request_information", "question": question})

    # The question email links to the case; a new tab is logged out: the case opens after the login.
    mail = mail_to(local_stack, email, tracking, "Pertanyaan")[-1]
    link = CASE_LINK.search(mail["text"]).group(1)
    page.close()
    page = context.new_page()
    page.goto(link)
    log_in(page, email)
    box = page.locator("[data-testid=question]")
    expect(box).to_be_visible()
    expect(page.locator("#detail-number")).to_have_text(tracking)
    expect(page.locator("#fu-question-text")).to_have_text(question)  # text, never markup
    expect(box).to_contain_text("Waktu layanan dihentikan sementara")
    expect(page.locator("#detail-due")).to_have_text("dihentikan sementara — menunggu jawaban Anda")
    shot(page, "citizen-question.png")

    page.fill("#fu-answer", answer)
    page.click("#fu-answer-form button[type=submit]")
    expect(box).to_be_hidden()
    expect(page.locator("#fu-answered-ok")).to_have_text("Jawaban Anda terkirim. Petugas melanjutkan laporan Anda.")
    history = page.locator("[data-testid=history]")
    expect(history.locator("li[data-type=question]")).to_contain_text(question)
    expect(history.locator("li[data-type=answer] .fu-quote")).to_have_text(answer)
    expect(history.locator("b, i")).to_have_count(0)

    # Classification resumes with the answer and sends it to the operator, who replies.
    described = act(next_link(local_stack, DISKOMINFO, tracking, used), {"kind": "information"})
    assert described["visit"]["answer"] == answer
    act(next_link(local_stack, OPERATOR, tracking, used), {"reply": reply})
    mail_to(local_stack, email, tracking, "Jawaban")

    page.reload()  # the address keeps the open case
    expect(page.locator("#detail-status")).to_have_text("Dijawab")
    expect(page.locator("#detail-reply")).to_have_text(reply)
    expect(page.locator("#fu-sop")).to_contain_text("tercapai")
    expect(history.locator("li[data-type=resumed]")).to_contain_text(
        "Klasifikasi dilanjutkan — waktu layanan berjalan lagi"
    )
    expect(history.locator("li[data-type=reply]")).to_have_text(re.compile("Jawaban dikirim kepada Anda$"))
    expect(page.locator("#detail-timeline .tag.fu-paused")).to_contain_text("bertanya kepada Anda")

    # Rate 4 with a comment, once.
    rating = page.locator("[data-testid=rating]")
    rating.locator(".fu-scores label", has_text="4").click()
    page.fill("#fu-comment", "Cepat <i>sekali</i>, terima kasih.")
    page.click("#fu-rate-form button[type=submit]")
    expect(page.locator("#fu-rated")).to_have_text("Penilaian Anda: 4 dari 5. Terima kasih. ★★★★☆")
    expect(page.locator("#fu-rated-comment")).to_have_text("Cepat <i>sekali</i>, terima kasih.")
    expect(page.locator("#fu-rate-form")).to_be_hidden()
    expect(history.locator("li[data-type=rated]")).to_contain_text("Anda memberi nilai 4 dari 5")

    # Not solved: reopen with a reason, inside the feedback window.
    reopen = page.locator("[data-testid=reopen]")
    expect(reopen).to_contain_text("Sisa kesempatan: 2 kali.")
    page.fill("#fu-reason", "Lampu mati <u>lagi</u> malam ini.")
    shot(page, "citizen-answered.png")
    page.click("#fu-reopen-form button[type=submit]")
    expect(page.locator("#detail-status")).to_have_text("Diproses")
    expect(reopen).to_be_hidden()
    expect(page.locator("#fu-reopened-ok")).to_have_text("Laporan dibuka kembali. Tim Diskominfo meninjaunya lagi.")
    reopened = history.locator("li[data-type=reopened]")
    expect(reopened).to_contain_text("Anda membuka kembali laporan (putaran 2). Alasan:")
    expect(reopened.locator(".fu-quote")).to_have_text("Lampu mati <u>lagi</u> malam ini.")
    expect(history.locator("b, i, u")).to_have_count(0)

    page.click("#lang-en")
    expect(reopened).to_contain_text("You reopened the report (round 2). Reason:")
    expect(page.locator("#fu-reopened-ok")).to_have_text(
        "The report is open again. The Diskominfo team reviews it again."
    )
    expect(page.locator("#fu-rated")).to_have_text("Your rating: 4 out of 5. Thank you. ★★★★☆")
    shot(page, "citizen-reopened.png")
    page.click("#nav a[data-view=reports]")  # the list shows the case open again
    expect(page.locator("#complaints li", has_text=tracking).locator(".tag")).to_have_text("In progress")


def test_operator_records_a_phone_answer_and_the_case_closes_as_a_duplicate(local_stack, context):
    citizen = Citizen(local_stack)
    original = citizen.submit(
        category="kebencanaan",
        subcategory="banjir",
        title="Banjir di Sempaja",
        description="Air setinggi lutut sejak pagi di Sempaja Selatan.",
    )
    created = citizen.submit(
        category="kebencanaan",
        subcategory="banjir",
        title="Banjir lagi di Sempaja",
        description="Jalan di Sempaja Selatan tergenang air sejak pagi.",
    )
    tracking, question = created["tracking_number"], "Nomor rumah <b>berapa</b>?"
    decide_by_api(local_stack, OPERATOR, created["id"], {"stage": "intake", "decision": "accept"})
    decide_by_api(
        local_stack,
        DISKOMINFO,
        created["id"],
        {"stage": "classification", "decision": "request_information", "question": question},
    )

    # The reporter calls back: the operator records the answer in the console.
    page = context.new_page()
    sign_in(page, local_stack, OPERATOR)
    find_case(page, tracking)
    box = page.locator("[data-testid=case-question]")
    expect(page.locator("#case-question-text")).to_have_text(question)
    expect(box).to_contain_text("Waktu SOP dihentikan sementara")
    expect(page.locator("#case-sop")).to_be_visible()
    shot(page, "staff-question.png")
    page.fill("#fq-answer", "Nomor 12 <b>B</b>")
    page.click("[data-testid=record-answer] button[type=submit]")
    expect(page.locator("#flash")).to_have_text("Jawaban tercatat; tahap Klasifikasi dilanjutkan.")
    expect(box).to_be_hidden()
    expect(page.locator("[data-testid=case-step][data-stage=classification]").first).to_contain_text(
        "Jawaban pelapor: Nomor 12 <b>B</b>"
    )

    # Classification, resumed, sees the answer as its visit's context and closes the case as a duplicate.
    headers = {"Authorization": f"Bearer {staff_token(local_stack, DISKOMINFO)}"}
    wait_for(
        lambda: (
            (
                requests.get(f"{local_stack.api}/staff/complaints/{created['id']}", headers=headers, timeout=10)
                .json()
                .get("current")
                or {}
            ).get("step")
            == 3
        ),
        "classification to resume",
    )
    page.click("#logout")
    sign_in(page, local_stack, DISKOMINFO)
    find_case(page, tracking)
    expect(page.locator("[data-testid=step-context]")).to_contain_text("Jawaban pelapor: Nomor 12 <b>B</b>")
    assert_accessible(page, "classification form (phone)")
    page.check("[data-testid=choose-duplicate]")
    number = page.locator("[data-testid=decide-duplicate] input[name=of]")
    expect(number).to_have_attribute("placeholder", "KT-XXXX-XXXX")
    expect(page.locator("[data-testid=decision-reason]")).to_contain_text("Nomor 12 <b>B</b>")  # beside the form
    decide_in_console(page, "duplicate", of=original["tracking_number"])
    expect(page.locator("#flash")).to_have_text(
        "Keputusan tersimpan: Duplikat (laporan lain yang sama dilanjutkan) → ditutup (duplikat)."
    )
    expect(page.locator("#case-duplicate-of")).to_contain_text(original["tracking_number"])

    # The citizen's page names the case that carries on.
    page = context.new_page()
    page.goto(f"{local_stack.api}/?case={created['id']}")
    page.fill("#login-email", citizen.email)
    page.fill("#login-password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("[data-testid=duplicate-of]")).to_have_text(
        f"Laporan Anda digabung dengan {original['tracking_number']}, "
        "yang ditindaklanjuti: Diproses — Penerimaan pengaduan."
    )
    expect(page.locator("[data-testid=history] li[data-type=closed]")).to_have_text(
        re.compile("Laporan ditutup: digabung dengan laporan lain$")
    )
