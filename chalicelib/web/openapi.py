"""The OpenAPI 3.1 document of the HTTP API, generated from the app's routes and the pydantic models.

Why generated: the request schemas are the very models the parse functions validate with
(``domain/models.py``), so the document cannot drift from what the API accepts; the responses' models,
which nothing else reads, are ``web/schemas.py``. ``OPERATIONS`` names,
for each (method, path) of ``app.routes``, its request model, its answers and the problems it can
answer; ``document(routes)`` walks the routes, so a route missing here still appears (marked
``x-undocumented``, which a unit test refuses). ``GET /openapi.json`` serves it, ``GET /api-docs``
renders it for people (``docs/api.md``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter

from ..domain import models as m
from ..domain import sop
from ..domain.report import XLSX_CONTENT_TYPE
from . import schemas as resp
from .problems import CONTENT_TYPE as PROBLEM_JSON
from .problems import PROBLEMS

TITLE = "Aspirasi Kaltim API"
VERSION = "1.0"
REF = "#/components/schemas/{model}"
HTML = "text/html; charset=utf-8"
FORM = "application/x-www-form-urlencoded"
OPEN311_JSON, OPEN311_XML = "application/json; charset=utf-8", "text/xml; charset=utf-8"
STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    410: "Gone",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
SECURITY_SCHEMES = {
    "citizen": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A citizen's Cognito ID token (`id_token` from POST /auth/login): "
        "`Authorization: Bearer <id_token>`. Verified in our code: RS256 against the "
        "pool's JWKS, expiry, issuer, audience and token_use=id.",
    },
    "staff": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A staff member's Cognito ID token; the role is the Cognito group (`operator`, "
        "`diskominfo`, `supervisor`, `admin`, `opd-<CODE>`). A citizen's token gets 403.",
    },
}


@dataclass(frozen=True)
class Param:
    name: str
    where: str = "query"
    schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "string"})
    description: str = ""
    required: bool = False


@dataclass(frozen=True)
class Op:
    """One operation: who may call it, what it takes and what it answers."""

    summary: str
    tag: str
    security: str = "none"  # none, citizen, staff, link (the token in the path), api_key (Open311 form field)
    who: str = ""
    request: Any = None  # a model or TypeAdapter; JSON unless ``forms`` says more
    forms: bool = False  # also application/x-www-form-urlencoded (HTML forms)
    responses: Mapping[int, tuple[Any, str]] = field(default_factory=dict)  # status -> (model | media map, text)
    problems: tuple[int, ...] = ()
    params: tuple[Param, ...] = ()
    example: Any = None
    open311: bool = False


# Query parameters are lenient on purpose (a page must never fail over them): the schemas say so.
LIMIT = Param(
    "limit",
    schema={"type": "string", "examples": ["20"]},
    description="page size, a whole number; bounded to 1-100, anything else gets the default 20",
)
NEXT = Param("next_token", description="the `next_token` of the previous page")
LANG = Param(
    "lang",
    schema={"type": "string", "examples": ["en"]},
    description="`en` for English; anything else Indonesian (the default)",
)
IDEMPOTENCY = Param(
    "Idempotency-Key",
    "header",
    {"type": "string", "maxLength": 255},
    "a retry with the same key and body returns the first result (200) instead of a second one",
)
JURISDICTION = Param("jurisdiction_id", description="optional; ours if given")
PUBLIC_WHO = (
    "anyone, no login; each client address may read the register `PUBLIC_LIMIT_PER_MINUTE` times a minute "
    "(429 with Retry-After over it)"
)
OPEN_DATA_MONTH = Param(
    "month",
    schema={"type": "string", "examples": ["2026-11"]},
    description="YYYY-MM, a month in WITA; default the last whole month; a month not yet begun or another form: 422",
)
# Meta's webhook notification (object whatsapp_business_account, entry[].changes[].value.messages[] and
# statuses[]): Meta documents it; we read it tolerantly (domain/whatsapp_webhook.py).
WHATSAPP_PAYLOAD = TypeAdapter(dict[str, Any])
HTML_PAGE = ({HTML: {"schema": {"type": "string"}}}, "the page (HTML)")
NO_CONTENT: tuple[Any, str] = (None, "done")
STATIC_FILE = (
    {
        "text/javascript; charset=utf-8": {"schema": {"type": "string"}},
        "text/css; charset=utf-8": {"schema": {"type": "string"}},
    },
    "the file",
)
STATIC_VERSION = Param("v", description="the content's hash the page names the file with (any other: cached an hour)")
# Problems every route of ours can answer: 415 for a body that is neither JSON nor a form, and our 500.
COMMON = (415, 500)
BODY = (400, 413, 422)  # unreadable JSON, too large, invalid fields
AUTH = (401, 403, 503)  # no or bad token, not allowed, sign-in keys unavailable

_DECISION_EXAMPLE = {"decision": "accept"}
OPERATIONS: dict[tuple[str, str], Op] = {
    ("GET", "/"): Op("The citizen web page", "pages", params=(LANG,), responses={200: HTML_PAGE}),
    ("GET", "/staff"): Op("The staff console page", "pages", params=(LANG,), responses={200: HTML_PAGE}),
    ("GET", "/public"): Op(
        "The public register's page: search, map, one case (`?case=`), the agencies' scorecards, open data",
        "pages",
        params=(LANG,),
        responses={200: HTML_PAGE},
    ),
    ("GET", "/static/{name}"): Op(
        "The pages' scripts (`api.js`, `citizen.js`, `staff.js`, `public.js`); cached a year when `v` is its "
        "content's hash",
        "pages",
        params=(STATIC_VERSION,),
        responses={200: STATIC_FILE},
        problems=(404,),
    ),
    ("GET", "/static/vendor/leaflet/{name}"): Op(
        "The map library (Leaflet, vendored from npm: `leaflet.js`, `leaflet.css`), from our own origin",
        "pages",
        params=(STATIC_VERSION,),
        responses={200: STATIC_FILE},
        problems=(404,),
    ),
    ("GET", "/static/vendor/leaflet.markercluster/{name}"): Op(
        "The map's clusters (leaflet.markercluster, vendored from npm: `leaflet.markercluster.js`, "
        "`MarkerCluster.css`, `MarkerCluster.Default.css`), from our own origin",
        "pages",
        params=(STATIC_VERSION,),
        responses={200: STATIC_FILE},
        problems=(404,),
    ),
    ("POST", "/auth/register"): Op(
        "Register a citizen account",
        "accounts",
        request=m.RegisterRequest,
        responses={201: (resp.RegisterResponse, "registered; `confirmed` true where accounts are confirmed at once")},
        problems=(*BODY, 409, 429, 503),
        example={
            "email": "warga@example.id",
            "password": "Rahasia123",
            "name": "Siti Rahma",
            "phone": "+6281234567890",
        },
    ),
    ("POST", "/auth/confirm"): Op(
        "Confirm a new account with the emailed code (cloud)",
        "accounts",
        request=m.ConfirmRequest,
        responses={204: NO_CONTENT},
        problems=(*BODY, 401, 404, 409, 429, 503),
    ),
    ("POST", "/auth/login"): Op(
        "Log in (citizens and staff)",
        "accounts",
        request=m.LoginRequest,
        responses={200: (resp.TokensResponse, "the tokens")},
        problems=(*BODY, 401, 403, 429, 503),
        example={"email": "warga@example.id", "password": "Rahasia123"},
    ),
    ("POST", "/auth/forgot"): Op(
        "Forgot password: email a reset code (citizens and staff)",
        "accounts",
        request=m.ForgotPasswordRequest,
        responses={
            202: (
                resp.ForgotPasswordResponse,
                "the same for every well-formed address: a code is emailed if it has an account (at most 3 an hour)",
            )
        },
        problems=(*BODY, 429, 503),
        example={"email": "warga@example.id"},
    ),
    ("POST", "/auth/reset"): Op(
        "Set a new password with the emailed code",
        "accounts",
        request=m.ResetPasswordRequest,
        responses={204: (None, "the new password logs in; the old one no longer does")},
        problems=(*BODY, 429, 503),
        example={"email": "warga@example.id", "code": "123456", "new_password": "Sandi-Baru-2026"},
    ),
    ("GET", "/categories"): Op(
        "Categories, sub-categories and the agency of each",
        "complaints",
        responses={200: (TypeAdapter(list[resp.CategoryOut]), "the catalog")},
    ),
    ("GET", "/track/{tracking_number}"): Op(
        "Where a case stands, by its tracking number (no login; never who reported it, never its text)",
        "complaints",
        who="anyone, no login; counted per client address (429 with Retry-After over the limit). The number "
        "as people write it: case, spaces and dashes do not matter (`kt 7k3m 9qxd`), O for 0, I or L for 1",
        responses={200: (resp.TrackedCase, "the case's status, stage and the dates of each stage")},
        problems=(404, 429),
    ),
    # -- the public register (routes/register.py; docs/api.md "The public register", docs/open-data.md)
    ("GET", "/public/complaints"): Op(
        "The public register: listed complaints, newest first (no login; nobody's data, text masked)",
        "public register",
        who=PUBLIC_WHO,
        params=(
            Param(
                "q",
                description="words of the published (masked) title, description or answer, or a tracking "
                "number; at most 100 characters",
            ),
            Param("category", description="a category code (GET /categories)"),
            Param("subcategory", description="a sub-category code (of `category` when both are given)"),
            Param("opd", description="an agency code: complaints routed to it now"),
            Param("status", schema={"type": "string", "enum": ["open", "answered", "closed"]}),
            Param(
                "from",
                schema={"type": "string", "format": "date"},
                description="first day (WITA); default 365 days before `to`",
            ),
            Param(
                "to",
                schema={"type": "string", "format": "date"},
                description="last day (WITA), included; default today",
            ),
            Param("limit", schema={"type": "string", "examples": ["20"]}, description="1-50 (default 20); else 422"),
            NEXT,
        ),
        responses={200: (resp.PublicItemList, "a page (Cache-Control: public, max-age=60)")},
        problems=(422, 429),
    ),
    ("GET", "/public/complaints/{tracking_number}"): Op(
        "One complaint of the public register, with its stages and whether each kept the SOP's time",
        "public register",
        who=PUBLIC_WHO,
        responses={200: (resp.PublicCase, "the complaint (Cache-Control: public, max-age=60)")},
        problems=(404, 429),
    ),
    ("GET", "/public/open-data.json"): Op(
        "Open data: every listed complaint created in a month (WITA), CC BY 4.0",
        "public register",
        who=PUBLIC_WHO,
        params=(OPEN_DATA_MONTH, NEXT),
        responses={200: (resp.OpenData, "up to 5,000 rows, newest first; `next_token` when the month has more")},
        problems=(422, 429),
    ),
    ("GET", "/public/open-data.csv"): Op(
        "Open data as CSV (UTF-8 with BOM, RFC 4180), CC BY 4.0",
        "public register",
        who=PUBLIC_WHO,
        params=(OPEN_DATA_MONTH, NEXT),
        responses={
            200: (
                {"text/csv; charset=utf-8": {"schema": {"type": "string"}}},
                "a header row and up to 5,000 rows, newest first (the columns of the JSON's rows); "
                '`Link: <...>; rel="next"` when the month has more',
            )
        },
        problems=(422, 429),
    ),
    ("POST", "/complaints"): Op(
        "Submit a complaint",
        "complaints",
        "citizen",
        request=m.SubmissionRequest,
        params=(IDEMPOTENCY,),
        responses={
            201: (resp.ComplaintView, "the new complaint"),
            200: (resp.ComplaintView, "the complaint the same Idempotency-Key created before"),
        },
        problems=(*BODY, *AUTH, 429),
        example={
            "category": "kesehatan",
            "subcategory": "puskesmas",
            "title": "Antrean puskesmas terlalu lama",
            "description": "Setiap pagi antrean di Puskesmas Sempaja lebih dari tiga jam.",
            "location": "Puskesmas Sempaja, Samarinda",
            "lat": -0.452,
            "long": 117.155,
        },
    ),
    ("GET", "/complaints"): Op(
        "The caller's complaints, newest first",
        "complaints",
        "citizen",
        params=(LIMIT, NEXT),
        responses={200: (resp.ComplaintList, "a page")},
        problems=(*AUTH, 422),
    ),
    ("GET", "/complaints/{complaint_id}"): Op(
        "One of the caller's complaints: stage, due time, timeline, events, reply",
        "complaints",
        "citizen",
        responses={200: (resp.ComplaintView, "the complaint")},
        problems=(*AUTH, 404),
    ),
    ("POST", "/complaints/{complaint_id}/information"): Op(
        "Answer the question a stage asked",
        "complaints",
        "citizen",
        request=m.AnswerRequest,
        responses={200: (resp.ComplaintView, "the case; the stage resumes with the time it had left")},
        problems=(*BODY, *AUTH, 404, 409),
    ),
    ("POST", "/complaints/{complaint_id}/rating"): Op(
        "Rate the reply (once)",
        "complaints",
        "citizen",
        request=m.RatingRequest,
        responses={201: (resp.RatingOut, "recorded")},
        problems=(*BODY, *AUTH, 404, 409),
        example={"score": 4},
    ),
    ("POST", "/complaints/{complaint_id}/reopen"): Op(
        "Reopen an answered case (within the feedback window, at most twice)",
        "complaints",
        "citizen",
        request=m.ReopenRequest,
        responses={200: (resp.ComplaintView, "the case, back to classification")},
        problems=(*BODY, *AUTH, 404, 409),
    ),
    ("POST", "/complaints/{complaint_id}/attachments"): Op(
        "Announce a photo or document and get an S3 presigned POST for it",
        "complaints",
        "citizen",
        request=m.UploadRequestBody,
        responses={201: (resp.UploadSlot, "the upload slot")},
        problems=(*BODY, *AUTH, 404, 409),
        example={"filename": "foto-antrean.jpg", "content_type": "image/jpeg", "size": 482113},
    ),
    ("GET", "/me/data"): Op(
        "Download everything held about the caller (UU PDP)",
        "personal data",
        "citizen",
        responses={200: (resp.PersonalDataExport, "the data, as a JSON download")},
        problems=AUTH,
    ),
    ("PATCH", "/me"): Op(
        "Correct the caller's name or phone",
        "personal data",
        "citizen",
        request=m.CorrectionRequest,
        responses={200: (resp.CorrectionResult, "corrected")},
        problems=(*BODY, *AUTH),
        example={"name": "Siti Rahmawati"},
    ),
    ("DELETE", "/me"): Op(
        "Close the caller's account and erase their personal data",
        "personal data",
        "citizen",
        request=m.ClosureRequest,
        responses={204: NO_CONTENT},
        problems=(*BODY, *AUTH),
    ),
    ("GET", "/ratings/{link_token}"): Op(
        "The rating page of a reply email's link (records nothing)",
        "links",
        "link",
        params=(Param("score", schema={"type": "string", "enum": ["1", "2", "3", "4", "5"]}),),
        responses={200: HTML_PAGE},
        problems=(404, 409, 410),
    ),
    ("POST", "/ratings/{link_token}"): Op(
        "Rate a reply from its email link",
        "links",
        "link",
        request=m.RatingRequest,
        forms=True,
        responses={
            201: (
                {
                    "application/json": {"schema": {"$ref": REF.format(model="RatingOut")}},
                    HTML: {"schema": {"type": "string"}},
                },
                "recorded (JSON, or a page for a form)",
            )
        },
        problems=(*BODY, 404, 409, 410),
    ),
    ("GET", "/actions/{link_token}"): Op(
        "Describe the decision an emailed link asks for (changes nothing)",
        "links",
        "link",
        responses={
            200: (
                {
                    HTML: {"schema": {"type": "string"}},
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "description": "`stage`, `allowed`, the case (with `Accept: application/json`)",
                        }
                    },
                },
                "the decision page, or its JSON",
            )
        },
        problems=(404, 409, 410),
    ),
    ("POST", "/actions/{link_token}"): Op(
        "Decide the stage an emailed link belongs to (once)",
        "links",
        "link",
        request=m.LinkDecisionRequest,
        forms=True,
        responses={
            200: (
                {
                    "application/json": {"schema": {"$ref": REF.format(model="DecisionResult")}},
                    HTML: {"schema": {"type": "string"}},
                },
                "decided (JSON, or a page for a form); a form's reject, duplicate, not_our_authority or reply "
                "without `confirm=1` only shows the page to check it (docs/api.md)",
            )
        },
        problems=(*BODY, 404, 409, 410, 503),
        example=_DECISION_EXAMPLE,
    ),
    ("GET", "/staff/me"): Op(
        "Who is signed in: roles, permissions, queues",
        "staff",
        "staff",
        responses={200: (resp.StaffMe, "the member")},
        problems=AUTH,
    ),
    ("GET", "/staff/work-items"): Op(
        "The caller's queues, earliest due first",
        "staff",
        "staff",
        params=(
            Param(
                "state",
                schema={"type": "string", "enum": ["open", "overdue"], "default": "open"},
                description="`open` (default) or `overdue`; anything else 422",
            ),
            LIMIT,
            NEXT,
        ),
        responses={200: (resp.WorkItemList, "a page")},
        problems=(*AUTH, 422),
    ),
    ("GET", "/staff/complaints"): Op(
        "Find a case by its tracking number, or list every case the caller may see (filters, newest first)",
        "staff",
        "staff",
        params=(
            Param(
                "tracking_number",
                description="KT-XXXX-XXXX, with or without dashes: that case only (the other parameters are not read)",
            ),
            Param("status", schema={"type": "string", "enum": ["open", "answered", "closed"]}),
            Param("stage", schema={"type": "string", "enum": list(sop.STAGE_NAMES)}, description="the current stage"),
            Param(
                "opd", description="an agency code: every case ever routed to it (an agency: its own only, else 403)"
            ),
            Param("channel", description="web, open311 or a staff channel (phone, walk_in, letter, ...)"),
            Param("category", description="a category code (GET /categories)"),
            Param(
                "from",
                schema={"type": "string", "format": "date"},
                description="first day (WITA); default 12 months before `to`",
            ),
            Param(
                "to",
                schema={"type": "string", "format": "date"},
                description="last day (WITA), included; default today",
            ),
            Param(
                "q",
                description="tracking number (as read out) or words of the title, case-insensitive; applied to the "
                "cases read, so a page may be short while `next_token` says there is more",
            ),
            Param("limit", schema={"type": "string", "examples": ["20"]}, description="1-50 (default 20); else 422"),
            NEXT,
        ),
        responses={
            200: (
                resp.StaffCaseList,
                "with `tracking_number`: the case, if the caller may see it; without: a page of `CaseListEntry` "
                "(id, tracking_number, title, status, stage, category, opd, channel, submitted_at, due_at?, overdue), "
                "newest first: an agency sees every case ever routed to it",
            )
        },
        problems=(*AUTH, 422),
    ),
    ("POST", "/staff/complaints"): Op(
        "Enter a complaint that came by phone, in person, by letter, ... (operators)",
        "staff",
        "staff",
        request=m.EntryRequest,
        params=(IDEMPOTENCY,),
        responses={
            201: (resp.StaffCase, "the new case"),
            200: (resp.StaffCase, "the case entered before with this Idempotency-Key or external_ref"),
        },
        problems=(*BODY, *AUTH, 409, 429),
        example={
            "channel": "phone",
            "reporter": {"name": "Ani Wijaya", "phone": "0812-3456-7890"},
            "category": "kesehatan",
            "subcategory": "puskesmas",
            "title": "Antrean puskesmas",
            "description": "Pelapor menelepon: antrean lebih dari tiga jam.",
        },
    ),
    ("GET", "/staff/complaints/{complaint_id}"): Op(
        "A case as staff see it: stages, audit, emails, reporter, decisions",
        "staff",
        "staff",
        responses={200: (resp.StaffCase, "the case")},
        problems=(*AUTH, 404),
    ),
    ("POST", "/staff/complaints/{complaint_id}/information"): Op(
        "Record the answer a reporter gave by phone, in person or by letter (operators)",
        "staff",
        "staff",
        request=m.AnswerRequest,
        responses={200: (resp.StaffCase, "the case")},
        problems=(*BODY, *AUTH, 404, 409),
    ),
    ("POST", "/staff/complaints/{complaint_id}/decision"): Op(
        "Decide the case's current stage from the console",
        "staff",
        "staff",
        request=m.StaffDecisionRequest,
        responses={200: (resp.DecisionResult, "decided")},
        problems=(*BODY, *AUTH, 404, 409),
        example={"stage": "intake", "decision": "accept"},
    ),
    ("GET", "/staff/reports/sla"): Op(
        "The SLA report of a period (supervisor, Diskominfo, admin)",
        "staff",
        "staff",
        params=(
            Param(
                "from",
                schema={"type": "string", "examples": ["2026-11-01"]},
                description="first day, YYYY-MM-DD (WITA); absent or empty: the month's first day; else 422",
            ),
            Param(
                "to",
                schema={"type": "string", "examples": ["2026-11-30"]},
                description="last day, YYYY-MM-DD (WITA); absent or empty: today; else 422",
            ),
            Param(
                "format",
                schema={"type": "string", "examples": ["json", "csv", "xlsx", "svg"]},
                description="json (default), csv, xlsx or svg; anything else 422",
            ),
            LANG,
        ),
        responses={
            200: (
                {
                    "application/json": {"schema": {"$ref": REF.format(model="SlaReport")}},
                    "text/csv; charset=utf-8": {"schema": {"type": "string"}},
                    XLSX_CONTENT_TYPE: {"schema": {"type": "string", "contentEncoding": "binary"}},
                    "image/svg+xml; charset=utf-8": {"schema": {"type": "string"}},
                },
                "the figures (docs/sla-report.md)",
            )
        },
        problems=(*AUTH, 422),
    ),
    ("GET", "/public/agencies"): Op(
        "The agencies' scorecards: received, answered, share within the SOP, median time, rating (no login)",
        "public register",
        who="anyone, no login; counted per client address (429 with Retry-After over the limit); "
        "`Cache-Control: public, max-age=300`. Whole months only (read from the month's running totals)",
        params=(
            Param(
                "from",
                schema={"type": "string", "examples": ["2026-01-01"]},
                description="the first of a month, YYYY-MM-DD (WITA); absent or empty: 1 January of this year",
            ),
            Param(
                "to",
                schema={"type": "string", "examples": ["2026-03-31"]},
                description="the last day of a month, or today or later in the current month; absent or empty: "
                "today. At most 36 months; anything else 422 (`whole_months`, `period_too_long`)",
            ),
        ),
        responses={200: (resp.AgencyScorecards, "every agency, sorted by name (docs/sla-report.md)")},
        problems=(422, 429),
    ),
    ("GET", "/staff/members"): Op(
        "Staff accounts (admin)",
        "admin",
        "staff",
        responses={200: (resp.MemberList, "every account in a staff group")},
        problems=AUTH,
    ),
    ("POST", "/staff/members"): Op(
        "Invite a staff member (admin)",
        "admin",
        "staff",
        request=m.InviteRequest,
        responses={201: (resp.MemberOut, "invited")},
        problems=(*BODY, *AUTH, 409),
        example={"email": "petugas@aspirasi.kaltimprov.go.id", "name": "Budi Santoso", "groups": ["operator"]},
    ),
    ("DELETE", "/staff/members/{email}"): Op(
        "Disable a staff account (admin; never the last admin, never oneself: 409 self-disable)",
        "admin",
        "staff",
        responses={204: NO_CONTENT},
        problems=(*AUTH, 404, 409),
    ),
    ("POST", "/staff/members/{email}/enable"): Op(
        "Enable a disabled staff account again (admin; its tokens from before the disabling stay refused)",
        "admin",
        "staff",
        responses={204: (None, "enabled (also when it was enabled already)")},
        problems=(*AUTH, 404),
    ),
    ("GET", "/staff/api-keys"): Op(
        "Open311 clients' keys (admin)",
        "admin",
        "staff",
        responses={200: (resp.ApiKeyList, "newest first")},
        problems=AUTH,
    ),
    ("POST", "/staff/api-keys"): Op(
        "Issue a key for an organisation (admin): shown this once",
        "admin",
        "staff",
        request=m.ApiKeyRequest,
        responses={201: (resp.IssuedApiKey, "the key")},
        problems=(*BODY, *AUTH, 409),
        example={"organisation": "Kota Samarinda"},
    ),
    ("DELETE", "/staff/api-keys/{key_id}"): Op(
        "Revoke a key (admin)", "admin", "staff", responses={204: NO_CONTENT}, problems=(*AUTH, 404)
    ),
    ("GET", "/staff/templates"): Op(
        "Reply templates (any staff), in the SOP's order of stages",
        "staff",
        "staff",
        params=(
            Param("stage", description="opd_response, review, reply or request_information; else 422"),
            Param("category", description="a category's templates and those for every category; unknown: 422"),
        ),
        responses={200: (resp.ReplyTemplateList, "the templates")},
        problems=(*AUTH, 422),
    ),
    ("POST", "/staff/templates"): Op(
        "Add a reply template (Diskominfo, admin; at most 200)",
        "staff",
        "staff",
        request=m.TemplateRequest,
        responses={201: (resp.ReplyTemplateOut, "added; Location names it")},
        problems=(*BODY, *AUTH, 409),
        example={
            "name": "Terima kasih, sudah ditindaklanjuti",
            "stage": "reply",
            "category": "kesehatan",
            "text": "Yth. {citizen_name}, laporan {tracking_number} ({title}) sudah ditindaklanjuti oleh {agency}.",
        },
    ),
    ("PUT", "/staff/templates/{template_id}"): Op(
        "Replace a reply template (Diskominfo, admin)",
        "staff",
        "staff",
        request=m.TemplateRequest,
        responses={200: (resp.ReplyTemplateOut, "the template")},
        problems=(*BODY, *AUTH, 404),
    ),
    ("DELETE", "/staff/templates/{template_id}"): Op(
        "Delete a reply template (Diskominfo, admin)",
        "staff",
        "staff",
        responses={204: NO_CONTENT},
        problems=(*AUTH, 404),
    ),
    ("GET", "/channels/whatsapp/webhook"): Op(
        "WhatsApp Cloud API webhook: Meta's verification handshake",
        "channels",
        who="Meta, when the webhook is registered (the verify token is in the WhatsApp secret)",
        params=(
            Param("hub.mode", schema={"type": "string", "enum": ["subscribe"]}, required=True),
            Param("hub.verify_token", description="must equal the channel's verify token", required=True),
            Param("hub.challenge", description="answered back as the body", required=True),
        ),
        responses={200: ({"text/plain; charset=utf-8": {"schema": {"type": "string"}}}, "`hub.challenge`")},
        problems=(403, 404),
    ),
    ("POST", "/channels/whatsapp/webhook"): Op(
        "WhatsApp Cloud API webhook: messages and statuses, queued at once",
        "channels",
        who="Meta's servers: `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body with the app secret>`",
        params=(
            Param(
                "X-Hub-Signature-256",
                "header",
                {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
                "checked over the body's exact bytes before it is read; missing or wrong: 401, nothing queued",
                required=True,
            ),
        ),
        request=WHATSAPP_PAYLOAD,
        responses={200: ({"application/json": {"schema": {"type": "object"}}}, "`{}`: queued")},
        problems=(401, 404, 413),
    ),
    ("GET", "/openapi.json"): Op(
        "This document (OpenAPI 3.1)",
        "documentation",
        responses={200: ({"application/json": {"schema": {"type": "object"}}}, "OpenAPI")},
    ),
    ("GET", "/api-docs"): Op("This document, rendered for people", "documentation", responses={200: HTML_PAGE}),
}

# -- Open311 GeoReport v2: its own formats and error shape ------------------------------------------
_O311 = "/open311/v2"
_O311_GET = (400, 404, 500)
_O311_DOCS: dict[str, tuple[str, Any, str]] = {
    "discovery": ("Service discovery", {"type": "object"}, "contact, key service, endpoints and formats"),
    "services": (
        "Service list: one service per sub-category",
        {"type": "array", "items": {"type": "object"}},
        "the services",
    ),
    "requests": (
        "Search public service requests (by ids, or dates, service codes and status)",
        {"type": "array", "items": {"type": "object"}},
        "a page: the newest 50, or page_size (1-200); at most OPEN311_SEARCH_LIMIT_PER_MINUTE searches a minute "
        "per client address (429 with Retry-After beyond)",
    ),
}
for _name, (_summary, _schema, _text) in _O311_DOCS.items():
    for _ext, _media in (("json", OPEN311_JSON), ("xml", OPEN311_XML)):
        _body_schema = _schema if _ext == "json" else {"type": "string"}
        _params = (
            (JURISDICTION,)
            if _name != "requests"
            else (
                JURISDICTION,
                Param("service_request_id", description="comma-separated tracking numbers"),
                Param("service_code"),
                Param("start_date", description="W3C date-time"),
                Param("end_date", description="W3C date-time"),
                Param("status", description="open, closed or both (comma-separated); empty: both"),
                Param("page_size", description="requests to answer, 1-200 (default 50), newest first"),
            )
        )
        OPERATIONS[("GET", f"{_O311}/{_name}.{_ext}")] = Op(
            _summary,
            "open311",
            open311=True,
            params=_params,
            responses={200: ({_media: {"schema": _body_schema}}, _text)},
            problems=_O311_GET if _name != "requests" else (*_O311_GET, 429),
        )
for _ext, _media in (("json", OPEN311_JSON), ("xml", OPEN311_XML)):
    OPERATIONS[("POST", f"{_O311}/requests.{_ext}")] = Op(
        "Create a service request (form-encoded, with api_key)",
        "open311",
        "api_key",
        open311=True,
        params=(IDEMPOTENCY,),
        request=resp.Open311RequestForm,
        responses={
            200: (
                {
                    _media: {
                        "schema": {"type": "array", "items": {"type": "object"}}
                        if _ext == "json"
                        else {"type": "string"}
                    }
                },
                "`[{service_request_id, service_notice, account_id}]`",
            )
        },
        problems=(400, 403, 404, 409, 413, 429, 500),
    )
_BOTH = {OPEN311_JSON: {"schema": {}}, OPEN311_XML: {"schema": {"type": "string"}}}
OPERATIONS[("GET", f"{_O311}/services/{{service_file}}")] = Op(
    "Service definition (`kesehatan.puskesmas.json`)",
    "open311",
    open311=True,
    params=(JURISDICTION,),
    responses={200: (_BOTH, "`{service_code, attributes: []}`")},
    problems=_O311_GET,
)
OPERATIONS[("GET", f"{_O311}/requests/{{request_file}}")] = Op(
    "One public service request (`KT-XXXX-XXXX.json`)",
    "open311",
    open311=True,
    params=(JURISDICTION,),
    responses={200: (_BOTH, "a list of one request")},
    problems=_O311_GET,
)
OPERATIONS[("GET", f"{_O311}/tokens/{{token_file}}")] = Op(
    "Resolve a token (a tracking number is its own token)",
    "open311",
    open311=True,
    params=(JURISDICTION,),
    responses={200: (_BOTH, "`[{service_request_id, token}]`")},
    problems=_O311_GET,
)

WHO = {
    "none": "anyone",
    "citizen": "a citizen (Cognito ID token)",
    "staff": "staff (Cognito ID token)",
    "link": "whoever holds the emailed link (the token in the path)",
    "api_key": "an Open311 client (`api_key` form field)",
}


class _Schemas:
    """Components collected while the document is built: each model once, under its own name."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, source: Any, mode: Literal["validation", "serialization"]) -> dict[str, Any]:
        if isinstance(source, type) and issubclass(source, BaseModel):
            schema = source.model_json_schema(ref_template=REF, mode=mode)
            self.components.update(schema.pop("$defs", {}))
            self.components[source.__name__] = schema
            return {"$ref": REF.format(model=source.__name__)}
        if isinstance(source, TypeAdapter):
            schema = source.json_schema(ref_template=REF, mode=mode)
            self.components.update(schema.pop("$defs", {}))
            return schema
        raise TypeError(f"not a model: {source!r}")


