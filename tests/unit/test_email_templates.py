"""Every email template, rendered as it is sent, reads right in both languages (issue 20).

Each email is Indonesian first, then English: in the text part the halves are split by a line ``---``; in
the HTML part the language is the markup's own (``<html lang="id">``, ``<div lang="en">``, and a
``<span lang="en">`` for the English of a bilingual line). For every template (``rendering.email_templates()``:
whatever ``emails/*.subject.txt`` exist) and each of its variants, the checks are:

- every URL stands alone: the link as the context gave it, followed by a blank or the end of the line,
  never glued to the next word or to a full stop (mail clients take "...?case=6dThe" or "url." as the link);
- no sentence is glued to the next (``[a-z]\\.[A-Z]``, URLs and addresses aside), as Jinja's whitespace
  control does when a block tag eats a line break ("Mohon segera diperbaiki.Lokasi:");
- dates are in the half's language: "Senin, 21 Desember 2026" in Indonesian, "Monday, 21 December 2026" in
  English, and neither half names the other's days or months; a subject gives a date in figures;
- what a citizen wrote (and what staff wrote for them) is escaped in HTML, and plain in the text part.

**A new template plugs in by itself**: it is rendered with ``DEFAULT`` (every name the existing emails use).
A name it needs beyond those gets a stand-in (a URL for ``*_url``, a time for ``*_at``, a number for
``*_days``/``*_minutes``, a word otherwise) and a warning naming it; give it a real value in
``CONTEXTS[<template>]`` (a list of variants, each a dict of what production passes), and, when the
template has branches, a variant per branch.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from jinja2 import UndefinedError

from chalicelib.domain import sop
from chalicelib.domain.calendar import MONTHS_EN, MONTHS_ID
from chalicelib.domain.records import Complaint
from chalicelib.rendering import email_templates, render_email
from chalicelib.service.members import invitation_context
from chalicelib.service.monthly_report import email_context
from chalicelib.service.views import case_context

from .report_sample import sample_report

BASE = "https://aspirasi.test"
COMPLAINT_ID = "4f2a9c1e7b3d4a0c8e6f5b2a1d9c3e6d"  # ends in "6d", as the defect's "…6dThe service clock"
TRACKING = "KT-82PT-R267"
# What people wrote, with markup in it: escaped in HTML, as written in text. (No month or day names here:
# the date checks would see them.)
MARK = "<x-citizen>"
CITIZEN: dict[str, Any] = {
    "citizen_name": f"Siti {MARK}Aminah",
    "title": f"Jalan {MARK}berlubang & licin",
    "description": f"Mohon segera diperbaiki {MARK}&amp; ditambal.",  # ends a sentence: "Lokasi:" follows
    "location": f'Jl. Poros {MARK}"Km 12", Samarinda',
    "reply": f"Sudah ditambal {MARK}oleh Dinas PU.",
    "close_reason": f"Bukan pengaduan {MARK}layanan publik.",
}
STAFF_QUESTION = f"Di ruas mana {MARK}tepatnya?"
ANSWER = f"Dekat jembatan {MARK}Mahkota."
REOPEN = f"Lubangnya muncul lagi {MARK}setelah hujan."
# Times that fall in months and on days whose names differ between the languages.
DUE = "2026-12-21T10:50:00+00:00"  # Monday, 21 December 2026 18:50 WITA
ENTERED = "2026-12-18T01:00:00+00:00"  # Friday
LINK_EXPIRES = "2027-01-04T02:00:00+00:00"  # Monday, January
ANSWER_EXPIRES = "2026-12-31T08:00:00+00:00"  # Thursday
REPORT_MONTH = "2026-12"


def _case(channel: str = "web", confidential: bool = False) -> dict:
    """The case as every email sees it: service/views.case_context of a stored complaint."""
    complaint = Complaint(
        category="infrastruktur",
        subcategory="jalan-rusak",
        created_at=ENTERED,
        updated_at=ENTERED,
        id=COMPLAINT_ID,
        status=sop.STATUS_OPEN,
        tracking_number=TRACKING,
        channel=channel,
        confidential=confidential,
        **CITIZEN,
    )
    return case_context(complaint)


def _citizen(channel: str = "web", **extra: Any) -> dict:
    """What service/workflow/outbox.tell_citizen passes."""
    return {
        "c": _case(channel),
        "base_url": BASE,
        "case_url": f"{BASE}/?case={COMPLAINT_ID}",
        "track_url": f"{BASE}/?track={TRACKING}",
        **extra,
    }


def _team(visit: dict | None = None, stage: str = "opd_response", **extra: Any) -> dict:
    """What service/workflow/teams.team_email passes."""
    return {
        "c": _case("phone"),
        "stage": sop.stage(stage),
        "team": "Tim Pelayanan Aspirasi Pengaduan Dinas Pekerjaan Umum",
        "due_at": DUE,
        "entered_at": ENTERED,
        "link": f"{BASE}/actions/Zm9vYmFyLXRva2VuLXNpbmdsZS11c2U",
        "link_expires_at": LINK_EXPIRES,
        "visit": visit or {},
        **extra,
    }


VISITS: list[dict[str, Any]] = [
    {},
    {"question": STAFF_QUESTION, "answer": ANSWER},
    {"reopen_reason": REOPEN, "round": 2},
]


def _report(preliminary: bool) -> dict:
    figures = {**sample_report(), "generated_at": "2027-01-01T00:00:05Z"}  # Friday, 1 January 2027
    context = email_context(figures, REPORT_MONTH, f"Laporan-SLA-Aspirasi-Kaltim-{REPORT_MONTH}.xlsx", f"{BASE}/staff")
    return {**context, "preliminary": preliminary}


# template -> its variants (one per branch the template takes), as production builds them.
CONTEXTS: dict[str, list[dict]] = {
    "received": [_citizen(channel) for channel in ("web", "open311", "phone")],
    "question": [
        _citizen(
            channel,
            question=STAFF_QUESTION,
            stage=sop.stage("classification"),
            expires_at=ANSWER_EXPIRES,
            deadline=sop.ANSWER_DEADLINE,
        )
        for channel in ("web", "letter")
    ],
    "question_reminder": [
        _citizen(channel, question=STAFF_QUESTION, stage=sop.stage("classification"), expires_at=ANSWER_EXPIRES)
        for channel in ("web", "walk_in")
    ],
    "reply": [_citizen(channel, rating_url=f"{BASE}/ratings/cmF0aW5nLXRva2Vu") for channel in ("web", "phone")],
    "rejected": [_citizen()],
    "unanswered": [_citizen()],
    "duplicate": [_citizen(channel, original="KT-7K3M-9QXD") for channel in ("web", "phone")],
    "assigned": [_team(visit) for visit in VISITS],
    "reminder": [_team(visit, stage="classification") for visit in VISITS],
    "overdue": [_team(visit, escalations=1) for visit in VISITS],
    "escalation": [
        {
            key: value
            for key, value in {**_team(), "supervisor": "Supervisor Diskominfo", "escalations": 3}.items()
            if key not in ("link", "link_expires_at", "visit")
        }
    ],
    "monthly_report": [_report(False), _report(True)],
    "staff_invitation": [
        invitation_context(f"{BASE}/staff", "petugas.baru@kaltimprov.go.id", "Abcdefgh2345"),
        invitation_context("", None, "{####}", account="{username}"),  # Cognito's own template (the cloud)
    ],
    "account_exists": [{"email": "warga@example.id", "login_url": f"{BASE}/"}],
    "password_reset": [{"email": "warga@example.id", "code": "123456"}],
}
DEFAULT: dict = {key: value for variants in CONTEXTS.values() for key, value in variants[0].items()}


def _stand_in(name: str) -> Any:
    if name.endswith("_url") or name in ("url", "link"):
        return f"{BASE}/{name.replace('_', '-')}"
    if name.endswith("_at"):
        return DUE
    if name.endswith(("_days", "_minutes", "_hours", "count")):
        return 3
    return f"contoh-{name}"


def render(name: str, context: dict):
    """``render_email``; a name the template needs that the context lacks gets a stand-in and a warning."""
    context = dict(context)
    for _ in range(20):
        try:
            return render_email(name, context), context
        except UndefinedError as error:
            missing = re.search(r"'(\w+)' is undefined", str(error))
            if missing is None or missing.group(1) in context:
                raise
            warnings.warn(
                f"email template {name!r} needs {missing.group(1)!r}: give it a real value in "
                "tests/unit/test_email_templates.py CONTEXTS",
                stacklevel=2,
            )
            context[missing.group(1)] = _stand_in(missing.group(1))
    raise AssertionError(f"{name}: too many names missing from its context")


def variants() -> Iterator[Any]:
    for name in email_templates():
        for n, context in enumerate(CONTEXTS.get(name, [DEFAULT])):
            yield pytest.param(name, context, id=f"{name}-{n}")


# -- reading a rendered email -----------------------------------------------------------------------
_BLOCKS = {"p", "div", "br", "tr", "td", "th", "table", "h1", "h2", "h3", "blockquote", "li", "ul", "ol", "hr"}
_VOID = {"br", "hr", "meta", "img", "input", "link"}


class _Halves(HTMLParser):
    """The visible text of an HTML email by language: each element's ``lang``, or its parent's."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: dict[str, list[str]] = {"id": [], "en": []}
        self.stack: list[tuple[str, str]] = []
        self.hidden = 0

    @property
    def lang(self) -> str:
        return self.stack[-1][1] if self.stack else "id"

    def _break(self) -> None:
        for parts in self.text.values():
            parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang")
        if tag in _BLOCKS or lang:
            self._break()
        if tag in ("head", "style", "script"):
            self.hidden += 1
        if tag not in _VOID:
            self.stack.append((tag, (lang or self.lang).split("-")[0]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("head", "style", "script"):
            self.hidden -= 1
        while self.stack:
            open_tag, lang = self.stack.pop()
            if open_tag == tag:
                break
        if tag in _BLOCKS or tag == "span":
            self._break()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.setdefault(self.lang, []).append(data)


def html_halves(html: str) -> dict[str, str]:
    parser = _Halves()
    parser.feed(html)
    return {lang: re.sub(r"[ \t]*\n\s*", "\n", "".join(parts)) for lang, parts in parser.text.items()}


def text_halves(text: str) -> dict[str, str]:
    parts = re.split(r"(?m)^---$", text)
    assert len(parts) == 2, "a text email is Indonesian, a line '---', then English"
    return {"id": parts[0], "en": parts[1]}


def urls_of(context: Any) -> set[str]:
    """Every URL the context holds (the links the email may show), with the rating links' scores."""
    if isinstance(context, dict):
        found = set().union(*(urls_of(v) for v in context.values())) if context else set()
        if isinstance(context.get("rating_url"), str):
            found |= {f"{context['rating_url']}?score={n}" for n in range(1, 6)}
        return found
    if isinstance(context, (list, tuple)):
        return set().union(*(urls_of(v) for v in context)) if context else set()
    return {context} if isinstance(context, str) and context.startswith("http") else set()


_URL = re.compile(r"https?://\S*")
_ADDRESS = re.compile(r"\S+@\S+")
_GLUED = re.compile(r"[a-z]\.[A-Z]")
DAYS_ID = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
NAMES = {"id": (*DAYS_ID, *MONTHS_ID), "en": (*DAYS_EN, *MONTHS_EN)}
ONLY = {lang: set(NAMES[lang]) - set(NAMES["en" if lang == "id" else "id"]) for lang in NAMES}
_DATE = re.compile(r"\b(\w+), (\d{1,2}) (\w+) (\d{4}) (\d{2}):(\d{2}) WITA")


def url_problems(text: str, allowed: set[str]) -> list[str]:
    return [f"a URL glued to what follows it: {m.group()!r}" for m in _URL.finditer(text) if m.group() not in allowed]


def glued_sentences(text: str) -> list[str]:
    prose = _ADDRESS.sub(" ", _URL.sub(" ", text))
    return [f"sentences run together: {prose[max(0, m.start() - 25) : m.end() + 25]!r}" for m in _GLUED.finditer(prose)]


def date_problems(lang: str, text: str) -> list[str]:
    problems = []
    for match in _DATE.finditer(text):
        day, month = match.group(1), match.group(3)
        if day not in NAMES[lang] or month not in NAMES[lang]:
            problems.append(f"a date not in {lang}: {match.group()!r}")
    other = "en" if lang == "id" else "id"
    for word in ONLY[other]:
        if re.search(rf"\b{word}\b", text):
            problems.append(f"the {lang} half names {word!r} ({other})")
    return problems


# -- the checks ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, context", list(variants()))
def test_every_email_reads_right_in_both_languages(name, context):
    email, used = render(name, context)
    allowed = urls_of(used)
    problems: list[str] = []
    for part, halves in (("text", text_halves(email.text)), ("html", html_halves(email.html))):
        for lang, text in halves.items():
            where = f"{part}/{lang}"
            problems += [f"{where}: {p}" for p in url_problems(text, allowed)]
            problems += [f"{where}: {p}" for p in glued_sentences(text)]
            problems += [f"{where}: {p}" for p in date_problems(lang, text)]
    problems += [f"subject: {p}" for p in url_problems(email.subject, allowed) + glued_sentences(email.subject)]
    problems += [f"subject: a date in words: {m.group()!r}" for m in _DATE.finditer(email.subject)]
    named = {lang: [w for w in ONLY[lang] if re.search(rf"\b{w}\b", email.subject)] for lang in ONLY}
    if bool(named["id"]) != bool(named["en"]):  # a bilingual line names a month in both languages, or in figures
        problems.append(f"subject: a month or day named in one language only: {named}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name, context", list(variants()))
def test_what_people_wrote_is_escaped_in_html_and_plain_in_text(name, context):
    email, _ = render(name, context)
    assert "<x-citizen" not in email.html, name
    assert "&lt;x-citizen&gt;" not in email.text  # plain text is not HTML
    if MARK in email.text:
        assert "&lt;x-citizen&gt;" in email.html, name  # shown in both parts, escaped in one


def test_every_email_has_its_contexts_and_every_branch_is_rendered():
    """A template with no entry in CONTEXTS still renders (DEFAULT, above); the ones we send have theirs."""
    known = {"received", "question", "question_reminder", "reply", "rejected", "unanswered", "duplicate"}
    known |= {"assigned", "reminder", "overdue", "escalation", "monthly_report", "staff_invitation", "account_exists"}
    known |= {"password_reset"}
    assert known <= set(email_templates())
    assert set(CONTEXTS) == set(email_templates()), "give every email template its variants in CONTEXTS"


def test_the_checks_catch_what_they_are_for():
    allowed = {f"{BASE}/?case={COMPLAINT_ID}"}
    assert url_problems(f"page: {BASE}/?case={COMPLAINT_ID}The service clock", allowed)
    assert url_problems(f"at {BASE}/?case={COMPLAINT_ID}.", allowed)
    assert not url_problems(f"at {BASE}/?case={COMPLAINT_ID}\nnext", allowed)
    assert glued_sentences("Mohon segera diperbaiki.Lokasi: Samarinda")
    assert not glued_sentences("Lihat https://a.test/x.Y dan a.b@c.Id. Selesai.")
    assert date_problems("en", "Due: Senin, 21 Desember 2026 18:50 WITA")
    assert date_problems("id", "Batas waktu: Monday, 21 December 2026 18:50 WITA")
    assert not date_problems("en", "Due: Monday, 21 December 2026 18:50 WITA (November, April)")
    halves = html_halves('<html lang="id"><p>Satu <span lang="en">/ One</span></p><div lang="en"><p>Two</p></div>')
    assert "Satu" in halves["id"] and "One" not in halves["id"] and "One" in halves["en"] and "Two" in halves["en"]


def test_a_template_without_a_context_renders_with_stand_ins_and_a_warning(monkeypatch):
    import chalicelib.rendering as rendering

    class Template:
        def __init__(self, source: str):
            self.source = source

        def render(self, context: dict) -> str:
            from jinja2 import Environment, StrictUndefined

            return Environment(undefined=StrictUndefined).from_string(self.source).render(context)

    class Env:
        def get_template(self, path: str) -> Template:
            return Template("Kode: {{ token }}. Buka {{ reset_url }}\n---\nCode: {{ token }}. Open {{ reset_url }}")

    monkeypatch.setattr(rendering, "environment", lambda: Env())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        email, used = render("a_new_template", DEFAULT)
    assert sorted(re.findall(r"needs '(\w+)'", " ".join(str(w.message) for w in caught))) == ["reset_url", "token"]
    assert used["reset_url"] == f"{BASE}/reset-url" and "contoh-token" in email.text
    assert not url_problems(text_halves(email.text)["en"], urls_of(used))


def test_a_time_reads_in_the_halfs_language_or_in_figures():
    from chalicelib.rendering import format_wita, format_wita_figures

    assert format_wita(DUE) == "Senin, 21 Desember 2026 18:50 WITA"
    assert format_wita(DUE, "en") == "Monday, 21 December 2026 18:50 WITA"
    assert format_wita(LINK_EXPIRES, "en") == "Monday, 4 January 2027 10:00 WITA"
    assert format_wita_figures(DUE) == "21-12-2026 18:50 WITA"
    assert format_wita(None, "en") == format_wita_figures(None) == "-"
