"""A report written on WhatsApp, against moto: the complaint in DynamoDB, its execution started, its photos
fetched from the Cloud API (a fake: the real client is tested with the local stand-in) and put through the
attachment pipeline -- S3's event, the uploads consumer, the check that removes a phone photo's EXIF -- as a
browser's upload is; and the staff console's view of the case with its WhatsApp thread, for whoever may see the
case and no one else.

The WhatsApp records are the in-memory fake here (their DynamoDB adapter is tested with the webhook).
"""

from __future__ import annotations

import io
import time

import boto3
import pytest
from PIL import ExifTags, Image

from chalicelib.domain import catalog, files
from chalicelib.domain.whatsapp import IMAGE, TEXT, Delivery, Inbound, Message, Status
from chalicelib.service.whatsapp import handle_delivery, photo_attachment_id
from tests.fakes.whatsapp import FakeWhatsAppApi, InMemoryWhatsAppRecords

from ..samples import EXE
from .helpers import call, submit
from .test_attachment_integrity import SECRETS, phone_jpeg

pytestmark = pytest.mark.integration

WA_ID = "6281298765432"
PHONE = f"+{WA_ID}"
REPORT = [
    "halo",
    "1",
    str(list(catalog.CATEGORIES).index("kesehatan") + 1),
    "1",
    "Antrean puskesmas terlalu lama\nSetiap pagi antrean di Puskesmas Sempaja lebih dari tiga jam.",
    "Jl. Wahid Hasyim, Samarinda",
]


class Citizen:
    def __init__(self, stack):
        self.stack, self.n = stack, 0
        self.api, self.records = FakeWhatsAppApi(), InMemoryWhatsAppRecords()
        stack.svc.whatsapp, stack.svc.whatsapp_records = self.api, self.records

    def message(self, inbound: Inbound) -> Message:
        self.n += 1
        return Message(f"wamid.it.{self.n}", WA_ID, int(time.time()), inbound, profile_name="Siti")

    def send(self, *messages: Message) -> None:
        handle_delivery(self.stack.svc, Delivery(messages=messages))

    def say(self, *texts: str) -> None:
        for text in texts:
            self.send(self.message(Inbound(TEXT, text)))

    def number(self) -> str:
        """The tracking number the last reply carries."""
        return next(w.strip(".,:()") for w in self.api.to(PHONE)[-1]["text"].split() if w.startswith("KT-"))

    def photo(self, media_id: str, data: bytes | None, mime: str = "image/jpeg") -> None:
        if data is not None:
            self.api.media_files[media_id] = (data, mime)
        self.send(self.message(Inbound(IMAGE, "", media_id=media_id, mime_type=mime)))


def stored(stack, key: str) -> bytes:
    s3 = boto3.client("s3", region_name=stack.region)
    return s3.get_object(Bucket=stack.uploads.bucket, Key=key)["Body"].read()


def test_photos_sent_on_whatsapp_are_checked_like_uploads_and_lose_their_exif(stack):
    citizen = Citizen(stack)
    citizen.say(*REPORT)
    original = phone_jpeg()
    citizen.photo("media-home", original)
    citizen.photo("media-exe", EXE, mime="image/jpeg")  # not a picture whatever it says: refused by the check
    citizen.photo("media-gone", None)  # the Graph API no longer has it: skipped
    citizen.say("selesai")
    kirim = citizen.message(Inbound(TEXT, "KIRIM"))
    citizen.send(kirim)

    complaint = stack.svc.store.complaint_by_tracking_number(citizen.number())
    assert complaint is not None and (complaint.channel, complaint.citizen_phone) == ("whatsapp", PHONE)

    citizen.send(kirim)  # delivered again: the same complaint, the same attachments
    assert stack.pump_uploads() >= 2
    attachments = {a.attachment_id: a for a in stack.svc.store.attachments(complaint.id, 10)}
    # The report's conversation id: its thread's transcript entries are keyed "<conversation id>:<n>".
    conversation_id = stack.svc.whatsapp_records.thread(complaint.id)[0].message_id.split(":")[0]
    home, exe = (photo_attachment_id(complaint, conversation_id, media) for media in ("media-home", "media-exe"))
    assert set(attachments) == {home, exe}
    assert attachments[home].status == files.ACCEPTED and attachments[home].created_by == f"whatsapp:{PHONE}"
    assert attachments[exe].status == files.REJECTED
    kept = stored(stack, files.stored_key(complaint.id, home))
    assert not any(secret in kept for secret in SECRETS)
    image = Image.open(io.BytesIO(kept))
    assert image.size == (64, 48) and not image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    s3 = boto3.client("s3", region_name=stack.region)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=stack.uploads.bucket).get("Contents", [])]
    assert keys == [files.stored_key(complaint.id, home)]  # the uploads (EXIF and all) are gone


def test_staff_read_the_whatsapp_thread_of_a_case_they_may_see(stack, client, staff):
    citizen = Citizen(stack)
    citizen.say(*REPORT, "selesai", "KIRIM")
    number = citizen.number()
    complaint = stack.svc.store.complaint_by_tracking_number(number)
    assert complaint is not None
    wamid = citizen.api.to(PHONE)[-1]["id"]
    handle_delivery(stack.svc, Delivery(statuses=(Status(wamid, WA_ID, "read", int(time.time())),)))

    response, case = call(client, "get", f"/staff/complaints/{complaint.id}", token=staff.token("operator"))
    assert response.status_code == 200, case
    assert case["channel"] == "whatsapp"
    thread = case["whatsapp"]
    assert [m["direction"] for m in thread][:2] == ["in", "out"] and thread[-1]["direction"] == "out"
    assert thread[-1]["status"] == "read" and number in thread[-1]["text"]
    assert any("Puskesmas Sempaja" in m["text"] for m in thread if m["direction"] == "in")
    assert all(set(m) <= {"at", "direction", "text", "kind", "status"} for m in thread)
    assert PHONE not in str(thread) and WA_ID not in str(thread)

    # An agency the case was not routed to is refused the thread as it is the case.
    response, refused = call(client, "get", f"/staff/complaints/{complaint.id}", token=staff.token("opd-DISHUB"))
    assert response.status_code == 403 and "whatsapp" not in refused  # as GET of the case answers it
    assert "Puskesmas Sempaja" not in str(refused)

    # A case of another channel carries no thread.
    response, web = call(client, "get", f"/staff/complaints/{submit(stack)}", token=staff.token("operator"))
    assert response.status_code == 200 and "whatsapp" not in web
