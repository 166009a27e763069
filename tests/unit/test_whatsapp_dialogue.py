"""The WhatsApp dialogue as a pure state machine (domain/whatsapp_dialogue.py): every step, wrong input at each,
``batal``, ``cek`` and ``menu`` anywhere, answers and ratings, the transcript, expiry, and ``KIRIM``'s payload
checked by the web's own parser."""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.domain import catalog, coordinates, fields
from chalicelib.domain import whatsapp_dialogue as wd
from chalicelib.domain.submission import parse_submission
from chalicelib.domain.whatsapp import (
    ANSWER,
    IMAGE,
    LOCATION,
    OTHER,
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

NOW = "2026-12-07T04:49:00+00:00"
CATEGORIES = list(catalog.CATEGORIES.values())
NUMBER = "KT-82PT-R267"
COMPLAINT = "Puskesmas tutup siang\nPuskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00."
INSIDE = (-0.502106, 117.153709)  # Samarinda
QUESTION = Awaiting(ANSWER, "c-1", NUMBER)
RATE = Awaiting(RATING, "c-1", NUMBER)


def text(body: str) -> Inbound:
    return Inbound(TEXT, body)


def photo(media_id: str = "m1", mime: str = "image/jpeg", caption: str = "") -> Inbound:
    return Inbound(IMAGE, caption, media_id=media_id, mime_type=mime)


def location(lat: float, long: float, name: str = "") -> Inbound:
    return Inbound(LOCATION, name, latitude=lat, longitude=long)


def ids():
    counter = itertools.count(1)
    return lambda: f"conv-{next(counter)}"


def say(conversation, message, awaiting=None, new_id=None) -> Turn:
    return wd.respond(conversation, awaiting, message, NOW, new_id or ids())


def walk(*messages: Inbound | str, start: Conversation | None = None) -> Turn:
    """The turns of several messages, the conversation stored between them as the store keeps it (a dict)."""
    conversation, turn, new_id = start, Turn(None), ids()
    for message in messages:
        turn = say(conversation, text(message) if isinstance(message, str) else message, new_id=new_id)
        conversation = Conversation.from_dict(turn.conversation.to_dict()) if turn.conversation else None
    return turn


# A conversation at each step, reached by the dialogue itself.
AT = {
    wd.MENU: lambda: walk("halo").conversation,
    wd.TRACK: lambda: walk("2").conversation,
    wd.CATEGORY: lambda: walk("1").conversation,
    wd.SUBCATEGORY: lambda: walk("1", "2").conversation,
    wd.COMPLAINT: lambda: walk("1", "2", "2").conversation,
    wd.PLACE: lambda: walk("1", "2", "2", COMPLAINT).conversation,
    wd.PHOTOS: lambda: walk("1", "2", "2", COMPLAINT, location(*INSIDE, "Jl. Wahid Hasyim")).conversation,
    wd.CONFIRM: lambda: walk("1", "2", "2", COMPLAINT, "lewati", photo(), "selesai").conversation,
}
WRITING = list(wd.WRITING)


def at(step: str) -> Conversation:
    conversation = AT[step]()
    assert conversation is not None
    return conversation


def same_draft(before: Conversation | None, after: Conversation | None) -> None:
    """Nothing entered is lost: every field but the transcript is as it was."""
    assert before is not None and after is not None
    assert replace(after, transcript=()) == replace(before, transcript=())


# -- the menu -----------------------------------------------------------------------------------------------
def test_any_text_with_nothing_open_shows_the_menu():
    turn = say(None, text("halo"))
    assert turn.replies == (wd.menu(),)
    assert "1. Buat laporan baru" in wd.menu() and "2. Cek laporan" in wd.menu()
    assert turn.conversation == Conversation(step=wd.MENU)
    assert turn.action is None and not turn.awaiting_used


@pytest.mark.parametrize("message", [photo(), location(*INSIDE), Inbound(OTHER)])
def test_any_other_message_with_nothing_open_shows_the_menu_too(message):
    assert say(None, message).replies == (wd.menu(),)


def test_an_expired_conversation_arrives_as_none_and_the_next_message_starts_afresh():
    """The store's 24-hour TTL forgets it; the dialogue needs no clock."""
    assert say(None, text("3")).replies == (wd.menu(),)


def test_a_wrong_choice_at_the_menu_names_the_numbers_and_shows_the_menu_again():
    turn = say(at(wd.MENU), text("3"))
    assert turn.replies == (f"Balas dengan angka 1 atau 2.\n\n{wd.menu()}",)
    assert turn.conversation == Conversation(step=wd.MENU)


# -- a new report, step by step -----------------------------------------------------------------------------
def test_one_lists_the_categories_in_the_catalogs_order_and_starts_a_report():
    turn = say(at(wd.MENU), text("1"), new_id=lambda: "conv-x")
    (reply,) = turn.replies
    for i, category in enumerate(CATEGORIES, 1):
        assert f"\n{i}. {category.name}\n" in reply
    assert reply.endswith(f"Balas dengan angka 1 sampai {len(CATEGORIES)}.")
    assert turn.conversation is not None
    assert (turn.conversation.step, turn.conversation.conversation_id) == (wd.CATEGORY, "conv-x")


def test_one_starts_a_report_without_the_menu_first():
    assert say(None, text(" 1 ")).conversation.step == wd.CATEGORY


@pytest.mark.parametrize("answer", ["2", "2.", "*2*", "no 2", "Kesehatan", "kesehatan"])
def test_a_category_by_number_lists_its_subcategories(answer):
    turn = say(at(wd.CATEGORY), text(answer))
    health = catalog.category("kesehatan")
    assert turn.conversation.category == "kesehatan" and turn.conversation.step == wd.SUBCATEGORY
    (reply,) = turn.replies
    for i, sub in enumerate(health.subcategories, 1):
        assert f"{i}. {sub.name}" in reply
    assert reply.endswith(f"Balas dengan angka 1 sampai {len(health.subcategories)}.")


def test_a_subcategory_by_number_asks_for_the_complaint():
    turn = say(at(wd.SUBCATEGORY), text("2"))
    assert (turn.conversation.subcategory, turn.conversation.step) == ("puskesmas", wd.COMPLAINT)
    assert "Baris pertama: judul" in turn.replies[0]


def test_the_first_line_is_the_title_and_the_rest_the_description():
    turn = say(at(wd.COMPLAINT), text(f"  {COMPLAINT}  \n\n"))
    assert turn.conversation.title == "Puskesmas tutup siang"
    assert turn.conversation.description == COMPLAINT.split("\n", 1)[1]
    assert turn.conversation.step == wd.PLACE and "lewati" in turn.replies[0]


def test_one_paragraph_is_the_description_and_its_first_sentence_the_title():
    paragraph = "Jalan ke desa kami rusak berat. Sudah dua bulan truk sawit lewat dan lubangnya makin dalam."
    turn = say(at(wd.COMPLAINT), text(paragraph))
    assert turn.conversation.title == "Jalan ke desa kami rusak berat"
    assert turn.conversation.description == paragraph


def test_a_first_line_longer_than_a_title_is_shortened_and_kept_whole_in_the_description():
    long_line = "Saya mau melapor " + "jalan rusak parah sekali " * 12
    turn = say(at(wd.COMPLAINT), text(f"{long_line}\nTolong segera diperbaiki."))
    title = turn.conversation.title or ""
    assert len(title) <= fields.LIMITS["title"] and title.endswith("…") and title.startswith("Saya mau melapor")
    assert turn.conversation.description.startswith(long_line.strip())


def test_a_description_line_too_short_to_stand_alone_keeps_the_whole_text():
    turn = say(at(wd.COMPLAINT), text("Lampu jalan mati\nsejak Mei"))
    assert turn.conversation.title == "Lampu jalan mati"
    assert turn.conversation.description == "Lampu jalan mati\nsejak Mei"


@pytest.mark.parametrize(
    ("body", "problem"),
    [("rusak", "minimal 10 huruf"), ("x" * (fields.LIMITS["description"] + 1), "terlalu panjang")],
)
def test_a_complaint_too_short_or_too_long_is_asked_again(body, problem):
    before = at(wd.COMPLAINT)
    turn = say(before, text(body))
    (reply,) = turn.replies
    assert problem in reply and reply.endswith(f"\n\n{wd._question(before)}")
    same_draft(before, turn.conversation)


def test_control_and_direction_characters_are_dropped_from_what_the_citizen_typed():
    turn = say(at(wd.COMPLAINT), text("Jalan\u202e rusak\x00\nLubang besar di depan sekolah\x1b dasar."))
    assert turn.conversation.title == "Jalan rusak"
    assert turn.conversation.description == "Lubang besar di depan sekolah dasar."


def test_a_location_inside_kaltim_is_the_point_and_its_name_the_place():
    turn = say(at(wd.PLACE), location(-0.50210612345, 117.1537, "Jl. Wahid Hasyim\nSamarinda"))
    c = turn.conversation
    assert (c.latitude, c.longitude, c.location) == (-0.502106, 117.1537, "Jl. Wahid Hasyim Samarinda")
    assert c.step == wd.PHOTOS and "selesai" in turn.replies[0]


@pytest.mark.parametrize("point", [(-6.2, 106.8), (3.0, 117.0), (0.0, 120.0), (float("nan"), 117.0)])
def test_a_location_outside_kaltim_is_asked_again(point):
    before = at(wd.PLACE)
    turn = say(before, location(*point))
    (reply,) = turn.replies
    assert reply.endswith("balas *lewati*.") and "Di mana tempatnya?" in reply
    same_draft(before, turn.conversation)
    if point[0] == point[0]:  # not NaN
        assert "di luar Kalimantan Timur" in reply


def test_a_place_written_as_text_or_skipped():
    assert say(at(wd.PLACE), text("Desa Long Bagun, Mahulu")).conversation.location == "Desa Long Bagun, Mahulu"
    skipped = say(at(wd.PLACE), text("Lewati")).conversation
    assert skipped.step == wd.PHOTOS and skipped.location is None and skipped.latitude is None


def test_a_place_too_long_is_asked_again():
    before = at(wd.PLACE)
    turn = say(before, text("Desa " * 100))
    assert "terlalu panjang" in turn.replies[0]
    same_draft(before, turn.conversation)


def test_photos_are_kept_until_selesai_and_the_summary_follows():
    turn = walk(photo("a"), photo("b", "image/png"), "selesai", start=at(wd.PHOTOS))
    c = turn.conversation
    assert c.photos == (("a", "image/jpeg"), ("b", "image/png")) and c.step == wd.CONFIRM
    (summary,) = turn.replies
    assert "Kategori: Kesehatan" in summary and "Subkategori: Layanan puskesmas" in summary
    assert "Judul: Puskesmas tutup siang" in summary and "Foto: 2" in summary
    assert "Tempat: Jl. Wahid Hasyim (titik lokasi -0.502106, 117.153709)" in summary
    assert summary.endswith("Balas *KIRIM* untuk mengirim, atau *BATAL* untuk membatalkan.")


def test_the_summary_shortens_a_long_description():
    c = replace(at(wd.CONFIRM), description="kata " * 400)
    line = next(line for line in wd._question(c).split("\n") if line.startswith("Isi: "))
    assert len(line) <= len("Isi: ") + wd.SUMMARY_DESCRIPTION and line.endswith("…")


def test_the_fifth_photo_is_the_last_and_moves_on_to_the_summary():
    turn = walk(*(photo(f"m{i}") for i in range(1, 6)), start=at(wd.PHOTOS))
    assert len(turn.conversation.photos) == 5 and turn.conversation.step == wd.CONFIRM
    assert turn.replies[0].startswith("Foto ke-5 diterima (batas 5 foto).")


def test_a_sixth_photo_is_refused_and_the_five_are_kept():
    full = walk(*(photo(f"m{i}") for i in range(1, 6)), start=at(wd.PHOTOS)).conversation
    turn = say(full, photo("m6"))
    assert "Paling banyak 5 foto" in turn.replies[0]
    same_draft(full, turn.conversation)


@pytest.mark.parametrize("mime", ["image/webp", "image/gif", None])
def test_a_photo_that_is_not_jpeg_or_png_is_refused(mime):
    before = at(wd.PHOTOS)
    turn = say(before, photo("m1", mime))
    assert turn.replies[0].startswith("Foto harus berformat JPEG atau PNG.")
    same_draft(before, turn.conversation)


def test_the_same_photo_delivered_twice_is_kept_once():
    turn = walk(photo("a"), photo("a"), start=at(wd.PHOTOS))
    assert turn.conversation.photos == (("a", "image/jpeg"),)


def test_a_photo_sent_while_the_complaint_is_asked_is_kept_and_the_question_repeated():
    turn = say(at(wd.COMPLAINT), photo("early"))
    assert turn.conversation.photos == (("early", "image/jpeg"),) and turn.conversation.step == wd.COMPLAINT
    assert turn.replies[0].startswith("Foto disimpan (1 dari 5).") and "Baris pertama" in turn.replies[0]


def test_kirim_submits_what_post_complaints_takes_and_closes_the_conversation():
    before = at(wd.CONFIRM)
    turn = say(before, text("*KIRIM*"))
    assert turn.conversation is None and turn.replies == ()
    assert isinstance(turn.action, Submit)
    assert turn.action.conversation_id == before.conversation_id == "conv-1"
    assert turn.action.photos == (("m1", "image/jpeg"),)
    assert turn.action.payload == {
        "category": "kesehatan",
        "subcategory": "puskesmas",
        "title": "Puskesmas tutup siang",
        "description": COMPLAINT.split("\n", 1)[1],
        "anonymous": False,
        "confidential": False,
    }
    parsed = parse_submission(turn.action.payload)
    assert (parsed.category, parsed.subcategory, parsed.title) == ("kesehatan", "puskesmas", "Puskesmas tutup siang")
    assert turn.extra["transcript"][-1] == (NOW, "in", "*KIRIM*")


def test_a_located_report_submits_its_point_and_place():
    c = walk("lewati", start=at(wd.PHOTOS)).conversation
    payload = say(c, text("kirim")).action.payload
    assert (payload["lat"], payload["long"], payload["location"]) == (*INSIDE, "Jl. Wahid Hasyim")
    parsed = parse_submission(payload)
    assert (parsed.latitude, parsed.longitude) == INSIDE


def test_a_whole_walk_from_halo_to_kirim():
    messages: list[Inbound | str] = [
        "halo",
        "1",
        "4",  # Jalan, Jembatan dan Perumahan
        "1",  # Jalan provinsi rusak
        "Jalan poros Samarinda-Bontang berlubang. Lubangnya besar di km 20 dan sudah ada motor yang jatuh.",
        location(0.2861, 117.3682, "Km 20 poros Samarinda-Bontang"),
        photo("w1"),
        photo("w2", "image/png"),
        "selesai",
        "KIRIM",
    ]
    turn = walk(*messages)
    assert isinstance(turn.action, Submit) and turn.conversation is None
    submission = parse_submission(turn.action.payload)
    assert (submission.category, submission.subcategory) == ("infrastruktur", "jalan-rusak")
    assert submission.title == "Jalan poros Samarinda-Bontang berlubang"
    assert submission.location == "Km 20 poros Samarinda-Bontang" and submission.latitude == 0.2861
    assert turn.action.photos == (("w1", "image/jpeg"), ("w2", "image/png"))
    transcript = turn.extra["transcript"]
    # from the "1" that started the report: in and out for each of the 8 turns after the menu, then KIRIM
    assert [d for _, d, _ in transcript] == ["in", "out"] * 8 + ["in"]
    assert transcript[0] == (NOW, "in", "1") and transcript[1][2].startswith("Pilih kategori laporan:")
    assert (NOW, "in", "[Lokasi: Km 20 poros Samarinda-Bontang (0.2861, 117.3682)]") in transcript
    assert (NOW, "in", "[Foto]") in transcript


# -- wrong input, batal, cek, menu at every step ------------------------------------------------------------
WRONG = {
    wd.CATEGORY: (text("99"), f"Balas dengan angka 1 sampai {len(CATEGORIES)}."),
    wd.SUBCATEGORY: (text("ya"), "Balas dengan angka 1 sampai 4."),
    wd.COMPLAINT: (location(*INSIDE), "Tulis keluhan Anda sebagai pesan teks."),
    wd.PLACE: (text("?"), "Tulis nama tempat yang lebih jelas, atau balas *lewati*."),
    wd.PHOTOS: (text("nanti"), "Kirim foto (JPEG/PNG), atau balas *selesai*."),
    wd.CONFIRM: (text("oke"), "Balas *KIRIM* atau *BATAL*."),
}


@pytest.mark.parametrize("step", WRITING)
def test_wrong_input_names_what_is_expected_asks_again_and_keeps_the_draft(step):
    before = at(step)
    message, expected = WRONG[step]
    turn = say(before, message)
    (reply,) = turn.replies
    assert reply == f"{expected}\n\n{wd._question(before)}"
    same_draft(before, turn.conversation)
    assert turn.conversation.transcript[-2:] == ((NOW, "in", wd._described(message)), (NOW, "out", reply))


@pytest.mark.parametrize("step", [*WRITING, wd.TRACK])
def test_audio_stickers_and_video_are_answered_with_what_this_step_takes(step):
    before = at(step)
    turn = say(before, Inbound(OTHER))
    (reply,) = turn.replies
    assert reply.startswith("Maaf, pesan suara, stiker, video atau dokumen belum bisa kami baca. ")
    assert reply.endswith(wd._question(before))
    same_draft(before, turn.conversation)


@pytest.mark.parametrize("step", [None, *AT])
@pytest.mark.parametrize("word", ["batal", "BATAL", " Batal. "])
def test_batal_at_any_step_closes_the_conversation(step, word):
    turn = say(at(step) if step else None, text(word))
    assert turn.conversation is None and turn.action is None
    expected = "Baik, dibatalkan." if step else "Tidak ada laporan yang sedang dibuat."
    assert turn.replies[0].startswith(expected)


@pytest.mark.parametrize("step", [None, *AT])
@pytest.mark.parametrize("typed", ["cek KT-82PT-R267", "CEK kt 82pt r267", "Cek: kt82ptr267", "cek KT-82PT-R26"])
def test_cek_at_any_step_checks_and_leaves_the_conversation_as_it_was(step, typed):
    before = at(step) if step else None
    turn = say(before, text(typed))
    if typed.endswith("R26"):  # not a number: said so, nothing changed
        assert turn.action is None and wd._BAD_NUMBER in turn.replies[0]
    else:
        assert turn.action == CheckStatus(NUMBER)
    assert turn.conversation == before
    if step in WRITING:
        assert turn.replies[-1].endswith(wd._question(before))
    elif turn.action is not None:
        assert turn.replies == ()


def test_where_free_text_is_asked_a_complaint_starting_with_cek_is_the_complaint():
    turn = say(at(wd.COMPLAINT), text("Cek jalan di depan pasar\nLubangnya besar dan dalam sekali."))
    assert turn.action is None and turn.conversation.title == "Cek jalan di depan pasar"


@pytest.mark.parametrize("step", WRITING)
@pytest.mark.parametrize("word", ["menu", "0"])
def test_menu_while_writing_reminds_that_batal_discards_and_keeps_the_draft(step, word):
    before = at(step)
    turn = say(before, text(word))
    assert turn.replies == (f"{wd._STILL_WRITING}\n\n{wd._question(before)}",)
    same_draft(before, turn.conversation)


@pytest.mark.parametrize("word", ["menu", "0", "MENU"])
def test_menu_with_nothing_written_shows_the_menu(word):
    assert say(at(wd.TRACK), text(word)).replies == (wd.menu(),)


def test_two_then_a_tracking_number_checks_it():
    turn = walk("2", "kt-82pt-r267")
    assert turn.action == CheckStatus(NUMBER) and turn.conversation is None and turn.replies == ()


def test_a_wrong_tracking_number_is_asked_again():
    before = at(wd.TRACK)
    turn = say(before, text("laporan saya"))
    assert turn.replies == (f"Nomor laporan tidak dikenali. {wd._expected(before)}\n\n{wd._question(before)}",)
    assert turn.conversation == before


def test_a_tracking_number_typed_alone_at_the_menu_checks_it():
    assert say(None, text("KT 82PT R267")).action == CheckStatus(NUMBER)


def test_a_stored_conversation_of_an_unknown_step_starts_afresh():
    assert say(Conversation(step="retired-step"), text("halo")).replies == (wd.menu(),)


def test_the_transcript_keeps_the_last_sixty_entries():
    c: Conversation | None = at(wd.CONFIRM)
    for i in range(40):
        c = say(c, text(f"salah {i}")).conversation
    assert c is not None
    assert len(c.transcript) == wd.TRANSCRIPT_MAX
    assert c.transcript[-2][2] == "salah 39" and c.transcript[0][2] == "salah 10"


# -- a case waiting for the citizen -------------------------------------------------------------------------
@pytest.mark.parametrize("start", [None, wd.MENU])
def test_a_text_answers_the_question_when_no_report_is_being_written(start):
    turn = say(at(start) if start else None, text("  Rumah saya di RT 05, dekat masjid.  "), QUESTION)
    assert turn.action == AnswerQuestion("c-1", "Rumah saya di RT 05, dekat masjid.")
    assert turn.awaiting_used and turn.conversation is None and turn.replies == ()


def test_a_number_answers_the_question_when_nothing_is_open():
    assert say(None, text("2"), QUESTION).action == AnswerQuestion("c-1", "2")


@pytest.mark.parametrize("word", ["1", "2"])
def test_at_the_menu_the_citizen_asked_for_one_and_two_are_choices_not_answers(word):
    turn = say(at(wd.MENU), text(word), QUESTION)
    assert turn.action is None and not turn.awaiting_used
    assert turn.conversation.step in (wd.CATEGORY, wd.TRACK)


@pytest.mark.parametrize(("word", "action"), [("menu", None), ("batal", None), (f"cek {NUMBER}", CheckStatus(NUMBER))])
def test_commands_are_not_answers(word, action):
    turn = say(None, text(word), QUESTION)
    assert turn.action == action and not turn.awaiting_used


def test_while_a_report_is_being_written_the_question_waits():
    before = at(wd.COMPLAINT)
    turn = say(before, text(COMPLAINT), QUESTION)
    assert turn.action is None and not turn.awaiting_used and turn.conversation.step == wd.PLACE


@pytest.mark.parametrize("message", [photo(), location(*INSIDE), Inbound(OTHER), text("\x00\x01")])
def test_an_answer_must_be_a_text(message):
    turn = say(None, message, QUESTION)
    assert turn.action is None and not turn.awaiting_used
    assert turn.replies == (f"Petugas menunggu jawaban Anda untuk laporan *{NUMBER}*.\nBalas dengan pesan teks.",)


def test_an_answer_longer_than_the_web_takes_is_asked_shorter():
    turn = say(None, text("a" * (fields.ANSWER_MAX + 1)), QUESTION)
    assert turn.action is None and not turn.awaiting_used and "terlalu panjang" in turn.replies[0]


@pytest.mark.parametrize(("typed", "stars"), [("4", 4), ("*5*", 5), ("nilai 3", 3), ("2 bintang", 2), ("⭐⭐⭐", 3)])
def test_a_number_from_one_to_five_rates_the_reply(typed, stars):
    turn = say(None, text(typed), RATE)
    assert turn.action == Rate("c-1", stars) and turn.awaiting_used and turn.replies == ()


def test_a_rating_in_the_middle_of_a_report_keeps_the_report():
    before = at(wd.PHOTOS)
    turn = say(before, text("3"), RATE)
    assert turn.action == Rate("c-1", 3) and turn.conversation == before
    assert turn.replies == (f"{wd._RESUME}\n\n{wd._question(before)}",)


@pytest.mark.parametrize("step", [wd.MENU, wd.CATEGORY, wd.SUBCATEGORY])
def test_where_a_number_is_asked_a_bare_digit_is_that_steps_answer_not_a_rating(step):
    """The villager who got the menu after the reply and types "1" starts a report; they do not give 1 star."""
    before = at(step)
    turn = say(before, text("1"), RATE)
    assert turn.action is None and turn.awaiting_used
    assert say(before, text("nilai 4"), RATE).action == Rate("c-1", 4)  # said as a rating, it still rates


def test_a_question_waiting_while_a_report_is_written_is_mentioned():
    turn = say(at(wd.PLACE), text("Jl. Juanda, Samarinda"), QUESTION)
    assert turn.action is None and "menunggu jawaban" in turn.replies[-1] and "KT-" in turn.replies[-1]


@pytest.mark.parametrize(
    ("start", "typed", "step"),
    [(None, "halo", wd.MENU), (wd.CATEGORY, "6", wd.SUBCATEGORY), (None, "menu", wd.MENU), (None, "1", None)],
)
def test_anything_else_uses_the_rating_up_and_the_dialogue_handles_it(start, typed, step):
    if typed == "1":  # "1" is a rating: the next "1" is the menu's
        assert say(None, text("1"), RATE).action == Rate("c-1", 1)
        return
    turn = say(at(start) if start else None, text(typed), RATE)
    assert turn.awaiting_used and turn.action is None and turn.conversation.step == step


def test_a_rating_prompt_does_not_trap_a_check():
    turn = say(None, text(f"cek {NUMBER}"), RATE)
    assert turn.action == CheckStatus(NUMBER) and turn.awaiting_used


# -- the texts the use case sends ---------------------------------------------------------------------------
def test_the_result_texts():
    assert NUMBER in wd.submitted(NUMBER) and f"cek {NUMBER}" in wd.submitted(NUMBER)
    assert "Terlalu banyak laporan" in wd.submit_refused([{"code": "rate_limited"}])
    refused = wd.submit_refused([{"field": "title", "code": "too_long"}, {"field": "lat", "code": "weird"}])
    assert "judul terlalu panjang" in refused and "titik lokasi tidak sesuai aturan" in refused
    assert NUMBER in wd.not_found(NUMBER) and NUMBER in wd.answer_recorded(NUMBER)
    assert wd.rated(4) == "Terima kasih atas penilaian Anda (4 dari 5)."
    prompt = wd.rating_prompt(NUMBER)
    assert NUMBER in prompt and "*1*" in prompt and "*5*" in prompt and "ketik *menu*" in prompt


VIEW: dict[str, Any] = {
    "tracking_number": NUMBER,
    "status": "answered",
    "stage": "answered",
    "category": "kesehatan",
    "category_name": "Kesehatan",
    "opd": "DINKES",
    "opd_name": "Dinas Kesehatan",
    "submitted_at": "2026-12-07T04:49:00+00:00",
    "answered_at": "2026-12-08T01:00:00+00:00",
    "stages": [],
    "answer": "Puskesmas kembali buka penuh mulai Senin.",
}


def test_the_status_reply_quotes_the_answer_only_to_the_reporters_own_phone():
    own, other = wd.status_reply(VIEW, own=True), wd.status_reply(VIEW, own=False)
    assert "Status: Sudah dijawab" in own and "Ditangani: Dinas Kesehatan" in own
    assert "Dikirim: 7 Des 2026 12.49 WITA" in own and "Dijawab: 8 Des 2026 09.00 WITA" in own
    assert VIEW["answer"] in own and VIEW["answer"] not in other


def test_the_status_reply_names_the_stage_of_an_open_case_and_a_wait_for_the_citizen():
    open_case = {**VIEW, "status": "open", "stage": "classification"}
    assert "Status: Sedang diproses (tahap: Klasifikasi)" in wd.status_reply(open_case, own=False)
    waiting = {**VIEW, "status": "open", "stage": "awaiting_citizen"}
    assert "Menunggu jawaban Anda" in wd.status_reply(waiting, own=True)
    assert "Menunggu keterangan dari pelapor" in wd.status_reply(waiting, own=False)


# -- any sequence of messages -------------------------------------------------------------------------------
WORDS = ["1", "2", "3", "15", "99", "0", "menu", "batal", "KIRIM", "selesai", "lewati", "cek KT-82PT-R267", "cek"]
texts = st.one_of(st.sampled_from(WORDS), st.sampled_from([COMPLAINT, "Desa Long Bagun"]), st.text(max_size=300))
messages = st.one_of(
    texts.map(text),
    st.builds(
        location,
        st.floats(min_value=-5, max_value=5) | st.floats(),
        st.floats(min_value=110, max_value=121) | st.floats(),
        st.text(max_size=400),
    ),
    st.builds(photo, st.sampled_from(["a", "b", "c", "d", "e", "f", "g"]), st.sampled_from([*wd.PHOTO_TYPES, "x/y"])),
    st.just(Inbound(OTHER)),
)
awaitings = st.sampled_from([None, None, QUESTION, RATE])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(messages, awaitings), max_size=40))
def test_any_sequence_of_messages_gets_a_reply_or_an_action_and_every_submit_parses(inputs):
    conversation, new_id = None, ids()
    for message, awaiting in inputs:
        turn = wd.respond(conversation, awaiting, message, NOW, new_id)
        assert turn.replies or turn.action is not None
        assert all(isinstance(r, str) and 0 < len(r) <= 4096 for r in turn.replies)
        if isinstance(turn.action, Submit):
            parse_submission(turn.action.payload)
            assert turn.conversation is None
        if turn.conversation is not None:
            assert turn.conversation.step in wd.STEPS
            assert len(turn.conversation.transcript) <= wd.TRANSCRIPT_MAX
            assert len(turn.conversation.photos) <= wd.MAX_PHOTOS
            lat, long = turn.conversation.latitude, turn.conversation.longitude
            if lat is not None or long is not None:
                assert lat is not None and long is not None and coordinates.in_kaltim(lat, long)
            conversation = Conversation.from_dict(turn.conversation.to_dict())
        else:
            conversation = None


