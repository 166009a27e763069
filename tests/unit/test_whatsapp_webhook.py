"""The webhook's signature and payload (domain/whatsapp_webhook.py), with payloads shaped as Meta documents them."""

from __future__ import annotations

import json

import pytest

from chalicelib.domain import whatsapp_webhook as webhook
from chalicelib.domain.whatsapp import IMAGE, LOCATION, OTHER, TEXT, Inbound
from tests import whatsapp_fixtures as wa

SECRET = "app-secret-0123456789abcdef"


# -- the signature ---------------------------------------------------------------------------------------
def test_a_signature_over_the_raw_bytes_is_valid():
    body = wa.raw(wa.delivery(wa.text(body="Jalan rusak di Samarinda Séberang 🙏")))
    assert webhook.signature_valid(body, wa.sign(body, SECRET), SECRET)
    assert webhook.signature(body, SECRET) == wa.sign(body, SECRET)


def test_the_same_json_serialised_otherwise_is_not():
    payload = wa.delivery(wa.text(body="Jalan rusak di Samarinda Séberang 🙏"))
    original = wa.raw(payload)
    escaped = json.dumps(json.loads(original), ensure_ascii=True).encode()
    assert escaped != original and json.loads(escaped) == json.loads(original)
    assert not webhook.signature_valid(escaped, wa.sign(original, SECRET), SECRET)


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", "sha1=abc", "sha256=" + "0" * 64, "SHA256=zz", "sha256=ü" * 3, "md5=" + "0" * 64],
)
def test_missing_or_wrong_signatures_are_not(header):
    body = wa.raw(wa.delivery(wa.text()))
    assert not webhook.signature_valid(body, header, SECRET)


def test_another_secret_or_no_secret_is_not_valid():
    body = wa.raw(wa.delivery(wa.text()))
    assert not webhook.signature_valid(body, wa.sign(body, "other secret"), SECRET)
    assert not webhook.signature_valid(body, wa.sign(body, ""), "")


def test_one_byte_changed_is_not_valid():
    body = wa.raw(wa.delivery(wa.text(body="Halo")))
    assert not webhook.signature_valid(body.replace(b"Halo", b"Hal0"), wa.sign(body, SECRET), SECRET)


# -- the payload -------------------------------------------------------------------------------------------
def test_a_text_message():
    delivery = webhook.parse(wa.delivery(wa.text(body="Halo, saya mau lapor", id="wamid.A1", name="Siti")))
    assert delivery.statuses == ()
    (message,) = delivery.messages
    assert message.id == "wamid.A1"
    assert message.wa_id == wa.WA_ID and message.phone == "+" + wa.WA_ID
    assert message.timestamp == int(wa.TIMESTAMP)
    assert message.profile_name == "Siti"
    assert message.inbound == Inbound(TEXT, text="Halo, saya mau lapor")


def test_a_location_message_with_and_without_its_name():
    named = webhook.parse(wa.delivery(wa.location(latitude=-0.5, longitude=117.15)))
    assert named.messages[0].inbound == Inbound(
        LOCATION, text="Jembatan Mahakam, Jl. Slamet Riyadi, Samarinda", latitude=-0.5, longitude=117.15
    )
    bare = webhook.parse(wa.delivery(wa.location(latitude=-0.5, longitude=117.15, place=None, address=None)))
    assert bare.messages[0].inbound == Inbound(LOCATION, text="", latitude=-0.5, longitude=117.15)


def test_an_image_with_its_caption():
    (message,) = webhook.parse(wa.delivery(wa.image(media_id="MEDIA1", caption="Lubang 🕳️"))).messages
    assert message.inbound == Inbound(IMAGE, text="Lubang 🕳️", media_id="MEDIA1", mime_type="image/jpeg")
    (plain,) = webhook.parse(wa.delivery(wa.image(media_id="MEDIA2", caption=None))).messages
    assert plain.inbound.text == "" and plain.inbound.media_id == "MEDIA2"


def test_several_messages_and_contacts_in_one_post_keep_their_order_and_names():
    payload = wa.delivery(
        wa.text(wa_id="6281111111111", body="1", id="wamid.1", name="Budi"),
        wa.text(wa_id="6282222222222", body="2", id="wamid.2", name=None),
        wa.image(wa_id="6281111111111", id="wamid.3", name="Budi"),
    )
    messages = webhook.parse(payload).messages
    assert [m.id for m in messages] == ["wamid.1", "wamid.2", "wamid.3"]
    assert [m.profile_name for m in messages] == ["Budi", None, "Budi"]
    assert [m.inbound.kind for m in messages] == [TEXT, TEXT, IMAGE]


def test_entries_and_changes_are_all_read():
    first, second = wa.delivery(wa.text(id="wamid.1")), wa.delivery(wa.status("wamid.out", "read"))
    payload = {"object": "whatsapp_business_account", "entry": first["entry"] + second["entry"]}
    delivery = webhook.parse(payload)
    assert [m.id for m in delivery.messages] == ["wamid.1"]
    assert [s.status for s in delivery.statuses] == ["read"]


