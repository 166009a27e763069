"""End to end on the real local stack: a citizen on WhatsApp, from the first message to the reply arriving on
WhatsApp, through the webhook (signed as Meta signs), the queue, the dialogue, the SOP and the stand-in Graph API."""

from __future__ import annotations

import io
import re

import pytest
import requests
from PIL import Image

from bench.pages import PHONE
from local.launch import wait_for
from local.whatsapp_chat import payload, post

from ..makefile import make
from .a11y import DESKTOP, assert_accessible
from .helpers import DISKOMINFO, OPERATOR, decide_by_api, find_case, shot, sign_in, staff_token

pytestmark = pytest.mark.e2e

STACK_ENV = {"SLA_CALENDAR": "24x7", "SLA_TIME_SCALE": "0.1", "FEEDBACK_WINDOW_MINUTES": "5"}
DLH = "opd-dlh@aspirasi.kaltimprov.go.id"
TRACKING = re.compile(r"KT-[0-9A-Z]{4}-[0-9A-Z]{4}")


def banner_value(stack, label: str) -> str:
    for line in stack.banner:
        if line.startswith(f"{label}: "):
            return line.split(": ", 1)[1].strip()
    raise AssertionError(f"no '{label}' in the banner:\n" + "".join(stack.banner))


class Phone:
    """A citizen's WhatsApp: sends as Meta would post, reads what the stand-in Graph API recorded for it."""

    def __init__(self, stack, wa_id: str):
        self.stack, self.wa_id, self.phone = stack, wa_id, f"+{wa_id}"
        self.secret = banner_value(stack, "WhatsApp app secret")
        self.read: set[str] = set()

    def send(self, message: dict) -> None:
        post(self.stack.api, self.secret, payload(self.wa_id, message, name="Budi"))

    def say(self, text: str) -> None:
        self.send({"type": "text", "text": {"body": text}})

    def received(self) -> list[dict]:
        sent = requests.get(f"{self.stack.outbox}/whatsapp/messages", timeout=10).json()
        return [m for m in sent if m["to"] == self.phone]

    def next_reply(self, *words: str, timeout: float = 30) -> dict:
        """The oldest message not read yet that holds every word (the case's news and the dialogue's replies come
        from different consumers: their order is not fixed); it is read then."""

        def found():
            for message in self.received():
                text = message.get("text") or ""
                if message["id"] not in self.read and all(w.lower() in text.lower() for w in words):
                    self.read.add(message["id"])
                    return message
            return None

        try:
            return wait_for(found, f"a WhatsApp reply with {words}", timeout)
        except AssertionError:
            raise AssertionError(f"no WhatsApp message with {words} among: {self.received()}") from None


