"""The citizen page walked as a citizen would, at a phone's and a desktop's size, in headless Chromium on the
real local stack (issue 20): register, a wrong password, a forgotten password reset with the emailed code,
a report sent first with errors and then with its category, a pin and a photo, the tracking number
announced, the case with a question waiting, the answer card first, a rating, reopening, the account
screen, and a report's status looked up without logging in. axe-core finds nothing at any impact in every
state; each screen's first load stays within the weight budget; a keyboard alone gets through.

The machine has no internet: tiles come from TILE_URL, here a local port that refuses, so the page must say
the map could not load and still take a pin.
"""

from __future__ import annotations

import re
import uuid
import zlib

import pytest
from playwright.sync_api import expect, sync_playwright

from bench import pages
from local.launch import free_port, wait_for

from .a11y import DESKTOP, SIZES, assert_accessible
from .helpers import ARTIFACTS, CHROMIUM, DISKOMINFO, FLAGS, OPERATOR, decide_by_api, mail_to, shot

pytestmark = pytest.mark.e2e

TILES = f"http://127.0.0.1:{free_port()}"  # nothing listens: every tile fails at once
STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "FEEDBACK_WINDOW_MINUTES": "600",
    "TILE_URL": TILES + "/{z}/{x}/{y}.png",
}
PASSWORD, NEW_PASSWORD = "Rahasia-123", "Baru-Sandi-456"
DLH = "opd-dlh@aspirasi.kaltimprov.go.id"
NUMBER = re.compile(r"^KT-[0-9A-Z]{4}-[0-9A-Z]{4}$")
SAMARINDA = {"latitude": -0.4948, "longitude": 117.1436}


def png(side: int = 64) -> bytes:
    """A real PNG (the uploads consumer checks a file from its bytes)."""
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(side * 3)) for y in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PHOTO = {"name": "sampah menumpuk.png", "mimeType": "image/png", "buffer": png()}


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser):
    """A new tab (its own sessionStorage: logged out) at a size; checks no token reaches the address bar or
    the console, and no script error happens."""
    contexts, pages, console, errors = [], [], [], []

    def make(size, **options):
        context = browser.new_context(viewport=size, locale="id-ID", **options)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: console.append(message.text))
        page.on("pageerror", lambda error: errors.append(str(error)))
        pages.append(page)
        return page

    yield make
    for page in pages:
        assert "eyJ" not in page.url
    assert not [line for line in console if "eyJ" in line], console
    assert not errors, errors
    for context in contexts:
        context.close()


def code_from_outbox(stack, email: str) -> str:
    mail = mail_to(stack, email, "Kode untuk kata sandi baru")[-1]
    return re.search(r"Kode Anda: (\d+)", mail["text"]).group(1)


def live_says(page, text) -> None:
    expect(page.locator("#live")).to_contain_text(text)


def checked(page, state: str) -> None:
    """A page state as everyone meets it: axe-core finds nothing, and nothing is wider than the screen."""
    assert_accessible(page, state)
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, f"wider than {width}px in {state!r}"


def fill_report(page, category="lingkungan", subcategory="sampah") -> None:
    page.select_option("#category", category)
    page.select_option("#subcategory", subcategory)
    page.fill("#title", "Sampah <b>menumpuk</b> di Jl. Pahlawan")
    page.fill("#description", "Sampah belum diangkut sejak Senin di depan sekolah, baunya sampai ke kelas.")


def staff_accept_and_ask(stack, complaint_id: str, question: str | None = None) -> None:
    """The teams' side, through the console's API: accept, and (with a question) ask the citizen."""
    decide_by_api(stack, OPERATOR, complaint_id, {"stage": "intake", "decision": "accept"})
    if question:
        decide_by_api(
            stack,
            DISKOMINFO,
            complaint_id,
            {"stage": "classification", "decision": "request_information", "question": question},
        )


