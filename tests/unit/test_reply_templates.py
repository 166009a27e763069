"""Reply templates' placeholders (domain/reply_templates.py): what a text may hold, and how it is filled."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chalicelib.domain import reply_templates
from chalicelib.domain.errors import ValidationFailed


@dataclass
class Case:
    tracking_number: str = "KT-7K3M-Q9XT"
    title: str = "Lampu {mati}"
    citizen_name: str | None = "Siti Aminah"
    anonymous: bool | None = False
    opd: str | None = None
    category: str = "kesehatan"


TEXT = "Yth. {citizen_name}, laporan {tracking_number} ({title}) ditangani {agency}."


def test_fill_names_the_reporter_the_case_and_its_agency_once():
    assert reply_templates.fill(TEXT, Case()) == (
        "Yth. Siti Aminah, laporan KT-7K3M-Q9XT (Lampu {mati}) ditangani Dinas Kesehatan."
    )
    assert reply_templates.fill(TEXT, Case(opd="DISHUB")).endswith("ditangani Dinas Perhubungan.")
    assert reply_templates.fill("{agency}", Case(category="nope")) == "OPD terkait"


@pytest.mark.parametrize("case", [Case(anonymous=True), Case(citizen_name=None), Case(citizen_name="  ")])
def test_an_anonymous_or_nameless_reporter_is_bapak_ibu(case):
    assert reply_templates.fill("Yth. {citizen_name}", case) == "Yth. Bapak/Ibu"
    assert "Siti" not in reply_templates.fill(TEXT, case)


@pytest.mark.parametrize(
    "text, codes",
    [
        (TEXT, []),
        ("tanpa penanda", []),
        ("{nama}", ["unknown_placeholder"]),
        ("{}", ["unknown_placeholder"]),
        ("{title", ["unbalanced_brace"]),
        ("title}", ["unbalanced_brace"]),
        ("{{title}}", ["unbalanced_brace"]),
        ("{x} {", ["unknown_placeholder", "unbalanced_brace"]),
    ],
)
def test_only_the_four_placeholders_and_balanced_braces(text, codes):
    assert [e["code"] for e in reply_templates.placeholder_errors(text)] == codes
    payload = {"name": "n", "stage": "reply", "text": text}
    if codes:
        with pytest.raises(ValidationFailed) as failed:
            reply_templates.parse(payload)
        assert [e["code"] for e in failed.value.errors] == codes
    else:
        assert reply_templates.parse(payload).text == text
