"""Rendering with Jinja2: emails, pages and charts. HTML and SVG are autoescaped; text is plain; Indonesian first."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .domain.calendar import MONTHS_EN, MONTHS_ID, WITA

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"
_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {"id": MONTHS_ID, "en": MONTHS_EN}


_ID_SEPARATORS = str.maketrans(",.", ".,")


def format_number(value: float, decimals: int = 0, lang: str = "id") -> str:
    """1.234 and 85,0 in Indonesian, 1,234 and 85.0 in English."""
    text = f"{value:,.{decimals}f}"
    return text.translate(_ID_SEPARATORS) if lang == "id" else text


def format_wita(value: datetime | str | None, lang: str = "id") -> str:
    """'Senin, 21 Desember 2026 18:50 WITA' — how officers read a deadline; with ``lang`` "en" 'Monday,
    21 December 2026 18:50 WITA' (an email's English half: ``{{ due_at|wita("en") }}``)."""
    if not value:
        return "-"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(WITA)
    lang = "en" if lang == "en" else "id"
    day, month = _DAYS[lang][local.weekday()], _MONTHS[lang][local.month - 1]
    return f"{day}, {local.day} {month} {local.year} {local:%H:%M} WITA"


def format_wita_figures(value: datetime | str | None) -> str:
    """'21-12-2026 18:50 WITA': a time in figures, the same in both languages (a bilingual subject line)."""
    if not value:
        return "-"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{moment.astimezone(WITA):%d-%m-%Y %H:%M} WITA"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Made on first use: a request that renders nothing does not import Jinja2 (cold start)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "svg"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["wita"] = format_wita
    env.filters["wita_figures"] = format_wita_figures
    return env


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def email_templates() -> list[str]:
    """The names of every email the system sends (one per ``emails/<name>.subject.txt``)."""
    return sorted(p.name.removesuffix(".subject.txt") for p in (TEMPLATES / "emails").glob("*.subject.txt"))


# What a citizen wrote, by where it sits in an email's context. For a confidential case no email shows it, to
# the teams or to the citizen (mailboxes are shared, forwarded, read on shared phones): the link shows it to
# whoever may read it. Applied here, the one place every email passes, so no template can forget.
WITHHELD = "(rahasia: buka tautan untuk membaca / confidential: open the link to read it)"
_CITIZEN_TEXT = {"c": ("title", "description", "location"), "visit": ("answer", "reopen_reason")}


def withhold_confidential(context: dict) -> dict:
    """The context with the citizen's words replaced by WITHHELD when its case (``c``) is confidential."""
    case = context.get("c")
    if not isinstance(case, Mapping) or not case.get("confidential"):
        return context
    guarded = dict(context)
    for key, fields in _CITIZEN_TEXT.items():
        part = context.get(key)
        if isinstance(part, Mapping):
            guarded[key] = {**part, **{f: WITHHELD for f in fields if part.get(f)}}
    return guarded


def render_email(name: str, context: dict) -> RenderedEmail:
    env = environment()
    context = withhold_confidential(context)
    subject = env.get_template(f"emails/{name}.subject.txt").render(context)
    return RenderedEmail(
        # A subject is one line: a citizen's text must not inject headers.
        subject=" ".join(subject.split()),
        text=env.get_template(f"emails/{name}.txt").render(context),
        html=env.get_template(f"emails/{name}.html").render(context),
    )


def render_page(name: str, context: dict) -> str:
    return environment().get_template(f"pages/{name}.html").render(context)


def render_whatsapp(name: str, context: dict) -> str:
    """A WhatsApp message to a citizen (``whatsapp/<name>.txt``): plain text, the confidential case's words
    withheld as in emails (a phone is shared and read over shoulders too)."""
    text = environment().get_template(f"whatsapp/{name}.txt").render(withhold_confidential(context))
    return "\n".join(line.rstrip() for line in text.strip().splitlines())
