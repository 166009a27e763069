"""The DynamoDB tables, declared once as PynamoDB models.

The local stack creates tables from these models and the CDK stack derives its
table definitions from them: they are the single source of truth for keys and
indexes. Every access path is a key or an index query.
"""

from __future__ import annotations

import os
import threading

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.connection import Connection, TableConnection
from pynamodb.constants import STREAM_NEW_AND_OLD_IMAGE
from pynamodb.exceptions import TableError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from ..config import TABLE_PREFIX
from ..config import table_name as config_table_name

PREFIX = TABLE_PREFIX  # what the deployment calls the tables: chalicelib/config.py
REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "ap-southeast-3"


def _meta(name: str, stream: bool = False):
    class Meta:
        suffix = name  # the deployment prefixes it: "{TABLE_PREFIX}-{suffix}"
        table_name = config_table_name(name)
        region = REGION
        billing_mode = "PAY_PER_REQUEST"
        if stream:  # its changes hand decisions to the state machine (service/delivery.py, app.on_change)
            stream_view_type = STREAM_NEW_AND_OLD_IMAGE

    return Meta


# What PynamoDB builds a Connection (its botocore client) from: models alike in these share one.
_CONNECTION_SETTINGS = (
    "region",
    "host",
    "connect_timeout_seconds",
    "read_timeout_seconds",
    "max_retry_attempts",
    "max_pool_connections",
    "extra_headers",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
)
_connections: dict[str, Connection] = {}
_connections_lock = threading.Lock()
_generation = 0  # reset_connections() counts up: a model whose connection is older makes a new one


class SharedConnectionModel(Model):
    """A PynamoDB model whose connection is shared with every other model of the same settings.

    PynamoDB gives each model a ``TableConnection`` with a ``Connection`` of its own, and each
    ``Connection`` makes its own botocore session and DynamoDB client on first use: 40-90 ms and
    about 10 MiB each, paid again for every table a cold Lambda touches (bench/cold_start.py; issue 12).
    Here PynamoDB still builds the model's ``TableConnection`` (cheap: no session or client until a
    call), then it is pointed at the one ``Connection`` of those settings (``_CONNECTION_SETTINGS``:
    ``Meta.region``, ``Meta.host``...), which learns this table's schema. That ``Connection`` is what
    PynamoDB's is: a botocore session per thread to make the client, one client used by all threads
    (botocore clients are thread-safe); the endpoint is botocore's (``AWS_ENDPOINT_URL`` included),
    resolved when the client is made. A lock covers the lookup, so no thread sees a model's
    connection before it is the shared one.

    ``reset_connections()`` forgets them all (tests, for each moto mock). Setting a model's
    ``_connection`` to None, as one would with PynamoDB's own, only makes it join the shared one again.
    """

    _connections_generation = -1

    @classmethod
    def _get_connection(cls) -> TableConnection:
        with _connections_lock:
            table = cls._connection
            if table is None or table.table_name != cls.Meta.table_name or cls._connections_generation != _generation:
                cls._connection = None
                cls._connections_generation = _generation
                table = super()._get_connection()  # sets cls._connection
                key = repr([getattr(cls.Meta, name, None) for name in _CONNECTION_SETTINGS])
                shared = _connections.setdefault(key, table.connection)
                try:
                    shared.get_meta_table(table.table_name)
                except TableError:  # a table it does not know yet
                    shared.add_meta_table(table.get_meta_table())
                table.connection = shared
            return table


def reset_connections() -> None:
    """Forget every model's connection and the shared ones: the next call makes a new client, with the
    endpoint, credentials and botocore hooks of that moment (tests do this for each moto mock). Any
    model, listed in MODELS or not: each sees the count go up."""
    global _generation
    with _connections_lock:
        _generation += 1
        _connections.clear()
        for model in MODELS:
            model._connection = None


