"""Chaos mode for the local stack: random AWS faults in the application's own calls (issue 11).

``CHAOS=service:Operation=rate,...`` (e.g. ``ses:SendRawEmail=0.3,dynamodb:TransactWriteItems=0.2``)
fails that share of the *application's* calls to that operation with the service's own throttling
error, before they reach moto, as if the service stayed unavailable through botocore's retries: a
``before-call`` hook answers with the error, so botocore neither retries nor sends anything and our
code gets the ``ClientError`` (PynamoDB wraps it as it would a real one). ``CHAOS_CRASH=rate`` makes
that share of SQS handler invocations "crash after their work": the poller does not acknowledge the
batch, as a Lambda that timed out before deleting it, so SQS delivers it again after the visibility
timeout. ``CHAOS_SEED`` seeds the one random generator, so a run repeats (as far as the threads'
order does).

Only the application's calls are touched: the API requests the Chalice app serves, the consumers
the pollers drive and the pollers' own calls. They run inside :func:`application_call` (a Chalice
middleware and the pollers set it). Step Functions executions, which moto runs as boto3 calls from
its own threads, and the provisioning at start-up never are: their context does not carry the mark.
Each injected fault is logged on one line with the service, operation and error code, never the
parameters (they hold personal data and task tokens).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import random
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import botocore.session
from botocore import xform_name
from botocore.awsrequest import AWSResponse

log = logging.getLogger("aspirasi.chaos")

_APPLICATION: contextvars.ContextVar[bool] = contextvars.ContextVar("aspirasi_application_call", default=False)

# Each service's own throttling error (code, HTTP status, message): what botocore raises once its retries give up.
THROTTLING: dict[str, tuple[str, int, str]] = {
    "dynamodb": (
        "ProvisionedThroughputExceededException",
        400,
        "The level of configured provisioned throughput for the table was exceeded.",
    ),
    "stepfunctions": ("ThrottlingException", 400, "Rate exceeded"),
    "ses": ("Throttling", 400, "Maximum sending rate exceeded."),
    "sesv2": ("TooManyRequestsException", 429, "Too many requests."),
    "sqs": ("RequestThrottled", 400, "Request is throttled."),
    "cognito-idp": ("TooManyRequestsException", 400, "Too many requests."),
    "s3": ("SlowDown", 503, "Please reduce your request rate."),
}
DEFAULT_THROTTLING = ("ThrottlingException", 400, "Rate exceeded")


class ChaosConfigError(ValueError):
    """CHAOS, CHAOS_CRASH or CHAOS_SEED cannot be understood: the stack does not start."""


@dataclass(frozen=True)
class Rule:
    service: str  # botocore's service name (``stepfunctions``, ``cognito-idp``)
    operation: str  # the API's name (``SendTaskSuccess``)
    rate: float

    @property
    def error(self) -> tuple[str, int, str]:
        return THROTTLING.get(self.service, DEFAULT_THROTTLING)


@dataclass(frozen=True)
class ChaosConfig:
    rules: tuple[Rule, ...] = ()
    crash_rate: float = 0.0
    seed: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.rules) or self.crash_rate > 0

    def describe(self) -> str:
        """One line for the banner and the log."""
        faults = ",".join(f"{r.service}:{r.operation}={r.rate:g}" for r in self.rules) or "none"
        seed = self.seed if self.seed is not None else "random"
        return f"CHAOS={faults} CHAOS_CRASH={self.crash_rate:g} CHAOS_SEED={seed}"


def _rate(text: str, what: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        raise ChaosConfigError(f"{what}: the rate {text!r} is not a number between 0 and 1") from None
    if not 0.0 <= rate <= 1.0:
        raise ChaosConfigError(f"{what}: the rate {text!r} is not between 0 and 1")
    return rate


@functools.cache
def _services() -> dict[str, str]:
    """Every name a service may be given (botocore's name and its hyphenated service id) -> botocore's name."""
    session = botocore.session.get_session()
    names: dict[str, str] = {}
    for name in session.get_available_services():
        names[name] = name
    for alias, name in (("sfn", "stepfunctions"), ("states", "stepfunctions"), ("cognito", "cognito-idp")):
        names.setdefault(alias, name)
    return names


@functools.cache
def _operations(service: str) -> dict[str, str]:
    model = botocore.session.get_session().get_service_model(service)
    return {**{xform_name(op): op for op in model.operation_names}, **{op: op for op in model.operation_names}}


def parse(chaos: str | None, crash: str | None = None, seed: str | None = None) -> ChaosConfig:
    """Read the three settings; a mistake raises :class:`ChaosConfigError` saying what is wrong."""
    rules: dict[tuple[str, str], Rule] = {}
    for part in (p.strip() for p in (chaos or "").split(",")):
        if not part:
            continue
        target, equals, rate_text = part.partition("=")
        service_text, colon, operation_text = target.strip().partition(":")
        if not equals or not colon or not service_text or not operation_text:
            raise ChaosConfigError(
                f"CHAOS: {part!r} is not service:Operation=rate "
                "(e.g. ses:SendRawEmail=0.3,dynamodb:TransactWriteItems=0.2)"
            )
        service = _services().get(service_text.strip().lower())
        if service is None:
            raise ChaosConfigError(
                f"CHAOS: {service_text!r} is not an AWS service botocore knows "
                "(e.g. dynamodb, stepfunctions, ses, sqs, cognito-idp, s3)"
            )
        operation = _operations(service).get(operation_text.strip())
        if operation is None:
            raise ChaosConfigError(f"CHAOS: {service} has no operation {operation_text.strip()!r}")
        if (service, operation) in rules:
            raise ChaosConfigError(f"CHAOS: {service}:{operation} is given twice")
        rules[(service, operation)] = Rule(service, operation, _rate(rate_text.strip(), f"CHAOS {part!r}"))
    crash_rate = _rate(crash.strip(), "CHAOS_CRASH") if crash and crash.strip() else 0.0
    seed_value = None
    if seed and seed.strip():
        try:
            seed_value = int(seed.strip())
        except ValueError:
            raise ChaosConfigError(f"CHAOS_SEED: {seed.strip()!r} is not an integer") from None
    return ChaosConfig(tuple(rules.values()), crash_rate, seed_value)


def from_env(environ: Mapping[str, str]) -> ChaosConfig:
    return parse(environ.get("CHAOS"), environ.get("CHAOS_CRASH"), environ.get("CHAOS_SEED"))


# -- what is the application ----------------------------------------------------------------
@contextlib.contextmanager
def application_call() -> Iterator[None]:
    """Mark the AWS calls made inside as the application's (chaos may fail them).

    The pollers wrap each delivery in it, and the Chalice middleware each request and event; a
    thread started inside does not inherit the mark (no thread of the app's does).
    """
    token = _APPLICATION.set(True)
    try:
        yield
    finally:
        _APPLICATION.reset(token)


def is_application_call() -> bool:
    return _APPLICATION.get()


def middleware(event, get_response):
    """Chalice middleware (``app.register_middleware(middleware, "all")``): routes and event handlers."""
    with application_call():
        return get_response(event)


# -- the faults -------------------------------------------------------------------------------
class _Raw:
    """The body of an answer that never went over the wire."""

    @staticmethod
    def stream(**_):
        return iter((b"",))


@dataclass
class Chaos:
    config: ChaosConfig
    injected: Counter = field(default_factory=Counter)  # (service, operation) -> faults injected
    crashes: int = 0

    def __post_init__(self):
        self._random = random.Random(self.config.seed)
        self._lock = threading.Lock()

    def _roll(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._random.random() < rate

    def hook(self, rule: Rule):
        """A ``before-call`` handler for one operation: answers with the throttling error, or lets it pass."""
        code, status, message = rule.error

        def before_call(model=None, params=None, **_):
            if _ACTIVE is not self or not _APPLICATION.get() or not self._roll(rule.rate):
                return None
            with self._lock:
                self.injected[(rule.service, rule.operation)] += 1
            log.warning("chaos: injected %s %s:%s", code, rule.service, rule.operation)
            url = (params or {}).get("url", "")
            response = AWSResponse(url, status, {}, _Raw())
            return response, {
                "Error": {"Code": code, "Message": message},
                "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}, "RetryAttempts": 0},
            }

        return before_call

    def attach(self, client) -> None:
        """Register this client's hooks (every client a botocore session creates passes here)."""
        service = client.meta.service_model.service_name
        service_id = client.meta.service_model.service_id.hyphenize()
        for rule in self.config.rules:
            if rule.service == service:
                client.meta.events.register(
                    f"before-call.{service_id}.{rule.operation}",
                    self.hook(rule),
                    unique_id=f"aspirasi-chaos-{service}-{rule.operation}",
                )

    def crash_after_work(self, queue: str = "") -> bool:
        """Whether this SQS handler invocation "crashes" after its work (the poller then acknowledges nothing)."""
        if not self._roll(self.config.crash_rate):
            return False
        with self._lock:
            self.crashes += 1
        log.warning(
            "chaos: crashed SQS handler after its work (%s); its batch will be delivered again", queue or "queue"
        )
        return True


_ACTIVE: Chaos | None = None
_ORIGINAL_CREATE_CLIENT = None


def install(config: ChaosConfig) -> Chaos | None:
    """Switch chaos on for every botocore client created from now on (boto3's and PynamoDB's too)."""
    global _ACTIVE, _ORIGINAL_CREATE_CLIENT
    uninstall()
    if not config.active:
        return None
    _ACTIVE = Chaos(config)
    _ORIGINAL_CREATE_CLIENT = original = botocore.session.Session.create_client

    @functools.wraps(original)
    def create_client(self, *args, **kwargs):
        client = original(self, *args, **kwargs)
        if _ACTIVE is not None:
            _ACTIVE.attach(client)
        return client

    botocore.session.Session.create_client = create_client
    log.warning("chaos mode on: %s", config.describe())
    return _ACTIVE


def uninstall() -> None:
    """Chaos off again (for tests): new clients get no hooks, existing ones no faults."""
    global _ACTIVE, _ORIGINAL_CREATE_CLIENT
    if _ORIGINAL_CREATE_CLIENT is not None:
        botocore.session.Session.create_client = _ORIGINAL_CREATE_CLIENT
        _ORIGINAL_CREATE_CLIENT = None
    _ACTIVE = None


def active() -> Chaos | None:
    return _ACTIVE


def crash_after_work(queue: str = "") -> bool:
    """For the pollers: whether chaos makes this handler invocation crash after its work."""
    chaos = _ACTIVE
    return chaos.crash_after_work(queue) if chaos is not None else False
