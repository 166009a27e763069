"""The WhatsApp dialogue: one citizen's message and their open conversation -> the reply and, at most, one action.

A pure state machine (DESIGN.md §3 Round 3, WhatsApp): no AWS, no HTTP, no clock (``now`` only stamps the
transcript), no randomness but ``new_id()`` (a report's idempotency key). Texts are Bahasa Indonesia, short
enough for a phone screen, and every question is answered with one number or one word.

The steps (``Conversation.step``)::

    (none) / menu --"1"--> category --n--> subcategory --n--> text --> place --> photos --> confirm --KIRIM--> Submit
                  --"2"--> track --KT-XXXX-XXXX--> CheckStatus

- Any message with no conversation open shows the menu (``1`` new report, ``2`` check a report) and keeps the
  ``menu`` step; ``1`` and ``2`` also work straight away, without the menu first. A text that is a tracking
  number with its ``KT`` prefix checks it.
- ``text``: one message; its first line is the title, the lines after it the description. A single line (or a
  rest shorter than the web's minimum) keeps the whole text as the description and its first sentence,
  shortened to the web's title limit, as the title: a villager writes one paragraph, and the form's rules
  (domain/fields.py: description 10..5000 characters, title <= 150 on one line) always hold, so ``Submit.payload``
  always passes ``submission.parse_submission``.
- ``place``: a location message inside East Kalimantan (domain/coordinates.py's box; outside: asked again), a
  text (the place's name, <= 300 characters), or ``lewati``.
- ``photos``: JPEG or PNG image messages, at most ``files.MAX_PER_COMPLAINT`` (the fifth ends the step), or
  ``selesai``/``lewati``. A photo sent earlier (at any step of the report) is kept too.
- ``confirm``: the summary; ``KIRIM`` -> ``Submit`` and no conversation (the use case replies with
  ``submitted(tracking_number)``); the transcript, with the ``KIRIM``, is in ``Turn.extra["transcript"]``.

Commands, at any step (case, blanks and ``*`` ignored):

- ``cek KT-XXXX-XXXX`` (case, blanks and dashes as people type them, domain/tracking.py) -> ``CheckStatus``;
  the conversation is returned exactly as it was, and a report being written is reminded after the status.
  Where free text is asked (the complaint, the place, an answer), ``cek`` not followed by ``KT`` is the
  citizen's text ("Cek jalan di depan pasar ..."); elsewhere a number that cannot be one is said so.
- ``batal`` -> no conversation, a short confirmation.
- ``menu`` or ``0`` -> the menu, unless a report is being written: then a reminder that ``batal`` discards
  it, and its question again (nothing typed is lost by a stray word).

Wrong input at a step: one short message naming what is expected, then the same question; nothing entered is
lost. Audio, stickers, video, documents (kind OTHER): what this step takes instead.

A case waiting for the citizen (``awaiting``):

- RATING: ``1``..``5`` (also ``nilai 4``, ``4 bintang``, or 1-5 star emoji) -> ``Rate``, at any step (the rating
  prompt is the last thing the citizen read; a report being written is kept and its question repeated). Any
  other message uses the prompt up (``awaiting_used``) and the dialogue handles it: a rating never traps.
  ``rating_prompt`` tells how to start a new report instead (``menu``), so its numbers cannot be read as the
  menu's.
- ANSWER: with no conversation open or at the menu, a text is the answer -> ``AnswerQuestion``, except
  ``cek ...`` (checks), ``batal``, ``menu``/``0`` and, at the menu the citizen asked for, ``1``/``2`` (so a
  citizen with a pending question can still start a report: ``menu``, then ``1``). A non-text message is
  asked to be a text. While a report is being written (or a tracking number is asked), the question waits.

Expiry: the store keeps a conversation 24 hours after the citizen's last message (whatsapp.CONVERSATION_HOURS,
the table's TTL); an expired one arrives here as None, and the next message is read as a first one.

Transcript: while a report is being written (from the ``1`` that starts it), every message in and reply out
is appended as ``(now, "in"|"out", text)`` to ``Conversation.transcript``, the last ``TRANSCRIPT_MAX`` kept; on
``KIRIM`` it becomes the case's WhatsApp thread. A ``cek`` or a rating in between leaves it as it was.

For a turn with an action the use case composes the action's own reply (the tracking number, the status, the
thanks); ``Turn.replies`` then hold what follows it (the question of a report being written), if anything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from . import catalog, coordinates, fields, sop, tracking
from .files import MAX_PER_COMPLAINT
from .history import when
from .whatsapp import (
    ANSWER,
    IMAGE,
    LOCATION,
    OTHER,
    RATING,
    TEXT,
    Action,
    AnswerQuestion,
    Awaiting,
    CheckStatus,
    Conversation,
    Inbound,
    Rate,
    Submit,
    Turn,
)

# The steps of a conversation (Conversation.step).
MENU, TRACK = "menu", "track"
CATEGORY, SUBCATEGORY, COMPLAINT, PLACE, PHOTOS, CONFIRM = (
    "category",
    "subcategory",
    "text",
    "place",
    "photos",
    "confirm",
)
WRITING = (CATEGORY, SUBCATEGORY, COMPLAINT, PLACE, PHOTOS, CONFIRM)  # a report is being written
STEPS = (MENU, TRACK, *WRITING)

TRANSCRIPT_MAX = 60
PHOTO_TYPES = ("image/jpeg", "image/png")
MAX_PHOTOS = MAX_PER_COMPLAINT
TITLE_MAX = fields.LIMITS["title"]
DESCRIPTION_MIN, DESCRIPTION_MAX = fields.MIN_DESCRIPTION, fields.LIMITS["description"]
LOCATION_MAX = fields.LIMITS["location"]
ANSWER_MAX = fields.ANSWER_MAX
SUMMARY_DESCRIPTION = 200  # characters of the description the summary shows
STATUS_ANSWER = 1500  # characters of the reply a status message quotes (WhatsApp's limit is 4096)

_CATEGORIES = tuple(catalog.CATEGORIES.values())  # the catalog's order
_CANCEL = ("batal", "batalkan", "cancel")
_MENU = ("menu", "0")
_SEND = ("kirim", "ya kirim")
_DONE = ("selesai", "lewati", "cukup", "tidak", "tidak ada", "skip", "kirim")  # "kirim": on to the summary
_SKIP = ("lewati", "tidak", "tidak ada", "skip")
_NUMBER = re.compile(r"(?:no\.?|nomor)?\s*(\d{1,3})\s*[.)]?")
_CHECK = re.compile(r"cek\b\s*:?\s*(.*)", re.DOTALL)
_NUMBERED_STEPS = (MENU, TRACK, CATEGORY, SUBCATEGORY)
_STARS = re.compile(r"(?:nilai|bintang)?\s*([1-5])\s*(?:bintang)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
NewId = Callable[[], str]
# A transcript entry's length: sixty of them stay well under DynamoDB's 400 KB item (with the draft itself).
ENTRY_MAX = 1500


# -- texts --------------------------------------------------------------------------------------------------
def menu() -> str:
    return (
        "Selamat datang di *Aspirasi Kaltim*.\n"
        "Balas dengan angka:\n"
        "1. Buat laporan baru\n"
        "2. Cek laporan\n\n"
        "Ketik *batal* kapan saja untuk berhenti."
    )


def submitted(tracking_number: str) -> str:
    return (
        "Terima kasih, laporan Anda sudah kami terima.\n"
        f"Nomor laporan: *{tracking_number}*\n"
        f"Simpan nomor ini. Untuk melihat perkembangannya, ketik: cek {tracking_number}"
    )


_FIELD_WORDS = {
    "category": "kategori",
    "subcategory": "subkategori",
    "title": "judul",
    "description": "isi keluhan",
    "location": "tempat",
    "lat": "titik lokasi",
    "long": "titik lokasi",
}
_CODE_WORDS = {
    "required": "belum diisi",
    "too_long": "terlalu panjang",
    "too_short": "terlalu singkat",
    "outside_kaltim": "di luar Kalimantan Timur",
    "invalid_characters": "berisi karakter yang tidak bisa dipakai",
}


def submit_refused(errors: list[dict]) -> str:
    """The use case refused the report: the rate limit (code ``rate_limited``) or a field rule."""
    if any(e.get("code") == "rate_limited" for e in errors):
        return "Terlalu banyak laporan dari nomor ini dalam waktu singkat. Silakan coba lagi nanti."
    problems = []
    for error in errors:
        word = _FIELD_WORDS.get(str(error.get("field")), "isian")
        problem = f"{word} {_CODE_WORDS.get(str(error.get('code')), 'tidak sesuai aturan')}"
        if problem not in problems:
            problems.append(problem)
    detail = "; ".join(problems) or "isian tidak sesuai aturan"
    return f"Maaf, laporan belum bisa dikirim: {detail}.\nKetik *batal*, lalu *1* untuk menulis laporan lagi."


_STATUS_WORDS = {
    sop.STATUS_OPEN: "Sedang diproses",
    sop.STATUS_ANSWERED: "Sudah dijawab",
    sop.STATUS_CLOSED: "Selesai",
}


def _stage_label(name: Any) -> str | None:
    try:
        return sop.stage(name).label_id if isinstance(name, str) and name else None
    except KeyError:
        return None


def _date(at: Any) -> str | None:
    return when(at)[0] if isinstance(at, str) and at else None


def status_reply(view: Mapping[str, Any], own: bool) -> str:
    """A case's status (``service/status_check.track``'s view): what anyone holding the number may know; the
    reply's text only for the reporter's own phone (``own``) and when the view carries ``answer``."""
    number = view.get("tracking_number", "")
    lines = [f"Laporan *{number}*"]
    status = _STATUS_WORDS.get(str(view.get("status")), str(view.get("status") or "-"))
    if view.get("stage") == sop.AWAITING_CITIZEN:
        status = "Menunggu jawaban Anda atas pertanyaan petugas" if own else "Menunggu keterangan dari pelapor"
    elif view.get("status") == sop.STATUS_OPEN and (stage := _stage_label(view.get("stage"))):
        status = f"{status} (tahap: {stage})"
    lines.append(f"Status: {status}")
    if view.get("category_name") or view.get("category"):
        lines.append(f"Kategori: {view.get('category_name') or view.get('category')}")
    if view.get("opd_name") or view.get("opd"):
        lines.append(f"Ditangani: {view.get('opd_name') or view.get('opd')}")
    if submitted_at := _date(view.get("submitted_at")):
        lines.append(f"Dikirim: {submitted_at}")
    if answered_at := _date(view.get("answered_at")):
        lines.append(f"Dijawab: {answered_at}")
    if own and isinstance(view.get("answer"), str) and view["answer"].strip():
        lines.append(f"\nJawaban:\n{_shorten(view['answer'].strip(), STATUS_ANSWER)}")
    return "\n".join(lines)


def not_found(tracking_number: str) -> str:
    return f"Laporan *{tracking_number}* tidak ditemukan. Periksa lagi nomornya, contoh: cek KT-AB12-CD34"


def answer_recorded(tracking_number: str) -> str:
    return f"Terima kasih. Jawaban Anda untuk laporan *{tracking_number}* sudah kami teruskan ke petugas."


def waiting_question(tracking_number: str) -> str:
    """A team waits for the citizen's answer while they write another report: how to answer first."""
    return (
        f"Catatan: petugas menunggu jawaban Anda untuk laporan *{tracking_number}*. "
        "Untuk menjawabnya, ketik *batal* (laporan yang sedang ditulis dibuang), lalu kirim jawaban Anda."
    )