class CitizenIndex(GlobalSecondaryIndex):
    """A citizen's complaints, newest first."""

    class Meta:
        index_name = "by-citizen"
        projection = AllProjection()

    citizen_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class MonthIndex(GlobalSecondaryIndex):
    """Every complaint by the month it arrived, then by time: the public Open311 search (by date).

    ``created_month`` is ``created_at[:7]`` (``2026-11``, UTC). A date range is read as one query per
    month it touches, each with ``created_at BETWEEN start AND end`` as the key condition: a 90-day
    search reads at most 4 (rarely 5) partitions and only the items in the range, newest first, and
    stops at the page it needs -- never a scan, and the same work at 1,000 or 1,000,000 complaints a
    year. A partition takes one month of writes: at a million complaints a year that is about one
    every 30 seconds, far under a partition's limit, so the key needs no sharding. Complaints stored
    before this attribute existed are not in the (sparse) index.
    """

    class Meta:
        index_name = "by-month"
        projection = AllProjection()

    created_month = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ComplaintModel(SharedConnectionModel):
    Meta = _meta("complaints", stream=True)

    id = UnicodeAttribute(hash_key=True)
    tracking_number = UnicodeAttribute()
    citizen_id = UnicodeAttribute(null=True)  # the Cognito "sub"; none for a complaint staff entered
    citizen_email = UnicodeAttribute(null=True)  # where the reporter's emails go (optional off the web)
    citizen_name = UnicodeAttribute(null=True)
    citizen_phone = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(default="web")  # web, or how staff received it (phone, walk_in, ...)
    external_ref = UnicodeAttribute(null=True)  # e.g. the SP4N-LAPOR! tracking ID
    entered_by = UnicodeAttribute(null=True)  # the operator who entered it (email)
    created_at = UnicodeAttribute()  # ISO 8601 UTC, sorts as time
    updated_at = UnicodeAttribute()
    category = UnicodeAttribute()
    subcategory = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    location = UnicodeAttribute(null=True)
    anonymous = BooleanAttribute(default=False)
    confidential = BooleanAttribute(default=False)
    status = UnicodeAttribute()
    stage = UnicodeAttribute(null=True)
    step = NumberAttribute(default=0)
    due_at = UnicodeAttribute(null=True)
    overdue = BooleanAttribute(default=False)
    kind = UnicodeAttribute(null=True)
    opd = UnicodeAttribute(null=True)
    routed_opds = UnicodeSetAttribute(null=True)  # every agency the case was ever routed to (who may see it)
    opd_response = UnicodeAttribute(null=True)
    reply = UnicodeAttribute(null=True)
    close_reason = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    request_fingerprint = UnicodeAttribute(null=True)  # for Idempotency-Key replays
    notified = UnicodeSetAttribute(null=True)  # citizen emails sent: "received", "reply", "rejected"
    # The whole SOP's target (section E: 2 days), paused time excluded; judged at the first reply.
    sop_due_at = UnicodeAttribute(null=True)
    paused_seconds = NumberAttribute(default=0)  # business seconds spent waiting for the citizen
    sop_outcome = UnicodeAttribute(null=True)  # "met" or "breached", set once at the first reply
    # A stage asked the citizen: {"question", "asked_at", "step", "stage"} until they answer.
    pending_question = JSONAttribute(null=True)
    duplicate_of = UnicodeAttribute(null=True)  # tracking number of the case that carries on
    # After the reply: the feedback window, reopening (at most sop.MAX_REOPENS) and the rating.
    feedback_ends_at = UnicodeAttribute(null=True)
    feedback_token = UnicodeAttribute(null=True)  # the state machine's wait for a reopen
    feedback_token_sent_at = UnicodeAttribute(null=True)
    reopens = NumberAttribute(default=0)
    reopen_pending = BooleanAttribute(default=False)  # reopened, the new round not yet entered
    reopen_reason = UnicodeAttribute(null=True)
    rating = JSONAttribute(null=True)  # {"score", "comment", "at"}; once per case
    attachment_count = NumberAttribute(default=0)  # attachments reserved (pending or accepted)
    created_month = UnicodeAttribute(null=True)  # created_at[:7], the partition of MonthIndex
    # The reporter was told the report's text may be read by the public (the web form and Open311
    # clients say so) and did not keep it confidential. Only then do public reads show the text.
    public = BooleanAttribute(null=True)
    # Where exactly and a picture, as an Open311 client sends them (WGS84 degrees; a URL elsewhere).
    latitude = NumberAttribute(null=True)
    longitude = NumberAttribute(null=True)
    media_url = UnicodeAttribute(null=True)
    # An Open311 client's own ids for the reporter's device and account: kept, never shown publicly.
    device_id = UnicodeAttribute(null=True)
    account_id = UnicodeAttribute(null=True)
    # The reporter closed their account (UU PDP): their personal fields were erased then (service/privacy.py).
    personal_data_erased_at = UnicodeAttribute(null=True)

    by_citizen = CitizenIndex()
    by_month = MonthIndex()


