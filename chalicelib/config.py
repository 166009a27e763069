"""Settings from the environment, read once per process and validated.

Every variable is documented in the README ("Configuration").
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from functools import lru_cache

from .domain import catalog, sop
from .domain.calendar import AlwaysOpen, Calendar, office_calendar
from .domain.planner import MAX_ESCALATIONS, SlaPolicy

DEFAULT_REGION = "ap-southeast-3"
# The deployment's table names are ``{TABLE_PREFIX}-{suffix}`` (adapters/tables.py declares the tables); read once,
# at import, as the tables' models read it. The streams' consumer (service/delivery.py) tells tables apart by name.
TABLE_PREFIX = os.environ.get("TABLE_PREFIX", "aspirasi-kaltim")


def table_name(suffix: str) -> str:
    return f"{TABLE_PREFIX}-{suffix}"


class ConfigError(ValueError):
    pass


def _env_key(text: str) -> str:
    return text.upper().replace("-", "_")


def _addresses(value: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in value.split(",") if a.strip())


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    try:
        value = float(env.get(name, default))
    except ValueError:
        raise ConfigError(f"{name} must be a number") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive")
    return value


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(env.get(name, default))
    except ValueError:
        raise ConfigError(f"{name} must be a whole number") from None


def _hours(value: str) -> tuple[time, time]:
    try:
        opens, closes = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError:
        raise ConfigError("OFFICE_HOURS must look like 08:00-16:00") from None
    return opens, closes


def _days(value: str) -> list[int]:
    """ISO weekdays (1=Monday) as "1-5" or "1,2,3,4,5", to Python's 0=Monday."""
    days: set[int] = set()
    try:
        for part in value.split(","):
            lo, _, hi = part.strip().partition("-")
            days.update(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        raise ConfigError("OFFICE_DAYS must look like 1-5 (1 is Monday)") from None
    if not days or not days <= set(range(1, 8)):
        raise ConfigError("OFFICE_DAYS must name days 1 (Monday) to 7 (Sunday)")
    return [d - 1 for d in sorted(days)]


def _dates(value: str) -> list[date]:
    try:
        return [date.fromisoformat(d.strip()) for d in value.split(",") if d.strip()]
    except ValueError:
        raise ConfigError("CUTI_BERSAMA must be a comma-separated list of YYYY-MM-DD dates") from None


def _open311_rate_limit(env: Mapping[str, str]) -> int:
    value = _int(env, "OPEN311_RATE_LIMIT_PER_MINUTE", 60)
    if value <= 0:
        raise ConfigError("OPEN311_RATE_LIMIT_PER_MINUTE must be positive")
    return value


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value <= 0:
        raise ConfigError(f"{name} must be positive")
    return value


def _open311_endpoint_type(env: Mapping[str, str]) -> str:
    value = env.get("OPEN311_ENDPOINT_TYPE", "production").strip().lower()
    if value not in ("production", "test"):
        raise ConfigError("OPEN311_ENDPOINT_TYPE must be 'production' or 'test'")
    return value


def _tile_url(env: Mapping[str, str]) -> str:
    value = env.get("TILE_URL", Settings.tile_url).strip()
    if not re.fullmatch(r"https?://[^/\s?#]+/\S*", value) or not all(p in value for p in ("{z}", "{x}", "{y}")):
        raise ConfigError("TILE_URL must be an http(s) URL with {z}, {x} and {y}")
    return value


def _api_url(env: Mapping[str, str]) -> str:
    value = env.get("WHATSAPP_API_URL", Settings.whatsapp_api_url).strip().rstrip("/")
    if not re.fullmatch(r"https?://[^/\s?#]+(/[^\s?#]*)?", value):
        raise ConfigError("WHATSAPP_API_URL must be an http(s) URL, e.g. https://graph.facebook.com/v21.0")
    return value


def tile_origin(tile_url: str) -> str:
    """The origin the map's tiles come from, as a Content-Security-Policy source ({s} subdomains: a wildcard)."""
    scheme, _, rest = tile_url.partition("://")
    host = rest.split("/", 1)[0]
    return f"{scheme}://{host.replace('{s}', '*')}"


@dataclass(frozen=True)
class Settings:
    region: str = DEFAULT_REGION
    public_base_url: str = "http://127.0.0.1:8000"
    email_from: str = "Aspirasi Kaltim <noreply@aspirasi.kaltimprov.go.id>"
    ses_configuration_set: str = ""
    mail_domain: str = "aspirasi.kaltimprov.go.id"
    mailboxes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    state_machine_arn: str = ""
    time_scale: float = 1.0
    calendar_mode: str = "office"
    office_hours: tuple[time, time] = (time(8, 0), time(16, 0))
    office_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    cuti_bersama: tuple[date, ...] = ()
    sla: SlaPolicy = SlaPolicy()
    max_escalations: int = MAX_ESCALATIONS
    link_ttl_hours: int = 14 * 24
    cognito_user_pool_id: str = ""
    cognito_client_id: str = ""
    cognito_jwks_url: str = ""
    auto_confirm_signup: bool = False
    # Cognito emails staff invitations itself (the cloud); off, we send them (the local stack: moto sends nothing).
    cognito_sends_invitations: bool = True
    # Cognito emails password-reset codes itself (the cloud). Off (the local stack only): the identity provider
    # is moto, which hands the code back in a response header instead; we email it (adapters/cognito.py).
    cognito_sends_reset_codes: bool = True
    # Where citizens' attachments go (S3); empty switches attachments off (503).
    attachments_bucket: str = ""
    # Open311 GeoReport v2 (service/open311.py): requests a minute per API key, the one jurisdiction
    # served, and what service discovery calls this endpoint ("production" or "test").
    open311_rate_limit_per_minute: int = 60
    # Public searches (GET requests.json, no key) a minute from one client address: a harvest is slowed.
    open311_search_limit_per_minute: int = 30
    open311_jurisdiction_id: str = "kaltimprov.go.id"
    open311_endpoint_type: str = "production"
    # Complaints a citizen account may submit an hour (service/rate_limits.py); staff entries are not limited.
    submission_limit_per_hour: int = 10
    # Accounts one client address may ask for in an hour (service/accounts.py). Indonesian carriers put many
    # people behind one address (carrier-grade NAT): far above one person, far below a script.
    register_limit_per_hour: int = 20
    # Password resets (POST /auth/forgot, and tries of POST /auth/reset, counted apart) one client address may
    # ask for in an hour (service/accounts.py); one email address gets at most 3 codes an hour whoever asks.
    password_reset_limit_per_hour: int = 20
    # Public status checks (GET /track/{tracking_number}, no login) a minute from one client address.
    track_limit_per_minute: int = 60
    # Reads of the public register (GET /public/complaints, a case, the agencies' scorecards, open data) a
    # minute from one client address: a page load makes two or three, a script far more.
    public_limit_per_minute: int = 60
    # A state machine message whose handling failed comes again after this backoff (doubling from the
    # first to the most, by delivery count): seconds, not the queue's whole visibility timeout.
    retry_first_seconds: int = 2
    retry_max_seconds: int = 300
    # How long a claimed email belongs to its sender (service/workflow/outbox.py). Above the consumer Lambda's
    # timeout (60 s), so a live invocation never loses its claim mid-send; well under the handoff queue's
    # visibility timeout (6 min), so the message a crashed invocation left comes back to a claim that has run out.
    email_lease_seconds: float = 75
    # The citizen page's map (Leaflet): where its tiles come from ({z}/{x}/{y}, optional {s}) and the credit
    # the tile server asks for. The page allows images from this origin only (Content-Security-Policy).
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "© OpenStreetMap contributors"
    # WhatsApp (Cloud API): the business number's id at Meta ("" switches the channel off), the Graph API's base,
    # the Secrets Manager secret holding the access token, app secret and verify token (adapters/secrets.py), and
    # the approved message templates sent outside the 24-hour window (each: the tracking number as {{1}}).
    whatsapp_phone_number_id: str = ""
    whatsapp_api_url: str = "https://graph.facebook.com/v21.0"
    whatsapp_secret_arn: str = ""
    whatsapp_template_language: str = "id"
    whatsapp_reply_template: str = "aspirasi_jawaban"
    whatsapp_receipt_template: str = "aspirasi_diterima"
    whatsapp_question_template: str = "aspirasi_pertanyaan"
    whatsapp_update_template: str = "aspirasi_kabar"

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        mailboxes = {
            key: _addresses(value) for key, value in env.items() if key.startswith("MAILBOX_") and _addresses(value)
        }
        calendar_mode = env.get("SLA_CALENDAR", "office").lower()
        if calendar_mode not in ("office", "24x7"):
            raise ConfigError("SLA_CALENDAR must be 'office' or '24x7'")
        stage_minutes = {
            s: _int(env, f"SLA_MINUTES_{_env_key(s)}", 0)
            for s in sop.STAGE_NAMES
            if f"SLA_MINUTES_{_env_key(s)}" in env
        }
        opd_minutes = {
            c: _int(env, f"SLA_OPD_MINUTES_{_env_key(c)}", 0)
            for c in catalog.CATEGORIES
            if f"SLA_OPD_MINUTES_{_env_key(c)}" in env
        }
        fractions = {
            s: _float(env, f"SLA_REMIND_FRACTION_{_env_key(s)}", 0.5)
            for s in sop.STAGE_NAMES
            if f"SLA_REMIND_FRACTION_{_env_key(s)}" in env
        }
        if any(f > 1 for f in fractions.values()):
            raise ConfigError("SLA_REMIND_FRACTION_* must be between 0 and 1")
        if any(m <= 0 for m in (*stage_minutes.values(), *opd_minutes.values())):
            raise ConfigError("SLA_MINUTES_* and SLA_OPD_MINUTES_* must be positive")
        return cls(
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or DEFAULT_REGION,
            public_base_url=env.get("PUBLIC_BASE_URL", cls.public_base_url).rstrip("/"),
            email_from=env.get("EMAIL_FROM", cls.email_from),
            ses_configuration_set=env.get("SES_CONFIGURATION_SET", ""),
            mail_domain=env.get("MAIL_DOMAIN", cls.mail_domain),
            mailboxes=mailboxes,
            state_machine_arn=env.get("STATE_MACHINE_ARN", ""),
            time_scale=_float(env, "SLA_TIME_SCALE", 1.0),
            calendar_mode=calendar_mode,
            office_hours=_hours(env.get("OFFICE_HOURS", "08:00-16:00")),
            office_days=tuple(_days(env.get("OFFICE_DAYS", "1-5"))),
            cuti_bersama=tuple(_dates(env.get("CUTI_BERSAMA", ""))),
            sla=SlaPolicy(
                stage_minutes,
                opd_minutes,
                fractions,
                *(
                    _float(env, name, 1) if name in env else None
                    for name in (
                        "FEEDBACK_WINDOW_MINUTES",
                        "ANSWER_REMINDER_MINUTES",
                        "ANSWER_DEADLINE_MINUTES",
                        "WHOLE_SOP_MINUTES",
                    )
                ),
            ),
            max_escalations=_int(env, "MAX_ESCALATIONS", MAX_ESCALATIONS),
            link_ttl_hours=_int(env, "LINK_TTL_HOURS", 14 * 24),
            cognito_user_pool_id=env.get("COGNITO_USER_POOL_ID", ""),
            cognito_client_id=env.get("COGNITO_CLIENT_ID", ""),
            cognito_jwks_url=env.get("COGNITO_JWKS_URL", ""),
            auto_confirm_signup=env.get("AUTO_CONFIRM_SIGNUP", "").lower() in ("1", "true", "yes"),
            cognito_sends_invitations=env.get("COGNITO_SENDS_INVITATIONS", "true").lower() not in ("0", "false", "no"),
            cognito_sends_reset_codes=env.get("COGNITO_SENDS_RESET_CODES", "true").lower() not in ("0", "false", "no"),
            attachments_bucket=env.get("ATTACHMENTS_BUCKET", "").strip(),
            open311_rate_limit_per_minute=_open311_rate_limit(env),
            open311_search_limit_per_minute=_positive(env, "OPEN311_SEARCH_LIMIT_PER_MINUTE", 30),
            open311_jurisdiction_id=env.get("OPEN311_JURISDICTION_ID", cls.open311_jurisdiction_id).strip().lower(),
            open311_endpoint_type=_open311_endpoint_type(env),
            submission_limit_per_hour=_positive(env, "SUBMISSION_LIMIT_PER_HOUR", 10),
            register_limit_per_hour=_positive(env, "REGISTER_LIMIT_PER_HOUR", 20),
            password_reset_limit_per_hour=_positive(env, "PASSWORD_RESET_LIMIT_PER_HOUR", 20),
            track_limit_per_minute=_positive(env, "TRACK_LIMIT_PER_MINUTE", 60),
            public_limit_per_minute=_positive(env, "PUBLIC_LIMIT_PER_MINUTE", 60),
            retry_first_seconds=max(1, _int(env, "RETRY_FIRST_SECONDS", cls.retry_first_seconds)),
            retry_max_seconds=max(1, _int(env, "RETRY_MAX_SECONDS", cls.retry_max_seconds)),
            tile_url=_tile_url(env),
            tile_attribution=env.get("TILE_ATTRIBUTION", cls.tile_attribution).strip(),
            whatsapp_phone_number_id=env.get("WHATSAPP_PHONE_NUMBER_ID", "").strip(),
            whatsapp_api_url=_api_url(env),
            whatsapp_secret_arn=env.get("WHATSAPP_SECRET_ARN", "").strip(),
            whatsapp_template_language=env.get("WHATSAPP_TEMPLATE_LANGUAGE", cls.whatsapp_template_language).strip(),
            whatsapp_reply_template=env.get("WHATSAPP_REPLY_TEMPLATE", cls.whatsapp_reply_template).strip(),
            whatsapp_receipt_template=env.get("WHATSAPP_RECEIPT_TEMPLATE", cls.whatsapp_receipt_template).strip(),
            whatsapp_question_template=env.get("WHATSAPP_QUESTION_TEMPLATE", cls.whatsapp_question_template).strip(),
            whatsapp_update_template=env.get("WHATSAPP_UPDATE_TEMPLATE", cls.whatsapp_update_template).strip(),
        )

    def calendar(self) -> Calendar:
        if self.calendar_mode == "24x7":
            return AlwaysOpen()
        opens, closes = self.office_hours
        return office_calendar(opens, closes, self.office_days, self.cuti_bersama)

    def mailbox(self, role: sop.Role, opd: str | None = None) -> tuple[str, ...]:
        """The team mailbox of a role (of one agency for the OPD role)."""
        if role is sop.Role.OPD:
            if not opd:
                raise ValueError("the OPD role needs an agency code")
            key = f"MAILBOX_OPD_{_env_key(opd)}"
            default = f"opd-{opd.lower()}@{self.mail_domain}"
        else:
            key = f"MAILBOX_{_env_key(role.value)}"
            default = f"{role.value}@{self.mail_domain}"
        return self.mailboxes.get(key) or (default,)


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()