NOISE = [
    Inbound(OTHER),
    text(f"cek {NUMBER}"),
    text("menu"),
    text("0"),
    text("99"),
    text("cek KT-1"),
    location(-6.2, 106.8),
    photo("sticker", "image/webp"),
]
HAPPY: list[Inbound | str] = [
    "1",
    "4",
    "1",
    COMPLAINT,
    location(*INSIDE, "Jl. Wahid Hasyim"),
    photo("p1"),
    "selesai",
    "KIRIM",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(NOISE), max_size=3), min_size=len(HAPPY), max_size=len(HAPPY)))
def test_wrong_input_anywhere_in_a_report_loses_nothing_of_it(noise):
    """The same report with wrong messages, checks and ``menu`` between its steps is the same report."""
    clean = walk(*HAPPY).action
    noisy = walk(*(m for step, extra in zip(HAPPY, noise, strict=True) for m in (*extra, step))).action
    assert isinstance(noisy, Submit) and noisy == clean


def test_a_photo_sent_before_the_category_is_chosen_is_kept():
    turn = say(at(wd.CATEGORY), photo("first"))
    assert turn.conversation.photos == (("first", "image/jpeg"),) and turn.conversation.step == wd.CATEGORY
    assert turn.replies[0].startswith("Foto disimpan (1 dari 5).\n\nPilih kategori laporan:")