class TrackingNumberModel(SharedConnectionModel):
    """Reserves a tracking number (uniqueness by conditional put) and finds its complaint."""

    Meta = _meta("tracking-numbers")

    tracking_number = UnicodeAttribute(hash_key=True)
    complaint_id = UnicodeAttribute()


class CaseRouteModel(SharedConnectionModel):
    """Every agency a case was ever routed to, newest case first: an agency's case list (service/case_list.py).

    Written (a put, the same item each time) in the transaction that routes the case (``record_decision``),
    so an agency's list is a query of its own partition, whatever the case did afterwards (answered,
    closed, rerouted to another agency). ``sort`` is ``<created_at>#<complaint_id>`` (unique, sorts as time).
    """

    Meta = _meta("case-routes")

    opd = UnicodeAttribute(hash_key=True)
    sort = UnicodeAttribute(range_key=True)
    complaint_id = UnicodeAttribute()


class QueueIndex(GlobalSecondaryIndex):
    """Open work items of one team (``role#operator``, ``opd#DINKES``) by due time.

    Sparse: ``queue`` is removed when the item is decided.
    """

    class Meta:
        index_name = "by-queue"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class WorkItemModel(SharedConnectionModel):
    """One visit of a human stage. Holds the current task token server-side."""

    Meta = _meta("work-items", stream=True)

    complaint_id = UnicodeAttribute(hash_key=True)
    step = NumberAttribute(range_key=True)
    stage = UnicodeAttribute()
    role = UnicodeAttribute()
    opd = UnicodeAttribute(null=True)
    queue = UnicodeAttribute(null=True)
    # Copied from the complaint when the visit opens, so a queue page needs no second read.
    tracking_number = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(null=True)  # and when the case was received: what the report counts by
    received_at = UnicodeAttribute(null=True)
    entered_at = UnicodeAttribute()
    remind_at = UnicodeAttribute()
    due_at = UnicodeAttribute()
    task_token = UnicodeAttribute(null=True)
    token_sent_at = UnicodeAttribute(null=True)  # when the state machine sent that token: newest wins
    assigned_notified = BooleanAttribute(default=False)
    reminded_at = UnicodeAttribute(null=True)
    escalations = NumberAttribute(default=0)
    last_tick = UnicodeAttribute(null=True)  # marks the timer message last acted on
    last_tick_at = UnicodeAttribute(null=True)  # when the state machine sent it: an older tick never acts after it
    last_tick_action = UnicodeAttribute(null=True)  # what that tick did ("remind", "escalate"): its emails
    overdue = BooleanAttribute(default=False)
    decision = JSONAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    sla_outcome = UnicodeAttribute(null=True)  # "met" or "breached"
    business_minutes = NumberAttribute(null=True)
    # A visit that resumes a stage after the citizen answered: business time used before the pause,
    # and what the team needs to know (the question and answer, or a reopening's reason).
    carried_seconds = NumberAttribute(default=0)
    # Opened by a state machine that routes questions and duplicates (executions started before
    # it route them to UnknownOutcome, so their visits are not offered those decisions).
    followups = BooleanAttribute(default=False)
    context = JSONAttribute(null=True)
    # A visit that asked the citizen (decision "request_information"): the wait for their answer.
    question = UnicodeAttribute(null=True)
    answer = UnicodeAttribute(null=True)
    answered_at = UnicodeAttribute(null=True)
    answered_by = UnicodeAttribute(null=True)
    info_remind_at = UnicodeAttribute(null=True)
    info_expires_at = UnicodeAttribute(null=True)
    info_reminded_at = UnicodeAttribute(null=True)
    info_expired_at = UnicodeAttribute(null=True)
    answer_token = UnicodeAttribute(null=True)
    answer_token_sent_at = UnicodeAttribute(null=True)

    by_queue = QueueIndex()


