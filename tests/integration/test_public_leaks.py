"""Nobody is exposed by any public output (issue 22), as a property over generated batches of complaints.

Hypothesis generates batches of complaints of every kind -- told public or not, confidential, anonymous, at
every stage and status, in sensitive sub-categories and not, with 6-decimal points, in different months --
each with a reporter whose name, email and phone are also written into its title, description, place, the
answer, a closing reason and the agency's response (in the forms people write them; an anonymous report's own
text as the submission stores it, without its reporter, and staff's text without a name), and whose account id,
Open311 device and account ids, photo link and attachment names are stored beside it. They are written to
moto's tables as the store writes them (the complaint, its tracking number, its stage visits, its
attachments): fixture data in real DynamoDB, no mock of our code. Then every public output is read through
the real app (Chalice's test client) and checked:

- lists, searches and open data hold the batch's listed complaints (domain/publication.is_listed) and no
  other: never a confidential one, one not told public, one waiting for intake or refused there;
- no reporter's secret appears in any answer: no part of a name (3 letters or more), email address, phone
  number (its digits, however separated), account id, device or Open311 account id, photo link or
  attachment name;
- every coordinate has at most 3 decimals, and a complaint of a sensitive sub-category has none.

Each public output is one entry of ``READERS`` (a function of the client and the batch that returns what it
read): to check a new output, add its reader.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chalicelib.adapters.dynamo import to_model
from chalicelib.adapters.tables import AttachmentModel, ComplaintModel, TrackingNumberModel, WorkItemModel
from chalicelib.domain import catalog, georeport, publication, sop, tracking
from chalicelib.domain.calendar import WITA
from chalicelib.domain.public_register import LICENCE, SOURCE
from chalicelib.domain.records import Attachment, Complaint, WorkItem
from chalicelib.domain.timestamps import iso
from chalicelib.service.complaints import Reporter as Submitter
from chalicelib.service.complaints import _anonymous_texts
from chalicelib.web.problems import PROBLEMS, TYPE_BASE

from ..personal_text import ORDINARY, SEPARATORS, digit_runs, indonesian_emails, names, national_numbers, written_phone
from .open311_helpers import o311_call, xml_items

pytestmark = pytest.mark.integration

NOW = datetime.now(UTC)
SUBCATEGORIES = [(c.code, s.code) for c in catalog.CATEGORIES.values() for s in c.subcategories]
STAGES = [None, sop.FIRST_STAGE, "classification", "opd_response", "review", "reply"]
SOP_ORDER = ["intake", "classification", "opd_response", "review", "reply"]
MASKS = re.compile(r"\[(?:email|telepon|nama)\]")


def _words(*texts: str) -> set[str]:
    return {w.casefold() for t in texts for w in re.findall(r"[^\W\d_]+", t)}


# Words a public answer may hold by itself (the catalog, the agencies, the SOP's labels, Open311's notices, the
# problems, the register's own values): a generated name must not be one of them, or finding it proves nothing.
VOCABULARY = _words(
    *(f"{s.name} {s.group} {s.description} {s.notice} {s.code}" for s in georeport.SERVICES.values()),
    *(f"{o.code} {o.name}" for o in catalog.OPDS.values()),
    *(f"{s.name} {s.label_id} {s.label_en}" for s in sop.STAGES),
    *(" ".join(str(part) for part in problem) for problem in PROBLEMS.values()),
    *ORDINARY,
    TYPE_BASE,
    LICENCE,
    SOURCE,
    "nama email telepon open closed answered true false null web open311 phone whatsapp met missed",
)


@pytest.fixture
def stack_env():
    limit = "1000000"  # every read counts against its client's minute; the limits have their own tests
    return {"PUBLIC_LIMIT_PER_MINUTE": limit, "OPEN311_SEARCH_LIMIT_PER_MINUTE": limit, "TRACK_LIMIT_PER_MINUTE": limit}


# -- a generated batch ---------------------------------------------------------------------------------------
@dataclass
class Reporter:
    name: str
    email: str
    email_written: str
    nsn: str  # the phone without 0 or 62
    citizen_id: str
    device_id: str
    account_id: str
    files: list[str]

    @property
    def phone(self) -> str:
        return "+62" + self.nsn

    def exact_secrets(self) -> list[str]:
        """What must appear nowhere, as written (compared without case)."""
        return [self.email, self.email_written, self.citizen_id, self.device_id, self.account_id, *self.files]


@dataclass
class Generated:
    complaint: Complaint
    reporter: Reporter
    media_url: str

    @property
    def number(self) -> str:
        return self.complaint.tracking_number

    @property
    def listed(self) -> bool:
        return publication.is_listed(self.complaint)

    @property
    def sensitive(self) -> bool:
        return catalog.is_sensitive(self.complaint.category, self.complaint.subcategory)


@dataclass
class Batch:
    cases: list[Generated]

    @property
    def listed(self) -> set[str]:
        return {g.number for g in self.cases if g.listed}

    @property
    def unlisted(self) -> set[str]:
        return {g.number for g in self.cases if not g.listed}

    def months(self) -> list[str]:
        """The WITA months the batch's complaints were created in (open data is by WITA month)."""
        return sorted(
            {datetime.fromisoformat(g.complaint.created_at).astimezone(WITA).strftime("%Y-%m") for g in self.cases}
        )


