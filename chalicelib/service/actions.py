"""What a member of staff sees behind an action link (GET: never changes anything), and what the page
says before and after a decision: in words, in both languages, truthfully about what happens next."""

from __future__ import annotations

from ..domain import catalog, sop
from ..domain.decisions import Decision, parse_decision
from ..domain.errors import AlreadyDecided, NotFound
from ..domain.roles import team_name
from ..domain.submission import CHANNEL_LABELS
from .attachments import attachments_of
from .container import Services
from .decide import duplicate_target
from .links import resolve_link
from .views import case_context

# The usual outcome of each stage: the page's one primary button (the others sit behind "Other choices").
# A stage not named here leads with its first outcome.
PRIMARY = {"classification": "aspiration"}
# Decisions nobody can take back: the page asks to check them once more before they are sent
# (the agency's "not our authority" hands the case back; the reply reaches the citizen).
IRREVERSIBLE = frozenset({"reject", "duplicate", "not_our_authority", "send"})

KIND_LABELS = {
    "information": ("Permintaan informasi", "Information request"),
    "aspiration": ("Aspirasi/pengaduan", "Aspiration or complaint"),
    sop.DUPLICATE: ("Duplikat", "Duplicate"),
}


def _pair(pair: tuple[str, str]) -> dict[str, str]:
    return {"id": pair[0], "en": pair[1]}


def _opd_name(code: str | None) -> str | None:
    if not code:
        return None
    opd = catalog.OPDS.get(code)
    return opd.name if opd else code


def primary_outcome(stage: sop.Stage) -> str:
    return PRIMARY.get(stage.name, stage.outcomes[0].name)


def allowed_decisions(stage: sop.Stage, followups: bool = True) -> list[dict]:
    """The decisions a stage allows, as the action page and the console render their forms.

    ``followups`` is false for a visit of an execution started before questions and duplicates existed.
    ``primary`` marks the stage's usual outcome; ``confirm`` those the page checks once more before sending.
    """
    out = []
    primary = primary_outcome(stage)
    for outcome in stage.outcomes:
        if outcome.name in sop.FOLLOWUP_OUTCOMES and not followups:
            continue
        key, value = outcome.selector
        out.append(
            {
                "outcome": outcome.name,
                "label": {"id": outcome.label_id, "en": outcome.label_en},
                "select": {key: value} if value is not None else None,
                "fields": [{"name": f.name, "kind": f.kind, "max_length": f.max_length} for f in outcome.fields],
                "leads_to": outcome.leads_to,
                "primary": outcome.name == primary,
                "confirm": outcome.name in IRREVERSIBLE,
            }
        )
    return out


def _feedback_window(svc: Services) -> tuple[str, str]:
    """How long the citizen may rate or reopen after the reply, as the configured clock has it."""
    minutes = svc.settings.sla.feedback_minutes
    if minutes is not None:
        shown = f"{minutes:g}"
        return f"{shown} menit", f"{shown} minutes"
    return sop.FEEDBACK_WINDOW.describe_id(), sop.FEEDBACK_WINDOW.describe_en()


