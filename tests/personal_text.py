"""Generated text full of one reporter's data, shared by the publication property tests (tests/unit/
test_publication.py) and the leak test over every public output (tests/integration/test_public_leaks.py).

Hypothesis strategies for a registered name (1-4 parts, any case, accents), email addresses (hypothesis's
``emails()`` and the forms Indonesians write), Indonesian phone numbers in the formats people type, and texts
that mix them with ordinary fragments (money, times, dates, places) that must come out as written.
"""

from __future__ import annotations

import re

from hypothesis import assume
from hypothesis import strategies as st

from chalicelib.domain import publication

# -- what ordinary text is made of: each fragment must come out as written --------------------------------------
ORDINARY = [
    "Rp 15.000.000",
    "Rp 850.000.000",
    "Rp2.500.000",
    "biaya 1.500.000.000",
    "08.00-16.00",
    "pukul 07.30 WITA",
    "jam 8.30 s.d. 16.00",
    "12/12/2026",
    "07-12-2026",
    "2026-12-07",
    "tanggal 1 Desember 2026",
    "Jl. Juanda No. 12",
    "RT 05 RW 03",
    "sejak 2 minggu",
    "lampu jalan mati",
    "antrean puskesmas panjang",
    "KT-7K4M-9Q2X",
    "Samarinda",
    "Balikpapan Utara",
    "mohon segera ditindaklanjuti",
    "3 desa",
    "jalan berlubang 40 cm",
]
SEPARATORS = [" ", ", ", ". ", ": ", " - ", "; ", "\n", " (", ") ", " / "]
ORDINARY_WORDS = {w.lower() for f in ORDINARY for w in re.findall(r"[^\W\d_]+", f)} | {"hp", "wa", "telp", "email"}

# -- names ------------------------------------------------------------------------------------------------------
GIVEN = ["Budi", "Siti", "Aminah", "Rahmat", "Nurhaliza", "Dewi", "Wulandari", "Agus", "Santoso", "Putu", "Yohanes"]
GIVEN += ["Maria", "Theresia", "Abdul", "Hendrik", "Made", "Ketut", "Andi", "Fitriani", "Él", "Zoë", "Iñaki"]
LETTERS = "abcdefghijklmnoprstuwyzéèëüöñçàíóúâ"


@st.composite
def names(draw) -> str:
    """A registered name: 1-4 parts, from a list or made of letters (accents too), in any case."""
    made = st.text(LETTERS, min_size=1, max_size=9).map(str.capitalize)
    parts = draw(st.lists(st.one_of(st.sampled_from(GIVEN), made), min_size=1, max_size=4))
    assume(all(p.lower() not in ORDINARY_WORDS for p in parts))  # a name that is also a word of the text
    case = draw(st.sampled_from([str, str.upper, str.lower, str.title]))
    return case(" ".join(parts))


def name_parts_in(text: str, name: str) -> list[str]:
    """The parts of ``name`` of 3 letters or more that stand as words in ``text`` (the masks taken out first)."""
    bare = re.sub(r"\[(?:email|telepon|nama)\]", " ", text)
    return [
        part
        for part in publication.name_parts(name)
        if re.search(rf"(?<![^\W_]){re.escape(part)}(?![^\W_])", bare, re.IGNORECASE)
    ]


# -- email addresses --------------------------------------------------------------------------------------------
@st.composite
def indonesian_emails(draw) -> tuple[str, str]:
    """(as written, the address): the forms people write into a complaint."""
    local = draw(st.sampled_from(["budi", "siti.aminah", "rahmat_88", "dewi-w", "agus.santoso1990", "pak.rt05"]))
    domain = draw(st.sampled_from(["gmail.com", "yahoo.co.id", "kaltimprov.go.id", "ymail.com", "outlook.co.id"]))
    address = draw(st.sampled_from([str, str.upper, str.title]))(f"{local}@{domain}")
    written = draw(
        st.sampled_from(["{}", "<{}>", "mailto:{}", "({})", '"{}"', "email:{}", "{}.", "[{}]", "e-mail {}"])
    ).format(address)
    return written, address


@st.composite
def any_emails(draw) -> tuple[str, str]:
    generated = st.emails().map(lambda a: (a, a))
    spelled = st.sampled_from(["budi [at] gmail.com", "siti(at)yahoo.co.id", "rahmat {at} ymail.com"])
    return draw(st.one_of(indonesian_emails(), generated, spelled.map(lambda a: (a, a))))


