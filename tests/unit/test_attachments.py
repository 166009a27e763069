"""Attachments' pure rules: what a citizen may ask to upload, and the verdict on the bytes that landed."""

from __future__ import annotations

import pytest

from chalicelib.adapters.uploads import landed_objects
from chalicelib.domain import fields, files
from chalicelib.domain.errors import AttachmentLimitReached, ComplaintNotOpen, ValidationFailed
from chalicelib.web.problems import FIELD_MESSAGES, problem, problem_for

from ..samples import EXE, PDF, PNG

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,"
GOOD = {"filename": "foto-jalan.jpg", "content_type": "image/jpeg", "size": 2048}


# -- the request ------------------------------------------------------------------------------
def test_a_good_request():
    request = files.parse_upload_request(GOOD)
    assert request == files.UploadRequest("foto-jalan.jpg", "image/jpeg", 2048)
    assert files.parse_upload_request({**GOOD, "content_type": " Application/PDF "}).content_type == "application/pdf"
    assert files.parse_upload_request({**GOOD, "size": files.MAX_BYTES}).size == 5 * 1024 * 1024


@pytest.mark.parametrize(
    "name, cleaned",
    [
        ("C:\\fakepath\\foto.jpg", "foto.jpg"),
        ("../../etc/passwd", "passwd"),
        ("/var/www/../x.pdf", "x.pdf"),
        ("laporan\x00\x1f\x7f.pdf", "laporan.pdf"),
        ("surat\u202eFDP.exe", "suratFDP.exe"),  # a right-to-left override cannot disguise the name
        ("  jalan rusak.png  ", "jalan rusak.png"),
        ("foto\nbaris.jpg", "fotobaris.jpg"),
        ("Dinas Pekerjaan Umum — lubang.jpg", "Dinas Pekerjaan Umum — lubang.jpg"),
    ],
)
def test_file_names_lose_paths_and_control_characters(name, cleaned):
    assert fields.clean_filename(name) == cleaned
    assert files.parse_upload_request({**GOOD, "filename": name}).filename == cleaned


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"filename": None}, "filename", "required"),
        ({"filename": ""}, "filename", "required"),
        ({"filename": 12}, "filename", "not_text"),
        ({"filename": "../"}, "filename", "invalid_filename"),
        ({"filename": "\x00\x01"}, "filename", "invalid_filename"),
        ({"filename": "a" * 197 + ".jpg"}, "filename", "too_long"),
        ({"content_type": None}, "content_type", "required"),
        ({"content_type": "image/gif"}, "content_type", "unsupported_file_type"),
        ({"content_type": "text/html"}, "content_type", "unsupported_file_type"),
        ({"content_type": "application/x-msdownload"}, "content_type", "unsupported_file_type"),
        ({"content_type": ["image/png"]}, "content_type", "unsupported_file_type"),
        ({"size": None}, "size", "required"),
        ({"size": "2048"}, "size", "not_an_integer"),
        ({"size": 1.5}, "size", "not_an_integer"),
        ({"size": True}, "size", "not_an_integer"),
        ({"size": 0}, "size", "file_empty"),
        ({"size": -1}, "size", "file_empty"),
        ({"size": files.MAX_BYTES + 1}, "size", "file_too_large"),
    ],
)
def test_bad_requests_name_the_field(change, field, code):
    with pytest.raises(ValidationFailed) as refused:
        files.parse_upload_request({**GOOD, **change})
    assert [(e["field"], e["code"]) for e in refused.value.errors] == [(field, code)]
    message = problem("validation_failed", errors=refused.value.errors)[1]["errors"][0]["message"]
    assert message["id"] and message["en"] and message["id"] != message["en"]


def test_every_problem_is_reported_at_once_and_not_an_object():
    with pytest.raises(ValidationFailed) as refused:
        files.parse_upload_request({"filename": "", "content_type": "image/gif", "size": 10**9})
    assert {e["field"] for e in refused.value.errors} == {"filename", "content_type", "size"}
    with pytest.raises(ValidationFailed):
        files.parse_upload_request(["a"])


def test_size_message_names_the_limit_in_both_languages():
    status, body = problem("validation_failed", errors=[{"field": "size", "code": "file_too_large", "max_mb": 5}])
    assert (
        status == 422 and "5 MB" in body["errors"][0]["message"]["id"] and "5 MB" in body["errors"][0]["message"]["en"]
    )
    for code in ("invalid_filename", "unsupported_file_type", "not_an_integer", "file_empty", "file_too_large"):
        assert code in FIELD_MESSAGES


