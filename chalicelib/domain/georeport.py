"""Open311 GeoReport v2, in the specification's own words. Pure: no AWS, no HTTP.

The specification is the GeoReport v2 page of the Open311 wiki (its source is the GitHub repository
``open311/open311.github.io``: ``GeoReport/v2/index.md``, ``Service_Discovery.md``). What it fixes and
what this module does about it:

- **Resources and formats.** ``services``, ``services/{service_code}``, ``requests`` (GET a search,
  POST a new request), ``requests/{service_request_id}``, ``tokens/{token}`` and the service
  discovery file, each as ``.xml`` (required by the spec) or ``.json`` (offered by us, announced in
  discovery). The format comes from the URL's extension. JSON maps the XML by the Spark convention:
  a list document is a JSON array whose items are the XML root's children (``<services><service>``
  -> ``[{...}]``), an object document a JSON object; an XML element without text is JSON ``null``.
- **Content types.** ``text/xml; charset=utf-8`` and ``application/json; charset=utf-8``; XML
  starts with the XML declaration naming UTF-8. XML is built with ``xml.etree.ElementTree`` (the
  library escapes; characters XML 1.0 cannot carry are dropped first).
- **Dates** are W3C date-times with a zone; we answer in WITA (``+08:00``), seconds precision.
- **Errors** are a list of ``{code, description}`` (``<errors><error>...``): 404 for what does not
  exist, 403 for a missing or wrong ``api_key``, 400 for anything else the client can fix (and we
  answer 429 with ``Retry-After`` when a key sends too much). ``code`` is the HTTP status; each
  description is Indonesian, then English.

Our mapping: one *service* per sub-category of the catalog, ``service_code`` ``<category>.<subcategory>``,
``group`` the category's name, no extra attributes (``metadata`` false) and ``type`` ``realtime``
(a POST creates the complaint at once and answers with its tracking number, the
``service_request_id``). Our status ``open`` is Open311's ``open``; ``answered`` and ``closed`` are
``closed``.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import catalog, coordinates, publication, sop, submission
from .calendar import WITA
from .fields import has_forbidden_characters, is_email, normalise_phone
from .submission import LIMITS
from .tracking import normalize

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
DISCOVERY_FORMATS = ["text/xml", "application/json"]  # MIME types, as Service Discovery lists them
# When this API or its list of services last changed (discovery's changeset): bump it with the catalog.
CHANGESET = "2026-11-28 00:00"
FORM = "application/x-www-form-urlencoded"
MAX_RESULTS = 1000  # the spec's "first 1000 requests returned": a ceiling; we answer pages of PAGE_SIZE
PAGE_SIZE, MAX_PAGE_SIZE = 50, 200  # a public search's page: page_size asks for up to MAX_PAGE_SIZE
MAX_SPAN = timedelta(days=90)  # "may not span more than 90 days"; also the default range
MAX_DESCRIPTION = 4000  # "free form text limited to 4,000 characters"
# Ours (domain/submission.py): what any complaint may hold, whichever way it comes.
MIN_DESCRIPTION = submission.MIN_DESCRIPTION
MAX_ADDRESS, MAX_NAME, MAX_TITLE = LIMITS["location"], LIMITS["name"], LIMITS["title"]
MAX_URL = 1000
MAX_EXTERNAL_ID = 100  # device_id, account_id
OPEN, CLOSED = "open", "closed"
INFORMATION_DESK = "DISKOMINFO"  # answers information requests itself (classification "information")

# Spark convention: the XML element name of a list's items, by the list's own element name.
_ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
}
# XML 1.0 cannot carry these characters at all (not even escaped).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- errors --------------------------------------------------------------------------------------
class Open311Error(Exception):
    """A failed call, as the spec answers it: an HTTP status and ``[{code, description}]``."""

    def __init__(self, status: int, *descriptions: str, headers: Mapping[str, str] | None = None):
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions) or [_STATUS_TEXT.get(status, _STATUS_TEXT[400])]
        self.headers = dict(headers or {})

    def document(self) -> Document:
        return errors_document([(self.status, d) for d in self.descriptions])


_STATUS_TEXT = {
    400: "Permintaan tidak dapat diproses. / The request cannot be processed.",
    403: "api_key tidak ada atau tidak berlaku. / Missing or invalid api_key.",
    404: "Tidak ditemukan. / Not found.",
    429: "Terlalu banyak permintaan. / Too many requests.",
    500: "Terjadi kesalahan pada sistem kami; coba lagi. Permintaan dengan Idempotency-Key yang sama aman "
    "diulang. / Something went wrong on our side; try again. A request with the same Idempotency-Key "
    "is safe to repeat.",
}


def _bilingual(indonesian: str, english: str) -> str:
    return f"{indonesian} / {english}"


def missing_api_key() -> Open311Error:
    return Open311Error(
        403,
        _bilingual(
            "api_key wajib diisi untuk membuat permintaan layanan", "api_key is required to create a service request"
        ),
    )


def invalid_api_key() -> Open311Error:
    return Open311Error(
        403,
        _bilingual(
            "api_key tidak berlaku (salah atau sudah dicabut) -- permintaan tidak dapat dibuat",
            "Invalid api_key received (wrong or revoked) -- can't proceed with create_request",
        ),
    )


def rate_limited(limit: int, retry_after: int) -> Open311Error:
    return Open311Error(
        429,
        _bilingual(
            f"Terlalu banyak permintaan: paling banyak {limit} per menit untuk setiap api_key. "
            f"Coba lagi dalam {retry_after} detik",
            f"Too many requests: at most {limit} a minute for each api_key. Try again in {retry_after} seconds",
        ),
        headers={"Retry-After": str(retry_after)},
    )


def search_rate_limited(limit: int, retry_after: int) -> Open311Error:
    """A client address that searched too often this minute (the public search has no key to count)."""
    return Open311Error(
        429,
        _bilingual(
            f"Terlalu banyak pencarian: paling banyak {limit} per menit dari setiap alamat. "
            f"Coba lagi dalam {retry_after} detik",
            f"Too many searches: at most {limit} a minute from each address. Try again in {retry_after} seconds",
        ),
        headers={"Retry-After": str(retry_after)},
    )


def too_large(max_bytes: int) -> Open311Error:
    """A body over our bound (domain/limits.py), refused before it is read."""
    return Open311Error(
        413,
        _bilingual(
            f"Permintaan terlalu besar (paling banyak {max_bytes // 1024} KiB)",
            f"The request is too large (at most {max_bytes // 1024} KiB)",
        ),
    )


def refused(code: str) -> Open311Error:
    """Any other rule that refused the request: 400, naming the rule."""
    return Open311Error(400, _bilingual(f"Permintaan ditolak ({code})", f"The request was refused ({code})"))


def internal_error() -> Open311Error:
    return Open311Error(500)


# -- documents and their two formats --------------------------------------------------------------
@dataclass(frozen=True)
class Document:
    """What a call answers, in neither format yet: the XML root's name and the JSON value."""

    root: str
    data: Any
    max_age: int = 0  # seconds a public cache may keep it (0: never)