class LinkModel(SharedConnectionModel):
    """An emailed action link. Only the SHA-256 of the token is stored."""

    Meta = _meta("action-links")

    token_hash = UnicodeAttribute(hash_key=True)
    complaint_id = UnicodeAttribute()
    step = NumberAttribute()
    role = UnicodeAttribute()
    expires_at = UnicodeAttribute()
    used_at = UnicodeAttribute(null=True)
    ttl = TTLAttribute(null=True)  # DynamoDB removes the record a while after expiry


class AuditModel(SharedConnectionModel):
    """Append-only trail: every entry is a conditional put of a new key."""

    Meta = _meta("audit")

    complaint_id = UnicodeAttribute(hash_key=True)
    seq = UnicodeAttribute(range_key=True)  # "<ISO time>#<random>": sorts as time
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    action = UnicodeAttribute()
    stage = UnicodeAttribute(null=True)
    details = JSONAttribute(null=True)


class AttachmentModel(SharedConnectionModel):
    """A photo or document a citizen attached to a complaint (the file itself is in S3).

    Its slot on the complaint (``attachment_count``) is reserved when the upload is requested and
    freed again if the upload is rejected; the object's type is checked from its bytes when it lands.
    """

    Meta = _meta("attachments")

    complaint_id = UnicodeAttribute(hash_key=True)
    attachment_id = UnicodeAttribute(range_key=True)  # time-ordered: 12 hex digits of ms, 12 random
    filename = UnicodeAttribute()  # cleaned: no path, no control characters
    content_type = UnicodeAttribute()  # as declared by the browser (the upload policy requires it)
    size = NumberAttribute()  # bytes: declared, then what landed
    status = UnicodeAttribute()  # pending | accepted | rejected (domain/files.py)
    s3_key = UnicodeAttribute()  # attachments/{complaint_id}/{attachment_id}
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute(null=True)  # the audit's actor: citizen:<sub>
    checked_at = UnicodeAttribute(null=True)
    detected_type = UnicodeAttribute(null=True)  # what the bytes are (the ``filetype`` library)
    etag = UnicodeAttribute(null=True)  # of the object accepted: a later overwrite is checked again
    reject_reason = UnicodeAttribute(null=True)
    # DynamoDB removes the record a month after the bucket's lifecycle rule removed the file (RETENTION_DAYS):
    # its name may name a person, and nothing is left to show (docs/privacy.md).
    ttl = TTLAttribute(null=True)


class ReportModel(SharedConnectionModel):
    """Running totals of the SLA report (chalicelib/domain/report.py): one item per period and row.

    ``period`` is a day or a month in WITA (``D#2026-11-28``, ``M#2026-11``); ``row`` what is counted
    (``total``, ``stage#intake``, ``opd#DINKES``, ``channel#web``, ``category#kesehatan``). The counters
    themselves (``c_received``, ``v_done``, ``vh57``...) are named by the domain and added to in the
    same transaction as the event they count, so none is declared here. The partition ``emails``
    holds the claims of the monthly report emails (``monthly#2026-11``).
    """

    Meta = _meta("report-totals")

    period = UnicodeAttribute(hash_key=True)
    row = UnicodeAttribute(range_key=True)
    claimed_at = UnicodeAttribute(null=True)  # a monthly email: claimed (being sent), then sent
    sent_at = UnicodeAttribute(null=True)


