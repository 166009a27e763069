"""The emailed action pages in a browser, as officers use them on a phone (360×740) and a desktop (1366×768):
an intake accept, a rejection checked before it is sent, an agency's response and the final reply checked
before it is sent. axe-core finds nothing in any state; screenshots in test-artifacts/action-*.png."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image
from playwright.sync_api import expect, sync_playwright

from local.launch import wait_for

from .a11y import SIZES, assert_accessible
from .helpers import CHROMIUM, DISKOMINFO, DOMAIN, FLAGS, OPERATOR, Citizen, next_link, shot

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": "0.1", "SLA_MINUTES_INTAKE": "600"}
DINKES = f"opd-dinkes@{DOMAIN}"
CASE = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas Sempaja tutup siang <b>",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.\nSudah tiga kali minggu ini.",
    "location": "Jl. Sempaja Utara, Samarinda",
}


def picture() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 90)).save(out, format="PNG")
    return out.getvalue()


def attach_photo(stack, citizen: Citizen, complaint_id: str) -> None:
    """As the citizen page does: ask for an upload, post the file to the bucket, wait for the check."""
    data = picture()
    asked = requests.post(
        f"{stack.api}/complaints/{complaint_id}/attachments",
        json={"filename": "puskesmas tutup.png", "content_type": "image/png", "size": len(data)},
        headers=citizen.headers,
        timeout=10,
    )
    assert asked.status_code == 201, asked.text
    body = asked.json()
    fields = body["upload"]["fields"]
    sent = requests.post(
        body["upload"]["url"], data=fields, files={"file": (body["filename"], data, fields["Content-Type"])}, timeout=10
    )
    assert sent.status_code in (200, 201, 204), sent.text
    wait_for(
        lambda: any(a["status"] == "accepted" for a in citizen.read(complaint_id)["attachments"]),
        "the photo to be checked",
    )


def decide_json(link: str, payload: dict) -> None:
    response = requests.post(link, json=payload, timeout=10)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_officers_walk_the_action_pages(local_stack, size):
    citizen = Citizen(local_stack)
    kept = citizen.submit(**CASE)
    refused = citizen.submit(**{**CASE, "title": "Iklan obat herbal", "description": "Jual obat herbal murah."})
    attach_photo(local_stack, citizen, kept["id"])
    used: set[str] = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        width, height = SIZES[size]["width"], SIZES[size]["height"]
        context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
        page = context.new_page()
        failed: list[str] = []  # a photo the policy refused, or a link that did not load
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

        # 1. Intake, accepted with the one primary button: the case at a glance, the photo previewed.
        page.goto(next_link(local_stack, OPERATOR, kept["tracking_number"], used))
        expect(page.locator("h2#case-title")).to_contain_text("Penerimaan pengaduan")
        expect(page.locator("#reporter")).to_have_text("Siti Aminah")
        expect(page.locator("#main")).to_contain_text("Puskesmas Sempaja tutup siang <b>")  # as text, escaped
        image = page.locator("#attachments img")
        expect(image).to_be_visible()
        wait_for(lambda: page.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle()), "photo")
        expect(page.locator("details.others")).not_to_have_attribute("open", "")
        assert_accessible(page, f"intake ({size})")
        shot(page, f"action-{size}-1-intake.png")
        page.click("#form-accept button[type=submit]")
        expect(page.locator("h2.ok")).to_have_text("Keputusan tersimpan")
        expect(page.locator("main")).to_contain_text("Tim Pelayanan Aspirasi Pengaduan Diskominfo untuk klasifikasi")
        assert f"/staff?case={kept['id']}" in (page.locator("#onward").get_attribute("href") or "")
        assert_accessible(page, f"accepted ({size})")
        shot(page, f"action-{size}-2-accepted.png")

        # 2. Intake, rejected: behind "Other choices", checked before it is sent, changed once, then sent.
        reject_link = next_link(local_stack, OPERATOR, refused["tracking_number"], used)
        page.goto(reject_link)
        page.click("details.others > summary")
        page.fill("#reject-reason", "Bukan pengaduan layanan publik.")
        page.click("#form-reject button[type=submit]")
        expect(page.locator("#check-title")).to_contain_text("Periksa sebelum mengirim")
        expect(page.locator("#check")).to_contain_text("Bukan pengaduan layanan publik.")
        expect(page.locator("#check-happens")).to_contain_text("beserta alasan penolakan ini")
        assert_accessible(page, f"reject check ({size})")
        shot(page, f"action-{size}-3-reject-check.png")
        page.click("button[name=confirm][value=edit]")
        expect(page.locator("#reject-reason")).to_have_value("Bukan pengaduan layanan publik.")
        expect(page.locator("details.others")).to_have_attribute("open", "")
        assert_accessible(page, f"reject changed ({size})")
        shot(page, f"action-{size}-3b-reject-change.png")
        page.fill("#reject-reason", "Bukan pengaduan layanan publik; iklan.")
        page.click("#form-reject button[type=submit]")
        expect(page.locator("#check")).to_contain_text("iklan.")
        page.click("button[name=confirm][value='1']")
        expect(page.locator("h2.ok")).to_have_text("Keputusan tersimpan")
        expect(page.locator("main")).to_contain_text("Pelapor diberi tahu")
        assert_accessible(page, f"rejected ({size})")
        shot(page, f"action-{size}-4-rejected.png")
        again = requests.post(reject_link, data={"decision": "reject", "reason": "x", "confirm": "1"}, timeout=10)
        assert again.status_code == 409  # the link is used

        # 3. The agency responds (classified by its team's link in JSON meanwhile).
        decide_json(
            next_link(local_stack, DISKOMINFO, kept["tracking_number"], used), {"kind": "aspiration", "opd": "DINKES"}
        )
        page.goto(next_link(local_stack, DINKES, kept["tracking_number"], used))
        expect(page.locator("h2#case-title")).to_contain_text("Tanggapan OPD")
        assert_accessible(page, f"agency ({size})")
        shot(page, f"action-{size}-5-agency.png")
        page.fill("#respond-response", "Jam layanan dikembalikan sampai 14.00 mulai Senin.")
        page.click("#form-respond button[type=submit]")
        expect(page.locator("h2.ok")).to_have_text("Keputusan tersimpan")
        expect(page.locator("main")).to_contain_text("untuk diperiksa")
        assert_accessible(page, f"agency responded ({size})")
        shot(page, f"action-{size}-6-responded.png")

        # 4. The final reply, prefilled with the agency's response, checked before it goes to the citizen.
        decide_json(next_link(local_stack, DISKOMINFO, kept["tracking_number"], used), {"decision": "approve"})
        page.goto(next_link(local_stack, OPERATOR, kept["tracking_number"], used))
        expect(page.locator("#send-reply")).to_have_value("Jam layanan dikembalikan sampai 14.00 mulai Senin.")
        expect(page.locator("#opd-response")).to_contain_text("Jam layanan dikembalikan")
        assert_accessible(page, f"reply ({size})")
        shot(page, f"action-{size}-7-reply.png")
        page.click("#form-send button[type=submit]")
        expect(page.locator("#check-happens")).to_contain_text("dalam 5 hari kerja")
        assert_accessible(page, f"reply check ({size})")
        shot(page, f"action-{size}-8-reply-check.png")
        page.click("button[name=confirm][value='1']")
        expect(page.locator("h2.ok")).to_have_text("Keputusan tersimpan")
        expect(page.locator("main")).to_contain_text("Jawaban dikirim ke pelapor")
        assert_accessible(page, f"replied ({size})")
        shot(page, f"action-{size}-9-replied.png")
        assert not [f for f in failed if not f.endswith("/favicon.ico")], failed
        browser.close()
    answered = wait_for(lambda: (v := citizen.read(kept["id"]))["status"] in ("answered", "closed") and v, "answered")
    assert answered["reply"] == "Jam layanan dikembalikan sampai 14.00 mulai Senin."
