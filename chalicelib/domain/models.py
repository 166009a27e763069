"""What people and programs send, as pydantic v2 models: one source for validation and docs.

Why here, in the domain: the parse functions (``submission.parse_submission``, ``decisions.parse_decision``,
``followup.parse_answer``, ...) validate through these models, and ``web/openapi.py`` publishes their JSON
schemas, so what the API documents and what it accepts cannot drift. The models are pure (no AWS, no HTTP):
the domain may use them, and the web layer only reads their schemas. What the API answers with is the web
layer's alone (``web/schemas.py``).

Errors keep the project's shape: ``validate`` turns pydantic's errors into ``ValidationFailed([{"field",
"code", ...}])`` with the codes ``web/problems.py`` explains in Indonesian and English (``required``,
``too_long`` with ``max_length``, ``not_text``, ...). A field may rename a pydantic error to a code of its
own (``unknown_category`` for a category outside the catalog) through the model's ``codes``.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Literal, TypeAlias, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from . import catalog, coordinates, fields, sop
from .errors import ValidationFailed
from .fields import (  # noqa: F401 (re-exported: the limits and patterns live in domain/fields.py)
    ACCOUNT_FIELD_MAX,
    ANSWER_MAX,
    ATTACHMENT_MAX_BYTES,
    ATTACHMENT_TYPES,
    CHANNELS,
    COMMENT_MAX,
    EMAIL_PATTERN,
    EXTERNAL_REF_PATTERN,
    LIMITS,
    MAX_FILENAME,
    MAX_MEMBER_NAME,
    MAX_ORGANISATION,
    MIN_DESCRIPTION,
    MIN_PASSWORD,
    REASON_MAX,
)
from .roles import all_groups
from .tracking import normalize


def _blank_to_none(value: Any) -> Any:
    """Text is trimmed; an empty or blank string counts as absent (a required field is then ``required``)."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _empty_to_none(value: Any) -> Any:
    """Only the empty string counts as absent (passwords keep their spaces)."""
    return None if value == "" else value


_TRIM = BeforeValidator(_blank_to_none)


class _TextKind:
    """Marks a text field's kind for ``ApiModel``'s check of every text field (``fields.has_forbidden_characters``)."""

    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


MULTILINE = _TextKind("MULTILINE")  # a long text: keeps its line breaks and tabs
SECRET = _TextKind("SECRET")  # a password: kept exactly as typed, never stored or shown by us


def _trimmed_pattern(schema: dict[str, Any]) -> None:
    """A pattern is checked on the trimmed text: the document shows it with the blanks around it allowed
    (and, for an optional field, blank alone, which means "not given")."""
    for part in (schema, *schema.get("anyOf", [])):
        if "pattern" in part:
            inner = part["pattern"].removeprefix("^").removesuffix("$")
            part["pattern"] = rf"^\s*({inner}){'?' if 'anyOf' in schema else ''}\s*$"


_AS_TYPED = Field(json_schema_extra=_trimmed_pattern)
# The text fields, trimmed (blank is absent); the optional ones also take null. Named, so that type
# checkers read them as types.
SubcategoryText: TypeAlias = Annotated[str, StringConstraints(max_length=200), _TRIM]
TitleText: TypeAlias = Annotated[str, StringConstraints(max_length=LIMITS["title"]), _TRIM]
DescriptionText: TypeAlias = Annotated[
    str, StringConstraints(min_length=MIN_DESCRIPTION, max_length=LIMITS["description"]), _TRIM, MULTILINE
]
LocationText: TypeAlias = Annotated[Annotated[str, StringConstraints(max_length=LIMITS["location"])] | None, _TRIM]
NameText: TypeAlias = Annotated[Annotated[str, StringConstraints(max_length=LIMITS["name"])] | None, _TRIM]
EmailText: TypeAlias = Annotated[
    Annotated[str, StringConstraints(max_length=LIMITS["email"], pattern=EMAIL_PATTERN)] | None, _TRIM, _AS_TYPED
]
ExternalRefText: TypeAlias = Annotated[
    Annotated[str, StringConstraints(max_length=LIMITS["external_ref"], pattern=EXTERNAL_REF_PATTERN)] | None,
    _TRIM,
    _AS_TYPED,
]
AnswerText: TypeAlias = Annotated[str, StringConstraints(max_length=ANSWER_MAX), _TRIM, MULTILINE]
ReasonText: TypeAlias = Annotated[str, StringConstraints(max_length=REASON_MAX), _TRIM, MULTILINE]
CommentText: TypeAlias = Annotated[Annotated[str, StringConstraints(max_length=COMMENT_MAX)] | None, _TRIM, MULTILINE]
MemberNameText: TypeAlias = Annotated[str, StringConstraints(max_length=MAX_MEMBER_NAME), _TRIM]


