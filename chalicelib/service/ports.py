"""The ports the use cases need, and the container that wires real adapters to them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from ..config import Settings

if TYPE_CHECKING:  # for the annotations only: the adapters are imported when the services are built
    from ..adapters.open311_store import Open311Store
    from ..adapters.store import Store
    from .access import RevocationCache
    from .accounts import IdentityProvider
    from .members import Directory


class Workflow(Protocol):
    def start(self, complaint_id: str, execution_input: dict) -> bool: ...

    def complete(self, task_token: str, output: dict) -> bool: ...


class EmailRejected(Exception):
    """The mail service refused this message for good (bad or suppressed address, unverified sender).

    Retrying cannot help, so the workflow goes on without it; the EmailsRejected metric and alarm
    tell ops. Transient failures (throttling, outages) raise anything else and are retried.
    """


class EmailOutcomeUnknown(Exception):
    """The mail service may or may not have taken the message: the request went out and no answer came
    back (a read timeout, a connection closed mid-answer). Nobody can tell which; service/stages.py
    ``_send_once`` decides what follows. A failure before the request left (no connection) is not this."""


@dataclass(frozen=True)
class SentEmail:
    message_id: str
    subject: str


class Notifier(Protocol):
    def send(
        self, to: Sequence[str], template: str, context: dict, attachments: Sequence[tuple[str, str, bytes]] = ()
    ) -> SentEmail:
        """``attachments``: (filename, content type, bytes) each."""
        ...


class TokenVerifier(Protocol):
    def verify(self, token: str) -> dict:
        """The claims of a valid ID token; raises Unauthorized otherwise."""
        ...


class AccountStatus(Protocol):
    def enabled(self, username: str) -> bool:
        """Whether the staff account may still act (a disabled member's token must stop working)."""
        ...

    def forget(self) -> None: ...


class Uploads(Protocol):
    """Attachment files in object storage (adapters.uploads.S3Uploads)."""

    @property
    def origin(self) -> str:
        """Where browsers send uploads: the page's Content-Security-Policy allows it."""
        ...

    def presigned_post(self, key: str, content_type: str, max_bytes: int) -> dict: ...

    def download_url(self, key: str, filename: str, content_type: str, original_name: str | None = None) -> str: ...

    def head(self, key: str) -> dict | None: ...

    def first_bytes(self, key: str, count: int, etag: str | None = None) -> bytes | None: ...

    def keep(self, key: str, data: bytes, content_type: str, source_etag: str) -> dict: ...

    def discard_upload(self, key: str) -> None: ...

    def delete(self, key: str) -> None:
        """Every copy of the attachment uploaded at ``key`` (erasure: nothing of the file may remain)."""
        ...


class Metrics(Protocol):
    def count(
        self, name: str, value: float = 1, unit: str = "Count", dimensions: dict[str, str] | None = None
    ) -> None: ...


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """One timestamp format everywhere, so stored strings sort as time."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


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


def build_services(settings: Settings) -> Services:
    """Wire the AWS adapters; clients are created on first use."""
    from ..adapters.cognito import CognitoDirectory, CognitoIdentity, JwtVerifier, StaffAccountStatus
    from ..adapters.metrics import PowertoolsMetrics
    from ..adapters.open311_store import Open311Store
    from ..adapters.ses import SesNotifier
    from ..adapters.store import Store
    from ..adapters.uploads import S3Uploads
    from ..adapters.workflow import StepFunctionsWorkflow

    return Services(
        settings=settings,
        store=Store(),
        workflow=StepFunctionsWorkflow(settings.state_machine_arn, settings.region),
        notifier=SesNotifier(settings.email_from, settings.region, settings.ses_configuration_set),
        metrics=PowertoolsMetrics(),
        identity=CognitoIdentity(
            settings.region,
            settings.cognito_user_pool_id,
            settings.cognito_client_id,
            auto_confirm=settings.auto_confirm_signup,
        ),
        verifier=JwtVerifier(
            settings.region,
            settings.cognito_user_pool_id,
            settings.cognito_client_id,
            settings.cognito_jwks_url or None,
        ),
        directory=CognitoDirectory(settings.region, settings.cognito_user_pool_id),
        account_status=StaffAccountStatus(settings.region, settings.cognito_user_pool_id),
        uploads=S3Uploads(settings.attachments_bucket, settings.region) if settings.attachments_bucket else None,
        open311=Open311Store(),
    )
