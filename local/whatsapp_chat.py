"""Chat with the running local stack as a citizen on WhatsApp (`make whatsapp SECRET=...`).

What you type goes to the webhook as Meta's Cloud API would post it (signed with the app secret the stack
printed); what the stack sends back is read from the stand-in Graph API's record of outbound messages
(GET /whatsapp/messages on the outbox port) and printed. Besides text:

  /lokasi -0.502,117.153   a location message (a point in East Kalimantan)
  /foto path/to/photo.jpg  an image message (the photo is first put at the stand-in's media endpoint)
  /keluar                  stop
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
from pathlib import Path

import requests

from chalicelib.domain.whatsapp_webhook import signature

HELP = __doc__.split("Besides text:")[1]


def payload(wa_id: str, message: dict, name: str = "Warga") -> dict:
    """One message in the shape of Meta's webhook (entry[].changes[].value.messages[])."""
    wamid = f"wamid.local{secrets.token_hex(12)}"
    message = {"from": wa_id, "id": wamid, "timestamp": str(int(time.time())), **message}
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "local-business-account",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "628110000000", "phone_number_id": "local"},
                            "contacts": [{"profile": {"name": name}, "wa_id": wa_id}],
                            "messages": [message],
                        },
                    }
                ],
            }
        ],
    }


def post(api: str, secret: str, body: dict) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    response = requests.post(
        f"{api}/channels/whatsapp/webhook",
        data=raw,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature(raw, secret)},
        timeout=10,
    )
    if response.status_code != 200:
        print(f"(the webhook answered {response.status_code}: {response.text[:200]})", file=sys.stderr)


def message_for(line: str, outbox: str) -> dict | None:
    """The message a typed line stands for (None: not understood, help printed)."""
    if line.startswith("/lokasi"):
        try:
            lat, long = (float(part) for part in line.split(maxsplit=1)[1].split(","))
        except (IndexError, ValueError):
            print("  /lokasi LAT,LONG  e.g. /lokasi -0.502,117.153")
            return None
        return {"type": "location", "location": {"latitude": lat, "longitude": long}}
    if line.startswith("/foto"):
        path = Path(line.partition(" ")[2].strip()).expanduser()
        if not path.is_file():
            print("  /foto PATH  (a JPEG or PNG file)")
            return None
        mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
        media = requests.post(
            f"{outbox}/whatsapp/media", data=path.read_bytes(), headers={"Content-Type": mime}, timeout=10
        )
        media.raise_for_status()
        return {"type": "image", "image": {"id": media.json()["id"], "mime_type": mime}}
    if line.startswith("/"):
        print(HELP)
        return None
    return {"type": "text", "text": {"body": line}}


def replies(outbox: str, phone: str, seen: set[str]) -> list[dict]:
    sent = requests.get(f"{outbox}/whatsapp/messages", timeout=10).json()
    fresh = [m for m in sent if m["to"] == phone and m["id"] not in seen]
    seen.update(m["id"] for m in fresh)
    return fresh


def show(message: dict) -> None:
    if message.get("type") == "template":
        print(f"Aspirasi Kaltim [template {message.get('template')}]")
    else:
        print("Aspirasi Kaltim: " + str(message.get("text", "")).replace("\n", "\n                 "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default=f"http://127.0.0.1:{os.environ.get('PORT', '8000')}")
    parser.add_argument("--outbox", default=f"http://127.0.0.1:{os.environ.get('OUTBOX_PORT', '8025')}")
    parser.add_argument("--secret", default=os.environ.get("SECRET", ""), help="the banner's WhatsApp app secret")
    parser.add_argument("--phone", default="6281234567890", help="your WhatsApp number, digits only")
    parser.add_argument("--wait", type=float, default=4.0, help="seconds to wait for replies after each message")
    args = parser.parse_args(argv)
    if not args.secret:
        parser.error("the app secret is needed: make whatsapp SECRET=<the banner's 'WhatsApp app secret'>")
    phone, seen = f"+{args.phone}", set[str]()
    replies(args.outbox, phone, seen)  # what earlier chats received is not shown again
    print(f"You are {phone} on WhatsApp. Type a message (try: halo).{HELP}")
    while True:
        try:
            line = input("Anda: ").strip()
        except (EOFError, KeyboardInterrupt):
            return 0
        if line in ("/keluar", "/exit"):
            return 0
        message = message_for(line, args.outbox) if line else None
        if message is None:
            continue
        post(args.api, args.secret, payload(args.phone, message))
        deadline = time.monotonic() + args.wait
        while time.monotonic() < deadline:
            for reply in replies(args.outbox, phone, seen):
                show(reply)
            time.sleep(0.3)


if __name__ == "__main__":
    sys.exit(main())