def errors_document(errors: Iterable[tuple[int, str]]) -> Document:
    return Document("errors", [{"code": code, "description": description} for code, description in errors])


def _xml_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("", str(value))


def _element(tag: str, value: Any) -> ET.Element:
    element = ET.Element(tag)
    if isinstance(value, Mapping):
        for key, child in value.items():
            element.append(_element(key, child))
    elif isinstance(value, (list, tuple)):
        item = _ITEM_TAGS[tag]
        for child in value:
            element.append(_element(item, child))
    else:
        element.text = _xml_text(value)
    return element


def to_xml(document: Document) -> str:
    """The document as XML text (with its declaration), built and escaped by ElementTree."""
    return ET.tostring(_element(document.root, document.data), encoding="unicode", xml_declaration=True)


def to_json(document: Document) -> str:
    return json.dumps(document.data, ensure_ascii=False)


def render(document: Document, fmt: str) -> tuple[str, str]:
    """(body, Content-Type) of the document in ``json`` or ``xml``."""
    if fmt == "json":
        return to_json(document), FORMATS["json"]
    return to_xml(document), FORMATS["xml"]


def format_of(name: str) -> str | None:
    """``json`` or ``xml`` from a name's extension (``services.json``, ``KT-7K4M-9Q2X.xml``), else None."""
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem and extension.lower() in FORMATS else None


def split_format(name: str) -> tuple[str, str]:
    """(what is named, format) of a URL's last segment: ``kesehatan.puskesmas.json`` -> (``kesehatan.puskesmas``,
    ``json``). Without ``.json`` or ``.xml`` -> 400."""
    fmt = format_of(name)
    if fmt is None:
        raise Open311Error(
            400, _bilingual("Alamat harus diakhiri .xml atau .json", "The URL must end in .xml or .json")
        )
    return name[: -len(fmt) - 1], fmt


