"""A scripted tour of the SOP in the terminal, on moto: `make demo`.

Creates the resources, submits a complaint, plays each team's decision through
the links in their emails, and prints the timeline and the emails sent.
"""

from __future__ import annotations

import importlib
import os
import sys
import time

os.environ.setdefault("AWS_DEFAULT_REGION", "ap-southeast-3")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
os.environ.setdefault("SLA_CALENDAR", "24x7")
os.environ.setdefault("SLA_TIME_SCALE", "0.1")
os.environ.setdefault("FEEDBACK_WINDOW_MINUTES", "0.05")
QUEUE = os.environ.setdefault("HANDOFF_QUEUE_NAME", "aspirasi-kaltim-handoff")

from moto import mock_aws  # noqa: E402


def main() -> int:
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        import boto3

        from chalicelib.service.complaints import Citizen, get_complaint, submit_complaint
        from chalicelib.service.decide import decide_by_link
        from local.outbox import action_tokens, sent_emails
        from local.poller import Poller
        from local.provision import provision

        region = os.environ["AWS_DEFAULT_REGION"]
        resources = provision(region, QUEUE, "aspirasi.kaltimprov.go.id")
        os.environ["STATE_MACHINE_ARN"] = resources.state_machine_arn
        app = importlib.import_module("app")
        svc = app.services()
        poller = Poller(
            boto3.client("sqs", region_name=region), resources.queue_url, resources.queue_arn, region, app.on_handoff
        )

        def wait_for(stage: str):
            for _ in range(600):
                poller.poll_once()
                items = sorted(svc.store.work_items(cid), key=lambda i: i.step)
                if items and items[-1].stage == stage and items[-1].assigned_notified and not items[-1].decision:
                    return
                time.sleep(0.05)
            raise SystemExit(f"stage {stage} never arrived")

        def act(address: str, stage: str, payload: dict):
            wait_for(stage)
            token = next(action_tokens(m)[0] for m in reversed(sent_emails(region)) if address in m["to"])
            result = decide_by_link(svc, token, payload)
            print(f"  {stage:<15} {address:<42} -> {result['outcome']} (next: {result['leads_to']})")

        citizen = Citizen(id="demo-citizen", email="warga@example.id", name="Siti Aminah")
        view, _ = submit_complaint(
            svc,
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
        print(f"Complaint {view['tracking_number']} submitted; execution {cid} started.\n")
        act("operator@aspirasi.kaltimprov.go.id", "intake", {"decision": "accept"})
        act("diskominfo@aspirasi.kaltimprov.go.id", "classification", {"kind": "aspiration", "opd": "PUPR-PERA"})
        act(
            "opd-pupr-pera@aspirasi.kaltimprov.go.id",
            "opd_response",
            {"response": "Perbaikan dijadwalkan minggu depan."},
        )
        act("diskominfo@aspirasi.kaltimprov.go.id", "review", {"decision": "approve"})
        act(
            "operator@aspirasi.kaltimprov.go.id",
            "reply",
            {"reply": "Dinas PUPR-PERA menjadwalkan perbaikan minggu depan. Terima kasih."},
        )
        for _ in range(600):
            poller.poll_once()
            if svc.store.get_complaint(cid).status == "closed":
                break
            time.sleep(0.05)
        final = get_complaint(svc, cid, citizen.id)
        print(f"\nStatus: {final['status']}   Reply: {final['reply']}\n\nTimeline:")
        for entry in final["timeline"]:
            print(
                f"  {entry['stage']:<15} entered {entry['entered_at']}  due {entry['due_at']}  "
                f"done {entry['completed_at']}  SLA {entry['sla']}"
            )
        outbox = sent_emails(region)
        print(f"\nEmails sent ({len(outbox)}):")
        for message in outbox:
            print(f"  to {', '.join(message['to']):<42} {message['subject'][:90]}")
        return 0 if final["status"] == "closed" else 1


if __name__ == "__main__":
    sys.exit(main())
