"""What one Lambda process holds for all its requests and events: its Services, built on first use, and
its logger. Routes and consumers read both from here, so a test that rebuilds the Services clears one cache."""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import TypeVar

from aws_lambda_powertools import Logger

from ..bootstrap import build_services
from ..config import settings
from ..domain.errors import Unavailable
from ..service.container import Services

T = TypeVar("T")

# Powertools logs (JSON, one line each); Chalice would add a second, plain handler to the same logger,
# writing every line twice (twice the CloudWatch Logs ingestion: bench/lifecycle.py measured it), so the
# app is made with configure_logs=False.
logger = Logger(service="aspirasi-kaltim")
# Nor again through the root logger's handler (Lambda's runtime installs one), as Chalice's setup prevented.
logging.getLogger(logger.service).propagate = False


@lru_cache(maxsize=1)
def services() -> Services:
    """The process's Services, from its settings (tests clear the cache to build them again)."""
    return build_services(settings())


def configured(part: T | None, what: str) -> T:
    """A part of the services a deployment may leave out (Cognito, the attachments bucket): 503 without it."""
    if part is None:
        raise Unavailable(f"{what} is not configured")
    return part