@st.composite
def reporters(draw) -> Reporter:
    name = draw(
        names().filter(lambda n: not any(p.casefold() in VOCABULARY for p in publication.name_parts(n) + n.split()))
    )
    written, address = draw(st.one_of(indonesian_emails(), st.emails().map(lambda a: (a, a))))
    token = uuid.uuid4().hex[:8]  # unique to this reporter, so a match elsewhere is theirs
    files = [f"KTP-{name.split()[0]}-{token}.jpg", f"foto_rumah_{token}.png"]
    return Reporter(
        name=name,
        email=address,
        email_written=written,
        nsn=draw(national_numbers()),
        citizen_id=str(uuid.uuid4()),
        device_id=f"device-{token}",
        account_id=f"akun-{token}",
        files=files,
    )


@st.composite
def text_about(draw, reporter: Reporter, named: bool) -> str:
    """Ordinary text with the reporter's own data written into it (their name only where it may be written: the
    reporter's own words, or staff's on a case that names them)."""
    pieces = draw(st.lists(st.sampled_from(ORDINARY), min_size=1, max_size=3))
    if named and draw(st.booleans()):
        words = reporter.name.split()
        said = draw(st.sampled_from([reporter.name, words[0], words[-1], reporter.name.upper(), reporter.name.lower()]))
        pieces.append(draw(st.sampled_from(["Saya {}", "Bapak {}", "Ibu {}.", "a.n. {}", "{}"])).format(said))
    if draw(st.booleans()):
        pieces.append(reporter.email_written)
    if draw(st.booleans()):
        pieces.append(draw(written_phone(reporter.nsn)))
    order = draw(st.permutations(pieces))
    return "".join(p + draw(st.sampled_from(SEPARATORS)) for p in order).strip() or "Laporan"


@st.composite
def generated(draw) -> Generated:
    reporter = draw(reporters())
    anonymous = draw(st.booleans())
    category, subcategory = draw(st.one_of(st.sampled_from(sorted(catalog.SENSITIVE)), st.sampled_from(SUBCATEGORIES)))
    stage = draw(st.sampled_from(STAGES))
    status = draw(st.sampled_from([sop.STATUS_OPEN, sop.STATUS_ANSWERED, sop.STATUS_CLOSED]))
    channel = draw(st.sampled_from(["web", "open311", "phone", "whatsapp"]))
    created = NOW - timedelta(days=draw(st.integers(0, 170)), minutes=draw(st.integers(1, 600)))
    at = iso(created)
    latitude = round(draw(st.floats(-2.5, 2.6)), 6) + 0.000001  # six decimals (not rounded to fewer)
    longitude = round(draw(st.floats(113.7, 119.1)), 6) + 0.000001
    own = lambda: draw(text_about(reporter, True))  # noqa: E731  (the reporter's words: their name too)
    text = lambda: draw(text_about(reporter, not anonymous))  # noqa: E731  (staff's: no name they were not given)
    answered = status != sop.STATUS_OPEN
    # Stored as the submission stores them: an anonymous report's text without its reporter (_anonymous_texts).
    submitter = Submitter(None, reporter.email, reporter.name, "k", "a", phone=reporter.phone)
    words = SimpleNamespace(anonymous=anonymous, title=own(), description=own(), location=own())
    title, description, location = _anonymous_texts(submitter, words)
    complaint = Complaint(
        category=category,
        subcategory=subcategory,
        created_at=at,
        updated_at=at,
        created_month=at[:7],
        id=uuid.uuid4().hex,
        tracking_number=tracking.new_tracking_number(),
        status=status,
        stage=stage,
        step=SOP_ORDER.index(stage) + 1 if stage else 0,
        title=title,
        description=description,
        location=location,
        latitude=round(latitude, 6),
        longitude=round(longitude, 6),
        reply=text() if answered else None,
        opd_response=text() if stage in ("review", "reply") else None,
        close_reason=text() if status == sop.STATUS_CLOSED else None,
        answered_at=iso(created + timedelta(days=2)) if answered else None,
        closed_at=iso(created + timedelta(days=3)) if status == sop.STATUS_CLOSED else None,
        sop_due_at=iso(created + timedelta(days=5)),
        opd=catalog.CATEGORIES[category].opd if stage in ("opd_response", "review", "reply") else None,
        public=draw(st.sampled_from([True, True, False, None])),
        confidential=draw(st.booleans()),
        anonymous=anonymous,
        channel=channel,
        citizen_id=reporter.citizen_id,
        citizen_email=reporter.email,
        citizen_name=None if anonymous else reporter.name,
        citizen_phone=None if anonymous else reporter.phone,
        device_id=reporter.device_id if channel == "open311" else None,
        account_id=reporter.account_id if channel == "open311" else None,
        media_url=f"https://foto.example.id/{reporter.files[1]}" if channel == "open311" else None,
        entered_by=f"open311:Klien {reporter.device_id}" if channel == "open311" else None,
        attachment_count=len(reporter.files),
    )
    return Generated(complaint, reporter, complaint.media_url or "")


