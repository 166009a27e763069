"""Open311 GeoReport v2's use cases: discovery, services, search and read requests, create one.

Reads are public (no key) and follow the public register's rules (domain/publication.py), through
``domain.georeport.service_request``: never personal data, never ``media_url``; the text only of a listed
report, masked, its point rounded. The search by dates lists only listed reports (as the register does);
a read by tracking number (``requests/{id}``, ``service_request_id=``, ``tokens/{token}``) answers for any
existing report, without its text unless listed -- as ``/track`` does: whoever holds the number may know
where the report stands, and only that. A POST needs
an API key (service/api_keys.py), counts against the key's per-minute limit, and goes through the
same submission path as every other complaint (``complaints._submit``): the tracking number is issued,
the state machine starts and the reporter's email, if given, gets every email a web citizen gets.
``type`` is ``realtime``: the answer carries the ``service_request_id`` at once, so there are no
tokens to wait for; ``tokens/{token}`` answers for a tracking number as its own token.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from ..domain import georeport, limits, publication, sop
from ..domain.errors import IdempotencyKeyReused, ValidationFailed
from ..domain.georeport import Document, Open311Error
from ..domain.submission import OPEN311, parse_submission
from ..domain.tracking import normalize
from . import api_keys, rate_limits
from .complaints import Reporter, _fingerprint, _submit
from .container import Services

SEARCHES = "open311-search"  # the public search's counters: open311-search#<address digest>#<minute>


def discovery(svc: Services) -> Document:
    settings = svc.settings
    diskominfo = ", ".join(settings.mailbox(sop.Role.DISKOMINFO))
    return georeport.discovery(
        endpoint_url=f"{settings.public_base_url}/open311/v2",
        contact=f"Diskominfo Provinsi Kalimantan Timur (Aspirasi Kaltim): {diskominfo}",
        key_service=f"Kunci API diterbitkan oleh admin Aspirasi Kaltim; mintalah melalui {diskominfo}. / "
        f"API keys are issued by the Aspirasi Kaltim administrators; ask {diskominfo}.",
        endpoint_type=settings.open311_endpoint_type,
    )


def services_list(svc: Services, params: Mapping[str, str]) -> Document:
    georeport.check_jurisdiction(params.get("jurisdiction_id"), svc.settings.open311_jurisdiction_id)
    return georeport.services_document()


def service_definition(svc: Services, code: str, params: Mapping[str, str]) -> Document:
    georeport.check_jurisdiction(params.get("jurisdiction_id"), svc.settings.open311_jurisdiction_id)
    return georeport.service_definition(code)


def admit_search(svc: Services, client: str | None) -> None:
    """Count a public search against its client address's minute (``OPEN311_SEARCH_LIMIT_PER_MINUTE``), or
    refuse it: 429 with Retry-After. The counter's key holds a digest of the address, never the address."""
    digest = hashlib.sha256((client or "unknown").encode()).hexdigest()[:24]
    limit = svc.settings.open311_search_limit_per_minute
    counted = rate_limits.hit(svc, f"{SEARCHES}#{digest}", limit, limits.MINUTE, "Open311SearchRateLimited")
    if counted.retry_after is not None:
        raise georeport.search_rate_limited(limit, counted.retry_after)


def search_requests(svc: Services, params: Mapping[str, str], client: str | None = None) -> Document:
    """GET Service Requests: by ids (any existing report, its text only if listed), or by dates (at most 90
    days), service codes and status (listed reports only); a page of 50 (``page_size`` up to 200). Public, so
    counted per client address (``admit_search``), valid or not."""
    admit_search(svc, client)
    search = georeport.parse_search(params, svc.now(), svc.settings.open311_jurisdiction_id)
    if search.ids or search.start is None or search.end is None:  # ids asked for (no date search)
        return georeport.requests_document(svc.open311.complaints_by_tracking_numbers(search.ids))
    complaints = svc.open311.complaints_created_between(
        search.start,
        search.end,
        search.page_size,
        statuses=sorted(search.our_statuses),
        services=[(s.category, s.subcategory) for s in search.services],
    )
    return georeport.requests_document(c for c in complaints if publication.is_listed(c))


def _complaint(svc: Services, service_request_id: str):
    number = normalize(service_request_id)
    complaint = svc.store.complaint_by_tracking_number(number) if number else None
    if complaint is None:
        raise georeport.not_found("service_request_id", service_request_id)
    return complaint


def get_request(svc: Services, service_request_id: str, params: Mapping[str, str]) -> Document:
    georeport.check_jurisdiction(params.get("jurisdiction_id"), svc.settings.open311_jurisdiction_id)
    return georeport.requests_document([_complaint(svc, service_request_id)])


def resolve_token(svc: Services, token: str, params: Mapping[str, str]) -> Document:
    """We never hand out tokens (requests are created at once); a tracking number is its own token."""
    georeport.check_jurisdiction(params.get("jurisdiction_id"), svc.settings.open311_jurisdiction_id)
    complaint = _complaint(svc, token) if normalize(token) else None
    if complaint is None:
        raise georeport.not_found("token", token)
    return georeport.token_document(complaint.tracking_number, token)


def create_request(svc: Services, form: Mapping[str, str], idempotency_key: str | None = None) -> tuple[Document, bool]:
    """POST Service Request. Returns (answer, created); a retry with the same Idempotency-Key finds the first."""
    if not (form.get("api_key") or "").strip():
        raise georeport.missing_api_key()
    key = api_keys.authenticate(svc, form.get("api_key"))
    if key is None:
        raise georeport.invalid_api_key()
    wait = api_keys.admit(svc, key)
    if wait is not None:
        raise georeport.rate_limited(svc.settings.open311_rate_limit_per_minute, wait)
    request = georeport.parse_request(form, svc.settings.open311_jurisdiction_id)
    try:
        submission = parse_submission(request.submission_payload())
    except ValidationFailed as failed:  # parse_request checks more strictly: this is a safety net
        raise Open311Error(400, *(f"{e['field']}: {e['code']}" for e in failed.errors)) from None
    client = f"open311:{key.organisation}"
    reporter = Reporter(
        citizen_id=None,
        email=request.email,
        name=request.reporter_name,
        phone=request.phone,
        key_scope=f"open311:{key.organisation_key}",
        actor=client,
        channel=OPEN311,
        entered_by=client,
    )
    extra = {  # the coordinates come with the submission (the same rule as every channel's)
        "media_url": request.media_url,
        "device_id": request.device_id,
        "account_id": request.account_id,
    }
    fingerprint = _fingerprint(*submission.fingerprint_fields(), *request.fingerprint_fields())
    try:
        complaint, created = _submit(svc, reporter, submission, fingerprint, idempotency_key, extra=extra)
    except IdempotencyKeyReused:
        raise Open311Error(
            400,
            "Idempotency-Key ini sudah dipakai untuk permintaan lain; buat kunci baru. / "
            "This Idempotency-Key was used for a different request; make a new key.",
        ) from None
    except ValidationFailed:  # a malformed Idempotency-Key
        raise Open311Error(
            400,
            "Idempotency-Key harus 1-255 karakter ASCII tanpa spasi. / "
            "Idempotency-Key must be 1-255 ASCII characters without spaces.",
        ) from None
    return georeport.created_document(complaint.tracking_number, request.service.notice, complaint.account_id), created
