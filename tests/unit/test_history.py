"""The audit trail in sentences (domain/history.py): every action the code writes has one, and no sentence
carries an email, an account id, a code or a UTC stamp."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.domain import catalog, history, sop
from chalicelib.domain.personal_data import ERASED_ACTOR
from chalicelib.domain.records import new_audit_entry
from chalicelib.domain.submission import CHANNEL_LABELS

SOURCE = Path(__file__).resolve().parents[2] / "chalicelib"
AT = "2026-12-07T04:49:06.976+00:00"  # 12:49 WITA
UUID = "a09baa1c-5f0e-4c4b-9a53-2b1f0c3d4e5f"
FORBIDDEN = {
    "an email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "a uuid or hex id": re.compile(r"\b[0-9a-f]{8,}\b|[0-9a-f]{8}-[0-9a-f]{4}"),
    "a UTC stamp": re.compile(r"T\d\d:\d\d|\+00:00|\d\dZ\b|UTC"),
    "a snake_case code": re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b"),
    "an actor key": re.compile(r"\b(citizen|system|link|open311):"),
    "a key: value": re.compile(r"\b(step|outcome|due_at|channel|sla)\b"),
}


def _actions_in(path: Path) -> set[str]:
    """The action of every ``new_audit_entry(...)`` in a module: a literal, or the literals passed for the
    parameter it names in calls of the enclosing function (``_close_open_case(..., "rejected", ...)``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "new_audit_entry"):
            continue
        arg = call.args[3] if len(call.args) > 3 else next((k.value for k in call.keywords if k.arg == "action"), None)
        if isinstance(arg, ast.Constant):
            found.add(str(arg.value))
            continue
        assert isinstance(arg, ast.Name), f"{path}: an action that is neither a literal nor a parameter"
        function = parents[call]
        while not isinstance(function, ast.FunctionDef):
            function = parents[function]
        index = [a.arg for a in function.args.args].index(arg.id)
        callers = [
            c for c in ast.walk(tree) if isinstance(c, ast.Call) and getattr(c.func, "id", None) == function.name
        ]
        assert callers, f"{path}: {function.name} is never called"
        for caller in callers:
            value = caller.args[index] if len(caller.args) > index else None
            value = value or next((k.value for k in caller.keywords if k.arg == arg.id), None)
            assert isinstance(value, ast.Constant), f"{path}: {function.name} called with an action not literal"
            found.add(str(value.value))
    return found


def written_actions() -> set[str]:
    return set().union(*(_actions_in(p) for p in SOURCE.rglob("*.py")))


def test_the_list_of_actions_is_what_the_code_writes():
    written = written_actions()
    assert {"submitted", "decided", "stage_entered", "closed", "rejected"} <= written  # the search works
    assert written == history.ACTIONS


ACTORS = (
    f"citizen:{UUID}",
    ERASED_ACTOR,
    "operator@aspirasi.kaltimprov.go.id",
    "link:opd",
    "link:rating",
    "system:state-machine",
    "system:uploads",
    "open311:Aplikasi Kota",
)
DETAILS: tuple[dict[str, Any], ...] = (
    {},
    {
        "step": 3,
        "sla": "met",
        "due_at": "2026-12-09T04:49:06.976+00:00",
        "tracking_number": "KT-7K3M-Q9XT",
        "category": "kesehatan",
        "channel": "walk_in",
        "external_ref": "LAPOR-123",
        "attachment_id": "0123456789abcdef0123456789abcdef",
        "filename": "warga.budi@example.id.jpg",
        "content_type": "image/jpeg",
        "detected_type": "application/pdf",
        "size": 1234567,
        "reason": "too_large",
        "escalations": 2,
        "round": 2,
        "score": 4,
        "comment": "email saya budi@example.id",
        "answer": "hubungi 0812-3456-7890 atau budi@example.id",
        "question": "alamat lengkap?",
        "fields": ["name", "phone", "citizen_email"],
        "attachments_deleted": 2,
        "audit_entries_redacted": 3,
        "to": ["budi@example.id"],
        "subject": "Pengaduan KT-7K3M-Q9XT",
        "template": "stage_assigned",
        "sop": "breached",
        "resumes": 2,
        "paused_business_minutes": 12.5,
    },
)


def _outcomes(stage: str | None):
    return [o.name for o in sop.stage(stage).outcomes] + ["made_up"] if stage else [None, "made_up"]