def staff_reply(stack, complaint_id: str, reply: str) -> None:
    """Classify to the agency, which responds; the response is approved and the operator replies."""
    decide_by_api(stack, DISKOMINFO, complaint_id, {"stage": "classification", "kind": "aspiration", "opd": "DLH"})
    decide_by_api(stack, DLH, complaint_id, {"stage": "opd_response", "response": "Sudah diangkut hari ini."})
    decide_by_api(stack, DISKOMINFO, complaint_id, {"stage": "review", "decision": "approve"})
    decide_by_api(stack, OPERATOR, complaint_id, {"stage": "reply", "reply": reply})


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_citizen_walks_every_flow(local_stack, open_page, size):
    viewport = SIZES[size]
    page = open_page(viewport, geolocation=SAMARINDA, permissions=["geolocation"])
    email = f"siti-{size}-{uuid.uuid4().hex[:6]}@example.id"

    # Logged out: log in, register and the status check on one screen.
    page.goto(f"{local_stack.api}/")
    expect(page.locator("h2", has_text="Daftar akun baru")).to_be_visible()
    expect(page.locator("#track")).to_be_visible()
    checked(page, f"logged out ({size})")
    shot(page, f"citizen-{size}-logged-out.png")

    # Registering with errors: the summary links to each field, the message sits under it.
    page.fill("#reg-email", "bukan-email")
    page.fill("#reg-phone", "12ab")
    page.click("#register-form button[type=submit]")
    summary = page.locator("#screen-guest .error-summary")
    expect(summary).to_be_focused()
    expect(summary.locator("h2")).to_have_text("Ada masalah")
    expect(summary.locator("a[href='#reg-name']")).to_have_text("Tulis nama lengkap Anda")
    expect(page.locator("#reg-email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#reg-email-error")).to_contain_text("Tulis alamat email")
    checked(page, f"register with errors ({size})")
    summary.locator("a[href='#reg-name']").click()
    expect(page.locator("#reg-name")).to_be_focused()
    # The API's own 422 (the phone) lands under its field too, in the page's language.
    page.fill("#reg-name", "Siti Aminah")
    page.fill("#reg-email", email)
    page.fill("#reg-password", PASSWORD)
    page.click("#register-form button[type=submit]")
    expect(page.locator("#reg-phone")).to_have_attribute("aria-invalid", "true")
    expect(summary.locator("a[href='#reg-phone']")).to_be_visible()
    page.fill("#reg-phone", "0812-3456-7890")
    page.click("#register-form button[type=submit]")
    expect(page.locator("#complaint-form")).to_be_visible()
    expect(page.locator("#screen-new h2[tabindex]")).to_be_focused()

    # The form with errors: no category is chosen for the citizen.
    expect(page.locator("#category")).to_have_value("")
    expect(page.locator("#subcategory")).to_be_disabled()
    page.click("#send")
    summary = page.locator("#screen-new .error-summary")
    expect(summary).to_be_focused()
    for field in ("category", "title", "description"):
        expect(summary.locator(f"a[href='#{field}']")).to_be_visible()
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#category-error")).to_contain_text("Pilih kategori laporan")
    expect(page.locator("#map-note")).to_be_visible()  # no tiles here: said so, and the pin still works
    checked(page, f"form with errors ({size})")
    shot(page, f"citizen-{size}-form-errors.png")
    page.click("#lang-en")  # the errors follow the language
    expect(summary.locator("h2")).to_have_text("There is a problem")
    expect(page.locator("#category-error")).to_contain_text("Choose the report's category")
    page.click("#lang-id")

    # Now with category, a pin (from the phone's location, or a click on the map) and a photo.
    fill_report(page)
    expect(page.locator("#opd-name")).to_have_text("Dinas Lingkungan Hidup")
    if size == "phone":
        page.click("#use-location")
        expect(page.locator("#pin-status")).to_have_text("Pin terpasang: -0.49480, 117.14360")
    else:
        page.locator("#map").click(position={"x": 120, "y": 90})
        expect(page.locator("#pin-status")).to_contain_text("Pin terpasang: ")
    expect(page.locator("#map .pin")).to_have_count(1)
    page.fill("#location", "Depan SMA 1, Jl. Pahlawan")
    page.set_input_files("#photos", files=[PHOTO])
    page.click("#send")
    number = page.locator("#tracking-number")
    expect(number).to_have_text(NUMBER)
    tracking = number.inner_text()
    expect(page.locator("#submitted")).to_be_focused()
    live_says(page, f"Nomor laporan Anda {tracking}")
    case_id = re.search(r"case=([0-9a-f]+)", page.url).group(1)
    upload = page.locator("[data-testid=uploads] li")
    expect(upload).to_have_attribute("data-state", "checking", timeout=20_000)
    expect(page.locator("#att-list li[data-status=accepted]")).to_contain_text("sampah menumpuk.png", timeout=30_000)
    expect(page.locator("#detail-title")).to_have_text("Sampah <b>menumpuk</b> di Jl. Pahlawan")  # text, not markup
    expect(page.locator("#detail-timeline li[data-type=stage]").first).to_contain_text("Penerimaan pengaduan")
    checked(page, f"case open ({size})")
    shot(page, f"citizen-{size}-sent.png")

    # Switching to English changes the status line too.
    page.click("#lang-en")
    expect(page.locator("#detail-status")).to_have_text("In progress")
    expect(page.locator("#detail-stage")).to_have_text("Intake")
    page.click("#lang-id")

    # A question from the officer, waiting; answered on the page.
    question = "Di depan sekolah <i>mana</i> tepatnya?"
    staff_accept_and_ask(local_stack, case_id, question)
    page.reload()  # the address keeps the case
    box = page.locator("[data-testid=question]")
    expect(box).to_be_visible()
    expect(page.locator("#fu-question-text")).to_have_text(question)
    checked(page, f"question waiting ({size})")
    shot(page, f"citizen-{size}-question.png")
    page.click("#fu-answer-form button[type=submit]")  # empty: an error under the field
    expect(page.locator("#fu-answer-error")).to_contain_text("Tulis jawaban Anda")
    page.fill("#fu-answer", "SMA 1 Samarinda, sebelah <b>kantin</b>.")
    page.click("#fu-answer-form button[type=submit]")
    expect(page.locator("#fu-answered-ok")).to_be_focused()
    live_says(page, "Jawaban Anda terkirim")
    expect(box).to_be_hidden()

    # The answer comes: the case leads with it, naming the agency, within the first two screens.
    reply = "Dinas Lingkungan Hidup sudah mengangkut sampah di depan SMA 1 hari ini."
    staff_reply(local_stack, case_id, reply)
    mail_to(local_stack, email, tracking, "Jawaban")
    page.goto(f"{local_stack.api}/?view=reports")
    entry = page.locator("#complaints a", has_text=tracking)
    expect(entry).to_contain_text("Dijawab")
    entry.click()
    answer = page.locator("[data-testid=answer]")
    expect(answer).to_be_visible()
    expect(page.locator("#detail-answered-by")).to_have_text("Dijawab oleh Dinas Lingkungan Hidup")
    expect(page.locator("#detail-answered-at")).to_contain_text("WITA")
    expect(page.locator("#detail-reply")).to_have_text(reply)
    page.evaluate("window.scrollTo(0, 0)")
    top = answer.bounding_box()["y"]
    assert top < 2 * viewport["height"], f"the answer starts {top}px down"
    assert top < page.locator("#detail-timeline").bounding_box()["y"]  # before the one timeline
    assert page.locator("ol.timeline").count() == 1
    checked(page, f"answered ({size})")
    shot(page, f"citizen-{size}-answered.png")

    # Rate (a score is required), then reopen: the new stage shows without a reload.
    page.click("#fu-rate-form button[type=submit]")
    expect(page.locator("#screen-case .error-summary a[href='#fu-score']")).to_have_text("Pilih nilai dari 1 sampai 5")
    page.locator("#fu-score label", has_text="4").click()
    page.fill("#fu-comment", "Cepat, terima kasih.")
    page.click("#fu-rate-form button[type=submit]")
    expect(page.locator("#fu-rated")).to_have_text("Penilaian Anda: 4 dari 5. Terima kasih. ★★★★☆")
    expect(page.locator("#fu-rated")).to_be_focused()
    page.fill("#fu-reason", "Sampahnya menumpuk lagi sore ini.")
    page.click("#fu-reopen-form button[type=submit]")
    expect(page.locator("#fu-reopened-ok")).to_be_focused()
    expect(page.locator("#detail-status")).to_have_text("Diproses")
    expect(page.locator("#detail-stage")).to_have_text("Klasifikasi")
    expect(page.locator("#detail-timeline li[data-type=stage][data-stage=classification]")).to_have_count(
        2, timeout=30_000
    )
    shot(page, f"citizen-{size}-reopened.png")

    # Back goes to the list; forward to the case again.
    page.go_back()
    expect(page.locator("#complaints")).to_be_visible()
    page.go_forward()
    expect(page.locator("#detail-number")).to_have_text(tracking)

    # The account screen holds the data rights; closing the account takes a deliberate step.
    page.click("#nav a[data-view=account]")
    expect(page.locator("#who-email")).to_have_text(email)
    expect(page.locator("#pd-close-form")).to_be_hidden()
    checked(page, f"account ({size})")
    page.click("#pd-close-start")
    expect(page.locator("#pd-close-email")).to_be_focused()
    checked(page, f"account, closing ({size})")
    shot(page, f"citizen-{size}-account.png")
    page.click("#pd-close-cancel")
    expect(page.locator("#pd-close-form")).to_be_hidden()
    page.fill("#pd-phone", "0812 9999 8888")
    page.click("#pd-correct-form button[type=submit]")
    expect(page.locator("#pd-corrected")).to_be_focused()

    # Log out; a wrong password says so.
    page.click("#logout")
    page.fill("#login-email", email)
    page.fill("#login-password", "Salah-Sandi-1")
    page.click("#login-form button[type=submit]")
    expect(page.locator("#screen-guest .error-summary")).to_contain_text("Email atau kata sandi salah")
    expect(page.locator("#login-password-error")).to_contain_text("Email atau kata sandi salah")

    # Forgot the password: the code from the email, a new password, and in.
    page.click("#forgot-link")
    expect(page.locator("#forgot-form")).to_be_visible()
    assert "view=forgot" in page.url
    page.fill("#forgot-email", email)
    page.click("#forgot-form button[type=submit]")
    expect(page.locator("#forgot-sent")).to_be_focused()
    page.fill("#reset-code", "000000")
    page.fill("#reset-password", NEW_PASSWORD)
    page.click("#reset-form button[type=submit]")  # a wrong code: under its field
    expect(page.locator("#reset-code")).to_have_attribute("aria-invalid", "true")
    checked(page, f"reset with errors ({size})")
    shot(page, f"citizen-{size}-reset.png")
    page.fill("#reset-code", code_from_outbox(local_stack, email))
    page.click("#reset-form button[type=submit]")
    expect(page.locator("#reports-result")).to_be_focused()
    expect(page.locator("#complaints a", has_text=tracking)).to_be_visible()
    page.click("#logout")

    # Logged out, anyone checks a report's status by its number.
    page.fill("#track-number", tracking.lower())
    page.click("#track-form button[type=submit]")
    result = page.locator("#track-result")
    expect(result).to_be_focused()
    expect(result).to_contain_text("Diproses — Klasifikasi")
    expect(result).to_contain_text("Dinas Lingkungan Hidup")
    expect(result.locator("li[data-stage=intake]")).to_contain_text("selesai")
    assert "Pahlawan" not in result.inner_text()  # never the text
    live_says(page, f"Laporan {tracking}")
    checked(page, f"status check ({size})")
    shot(page, f"citizen-{size}-track.png")
    page.fill("#track-number", "KT-0000-0000")
    page.click("#track-form button[type=submit]")
    expect(page.locator("#track-number-error")).to_contain_text("tidak ditemukan")
    # The receipt email's link (?track=...) looks the number up at once.
    receipt = mail_to(local_stack, email, tracking, "diterima")[0]
    page.goto(re.search(r"http\S+/\?track=\S+", receipt["text"]).group(0))
    expect(page.locator("#track-result")).to_contain_text("Diproses — Klasifikasi")
    expect(page.locator("#track-number")).to_have_value(tracking)