def store(batch: Batch) -> None:
    """Write the batch as the store writes a case: the complaint, its tracking number, its stage visits (one of
    them with the reporter's answer to a question), its attachments."""
    for g in batch.cases:
        c, r = g.complaint, g.reporter
        to_model(c, ComplaintModel).save()
        TrackingNumberModel(c.tracking_number, complaint_id=c.id).save()
        visited = SOP_ORDER[: SOP_ORDER.index(c.stage) + 1] if c.stage else []
        entered = datetime.fromisoformat(c.created_at)
        for step, stage in enumerate(visited, start=1):
            last = step == len(visited)
            visit = WorkItem(
                complaint_id=c.id,
                step=step,
                stage=stage,
                role=sop.stage(stage).role.value,
                entered_at=iso(entered + timedelta(hours=step)),
                remind_at=iso(entered + timedelta(hours=step + 4)),
                due_at=iso(entered + timedelta(hours=step + 8)),
                decided_at=None if last else iso(entered + timedelta(hours=step + 1)),
                decided_by=None if last else "operator@aspirasi.kaltimprov.go.id",
                decision=None if last else {"outcome": "done", "note": c.description},
                title=c.title,
                tracking_number=c.tracking_number,
                question=f"Mohon kirim foto, {r.name}?" if step == 1 else None,
                answer=f"Sudah, hubungi {r.email} / +62{r.nsn}" if step == 1 else None,
                answered_by=f"citizen:{r.citizen_id}" if step == 1 else None,
            )
            to_model(visit, WorkItemModel).save()
        for index, name in enumerate(r.files):
            attachment = Attachment(
                attachment_id=f"att-{index}-{c.id[:8]}",
                complaint_id=c.id,
                content_type="image/jpeg",
                created_at=c.created_at,
                filename=name,
                s3_key=f"accepted/{c.id}/{name}",
                size=1234,
                status="accepted",
                created_by=f"citizen:{r.citizen_id}",
            )
            to_model(attachment, AttachmentModel).save()


# -- what a reader returns -----------------------------------------------------------------------------------
@dataclass
class Read:
    """One public output as read: its values (JSON, XML and CSV decoded, so an escaped character is found too;
    no keys, where a name is looked for: "type" is no name), the bodies as sent, and the complaints it shows
    (``tracking_number``, ``lat``, ``long`` as given)."""

    what: str
    values: str
    items: list[dict] = field(default_factory=list)
    listing: bool = False  # a list, search or open data: listed complaints only
    expected: set[str] | None = None  # of the batch, what it must show (None: not checked)
    raw: str = ""

    @property
    def text(self) -> str:
        return self.raw + "\n" + self.values


def body_of(response) -> str:
    return response.body.decode() if isinstance(response.body, bytes) else response.body


