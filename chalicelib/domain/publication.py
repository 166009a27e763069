"""What the public may read of a complaint: the public register, its open data and Open311. Pure.

SP4N-LAPOR! publishes complaints and their follow-up unless the reporter asks for confidentiality; we do
the same, and publish nobody. The rules, each a property the tests look for in every public output:

- **Which complaints.** Only those whose reporter was told the text may be public and did not keep it
  confidential (``public``: the web form and Open311 clients), and only once intake accepted them: a
  report waiting for intake, or refused there, was never screened (``is_listed``).
- **Nobody in them.** Never the reporter's name, email, phone, account or attachments (the item is built
  from named fields, never from the record as a whole). In the text that is published (title,
  description, the answer) every email address and phone number is masked and the reporter's
  registered name, whole or any part of it, becomes "[nama]" (``published_text``): people write
  "saya Budi, hubungi 0812-3456-7890" into complaints, and replies greet them by name. Dates, times and
  sums stay as written. When the reporter closes their account the stored text loses them for good
  (``erase_person``, docs/privacy.md): their name can then no longer be masked at publication.
- **Where, roughly.** Coordinates rounded to 3 decimals (about 110 m); a complaint in a category the
  catalog marks sensitive (violence, a patient, a household's poverty: ``catalog.is_sensitive``) has
  no place at all, since its point could lead to a person.
"""

from __future__ import annotations

import re
from typing import Any

from . import catalog, sop

MASK_EMAIL = "[email]"
MASK_PHONE = "[telepon]"
MASK_NAME = "[nama]"
PLACES = 3  # decimals of a published coordinate: 0.001 degree is about 110 m
MIN_NAME_PART = 3  # a part of the name shorter than this ("Al", "M.") is too common a word to replace

# Anything around an "@" that could be an address, however odd its characters (RFC 5322's atext: ``{}'|`` too):
# masked whole. Written out ("budi [at] gmail.com", "budi(at)yahoo.co.id") it is an address too.
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"]*(?:@|\s?[\[({]\s?at\s?[\])}]\s?)[^\s@<>()\[\]{},;:\"']+", re.IGNORECASE)
# A run of digits with the separators people type (spaces, dashes, dots, slashes, brackets), optionally after
# "+": it may hold phone numbers (``_mask_phone`` decides). Letters before it do not hide one ("HP0812...").
_DIGITS = re.compile(r"(?<![\d+])\(?\+?\s?\(?\d[\d\s().\-/\u2013\u2014]*\d\)?")
# How many digits a phone number has, by how it starts: "0..." national (landline 9-11, mobile 10-13), "62..."
# or "+..." with a country code, "8..." a mobile without its 0. The longest span in range is masked.
_PHONE_LENGTHS = (("+", 9, 15), ("62", 10, 15), ("0", 9, 13), ("8", 9, 12))
# What is written with digits but is no phone number, kept as written (``_mask_phone`` never masks across it):
# dates (12/12/2026, 07-12-2026, 2026-12-07), times (08.00, 16:30) and sums in thousands (Rp 15.000.000).
_NOT_PHONE = re.compile(
    r"(?<![\d/.\-])(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})(?![\d/]|[.\-]\d)"
    r"|(?<![\d.:])\d{1,2}[.:]\d{2}(?!\d|[.:]\d)"
    r"|(?<![\d.+])(?P<sum>\d{1,3}(?:\.\d{3})+)(?!\d|\.\d)"
)
_MONEY = re.compile(r"(?:rp|idr)\.?\s?$", re.IGNORECASE)  # before a sum: a mobile number is never money


def is_listed(complaint: Any) -> bool:
    """Whether the complaint is in the public register (and its text in Open311): told it may be public,
    not confidential, and accepted at intake (its stage moved past intake; a refusal keeps it there)."""
    return (
        bool(getattr(complaint, "public", None))
        and not getattr(complaint, "confidential", False)
        and getattr(complaint, "stage", None) not in (None, sop.FIRST_STAGE)
    )


def _protected(text: str, before: str) -> list[tuple[int, int]]:
    """Spans of ``text`` (a run of digits) that are dates, times or sums, not phone numbers. A sum in thousands
    that starts as a mobile number does ("812.345.678") is one only after "Rp" or "IDR" (``before``)."""
    spans = []
    for found in _NOT_PHONE.finditer(text):
        if found.group("sum") and found.group(0).startswith(("0", "8")):
            if not _MONEY.search(before + text[: found.start()]):
                continue
        spans.append(found.span())
    return spans


def _phone_end(text: str, groups: list[tuple[int, int, str]], i: int, blocked: list[bool]) -> int | None:
    """The last group of the longest phone number starting at group ``i`` (``_PHONE_LENGTHS``), or None. Once the
    number is whole, it takes no group after a short one it left out ("0812 3456 7890 1 Desember": the 1 is the
    date's) nor one joined otherwise than its own groups ("0811-0000-00 3 desa": the 3 is the villages')."""
    first = groups[i][2]
    bounds = next(((low, high) for start, low, high in _PHONE_LENGTHS if first.startswith(start)), None)
    if bounds is None or blocked[i]:
        return None
    low, high = bounds
    best, digits = None, 0
    for j in range(i, len(groups)):
        if blocked[j]:
            break
        joined = text[groups[j - 1][1] : groups[j][0]] if j > i else ""
        if best is not None and best > i and joined != text[groups[best - 1][1] : groups[best][0]]:
            break
        digits += len(groups[j][2].lstrip("+"))
        if digits > high:
            break
        if best is not None and len(groups[j][2]) <= 2 and len(groups[j - 1][2]) >= 3:
            break
        if digits >= low:
            best = j
    return best