def _problem_response(status: int, schemas: _Schemas, open311: bool) -> dict[str, Any]:
    if open311:
        errors = schemas.ref(TypeAdapter(list[resp.Open311Error]), "serialization")
        return {
            "description": f"{STATUS_TEXT[status]}: Open311 errors `[{{code, description}}]`",
            "content": {OPEN311_JSON: {"schema": errors}, OPEN311_XML: {"schema": {"type": "string"}}},
        }
    codes = sorted(code for code, spec in PROBLEMS.items() if spec[0] == status)
    response: dict[str, Any] = {
        "description": f"{STATUS_TEXT[status]}: a problem document ({', '.join(codes) or 'problem'}); "
        "an HTML page when the client asks for text/html",
        "content": {
            PROBLEM_JSON: {"schema": schemas.ref(resp.ProblemDocument, "serialization")},
            HTML: {"schema": {"type": "string"}},
        },
    }
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
    if status in (429, 503):
        response["headers"] = {
            "Retry-After": {"schema": {"type": "string"}, "description": "seconds to wait (when the limit says)"}
        }
    return response


def _operation(method: str, path: str, op: Op, schemas: _Schemas) -> dict[str, Any]:
    out: dict[str, Any] = {
        "summary": op.summary,
        "tags": [op.tag],
        "operationId": f"{method.lower()}{path.replace('/', '_').replace('{', '').replace('}', '')}".replace(
            ".", "_"
        ).replace("-", "_"),
        "description": f"**Who:** {op.who or WHO[op.security]}.",
    }
    out["security"] = [{op.security: []}] if op.security in SECURITY_SCHEMES else []
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in _path_params(path)
    ]
    parameters += [
        {
            "name": p.name,
            "in": p.where,
            "required": p.required,
            "schema": dict(p.schema),
            **({"description": p.description} if p.description else {}),
        }
        for p in op.params
    ]
    if parameters:
        out["parameters"] = parameters
    if op.request is not None:
        schema = schemas.ref(op.request, "validation")
        content: dict[str, Any] = {}
        if not op.open311:
            content["application/json"] = {"schema": schema}
            if op.example is not None:
                content["application/json"]["example"] = op.example
        if op.forms or op.open311:
            content[FORM] = {"schema": schema}
        out["requestBody"] = {"required": True, "content": content}
    responses: dict[str, Any] = {}
    for status, (source, text) in sorted(op.responses.items()):
        response: dict[str, Any] = {"description": text}
        if isinstance(source, dict):
            response["content"] = source
        elif source is not None:
            response["content"] = {"application/json": {"schema": schemas.ref(source, "serialization")}}
        if status == 201 and path.startswith(("/complaints", "/staff/")) and method == "POST":
            response["headers"] = {"Location": {"schema": {"type": "string"}}}
        responses[str(status)] = response
    problems = op.problems if op.open311 else (*op.problems, *COMMON)
    for status in sorted(set(problems)):
        responses[str(status)] = _problem_response(status, schemas, op.open311)
    out["responses"] = responses
    return out


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def document(routes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (Chalice's ``app.routes``: path -> method -> entry)."""
    schemas = _Schemas()
    # Response models referenced by media maps (not by the registry) go in too.
    for model in (resp.RatingOut, resp.DecisionResult, resp.SlaReport):
        schemas.ref(model, "serialization")
    paths: dict[str, Any] = {}
    for path in sorted(routes):
        for method in sorted(routes[path]):
            op = OPERATIONS.get((method, path))
            if op is None:
                item = {
                    "summary": routes[path][method].view_name,
                    "x-undocumented": True,
                    "responses": {"default": {"description": "not documented yet"}},
                }
            else:
                item = _operation(method, path, op, schemas)
            paths.setdefault(path, {})[method.lower()] = item
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "summary": "Public aspiration and complaint service of East Kalimantan (Pelayanan Aspirasi dan "
            "Pengaduan Masyarakat)",
            "description": "JSON unless noted. Errors are RFC 9457 `application/problem+json` in Indonesian and "
            "English (`title`, `detail`, `messages.id`, `messages.en`, per-field `errors[]` with "
            "`field`, `code` and `message`). Open311 GeoReport v2 under `/open311/v2` answers XML "
            "or JSON and its own errors `[{code, description}]`. Decisions per stage: "
            + "; ".join(f"`{s.name}`: " + ", ".join(o.name for o in s.outcomes) for s in sop.STAGES)
            + ". Human view: `/api-docs`; guide: docs/api.md.",
        },
        "tags": [
            {"name": t}
            for t in (
                "accounts",
                "complaints",
                "personal data",
                "links",
                "staff",
                "admin",
                "open311",
                "channels",
                "public register",
                "pages",
                "documentation",
            )
        ],
        "paths": paths,
        "components": {"schemas": dict(sorted(schemas.components.items())), "securitySchemes": SECURITY_SCHEMES},
    }