def as_text(value) -> str:
    """The values of a document (JSON as parsed, XML as ``xml_items`` reads it), one a line: no keys."""
    if isinstance(value, dict):
        return "\n".join(as_text(v) for v in value.values())
    if isinstance(value, list):
        return "\n".join(as_text(v) for v in value)
    return "" if value is None else str(value)


def get_json(client, path: str) -> tuple[int, dict, str]:
    response = client.get(path, headers={"Accept": "application/json"})
    raw = body_of(response)
    return response.status_code, json.loads(raw) if raw else {}, raw


def o311(item: dict) -> dict:
    return {**item, "tracking_number": item["service_request_id"]}


def w3(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def open311_windows() -> list[tuple[str, str]]:
    """Two 90-day windows (the spec's widest) covering the batch's 170 days."""
    end = NOW + timedelta(minutes=1)
    return [(w3(end - timedelta(days=90)), w3(end)), (w3(end - timedelta(days=180)), w3(end - timedelta(days=90)))]


def open311_search(fmt: str) -> Callable[[object, Batch], list[Read]]:
    def read(client, batch: Batch) -> list[Read]:
        values, raws, items = [], [], []
        for start, end in open311_windows():
            query = f"start_date={start}&end_date={end}&page_size=200"
            response, parsed = o311_call(client, "get", f"requests.{fmt}?{query}")
            assert response.status_code == 200, parsed
            found = parsed if fmt == "json" else xml_items(parsed)
            values.append(as_text(found))
            raws.append(body_of(response))
            items += [o311(i) for i in found]
        return [Read(f"Open311 search .{fmt}", "\n".join(values), items, True, batch.listed, "\n".join(raws))]

    read.__name__ = f"open311_search_{fmt}"
    return read


def open311_each(fmt: str) -> Callable[[object, Batch], list[Read]]:
    """requests/{id}: any existing complaint answers (as /track does), its text only if listed."""

    def read(client, batch: Batch) -> list[Read]:
        reads = []
        for g in batch.cases:
            response, parsed = o311_call(client, "get", f"requests/{g.number}.{fmt}")
            assert response.status_code == 200, parsed
            (item,) = parsed if fmt == "json" else xml_items(parsed)
            if not g.listed:
                assert item["description"] is None and item["status_notes"] is None and item["address"] is None
            what = f"Open311 requests/{g.number}.{fmt}"
            reads.append(Read(what, as_text(item), [o311(item)], raw=body_of(response)))
        return reads

    read.__name__ = f"open311_each_{fmt}"
    return read


def open311_by_ids(client, batch: Batch) -> list[Read]:
    ids = ",".join(g.number for g in batch.cases)
    response, parsed = o311_call(client, "get", f"requests.json?service_request_id={ids}")
    assert response.status_code == 200, parsed
    assert [i["service_request_id"] for i in parsed] == [g.number for g in batch.cases]
    items = [o311(i) for i in parsed]
    return [Read("Open311 requests.json?service_request_id=", as_text(parsed), items, raw=body_of(response))]


def track_each(client, batch: Batch) -> list[Read]:
    reads = []
    for g in batch.cases:
        status, body, raw = get_json(client, f"/track/{g.number}")
        assert status == 200, body
        reads.append(Read(f"/track/{g.number}", as_text(body), raw=raw))
    return reads


def public_pages(client, query: str) -> tuple[list[dict], str, str]:
    """Every page of the register's list for ``query``: (items, values, bodies)."""
    items, values, raws, token = [], [], [], None
    while True:
        path = f"/public/complaints?{query}&limit=50" + (f"&next_token={quote(token)}" if token else "")
        status, body, raw = get_json(client, path)
        assert status == 200, body
        items += body["items"]
        values.append(as_text(body))
        raws.append(raw)
        token = body.get("next_token")
        if not token:
            return items, "\n".join(values), "\n".join(raws)


def register_range() -> str:
    first, last = (NOW - timedelta(days=200)).astimezone(WITA).date(), (NOW + timedelta(days=1)).astimezone(WITA).date()
    return f"from={first}&to={last}"


def public_list(client, batch: Batch) -> list[Read]:
    items, values, raw = public_pages(client, register_range())
    return [Read("/public/complaints", values, items, True, batch.listed, raw)]


def public_searched(client, batch: Batch) -> list[Read]:
    """``q`` on the published text: an ordinary word finds what it finds; a reporter's name, email or phone
    finds nothing (the published text holds none of them)."""
    word = ORDINARY[len(batch.cases) % len(ORDINARY)].split()[0]
    items, values, raw = public_pages(client, f"{register_range()}&q={quote(word)}")
    reads = [Read(f"/public/complaints?q={word}", values, items, listing=True, raw=raw)]
    for g in batch.cases[:3]:
        r = g.reporter
        for q in {r.name, *publication.name_parts(r.name)[-1:], r.email, "0" + r.nsn}:
            if not publication.MIN_NAME_PART <= len(q) <= 100:
                continue
            items, values, raw = public_pages(client, f"{register_range()}&q={quote(q)}")
            assert items == [], (q, items)
            reads.append(Read(f"/public/complaints?q=<{q}>", values, items, True, set(), raw))
    return reads


def public_each(client, batch: Batch) -> list[Read]:
    reads = []
    for g in batch.cases:
        status, body, raw = get_json(client, f"/public/complaints/{g.number}")
        assert status == (200 if g.listed else 404), (g.number, body)
        shown = [body] if status == 200 else []
        reads.append(Read(f"/public/complaints/{g.number}", as_text(body), shown, raw=raw))
    return reads


def open_data_json(client, batch: Batch) -> list[Read]:
    items, values, raws = [], [], []
    for month in batch.months():
        status, body, raw = get_json(client, f"/public/open-data.json?month={month}")
        assert status == 200 and "next_token" not in body, body
        items += body["items"]
        values.append(as_text(body))
        raws.append(raw)
    return [Read("/public/open-data.json", "\n".join(values), items, True, batch.listed, "\n".join(raws))]


def open_data_csv(client, batch: Batch) -> list[Read]:
    items, values, raws = [], [], []
    for month in batch.months():
        response = client.get(f"/public/open-data.csv?month={month}")
        assert response.status_code == 200 and "Link" not in response.headers, response.headers
        raw = body_of(response).lstrip("\ufeff")
        rows = list(csv.DictReader(io.StringIO(raw)))
        items += [{**row, "lat": row.get("lat") or None, "long": row.get("long") or None} for row in rows]
        values += ["\n".join(row.values()) for row in rows]
        raws.append(raw)
    return [Read("/public/open-data.csv", "\n".join(values), items, True, batch.listed, "\n".join(raws))]


# Every public output, as the public reads it. A new one: add its reader here.
READERS: list[Callable[[object, Batch], list[Read]]] = [
    open311_search("json"),
    open311_search("xml"),
    open311_each("json"),
    open311_each("xml"),
    open311_by_ids,
    track_each,
    public_list,
    public_searched,
    public_each,
    open_data_json,
    open_data_csv,
]


# -- the properties ----------------------------------------------------------------------------------------------
def decimals(value) -> int:
    text = value if isinstance(value, str) else repr(float(value))
    return len(text.split(".")[1]) if "." in text else 0


def check(read: Read, batch: Batch) -> None:
    shown = {i["tracking_number"] for i in read.items}
    if read.listing:
        assert not shown & batch.unlisted, (read.what, "unlisted complaints shown", shown & batch.unlisted)
    if read.expected is not None:
        assert read.expected <= shown, (read.what, "listed complaints missing", read.expected - shown)
    sensitive = {g.number for g in batch.cases if g.sensitive}
    for item in read.items:
        for axis in ("lat", "long"):
            value = item.get(axis)
            if value is not None:
                assert decimals(value) <= 3, (read.what, item["tracking_number"], axis, value)
                assert item["tracking_number"] not in sensitive, (read.what, "a sensitive complaint's point", item)
    text = read.text
    folded = text.casefold()
    bare = MASKS.sub(" ", read.values)  # a name is looked for in values: a key is no name
    runs = digit_runs(text)
    for g in batch.cases:
        r = g.reporter
        for secret in [*r.exact_secrets(), *([g.media_url] if g.media_url else [])]:
            assert secret.casefold() not in folded, (read.what, "secret", secret)
        for part in publication.name_parts(r.name):
            found = re.search(rf"(?<![^\W_]){re.escape(part)}(?![^\W_])", bare, re.IGNORECASE)
            assert found is None, (read.what, "name", part, bare[max(0, found.start() - 60) : found.end() + 60])
        assert not any(r.nsn in run for run in runs), (read.what, "phone", r.nsn)


@settings(
    max_examples=18,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(generated(), min_size=2, max_size=7).map(Batch))
def test_no_public_output_exposes_anyone(client, batch):
    store(batch)
    for reader in READERS:
        for read in reader(client, batch):
            check(read, batch)