def Text(max_length: int) -> Any:
    """A trimmed long text made at run time (the decision bodies -- reasons, responses, replies, questions --
    are built from the SOP's table)."""
    return Annotated[str, StringConstraints(max_length=max_length), _TRIM, MULTILINE]


Flag = Annotated[bool, Strict()]  # true or false, never "true" or 1
INPUT = object()  # in a model's ``codes``: the value the caller sent goes here


def _tracking_number(value: str) -> str:
    number = normalize(value)
    if number is None:
        raise PydanticCustomError("invalid_tracking_number", "not a tracking number")
    return number


TrackingNumber = Annotated[
    str,
    StringConstraints(max_length=32),
    BeforeValidator(_blank_to_none),
    AfterValidator(_tracking_number),
    Field(
        description="A tracking number as people write it (KT-XXXX-XXXX; dashes, "
        "O for 0 and I or L for 1 are forgiven)",
        examples=["KT-7K3M-9QXD"],
    ),
]

# pydantic's error type -> our code, for every field (a model's ``codes`` may say otherwise per field).
_CODES = {
    "missing": "required",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "bool_type": "not_boolean",
    "model_type": "not_an_object",
    "model_attributes_type": "not_an_object",
    "dict_type": "not_an_object",
    "list_type": "not_a_list",
    "int_type": "not_an_integer",
    "int_parsing": "not_an_integer",
    "int_from_float": "not_an_integer",
    "literal_error": "invalid_parameter",
    "enum": "invalid_parameter",
    "string_pattern_mismatch": "invalid_parameter",
    "string_unicode": "invalid_characters",  # a lone surrogate ("\ud800" in JSON): no UTF-8 can carry it
}
_CTX = {"too_long": "max_length", "too_short": "min_length"}


class ApiModel(BaseModel):
    """Base of every request body: unknown members are ignored (forms and older clients send more).

    Every text field of every body, of every route and channel, is checked here once: a control character,
    a lone surrogate or a bidirectional override is refused (``invalid_characters``, naming the field), and
    a one-line field's line breaks and tabs become a space. Long texts say so with ``MULTILINE``; passwords,
    kept as typed, with ``SECRET``.
    """

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    # (field path, pydantic error type) -> (our code, extra details); the path joins nested names with ".".
    codes: ClassVar[dict[tuple[str, str], tuple[str, dict[str, Any]]]] = {}

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, str) or info.field_name is None:
            return value
        kinds = set(cls.model_fields[info.field_name].metadata) & {MULTILINE, SECRET}
        if SECRET in kinds:
            return value
        multiline = MULTILINE in kinds
        if not multiline:
            value = fields.one_line(value)
        if fields.has_forbidden_characters(value, multiline):
            raise PydanticCustomError("invalid_characters", "control or text-direction characters")
        return value


