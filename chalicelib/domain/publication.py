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
  "saya Budi, hubungi 0812-3456-7890" into complaints, and replies greet them by name.
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

# Anything around an "@" that could be an address, however odd its characters: masked whole.
_EMAIL = re.compile(r"[^\s@<>()\[\]{},;:\"']*@[^\s@<>()\[\]{},;:\"']+")
# A run of digits with the separators people type (spaces, dashes, dots, brackets), optionally after "+":
# a phone number when it has 9 to 15 digits and starts as Indonesian numbers do (0, 62, +, or 8 for a
# mobile written without its 0). Money ("Rp 15.000.000", 8 digits), dates and times stay as written.
_DIGITS = re.compile(r"(?<![\w+])\(?\+?\s?\(?\d[\d\s().\-/]*\d\)?")
_PHONE_START = ("0", "62", "8")


def is_listed(complaint: Any) -> bool:
    """Whether the complaint is in the public register (and its text in Open311): told it may be public,
    not confidential, and accepted at intake (its stage moved past intake; a refusal keeps it there)."""
    return (
        bool(getattr(complaint, "public", None))
        and not getattr(complaint, "confidential", False)
        and getattr(complaint, "stage", None) not in (None, sop.FIRST_STAGE)
    )


def _mask_phone(match: re.Match) -> str:
    """Mask the phone numbers inside one run of digits and separators. A run can hold several things
    ("tanggal 12 12 2026 0812 3456 7890"), so each group of digits may start a number: the longest span of
    groups from it with 9 to 15 digits, starting as a phone number does, is masked."""
    text = match.group(0)
    groups = [(g.start(), g.end(), g.group(0)) for g in re.finditer(r"\+?\d+", text)]
    out, cursor, i = [], 0, 0
    while i < len(groups):
        start, _, first = groups[i]
        best = None
        if first.startswith("+") or first.startswith(_PHONE_START):
            digits = 0
            for j in range(i, len(groups)):
                digits += len(groups[j][2].lstrip("+"))
                if digits > 15:
                    break
                if digits >= 9:
                    best = j
        if best is None:
            i += 1
            continue
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


def published_text(text: str | None, reporter_name: str | None = None) -> str | None:
    """``text`` as the public reads it: emails and phone numbers masked, the reporter's name "[nama]"."""
    if text is None:
        return None
    out = _EMAIL.sub(MASK_EMAIL, text)
    for part in name_parts(reporter_name):
        out = re.sub(rf"(?<!\w){re.escape(part)}(?!\w)", MASK_NAME, out, flags=re.IGNORECASE)
    return _DIGITS.sub(_mask_phone, out)


def place(complaint: Any) -> tuple[float, float] | None:
    """The published point: rounded to ``PLACES`` decimals, none for a sensitive category."""
    latitude, longitude = getattr(complaint, "latitude", None), getattr(complaint, "longitude", None)
    if latitude is None or longitude is None:
        return None
    if catalog.is_sensitive(complaint.category, complaint.subcategory):
        return None
    return round(float(latitude), PLACES), round(float(longitude), PLACES)