def numbered(text: str, label: str) -> str:
    """The number a menu gives ``label`` ("3. Lingkungan hidup" -> "3")."""
    for line in text.splitlines():
        match = re.match(r"\s*\*?(\d+)\*?[.)]\s*(.+)", line)
        if match and label.lower() in match.group(2).lower():
            return match.group(1)
    raise AssertionError(f"{label!r} is not offered in:\n{text}")


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (120, 140, 90))
    exif = Image.Exif()
    exif[0x010F] = "KameraMerek"  # Make
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_a_report_by_whatsapp_from_first_message_to_the_reply(local_stack):
    stack = local_stack
    token = banner_value(stack, "WhatsApp verify token")
    handshake = requests.get(
        f"{stack.api}/channels/whatsapp/webhook",
        params={"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"},
        timeout=10,
    )
    assert handshake.status_code == 200 and handshake.text == "1158201444"

    citizen = Phone(stack, "6281255500011")
    citizen.say("Halo, selamat pagi")
    citizen.next_reply("1", "2")  # the menu
    citizen.say("1")
    categories = citizen.next_reply("Pilih kategori")["text"]
    citizen.say(numbered(categories, "lingkungan"))
    subcategories = citizen.next_reply("Pilih subkategori")["text"]
    citizen.say(numbered(subcategories, "sampah"))
    citizen.next_reply("Tulis keluhan")
    citizen.say(
        "Sampah menumpuk di Jl. Juanda 🙏\n"
        "Sudah dua minggu sampah di depan pasar tidak diangkut, baunya sampai rumah warga."
    )
    citizen.next_reply("Di mana")
    citizen.send({"type": "location", "location": {"latitude": -0.4948, "longitude": 117.1436, "name": "Pasar Segiri"}})
    citizen.next_reply("foto")
    media = requests.post(
        f"{stack.outbox}/whatsapp/media", data=photo_with_gps(), headers={"Content-Type": "image/jpeg"}, timeout=10
    ).json()["id"]
    citizen.send({"type": "image", "image": {"id": media, "mime_type": "image/jpeg"}})
    citizen.next_reply("Foto diterima")
    citizen.say("selesai")
    citizen.next_reply("KIRIM")
    kirim = payload(citizen.wa_id, {"type": "text", "text": {"body": "KIRIM"}}, name="Budi")
    post(stack.api, citizen.secret, kirim)
    post(stack.api, citizen.secret, kirim)  # Meta delivers it again: still one complaint
    tracking = TRACKING.search(citizen.next_reply("Nomor laporan")["text"]).group(0)
    citizen.next_reply(tracking, "sudah kami terima")  # the case's receipt, free text within the window

    operator = {"Authorization": f"Bearer {staff_token(stack, OPERATOR)}"}
    found = wait_for(
        lambda: (
            requests.get(f"{stack.api}/staff/complaints", params={"q": tracking}, headers=operator, timeout=10)
            .json()
            .get("items")
        ),
        "the case in the staff list",
    )
    assert len(found) == 1 and found[0]["channel"] == "whatsapp"
    complaint_id = found[0]["id"]

    decide_by_api(stack, OPERATOR, complaint_id, {"stage": "intake", "decision": "accept"})
    decide_by_api(stack, DISKOMINFO, complaint_id, {"stage": "classification", "kind": "aspiration", "opd": "DLH"})
    decide_by_api(stack, DLH, complaint_id, {"stage": "opd_response", "response": "Sudah diangkut hari ini."})
    decide_by_api(stack, DISKOMINFO, complaint_id, {"stage": "review", "decision": "approve"})
    decide_by_api(
        stack, OPERATOR, complaint_id, {"stage": "reply", "reply": "DLH mengangkut sampah di Jl. Juanda hari ini."}
    )

    reply = citizen.next_reply("DLH mengangkut sampah di Jl. Juanda hari ini", timeout=60)
    assert reply["type"] == "text" and tracking in reply["text"]
    citizen.say("5")
    citizen.next_reply("penilaian", "5 dari 5")

    case = requests.get(f"{stack.api}/staff/complaints/{complaint_id}", headers=operator, timeout=10).json()
    assert case["channel"] == "whatsapp"
    assert [e for e in case["audit"] if e["action"] == "rated"][0]["details"]["score"] == 5
    assert sum(1 for e in case["whatsapp"] if e["text"].strip().upper() == "KIRIM") == 1
    thread = [e["text"] for e in case["whatsapp"]]
    assert thread[0] == "1"  # the thread starts where the report did
    assert any("DLH mengangkut sampah" in text for text in thread)
    # The history's sentences (what the console shows) name the reporter, never their number.
    assert all("6281255500011" not in str(entry["summary"]) for entry in case["audit"])
    assert any("Pelapor (lewat WhatsApp)" in entry["summary"]["id"] for entry in case["audit"])
    photos = wait_for(
        lambda: [
            a
            for a in requests.get(f"{stack.api}/staff/complaints/{complaint_id}", headers=operator, timeout=10)
            .json()
            .get("attachments", [])
            if a.get("status") == "accepted"
        ],
        "the photo checked",
    )
    assert len(photos) == 1

    # An officer reads the conversation in the console, on a phone and on a desktop.
    from playwright.sync_api import expect, sync_playwright

    from .helpers import CHROMIUM, FLAGS

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
            page = browser.new_context(locale="id-ID").new_page()
            page.set_viewport_size({"width": size["width"], "height": size["height"]})
            sign_in(page, stack, OPERATOR)
            find_case(page, tracking)
            section = page.locator("#case-whatsapp-section")
            expect(section).to_be_visible()
            expect(section).to_contain_text("Percakapan WhatsApp")
            expect(page.locator("[data-testid=case-whatsapp-message]").last).to_contain_text("penilaian")
            section.scroll_into_view_if_needed()
            shot(page, f"console-whatsapp-thread-{name}.png")
            assert_accessible(page, f"console: a case's WhatsApp thread ({name})")
            page.context.close()
        browser.close()


def test_make_whatsapp_chats_with_the_stack(local_stack):
    """`make whatsapp`: what the citizen types reaches the webhook signed; the stack's replies are printed."""
    stack = local_stack
    done = make(
        "whatsapp",
        f"SECRET={banner_value(stack, 'WhatsApp app secret')}",
        f"ARGS=--api {stack.api} --outbox {stack.outbox} --phone 6281255500099 --wait 8",
        input="halo\n/keluar\n",
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Aspirasi Kaltim: Selamat datang" in done.stdout and "1. Buat laporan baru" in done.stdout
