"""What a checked attachment is, it stays: red-team findings 6 and 11 of issue 18, against moto.

6. The presigned POST lives ten minutes after the file was checked: posting the same form again with
   other bytes must change neither what staff download nor the evidence kept; and a form issued
   while the case was open cannot add a file once the case has closed.
11. A phone photo carries the GPS position of the citizen's home and the camera's serial in its EXIF
   data: what is stored and served has none of it, and is still the same picture.

Everything goes the real way: the API asks for a slot, the file is posted as a browser would, S3's
ObjectCreated event reaches the uploads consumer through the queue, the download is the served URL.
"""

from __future__ import annotations

import io

import pytest
import requests
from PIL import ExifTags, Image, PngImagePlugin

from chalicelib.domain import files

from ..samples import EXE, PNG
from .attachment_helpers import ask, citizen_view, objects, submitted, upload
from .helpers import OPERATOR, citizen_token

pytestmark = pytest.mark.integration

HOME = (0.0, 30.0, 15.0)  # 0°30'15" S, as degrees, minutes, seconds
SERIAL, MODEL = "R58T91XK2PA", "SM-A546E"
SECRETS = (SERIAL.encode(), MODEL.encode(), b"Samsung", b"Exif", b"GPS", b"rumah-saya")


def picture(size: tuple[int, int]) -> Image.Image:
    """Not a flat colour: a gradient, so a picture turned the wrong way shows it."""
    width, height = size
    image = Image.new("RGB", size)
    image.putdata([(255 * x // width, 255 * y // height, 90) for y in range(height) for x in range(width)])
    return image


def phone_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Samsung"
    exif[ExifTags.Base.Model] = MODEL
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.BodySerialNumber] = SERIAL
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps.update(
        {
            ExifTags.GPS.GPSLatitudeRef: "S",
            ExifTags.GPS.GPSLatitude: HOME,
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (117.0, 9.0, 0.0),
        }
    )
    return exif


def phone_jpeg(size=(64, 48), orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    picture(size).save(
        out,
        "JPEG",
        quality=95,
        exif=phone_exif(orientation),
        comment=b"rumah-saya",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>0,30.25S</exif:GPSLatitude></x:xmpmeta>',
    )
    return out.getvalue()


def screenshot_png(size=(40, 30)) -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "rumah-saya")
    text.add_itxt("Author", SERIAL)
    out = io.BytesIO()
    picture(size).save(out, "PNG", exif=phone_exif(), pnginfo=text)
    return out.getvalue()


def served(client, token, cid, attachment_id) -> requests.Response:
    (seen,) = [a for a in citizen_view(client, token, cid)["attachments"] if a["id"] == attachment_id]
    assert seen["status"] == "accepted" and seen["url"], seen
    response = requests.get(seen["url"], timeout=10)
    assert response.status_code == 200
    return response


def assert_no_metadata(data: bytes, size: tuple[int, int], kind: str) -> Image.Image:
    for secret in SECRETS:
        assert secret not in data, secret
    image = Image.open(io.BytesIO(data))
    image.load()  # still decodes, whole
    assert image.format == kind and image.size == size
    assert not image.getexif() and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert not {"exif", "xmp", "comment", "Comment", "Author", "XML:com.adobe.xmp"} & set(image.info)
    return image


def near(a: object, b: object, within: int = 12) -> bool:
    """Two RGB pixels (PIL's getpixel) alike within ``within`` in each channel."""
    assert isinstance(a, tuple) and isinstance(b, tuple), (a, b)
    return all(abs(x - y) <= within for x, y in zip(a, b, strict=True))


# -- 11. EXIF -------------------------------------------------------------------------------------
def test_a_phone_photo_is_served_without_its_gps_position_camera_or_serial(stack, client):
    token = citizen_token(client)
    cid = submitted(client, token)
    original = phone_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the photo does carry them
    _, asked = ask(client, token, cid, filename="IMG_20261104.jpg", content_type="image/jpeg", size=len(original))
    upload(asked, original)
    png = screenshot_png()
    _, shot = ask(client, token, cid, filename="layar.png", content_type="image/png", size=len(png))
    upload(shot, png)
    stack.pump_uploads()

    photo = served(client, token, cid, asked["id"])
    image = assert_no_metadata(photo.content, (64, 48), "JPEG")
    assert near(image.getpixel((60, 2)), picture((64, 48)).getpixel((60, 2)))  # the same picture
    screen = assert_no_metadata(served(client, token, cid, shot["id"]).content, (40, 30), "PNG")
    assert screen.tobytes() == picture((40, 30)).tobytes()  # PNG: not a pixel changed
    assert not [c for c in (b"eXIf", b"tEXt", b"iTXt", b"zTXt") if c in served(client, token, cid, shot["id"]).content]
    # The size listed is the size served; the bytes as uploaded are kept nowhere.
    (listed,) = [a for a in citizen_view(client, token, cid)["attachments"] if a["id"] == asked["id"]]
    assert listed["size"] == len(photo.content)
    assert asked["upload"]["fields"]["key"] not in objects(stack)


def test_a_photo_taken_sideways_is_served_upright(stack, client):
    token = citizen_token(client)
    cid = submitted(client, token)
    original = phone_jpeg(size=(64, 48), orientation=6)  # stored 64x48, shown turned 90° clockwise: 48x64
    _, asked = ask(client, token, cid, filename="tegak.jpg", content_type="image/jpeg", size=len(original))
    upload(asked, original)
    stack.pump_uploads()
    image = assert_no_metadata(served(client, token, cid, asked["id"]).content, (48, 64), "JPEG")
    # What was the top-left corner of the stored picture is now the top-right corner.
    assert near(image.getpixel((47, 0)), picture((64, 48)).getpixel((0, 0)))


# -- 6. immutable once accepted ------------------------------------------------------------------
def test_posting_the_form_again_after_the_check_changes_nothing_anyone_downloads(stack, client):
    token = citizen_token(client)
    cid = submitted(client, token)
    _, asked = ask(client, token, cid, filename="bukti.png")
    upload(asked, PNG)
    stack.pump_uploads()
    evidence = served(client, token, cid, asked["id"]).content
    assert Image.open(io.BytesIO(evidence)).size == (1, 1)

    # The same form, still within its ten minutes, with a different (also valid) picture: before the
    # consumer runs and after, the link serves the checked file; the late object is deleted.
    other = screenshot_png()
    upload(asked, other)
    assert served(client, token, cid, asked["id"]).content == evidence
    stack.pump_uploads()
    assert served(client, token, cid, asked["id"]).content == evidence
    # And with bytes that are refused: the evidence is not deleted with them.
    upload(asked, EXE, content_type="image/png")
    stack.pump_uploads()
    assert served(client, token, cid, asked["id"]).content == evidence
    record = stack.svc.store.get_attachment(cid, asked["id"])
    assert record.status == "accepted" and int(record.size) == len(evidence)
    assert asked["upload"]["fields"]["key"] not in objects(stack)  # nothing unchecked is kept
    assert stack.complaint(cid).attachment_count == 1
    assert [a for a in stack.audit_actions(cid) if a.startswith("attachment")] == [
        "attachment_requested",
        "attachment_added",
    ]


def test_a_form_issued_while_open_adds_nothing_once_the_case_has_closed(stack, client):
    token = citizen_token(client)
    cid = submitted(client, token)
    _, asked = ask(client, token, cid)
    stack.waiting_at(cid, "intake")
    stack.decide(OPERATOR, {"decision": "reject", "reason": "Bukan pengaduan."})
    stack.run_until(lambda: stack.complaint(cid).status == "closed", what="the complaint to close")

    upload(asked, PNG)  # within the form's ten minutes
    stack.pump_uploads()
    (seen,) = citizen_view(client, token, cid)["attachments"]
    assert seen["status"] == "rejected" and seen["url"] is None
    assert seen["reason"]["code"] == "complaint_closed" and seen["reason"]["id"] and seen["reason"]["en"]
    assert objects(stack) == []
    assert stack.complaint(cid).attachment_count == 0


def test_the_checked_file_is_written_once_even_when_two_uploads_are_judged_at_once(stack, client):
    """A consumer stored the first upload's checked file and stopped before recording it; meanwhile the form
    was posted again. The next delivery judges the second upload but cannot replace the stored file: the
    attachment records, and everyone downloads, the file that was stored first."""
    token = citizen_token(client)
    cid = submitted(client, token)
    second = screenshot_png()
    _, asked = ask(client, token, cid, filename="bukti.png", size=len(second))  # either fits the policy
    key = asked["upload"]["fields"]["key"]
    upload(asked, PNG)
    first = stack.svc.uploads.head(key)
    stored = files.stored_key(cid, asked["id"])
    stack.svc.uploads.keep(stored, PNG, "image/png", first["etag"])  # ...and the consumer stopped there

    upload(asked, second)
    stack.pump_uploads()
    assert served(client, token, cid, asked["id"]).content == PNG
    record = stack.svc.store.get_attachment(cid, asked["id"])
    assert record.status == "accepted" and record.etag == first["etag"] and int(record.size) == len(PNG)
    assert objects(stack) == [stored]
