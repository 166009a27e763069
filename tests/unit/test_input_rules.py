"""One rule for the characters of every text field and one for email addresses, on every route and channel
(issue 18, defects 9 and 10): pure, through the request models and Open311's parser."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from chalicelib.domain import fields, georeport, models
from chalicelib.domain.decisions import parse_decision
from chalicelib.domain.errors import ValidationFailed
from chalicelib.domain.submission import parse_entry, parse_submission
from chalicelib.web.problems import FIELD_MESSAGES

from .open311_sample import spec_form

JURISDICTION = "kaltimprov.go.id"
COMPLAINT = {
    "category": "kesehatan",
    "subcategory": "puskesmas",
    "title": "Puskesmas tutup siang",
    "description": "Puskesmas Sempaja tutup pukul 11.00 padahal jadwal sampai 14.00.",
    "location": "Samarinda",
}
FORBIDDEN = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u202a", "\u2066", "\u2069", "\ud800", "\ufffe"]
# Values a text field takes as it is (each field takes at least one); a forbidden character is put inside.
SAMPLES = [
    "Budi Santoso menulis",
    "warga@example.id",
    "+6281234567890",
    "0812-3456-7890",
    "KT-7K3M-9QXD",
    "foto-antrean.jpg",
    "LAPOR-2026-000123",
    "Rahasia123",
]


def _all_models() -> list[type[models.ApiModel]]:
    found, todo = [], [models.ApiModel]
    while todo:
        model = todo.pop()
        for sub in model.__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def _field_errors(model, payload, name):
    return [e for e in models.errors_of(model, payload)[1] if e["field"] == name]


def _text_fields(model):
    """(field, a value it accepts) for every field of the model that takes text."""
    out = []
    for name, info in model.model_fields.items():
        for sample in SAMPLES:
            if not _field_errors(model, {name: sample}, name):
                out.append((name, sample, set(info.metadata)))
                break
    return out


def _as_stored(model, name, value):
    """The field's value once validated (the rest of the body aside), or None when it is refused."""
    instance = model.model_construct()
    try:
        model.__pydantic_validator__.validate_assignment(instance, name, value)
    except ValidationError as refused:
        assert all(models._error(model, e)["code"] in FIELD_MESSAGES for e in refused.errors()), refused
        return None
    return getattr(instance, name)


def test_every_text_field_of_every_request_body_refuses_forbidden_characters():
    """Refused (422 naming the field), or -- file names, tracking numbers, an organisation's blanks -- cleaned
    at the boundary: never stored."""
    checked = set()
    for model in _all_models():
        for name, sample, kinds in _text_fields(model):
            if models.SECRET in kinds:
                continue  # passwords are kept as typed: never stored, shown or sent by us
            for bad in FORBIDDEN:
                value = sample[:3] + bad + sample[3:]
                stored = _as_stored(model, name, value)
                assert stored is None or not fields.has_forbidden_characters(str(stored)), (model, name, value)
            checked.add((model.__name__, name))
    # The fields the red team wrote into, and their kin on every route and channel, are among them.
    assert {
        ("SubmissionRequest", "title"),
        ("SubmissionRequest", "description"),
        ("SubmissionRequest", "location"),
        ("EntryRequest", "title"),
        ("Reporter", "name"),
        ("Reporter", "email"),
        ("AnswerRequest", "answer"),
        ("ReopenRequest", "reason"),
        ("RatingRequest", "comment"),
        ("RegisterRequest", "name"),
        ("CorrectionRequest", "name"),
        ("ClosureRequest", "email"),
        ("ApiKeyRequest", "organisation"),
        ("InviteRequest", "name"),
        ("IntakeRejectDecision", "reason"),
        ("StaffIntakeRejectDecision", "reason"),
        ("IntakeRequestInformationDecision", "question"),
        ("OpdResponseRespondDecision", "response"),
        ("OpdResponseNotOurAuthorityDecision", "reason"),
        ("ReviewReturnDecision", "reason"),
        ("ReplySendDecision", "reply"),
        ("UploadRequestBody", "filename"),
    } <= checked
    assert len(checked) >= 30


def test_a_submission_names_each_field_that_holds_a_control_character():
    with pytest.raises(ValidationFailed) as refused:
        parse_submission(
            {
                **COMPLAINT,
                "title": "Puskesmas\x00 tutup",
                "description": COMPLAINT["description"] + "\x00",
                "location": "Samarinda\u202e",
            }
        )
    assert refused.value.errors == [
        {"field": f, "code": "invalid_characters"} for f in ("title", "description", "location")
    ]