def _error(model: type[BaseModel], error: Mapping[str, Any]) -> dict[str, Any]:
    field = ".".join(str(part) for part in error["loc"] if not isinstance(part, int))
    kind = error["type"]
    ctx = dict(error.get("ctx") or {})
    if error.get("input", "") is None and kind not in ("missing", "bool_type"):
        kind = "none"  # null (or blank text) where a value is needed
    override = getattr(model, "codes", {}).get((field, kind))
    if override:
        code, extra = override
        value = error.get("input")
        return {
            "field": field,
            "code": code,
            **{k: ((value if isinstance(value, str) else repr(value)) if v is INPUT else v) for k, v in extra.items()},
        }
    if kind == "extra_forbidden":  # a member the body may not carry
        return {"field": field[:50], "code": getattr(model, "extra_code", "invalid_parameter")}
    if kind == "none":
        return {"field": field, "code": "required"}
    if kind == "string_type":
        return {"field": field, "code": "not_text"}
    code = _CODES.get(kind)
    if code is None:  # our own PydanticCustomError: its type is the code, its context the details
        return {"field": field, "code": kind, **{k: v for k, v in ctx.items() if k != "error"}}
    out = {"field": field, "code": code}
    if code in _CTX and _CTX[code] in ctx:
        out[_CTX[code]] = ctx[_CTX[code]]
    return out


M = TypeVar("M", bound=BaseModel)


def errors_of(model: type[M], payload: Any) -> tuple[M | None, list[dict[str, Any]]]:
    """The model made from ``payload``, or None and the problems in the project's error shape."""
    if not isinstance(payload, Mapping):
        return None, [{"field": "", "code": "not_an_object"}]
    try:
        return model.model_validate(dict(payload)), []
    except ValidationError as failed:
        errors: list[dict[str, Any]] = []
        for error in failed.errors(include_url=False):
            converted = _error(model, error)
            if converted not in errors:  # a union reports one problem once per member
                errors.append(converted)
        return None, errors


def validate(model: type[M], payload: Any) -> M:
    """``payload`` as ``model``, or ``ValidationFailed`` listing every problem."""
    value, errors = errors_of(model, payload)
    if errors or value is None:
        raise ValidationFailed(errors)
    return value


# -- citizens: accounts ------------------------------------------------------------------------
AccountText = Annotated[str, StringConstraints(max_length=ACCOUNT_FIELD_MAX), BeforeValidator(_blank_to_none)]
Email = Annotated[
    str,
    StringConstraints(max_length=ACCOUNT_FIELD_MAX, pattern=EMAIL_PATTERN),
    BeforeValidator(_blank_to_none),
    _AS_TYPED,
    Field(examples=["warga@example.id"]),
]