class ApiKeyModel(SharedConnectionModel):
    """An Open311 client's API key (service/api_keys.py). Only the SHA-256 of the key is stored.

    One partition per API (``api`` = ``open311``) holds its few keys, sorted by id: a key is found
    with a consistent GetItem, the admins' list is one Query.
    """

    Meta = _meta("api-keys")

    api = UnicodeAttribute(hash_key=True)
    key_id = UnicodeAttribute(range_key=True)  # public: part of the key, named in the console and logs
    key_hash = UnicodeAttribute()
    organisation = UnicodeAttribute()
    organisation_key = UnicodeAttribute()  # the name folded: one active key per organisation
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    last_used_at = UnicodeAttribute(null=True)  # to the minute: the first request of the newest minute used
    revoked_at = UnicodeAttribute(null=True)
    revoked_by = UnicodeAttribute(null=True)


class ApiOrganisationModel(SharedConnectionModel):
    """Reserves an organisation's one active key (conditional put, removed when the key is revoked)."""

    Meta = _meta("api-key-organisations")

    organisation_key = UnicodeAttribute(hash_key=True)
    key_id = UnicodeAttribute()


class RateCounterModel(SharedConnectionModel):
    """Hits of one subject in one window (adapters/rate_counters.py): requests of an API key in a minute
    (``open311#<key id>#2026-11-28T20:09``, counted in ``hits``) or a citizen's new complaints in an hour
    (``submit#<SHA-256 of the sub>#2026-11-28T20:00``, their ids in ``members``, so a retry of the same complaint is not
    counted twice). An atomic, conditional ADD admits a hit while the count is under the limit.
    DynamoDB removes the item after its TTL."""

    Meta = _meta("rate-counters")

    counter = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute(default=0)
    members = UnicodeSetAttribute(null=True)
    ttl = TTLAttribute(null=True)


class EmailModel(SharedConnectionModel):
    """One email a case causes, under a key derived from what caused it (``received``, ``assigned-3``,
    ``reminder-3-<tick mark>``...): claimed with a lease before it is sent, marked sent once.

    A claim whose sender died (the lease ran out, nothing marked) is claimed again by the message's
    redelivery, so the email goes out later; a marked one is never sent again (service/workflow/
    outbox.py ``send_once``). No body is kept: the recipients and the subject serve the audit and the
    citizen's data export.
    """

    Meta = _meta("emails")

    complaint_id = UnicodeAttribute(hash_key=True)
    email_key = UnicodeAttribute(range_key=True)
    lease_until = UnicodeAttribute(null=True)  # ISO time: claimed (being sent) until then
    attempts = NumberAttribute(default=0)  # claims so far
    sent_at = UnicodeAttribute(null=True)
    ses_message_id = UnicodeAttribute(null=True)
    rejected = UnicodeAttribute(null=True)  # SES refused it for good (its error code): done, never sent
    template = UnicodeAttribute(null=True)
    # PynamoDB's stubs type a list "of" UnicodeAttribute as a list of attributes; it holds str
    to: ListAttribute[str] = ListAttribute(of=UnicodeAttribute, null=True)  # type: ignore[arg-type]
    subject = UnicodeAttribute(null=True)


class RevocationModel(SharedConnectionModel):
    """The ID tokens of an account that was closed or disabled: every token issued at or before
    ``revoked_at`` is refused (service/access.py), at once in the submission's own transaction.

    ID tokens are verified offline and live an hour; Cognito cannot take back one it issued. The key is
    a SHA-256 of the account's ``sub`` (domain/privacy.subject_key), so an erased person's id is not kept
    here either; DynamoDB removes the item after its TTL, once every token it refuses has expired.
    """

    Meta = _meta("revocations")

    subject = UnicodeAttribute(hash_key=True)
    revoked_at = NumberAttribute()  # epoch seconds: a token whose ``iat`` is not later is refused
    reason = UnicodeAttribute()  # "closed" (the citizen erased their account) or "disabled" (a member)
    ttl = TTLAttribute(null=True)