def test_long_texts_keep_line_breaks_and_tabs_and_one_line_fields_fold_them():
    text = "Baris satu.\r\nBaris dua,\tdengan tab.\n"
    submission = parse_submission({**COMPLAINT, "title": "Puskesmas \r\n tutup\tsiang", "description": text})
    assert submission.description == text.strip() and submission.title == "Puskesmas tutup siang"
    assert parse_decision("reply", {"reply": "Terima kasih.\n\nSalam,\tDinkes"}).values["reply"] == (
        "Terima kasih.\n\nSalam,\tDinkes"
    )
    assert models.validate(models.AnswerRequest, {"answer": "a\nb"}).answer == "a\nb"
    for bad in ("a\x00b", "a\x0bb", "a\x0cb", "a\u202eb"):
        with pytest.raises(ValidationFailed):
            parse_decision("reply", {"reply": bad})


def test_what_honest_people_write_passes():
    for text in (
        "Jl. K.H. Wahid Hasyim No. 5 — Sempaja (dekat masjid)",
        "Ibu Nur’aini 👩‍👧",
        "نور",
        "שָׁלוֹם",
        "café \u200e\u200f",
        "Rp 10.000,- / 50%",
    ):
        assert parse_submission({**COMPLAINT, "title": text}).title == text


def test_operator_entry_and_decisions_and_followups_refuse_them_too():
    entry = {**COMPLAINT, "channel": "phone", "reporter": {"name": "Budi\x00", "email": "budi@example.id"}}
    with pytest.raises(ValidationFailed) as refused:
        parse_entry(entry)
    assert refused.value.errors == [{"field": "reporter.name", "code": "invalid_characters"}]
    for stage, body, field in [
        ("intake", {"decision": "reject", "reason": "Spam\x1b[2J"}, "reason"),
        ("intake", {"decision": "request_information", "question": "Di mana?\x00"}, "question"),
        ("opd_response", {"response": "Sudah\u202e"}, "response"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            parse_decision(stage, body)
        assert refused.value.errors == [{"field": field, "code": "invalid_characters"}]


def test_open311_refuses_them_in_every_text_field():
    for name in ("description", "address_string", "first_name", "last_name", "media_url", "device_id", "account_id"):
        base = spec_form()[name]
        with pytest.raises(georeport.Open311Error) as error:
            georeport.parse_request(
                spec_form(**{name: base[: len(base) // 2] + "\x00" + base[len(base) // 2 :]}), JURISDICTION
            )
        assert error.value.status == 400
        assert any(f"{name} contains control characters" in d for d in error.value.descriptions), name
    described = georeport.parse_request(spec_form(description="Jalan berlubang.\r\nSudah dua minggu."), JURISDICTION)
    assert described.description == "Jalan berlubang.\r\nSudah dua minggu."


# -- one email rule ------------------------------------------------------------------------------------
BAD_EMAILS = [
    "<x@y.id>",
    "x@y.id\x00",
    "x\x00@y.id",
    "x@y.id>",
    "x y@y.id",
    "x@y",
    "x@-y.id",
    "x@y.id.",
    "x@y..id",
    '"x"@y.id',
    "x@[127.0.0.1]",
    "x@y.id\nBcc: z@y.id",
    "x@y.i",
    "a" * 65 + "@y.id",
    "x@ÿ.id",
    "x@y.id\u202e",
]
GOOD_EMAILS = [
    "warga@example.id",
    "Rina.Warga@Example.id",
    "o'brien+aspirasi@mail.kaltimprov.go.id",
    "opd-dinkes@aspirasi.kaltimprov.go.id",
    "a_b-c@sub-domain.example.co.id",
    "x@y.xn--p1ai",
]


def _refused_by_every_entry_point(email: str) -> dict[str, bool]:
    def open311_refuses() -> bool:
        try:
            georeport.parse_request(spec_form(email=email), JURISDICTION)
        except georeport.Open311Error:
            return True
        return False

    def entry_refuses() -> bool:
        try:
            parse_entry({**COMPLAINT, "channel": "phone", "reporter": {"name": "Budi", "email": email}})
        except ValidationFailed:
            return True
        return False

    return {
        "register": bool(_field_errors(models.RegisterRequest, {"email": email}, "email")),
        "login": bool(_field_errors(models.LoginRequest, {"email": email}, "email")),
        "confirm": bool(_field_errors(models.ConfirmRequest, {"email": email}, "email")),
        "invite": bool(_field_errors(models.InviteRequest, {"email": email}, "email")),
        "staff entry": entry_refuses(),
        "open311": open311_refuses(),
        "is_email": not fields.is_email(email),
    }


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_an_address_one_entry_point_refuses_every_entry_point_refuses(email):
    assert all(_refused_by_every_entry_point(email).values()), _refused_by_every_entry_point(email)


@pytest.mark.parametrize("email", GOOD_EMAILS)
def test_an_honest_address_is_taken_everywhere(email):
    assert not any(_refused_by_every_entry_point(email).values()), _refused_by_every_entry_point(email)
