"""``Services``: every port the use cases use, in one object (chalicelib/bootstrap.py builds it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..config import Settings
from ..domain.timestamps import utcnow
from .ports import AccountStatus, Metrics, Notifier, TokenVerifier, Uploads, Workflow

if TYPE_CHECKING:  # for the annotations only: the adapters are imported when the services are built
    from ..adapters.open311_store import Open311Store
    from ..adapters.store import Store
    from .access import RevocationCache
    from .accounts import IdentityProvider
    from .members import Directory


def _revocation_cache() -> RevocationCache:
    from .access import RevocationCache

    return RevocationCache()


def _open311_store() -> Open311Store:
    from ..adapters.open311_store import Open311Store  # imported on use, as the other adapters

    return Open311Store()


@dataclass
class Services:
    settings: Settings
    store: Store
    workflow: Workflow
    notifier: Notifier
    metrics: Metrics
    identity: IdentityProvider | None = None
    verifier: TokenVerifier | None = None
    directory: Directory | None = None  # staff accounts, for admins
    account_status: AccountStatus | None = None
    uploads: Uploads | None = None  # None when ATTACHMENTS_BUCKET is not set: attachments answer 503
    # adapters.open311_store: Open311's API keys, counters, searches (stateless: always there)
    open311: Open311Store = field(default_factory=_open311_store)
    now: Callable[[], datetime] = field(default=utcnow)
    # service/access.py: which accounts' tokens were revoked (closed, disabled), as this process last read
    revocations: RevocationCache = field(default_factory=_revocation_cache)
