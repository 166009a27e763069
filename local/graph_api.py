"""A stand-in for Meta's Graph API (WhatsApp Cloud API) on the local stack: it records what the app sends and
serves the photos citizens "sent", so the WhatsApp channel runs with no Meta account (DESIGN.md §3).

Served by the outbox server (local/stack.py) on OUTBOX_PORT, the app's WHATSAPP_API_URL being
``http://127.0.0.1:<port>/graph/v21.0``:

- ``POST /graph/<version>/<phone_number_id>/messages`` (Bearer token): a text, template or interactive message,
  answered as Meta does: ``{"messaging_product", "contacts": [{"input", "wa_id"}], "messages": [{"id"}]}``
- ``GET /graph/<version>/<media_id>`` (Bearer): ``{url, mime_type, sha256, file_size, id, messaging_product}``
- ``GET /whatsapp/media/<media_id>`` (Bearer): the bytes (the ``url`` above)
- ``POST /whatsapp/media`` (raw bytes with their Content-Type): ``{"id": media_id}``, a citizen's photo
- ``GET /whatsapp/messages``: ``[{id, to, type, text?, template?, interactive?, sent_at}]`` oldest first
- ``POST /whatsapp/fail`` ``{"count": n, "code": 131026}``: the next n sends fail with Meta's error shape

Errors look like Meta's: ``{"error": {"message", "type", "code", "error_data", "fbtrace_id"}}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TEXT_MAX = 4096
MEDIA_MAX = 16 * 1024 * 1024
# HTTP status Meta answers with for an error code the tests ask for (POST /whatsapp/fail); else 400.
_STATUS_OF = {190: 401, 4: 429, 80007: 429, 130429: 429, 131048: 429, 131056: 429, 1: 500, 2: 503, 131000: 500}
_TITLES = {
    100: "Invalid parameter",
    190: "Invalid OAuth access token",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    132001: "Template name does not exist in the translation",
    130429: "Rate limit hit",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
    131000: "Something went wrong",
}

Response = tuple[int, bytes, str]  # (status, body, content type)
Headers = Mapping[str, str] | Message  # a dict in a test, http.server's headers when served


def _json(status: int, value: object) -> Response:
    return status, json.dumps(value, ensure_ascii=False).encode(), "application/json"


def meta_error(code: int, status: int | None = None, details: str = "") -> Response:
    """An error as the Graph API shapes it."""
    title = _TITLES.get(code, "Error")
    error: dict[str, object] = {
        "message": f"({code}) {title}",
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": secrets.token_urlsafe(12),
    }
    if details or code != 190:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details or title}
    return _json(status or _STATUS_OF.get(code, 400), {"error": error})


class GraphStandIn:
    """The state of the stand-in: messages sent, media held, failures asked for. Thread-safe."""

    def __init__(
        self,
        access_token: Callable[[], str],
        phone_number_id: Callable[[], str],
        approved_templates: Callable[[], Iterable[str] | None] = lambda: None,
    ):
        self._token = access_token
        self._phone_number_id = phone_number_id
        self._approved = approved_templates  # None: any template name is taken
        self._lock = threading.Lock()
        self.messages: list[dict] = []
        self.media: dict[str, tuple[bytes, str]] = {}
        self._failures: list[tuple[int, int | None]] = []  # (code, status) of the next sends

    # -- what a route does ------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: Headers, body: bytes) -> Response | None:
        """The answer to a request, or None when the path is not the stand-in's (the outbox serves it)."""
        parts = [p for p in path.split("?")[0].split("/") if p]
        if len(parts) >= 2 and parts[0] == "graph":
            if not self._authorized(headers):
                return meta_error(190, details="Invalid OAuth access token - Cannot parse access token")
            if method == "POST" and len(parts) == 4 and parts[3] == "messages":
                return self._send(parts[2], body)
            if method == "GET" and len(parts) == 3:
                return self._media_info(parts[2], headers.get("Host") or "127.0.0.1")
            return meta_error(100, details="Unsupported request")
        if parts[:1] != ["whatsapp"]:
            return None
        if method == "GET" and parts == ["whatsapp", "messages"]:
            with self._lock:
                return _json(200, list(self.messages))
        if method == "POST" and parts == ["whatsapp", "media"]:
            return self._upload(body, headers.get("Content-Type") or "application/octet-stream")
        if method == "GET" and len(parts) == 3 and parts[1] == "media":
            if not self._authorized(headers):
                return meta_error(190, details="Invalid OAuth access token - Cannot parse access token")
            with self._lock:
                found = self.media.get(parts[2])
            return (200, found[0], found[1]) if found else meta_error(100, 404, "media not found")
        if method == "POST" and parts == ["whatsapp", "fail"]:
            return self._fail(body)
        return None

    def _authorized(self, headers: Headers) -> bool:
        given = headers.get("Authorization") or ""
        expected = f"Bearer {self._token()}"
        return bool(self._token()) and hmac.compare_digest(given.encode(), expected.encode())

    def _send(self, phone_number_id: str, body: bytes) -> Response:
        if phone_number_id != self._phone_number_id():
            return meta_error(100, details=f"Object with ID '{phone_number_id}' does not exist")
        try:
            message = json.loads(body or b"{}")
        except ValueError:
            return meta_error(100, details="the body is not JSON")
        if not isinstance(message, dict) or message.get("messaging_product") != "whatsapp":
            return meta_error(100, details="messaging_product must be whatsapp")
        to = re.sub(r"\D", "", str(message.get("to") or ""))
        if not 8 <= len(to) <= 15:
            return meta_error(100, details="to must be a phone number with its country code")
        kind = message.get("type", "text")
        recorded: dict[str, object] = {"to": f"+{to}", "type": kind}
        if kind == "text":
            text = (message.get("text") or {}).get("body")
            if not isinstance(text, str) or not text.strip() or len(text) > TEXT_MAX:
                return meta_error(100, details=f"text.body must be 1 to {TEXT_MAX} characters")
            recorded["text"] = text
        elif kind == "template":
            template = message.get("template") or {}
            name, language = template.get("name"), (template.get("language") or {}).get("code")
            if not name or not language:
                return meta_error(100, details="template.name and template.language.code are required")
            approved = self._approved()
            if approved is not None and name not in set(approved):
                return meta_error(132001, details=f"template name ({name}) does not exist in {language}")
            parameters = [
                p.get("text")
                for component in template.get("components") or ()
                if component.get("type") == "body"
                for p in component.get("parameters") or ()
            ]
            recorded["template"] = {"name": name, "language": language, "parameters": parameters}
        elif kind == "interactive":
            recorded["interactive"] = message.get("interactive")
        else:
            return meta_error(100, details=f"type {kind} is not served by the stand-in")
        with self._lock:
            if self._failures:
                code, status = self._failures.pop(0)
                return meta_error(code, status)
            wamid = "wamid." + secrets.token_urlsafe(24)
            self.messages.append({"id": wamid, **recorded, "sent_at": datetime.now(UTC).isoformat()})
        return _json(
            200,
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": message.get("to"), "wa_id": to}],
                "messages": [{"id": wamid}],
            },
        )

    def _media_info(self, media_id: str, host: str) -> Response:
        with self._lock:
            found = self.media.get(media_id)
        if found is None:
            return meta_error(100, details=f"Object with ID '{media_id}' does not exist")
        data, mime_type = found
        return _json(
            200,
            {
                "messaging_product": "whatsapp",
                "url": f"http://{host}/whatsapp/media/{media_id}",
                "mime_type": mime_type,
                "sha256": hashlib.sha256(data).hexdigest(),
                "file_size": len(data),
                "id": media_id,
            },
        )

    def _upload(self, data: bytes, content_type: str) -> Response:
        if not data or len(data) > MEDIA_MAX:
            return meta_error(100, details="media must be 1 byte to 16 MB")
        media_id = str(secrets.randbelow(10**15) + 10**15)  # Meta's ids are long numbers
        with self._lock:
            self.media[media_id] = (data, content_type.split(";")[0].strip())
        return _json(200, {"id": media_id})

    def _fail(self, body: bytes) -> Response:
        try:
            asked = json.loads(body or b"{}")
            count, code = int(asked.get("count", 1)), int(asked.get("code", 131026))
            status = int(asked["status"]) if asked.get("status") is not None else None
        except (ValueError, TypeError, AttributeError):
            return _json(400, {"error": "expected {count, code, status?}"})
        with self._lock:
            self._failures.extend([(code, status)] * max(0, count))
            return _json(200, {"failing": len(self._failures)})


def serve(stand_in: GraphStandIn, port: int = 0, host: str = "127.0.0.1") -> ThreadingHTTPServer:
    """The stand-in alone on its own server (integration tests); the local stack serves it with its outbox."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = stand_in.handle(method, self.path, self.headers, body)
            status, data, kind = answer or (404, b'{"error": "not found"}', "application/json")
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 (http.server's naming)
            self._answer("GET")

        def do_POST(self):  # noqa: N802
            self._answer("POST")

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer((host, port), Handler)