def test_each_screen_loads_within_the_budget(local_stack, browser):
    """First load of each screen in a fresh tab: at most 100 KiB of JavaScript and 1.4 MiB in all (gzip).
    bench/pages.py measures; `make bench` puts the same table into BENCHMARKS.md."""

    def check(name, page, weight):
        if name.startswith("new report"):
            expect(page.locator("#map .leaflet-control-zoom")).to_be_visible()  # the map library was in the load
            assert any("leaflet.js" in url for _, url, _ in weight.files)

    measured = pages.measure(browser, local_stack.api, lambda url: url.startswith(TILES), check)
    print("\n" + pages.table(measured))
    assert [name for name, _ in measured] == ["logged out", "new report (map)", "my reports", "one case", "account"]
    for name, weight in measured:
        assert weight.scripts <= pages.JS_BUDGET, (name, weight.files)
        assert weight.total <= pages.TOTAL_BUDGET, (name, weight.files)
    (ARTIFACTS / "citizen-page-weights.txt").write_text(pages.table(measured) + "\n")


def test_a_keyboard_alone_registers_reports_with_a_pin_and_a_photo_and_rates(local_stack, open_page, tmp_path):
    page = open_page(DESKTOP)
    email = f"papan-{uuid.uuid4().hex[:6]}@example.id"
    photo = tmp_path / "foto.png"
    photo.write_bytes(PHOTO["buffer"])
    page.goto(f"{local_stack.api}/")
    keys = page.keyboard

    def tab_to(selector: str, limit: int = 60) -> None:
        seen = []
        for _ in range(limit):
            keys.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
            seen.append(
                page.evaluate("(e => e.id || e.tagName + ':' + e.textContent.slice(0, 20))(document.activeElement)")
            )
        shot(page, "citizen-keyboard-lost.png")
        raise AssertionError(f"Tab never reached {selector}; it went {seen}")

    tab_to("#reg-name")
    keys.type("Budi Santoso")
    keys.press("Tab")
    keys.type(email)
    keys.press("Tab")
    keys.press("Tab")
    keys.type(PASSWORD)
    keys.press("Enter")
    expect(page.locator("#complaint-form")).to_be_visible()
    expect(page.locator("#category option[value=lingkungan]")).to_have_count(1)  # the catalog has come

    tab_to("#category")
    keys.press("ArrowDown")  # the first real category after "choose"
    tab_to("#subcategory")
    keys.press("ArrowDown")
    expect(page.locator("#subcategory")).not_to_have_value("")
    tab_to("#title")
    keys.type("Jalan berlubang")
    keys.press("Tab")
    keys.type("Lubang besar di tengah jalan, sudah dua motor jatuh minggu ini.")
    tab_to("#map")  # the map takes the arrows: it pans, and the pin goes to its centre
    before = page.evaluate("document.querySelector('.leaflet-map-pane').style.transform")
    keys.press("ArrowRight")
    keys.press("ArrowDown")
    wait_for(
        lambda: page.evaluate("document.querySelector('.leaflet-map-pane').style.transform") != before, "the map to pan"
    )
    tab_to("#pin-centre")
    keys.press("Enter")
    expect(page.locator("#pin-status")).to_contain_text("Pin terpasang")
    tab_to("#photos")
    with page.expect_file_chooser() as chooser:
        keys.press("Space")
    chooser.value.set_files(str(photo))
    tab_to("#send")
    keys.press("Enter")
    expect(page.locator("#tracking-number")).to_have_text(NUMBER)
    expect(page.locator("#submitted")).to_be_focused()
    expect(page.locator("#att-list li[data-status=accepted]")).to_have_count(1, timeout=30_000)
    case_id = re.search(r"case=([0-9a-f]+)", page.url).group(1)

    # Answered by the teams; the citizen opens the case from the list and rates it with the keyboard.
    decide_by_api(local_stack, OPERATOR, case_id, {"stage": "intake", "decision": "accept"})
    decide_by_api(local_stack, DISKOMINFO, case_id, {"stage": "classification", "kind": "information"})
    decide_by_api(local_stack, OPERATOR, case_id, {"stage": "reply", "reply": "Sudah ditambal hari ini."})
    mail_to(local_stack, email, "Jawaban")  # the case is answered (its reply is recorded a moment before)
    tab_to("#detail a[data-view=reports]")  # "← Laporan saya", right under the receipt
    keys.press("Enter")
    expect(page.locator("#complaints")).to_be_visible()
    tab_to("#complaints a")
    keys.press("Enter")
    expect(page.locator("#detail-reply")).to_have_text("Sudah ditambal hari ini.")
    tab_to("#fu-score input")
    keys.press("ArrowRight")  # 1 → 2 … a radio group moves with the arrows
    keys.press("ArrowRight")
    keys.press("ArrowRight")
    keys.press("ArrowRight")
    keys.press("Space")
    tab_to("#fu-rate-form button[type=submit]")
    keys.press("Enter")
    expect(page.locator("#fu-rated")).to_have_text("Penilaian Anda: 5 dari 5. Terima kasih. ★★★★★")
    shot(page, "citizen-keyboard-rated.png")
