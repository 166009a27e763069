"""The WhatsApp Business Cloud API (Meta's Graph API) over HTTPS: messages out, citizens' photos in.

One ``requests`` session, made on first use (a cold start that sends nothing imports nothing), with short
timeouts: a Lambda must not wait on Meta for long. Nothing here logs the token, a phone number or a text.

How a failure is told (service/ports.py WhatsAppApi): Meta refusing this message for good (an error code of
PERMANENT, any 132xxx template error) raises MessageRejected, the case goes on without it; a read timeout or a
connection lost after the request went out raises EmailOutcomeUnknown (Meta may have taken it); throttling,
5xx, an expired token and anything else raise GraphApiError, and the message is tried again.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ..service.ports import EmailOutcomeUnknown, MessageRejected, Missing

CONNECT_TIMEOUT = 3.0  # seconds
READ_TIMEOUT = 10.0
# Meta's error codes that say "never this message": retrying cannot help (developers.facebook.com/docs/
# whatsapp/cloud-api/support/error-codes). 100: invalid parameter; 131008/131009: a parameter missing or
# invalid; 131021: recipient is the sender; 131026: undeliverable (not on WhatsApp, old app, terms not
# accepted); 131030: not on the test number's allowed list; 131047: free text outside the 24-hour window;
# 131049/131050: Meta chose not to deliver, the user stopped such messages; 131051: unsupported type;
# 133010: the business number is not registered; 470: the old code of 131047.
PERMANENT = frozenset({100, 470, 131008, 131009, 131021, 131026, 131030, 131047, 131049, 131050, 131051, 133010})
# Throttling: the business number's or the pair's rate, or the app's call rate. Retried, never rejected.
THROTTLED = frozenset({4, 80007, 130429, 131048, 131056, 132069})
_DIGITS = re.compile(r"\D")


class GraphApiError(RuntimeError):
    """A failure worth retrying (throttled, Meta's outage, our token refused until it is fixed)."""

    def __init__(self, status: int, code: int | None):
        super().__init__(f"Graph API answered HTTP {status}, error code {code}")
        self.status = status
        self.code = code


def _error_code(response: Any) -> int | None:
    try:
        code = response.json().get("error", {}).get("code")
    except (ValueError, AttributeError):
        return None
    return code if isinstance(code, int) else None


def is_permanent(status: int, code: int | None) -> bool:
    """Whether Meta's answer refuses the message for good: a 4xx with a permanent code (never a throttle)."""
    if status == 429 or status >= 500 or code is None or code in THROTTLED:
        return False
    return 400 <= status < 500 and (code in PERMANENT or 132000 <= code <= 132999)


class GraphApi:
    """``service.ports.WhatsAppApi`` against ``{api_url}/{phone_number_id}/messages`` and ``{api_url}/{media_id}``."""

    def __init__(self, api_url: str, phone_number_id: str, access_token: Callable[[], str]):
        self.api_url = api_url.rstrip("/")
        self.phone_number_id = phone_number_id
        self._token = access_token  # called per request: a rotated token is picked up (adapters/secrets.py)
        self._session: Any = None
        self._lock = threading.Lock()

    def _http(self) -> Any:
        with self._lock:
            if self._session is None:
                import requests  # on use (tests/unit/test_cold_start_imports.py)

                self._session = requests.Session()  # no automatic retries: a resend could send twice
            return self._session

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token()}"}

    # -- sending ----------------------------------------------------------------------------------------------
    def send_text(self, to: str, text: str) -> str:
        return self._send(to, {"type": "text", "text": {"body": text, "preview_url": False}})

    def send_template(self, to: str, name: str, language: str, parameters: Sequence[str]) -> str:
        template: dict[str, Any] = {"name": name, "language": {"code": language}}
        if parameters:
            template["components"] = [
                {"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in parameters]}
            ]
        return self._send(to, {"type": "template", "template": template})

    def _send(self, to: str, message: dict[str, Any]) -> str:
        import requests

        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": _DIGITS.sub("", to), **message}
        url = f"{self.api_url}/{self.phone_number_id}/messages"
        try:
            response = self._http().post(
                url, json=body, headers=self._headers(), timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
            )
        except requests.exceptions.ReadTimeout as error:
            raise EmailOutcomeUnknown("ReadTimeout") from error  # the request went out: Meta may have taken it
        except requests.exceptions.ConnectionError as error:
            if _lost_mid_answer(error):
                raise EmailOutcomeUnknown("ConnectionLost") from error
            raise GraphApiError(0, None) from error  # no connection: nothing was sent
        if response.status_code >= 300:
            code = _error_code(response)
            if is_permanent(response.status_code, code):
                raise MessageRejected(f"WhatsApp{code}")
            raise GraphApiError(response.status_code, code)
        try:
            return str(response.json()["messages"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            raise EmailOutcomeUnknown("an answer without a message id") from None

    # -- media ------------------------------------------------------------------------------------------------
    def media(self, media_id: str) -> tuple[bytes, str]:
        """Two requests, as Meta's media API wants: the media's URL (short-lived), then its bytes."""
        if not media_id or "/" in media_id or media_id in (".", ".."):
            raise Missing("media")
        timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
        found = self._http().get(f"{self.api_url}/{media_id}", headers=self._headers(), timeout=timeout)
        self._check_media(found)
        about = found.json()
        url, mime_type = about.get("url"), about.get("mime_type")
        # The token goes only over HTTPS (plain HTTP only when the API itself is: the local stand-in).
        schemes = ("https://", "http://") if self.api_url.startswith("http://") else ("https://",)
        if not isinstance(url, str) or not url.startswith(schemes):
            raise GraphApiError(found.status_code, None)
        data = self._http().get(url, headers=self._headers(), timeout=timeout)
        self._check_media(data)
        kind = mime_type or data.headers.get("Content-Type", "application/octet-stream")
        return data.content, str(kind).split(";")[0].strip()

    @staticmethod
    def _check_media(response: Any) -> None:
        status, code = response.status_code, _error_code(response) if response.status_code >= 300 else None
        if status == 404 or (status == 400 and code == 100):  # gone (Meta keeps media 30 days) or never was
            raise Missing("media")
        if status >= 300:
            raise GraphApiError(status, code)


def _lost_mid_answer(error: Exception) -> bool:
    """A connection closed after the request was written (urllib3's ProtocolError), not one never made."""
    from urllib3.exceptions import ProtocolError

    reason = error.args[0] if error.args else None
    return isinstance(reason, ProtocolError)
