"""The WhatsApp channel's secrets: the Graph API's access token, the app secret that signs webhook POSTs, and the
verify token of the webhook's handshake.

In the cloud they live in one Secrets Manager secret (``WHATSAPP_SECRET_ARN``, JSON with ``access_token``,
``app_secret`` and ``verify_token``), never in the template or the environment; the local stack and tests set
``WHATSAPP_ACCESS_TOKEN``, ``WHATSAPP_APP_SECRET`` and ``WHATSAPP_VERIFY_TOKEN`` instead, which win when set.

Read once per process and kept ``CACHE_SECONDS``: a rotated value reaches a warm Lambda within 5 minutes
(a new instance reads it at once). The boto3 client is made on the first read, so a cold start that serves no
WhatsApp request pays nothing for it (docs/performance.md).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..config import ConfigError, Settings

CACHE_SECONDS = 300.0
ENV_NAMES = {
    "access_token": "WHATSAPP_ACCESS_TOKEN",
    "app_secret": "WHATSAPP_APP_SECRET",
    "verify_token": "WHATSAPP_VERIFY_TOKEN",
}


@dataclass(frozen=True)
class WhatsAppSecrets:
    access_token: str
    app_secret: str
    verify_token: str

    def __repr__(self) -> str:  # a secret must not reach a log through a repr
        return "WhatsAppSecrets(***)"


_lock = threading.Lock()
_cached: tuple[float, WhatsAppSecrets] | None = None


def whatsapp_secrets(
    settings: Settings,
    env: Mapping[str, str] = os.environ,
    clock: Callable[[], float] = time.monotonic,
) -> WhatsAppSecrets:
    """The secrets, from the environment if set there, else from Secrets Manager; cached ``CACHE_SECONDS``."""
    global _cached
    with _lock:
        now = clock()
        if _cached is not None and now - _cached[0] < CACHE_SECONDS:
            return _cached[1]
        secrets = _read(settings, env)
        _cached = (now, secrets)
        return secrets


def forget() -> None:
    """Drop the cached secrets: the next call reads them again (a test; a rotation that cannot wait)."""
    global _cached
    with _lock:
        _cached = None


def _read(settings: Settings, env: Mapping[str, str]) -> WhatsAppSecrets:
    values: dict[str, Any] = {}
    if not all(env.get(name) for name in ENV_NAMES.values()) and settings.whatsapp_secret_arn:
        values = _from_secrets_manager(settings.whatsapp_secret_arn, settings.region)
    for key, name in ENV_NAMES.items():
        if env.get(name):
            values[key] = env[name]  # the environment wins (local stack, tests)
    missing = [key for key in ENV_NAMES if not isinstance(values.get(key), str) or not values[key]]
    if missing:
        raise ConfigError(
            f"WhatsApp secrets missing: {', '.join(missing)} (set WHATSAPP_SECRET_ARN, or the WHATSAPP_* variables)"
        )
    return WhatsAppSecrets(values["access_token"], values["app_secret"], values["verify_token"])


def _from_secrets_manager(secret_arn: str, region: str) -> dict[str, Any]:
    import boto3  # on use: only a WhatsApp request or send pays for the client

    response = boto3.client("secretsmanager", region_name=region).get_secret_value(SecretId=secret_arn)
    try:
        values = json.loads(response["SecretString"])
    except (KeyError, ValueError):
        raise ConfigError("the WhatsApp secret must be JSON: access_token, app_secret, verify_token") from None
    if not isinstance(values, dict):
        raise ConfigError("the WhatsApp secret must be a JSON object")
    return values