@pytest.mark.parametrize("state", ["sent", "delivered", "read"])
def test_statuses(state):
    (status,) = webhook.parse(wa.delivery(wa.status("wamid.OUT1", state, timestamp="1765140100"))).statuses
    assert (status.id, status.status, status.recipient_id, status.timestamp) == (
        "wamid.OUT1",
        state,
        wa.WA_ID,
        1765140100,
    )
    assert status.error_code is None and status.error_title is None


def test_a_failed_status_carries_its_error():
    payload = wa.delivery(wa.status("wamid.OUT2", "failed", error=(131047, "Re-engagement message")))
    (status,) = webhook.parse(payload).statuses
    assert status.status == "failed"
    assert (status.error_code, status.error_title) == (131047, "Re-engagement message")


@pytest.mark.parametrize(
    ("kind", "body"),
    [
        ("sticker", {"mime_type": "image/webp", "sha256": "x", "id": "STICKER1", "animated": False}),
        ("audio", {"mime_type": "audio/ogg; codecs=opus", "sha256": "x", "id": "AUDIO1", "voice": True}),
        ("video", {"mime_type": "video/mp4", "sha256": "x", "id": "VIDEO1"}),
        ("document", {"filename": "surat.pdf", "mime_type": "application/pdf", "sha256": "x", "id": "DOC1"}),
        ("reaction", {"message_id": "wamid.X", "emoji": "👍"}),
        ("unsupported", {}),
        ("something_new", {"whatever": 1}),
    ],
)
def test_other_types_are_other(kind, body):
    (message,) = webhook.parse(wa.delivery(wa.other(kind, body))).messages
    assert message.inbound == Inbound(OTHER)


def test_interactive_and_button_replies_read_as_text():
    payload = wa.delivery(
        wa.other("interactive", {"type": "button_reply", "button_reply": {"id": "1", "title": "Lapor baru"}}),
        wa.other("interactive", {"type": "list_reply", "list_reply": {"id": "jalan", "title": "Jalan"}}, id="w2"),
        wa.other("button", {"text": "KIRIM", "payload": "KIRIM"}, id="w3"),
    )
    assert [m.inbound for m in webhook.parse(payload).messages] == [
        Inbound(TEXT, text="Lapor baru"),
        Inbound(TEXT, text="Jalan"),
        Inbound(TEXT, text="KIRIM"),
    ]


def test_odd_entries_are_skipped_not_raised():
    good = wa.text(id="wamid.good")
    value = wa.delivery(good)["entry"][0]["changes"][0]["value"]
    value["messages"] += [
        "not an object",
        {"id": "wamid.no-from", "timestamp": "1", "type": "text", "text": {"body": "x"}},
        {"from": wa.WA_ID, "id": "wamid.bad-time", "timestamp": "soon", "type": "text"},
        {"from": wa.WA_ID, "id": "wamid.no-body", "timestamp": "1", "type": "text"},
        {"from": wa.WA_ID, "id": "wamid.bad-loc", "timestamp": "1", "type": "location", "location": {"latitude": "x"}},
        {"from": wa.WA_ID, "id": "wamid.img-no-id", "timestamp": "1", "type": "image", "image": {}},
    ]
    value["statuses"] = [{"id": "wamid.s"}, 7, {"status": "read", "timestamp": "1"}]
    value["contacts"] = [{"wa_id": wa.WA_ID, "profile": "not an object"}, None]
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {"id": "1", "changes": [{"field": "messages", "value": value}]},
            {"id": "2", "changes": [{"field": "account_update", "value": {"messages": [good]}}]},
            {"id": "3", "changes": "nope"},
            {"id": "4"},
            "odd",
        ],
    }
    delivery = webhook.parse(payload)
    assert [(m.id, m.inbound) for m in delivery.messages] == [
        ("wamid.good", Inbound(TEXT, text="Halo")),
        ("wamid.no-body", Inbound(TEXT, text="")),
        ("wamid.bad-loc", Inbound(OTHER)),
        ("wamid.img-no-id", Inbound(OTHER)),
    ]
    assert delivery.messages[0].profile_name is None
    assert delivery.statuses == ()


def test_a_change_of_another_field_carries_nothing():
    payload = wa.delivery(wa.text())
    payload["entry"][0]["changes"][0]["field"] = "message_template_status_update"
    assert webhook.parse(payload) == webhook.parse({"object": "whatsapp_business_account", "entry": []})


@pytest.mark.parametrize("payload", [[], "text", None, 3, {"object": "page", "entry": []}, {"entry": []}])
def test_not_a_whatsapp_payload_is_a_value_error(payload):
    with pytest.raises(ValueError):
        webhook.parse(payload)
