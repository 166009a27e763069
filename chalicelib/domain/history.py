"""A case's audit trail as sentences people read: who (a name or a role), what, when in WITA.

The audit entries keep what the system needs (account ids, raw keys, UTC stamps); the staff console
shows these sentences instead (issue 21). ``summary`` is pure: it reads an entry (anything with
``at``, ``actor``, ``action``, ``stage`` and ``details``) and what the case says about itself
(``HistoryContext``), and never puts an email, an account id, a code or a UTC stamp in a sentence.
An anonymous reporter is "Pelapor" like any other: the audit never names a reporter at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from . import catalog, sop
from .calendar import WITA
from .files import REASONS as FILE_REFUSALS
from .roles import team_name

MONTHS_ID_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MONTHS_EN_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# The channels a complaint can arrive by, as words inside a sentence ("lewat telepon"); the same codes as
# domain/submission.CHANNEL_LABELS, whose labels stand alone in reports and forms ("Telepon").
CHANNELS = {
    "web": ("situs web", "the website"),
    "phone": ("telepon", "phone"),
    "walk_in": ("datang langsung", "walk-in"),
    "letter": ("surat", "letter"),
    "whatsapp": ("WhatsApp", "WhatsApp"),
    "social_media": ("media sosial", "social media"),
    "email": ("email", "email"),
    "sp4n_lapor": ("SP4N-LAPOR!", "SP4N-LAPOR!"),
    "open311": ("aplikasi mitra (Open311)", "a partner app (Open311)"),
}
FILE_KINDS = {
    "image/jpeg": ("foto JPEG", "a JPEG photo"),
    "image/png": ("gambar PNG", "a PNG image"),
    "application/pdf": ("dokumen PDF", "a PDF document"),
}
PERSONAL_FIELDS = {"name": ("nama", "name"), "phone": ("nomor telepon", "phone number")}
# The English names of the teams (team_name gives the Indonesian ones, as the emails address them).
TEAMS_EN = {
    sop.Role.OPERATOR: "the operators (Operator/Agen Aspirasi Kaltim)",
    sop.Role.DISKOMINFO: "Diskominfo's complaints team",
    sop.Role.SUPERVISOR: "the head of section (Kepala Seksi Pengelolaan Opini Komunikasi Publik)",
}
# Every action the code writes to an audit trail (a unit test checks this list against the source).
ACTIONS = frozenset(
    {
        "submitted",
        "withdrawn",
        "stage_entered",
        "decided",
        "reminder_sent",
        "escalated",
        "question_reminder_sent",
        "information_answered",
        "email_sent",
        "whatsapp_sent",
        "attachment_requested",
        "attachment_added",
        "attachment_rejected",
        "rated",
        "reopened",
        "reply_delivered",
        "closed",
        "closed_unanswered",
        "closed_duplicate",
        "rejected",
        "personal_data_corrected",
        "personal_data_erased",
    }
)


class EntryLike(Protocol):
    """An audit entry (domain/records.AuditEntry), read only."""

    @property
    def at(self) -> str: ...
    @property
    def actor(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def stage(self) -> str | None: ...
    @property
    def details(self) -> Mapping[str, Any] | None: ...


@dataclass(frozen=True)
class HistoryContext:
    """What the case tells about its entries: whether its reporter is anonymous, and which agency each stage
    visit (by step) belonged to, so an agency's decision names the agency."""

    anonymous: bool = False
    opd_of_step: Mapping[int, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class _Who:
    """A person or team as named in a sentence (English in the middle of one: "the reporter")."""

    id: str
    en: str


SYSTEM = _Who("Sistem", "the system")
REPORTER = _Who("Pelapor", "the reporter")
STAFF = _Who("Petugas", "a member of staff")


def when(at: str) -> tuple[str, str]:
    """'7 Des 2026 12.49 WITA' and '7 Dec 2026 12:49 WITA' of a stored UTC stamp."""
    try:
        local = datetime.fromisoformat(at).astimezone(WITA)
    except (TypeError, ValueError):
        return "waktu tidak diketahui", "an unknown time"
    day = f"{local.day} {{}} {local.year}"
    return (
        f"{day.format(MONTHS_ID_SHORT[local.month - 1])} {local:%H.%M} WITA",
        f"{day.format(MONTHS_EN_SHORT[local.month - 1])} {local:%H:%M} WITA",
    )


def _stage(name: str | None) -> sop.Stage | None:
    try:
        return sop.stage(name) if name else None
    except KeyError:
        return None


def _stage_words(name: str | None) -> tuple[str, str]:
    stage = _stage(name)
    if stage is None:
        return "", ""
    return f" pada tahap “{stage.label_id}”", f" at the stage “{stage.label_en}”"


def _opd_name(code: Any) -> str | None:
    opd = catalog.OPDS.get(code) if isinstance(code, str) else None
    return opd.name if opd else None


def _team(role: sop.Role, opd: str | None) -> _Who:
    if role is sop.Role.OPD:
        name = _opd_name(opd)
        if name is None:
            return _Who("Tim OPD", "the agency's team")
        return _Who(team_name(role, opd), f"the complaints team of {name}")
    if role is sop.Role.CITIZEN:
        return REPORTER
    return _Who(team_name(role, None), TEAMS_EN.get(role, "a member of staff"))


def _step(details: Mapping[str, Any]) -> int | None:
    try:
        return int(details["step"])
    except (KeyError, TypeError, ValueError):
        return None


def _stage_team(stage_name: str | None, details: Mapping[str, Any], context: HistoryContext) -> _Who | None:
    stage = _stage(stage_name)
    if stage is None:
        return None
    step = _step(details)
    return _team(stage.role, context.opd_of_step.get(step) if step is not None else None)


def _who(entry: EntryLike, details: Mapping[str, Any], context: HistoryContext) -> _Who:
    """The actor in words: the reporter, the system, a partner app, or the team whose stage it was."""
    actor = entry.actor or ""
    kind, _, rest = actor.partition(":")
    if kind == "citizen" or actor == "link:rating":
        return REPORTER
    if kind == "system":
        return SYSTEM
    if kind == "open311":
        name = rest.strip()
        return _Who(f"Aplikasi mitra {name} (Open311)", f"the partner app {name} (Open311)") if name else SYSTEM
    if kind == "whatsapp":
        return _Who("Pelapor (lewat WhatsApp)", "the reporter (by WhatsApp)")
    if "@" in actor or kind == "link":
        # A member of staff (their email) or an emailed action link: the team that owns the stage.
        team = _stage_team(entry.stage, details, context)
        if team is not None:
            return team
        if "@" in actor and entry.action in ("submitted", "information_answered"):
            return _team(sop.Role.OPERATOR, None)  # operators enter complaints and reporters' answers
        return STAFF
    return SYSTEM


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _outcome(stage_name: str | None, outcome: Any) -> tuple[str, str] | None:
    stage = _stage(stage_name)
    if stage is None or not isinstance(outcome, str):
        return None
    try:
        found = stage.outcome(outcome)
    except KeyError:
        return None
    return found.label_id, found.label_en


def _decided(details: Mapping[str, Any], stage_name: str | None) -> tuple[str, str]:
    outcome = details.get("outcome")
    label = _outcome(stage_name, outcome) or ("sebuah keputusan", "a decision")
    at_id, at_en = _stage_words(stage_name)
    text_id = f"memutuskan “{label[0]}”{at_id}"
    text_en = f"decided “{label[1]}”{at_en}"
    opd = _opd_name(details.get("opd"))
    if opd:
        text_id += f", diteruskan ke {opd}"
        text_en += f", forwarded to {opd}"
    of = details.get("of")
    if outcome == "duplicate" and isinstance(of, str) and of.strip():
        text_id += f" (laporan {of.strip()})"
        text_en += f" (report {of.strip()})"
    if details.get("sla") == "met":
        text_id, text_en = text_id + ", tepat waktu", text_en + ", on time"
    elif details.get("sla") == "breached":
        text_id, text_en = text_id + ", melewati tenggat", text_en + ", after the deadline"
    return text_id, text_en


def _category(code: Any) -> tuple[str, str]:
    category = catalog.category(code) if isinstance(code, str) else None
    return (f" dalam kategori {category.name}", f" in the category {category.name}") if category else ("", "")


def _submitted(details: Mapping[str, Any], who: _Who) -> tuple[str, str]:
    channel_id, channel_en = CHANNELS.get(details.get("channel") or "web", ("saluran lain", "another channel"))
    category_id, category_en = _category(details.get("category"))
    if who is REPORTER or details.get("channel") in (None, "web"):
        return (
            f"mengirim pengaduan lewat {channel_id}{category_id}",
            f"submitted the complaint through {channel_en}{category_en}",
        )
    return (
        f"mencatat pengaduan yang diterima lewat {channel_id}{category_id}",
        f"recorded the complaint received by {channel_en}{category_en}",
    )


def _due(details: Mapping[str, Any]) -> tuple[str, str]:
    due = details.get("due_at")
    if not isinstance(due, str):
        return "", ""
    due_id, due_en = when(due)
    return f", tenggat {due_id}", f", due {due_en}"


def _stage_entered(details: Mapping[str, Any], stage_name: str | None, context: HistoryContext) -> tuple[str, str]:
    stage = _stage(stage_name)
    label_id, label_en = (f"“{stage.label_id}”", f"“{stage.label_en}”") if stage else ("berikutnya", "next")
    team = _stage_team(stage_name, details, context)
    for_id, for_en = (f" untuk {team.id}", f" for {team.en}") if team and team is not REPORTER else ("", "")
    text_id, text_en = f"memulai tahap {label_id}{for_id}", f"started the stage {label_en}{for_en}"
    if "resumes" in details:
        text_id, text_en = (
            f"melanjutkan tahap {label_id}{for_id} setelah pelapor menjawab",
            f"resumed the stage {label_en}{for_en} after the reporter answered",
        )
    elif details.get("round"):
        text_id += f" (pengaduan dibuka kembali, putaran ke-{details['round']})"
        text_en += f" (the complaint was reopened, round {details['round']})"
    due_id, due_en = _due(details)
    return text_id + due_id, text_en + due_en


def _size(size: Any) -> tuple[str, str]:
    if not isinstance(size, (int, float)) or isinstance(size, bool) or size <= 0:
        return "", ""
    if size >= 1024 * 1024:
        figure = f"{size / (1024 * 1024):.1f}"
        return f", {figure.replace('.', ',')} MB", f", {figure} MB"
    figure = f"{max(1, round(size / 1024))}"
    return f", {figure} KB", f", {figure} KB"


def _file(details: Mapping[str, Any], key: str) -> tuple[str, str]:
    return FILE_KINDS.get(details.get(key) or "", ("sebuah berkas", "a file"))


def _what(entry: EntryLike, details: Mapping[str, Any], who: _Who, context: HistoryContext) -> tuple[str, str]:
    """What happened, as the rest of a sentence whose subject is ``who``."""
    action, stage_name = entry.action, entry.stage
    at_id, at_en = _stage_words(stage_name)
    stage = _stage(stage_name)
    if action == "submitted":
        return _submitted(details, who)
    if action == "withdrawn":
        return (
            "menarik kembali pengaduan karena prosesnya tidak dapat dimulai",
            "withdrew the complaint because its processing could not start",
        )
    if action == "stage_entered":
        return _stage_entered(details, stage_name, context)
    if action == "decided":
        return _decided(details, stage_name)
    label_id, label_en = (f" “{stage.label_id}”", f" “{stage.label_en}”") if stage else ("", "")
    if action == "reminder_sent":
        team = _stage_team(stage_name, details, context)
        to_id, to_en = (team.id, team.en) if team else ("petugas", "the staff")
        return (
            f"mengingatkan {to_id} bahwa tenggat tahap{label_id} mendekat",
            f"reminded {to_en} that the deadline of the stage{label_en} is near",
        )
    if action == "escalated":
        boss = _team(stage.supervisor, None) if stage else _Who("atasan", "the supervisor")
        count = details.get("escalations")
        again = isinstance(count, int) and not isinstance(count, bool) and count > 1
        nth_id, nth_en = (f" (eskalasi ke-{count})", f" (escalation {count})") if again else ("", "")
        return (
            f"meneruskan tahap{label_id} yang melewati tenggat kepada {boss.id}{nth_id}",
            f"escalated the overdue stage{label_en} to {boss.en}{nth_en}",
        )
    if action == "question_reminder_sent":
        return (
            f"mengingatkan pelapor untuk menjawab pertanyaan petugas{at_id}",
            f"reminded the reporter to answer the officer's question{at_en}",
        )
    if action == "information_answered":
        if who is REPORTER:
            return f"menjawab pertanyaan petugas{at_id}", f"answered the officer's question{at_en}"
        return (
            f"mencatat jawaban pelapor atas pertanyaan petugas{at_id}",
            f"recorded the reporter's answer to the officer's question{at_en}",
        )
    if action == "email_sent":
        return f"mengirim email pemberitahuan{at_id}", f"sent a notification email{at_en}"
    if action == "whatsapp_sent":
        return f"mengirim pemberitahuan lewat WhatsApp{at_id}", f"sent a notification on WhatsApp{at_en}"
    if action == "attachment_requested":
        kind_id, kind_en = _file(details, "content_type")
        size_id, size_en = _size(details.get("size"))
        return (
            f"mulai mengunggah lampiran ({kind_id}{size_id})",
            f"started uploading an attachment ({kind_en}{size_en})",
        )
    if action == "attachment_added":
        kind_id, kind_en = _file(details, "detected_type")
        size_id, size_en = _size(details.get("size"))
        return (
            f"menerima lampiran ({kind_id}{size_id}) setelah memeriksanya",
            f"accepted an attachment ({kind_en}{size_en}) after checking it",
        )
    if action == "attachment_rejected":
        why_id, why_en = FILE_REFUSALS.get(details.get("reason") or "", ("tidak memenuhi syarat", "it did not qualify"))
        return f"menolak lampiran: {why_id}", f"refused an attachment: {why_en}"
    if action == "rated":
        score = details.get("score")
        if isinstance(score, int) and not isinstance(score, bool):
            return f"memberi nilai {score} dari 5 atas balasan", f"rated the reply {score} out of 5"
        return "menilai balasan", "rated the reply"
    if action == "reopened":
        round_ = details.get("round")
        if isinstance(round_, int):
            return (
                f"membuka kembali pengaduan karena belum selesai (putaran ke-{round_})",
                f"reopened the complaint as not solved (round {round_})",
            )
        return "membuka kembali pengaduan karena belum selesai", "reopened the complaint as not solved"
    if action == "reply_delivered":
        text_id, text_en = "menyampaikan balasan kepada pelapor", "delivered the reply to the reporter"
        if details.get("sop") == "met":
            text_id, text_en = text_id + "; target waktu SOP terpenuhi", text_en + "; the SOP's time target was met"
        elif details.get("sop") == "breached":
            text_id, text_en = (
                text_id + "; target waktu SOP terlampaui",
                text_en + "; the SOP's time target was missed",
            )
        return text_id, text_en
    if action == "closed":
        return (
            "menutup pengaduan setelah masa tanggapan pelapor berakhir",
            "closed the complaint after the reporter's feedback period ended",
        )
    if action == "closed_unanswered":
        return (
            "menutup pengaduan karena pertanyaan petugas tidak dijawab tepat waktu",
            "closed the complaint because the officer's question was not answered in time",
        )
    if action == "closed_duplicate":
        return (
            "menutup pengaduan sebagai duplikat; laporan lain tentang hal yang sama dilanjutkan",
            "closed the complaint as a duplicate; another report about the same carries on",
        )
    if action == "rejected":
        return "menutup pengaduan yang ditolak", "closed the rejected complaint"
    if action == "personal_data_corrected":
        names = [PERSONAL_FIELDS[f] for f in details.get("fields") or () if f in PERSONAL_FIELDS]
        if names:
            return (
                f"memperbarui data pribadinya ({', '.join(n[0] for n in names)})",
                f"updated their personal details ({', '.join(n[1] for n in names)})",
            )
        return "memperbarui data pribadinya", "updated their personal details"
    if action == "personal_data_erased":
        files = details.get("attachments_deleted")
        extra_id = f", termasuk {files} lampiran" if isinstance(files, int) and files > 0 else ""
        extra_en = (
            f", with {files} attachment{'s' if files != 1 else ''}" if isinstance(files, int) and files > 0 else ""
        )
        return (
            f"menghapus data pribadi pelapor karena akunnya ditutup{extra_id}",
            f"erased the reporter's personal data because their account was closed{extra_en}",
        )
    return f"mencatat sebuah kejadian{at_id}", f"recorded an event{at_en}"


def summary(entry: EntryLike, context: HistoryContext | None = None) -> dict[str, str]:
    """One sentence per language: when (WITA), who, what."""
    context = context or HistoryContext()
    details = entry.details if isinstance(entry.details, Mapping) else {}
    who = _who(entry, details, context)
    what_id, what_en = _what(entry, details, who, context)
    at_id, at_en = when(entry.at)
    return {"id": f"{at_id}: {who.id} {what_id}.", "en": f"{at_en}: {_capital(who.en)} {what_en}."}