def rated(stars: int) -> str:
    return f"Terima kasih atas penilaian Anda ({stars} dari 5)."


def rating_prompt(tracking_number: str) -> str:
    """Sent by the use case after a case's reply; its numbers are the rating's only (see the module's rules)."""
    return (
        f"Seberapa puas Anda dengan jawaban untuk laporan *{tracking_number}*?\n"
        "Balas satu angka untuk memberi nilai: *1* (sangat tidak puas) sampai *5* (sangat puas).\n"
        "Untuk membuat laporan baru, ketik *menu*."
    )


_CANCELLED = "Baik, dibatalkan. Tidak ada yang dikirim.\nKetik *menu* jika ingin mulai lagi."
_NOTHING_OPEN = "Tidak ada laporan yang sedang dibuat.\nKetik *menu* untuk melihat pilihan."
_BAD_NUMBER = "Nomor laporan tidak dikenali. Contoh: *cek KT-AB12-CD34*"
_NOT_READABLE = "Maaf, pesan suara, stiker, video atau dokumen belum bisa kami baca."
_STILL_WRITING = "Laporan Anda belum dikirim. Ketik *batal* untuk membatalkannya, atau lanjutkan:"
_RESUME = "Lanjutkan laporan Anda:"


def _track_question() -> str:
    return "Balas dengan nomor laporan Anda, contoh: *KT-AB12-CD34*"


