"""The emailed action pages as an officer reads them: words in both languages, the case at a glance, one
primary choice, and a check before a decision nobody can take back (form posts only; JSON decides at once)."""

from __future__ import annotations

import html as entities
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
import requests

from .helpers import COMPLAINT, DINKES, DISKOMINFO, OPERATOR, call, citizen_token, submit_by_api, to_opd

pytestmark = pytest.mark.integration
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}
# Codes that must never be what an officer reads.
CODES = ("request_information", "opd_response", "not_our_authority", "aspiration (", "walk_in", "_")
# An outcome's code after a colon, as the old pages printed them ("Balasan kepada pelapor: send").
OUTCOME_CODE = re.compile(r":\s*(accept|reject|respond|send|approve|return|information|aspiration|duplicate)\b")


class _Text(HTMLParser):
    """The words a person reads: text outside <style>/<script>, without tags or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def page(client, link: str) -> str:
    response = client.get(f"/actions/{link}", headers={"Accept": "text/html"})
    assert response.status_code == 200, response.body
    return response.body.decode()


def post_form(client, link: str, fields: dict):
    response = client.post(f"/actions/{link}", headers=FORM, body=urlencode(fields))
    return response.status_code, response.body.decode()


def _item(stack, cid, step):
    return next(i for i in stack.items(cid) if i.step == step)


def assert_in_words(html: str) -> None:
    text = visible(html)
    for code in CODES:
        assert code not in text, (code, text)
    assert not OUTCOME_CODE.search(text), text


def test_intake_page_in_words_with_the_reporter_and_one_primary_choice(client, stack):
    token = citizen_token(client)
    cid = submit_by_api(client, token)
    stack.waiting_at(cid, "intake")
    response = client.get(f"/actions/{stack.last_link(OPERATOR)}", headers={"Accept": "text/html"})
    html = response.body.decode()
    assert_in_words(html)
    text = visible(html)
    complaint = stack.complaint(cid)
    for words in (
        "Penerimaan pengaduan / Intake",
        complaint.tracking_number,
        COMPLAINT["title"],
        "Samarinda",
        "WITA",
        "Pelapor / Reporter Siti Aminah",
        "Kesehatan — Layanan puskesmas",
        "Situs web (warga) / Website (citizen)",
        "Pilihan lain / Other choices",
        "Minta informasi kepada pelapor / Ask the citizen for information",
    ):
        assert words in text, words
    # One primary button (accept) before the other choices, which sit in a <details>.
    assert html.index('id="form-accept"') < html.index("<details") < html.index('id="form-reject"')
    assert f'href="https://aspirasi.test/staff?case={cid}"' in html
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline' ;" not in policy and "<script" not in html
    assert "img-src 'self' https://test-attachments.s3.ap-southeast-3.amazonaws.com" in policy


def test_an_anonymous_reporter_is_never_named(client, stack):
    token = citizen_token(client)
    cid = submit_by_api(client, token, anonymous=True)
    stack.waiting_at(cid, "intake")
    html = page(client, stack.last_link(OPERATOR))
    assert "Pelapor / Reporter Pelapor anonim / Anonymous reporter" in visible(html)
    assert "Siti Aminah" not in html
    _, described = call(client, "get", f"/actions/{stack.last_link(OPERATOR)}")
    assert described["case"]["reporter"] == {"anonymous": True, "name": None}
    assert described["case"]["citizen_name"] is None


def _intake(client, stack):
    cid = submit_by_api(client, citizen_token(client))
    stack.waiting_at(cid, "intake")
    return cid, stack.last_link(OPERATOR), "intake", {"decision": "reject", "reason": "Bukan pengaduan <b>tebal</b>"}


def _classification(client, stack):
    token = citizen_token(client)
    first = submit_by_api(client, token)
    stack.walk(first, ("intake", OPERATOR, {"decision": "accept"}))
    stack.waiting_at(first, "classification")
    stack.decide(DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"})
    stack.waiting_at(first, "opd_response")
    cid = submit_by_api(client, token, title="Puskesmas tutup lagi")
    stack.walk(cid, ("intake", OPERATOR, {"decision": "accept"}))
    stack.waiting_at(cid, "classification")
    return (
        cid,
        stack.last_link(DISKOMINFO),
        "classification",
        {"kind": "duplicate", "of": stack.complaint(first).tracking_number},
    )


def _agency(client, stack):
    cid = to_opd(stack)
    return cid, stack.last_link(DINKES), "opd_response", {"decision": "not_our_authority", "reason": "Urusan kota <i>"}


def _reply(client, stack):
    cid = submit_by_api(client, citizen_token(client))
    stack.walk(
        cid, ("intake", OPERATOR, {"decision": "accept"}), ("classification", DISKOMINFO, {"kind": "information"})
    )
    stack.waiting_at(cid, "reply")
    return cid, stack.last_link(OPERATOR), "reply", {"reply": "Jadwal puskesmas <em>08.00–14.00</em>."}


@pytest.mark.parametrize(
    ("setup", "happens"),
    [
        (_intake, "Pelapor diberi tahu lewat email beserta alasan penolakan ini."),
        (_classification, "ditutup sebagai duplikat dari"),
        (_agency, "Laporan dikembalikan ke Tim Pelayanan Aspirasi Pengaduan Diskominfo"),
        # The feedback window as configured: these tests run it in 0.05 minutes (the SOP: 5 working days).
        (_reply, "Pelapor dapat memberi penilaian atau membuka kembali laporan dalam 0.05 menit."),
    ],
    ids=["reject", "duplicate", "not_our_authority", "final_reply"],
)
def test_what_cannot_be_undone_is_checked_first_then_decided_once(client, stack, setup, happens):
    cid, link, stage, fields = setup(client, stack)
    assert_in_words(page(client, link))

    status, html = post_form(client, link, fields)
    assert status == 200 and "Periksa sebelum mengirim / Check before sending" in visible(html)
    assert happens in visible(html)
    assert_in_words(html)
    entered = next(v for k, v in fields.items() if k in ("reason", "reply", "of"))
    assert entered in visible(html) and ("<" not in entered or entered not in html)  # escaped, never markup
    assert 'name="confirm" value="1"' in html and 'name="confirm" value="edit"' in html
    item = next(i for i in stack.items(cid) if i.stage == stage and i.decision is None)
    assert item.decision is None  # nothing decided, the link still works
    assert "Periksa sebelum mengirim" in post_form(client, link, fields)[1]  # and again

    # "Ubah / Change": the forms again, with what was entered.
    status, html = post_form(client, link, {**fields, "confirm": "edit"})
    assert status == 200 and "Periksa sebelum mengirim" not in html and 'id="decision"' in html
    assert entered.replace("<", "&lt;").replace(">", "&gt;") in html
    assert _item(stack, cid, item.step).decision is None

    status, html = post_form(client, link, {**fields, "confirm": "1"})
    assert status == 200 and "Keputusan tersimpan" in html, html
    text = visible(html)
    assert happens in text and "tahap berikutnya segera diberi tahu" not in text
    assert f'href="https://aspirasi.test/staff?case={cid}"' in html
    assert_in_words(html)
    decided = _item(stack, cid, item.step)
    assert decided.decision["outcome"] == (fields.get("decision") or fields.get("kind") or "send")

    # Replaying the confirmation is refused: the link is used, the stage decided once.
    status, html = post_form(client, link, {**fields, "confirm": "1"})
    assert status == 409 and "Sudah diputuskan" in html
    assert '<a href="/staff" id="onward">Buka konsol staf' in html  # and the way on
    decisions = [e for e in stack.svc.store.audit_trail(cid) if e.action == "decided" and e.stage == stage]
    assert len(decisions) == 1


def test_a_json_client_decides_at_once_and_a_form_accept_needs_no_check(client, stack):
    cid, link, _, fields = _intake(client, stack)
    response, result = call(client, "post", f"/actions/{link}", fields)
    assert response.status_code == 200 and result["outcome"] == "reject"

    cid = submit_by_api(client, citizen_token(client, email="lain@example.id"))
    stack.waiting_at(cid, "intake")
    status, html = post_form(client, stack.last_link(OPERATOR), {"decision": "accept"})
    assert status == 200 and "Keputusan tersimpan" in html
    assert "Laporan diteruskan ke Tim Pelayanan Aspirasi Pengaduan Diskominfo untuk klasifikasi." in visible(html)


@pytest.mark.parametrize("stack_env", [{"FEEDBACK_WINDOW_MINUTES": "1.5"}])
def test_a_reopened_case_shows_the_reason_and_the_previous_answer_beside_the_form(client, stack):
    token = citizen_token(client)
    cid = submit_by_api(client, token)
    stack.walk(
        cid,
        ("intake", OPERATOR, {"decision": "accept"}),
        ("classification", DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"}),
        ("opd_response", DINKES, {"response": "Jadwal sudah diperbaiki."}),
        ("review", DISKOMINFO, {"decision": "approve"}),
        ("reply", OPERATOR, {"reply": "Jadwal sudah diperbaiki, buka sampai 14.00."}),
    )
    stack.run_until(
        lambda: stack.complaint(cid).status == "answered" and stack.complaint(cid).feedback_token,
        what="the reply and the feedback window",
    )
    response, body = call(client, "post", f"/complaints/{cid}/reopen", {"reason": "Masih tutup <siang>."}, token=token)
    assert response.status_code == 200, body
    stack.waiting_at(cid, "classification")
    html = page(client, stack.last_link(DISKOMINFO))
    text = visible(html)
    assert "Dibuka kembali oleh pelapor (putaran 1)" in text and "Masih tutup <siang>." in text
    assert "Jawaban sebelumnya / The previous answer" in text and "Jadwal sudah diperbaiki, buka sampai 14.00." in text
    assert "&lt;siang&gt;" in html
    # The decision section holds them, before the forms.
    assert html.index('id="decision"') < html.index('id="reopened"') < html.index('id="form-aspiration"')
    assert "Aspirasi/pengaduan / Aspiration or complaint" in text  # the kind in words (history: the first round)
    assert_in_words(html)

    stack.decide(DISKOMINFO, {"kind": "aspiration", "opd": "DINKES"})
    stack.waiting_at(cid, "opd_response")
    html = page(client, stack.last_link(DINKES))
    text = visible(html)
    assert "Masih tutup <siang>." in text and "Tanggapan sebelumnya / The previous response" in text
    assert "Dinas Kesehatan" in text
    assert_in_words(html)


def test_photos_are_previewed_and_pdfs_open_in_a_new_tab(client, stack):
    from ..samples import PDF, PNG
    from .attachment_helpers import ask, upload

    token = citizen_token(client)
    cid = submit_by_api(client, token)
    for filename, content_type, data in (("jalan.png", "image/png", PNG), ("surat.pdf", "application/pdf", PDF)):
        _, asked = ask(client, token, cid, filename=filename, content_type=content_type, size=len(data))
        upload(asked, data)
    stack.pump_uploads()
    stack.waiting_at(cid, "intake")
    html = page(client, stack.last_link(OPERATOR))
    bucket = "https://test-attachments.s3.ap-southeast-3.amazonaws.com/accepted/"
    image = re.search(r'<a href="([^"]+)" rel="noopener noreferrer" download><img src="([^"]+)" alt=""', html)
    assert image and image.group(1) == image.group(2) and image.group(1).startswith(bucket)
    pdf = re.search(r'<a href="([^"]+)" target="_blank" rel="noopener noreferrer">surat.pdf', html)
    assert pdf and pdf.group(1).startswith(bucket) and "<img" not in html[pdf.start() : pdf.end() + 80]
    # The PDF's link shows it in that tab (inline), the photo's saves it; both are the checked bytes.
    shown = requests.get(entities.unescape(pdf.group(1)), timeout=10)
    assert shown.status_code == 200 and shown.content == PDF
    assert shown.headers["Content-Type"] == "application/pdf"
    assert shown.headers["Content-Disposition"].startswith('inline; filename="surat.pdf"')
    saved = requests.get(entities.unescape(image.group(1)), timeout=10)
    assert saved.content == PNG and saved.headers["Content-Disposition"].startswith("attachment;")