# -- jurisdiction ----------------------------------------------------------------------------------
def check_jurisdiction(given: str | None, ours: str) -> None:
    """One jurisdiction is served: ``jurisdiction_id`` is optional, but another one does not exist here."""
    if given and given.strip().lower() != ours.lower():
        raise Open311Error(
            404,
            _bilingual(
                f"jurisdiction_id {given.strip()[:100]} tidak ditemukan; layanan ini hanya untuk {ours}",
                f"jurisdiction_id {given.strip()[:100]} not found; this endpoint serves {ours} only",
            ),
        )


# -- discovery ---------------------------------------------------------------------------------
def discovery(endpoint_url: str, contact: str, key_service: str, endpoint_type: str) -> Document:
    """The Service Discovery file (every field is required there)."""
    return Document(
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": contact,
            "key_service": key_service,
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": endpoint_url,
                    "changeset": CHANGESET,
                    "type": endpoint_type,
                    "formats": list(DISCOVERY_FORMATS),
                }
            ],
        },
        max_age=3600,
    )


# -- services ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Service:
    code: str
    name: str
    group: str
    category: str
    subcategory: str
    opd: str  # the agency the catalog names for the category

    @property
    def agency(self) -> str:
        return catalog.OPDS[self.opd].name

    @property
    def description(self) -> str:
        return f"{self.group}: {self.name}. Ditangani oleh / handled by {self.agency}."

    @property
    def keywords(self) -> str:
        words = [self.subcategory, self.category, self.opd]
        return ", ".join(dict.fromkeys(w.replace("-", " ") for w in words))

    @property
    def notice(self) -> str:
        """``service_notice``: what happens to a request of this kind."""
        return _bilingual(
            f"Diproses menurut SOP Pelayanan Aspirasi dan Pengaduan Kaltim: diterima operator, diklasifikasi "
            f"Diskominfo, ditanggapi {self.agency}, lalu dibalas; target selesai pada expected_datetime",
            f"Handled under the Kaltim complaint SOP: received by an operator, classified by Diskominfo, "
            f"answered by {self.agency}, then replied to; due by expected_datetime",
        )

    def as_json(self) -> dict:
        """One ``service`` of GET Service List (field order as the spec's example)."""
        return {
            "service_code": self.code,
            "service_name": self.name,
            "description": self.description,
            "metadata": False,
            "type": "realtime",
            "keywords": self.keywords,
            "group": self.group,
        }


def service_code(category: str, subcategory: str) -> str:
    return f"{category}.{subcategory}"


def _catalog_services() -> dict[str, Service]:
    out = {}
    for c in catalog.CATEGORIES.values():
        for s in c.subcategories:
            code = service_code(c.code, s.code)
            out[code] = Service(code, s.name, c.name, c.code, s.code, c.opd)
    return out


SERVICES: dict[str, Service] = _catalog_services()


def find_service(code: str | None) -> Service | None:
    return SERVICES.get((code or "").strip())


def services_document() -> Document:
    return Document("services", [s.as_json() for s in SERVICES.values()], max_age=3600)


def not_found(what: str, value: str) -> Open311Error:
    shown = value[:100]
    return Open311Error(404, _bilingual(f"{what} {shown} tidak ditemukan", f"{what} {shown} not found"))


def service_definition(code: str) -> Document:
    """GET Service Definition. Our services have no attributes (``metadata`` false): the definition
    names the service and an empty ``attributes`` list."""
    service = find_service(code)
    if service is None:
        raise not_found("service_code", code)
    return Document("service_definition", {"service_code": service.code, "attributes": []}, max_age=3600)


