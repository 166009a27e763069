"""The SOP (Pelayanan Aspirasi dan Pengaduan Masyarakat Kaltim) as data.

This module is the single source of truth for the stages of a complaint, who
acts in each, how long the SOP allows ("Mutu Baku"), which decisions are
allowed and where each leads. The state machine definition, the use cases and
the emails all read it; a test proves the ASL file agrees with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .durations import OFFICE_DAY_MINUTES, working_time


class Role(str, Enum):
    """Who acts. Staff roles map to Cognito groups and team mailboxes."""

    CITIZEN = "citizen"
    OPERATOR = "operator"  # Operator/Agen
    DISKOMINFO = "diskominfo"  # Tim Pelayanan Aspirasi Pengaduan Diskominfo
    OPD = "opd"  # Tim Pelayanan Aspirasi Pengaduan OPD (one per agency)
    SUPERVISOR = "supervisor"  # Kepala Seksi Pengelolaan Opini Komunikasi Publik


# Where a case goes when it leaves the human stages.
ANSWERED = "answered"  # reply delivered to the citizen (SOP step 7)
REJECTED = "rejected"  # refused at intake, closed with a reason
DUPLICATE = "duplicate"  # closed: another case about the same thing carries on
TERMINALS = (ANSWERED, REJECTED, DUPLICATE)
# Not a stage: the case waits for the citizen's answer, then the same stage resumes.
AWAITING_CITIZEN = "awaiting_citizen"

# Complaint status values.
STATUS_OPEN = "open"
STATUS_ANSWERED = "answered"
STATUS_CLOSED = "closed"


@dataclass(frozen=True)
class Field:
    """A value a decision carries, e.g. the reason for a rejection."""

    name: str
    kind: str = "text"  # "text", "opd" (an agency code from the catalog) or "tracking" (another case)
    max_length: int = 4000


@dataclass(frozen=True)
class Outcome:
    """One allowed decision of a stage.

    ``selector`` says how the submitted form names it: ``("decision", "reject")``
    means the field ``decision`` equals ``"reject"``; ``("response", None)``
    means the field ``response`` is present (its text is the decision).
    """

    name: str
    selector: tuple[str, str | None]
    leads_to: str
    fields: tuple[Field, ...] = ()
    label_id: str = ""
    label_en: str = ""


@dataclass(frozen=True)
class Duration:
    """An SOP time: office minutes, or whole working days."""

    minutes: int = 0
    working_days: int = 0

    def business_minutes(self, day_minutes: float = OFFICE_DAY_MINUTES) -> float:
        return self.working_days * day_minutes if self.working_days else self.minutes

    def describe_id(self) -> str:
        """'2 hari kerja', '2 jam kerja', '10 menit' (durations.working_time, as the report says it)."""
        return working_time(self.business_minutes(), lang="id")

    def describe_en(self) -> str:
        return working_time(self.business_minutes(), lang="en")


@dataclass(frozen=True)
class Stage:
    name: str
    sop_step: int
    role: Role
    sla: Duration
    outcomes: tuple[Outcome, ...]
    supervisor: Role
    label_id: str
    label_en: str
    # Share of the allowed time after which the responsible team is reminded.
    remind_at_fraction: float = 0.5

    def outcome(self, name: str) -> Outcome:
        for outcome in self.outcomes:
            if outcome.name == name:
                return outcome
        raise KeyError(f"{self.name} has no outcome {name!r}")


REASON = Field("reason", max_length=2000)
QUESTION = Field("question", max_length=2000)
# Decisions a running execution can only take if its state machine definition routes them.
FOLLOWUP_OUTCOMES = frozenset({"request_information", "duplicate"})
# Intake, classification and the agency may ask the citizen first; their clock pauses meanwhile.
ASK_CITIZEN = Outcome(
    "request_information",
    ("decision", "request_information"),
    AWAITING_CITIZEN,
    (QUESTION,),
    label_id="Minta informasi kepada pelapor",
    label_en="Ask the citizen for information",
)

STAGES: tuple[Stage, ...] = (
    Stage(
        name="intake",
        sop_step=2,
        role=Role.OPERATOR,
        sla=Duration(minutes=10),
        supervisor=Role.SUPERVISOR,
        label_id="Penerimaan pengaduan",
        label_en="Intake",
        outcomes=(
            Outcome("accept", ("decision", "accept"), "classification", label_id="Terima", label_en="Accept"),
            Outcome("reject", ("decision", "reject"), REJECTED, (REASON,), label_id="Tolak", label_en="Reject"),
            ASK_CITIZEN,
        ),
    ),
    Stage(
        name="classification",
        sop_step=3,
        role=Role.DISKOMINFO,
        sla=Duration(minutes=120),
        supervisor=Role.SUPERVISOR,
        label_id="Klasifikasi",
        label_en="Classification",
        outcomes=(
            Outcome(
                "information",
                ("kind", "information"),
                "reply",
                label_id="Informasi (dijawab langsung oleh operator)",
                label_en="Information (operator answers directly)",
            ),
            Outcome(
                "aspiration",
                ("kind", "aspiration"),
                "opd_response",
                (Field("opd", kind="opd"),),
                label_id="Aspirasi/pengaduan (teruskan ke OPD)",
                label_en="Aspiration/complaint (forward to the agency)",
            ),
            Outcome(
                "duplicate",
                ("kind", "duplicate"),
                DUPLICATE,
                (Field("of", kind="tracking", max_length=32),),
                label_id="Duplikat (laporan lain yang sama dilanjutkan)",
                label_en="Duplicate (another case about the same carries on)",
            ),
            ASK_CITIZEN,
        ),
    ),
    Stage(
        name="opd_response",
        sop_step=4,
        role=Role.OPD,
        sla=Duration(working_days=2),
        supervisor=Role.DISKOMINFO,
        label_id="Tanggapan OPD",
        label_en="Agency response",
        outcomes=(
            Outcome(
                "respond",
                ("response", None),
                "review",
                (Field("response", max_length=10000),),
                label_id="Kirim tanggapan",
                label_en="Send response",
            ),
            Outcome(
                "not_our_authority",
                ("decision", "not_our_authority"),
                "classification",
                (REASON,),
                label_id="Bukan wewenang kami",
                label_en="Not our authority",
            ),
            ASK_CITIZEN,
        ),
    ),
    Stage(
        name="review",
        sop_step=5,
        role=Role.DISKOMINFO,
        sla=Duration(minutes=10),
        supervisor=Role.SUPERVISOR,
        label_id="Pemeriksaan tanggapan",
        label_en="Review of the response",
        outcomes=(
            Outcome(
                "approve",
                ("decision", "approve"),
                "reply",
                label_id="Setujui, serahkan ke operator",
                label_en="Approve, hand to the operator",
            ),
            Outcome(
                "return",
                ("decision", "return"),
                "opd_response",
                (REASON,),
                label_id="Kembalikan ke OPD",
                label_en="Return to the agency",
            ),
        ),
    ),
    Stage(
        name="reply",
        sop_step=6,
        role=Role.OPERATOR,
        sla=Duration(minutes=30),
        supervisor=Role.SUPERVISOR,
        label_id="Balasan kepada pelapor",
        label_en="Reply to the citizen",
        outcomes=(
            Outcome(
                "send",
                ("reply", None),
                ANSWERED,
                (Field("reply", max_length=10000),),
                label_id="Kirim balasan",
                label_en="Send reply",
            ),
        ),
    ),
)

FIRST_STAGE = "intake"
STAGE_NAMES: tuple[str, ...] = tuple(stage.name for stage in STAGES)
_BY_NAME = {stage.name: stage for stage in STAGES}

# The citizen's feedback window after the reply, before the case closes. Within it the citizen
# may reopen the case (back to classification), at most MAX_REOPENS times.
FEEDBACK_WINDOW = Duration(working_days=5)
MAX_REOPENS = 2
REOPEN_TO = "classification"

# SOP section E: the whole service takes 2 (working) days, time spent waiting for the citizen excluded.
WHOLE_SOP = Duration(working_days=2)

# A question to the citizen: one reminder after 5 working days; without an answer the case
# closes after 10 working days (the 10-working-day rule SP4N-LAPOR! applies).
ANSWER_REMINDER = Duration(working_days=5)
ANSWER_DEADLINE = Duration(working_days=10)
RATING_SCORES = range(1, 6)


def stage(name: str) -> Stage:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"unknown stage {name!r}") from None


def transitions() -> dict[tuple[str, str], str]:
    """Every (stage, outcome) -> next stage or terminal, as the state machine must route."""
    return {(s.name, o.name): o.leads_to for s in STAGES for o in s.outcomes}