def _category_question() -> str:
    lines = [f"{i}. {c.name}" for i, c in enumerate(_CATEGORIES, 1)]
    return "Pilih kategori laporan:\n" + "\n".join(lines) + f"\n\nBalas dengan angka 1 sampai {len(_CATEGORIES)}."


def _subcategory_question(category: catalog.Category) -> str:
    lines = [f"{i}. {s.name}" for i, s in enumerate(category.subcategories, 1)]
    return (
        f"Kategori: *{category.name}*\nPilih subkategori:\n"
        + "\n".join(lines)
        + f"\n\nBalas dengan angka 1 sampai {len(category.subcategories)}."
    )


def _complaint_question() -> str:
    return (
        "Tulis keluhan Anda dalam satu pesan.\n"
        "Baris pertama: judul singkat.\n"
        "Berikutnya: apa yang terjadi, sejak kapan, dan siapa yang terdampak."
    )


def _place_question() -> str:
    return (
        "Di mana tempatnya?\n"
        "Kirim *Lokasi* lewat tombol lampiran (📎), atau tulis nama tempat/alamatnya.\n"
        "Jika tidak ingin mengisi, balas *lewati*."
    )


def _photos_question(count: int) -> str:
    if count:
        return f"Foto diterima: {count} dari {MAX_PHOTOS}.\nKirim foto lain, atau balas *selesai* jika sudah cukup."
    return (
        f"Ada foto? Kirim foto (JPEG/PNG) satu per satu, paling banyak {MAX_PHOTOS}.\nJika tidak ada, balas *selesai*."
    )