@pytest.mark.parametrize("action", sorted(history.ACTIONS | {"something_new"}))
def test_every_sentence_says_who_what_and_when_in_words(action):
    for actor, details, stage in itertools.product(ACTORS, DETAILS, (None, *sop.STAGE_NAMES, "gone")):
        for outcome in _outcomes(stage if stage != "gone" else None) if action == "decided" else [None]:
            more = {"outcome": outcome, "opd": "PUPR-PERA", "of": "KT-7K3M-Q9XT"} if outcome else {}
            entry = new_audit_entry("c" * 32, AT, actor, action, stage, {**details, **more})
            for context in (history.HistoryContext(), history.HistoryContext(True, {3: "DINKES", 2: None})):
                sentences = history.summary(entry, context)
                assert set(sentences) == {"id", "en"}
                assert sentences["id"].startswith("7 Des 2026 12.49 WITA: ")
                assert sentences["en"].startswith("7 Dec 2026 12:49 WITA: ")
                for language, sentence in sentences.items():
                    for what, pattern in FORBIDDEN.items():
                        assert not pattern.search(sentence), (what, language, sentence, entry)
                    assert "PUPR-PERA" not in sentence  # the agency by its name, never its code
                    assert sentence.endswith(".") and "  " not in sentence and "None" not in sentence
                if action in history.ACTIONS:  # a known action says more than the fallback
                    assert "sebuah kejadian" not in sentences["id"], (sentences, entry)


def test_the_reporter_is_never_named_and_staff_by_their_team():
    anonymous = history.HistoryContext(anonymous=True)
    entry = new_audit_entry(
        "c", AT, f"citizen:{UUID}", "submitted", details={"channel": "web", "category": "kesehatan"}
    )
    assert history.summary(entry, anonymous) == {
        "id": "7 Des 2026 12.49 WITA: Pelapor mengirim pengaduan lewat situs web dalam kategori Kesehatan.",
        "en": "7 Dec 2026 12:49 WITA: The reporter submitted the complaint through the website in the category "
        "Kesehatan.",
    }
    entered = new_audit_entry("c", AT, "op@x.id", "submitted", details={"channel": "walk_in", "category": "kesehatan"})
    assert (
        "Operator/Agen Aspirasi Kaltim mencatat pengaduan yang diterima lewat datang langsung"
        in (history.summary(entered)["id"])
    )
    assert "by walk-in" in history.summary(entered)["en"]
    decided = new_audit_entry(
        "c", AT, "petugas@dinkes.id", "decided", "opd_response", {"step": 4, "outcome": "respond", "sla": "met"}
    )
    sentence = history.summary(decided, history.HistoryContext(opd_of_step={4: "DINKES"}))
    assert sentence["id"] == (
        "7 Des 2026 12.49 WITA: Tim Pelayanan Aspirasi Pengaduan Dinas Kesehatan memutuskan “Kirim tanggapan” "
        "pada tahap “Tanggapan OPD”, tepat waktu."
    )
    assert sentence["en"].startswith("7 Dec 2026 12:49 WITA: The complaints team of Dinas Kesehatan decided")


def test_a_stage_visit_names_its_team_and_deadline_in_wita():
    entry = new_audit_entry(
        "c", AT, "system:state-machine", "stage_entered", "classification", {"step": 2, "due_at": AT}
    )
    assert history.summary(entry) == {
        "id": "7 Des 2026 12.49 WITA: Sistem memulai tahap “Klasifikasi” untuk Tim Pelayanan Aspirasi Pengaduan "
        "Diskominfo, tenggat 7 Des 2026 12.49 WITA.",
        "en": "7 Dec 2026 12:49 WITA: The system started the stage “Classification” for Diskominfo's complaints "
        "team, due 7 Dec 2026 12:49 WITA.",
    }
    assert history.when("2026-12-31T16:05:00.000+00:00") == ("1 Jan 2027 00.05 WITA", "1 Jan 2027 00:05 WITA")


def test_an_agency_decision_names_the_agency_it_forwarded_to():
    entry = new_audit_entry(
        "c", AT, "link:operator", "decided", "classification", {"step": 2, "outcome": "aspiration", "opd": "DLH"}
    )
    text = history.summary(entry)
    assert f"diteruskan ke {catalog.OPDS['DLH'].name}" in text["id"] and "forwarded to Dinas Lingkungan" in text["en"]


def test_every_channel_has_words_for_a_sentence():
    assert set(history.CHANNELS) == set(CHANNEL_LABELS)
