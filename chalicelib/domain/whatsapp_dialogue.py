"""PROVISIONAL stand-in for the WhatsApp dialogue, written by helper wa-inbound only so that service/whatsapp.py
can be tested before the merge. Helper wa-dialogue owns this module: AT THE MERGE ITS FILE WINS and this one is
dropped. Same signature and text functions as /tmp/wa-plan.md lists; only a few steps, in plain words.

Steps: idle -> (any text) menu; "1" -> categories; a number -> sub-categories; a number -> the complaint's text
(first line the title); text -> the place (location, text or "lewati"); -> photos (images, or "selesai");
-> summary: "KIRIM" (Submit) or "BATAL". "2" then a number, or "cek KT-XXXX-XXXX" at any time: CheckStatus.
A case awaiting an answer takes the next text (AnswerQuestion); awaiting a rating takes "1".."5" (Rate).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from . import catalog, tracking
from .whatsapp import (
    ANSWER,
    IMAGE,
    LOCATION,
    RATING,
    TEXT,
    AnswerQuestion,
    Awaiting,
    CheckStatus,
    Conversation,
    Inbound,
    Rate,
    Submit,
    Turn,
)

MENU, CATEGORY, SUBCATEGORY, TEXT_STEP, PLACE, PHOTOS, SUMMARY, ASK_NUMBER = (
    "menu",
    "category",
    "subcategory",
    "text",
    "place",
    "photos",
    "summary",
    "ask_number",
)
_CEK = re.compile(r"^\s*cek\s+(.+)$", re.IGNORECASE)
_CATEGORIES = list(catalog.CATEGORIES.values())


def menu() -> str:
    return "Aspirasi Kaltim. Balas 1 untuk laporan baru, 2 untuk cek laporan."


def submitted(tracking_number: str) -> str:
    return f"Laporan diterima. Nomor laporan: {tracking_number}"


def submit_refused(errors: list[dict[str, Any]]) -> str:
    return "Laporan belum bisa dikirim (" + ", ".join(str(e.get("code")) for e in errors) + "). Balas KIRIM lagi."


def status_reply(view: dict[str, Any], own: bool) -> str:
    text = f"{view['tracking_number']}: {view['status']} ({view['stage']})"
    if own and view.get("answer"):
        text += f"\nJawaban: {view['answer']}"
    return text


def not_found(tracking_number: str) -> str:
    return f"Nomor {tracking_number} tidak ditemukan."


def answer_recorded(tracking_number: str) -> str:
    return f"Jawaban untuk {tracking_number} diterima."


def rated(stars: int) -> str:
    return f"Terima kasih atas nilai {stars}."


def _numbered(names: list[str]) -> str:
    return "\n".join(f"{i}. {name}" for i, name in enumerate(names, 1))


def _pick(text: str, count: int) -> int | None:
    return int(text) - 1 if text.isdigit() and 1 <= int(text) <= count else None


def respond(
    conversation: Conversation | None, awaiting: Awaiting | None, message: Inbound, now: str, new_id: Callable[[], str]
) -> Turn:
    text = message.text.strip()
    cek = _CEK.match(text) if message.kind == TEXT else None
    if cek:
        return Turn(conversation, (), CheckStatus(tracking.normalize(cek.group(1)) or cek.group(1).strip()))
    if message.kind == TEXT and text.lower() == "batal":
        return Turn(None, ("Dibatalkan.",))
    if awaiting is not None and conversation is None and message.kind == TEXT and text:
        if awaiting.kind == ANSWER:
            return Turn(None, (), AnswerQuestion(awaiting.complaint_id, text), awaiting_used=True)
        if awaiting.kind == RATING and text in {"1", "2", "3", "4", "5"}:
            return Turn(None, (), Rate(awaiting.complaint_id, int(text)), awaiting_used=True)
    if conversation is None:
        return Turn(Conversation(step=MENU), (menu(),))
    turn = _step(conversation, message, text, new_id)
    if turn.conversation is not None and turn.conversation.conversation_id:
        said = [(now, "in", text or message.kind)] + [(now, "out", r) for r in turn.replies]
        kept = replace(turn.conversation, transcript=(*conversation.transcript, *said)[-40:])
        return replace(turn, conversation=kept)
    return turn


def _step(c: Conversation, message: Inbound, text: str, new_id: Callable[[], str]) -> Turn:
    if c.step == MENU:
        if text == "1":
            names = [k.name for k in _CATEGORIES]
            return Turn(
                Conversation(step=CATEGORY, conversation_id=new_id()), ("Pilih kategori:\n" + _numbered(names),)
            )
        if text == "2":
            return Turn(replace(c, step=ASK_NUMBER), ("Kirim nomor laporan (KT-XXXX-XXXX).",))
        return Turn(c, (menu(),))
    if c.step == ASK_NUMBER:
        return Turn(None, (), CheckStatus(tracking.normalize(text) or text))
    if c.step == CATEGORY:
        index = _pick(text, len(_CATEGORIES))
        if index is None:
            return Turn(c, ("Balas dengan nomor kategori.",))
        chosen = _CATEGORIES[index]
        names = [s.name for s in chosen.subcategories]
        return Turn(replace(c, step=SUBCATEGORY, category=chosen.code), ("Pilih sub-kategori:\n" + _numbered(names),))
    if c.step == SUBCATEGORY:
        subs = catalog.CATEGORIES[c.category or ""].subcategories
        index = _pick(text, len(subs))
        if index is None:
            return Turn(c, ("Balas dengan nomor sub-kategori.",))
        return Turn(replace(c, step=TEXT_STEP, subcategory=subs[index].code), ("Tulis laporan (baris 1 = judul).",))
    if c.step == TEXT_STEP:
        if message.kind != TEXT or not text:
            return Turn(c, ("Tulis laporan sebagai teks.",))
        title, _, rest = text.partition("\n")
        return Turn(
            replace(c, step=PLACE, title=title.strip()[:150], description=(rest.strip() or text)),
            ("Kirim lokasi, tulis tempatnya, atau balas lewati.",),
        )
    if c.step == PLACE:
        if message.kind == LOCATION:
            c = replace(c, latitude=message.latitude, longitude=message.longitude, location=text or None)
        elif text.lower() != "lewati":
            c = replace(c, location=text)
        return Turn(replace(c, step=PHOTOS), ("Kirim foto, atau balas selesai.",))
    if c.step == PHOTOS:
        if message.kind == IMAGE and message.media_id:
            photos = (*c.photos, (message.media_id, message.mime_type or "image/jpeg"))
            return Turn(replace(c, photos=photos), ("Foto diterima. Kirim lagi atau balas selesai.",))
        if text.lower() == "selesai":
            return Turn(replace(c, step=SUMMARY), (f"{c.title}\nBalas KIRIM atau BATAL.",))
        return Turn(c, ("Kirim foto, atau balas selesai.",))
    if c.step == SUMMARY:
        if text.upper() == "KIRIM":
            payload: dict[str, Any] = {
                "category": c.category,
                "subcategory": c.subcategory,
                "title": c.title,
                "description": c.description,
                "location": c.location,
            }
            if c.latitude is not None:
                payload.update(lat=c.latitude, long=c.longitude)
            return Turn(None, (), Submit(c.conversation_id, payload, c.photos))
        return Turn(c, ("Balas KIRIM atau BATAL.",))
    return Turn(None, (menu(),))