def what_happens(svc: Services, decision: Decision, complaint) -> dict[str, str]:
    """What a decision sets going, in words (the check before sending, and the confirmation after)."""
    values = decision.values
    agency = _opd_name(values.get("opd") or complaint.opd) or "OPD"
    diskominfo = team_name(sop.Role.DISKOMINFO, None)
    operator = team_name(sop.Role.OPERATOR, None)
    if decision.outcome == "request_information":
        deadline = sop.ANSWER_DEADLINE
        return {
            "id": "Pertanyaan dikirim ke pelapor dan waktu tahap ini berhenti. Setelah pelapor menjawab, tim Anda "
            f"menerima tautan baru beserta jawabannya. Tanpa jawaban dalam {deadline.describe_id()} laporan ditutup.",
            "en": "The question goes to the citizen and this stage's clock stops. Once the citizen answers, your team "
            f"gets a new link with the answer. Without an answer in {deadline.describe_en()} the case is closed.",
        }
    texts = {
        "accept": (
            f"Laporan diteruskan ke {diskominfo} untuk klasifikasi.",
            f"The case goes to {diskominfo} to be classified.",
        ),
        "reject": (
            "Laporan ditutup. Pelapor diberi tahu lewat email beserta alasan penolakan ini.",
            "The case is closed. The citizen is told by email, with this reason.",
        ),
        "information": (
            f"Laporan diteruskan ke {operator} untuk dijawab langsung kepada pelapor.",
            f"The case goes to {operator} to answer the citizen directly.",
        ),
        "aspiration": (
            f"Laporan diteruskan ke {agency}, yang punya waktu {sop.stage('opd_response').sla.describe_id()} "
            "untuk menanggapi.",
            f"The case goes to {agency}, which has {sop.stage('opd_response').sla.describe_en()} to respond.",
        ),
        "duplicate": (
            f"Laporan ini ditutup sebagai duplikat dari {values.get('of', '')}, yang tetap dilanjutkan. "
            "Pelapor diberi tahu dan diarahkan ke laporan itu.",
            f"This case is closed as a duplicate of {values.get('of', '')}, which carries on. "
            "The citizen is told and pointed to that case.",
        ),
        "respond": (
            f"Tanggapan diteruskan ke {diskominfo} untuk diperiksa, lalu dikirim ke pelapor oleh {operator}.",
            f"The response goes to {diskominfo} to be reviewed, then {operator} sends it to the citizen.",
        ),
        "not_our_authority": (
            f"Laporan dikembalikan ke {diskominfo} beserta alasan ini, untuk diteruskan ke OPD yang berwenang. "
            "Tautan ini tidak dapat dipakai lagi.",
            f"The case goes back to {diskominfo} with this reason, to be forwarded to the responsible agency. "
            "This link cannot be used again.",
        ),
        "approve": (
            f"Tanggapan diteruskan ke {operator}, yang mengirim balasan kepada pelapor.",
            f"The response goes to {operator}, who sends the reply to the citizen.",
        ),
        "return": (
            f"Tanggapan dikembalikan ke {agency} beserta alasan ini untuk diperbaiki.",
            f"The response goes back to {agency} with this reason, to be improved.",
        ),
    }
    if decision.outcome == "send":
        window_id, window_en = _feedback_window(svc)
        return {
            "id": "Jawaban dikirim ke pelapor. Pelapor dapat memberi penilaian atau membuka kembali laporan dalam "
            f"{window_id}.",
            "en": f"The answer goes to the citizen, who may rate it or reopen the case within {window_en}.",
        }
    text_id, text_en = texts.get(decision.outcome, ("Keputusan diteruskan.", "The decision is passed on."))
    return {"id": text_id, "en": text_en}


def console_url(svc: Services, complaint_id: str) -> str:
    """The staff console opened at this case (its ``case`` query parameter)."""
    return f"{svc.settings.public_base_url}/staff?case={complaint_id}"


def _reporter(complaint) -> dict:
    """The reporter as the action page names them: never an anonymous reporter's name."""
    if complaint.anonymous:
        return {"anonymous": True, "name": None}
    if complaint.personal_data_erased_at:
        return {"anonymous": False, "name": None, "erased": True}
    return {"anonymous": False, "name": complaint.citizen_name}


def _history_entry(item) -> dict:
    stage = sop.stage(item.stage)
    decision = dict(item.decision or {})
    try:
        outcome = stage.outcome(decision.get("outcome", ""))
        outcome_label = {"id": outcome.label_id, "en": outcome.label_en}
    except KeyError:
        outcome_label = {"id": decision.get("outcome", ""), "en": decision.get("outcome", "")}
    return {
        "stage": item.stage,
        "label": {"id": stage.label_id, "en": stage.label_en},
        "decision": decision,
        "outcome_label": outcome_label,
        "opd_name": _opd_name(decision.get("opd")),
        "decided_at": item.decided_at,
        "answer": item.answer,
    }


def _pending(svc: Services, token: str):
    """The link, its undecided work item and its case. Used link or decided stage -> AlreadyDecided (409)."""
    link = resolve_link(svc, token)
    if link.role not in {r.value for r in sop.Role}:
        raise NotFound("unknown link")  # a citizen's rating link decides nothing
    item = svc.store.get_work_item(link.complaint_id, int(link.step))
    complaint = svc.store.get_complaint(link.complaint_id)
    if item is None or complaint is None:
        raise NotFound("unknown link")
    if link.used_at or item.decision is not None:
        raise AlreadyDecided("this stage has been decided already")
    return link, item, complaint