def _password_text(value: Any) -> Any:
    """A password is kept as typed; one that is only blanks counts as absent."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


Password = Annotated[str, StringConstraints(max_length=ACCOUNT_FIELD_MAX), BeforeValidator(_password_text), SECRET]


def _phone(value: str) -> str:
    number = fields.normalise_phone(value)
    if number is None:
        raise PydanticCustomError("invalid_phone", "not a phone number")
    return number


# A phone number as people write it, stored and answered in E.164: the one rule of every route that takes
# one (``fields.normalise_phone``). Blank, "" or null is no number.
Phone: TypeAlias = Annotated[
    Annotated[str, StringConstraints(max_length=LIMITS["phone"]), AfterValidator(_phone)] | None,
    BeforeValidator(_blank_to_none),
    Field(
        description="a phone number as people write it (0812-3456-7890, 0812 3456 7890, 812..., +62 812..., "
        '62812...; without a country code it is Indonesian), kept and answered as E.164 (+6281234567890); null or "" '
        "for none",
        examples=["0812-3456-7890"],
    ),
]


def _strong_password(value: str) -> str:
    if not fields.is_strong_password(value):
        raise PydanticCustomError("weak_password", "too weak")
    return value


# A new password under the user pool's policy (8+ characters, upper and lower case, a digit), kept as typed.
NewPassword: TypeAlias = Annotated[
    str,
    StringConstraints(max_length=fields.MAX_PASSWORD),
    AfterValidator(_strong_password),
    BeforeValidator(_password_text),
    SECRET,
    Field(examples=["Sandi-Baru-2026"]),
]


def _code_as_typed(value: Any) -> Any:
    """A code read off an email: the blanks and dashes people put in it are dropped; blank is absent."""
    if isinstance(value, str):
        return "".join(value.split()).replace("-", "") or None
    return value


def _reset_code(value: str) -> str:
    """Only digits can be a code Cognito sent: anything else is a wrong code, refused before Cognito is asked."""
    if not re.fullmatch(fields.RESET_CODE_PATTERN, value):
        raise PydanticCustomError("wrong_code", "not a code")
    return value


class RegisterRequest(ApiModel):
    """``POST /auth/register``: a citizen's new account (8+ characters with upper, lower case and a digit)."""

    email: Email
    password: Annotated[
        str,
        StringConstraints(min_length=MIN_PASSWORD, max_length=ACCOUNT_FIELD_MAX),
        BeforeValidator(_password_text),
        SECRET,
        Field(examples=["Rahasia123"]),
    ]
    name: Annotated[AccountText, Field(examples=["Siti Rahma"])]
    phone: Phone = None

    codes: ClassVar = {
        ("email", "string_pattern_mismatch"): ("invalid_email", {}),
        ("password", "string_too_short"): ("weak_password", {}),
        ("phone", "string_type"): ("invalid_phone", {}),
        ("phone", "string_too_long"): ("invalid_phone", {}),
    }


class ConfirmRequest(ApiModel):
    """``POST /auth/confirm``: the code Cognito emailed."""

    email: Email
    code: Annotated[AccountText, Field(examples=["123456"])]

    codes: ClassVar = {("email", "string_pattern_mismatch"): ("invalid_email", {})}


class LoginRequest(ApiModel):
    """``POST /auth/login``; an invited member's first login also sends ``new_password``."""

    email: Email
    password: Annotated[Password, Field(examples=["Rahasia123"])]
    new_password: Annotated[
        Annotated[str, StringConstraints(min_length=MIN_PASSWORD, max_length=ACCOUNT_FIELD_MAX)] | None,
        BeforeValidator(_empty_to_none),
        SECRET,
    ] = None

    codes: ClassVar = {
        ("email", "string_pattern_mismatch"): ("invalid_email", {}),
        **{("new_password", t): ("weak_password", {}) for t in ("string_too_short", "string_too_long", "string_type")},
    }


class ForgotPasswordRequest(ApiModel):
    """``POST /auth/forgot``: send a reset code to this address, if it has an account (the answer is the same
    either way)."""

    email: Email

    codes: ClassVar = {("email", "string_pattern_mismatch"): ("invalid_email", {})}


class ResetPasswordRequest(ApiModel):
    """``POST /auth/reset``: the emailed code and the new password (citizens and staff alike)."""

    email: Email
    code: Annotated[
        str,
        StringConstraints(max_length=ACCOUNT_FIELD_MAX),
        AfterValidator(_reset_code),
        BeforeValidator(_code_as_typed),
        Field(description="the digits of the emailed code (blanks and dashes are ignored)", examples=["123456"]),
    ]
    new_password: NewPassword

    codes: ClassVar = {
        ("email", "string_pattern_mismatch"): ("invalid_email", {}),
        ("code", "string_type"): ("wrong_code", {}),
        ("code", "string_too_long"): ("wrong_code", {}),
        **{("new_password", t): ("weak_password", {}) for t in ("string_too_long", "string_type")},
    }


# -- citizens: complaints ----------------------------------------------------------------------
CATEGORY_CODES = tuple(catalog.CATEGORIES)
OPD_CODES = tuple(catalog.OPDS)


