"""The bodies the API answers with, as pydantic models that only ``web/openapi.py`` reads: the document's
response schemas, and the Open311 form (domain/georeport.py parses it by hand, as the spec's form is loose). The
request bodies are elsewhere, in ``domain/models.py``: the use cases validate with those, so what the document
shows is what they accept.

Imported by openapi.py only (pydantic is not for a cold start). Grouped by the routes that answer with them
(``web/routes/``); a model's class name is its name in ``/openapi.json``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


# -- accounts (routes/accounts.py) ---------------------------------------------------------------
class RegisterResponse(BaseModel):
    email: str
    confirmed: bool


class ForgotPasswordResponse(BaseModel):
    email: str = Field(description="the address as given (lower case); the same answer whether it has an account")


class TokensResponse(BaseModel):
    id_token: str = Field(description="send as Authorization: Bearer <id_token>")
    access_token: str
    refresh_token: str | None = None
    expires_in: int


# -- public (routes/public.py) -------------------------------------------------------------------
class Label(BaseModel):
    id: str
    en: str


class CodeName(BaseModel):
    code: str
    name: str


class CategoryOut(BaseModel):
    code: str
    name: str
    subcategories: list[CodeName]
    opd: CodeName | None = None


class TrackedStage(BaseModel):
    stage: str = Field(examples=["opd_response"])
    entered_at: str
    completed_at: str | None = Field(None, description="absent while the stage is under way")


class TrackedCase(BaseModel):
    """``GET /track/{tracking_number}``: where a case stands. Never who reported it, never its text."""

    tracking_number: str = Field(examples=["KT-7K3M-9QXD"])
    status: Literal["open", "answered", "closed"]
    stage: str | None = Field(None, examples=["opd_response"])
    category: str = Field(examples=["kesehatan"])
    category_name: str = Field(examples=["Kesehatan"])
    opd: str | None = Field(None, description="the agency's code, once the case is routed to one", examples=["DINKES"])
    opd_name: str | None = Field(None, examples=["Dinas Kesehatan"])
    submitted_at: str
    answered_at: str | None = Field(None, description="absent until the reply is sent")
    closed_at: str | None = Field(None, description="absent until the case closes")
    stages: list[TrackedStage] = Field(description="each stage visit in order (a stage may come twice)")


# -- the public register (routes/register.py) -----------------------------------------------------
class PublicItem(BaseModel):
    """A listed complaint as anyone reads it: named fields only; the text masked (emails, phone numbers, the
    reporter's name); the point rounded to 3 decimals, none for a sensitive sub-category."""

    tracking_number: str = Field(examples=["KT-7K3M-9QXD"])
    title: str = Field(description="masked: [email], [telepon], [nama]")
    description: str = Field(description="masked as the title")
    category: str = Field(examples=["kesehatan"])
    category_name: str
    subcategory: str
    subcategory_name: str
    opd: str | None = Field(None, description="the agency it was routed to (absent until routed)")
    opd_name: str | None = None
    status: Literal["open", "answered", "closed"]
    stage: str = Field(examples=["opd_response"])
    stage_label: Label
    submitted_at: str
    answered_at: str | None = Field(None, description="absent until the reply is sent")
    answer: str | None = Field(None, description="the reply to the reporter, masked as the title")
    lat: float | None = Field(None, description="WGS84, 3 decimals; absent when none or sensitive")
    long: float | None = Field(None, description="WGS84, 3 decimals; absent when none or sensitive")


class PublicItemList(BaseModel):
    items: list[PublicItem]
    next_token: str | None = Field(None, description="absent on the last page; a page may be short before it")


class PublicStage(BaseModel):
    stage: str
    label: Label
    entered_at: str
    completed_at: str | None = Field(None, description="absent while the stage is under way")
    due_at: str = Field(description="when the SOP wanted it done")
    on_time: bool | None = Field(description="done by due_at; false if late or open past it; null if open, not due")


class PublicCase(PublicItem):
    stages: list[PublicStage]
    sop_outcome: Literal["met", "breached"] | None = Field(None, description="the SOP's whole-case target, once closed")


class OpenDataRow(BaseModel):
    """A row of the open data: a ``PublicItem`` without ``stage_label`` (docs/open-data.md)."""

    tracking_number: str
    title: str
    description: str
    category: str
    category_name: str
    subcategory: str
    subcategory_name: str
    opd: str | None = None
    opd_name: str | None = None
    status: Literal["open", "answered", "closed"]
    stage: str
    submitted_at: str
    answered_at: str | None = None
    answer: str | None = None
    lat: float | None = None
    long: float | None = None


class OpenData(BaseModel):
    month: str = Field(examples=["2026-11"], description="a month in WITA")
    generated_at: str
    licence: Literal["CC BY 4.0"]
    source: str = Field(examples=["Aspirasi Kaltim, Diskominfo Provinsi Kalimantan Timur"])
    count: int = Field(description="rows in this answer")
    items: list[OpenDataRow]
    next_token: str | None = Field(None, description="more rows of the month: ask again with it")


# -- a citizen's complaints (routes/complaints.py, routes/attachments.py) --------------------------
class PendingQuestion(BaseModel):
    question: str
    asked_at: str
    stage: str


class TimelineEntry(BaseModel):
    step: int
    stage: str
    label: Label
    entered_at: str | None = None
    due_at: str | None = None
    completed_at: str | None = None
    overdue: bool
    sla: str | None = None
    business_minutes: float | int | None = None


class Attachment(BaseModel):
    id: str
    filename: str
    content_type: str
    size: int | None = None
    status: str
    url: str | None = Field(None, description="a presigned GET valid 5 minutes that downloads the checked file")
    view_url: str | None = Field(None, description="a PDF only: the same link shown in the browser (inline)")


class ComplaintView(BaseModel):
    """A complaint as its citizen sees it."""

    id: str
    tracking_number: str = Field(examples=["KT-7K3M-9QXD"])
    status: Literal["open", "answered", "closed"]
    stage: str | None = None
    due_at: str | None = None
    overdue: bool
    sop_due_at: str | None = None
    sop_outcome: str | None = None
    kind: str | None = None
    category: CodeName
    subcategory: CodeName
    title: str
    description: str
    location: str | None = None
    lat: float | None = Field(None, description="WGS84 decimal degrees (the map's pin); null when none")
    long: float | None = Field(None, description="WGS84 decimal degrees (the map's pin); null when none")
    anonymous: bool
    confidential: bool
    created_at: str
    updated_at: str | None = None
    reply: str | None = None
    answered_at: str | None = None
    closed_at: str | None = None
    close_reason: str | None = None
    pending_question: PendingQuestion | None = None
    rating: dict[str, Any] | None = None
    may_rate: bool
    feedback_ends_at: str | None = None
    reopens: int
    may_reopen: bool
    timeline: list[TimelineEntry]
    events: list[dict[str, Any]]
    attachments: list[Attachment] = []
    opd: CodeName | None = None
    duplicate_of: dict[str, Any] | None = None


class ComplaintSummary(BaseModel):
    id: str
    tracking_number: str
    status: str
    stage: str | None = None
    title: str
    category: str
    created_at: str
    overdue: bool


class ComplaintList(BaseModel):
    items: list[ComplaintSummary]
    next_token: str | None = Field(None, description="send as next_token for the next page; absent on the last")


class RatingOut(BaseModel):
    score: int
    comment: str | None = None
    at: str


class UploadSlot(BaseModel):
    """An S3 presigned POST for one file: post ``fields`` and then the file to ``url``."""

    id: str
    filename: str
    content_type: str
    size: int
    status: Literal["pending"]
    upload: dict[str, Any]
    upload_expires_at: str


# -- personal data (routes/privacy.py) -------------------------------------------------------------
class PersonalDataExport(BaseModel):
    """``GET /me/data``: everything held about the caller (UU PDP Pasal 7 and 13)."""

    model_config = {"extra": "allow"}
    exported_at: str
    account: dict[str, Any] | None = None
    complaints: list[dict[str, Any]]


class CorrectionResult(BaseModel):
    model_config = {"extra": "allow"}
    account: dict[str, Any] | None = None
    complaints_corrected: int


# -- decisions (routes/links.py, routes/staff.py) ----------------------------------------------------
class DecisionResult(BaseModel):
    """What a decision led to."""

    stage: str
    outcome: str
    leads_to: str
    sla: str | None = Field(None, description="met or breached")


# -- staff (routes/staff.py) ---------------------------------------------------------------------
class AuditSummary(BaseModel):
    id: str = Field(description="the entry as a sentence in Indonesian: when (WITA), who (a role or team), what")
    en: str = Field(description="the same in English")


class OfferedTemplate(BaseModel):
    id: str
    name: str
    stage: str = Field(description="the form it serves: the current stage's, or request_information")
    text: str = Field(description="filled for the case ({citizen_name} of an anonymous report: Bapak/Ibu)")


class ReplyTemplateOut(BaseModel):
    id: str
    name: str
    stage: str = Field(description="opd_response, review, reply or request_information")
    category: str | None = Field(None, description="absent: every category")
    text: str = Field(description="with its placeholders, as written")


class ReplyTemplateList(BaseModel):
    items: list[ReplyTemplateOut]


class WhatsAppThreadMessage(BaseModel):
    """One message of a WhatsApp case's conversation (the citizen's or ours), oldest first."""

    at: str
    direction: str = Field(description="in (from the citizen) or out (from Aspirasi Kaltim)")
    text: str
    kind: str = Field(description="text, location, image or template")
    status: str | None = Field(
        None, description="ours only: sent, delivered, read or failed (what WhatsApp last reported)"
    )


class StaffCase(ComplaintView):
    """The case as staff see it: the citizen's view plus channel, reporter, work items, audit, emails."""

    channel: str | None = None
    external_ref: str | None = None
    reporter: dict[str, Any] | None = None
    work_items: list[dict[str, Any]] = []
    audit: list[dict[str, Any]] = Field(
        [],
        description="{at, actor, action, stage, details, summary}; summary is an AuditSummary {id, en}: the "
        "sentence people read (no internal id, raw key or UTC stamp)",
    )
    emails: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    templates: list[OfferedTemplate] = Field(
        [], description="the current stage's reply templates (and questions, where it may ask), filled for the case"
    )
    whatsapp: list[WhatsAppThreadMessage] | None = Field(
        None, description="a case of channel whatsapp only: its WhatsApp conversation, oldest first"
    )


class CaseListEntry(BaseModel):
    """A line of the staff's case list (GET /staff/complaints without ``tracking_number``)."""

    id: str
    tracking_number: str
    title: str
    status: str
    stage: str | None = None
    category: str
    opd: str | None = None
    channel: str
    submitted_at: str
    due_at: str | None = None  # the current stage's deadline (open cases)
    overdue: bool


class StaffCaseList(BaseModel):
    """With ``tracking_number``: that case (at most one item); without: a page of ``CaseListEntry``."""

    items: list[dict[str, Any]]
    next_token: str | None = None


class WorkItem(BaseModel):
    complaint_id: str
    tracking_number: str | None = None
    stage: str
    step: int
    title: str | None = None
    category: str | None = None
    opd: str | None = None
    channel: str | None = None
    received_at: str | None = None  # when the case came in (its submitted_at)
    entered_at: str | None = None
    due_at: str | None = None
    overdue: bool
    business_minutes_left: float | int | None = None


class WorkItemList(BaseModel):
    items: list[WorkItem]
    next_token: str | None = None


class StaffMe(BaseModel):
    email: str
    groups: list[str]
    roles: list[str]
    opds: list[str]
    permissions: list[str]
    queues: list[str]
    office_open: bool


class MemberOut(BaseModel):
    email: str
    name: str | None = None
    groups: list[str]
    enabled: bool | None = None
    status: str | None = None


class MemberList(BaseModel):
    items: list[MemberOut]


class ApiKeyOut(BaseModel):
    id: str
    organisation: str
    created_at: str
    created_by: str | None = None
    last_used_at: str | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None
    active: bool


class ApiKeyList(BaseModel):
    items: list[ApiKeyOut]


class IssuedApiKey(ApiKeyOut):
    api_key: str = Field(description="shown this once; send it as api_key to the Open311 API")


# -- the SLA report (routes/reports.py) ----------------------------------------------------------
class SlaReport(BaseModel):
    """The SLA report's figures (docs/sla-report.md says what each means)."""

    model_config = ConfigDict(extra="allow")
    from_: str = Field(alias="from")
    to: str
    totals: dict[str, Any]
    by_stage: list[dict[str, Any]]
    by_opd: list[dict[str, Any]]
    by_channel: list[dict[str, Any]]
    by_category: list[dict[str, Any]]


class AgencyScorecard(BaseModel):
    """One agency's figures over the period (domain/scorecards.py; docs/sla-report.md, "Public scorecards")."""

    opd: str = Field(examples=["DINKES"])
    name: str = Field(examples=["Dinas Kesehatan"])
    received: int = Field(description="cases routed to the agency (each routing once)")
    answered: int = Field(description="cases whose first answer to the citizen was the agency's")
    answered_within_sop_pct: float | None = Field(
        description="share of the agency's own stage visits decided within the stage's SOP time; null: none"
    )
    median_business_minutes_to_answer: float | None = Field(
        description="median business minutes of the agency's stage visits; null: none"
    )
    median_text: Label
    average_rating: float | None = Field(description="of the citizens' ratings (1-5) of its answers; null: none")
    ratings: int


class AgencyScorecards(BaseModel):
    """``GET /public/agencies``: every agency of the catalog, sorted by name."""

    from_: str = Field(alias="from", examples=["2026-01-01"])
    to: str = Field(examples=["2026-12-07"])
    label: Label
    items: list[AgencyScorecard]


# -- problems (web/http.py, web/problems.py) ---------------------------------------------------------
class FieldError(BaseModel):
    field: str = Field(description="the member of the body, nested ones joined with '.'; '' for the body itself")
    code: str = Field(examples=["required"])
    message: dict[str, str] | str | None = None


class ProblemDocument(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")
    type: str = Field(examples=["https://aspirasi.kaltimprov.go.id/problems/validation_failed"])
    title: str = Field(examples=["Data belum benar / Some data is not right"])
    status: int = Field(examples=[422])
    detail: str
    instance: str | None = None
    messages: dict[str, str] | None = Field(None, description="``id`` (Indonesian) and ``en`` (English)")
    errors: list[FieldError] | None = None


# -- Open311 (routes/open311.py): its own error format, and the form a new request comes in ----------
class Open311Error(BaseModel):
    code: int
    description: str


class Open311RequestForm(BaseModel):
    """POST Service Request, form-encoded. A location is ``lat`` + ``long`` or ``address_string``."""

    api_key: str | None = None
    service_code: str | None = None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    description: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    media_url: str | None = None
    device_id: str | None = None
    account_id: str | None = None
    jurisdiction_id: str | None = None