def describe_action(svc: Services, token: str) -> dict:
    """The pending decision behind a link. Used link or decided stage -> AlreadyDecided (409)."""
    link, item, complaint = _pending(svc, token)
    stage = sop.stage(item.stage)
    earlier = [i for i in svc.store.work_items(complaint.id) if i.step < item.step and i.decision]
    history = [_history_entry(i) for i in sorted(earlier, key=lambda i: i.step)]
    channel = complaint.channel or "web"
    kind = KIND_LABELS.get(complaint.kind or "")
    reopened = None
    if int(complaint.reopens or 0) and complaint.reopen_reason:
        # Every stage of a reopened round shows why the citizen reopened it and what they were told before.
        reopened = {
            "round": int(complaint.reopens),
            "reason": complaint.reopen_reason,
            "previous_reply": complaint.reply,
        }
    return {
        "stage": stage.name,
        "label": {"id": stage.label_id, "en": stage.label_en},
        "role": item.role,
        "team": team_name(sop.Role(item.role), item.opd),
        "due_at": item.due_at,
        "overdue": bool(item.overdue),
        "allowed": allowed_decisions(stage, bool(item.followups)),
        "case": {
            **case_context(complaint),
            "created_at": complaint.created_at,
            "kind": complaint.kind,
            "kind_label": _pair(kind) if kind else None,
            "channel_label": _pair(CHANNEL_LABELS.get(channel, (channel, channel))),
            "opd": complaint.opd,
            "opd_name": _opd_name(complaint.opd),
            "opd_response": complaint.opd_response,
            "reporter": _reporter(complaint),
        },
        "history": history,
        "attachments": attachments_of(svc, complaint.id),
        "visit": item.context or {},  # the citizen's answer that resumed this stage, or a reopening's reason
        "reopened": reopened,
        "link_expires_at": link.expires_at,
        "console_url": console_url(svc, complaint.id),
        "opds": [{"code": o.code, "name": o.name} for o in catalog.OPDS.values()],
        "suggested_opd": catalog.CATEGORIES[complaint.category].opd
        if complaint.category in catalog.CATEGORIES
        else None,
    }


def check_before_deciding(svc: Services, token: str, payload) -> dict | None:
    """For a decision nobody can take back, what the page shows before it is sent: the decision in words,
    what will happen, and the values to send again with ``confirm=1``. None when no check is needed.

    Validates as the decision will (422 now, not after the check), and changes nothing."""
    _, item, complaint = _pending(svc, token)
    decision = parse_decision(item.stage, payload)
    if decision.outcome not in IRREVERSIBLE:
        return None
    if decision.outcome == "duplicate":
        duplicate_target(svc, complaint.id, decision.values["of"])
    outcome = sop.stage(item.stage).outcome(decision.outcome)
    key, value = outcome.selector
    fields = {key: value} if value is not None else {}
    fields.update(decision.values)
    return {
        "outcome": decision.outcome,
        "label": {"id": outcome.label_id, "en": outcome.label_en},
        "values": decision.values,
        "fields": fields,
        "happens": what_happens(svc, decision, complaint),
    }


def after_decision(svc: Services, token: str, result: dict, payload) -> dict:
    """What the confirmation page says once a decision is recorded: what happens next, and the console."""
    link = resolve_link(svc, token)
    complaint = svc.store.existing_complaint(link.complaint_id)
    stage = sop.stage(result["stage"])
    outcome = stage.outcome(result["outcome"])
    decision = parse_decision(stage.name, payload)
    return {
        "stage": {"id": stage.label_id, "en": stage.label_en},
        "outcome": {"id": outcome.label_id, "en": outcome.label_en},
        "tracking_number": complaint.tracking_number,
        "happens": what_happens(svc, decision, complaint),
        "console_url": console_url(svc, complaint.id),
    }


def prefill(described: dict, payload) -> dict | None:
    """Which of the page's forms the posted values belong to, and those values ("Ubah / Change")."""
    if not isinstance(payload, dict):
        return None
    for option in described["allowed"]:
        select = option["select"]
        names = [f["name"] for f in option["fields"]]
        if select and all(payload.get(k) == v for k, v in select.items()):
            chosen = True
        else:
            chosen = not select and bool(names) and names[0] in payload and "decision" not in payload
        if chosen:
            values = {name: str(payload[name]) for name in names if name in payload}
            return {"outcome": option["outcome"], "values": values}
    return None