def _coordinate_check(name: str) -> Any:
    """``lat`` or ``long`` as sent: a JSON number inside East Kalimantan (domain/coordinates.py), null or
    absent for none. A string (even "0.5"), a boolean, NaN or infinity is ``not_a_number``; outside the box
    ``outside_kaltim`` with its ``min`` and ``max``."""

    def check(value: Any) -> Any:
        error = coordinates.check(name, value)
        if error is not None:
            details = {k: v for k, v in error.items() if k not in ("field", "code")}
            raise PydanticCustomError(error["code"], "not a coordinate in East Kalimantan", details)
        return value

    return BeforeValidator(check)


def _coordinate_field(name: str) -> Any:
    low, high = coordinates.BOUNDS[name]

    def schema(schema: dict[str, Any]) -> None:
        schema["anyOf"][0].update(minimum=low, maximum=high)

    return Field(
        description=f"WGS84 decimal degrees, {low:g} to {high:g} (East Kalimantan); "
        f"sent with {'long' if name == 'lat' else 'lat'}, or neither (null or absent)",
        examples=[-0.502 if name == "lat" else 117.154],
        json_schema_extra=schema,
    )


_ROUNDED = AfterValidator(lambda value: None if value is None else coordinates.rounded(value))
Latitude: TypeAlias = Annotated[float | None, _coordinate_check("lat"), _ROUNDED, _coordinate_field("lat")]
Longitude: TypeAlias = Annotated[float | None, _coordinate_check("long"), _ROUNDED, _coordinate_field("long")]


class SubmissionRequest(ApiModel):
    """``POST /complaints``: a complaint as the citizen writes it (the sub-category must be one of the category's)."""

    category: Annotated[
        Literal[CATEGORY_CODES],  # type: ignore[valid-type]
        BeforeValidator(_blank_to_none),
        Field(description="see GET /categories", examples=["kesehatan"]),
    ]
    subcategory: Annotated[SubcategoryText, Field(examples=["puskesmas"])]
    title: Annotated[TitleText, Field(examples=["Antrean puskesmas terlalu lama"])]
    description: Annotated[
        DescriptionText, Field(examples=["Setiap pagi antrean di Puskesmas Sempaja lebih dari tiga jam."])
    ]
    location: Annotated[LocationText, Field(examples=["Jl. Wahid Hasyim, Samarinda"])] = None
    lat: Latitude = None
    long: Longitude = None
    anonymous: Flag = Field(False, description="the reporter's identity is hidden from the public record")
    confidential: Flag = Field(False, description="the complaint is not public")

    codes: ClassVar = {
        ("category", "literal_error"): ("unknown_category", {}),
        ("category", "string_type"): ("not_text", {}),
    }