def _place_words(c: Conversation) -> str:
    point = f"titik lokasi {c.latitude}, {c.longitude}" if c.latitude is not None else ""
    if c.location and point:
        return f"{c.location} ({point})"
    return c.location or point or "-"


def _summary(c: Conversation) -> str:
    category = catalog.category(c.category or "")
    sub = category.subcategory(c.subcategory or "") if category else None
    return (
        "Periksa laporan Anda:\n"
        f"Kategori: {category.name if category else '-'}\n"
        f"Subkategori: {sub.name if sub else '-'}\n"
        f"Judul: {c.title or '-'}\n"
        f"Isi: {_shorten(c.description or '-', SUMMARY_DESCRIPTION)}\n"
        f"Tempat: {_place_words(c)}\n"
        f"Foto: {len(c.photos)}\n\n"
        "Balas *KIRIM* untuk mengirim, atau *BATAL* untuk membatalkan."
    )


def _question(c: Conversation | None) -> str:
    """The question a conversation is at (asked again after a wrong input)."""
    if c is None or c.step == MENU:
        return menu()
    if c.step == TRACK:
        return _track_question()
    if c.step == CATEGORY:
        return _category_question()
    if c.step == SUBCATEGORY:
        category = catalog.category(c.category or "")
        return _subcategory_question(category) if category else _category_question()
    if c.step == COMPLAINT:
        return _complaint_question()
    if c.step == PLACE:
        return _place_question()
    if c.step == PHOTOS:
        return _photos_question(len(c.photos))
    return _summary(c)