# -- phone numbers ----------------------------------------------------------------------------------------------
MOBILE_PREFIXES = ["811", "812", "813", "821", "822", "852", "853", "856", "857", "877", "878", "881", "895", "899"]
AREAS = ["21", "22", "541", "542", "543", "511", "561", "274"]


def grouped(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    out, i = [], 0
    for size in sizes:
        if i < len(digits):
            out.append(digits[i : i + size])
            i += size
    if i < len(digits):
        out.append(digits[i:])
    return sep.join(out)


def national_numbers() -> st.SearchStrategy[str]:
    """An Indonesian number without its 0 or 62: a mobile (8xx...) or a landline (area code, then the number)."""
    mobile = st.tuples(st.sampled_from(MOBILE_PREFIXES), st.text("0123456789", min_size=6, max_size=9))
    landline = st.tuples(
        st.sampled_from(AREAS),
        st.text("123456789", min_size=1, max_size=1),
        st.text("0123456789", min_size=5, max_size=7),
    )
    return st.one_of(mobile.map("".join), landline.map("".join))


@st.composite
def written_phone(draw, nsn: str) -> str:
    """``nsn`` as people type it: 0812-3456-7890, +62 812..., 62812..., (0541) 741123, (+62) 812..., next to
    punctuation or a label."""
    if nsn[:3] in MOBILE_PREFIXES:
        sep = draw(st.sampled_from(["-", " ", ".", "", "\u2013"]))
        forms = [
            "0" + grouped(nsn, (3, 4, 4), sep),
            "0" + nsn,
            "+62 " + grouped(nsn, (3, 4, 4), sep),
            "+62" + nsn,
            "62" + nsn,
            "(+62) " + grouped(nsn, (3, 4), sep),
            "+62 (0) " + grouped(nsn, (3, 4), " "),
            grouped(nsn, (3, 4, 4), "-"),  # a mobile without its 0
            "0" + grouped(nsn, (3, 3, 3), " "),
        ]
    else:
        area = next(a for a in sorted(AREAS, key=len, reverse=True) if nsn.startswith(a))
        local = nsn[len(area) :]
        forms = [
            f"(0{area}) {local}",
            f"0{area}-{local}",
            f"0{area} {grouped(local, (3,), ' ')}",
            f"+62 {area} {local}",
        ]
    written = draw(st.sampled_from(forms))
    wrapper = draw(st.sampled_from(["{}", "({})", "HP {}", "WA:{}", "telp. {}", "HP{}", "{}.", "[{}]", "«{}»"]))
    return wrapper.format(written)


@st.composite
def phones(draw) -> tuple[str, str]:
    """(as written, the national number without 0 or 62): a mobile or a landline in the formats people type."""
    nsn = draw(national_numbers())
    return draw(written_phone(nsn)), nsn


def digit_runs(text: str) -> list[str]:
    """Every run of digits and the separators a phone number is written with, as digits only."""
    return [re.sub(r"\D", "", r) for r in re.findall(r"[\d][\d\s().\-/+\u2013\u2014]*", text)]


@st.composite
def complaints_text(draw):
    """(text, name, [emails], [phones], [ordinary fragments]) with secrets written between ordinary text."""
    name = draw(names())
    emails = draw(st.lists(any_emails(), max_size=3))
    numbers = draw(st.lists(phones(), max_size=3))
    ordinary = draw(st.lists(st.sampled_from(ORDINARY), min_size=1, max_size=6))
    secrets = [w for w, _ in emails] + [w for w, _ in numbers]
    secrets += draw(st.lists(st.sampled_from(["Saya {}", "{}", "Bapak {}", "a.n. {}", "Ibu {}."]), max_size=3))
    pieces = ordinary + secrets
    order = draw(st.permutations(range(len(pieces))))
    text = ""
    for index in order:
        piece = pieces[index]
        if "{}" in piece:
            words = name.split()
            piece = piece.format(draw(st.sampled_from([name, words[0], words[-1], name.upper(), name.lower()])))
        text += piece + draw(st.sampled_from(SEPARATORS))
    return text, name, [a for _, a in emails], [n for _, n in numbers], ordinary
