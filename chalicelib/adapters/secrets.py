"""PROVISIONAL (helper wa-hook, so the webhook's tests run before the merge): helper wa-out writes the real
module (Secrets Manager behind WHATSAPP_SECRET_ARN, cached, env vars winning). At merge, wa-out's file wins."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class WhatsAppSecrets:
    access_token: str
    app_secret: str
    verify_token: str


def whatsapp_secrets(settings: Any = None) -> WhatsAppSecrets:
    """The channel's secrets from the environment (the local stack and tests set them)."""
    env = os.environ
    return WhatsAppSecrets(
        env.get("WHATSAPP_ACCESS_TOKEN", ""), env.get("WHATSAPP_APP_SECRET", ""), env.get("WHATSAPP_VERIFY_TOKEN", "")
    )