def _expected(c: Conversation | None) -> str:
    """What the step takes, in one sentence (after a wrong or unreadable input)."""
    step = c.step if c else MENU
    if step == MENU:
        return "Balas dengan angka 1 atau 2."
    if step == TRACK:
        return "Balas dengan nomor laporan, contoh: KT-AB12-CD34."
    if step == CATEGORY:
        return f"Balas dengan angka 1 sampai {len(_CATEGORIES)}."
    if step == SUBCATEGORY:
        category = catalog.category(c.category or "") if c else None
        return f"Balas dengan angka 1 sampai {len(category.subcategories) if category else len(_CATEGORIES)}."
    if step == COMPLAINT:
        return "Tulis keluhan Anda sebagai pesan teks."
    if step == PLACE:
        return "Kirim lokasi, tulis nama tempatnya, atau balas *lewati*."
    if step == PHOTOS:
        return "Kirim foto (JPEG/PNG), atau balas *selesai*."
    return "Balas *KIRIM* atau *BATAL*."


# -- reading what was sent ----------------------------------------------------------------------------------
def _clean(text: str) -> str:
    """The citizen's text without the characters no field may hold (fields.has_forbidden_characters), line
    breaks kept as ``\\n``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if not fields.has_forbidden_characters(ch, multiline=True))


def _word(text: str) -> str:
    """A short answer as a command: lower case, blanks collapsed, WhatsApp's bold stars and end marks dropped."""
    return " ".join(text.split()).lower().strip(" *_~.,!?")