def _mask_phone(match: re.Match) -> str:
    """Mask the phone numbers inside one run of digits and separators. A run can hold several things
    ("tanggal 12/12/2026 0812 3456 7890"): dates, times and sums are kept (``_protected``), and from each other
    group of digits the longest span that is a phone number (``_phone_end``) is masked. A short group before a
    number ("RT 05 0812 ...") is not taken as its start."""
    text = match.group(0)
    groups = [(g.start(), g.end(), g.group(0)) for g in re.finditer(r"\+?\d+", text)]
    kept = _protected(text, match.string[max(0, match.start() - 4) : match.start()])
    blocked = [any(s < end and start < e for s, e in kept) for start, end, _ in groups]
    out, cursor, i = [], 0, 0
    while i < len(groups):
        best = _phone_end(text, groups, i, blocked)
        short = len(groups[i][2].lstrip("+")) <= 2 and groups[i][2].lstrip("+") != "62"
        if best is not None and short and i + 1 < len(groups) and _phone_end(text, groups, i + 1, blocked) is not None:
            best = None  # "05 0812 3456 7890": the number starts at 0812
        if best is None:
            i += 1
            continue
        start = groups[i][0]
        begin = start - 1 if start > 0 and text[start - 1] == "(" else start
        out.append(text[cursor:begin] + MASK_PHONE)
        cursor = groups[best][1]
        if cursor < len(text) and text[cursor] == ")" and "(" in text[begin:cursor]:
            cursor += 1
        i = best + 1
    return "".join(out) + text[cursor:]


def name_parts(name: str | None) -> list[str]:
    """The registered name and its parts worth replacing, longest first (so the whole name goes first)."""
    if not name or not name.strip():
        return []
    whole = " ".join(name.split())
    parts = {whole, *(p.strip(".,'") for p in whole.split())}
    return sorted((p for p in parts if len(p) >= MIN_NAME_PART), key=len, reverse=True)


_MASKS = re.compile(r"\[(?:email|telepon|nama)\]")


def _mask_email(match: re.Match) -> str:
    address = match.group(0)
    trailing = len(address) - len(address.rstrip(".-"))  # "... budi@x.id." keeps its full stop
    return MASK_EMAIL + address[len(address) - trailing :]


def _mask_name(text: str, name: str | None) -> str:
    """The name, whole or any part of it (``name_parts``), as "[nama]" wherever it stands as a word (not inside
    another word, nor inside a mask already written: a part "nama" leaves "[nama]" alone)."""
    parts = name_parts(name)
    if not parts:
        return text
    words = "|".join(re.escape(p) for p in parts)
    pattern = re.compile(rf"{_MASKS.pattern}|(?<![^\W_])(?:{words})(?![^\W_])", re.IGNORECASE)
    return pattern.sub(lambda m: m.group(0) if _MASKS.fullmatch(m.group(0)) else MASK_NAME, text)


def published_text(text: str | None, reporter_name: str | None = None) -> str | None:
    """``text`` as the public reads it: emails and phone numbers masked, the reporter's name "[nama]"."""
    if text is None:
        return None
    out = _EMAIL.sub(_mask_email, text)
    out = _mask_name(out, reporter_name)
    return _DIGITS.sub(_mask_phone, out)


def _national(digits: str) -> str:
    """A phone number's digits without the country code or trunk 0 (62812..., 0812..., 812... alike)."""
    if digits.startswith("62"):
        digits = digits[2:]
    return digits[1:] if digits.startswith("0") else digits


def erase_person(text: str | None, name: str | None, email: str | None, phone: str | None) -> str | None:
    """``text`` without one person: their name (whole and parts) "[nama]", their email address "[email]", their
    phone number, however it is written (the digits compared), "[telepon]". Other people's data is left as
    written (``published_text`` masks it for the public). Applying it twice changes nothing more."""
    if text is None:
        return None
    out = text
    if email and email.strip():
        address = re.escape(email.strip())
        out = re.sub(rf"(?<![\w.+\-]){address}(?![\w\-]|\.\w)", MASK_EMAIL, out, flags=re.IGNORECASE)
    out = _mask_name(out, name)
    own = _national(re.sub(r"\D", "", phone or ""))
    if len(own) < 6:
        return out

    def mask_own(match: re.Match) -> str:
        run = match.group(0)
        groups = [(g.start(), g.end(), g.group(0)) for g in re.finditer(r"\d+", run)]
        pieces, cursor, i = [], 0, 0
        while i < len(groups):
            digits, end = "", None
            for j in range(i, len(groups)):
                digits += groups[j][2]
                if _national(digits) == own:
                    end = j
                    break
                if len(digits) > len(own) + 3:
                    break
            if end is None:
                i += 1
                continue
            start = groups[i][0]
            begin = start - 1 if start > 0 and run[start - 1] in "+(" else start
            begin = begin - 1 if begin > 0 and run[begin - 1] == "(" else begin
            pieces.append(run[cursor:begin] + MASK_PHONE)
            cursor = groups[end][1]
            if cursor < len(run) and run[cursor] == ")" and "(" in run[begin:cursor]:
                cursor += 1
            i = end + 1
        return "".join(pieces) + run[cursor:]

    return _DIGITS.sub(mask_own, out)


def place(complaint: Any) -> tuple[float, float] | None:
    """The published point: rounded to ``PLACES`` decimals, none for a sensitive category."""
    latitude, longitude = getattr(complaint, "latitude", None), getattr(complaint, "longitude", None)
    if latitude is None or longitude is None:
        return None
    if catalog.is_sensitive(complaint.category, complaint.subcategory):
        return None
    return round(float(latitude), PLACES), round(float(longitude), PLACES)