class ReplyTemplateModel(SharedConnectionModel):
    """A reply template (domain/reply_templates.py): text staff reuse per stage and category, with
    placeholders filled for the case. One partition (``scope`` = ``reply``) holds the few there are (at most
    ``MAX_TEMPLATES``), so listing them is one Query, never a Scan."""

    Meta = _meta("reply-templates")

    scope = UnicodeAttribute(hash_key=True)
    id = UnicodeAttribute(range_key=True)  # 16 random hex digits
    name = UnicodeAttribute()
    stage = UnicodeAttribute()  # opd_response, review, reply or request_information
    category = UnicodeAttribute(null=True)  # a catalog category; none: every category
    text = UnicodeAttribute()
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()  # the member's email (who to ask about it)
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


class WhatsAppModel(SharedConnectionModel):
    """What the WhatsApp channel keeps (adapters/whatsapp_store.py), one table of several item kinds:

    - ``phone#<E164>`` / ``conversation``: the report being written (``dialogue``, JSON or null), ``version``
      (optimistic locking), ``last_inbound_at``; expires 24 hours after the phone's last message.
    - ``phone#<E164>`` / ``awaiting``: what a case waits for from the phone (``kind``, ``complaint_id``,
      ``tracking_number``, ``until``).
    - ``message#<wamid>`` / ``in``: a citizen's message handled (``phone``, ``at``); kept 8 days, Meta retries a day.
    - ``message#<wamid>`` / ``out``: a message we sent: where its thread entry is (``complaint_id``, ``entry``).
    - ``case#<complaint_id>`` / ``<ISO at>#<wamid>``: a case's WhatsApp thread (``direction``, ``text``,
      ``kind``, ``status``, ``status_at``), oldest first.
    """

    Meta = _meta("whatsapp")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    dialogue = JSONAttribute(null=True)
    version = NumberAttribute(null=True)
    last_inbound_at = UnicodeAttribute(null=True)
    kind = UnicodeAttribute(null=True)
    complaint_id = UnicodeAttribute(null=True)
    tracking_number = UnicodeAttribute(null=True)
    until = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    at = UnicodeAttribute(null=True)
    entry = UnicodeAttribute(null=True)
    direction = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    status_at = UnicodeAttribute(null=True)
    status_rank = NumberAttribute(null=True)
    expires_at = TTLAttribute(null=True)  # DynamoDB removes the item a while after it


MODELS: tuple[type[Model], ...] = (
    ComplaintModel,
    TrackingNumberModel,
    WorkItemModel,
    LinkModel,
    AuditModel,
    AttachmentModel,
    ReportModel,
    ApiKeyModel,
    ApiOrganisationModel,
    RateCounterModel,
    EmailModel,
    RevocationModel,
    CaseRouteModel,
    ReplyTemplateModel,
    WhatsAppModel,
)
# Attributes DynamoDB's TTL is switched on for, per model.
TTL_ATTRIBUTES = {
    LinkModel: "ttl",
    RateCounterModel: "ttl",
    AttachmentModel: "ttl",
    RevocationModel: "ttl",
    WhatsAppModel: "expires_at",
}


def create_tables() -> None:
    """Create every table (local stack and tests); the cloud gets them from CDK."""
    import boto3

    for model in MODELS:
        if not model.exists():
            model.create_table(wait=True, billing_mode="PAY_PER_REQUEST")
        if model in TTL_ATTRIBUTES:
            boto3.client("dynamodb", region_name=REGION).update_time_to_live(
                TableName=model.Meta.table_name,
                TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTES[model]},
            )