# -- dates ---------------------------------------------------------------------------------------
def w3(moment: datetime | str | None) -> str | None:
    """A W3C date-time with its zone, in WITA: ``2026-11-28T16:05:09+08:00``."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(WITA).replace(microsecond=0).isoformat()


def parse_w3(name: str, text: str) -> datetime:
    """A W3C date-time with its zone (``2010-01-01T00:00:00Z``, ``...+08:00``) or a date (midnight WITA)."""
    raw = text.strip()
    # An unencoded "+" in a query string arrives as a space: "2026-11-01T00:00:00 08:00".
    repaired = re.sub(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$", r"\1+\2", raw)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", repaired):
            return datetime.combine(date.fromisoformat(repaired), time(0), WITA)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})", repaired):
            raise ValueError(raw)
        return datetime.fromisoformat(repaired.replace("Z", "+00:00"))
    except ValueError:
        raise Open311Error(
            400,
            _bilingual(
                f"{name} harus tanggal-waktu W3C dengan zona waktu, mis. 2026-11-01T00:00:00Z atau "
                f"2026-11-01T08:00:00+08:00",
                f"{name} must be a W3C date-time with a time zone, e.g. 2026-11-01T00:00:00Z or "
                f"2026-11-01T08:00:00+08:00",
            ),
        ) from None


# -- GET Service Requests: the search -------------------------------------------------------------
@dataclass(frozen=True)
class Search:
    ids: tuple[str, ...] = ()  # service_request_id given: it "overrides all other arguments"
    services: tuple[Service, ...] = ()  # none: every service
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[str] = frozenset()  # none: open and closed
    page_size: int = PAGE_SIZE  # at most this many requests, newest first

    @property
    def our_statuses(self) -> frozenset[str]:
        """Our complaint statuses the Open311 ones mean (empty: all)."""
        mapping = {OPEN: {sop.STATUS_OPEN}, CLOSED: {sop.STATUS_ANSWERED, sop.STATUS_CLOSED}}
        return frozenset(s for status in self.statuses for s in mapping[status])


def _list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def _page_size(raw: str | None) -> int:
    """``page_size`` (ours, as other Open311 servers name it): 1 to MAX_PAGE_SIZE, PAGE_SIZE when absent."""
    text = (raw or "").strip()
    if not text:
        return PAGE_SIZE
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise Open311Error(
            400,
            _bilingual(
                f"page_size harus bilangan bulat 1 sampai {MAX_PAGE_SIZE}",
                f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}",
            ),
        )
    return int(text)


def parse_search(params: Mapping[str, str], now: datetime, jurisdiction: str) -> Search:
    """The arguments of GET Service Requests. Dates default to the most recent 90 days; one date
    alone means the 90 days after the start (or before the end); a range may not span more than 90 days.
    A search answers a page: the newest ``page_size`` (default 50, at most 200); ids, at most 200 at once."""
    check_jurisdiction(params.get("jurisdiction_id"), jurisdiction)
    ids = _list(params.get("service_request_id"))
    if ids:
        if len(ids) > MAX_PAGE_SIZE:
            raise Open311Error(
                400,
                _bilingual(
                    f"paling banyak {MAX_PAGE_SIZE} service_request_id sekaligus",
                    f"at most {MAX_PAGE_SIZE} service_request_id at once",
                ),
            )
        known = [n for n in (normalize(i) for i in ids) if n]
        return Search(ids=tuple(dict.fromkeys(known)), page_size=MAX_PAGE_SIZE)
    page_size = _page_size(params.get("page_size"))
    errors = []
    services = []
    for code in _list(params.get("service_code")):
        service = find_service(code)
        if service is None:
            errors.append(
                _bilingual(
                    f"service_code {code[:100]} tidak dikenal (lihat services.json)",
                    f"unknown service_code {code[:100]} (see services.json)",
                )
            )
        elif service not in services:
            services.append(service)
    statuses = set()
    for status in _list(params.get("status")):
        if status.lower() not in (OPEN, CLOSED):
            errors.append(_bilingual("status harus open atau closed", "status must be open or closed"))
        else:
            statuses.add(status.lower())
    start = end = None
    try:
        start = parse_w3("start_date", params["start_date"]) if (params.get("start_date") or "").strip() else None
    except Open311Error as error:
        errors += error.descriptions
    try:
        end = parse_w3("end_date", params["end_date"]) if (params.get("end_date") or "").strip() else None
    except Open311Error as error:
        errors += error.descriptions
    if not errors:
        if start is None and end is None:
            start, end = now - MAX_SPAN, now
        elif end is None and start is not None:
            end = start + MAX_SPAN
        elif start is None and end is not None:
            start = end - MAX_SPAN
        assert start is not None and end is not None  # each case above sets both
        if end < start:
            errors.append(
                _bilingual("end_date tidak boleh sebelum start_date", "end_date must not be before start_date")
            )
        elif end - start > MAX_SPAN:
            errors.append(
                _bilingual(
                    "rentang start_date sampai end_date paling panjang 90 hari",
                    "start_date to end_date may not span more than 90 days",
                )
            )
    if errors:
        raise Open311Error(400, *dict.fromkeys(errors))
    return Search(services=tuple(services), start=start, end=end, statuses=frozenset(statuses), page_size=page_size)


# -- a service request, as the public sees it -------------------------------------------------------
def public_status(status: str) -> str:
    return OPEN if status == sop.STATUS_OPEN else CLOSED


def _clip(text: str | None, limit: int = MAX_DESCRIPTION) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def agency_responsible(complaint) -> str | None:
    """The agency the case was routed to; for an information request Diskominfo (which answers it);
    before classification, the agency the catalog names for the category."""
    if complaint.kind == "information":
        return catalog.OPDS[INFORMATION_DESK].name
    if complaint.opd and complaint.opd in catalog.OPDS:
        return catalog.OPDS[complaint.opd].name
    category = catalog.category(complaint.category)
    return catalog.OPDS[category.opd].name if category else None


def _updated(complaint) -> str:
    """For a closed request the spec wants the moment it was closed: for us the reply, or the closing."""
    if complaint.status == sop.STATUS_ANSWERED and complaint.answered_at:
        return complaint.answered_at
    if complaint.status == sop.STATUS_CLOSED:
        return complaint.closed_at or complaint.answered_at or complaint.updated_at
    return complaint.updated_at


def service_request(complaint) -> dict:
    """One ``request`` of GET Service Request(s), from a complaint (anything with its attributes).

    Public, by the public register's rules (domain/publication.py): never who reported it (name, email,
    phone, account), never who entered it, never an external device or account id, never ``media_url``
    (it points at the reporter's own photo: an attachment). A report that is not listed
    (``publication.is_listed``) shows no text of its own: no description, address, coordinates or status
    notes (a reply may quote the report) -- only that it exists, its service, status, agency and dates.
    A listed one shows its text as published (emails, phones and the reporter's name masked) and its point
    rounded to 3 decimals; one in a sensitive category (``catalog.is_sensitive``) is listed without location:
    no point and no address. Fields the spec lists that we do not keep are null.
    """
    code = service_code(complaint.category, complaint.subcategory)
    service = SERVICES.get(code)
    shown = publication.is_listed(complaint)
    name = getattr(complaint, "citizen_name", None)

    def text(value: str | None, limit: int = MAX_DESCRIPTION) -> str | None:
        return _clip(publication.published_text(value, name), limit) if shown else None

    notes = complaint.reply or (complaint.close_reason if complaint.status == sop.STATUS_CLOSED else None)
    point = publication.place(complaint) if shown else None
    return {
        "service_request_id": complaint.tracking_number,
        "status": public_status(complaint.status),
        "status_notes": text(notes),
        "service_name": service.name if service else complaint.subcategory,
        "service_code": code,
        "description": text(complaint.description),
        "agency_responsible": agency_responsible(complaint),
        "service_notice": service.notice if service else None,
        "requested_datetime": w3(complaint.created_at),
        "updated_datetime": w3(_updated(complaint)),
        "expected_datetime": w3(complaint.sop_due_at),
        "address": None
        if catalog.is_sensitive(complaint.category, complaint.subcategory)
        else text(complaint.location),
        "address_id": None,
        "zipcode": None,
        "lat": point[0] if point else None,
        "long": point[1] if point else None,
        "media_url": None,
    }


# An answer must stay well under Lambda's 6 MB response limit: 1,000 requests with 4,000-character
# descriptions and replies would not. A search answers the newest requests that fit (the spec lets a
# server return fewer than asked; a client narrows the dates for the rest).
MAX_ANSWER_BYTES = 4_000_000
_XML_OVERHEAD = 600  # the element names around one request's fields


def requests_document(complaints: Iterable) -> Document:
    items, size = [], 0
    for complaint in complaints:
        item = service_request(complaint)
        size += len(json.dumps(item, ensure_ascii=False).encode()) + _XML_OVERHEAD
        if size > MAX_ANSWER_BYTES:
            break
        items.append(item)
    return Document("service_requests", items, max_age=60)


def created_document(service_request_id: str, service_notice: str | None, account_id: str | None) -> Document:
    """POST Service Request's answer: the id (no token: we are ``realtime``), notice and account."""
    return Document(
        "service_requests",
        [{"service_request_id": service_request_id, "service_notice": service_notice, "account_id": account_id}],
    )


def token_document(service_request_id: str, token: str) -> Document:
    return Document("service_requests", [{"service_request_id": service_request_id, "token": token}], max_age=60)


# -- POST Service Request ----------------------------------------------------------------------
def parse_form(raw: bytes | str | None, content_type: str | None) -> dict[str, str]:
    """The form of a POST (``application/x-www-form-urlencoded``, UTF-8). A field sent twice counts once
    (its first value); ``attribute[...]`` fields are kept as sent (we define no attributes)."""
    if not (content_type or "").lower().startswith(FORM):
        raise Open311Error(400, _bilingual(f"Kirim formulir {FORM} (UTF-8)", f"Send an {FORM} form (UTF-8)"))
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else (raw or "")
    except UnicodeDecodeError:
        raise Open311Error(400, _bilingual("Formulir harus berenkode UTF-8", "The form must be UTF-8")) from None
    try:
        fields = parse_qs(text, keep_blank_values=True, strict_parsing=False, errors="strict", max_num_fields=200)
    except (UnicodeDecodeError, ValueError):
        raise Open311Error(400, _bilingual("Formulir tidak dapat dibaca", "The form cannot be read")) from None
    return {name: values[0] for name, values in fields.items()}


@dataclass(frozen=True)
class NewRequest:
    """A POSTed service request, checked."""

    service: Service
    description: str
    latitude: float | None = None
    longitude: float | None = None
    address: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    media_url: str | None = None
    device_id: str | None = None
    account_id: str | None = None

    @property
    def reporter_name(self) -> str | None:
        return " ".join(n for n in (self.first_name, self.last_name) if n) or None

    @property
    def title(self) -> str:
        """Our complaints have a title; an Open311 request has none: the service and the description's
        first words, cut at a word."""
        head = f"{self.service.name}: "
        room = MAX_TITLE - len(head)
        words = " ".join(self.description.split())
        if len(words) <= room:
            return head + words
        cut = words[: room - 1]
        cut = cut[: cut.rfind(" ")] if " " in cut else cut
        return head + cut.rstrip(" ,.;:") + "…"

    def submission_payload(self) -> dict:
        """The complaint, as ``domain.submission.parse_submission`` takes it (a public, named report)."""
        return {
            "category": self.service.category,
            "subcategory": self.service.subcategory,
            "title": self.title,
            "description": self.description,
            "location": self.address,
            "lat": self.latitude,
            "long": self.longitude,
            "anonymous": False,
            "confidential": False,
        }

    def fingerprint_fields(self) -> tuple:
        """What a retry with the same Idempotency-Key must repeat (besides the complaint itself)."""
        return (
            self.service.code,
            self.latitude,
            self.longitude,
            self.email,
            self.reporter_name,
            self.phone,
            self.media_url,
            self.device_id,
            self.account_id,
        )


def _text(form: Mapping[str, str], name: str, limit: int, errors: list[str]) -> str | None:
    value = (form.get(name) or "").strip()
    if not value:
        return None
    if len(value) > limit:
        shown = f"{limit:,}"
        errors.append(
            _bilingual(
                f"{name} terlalu panjang (maksimal {shown.replace(',', '.')} karakter)",
                f"{name} is too long (at most {shown} characters)",
            )
        )
        return None
    return value


def _coordinate(form: Mapping[str, str], name: str, errors: list[str]) -> float | None:
    """``lat`` or ``long`` as the form sends it (text), under the one rule of every channel
    (domain/coordinates.py): WGS84 degrees inside East Kalimantan."""
    raw = (form.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not coordinates.is_number(value) or not coordinates.within(name, value):
        low, high = coordinates.BOUNDS[name]
        errors.append(
            _bilingual(
                f"{name} harus angka derajat WGS84 di Kalimantan Timur, antara {low:g} dan {high:g}",
                f"{name} must be WGS84 degrees within East Kalimantan, between {low:g} and {high:g}",
            )
        )
        return None
    return coordinates.rounded(value)


def _media_url(value: str | None, errors: list[str]) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        errors.append(
            _bilingual("media_url harus alamat http(s) yang lengkap", "media_url must be a complete http(s) URL")
        )
        return None
    return value


def parse_request(form: Mapping[str, str], jurisdiction: str) -> NewRequest:
    """The arguments of POST Service Request (the key is checked before, by the caller).

    Beyond the spec we require a ``description`` (a complaint must say what is wrong; 10 to 4,000
    characters). The location is ``lat`` with ``long`` or ``address_string``; ``address_id`` alone is
    not enough (we keep no address register). An unknown ``service_code`` is 404, as the spec says.
    """
    check_jurisdiction(form.get("jurisdiction_id"), jurisdiction)
    code = (form.get("service_code") or "").strip()
    if not code:
        raise Open311Error(
            400,
            _bilingual(
                "service_code wajib diisi (lihat services.json)", "service_code was not provided (see services.json)"
            ),
        )
    service = find_service(code)
    if service is None:
        raise not_found("service_code", code)
    errors: list[str] = []
    description = _text(form, "description", MAX_DESCRIPTION, errors)
    if description is None and not (form.get("description") or "").strip():
        errors.append(
            _bilingual(
                "description wajib diisi: jelaskan masalahnya", "description is required: say what the problem is"
            )
        )
    elif description is not None and len(description) < MIN_DESCRIPTION:
        errors.append(
            _bilingual(
                f"description terlalu pendek (minimal {MIN_DESCRIPTION} karakter)",
                f"description is too short (at least {MIN_DESCRIPTION} characters)",
            )
        )
    latitude = _coordinate(form, "lat", errors)
    longitude = _coordinate(form, "long", errors)
    sent = {n for n in ("lat", "long") if (form.get(n) or "").strip()}
    if len(sent) == 1:
        errors.append(_bilingual("lat dan long harus dikirim bersama", "lat and long must be sent together"))
    address = _text(form, "address_string", MAX_ADDRESS, errors)
    if not sent and not (form.get("address_string") or "").strip():
        if (form.get("address_id") or "").strip():
            errors.append(
                _bilingual(
                    "address_id tidak dikenal di sini: kirim lat dan long atau address_string",
                    "address_id is not supported here: send lat and long, or address_string",
                )
            )
        else:
            errors.append(
                _bilingual(
                    "lokasi wajib: lat dan long, atau address_string",
                    "a location is required: lat and long, or address_string",
                )
            )
    email = _text(form, "email", LIMITS["email"], errors)
    if email is not None and not is_email(email):
        errors.append(_bilingual("email tidak valid", "email is not a valid email address"))
    phone = _text(form, "phone", LIMITS["phone"], errors)
    if phone is not None:  # the one phone rule of every channel (fields.normalise_phone), kept as E.164
        phone = normalise_phone(phone)
        if phone is None:
            errors.append(
                _bilingual(
                    "phone bukan nomor telepon (mis. 0812-3456-7890)",
                    "phone is not a phone number (e.g. 0812-3456-7890)",
                )
            )
    first_name = _text(form, "first_name", MAX_NAME, errors)
    last_name = _text(form, "last_name", MAX_NAME, errors)
    if first_name and last_name and len(first_name) + len(last_name) + 1 > MAX_NAME:
        errors.append(
            _bilingual(
                f"first_name dan last_name bersama paling banyak {MAX_NAME} karakter",
                f"first_name and last_name together may hold at most {MAX_NAME} characters",
            )
        )
    media_url = _media_url(_text(form, "media_url", MAX_URL, errors), errors)
    device_id = _text(form, "device_id", MAX_EXTERNAL_ID, errors)
    account_id = _text(form, "account_id", MAX_EXTERNAL_ID, errors)
    # The rule of every text field (domain/fields.py); a one-line field takes no line break either. (email
    # and phone have patterns of their own that take none of these.)
    for name, value, multiline in (
        ("description", description, True),
        ("first_name", first_name, False),
        ("last_name", last_name, False),
        ("media_url", media_url, False),
        ("device_id", device_id, False),
        ("account_id", account_id, False),
        ("address_string", address, False),
    ):
        if value is not None and has_forbidden_characters(value, multiline):
            errors.append(
                _bilingual(
                    f"{name} memuat karakter yang tidak diizinkan (karakter kendali atau pengarah teks)",
                    f"{name} contains control characters (or text-direction overrides)",
                )
            )
    if errors:
        raise Open311Error(400, *errors)
    assert description is not None  # required: its absence is one of the errors above
    return NewRequest(
        service,
        description,
        latitude,
        longitude,
        address,
        email.lower() if email else None,
        first_name,
        last_name,
        phone,
        media_url,
        device_id,
        account_id,
    )