def submission_errors(payload: Mapping[str, Any], errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rules one field cannot carry alone: the sub-category belongs to the category; ``lat`` and ``long``
    come together."""
    failed = {e["field"] for e in errors}
    found = []
    code = _blank_to_none(payload.get("category"))
    category = catalog.category(code) if isinstance(code, str) else None  # anything else: the model said so
    sub = _blank_to_none(payload.get("subcategory"))
    if category and isinstance(sub, str) and "subcategory" not in failed and category.subcategory(sub) is None:
        found.append({"field": "subcategory", "code": "unknown_subcategory"})
    return found + coordinates.pair_errors(payload)


class Reporter(ApiModel):
    """Who reported a complaint that came by phone, in person, by letter, ... (name required unless anonymous)."""

    name: Annotated[NameText, Field(examples=["Ani Wijaya"])] = None
    email: Annotated[EmailText, Field(examples=["warga@example.id"])] = None
    phone: Phone = None


class EntryRequest(SubmissionRequest):
    """``POST /staff/complaints``: a complaint an operator records; ``external_ref`` is required for sp4n_lapor."""

    channel: Literal[CHANNELS]  # type: ignore[valid-type]
    reporter: Reporter | None = None
    external_ref: Annotated[ExternalRefText, Field(examples=["LAPOR-2026-000123"])] = None

    codes: ClassVar = {
        **SubmissionRequest.codes,
        ("channel", "literal_error"): ("unknown_channel", {}),
        ("channel", "missing"): ("required", {}),
        ("reporter.email", "string_pattern_mismatch"): ("invalid_email", {}),
        ("reporter.phone", "invalid_phone"): ("invalid_phone_number", {}),
        ("reporter.phone", "string_too_long"): ("invalid_phone_number", {}),
        ("external_ref", "string_pattern_mismatch"): ("invalid_external_ref", {}),
    }


def entry_errors(payload: Mapping[str, Any], errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules across fields: a named reporter unless anonymous, a reference for SP4N-LAPOR!."""
    failed = {e["field"] for e in errors}
    found = submission_errors(payload, errors)
    reporter = payload.get("reporter")
    reporter = reporter if isinstance(reporter, Mapping) else {}
    if (
        payload.get("anonymous") is not True
        and "reporter.name" not in failed
        and "reporter" not in failed
        and _blank_to_none(reporter.get("name")) is None
    ):
        found.append({"field": "reporter.name", "code": "required"})
    if (
        payload.get("channel") == "sp4n_lapor"
        and "external_ref" not in failed
        and _blank_to_none(payload.get("external_ref")) is None
    ):
        found.append({"field": "external_ref", "code": "required"})
    return found


class AnswerRequest(ApiModel):
    """``POST /complaints/{id}/information`` (and the staff route): the answer to the question that waits."""

    answer: Annotated[AnswerText, Field(examples=["Puskesmasnya di Jl. Wahid Hasyim, buka pukul 07.30."])]


class ReopenRequest(ApiModel):
    """``POST /complaints/{id}/reopen``: why the reply did not solve it."""

    reason: Annotated[ReasonText, Field(examples=["Antrean masih tiga jam setiap pagi."])]


def _score(value: Any) -> Any:
    """A whole number 1..5; "4" from an HTML form too."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


class RatingRequest(ApiModel):
    """``POST /complaints/{id}/rating`` and ``POST /ratings/{token}``: 1..5 and an optional comment."""

    score: Annotated[
        int,
        Strict(),
        Field(ge=min(sop.RATING_SCORES), le=max(sop.RATING_SCORES), examples=[4]),
        BeforeValidator(_score),
    ]
    comment: Annotated[CommentText, Field(examples=["Cepat ditangani, terima kasih."])] = None

    codes: ClassVar = {
        ("score", t): ("invalid_score", {})
        for t in ("missing", "none", "int_type", "greater_than_equal", "less_than_equal", "int_parsing")
    }


# -- attachments -------------------------------------------------------------------------------
def _media_type(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def _filename(value: str) -> str:
    name = fields.clean_filename(value)
    if not name:
        raise PydanticCustomError("invalid_filename", "not a file name")
    if len(name) > MAX_FILENAME:
        raise PydanticCustomError("too_long", "too long", {"max_length": MAX_FILENAME})
    return name


class UploadRequestBody(ApiModel):
    """``POST /complaints/{id}/attachments``: announce one file (JPEG, PNG or PDF, at most 5 MiB)."""

    filename: Annotated[
        str,
        AfterValidator(_filename),
        BeforeValidator(_empty_to_none),
        Field(
            description=f"the file's name (its path is removed); at most {MAX_FILENAME} characters",
            examples=["foto-antrean.jpg"],
        ),
    ]
    content_type: Annotated[
        Literal[ATTACHMENT_TYPES],  # type: ignore[valid-type]
        BeforeValidator(_media_type),
        BeforeValidator(_empty_to_none),
        Field(examples=["image/jpeg"]),
    ]
    size: Annotated[int, Strict(), Field(ge=1, le=ATTACHMENT_MAX_BYTES, description="bytes", examples=[482113])]

    codes: ClassVar = {
        ("content_type", "literal_error"): ("unsupported_file_type", {}),
        ("content_type", "string_type"): ("unsupported_file_type", {}),
        ("size", "greater_than_equal"): ("file_empty", {}),
        ("size", "less_than_equal"): ("file_too_large", {"max_mb": ATTACHMENT_MAX_BYTES // (1024 * 1024)}),
    }


# -- staff: decisions --------------------------------------------------------------------------
def _decision_field(spec: sop.Field) -> tuple[Any, Any]:
    if spec.kind == "opd":
        return Annotated[Literal[OPD_CODES], BeforeValidator(_blank_to_none)], ...
    if spec.kind == "tracking":
        return TrackingNumber, ...
    return Text(spec.max_length), ...


def _outcome_model(stage: sop.Stage, outcome: sop.Outcome, with_stage: bool) -> type[ApiModel]:
    key, value = outcome.selector
    fields: dict[str, Any] = {}
    if with_stage:
        fields["stage"] = (Literal[stage.name], ...)
    if value is not None:
        fields[key] = (Literal[value], ...)
    for spec in outcome.fields:
        fields[spec.name] = _decision_field(spec)
    camel = "".join(part.title() for part in f"{stage.name}_{outcome.name}".split("_"))
    model = create_model(
        f"{'Staff' if with_stage else ''}{camel}Decision",
        __base__=ApiModel,
        __doc__=f"{stage.label_en}: {outcome.label_en} (leads to {outcome.leads_to}).",
        **fields,
    )
    model.codes = {(spec.name, "literal_error"): ("unknown_opd", {}) for spec in outcome.fields if spec.kind == "opd"}
    return model


# stage -> outcome -> the body that takes it (links); the console's body adds ``stage``.
DECISIONS: dict[str, dict[str, type[ApiModel]]] = {
    s.name: {o.name: _outcome_model(s, o, with_stage=False) for o in s.outcomes} for s in sop.STAGES
}
STAFF_DECISIONS: dict[str, dict[str, type[ApiModel]]] = {
    s.name: {o.name: _outcome_model(s, o, with_stage=True) for o in s.outcomes} for s in sop.STAGES
}
_ALL_LINK = tuple(m for by in DECISIONS.values() for m in by.values())
_ALL_STAFF = tuple(m for by in STAFF_DECISIONS.values() for m in by.values())
# The action link's stage is known from the link: its body is one of that stage's decisions.
LinkDecisionRequest: TypeAdapter[Any] = TypeAdapter(functools.reduce(operator.or_, _ALL_LINK))
StaffDecisionRequest: TypeAdapter[Any] = TypeAdapter(functools.reduce(operator.or_, _ALL_STAFF))


# -- staff: members and API keys -----------------------------------------------------------------
GROUPS = tuple(all_groups())


class InviteRequest(ApiModel):
    """``POST /staff/members``: a new staff account and its groups (the invitation is emailed)."""

    email: Email
    name: Annotated[MemberNameText, Field(examples=["Budi Santoso"])]
    groups: Annotated[list[Literal[GROUPS]], Field(min_length=1, examples=[["operator"]])]  # type: ignore[valid-type]

    codes: ClassVar = {
        ("email", "string_pattern_mismatch"): ("invalid_email", {}),
        ("groups", "too_short"): ("required", {}),
        ("groups", "literal_error"): ("unknown_group", {"group": INPUT}),
        ("groups", "list_type"): ("not_a_list", {}),
    }


def _organisation(value: Any) -> Any:
    if isinstance(value, str):
        value = " ".join(value.split())
        return value or None
    return value


class ApiKeyRequest(ApiModel):
    """``POST /staff/api-keys``: a key for an Open311 client organisation."""

    organisation: Annotated[
        str,
        StringConstraints(max_length=MAX_ORGANISATION),
        BeforeValidator(_organisation),
        Field(examples=["Kota Samarinda"]),
    ]


# -- citizens: personal data (UU PDP; domain/personal_data.py parses through these) --------------------------
def _one_line(value: Any) -> Any:
    """A name on one line: runs of blanks and line breaks become one space; blank is absent."""
    if isinstance(value, str):
        return " ".join(value.split()) or None
    return value


class CorrectionRequest(ApiModel):
    """``PATCH /me``: at least one of ``name`` and ``phone`` (international, spaces ignored; null or "" removes
    it). Any other member is refused (``not_correctable``): the email is the account's login."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})
    extra_code: ClassVar[str] = "not_correctable"
    name: Annotated[
        str,
        StringConstraints(max_length=LIMITS["name"]),
        BeforeValidator(_one_line),
        Field(examples=["Siti Rahmawati"], json_schema_extra=lambda schema: schema.pop("default", None)),
    ] = None  # type: ignore[assignment]  # absent: unchanged; null: "required"
    phone: Phone = None

    codes: ClassVar = {("phone", "string_too_long"): ("invalid_phone", {})}


class ClosureRequest(ApiModel):
    """``DELETE /me``: the account's email typed again, as the page asks (``email_mismatch`` otherwise)."""

    email: Annotated[
        str,
        StringConstraints(max_length=ACCOUNT_FIELD_MAX),
        BeforeValidator(_blank_to_none),
        Field(examples=["warga@example.id"]),
    ]

    codes: ClassVar = {("email", "string_type"): ("required", {})}


# -- Cognito's pre sign-up trigger (app.pre_signup) ---------------------------------------------------
class SignUpAttributes(ApiModel):
    """What an account brings when it is made at Cognito itself (its SignUp API, the public client id,
    bypassing ``POST /auth/register``): the same rules as registration for the email, name and phone."""

    email: Email
    name: Annotated[AccountText, StringConstraints(max_length=100)]  # what registration keeps of a name
    phone_number: Phone = None

    codes: ClassVar = {
        ("email", "string_pattern_mismatch"): ("invalid_email", {}),
        ("phone_number", "string_too_long"): ("invalid_phone", {}),
    }


# -- staff: reply templates (domain/reply_templates.py checks the placeholders and the stage's length) ------------
TEMPLATE_STAGES = fields.TEMPLATE_STAGES
# A long text as a complaint's description is (without its minimum: "Baik, {citizen_name}." is a template).
TemplateText: TypeAlias = Annotated[str, StringConstraints(max_length=LIMITS["description"]), _TRIM, MULTILINE]


class TemplateRequest(ApiModel):
    """``POST /staff/templates``, ``PUT /staff/templates/{id}``: a reply template. Its text may use only the
    placeholders ``{tracking_number}``, ``{title}``, ``{citizen_name}`` and ``{agency}`` (else 422 on ``text``:
    ``unknown_placeholder`` or ``unbalanced_brace``); a question's or a review's text at most 2000 characters."""

    name: Annotated[
        Annotated[str, StringConstraints(max_length=fields.MAX_TEMPLATE_NAME), _TRIM],
        Field(examples=["Terima kasih, sudah ditindaklanjuti"]),
    ]
    stage: Annotated[
        Literal[TEMPLATE_STAGES],  # type: ignore[valid-type]
        BeforeValidator(_blank_to_none),
        Field(description="the decision form it serves", examples=["reply"]),
    ]
    category: Annotated[
        Literal[CATEGORY_CODES] | None,  # type: ignore[valid-type]
        BeforeValidator(_blank_to_none),
        Field(description="a catalog category (GET /categories); absent: every category", examples=["kesehatan"]),
    ] = None
    text: Annotated[
        TemplateText,
        Field(
            examples=["Yth. {citizen_name}, laporan {tracking_number} ({title}) sudah ditindaklanjuti oleh {agency}."]
        ),
    ]

    codes: ClassVar = {
        ("stage", "literal_error"): ("unknown_template_stage", {}),
        ("stage", "string_type"): ("unknown_template_stage", {}),
        ("category", "literal_error"): ("unknown_category", {}),
        ("category", "string_type"): ("unknown_category", {}),
    }