# -- the rendered view (GET /api-docs) ---------------------------------------------------------------
def _type_of(schema: Mapping[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "const" in schema:
        return f'"{schema["const"]}"'
    if "enum" in schema:
        return " | ".join(f'"{v}"' if isinstance(v, str) else str(v) for v in schema["enum"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(_type_of(s) for s in schema[key])
    if schema.get("type") == "array":
        return f"[{_type_of(schema.get('items', {}))}]"
    return str(schema.get("type", "any"))


def _rules(schema: Mapping[str, Any]) -> str:
    rules = []
    for s in [schema, *schema.get("anyOf", [])]:
        for key, label in (
            ("minLength", "min length"),
            ("maxLength", "max length"),
            ("minimum", "≥"),
            ("maximum", "≤"),
            ("pattern", "pattern"),
            ("minItems", "min items"),
        ):
            if key in s:
                rules.append(f"{label} {s[key]}")
    if "default" in schema:
        rules.append(f"default {schema['default']!r}")
    return ", ".join(rules)


def _fields(schema: Mapping[str, Any], components: Mapping[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type_of(prop),
            "required": name in required,
            "rules": _rules(prop),
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def view(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What the api-docs page shows: operations by tag, request fields and answers, and every schema."""
    components = doc["components"]["schemas"]
    ops: dict[str, list[dict[str, Any]]] = {}
    for path, methods in doc["paths"].items():
        for method, item in methods.items():
            body: dict[str, Any] = item.get("requestBody", {}).get("content", {})
            schema = next(iter(body.values())).get("schema") if body else None
            ops.setdefault((item.get("tags") or ["other"])[0], []).append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": item.get("summary", ""),
                    "who": item.get("description", "").removeprefix("**Who:** ").rstrip("."),
                    "security": ", ".join(k for s in item.get("security", []) for k in s) or "none",
                    "request": [
                        part["$ref"].rsplit("/", 1)[-1] for part in [schema, *schema.get("anyOf", [])] if "$ref" in part
                    ]
                    if schema
                    else None,
                    "request_types": list(body),
                    "params": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "type": _type_of(p.get("schema", {})),
                            "description": p.get("description", ""),
                        }
                        for p in item.get("parameters", [])
                    ],
                    "responses": [
                        {"status": status, "description": r.get("description", ""), "types": list(r.get("content", {}))}
                        for status, r in item.get("responses", {}).items()
                    ],
                }
            )
    schemas = [
        {
            "name": name,
            "description": s.get("description", ""),
            "fields": _fields(s, components),
            "variants": [_type_of(v) for v in s.get("anyOf", s.get("oneOf", []))],
        }
        for name, s in components.items()
    ]
    return {
        "title": doc["info"]["title"],
        "version": doc["info"]["version"],
        "description": doc["info"]["description"],
        "groups": [{"tag": t, "operations": o} for t, o in ops.items()],
        "schemas": schemas,
        "security": doc["components"]["securitySchemes"],
    }
