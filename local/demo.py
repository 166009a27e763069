"""A scripted tour of the SOP in the terminal, on moto: `make demo`.

Runs the local stack in this process (local/inprocess.py: the resources, the app and its consumers wired
as `make run` wires them, local/event_sources.py), submits a complaint, plays each team's decision through
the links in their emails, and prints the timeline and the emails sent. The SOP's clocks are short (24x7,
every SOP time x 0.1, a feedback window of 3 s; README "SOP clocks"): set SLA_TIME_SCALE and the others to
change them. Only the tour is printed: the metrics (EMF lines on stdout in Lambda) are off.
"""

from __future__ import annotations

import os
import sys

from local.fast_clock import FAST_ENV

# The demo's settings (the fast clock and these); any of them set in the environment wins.
DEFAULTS = {
    **FAST_ENV,
    "ATTACHMENTS_BUCKET": "aspirasi-kaltim-attachments",
    "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
    "POWERTOOLS_METRICS_DISABLED": "true",  # as on `make run`: no EMF documents between the tour's lines
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "AWS_DEFAULT_REGION": "ap-southeast-3",
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
}
DOMAIN = "aspirasi.kaltimprov.go.id"
OPERATOR, DISKOMINFO, PUPR = (f"{name}@{DOMAIN}" for name in ("operator", "diskominfo", "opd-pupr-pera"))


def main() -> int:
    env = {name: os.environ.get(name, value) for name, value in DEFAULTS.items()}
    os.environ.update(env)  # before the app and moto are imported
    from chalicelib.service.complaints import Citizen, get_complaint, submit_complaint
    from local.inprocess import running_stack

    with running_stack(env) as stack:

        def act(address: str, stage: str, payload: dict) -> None:
            try:
                stack.waiting_at(cid, stage)
            except AssertionError:
                raise SystemExit(f"stage {stage} never arrived") from None
            result = stack.decide(address, payload)
            print(f"  {stage:<15} {address:<42} -> {result['outcome']} (next: {result['leads_to']})", flush=True)

        citizen = Citizen(id="demo-citizen", email="warga@example.id", name="Siti Aminah")
        view, _ = submit_complaint(
            stack.svc,
            citizen,
            {
                "category": "infrastruktur",
                "subcategory": "jalan-rusak",
                "title": "Jalan poros berlubang",
                "description": "Jalan poros Samarinda-Bontang km 12 berlubang besar dan membahayakan pengendara.",
                "location": "Km 12, Samarinda Utara",
            },
        )
        cid = view["id"]
        print(f"Complaint {view['tracking_number']} submitted; execution {cid} started.\n", flush=True)
        act(OPERATOR, "intake", {"decision": "accept"})
        act(DISKOMINFO, "classification", {"kind": "aspiration", "opd": "PUPR-PERA"})
        act(PUPR, "opd_response", {"response": "Perbaikan dijadwalkan minggu depan."})
        act(DISKOMINFO, "review", {"decision": "approve"})
        act(OPERATOR, "reply", {"reply": "Dinas PUPR-PERA menjadwalkan perbaikan minggu depan. Terima kasih."})
        try:  # closed when the feedback window ends
            stack.run_until(lambda: stack.complaint(cid).status == "closed", what="the case to close")
        except AssertionError as error:
            print(f"\n{error}")
        final = get_complaint(stack.svc, cid, citizen.id)
        print(f"\nStatus: {final['status']}   Reply: {final['reply']}\n\nTimeline:")
        for entry in final["timeline"]:
            print(
                f"  {entry['stage']:<15} entered {entry['entered_at']}  due {entry['due_at']}  "
                f"done {entry['completed_at']}  SLA {entry['sla']}"
            )
        outbox = stack.emails()
        print(f"\nEmails sent ({len(outbox)}):")
        for message in outbox:
            print(f"  to {', '.join(message['to']):<42} {message['subject'][:90]}")
        return 0 if final["status"] == "closed" else 1


if __name__ == "__main__":
    sys.exit(main())