def _number(word: str, count: int) -> int | None:
    match = _NUMBER.fullmatch(word)
    if match is None:
        return None
    number = int(match.group(1))
    return number if 1 <= number <= count else None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _shorten(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word where one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"


def _stars(message: Inbound, numbered: bool = False) -> int | None:
    """The rating a message gives. At a step that asks for a number (``numbered``: the menu, a category) a bare
    digit is that step's answer: only "nilai 4", "4 bintang" or stars rate there."""
    if message.kind != TEXT:
        return None
    word = _word(message.text)
    if word and set(word) <= {"⭐", "\ufe0f", " "} and 1 <= word.count("⭐") <= 5:
        return word.count("⭐")
    if numbered and word.isdigit():
        return None
    match = _STARS.fullmatch(word)
    return int(match.group(1)) if match else None


def _described(message: Inbound) -> str:
    """The message as the transcript keeps it."""
    text = _clean(message.text).strip()
    if message.kind == TEXT:
        return text
    if message.kind == LOCATION:
        point = f"{message.latitude}, {message.longitude}" if message.latitude is not None else "?"
        return f"[Lokasi: {text} ({point})]" if text else f"[Lokasi: {point}]"
    if message.kind == IMAGE:
        return f"[Foto] {text}".strip()
    return "[Pesan yang tidak bisa dibaca: suara, stiker, video atau dokumen]"


def _complaint(text: str) -> tuple[str, str] | str:
    """(title, description) of the complaint as typed, or what is wrong with it."""
    lines = [line.strip() for line in text.split("\n")]
    lines = [line for line in lines if line]
    whole = "\n".join(lines)
    if len(whole) < DESCRIPTION_MIN:
        return f"Keluhan terlalu singkat. Tulis minimal {DESCRIPTION_MIN} huruf."
    if len(whole) > DESCRIPTION_MAX:
        return f"Keluhan terlalu panjang (paling banyak {DESCRIPTION_MAX} huruf). Persingkat, lalu kirim lagi."
    first, rest = _one_line(lines[0]), "\n".join(lines[1:])
    if rest and len(rest) >= DESCRIPTION_MIN and len(first) <= TITLE_MAX:
        return first, rest
    # One paragraph (or a title too long, or a rest too short to stand alone): the whole text describes, its
    # first sentence names it.
    sentence = _SENTENCE_END.split(first, maxsplit=1)[0]
    title = sentence.rstrip(".") or sentence  # a title, not a sentence: "Puskesmas tutup"
    return _shorten(title, TITLE_MAX), whole


# -- the dialogue -------------------------------------------------------------------------------------------
def _writing(c: Conversation | None) -> bool:
    return c is not None and c.step in WRITING


def _again(c: Conversation | None, problem: str) -> str:
    return f"{problem}\n\n{_question(c)}"


def _resume(c: Conversation | None) -> tuple[str, ...]:
    """After an action taken in the middle of a report: its question again."""
    return (f"{_RESUME}\n\n{_question(c)}",) if _writing(c) else ()


def _record(
    before: Conversation | None, after: Conversation | None, message: Inbound, replies: tuple[str, ...], now: str
) -> Conversation | None:
    """The conversation after a turn with the turn in its transcript (while a report is being written)."""
    if after is None or not after.conversation_id:
        return after
    entries = [(now, "in", _described(message)[:ENTRY_MAX]), *((now, "out", r[:ENTRY_MAX]) for r in replies)]
    old = before.transcript if before is not None and before.conversation_id == after.conversation_id else ()
    return replace(after, transcript=(*old, *entries)[-TRANSCRIPT_MAX:])


def respond(
    conversation: Conversation | None,
    awaiting: Awaiting | None,
    message: Inbound,
    now: str,
    new_id: Callable[[], str],
) -> Turn:
    """One message's turn (the rules are the module's docstring)."""
    if conversation is not None and conversation.step not in STEPS:  # a step this code no longer knows
        conversation = None
    if awaiting is not None and awaiting.kind == RATING:
        stars = _stars(message, numbered=conversation is not None and conversation.step in _NUMBERED_STEPS)
        if stars is not None:
            return Turn(conversation, _resume(conversation), Rate(awaiting.complaint_id, stars), awaiting_used=True)
        return replace(_checked_or_dialogue(conversation, None, message, now, new_id), awaiting_used=True)
    return _checked_or_dialogue(conversation, awaiting, message, now, new_id)


def _checked_or_dialogue(
    conversation: Conversation | None, awaiting: Awaiting | None, message: Inbound, now: str, new_id: NewId
) -> Turn:
    word = _word(_clean(message.text)) if message.kind == TEXT else ""
    check = _CHECK.fullmatch(word)
    free_text = (conversation is not None and conversation.step in (COMPLAINT, PLACE)) or (
        awaiting is not None and awaiting.kind == ANSWER and not _writing(conversation)
    )
    number = tracking.normalize(check.group(1)) if check is not None else None
    if number is not None:
        return Turn(conversation, _resume(conversation), CheckStatus(number))
    # Where free text is asked, "cek jalan ..." is the citizen's text; "cek KT-..." with a typo is still a check.
    if check is not None and (not free_text or not check.group(1) or check.group(1).startswith("kt")):
        return Turn(conversation, (_again(conversation, _BAD_NUMBER) if _writing(conversation) else _BAD_NUMBER,))
    if awaiting is not None and awaiting.kind == ANSWER and not _writing(conversation):
        turn = _answer(conversation, awaiting, message, word)
        if turn is not None:
            return turn
    before = conversation
    after, replies, action = _dialogue(conversation, message, word, new_id)
    if awaiting is not None and awaiting.kind == ANSWER and _writing(after) and action is None:
        replies = (*replies, waiting_question(awaiting.tracking_number))
    if isinstance(action, Submit):
        transcript = (*before.transcript, (now, "in", _described(message)))[-TRANSCRIPT_MAX:] if before else ()
        return Turn(None, replies, action, extra={"transcript": transcript})
    return Turn(_record(before, after, message, replies, now), replies, action)


def _answer(conversation: Conversation | None, awaiting: Awaiting, message: Inbound, word: str) -> Turn | None:
    """The answer to a case's question (None: the dialogue handles the message)."""
    at_menu = conversation is not None and conversation.step == MENU
    if word in _CANCEL or word in _MENU or (at_menu and word in ("1", "2")):
        return None
    if conversation is not None and conversation.step == TRACK:
        return None
    ask = f"Petugas menunggu jawaban Anda untuk laporan *{awaiting.tracking_number}*."
    if message.kind != TEXT:
        return Turn(conversation, (f"{ask}\nBalas dengan pesan teks.",))
    answer = _clean(message.text).strip()
    if not answer:
        return Turn(conversation, (f"{ask}\nBalas dengan pesan teks.",))
    if len(answer) > ANSWER_MAX:
        return Turn(
            conversation, (f"Jawaban terlalu panjang (paling banyak {ANSWER_MAX} huruf). Persingkat, lalu kirim lagi.",)
        )
    return Turn(None, (), AnswerQuestion(awaiting.complaint_id, answer), awaiting_used=True)


_Step = tuple[Conversation | None, tuple[str, ...], "Action | None"]


def _dialogue(c: Conversation | None, message: Inbound, word: str, new_id: NewId) -> _Step:
    if word in _CANCEL:
        return None, (_CANCELLED if c is not None else _NOTHING_OPEN,), None
    if word in _MENU:
        if _writing(c):
            return c, (f"{_STILL_WRITING}\n\n{_question(c)}",), None
        return Conversation(step=MENU), (menu(),), None
    if c is None or c.step == MENU:
        return _at_menu(c, message, word, new_id)
    if c.step == TRACK:
        return _at_track(c, message, word)
    if message.kind == IMAGE:  # kept at any step of a report: what the citizen sent is never lost
        return _photo(c, message)
    if message.kind not in (TEXT, LOCATION):
        return c, (_again(c, f"{_NOT_READABLE} {_expected(c)}"),), None
    handler = {
        CATEGORY: _at_category,
        SUBCATEGORY: _at_subcategory,
        COMPLAINT: _at_complaint,
        PLACE: _at_place,
        PHOTOS: _at_photos,
        CONFIRM: _at_confirm,
    }[c.step]
    return handler(c, message, word)


def _at_menu(c: Conversation | None, message: Inbound, word: str, new_id: NewId) -> _Step:
    if word == "1":
        c = Conversation(step=CATEGORY, conversation_id=new_id())
        return c, (_category_question(),), None
    if word == "2":
        return Conversation(step=TRACK), (_track_question(),), None
    if message.kind == TEXT and word.startswith("kt") and (number := tracking.normalize(word)):
        return None, (), CheckStatus(number)
    if c is None:  # a first message: the menu is the greeting
        return Conversation(step=MENU), (menu(),), None
    problem = _expected(c) if message.kind != OTHER else f"{_NOT_READABLE} {_expected(c)}"
    return c, (_again(c, problem),), None


def _at_track(c: Conversation, message: Inbound, word: str) -> _Step:
    number = tracking.normalize(word) if message.kind == TEXT else None
    if number is None:
        problem = {TEXT: "Nomor laporan tidak dikenali.", OTHER: _NOT_READABLE}.get(message.kind)
        return c, (_again(c, f"{problem} {_expected(c)}" if problem else _expected(c)),), None
    return None, (), CheckStatus(number)


def _by_name(word: str, names: list[tuple[str, str]]) -> int | None:
    """A choice written by its name or code instead of its number (1-based)."""
    for i, (code, name) in enumerate(names, 1):
        if word in (code.lower(), name.lower()):
            return i
    return None


def _at_category(c: Conversation, message: Inbound, word: str) -> _Step:
    choice = _number(word, len(_CATEGORIES)) or _by_name(word, [(k.code, k.name) for k in _CATEGORIES])
    if message.kind != TEXT or choice is None:
        return c, (_again(c, _expected(c)),), None
    category = _CATEGORIES[choice - 1]
    after = replace(c, step=SUBCATEGORY, category=category.code, subcategory=None)
    return after, (_subcategory_question(category),), None


def _at_subcategory(c: Conversation, message: Inbound, word: str) -> _Step:
    category = catalog.category(c.category or "")
    if category is None:
        after = replace(c, step=CATEGORY, category=None)
        return after, (_category_question(),), None
    subs = category.subcategories
    choice = _number(word, len(subs)) or _by_name(word, [(s.code, s.name) for s in subs])
    if message.kind != TEXT or choice is None:
        return c, (_again(c, _expected(c)),), None
    after = replace(c, step=COMPLAINT, subcategory=subs[choice - 1].code)
    return after, (_complaint_question(),), None


def _at_complaint(c: Conversation, message: Inbound, word: str) -> _Step:
    if message.kind != TEXT:
        return c, (_again(c, _expected(c)),), None
    read = _complaint(_clean(message.text))
    if isinstance(read, str):
        return c, (_again(c, read),), None
    title, description = read
    after = replace(c, step=PLACE, title=title, description=description)
    return after, (_place_question(),), None


def _at_place(c: Conversation, message: Inbound, word: str) -> _Step:
    if message.kind == LOCATION:
        lat, long = message.latitude, message.longitude
        if lat is None or long is None or not (coordinates.is_number(lat) and coordinates.is_number(long)):
            return c, (_again(c, _expected(c)),), None
        if not coordinates.in_kaltim(float(lat), float(long)):
            problem = (
                "Titik itu di luar Kalimantan Timur. Kirim lokasi di Kaltim, tulis nama tempatnya, atau balas *lewati*."
            )
            return c, (_again(c, problem),), None
        name = _shorten(_one_line(_clean(message.text)), LOCATION_MAX) or None
        after = replace(
            c,
            step=PHOTOS,
            latitude=coordinates.rounded(lat),
            longitude=coordinates.rounded(long),
            location=name or c.location,
        )
        return after, (_photos_question(len(after.photos)),), None
    if word in _SKIP:
        after = replace(c, step=PHOTOS)
        return after, (_photos_question(len(after.photos)),), None
    place = _one_line(_clean(message.text))
    if len(place) < 3:
        return c, (_again(c, "Tulis nama tempat yang lebih jelas, atau balas *lewati*."),), None
    if len(place) > LOCATION_MAX:
        return c, (_again(c, f"Nama tempat terlalu panjang (paling banyak {LOCATION_MAX} huruf)."),), None
    after = replace(c, step=PHOTOS, location=place)
    return after, (_photos_question(len(after.photos)),), None


def _photo(c: Conversation, message: Inbound) -> _Step:
    if message.mime_type not in PHOTO_TYPES or not message.media_id:
        return c, (_again(c, "Foto harus berformat JPEG atau PNG."),), None
    if any(media_id == message.media_id for media_id, _ in c.photos):
        return c, (_question(c),), None
    if len(c.photos) >= MAX_PHOTOS:
        problem = f"Paling banyak {MAX_PHOTOS} foto per laporan; foto ini tidak disimpan."
        return c, (_again(c, problem),), None
    photos = (*c.photos, (message.media_id, message.mime_type))
    if c.step == PHOTOS and len(photos) >= MAX_PHOTOS:
        after = replace(c, step=CONFIRM, photos=photos)
        return after, (f"Foto ke-{MAX_PHOTOS} diterima (batas {MAX_PHOTOS} foto).\n\n{_summary(after)}",), None
    after = replace(c, photos=photos)
    if c.step == PHOTOS:
        return after, (_photos_question(len(photos)),), None
    return after, (f"Foto disimpan ({len(photos)} dari {MAX_PHOTOS}).\n\n{_question(after)}",), None


def _at_photos(c: Conversation, message: Inbound, word: str) -> _Step:
    if message.kind == TEXT and word in _DONE:
        after = replace(c, step=CONFIRM)
        return after, (_summary(after),), None
    return c, (_again(c, _expected(c)),), None


def _at_confirm(c: Conversation, message: Inbound, word: str) -> _Step:
    if message.kind == TEXT and word in _SEND:
        return None, (), Submit(c.conversation_id, payload(c), c.photos)
    return c, (_again(c, _expected(c)),), None


def payload(c: Conversation) -> dict[str, Any]:
    """The body ``POST /complaints`` takes (domain/submission.parse_submission), from a finished report."""
    body: dict[str, Any] = {
        "category": c.category,
        "subcategory": c.subcategory,
        "title": c.title,
        "description": c.description,
        "anonymous": False,
        "confidential": False,
    }
    if c.location:
        body["location"] = c.location
    if c.latitude is not None and c.longitude is not None:
        body["lat"], body["long"] = c.latitude, c.longitude
    return body
