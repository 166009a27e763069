"""A citizen attaches a photo from the page; the operator sees it on the action page and downloads it, and sees
it in the console's case (shown inline, from the bucket, as the console's Content-Security-Policy allows).

Headless Debian Chromium on the real local stack: the page asks the API for an upload slot, posts the
file with XMLHttpRequest straight to moto's S3 (another origin: a CORS preflight, answered by the
bucket's CORS rules; the page's Content-Security-Policy allows it), S3's event reaches the uploads
consumer through the queue, and the file is checked from its bytes.
"""

from __future__ import annotations

import io
import os
import random
import re
import uuid
import zlib

import pytest
import requests
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from local.launch import free_port

from .helpers import ARTIFACTS, CHROMIUM, FLAGS, find_case, next_link, sign_in

pytestmark = pytest.mark.e2e

TILES = f"http://127.0.0.1:{free_port()}"  # the map's tiles: nothing listens there (the machine has no internet)
STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.1",
    "SLA_MINUTES_INTAKE": "600",
    "TILE_URL": TILES + "/{z}/{x}/{y}.png",
}
OPERATOR = "operator@aspirasi.kaltimprov.go.id"


def photo(side: int = 400) -> bytes:
    """A real PNG of noise (about half a megabyte: the upload reports progress on the way)."""
    rng = random.Random(7)
    rows = b"".join(b"\x00" + bytes(rng.getrandbits(8) for _ in range(side * 3)) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = side.to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b"")


def same_picture(a: bytes, b: bytes) -> bool:
    first, second = Image.open(io.BytesIO(a)), Image.open(io.BytesIO(b))
    return first.size == second.size and first.convert("RGB").tobytes() == second.convert("RGB").tobytes()


@pytest.fixture
def browser_context():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 412, "height": 915}, locale="id-ID", accept_downloads=True)
        yield context
        browser.close()


def test_a_citizen_attaches_a_photo_and_the_operator_downloads_it(local_stack, browser_context, tmp_path):
    image = photo()
    assert len(image) > 300_000
    page = browser_context.new_page()
    problems: list[str] = []

    # (chalice local answers the browser's /favicon.ico with 403, and the map's tiles cannot load here: those
    # are not ours to judge)
    def ours(url: str) -> bool:
        return "favicon.ico" not in url and not url.startswith(TILES)

    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" and ours((m.location or {}).get("url", "")) else None,
    )
    page.on("requestfailed", lambda r: problems.append(f"{r.method} {r.url}: {r.failure}") if ours(r.url) else None)

    page.goto(f"{local_stack.api}/")
    page.fill("#reg-name", "Rina Wati")
    page.fill("#reg-email", f"rina-{uuid.uuid4().hex[:6]}@example.id")
    page.fill("#reg-password", "Rahasia-123")
    page.click("#register-form button[type=submit]")
    page.select_option("#category", "infrastruktur")
    page.select_option("#subcategory", "jalan-rusak")  # no default: the citizen chooses
    page.fill("#title", "Jalan berlubang di Jl. Juanda")
    page.fill("#description", "Lubang besar di depan sekolah, sudah dua motor jatuh minggu ini.")
    page.click("#send")
    number = page.locator("#tracking-number")
    expect(number).to_have_text(re.compile(r"^KT-[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    tracking = number.inner_text()
    expect(page.locator("#detail-number")).to_have_text(tracking)  # the case's screen, the receipt on top

    # The case shows its attachments and the upload (nothing attached yet).
    expect(page.locator("h3", has_text="Lampiran")).to_be_visible()
    expect(page.locator("#att-none")).to_be_visible()
    # Record every progress value the bar shows.
    page.evaluate("""() => { window.__progress = [];
      new MutationObserver(() => window.__progress.push(document.getElementById('att-percent').textContent))
        .observe(document.getElementById('att-percent'), {childList: true, characterData: true, subtree: true}); }""")
    page.set_input_files("#att-file", files=[{"name": "jalan berlubang.png", "mimeType": "image/png", "buffer": image}])
    page.click("#att-send")
    expect(page.locator("#att-percent")).to_have_text("100%")
    accepted = page.locator("#att-list li[data-status=accepted]")
    expect(accepted).to_have_count(1, timeout=30_000)
    expect(accepted).to_contain_text("jalan berlubang.png")
    expect(accepted).to_contain_text("diterima")
    progress = page.evaluate("window.__progress")
    assert progress[0] == "0%" and progress[-1] == "100%", progress
    assert problems == [], problems  # no CORS or CSP refusal on the way to the bucket
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "citizen-attachment.png"), full_page=True)

    # A JPEG that is really text: the page shows it refused, with the reason.
    page.set_input_files(
        "#att-file",
        files=[
            {"name": "bukan-foto.jpg", "mimeType": "image/jpeg", "buffer": b"<html><script>alert(1)</script></html>"}
        ],
    )
    page.click("#att-send")
    refused = page.locator("#att-list li[data-status=rejected]")
    expect(refused).to_have_count(1, timeout=30_000)
    expect(refused).to_contain_text("ditolak: isi berkas bukan JPEG, PNG atau PDF")
    page.click("#lang-en")
    expect(page.locator("#att-list li[data-status=accepted]")).to_contain_text("accepted")

    # The operator opens the action link from the assignment email: the photo is there, and downloads.
    link = next_link(local_stack, OPERATOR, tracking, set())
    staff_page = browser_context.new_page()
    staff_page.goto(link)
    expect(staff_page.locator("#attachments-title")).to_be_visible()
    download_link = staff_page.locator("#attachments a", has_text="jalan berlubang.png")
    expect(download_link).to_be_visible()
    expect(staff_page.locator("#attachments li[data-status=rejected]")).to_contain_text("bukan-foto.jpg")
    staff_page.screenshot(path=str(ARTIFACTS / "staff-action-attachment.png"), full_page=True)
    with staff_page.expect_download() as started:
        download_link.click()
    download = started.value
    saved = tmp_path / "downloaded.png"
    download.save_as(saved)
    # The picture the citizen attached, pixel for pixel (stored encoded again, without metadata).
    assert same_picture(saved.read_bytes(), image)
    assert download.suggested_filename == "jalan berlubang.png"
    # The same link outside the browser: the bytes, as an attachment; without its signature, nothing.
    href = download_link.get_attribute("href")
    response = requests.get(href, timeout=10)
    assert response.status_code == 200 and response.content == saved.read_bytes()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert requests.get(href.split("?")[0], timeout=10).status_code in (403, 404)
    assert os.path.getsize(saved) == len(response.content)

    # In the console the photo is shown in the case (it loaded: the CSP allows the bucket), named by its alt text.
    console = browser_context.new_page()
    refused_by_csp: list[str] = []
    console.on("console", lambda m: refused_by_csp.append(m.text) if "Content Security Policy" in m.text else None)
    console.goto(f"{local_stack.api}/staff")
    console.evaluate("localStorage.setItem('lang', 'id')")  # the citizen's tab chose English above
    sign_in(console, local_stack, OPERATOR)
    find_case(console, tracking)
    image_shown = console.locator("[data-testid=attachment-image] img")
    expect(image_shown).to_have_attribute("alt", "jalan berlubang.png")
    console.wait_for_function("() => document.querySelector('[data-testid=attachment-image] img').naturalWidth > 0")
    expect(console.locator("[data-testid=case-attachments]")).to_contain_text("bukan-foto.jpg")
    console.screenshot(path=str(ARTIFACTS / "console-case-attachment.png"), full_page=True)
    assert refused_by_csp == [], refused_by_csp