def test_limit_and_not_open_are_409_problems_in_both_languages():
    for error in (AttachmentLimitReached("full"), ComplaintNotOpen("closed")):
        status, body = problem_for(error, "/complaints/x/attachments")
        assert status == 409 and body["messages"]["id"] and body["messages"]["en"]
        assert body["type"].endswith(error.code.replace("_", "-"))


# -- the verdict on what landed -------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, declared, detected",
    [
        (PNG, "image/png", "image/png"),
        (JPEG, "image/jpeg", "image/jpeg"),
        (PDF, "application/pdf", "application/pdf"),
        (PNG, "image/jpeg", "image/png"),  # a PNG saved as .jpg (phones do it) is what its bytes say
    ],
)
def test_real_jpeg_png_and_pdf_are_accepted_as_what_their_bytes_are(data, declared, detected):
    verdict = files.verdict(data[: files.SNIFF_BYTES], len(data), declared, declared_size=len(data))
    assert verdict == files.Verdict(True, detected)


@pytest.mark.parametrize(
    "data, detected",
    [
        (EXE, "application/x-msdownload"),  # foto.jpg that is really a Windows program
        (HTML, None),  # foto.jpg that is really a web page with a script
        (GIF, "image/gif"),  # an image, but not one we take
        (b"just some text, named .jpg", None),
    ],
)
def test_anything_else_is_rejected_whatever_its_name_or_declared_type(data, detected):
    verdict = files.verdict(data, len(data), "image/jpeg", declared_size=len(data))
    assert not verdict.accepted and verdict.reason == files.NOT_ALLOWED and verdict.detected_type == detected


def test_too_large_or_empty_is_rejected():
    assert files.verdict(PNG, files.MAX_BYTES + 1, "image/png").reason == files.TOO_LARGE
    assert files.verdict(PNG, 5000, "image/png", declared_size=4000).reason == files.TOO_LARGE  # more than the policy
    assert files.verdict(PNG, files.MAX_BYTES, "image/png").accepted
    assert files.verdict(b"", 0, "image/png").reason == files.EMPTY
    for reason in (files.TOO_LARGE, files.EMPTY, files.NOT_ALLOWED, files.NOT_UPLOADED):
        assert all(files.REASONS[reason])


# -- keys, names, events ----------------------------------------------------------------------------
def test_object_keys_round_trip_and_nothing_else_is_ours():
    complaint, attachment = "a" * 32, "0190f3c2a1b2" + "c" * 12
    key = files.object_key(complaint, attachment)
    assert key == f"attachments/{complaint}/{attachment}"
    assert files.parse_object_key(key) == (complaint, attachment)
    for other in (
        "attachments/x/y",
        f"attachments/{complaint}/{attachment}/../z",
        f"other/{complaint}/{attachment}",
        "",
        f"attachments/{complaint}/{attachment}.exe",
    ):
        assert files.parse_object_key(other) is None


@pytest.mark.parametrize(
    "name, content_type, downloaded",
    [
        ("foto.jpg", "image/jpeg", "foto.jpg"),
        ("foto.jpg", "image/png", "foto.png"),  # named for what it really is
        ("laporan", "application/pdf", "laporan.pdf"),
        ('a"b;c\r\n.pdf', "application/pdf", "a_b_c__.pdf"),  # nothing that breaks the header
        ("Jalan rusak — Sempaja.jpeg", "image/jpeg", "Jalan rusak _ Sempaja.jpeg"),
        ("..", "image/png", "lampiran.png"),
    ],
)
def test_download_names_are_safe_in_a_header(name, content_type, downloaded):
    assert files.download_name(name, content_type) == downloaded


def test_s3_event_notifications_name_the_objects_created():
    message = {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Post",
                "s3": {"bucket": {"name": "b"}, "object": {"key": "attachments/a%2Fb+c", "size": 12}},
            },
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectRemoved:Delete",
                "s3": {"bucket": {"name": "b"}, "object": {"key": "attachments/x"}},
            },
            {"eventSource": "aws:sqs"},
        ]
    }
    assert landed_objects(message) == [("b", "attachments/a/b c", 12)]
    assert landed_objects({"Service": "Amazon S3", "Event": "s3:TestEvent", "Bucket": "b"}) == []
