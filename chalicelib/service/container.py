"""``Services``: every port the use cases use, in one object (chalicelib/bootstrap.py builds it).

It names ports only (service/ports.py), never an adapter: which adapter stands behind each is bootstrap's
business, and tests put fakes in their place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from ..config import Settings
from ..domain.timestamps import utcnow
from .access import RevocationCache
from .ports import (
    AccountStatus,
    Directory,
    IdentityProvider,
    Metrics,
    Notifier,
    Open311Records,
    ReplyTemplates,
    Store,
    TokenVerifier,
    Uploads,
    WhatsAppApi,
    WhatsAppRecords,
    Workbooks,
    Workflow,
)


@dataclass
class Services:
    settings: Settings
    store: Store
    workflow: Workflow
    notifier: Notifier
    metrics: Metrics
    open311: Open311Records  # Open311's API keys and its reads of complaints
    identity: IdentityProvider | None = None
    verifier: TokenVerifier | None = None
    directory: Directory | None = None  # staff accounts, for admins
    account_status: AccountStatus | None = None
    uploads: Uploads | None = None  # None when ATTACHMENTS_BUCKET is not set: attachments answer 503
    workbooks: Workbooks | None = None  # the monthly report's XLSX (None: a caller that sends no report)
    now: Callable[[], datetime] = field(default=utcnow)
    # service/access.py: which accounts' tokens were revoked (closed, disabled), as this process last read
    revocations: RevocationCache = field(default_factory=RevocationCache)
    templates: ReplyTemplates | None = None  # reply templates (None: the console offers none, writes answer 503)
    whatsapp: WhatsAppApi | None = None  # the Cloud API (None: WHATSAPP_PHONE_NUMBER_ID unset, the channel is off)
    whatsapp_records: WhatsAppRecords | None = None  # conversations, message ids, threads
