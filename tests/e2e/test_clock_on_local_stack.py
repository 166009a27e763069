"""The README recipe: on the local stack the OPD deadline passes within a minute, and the outbox shows it."""

from __future__ import annotations

import pytest
import requests

from local.launch import wait_for

from .helpers import DISKOMINFO, LINK, OPERATOR, Citizen, act, next_link

pytestmark = pytest.mark.e2e

# OPD: 2 days x 0.0002 = 35 s, reminder at 17 s. The internal stages get generous overrides here so the
# test plays them calmly; the README's recipe runs them fast too.
STACK_ENV = {
    "SLA_CALENDAR": "24x7",
    "SLA_TIME_SCALE": "0.0002",
    "FEEDBACK_WINDOW_MINUTES": "60",
    **{f"SLA_MINUTES_{s}": "30000" for s in ("INTAKE", "CLASSIFICATION", "REVIEW", "REPLY")},
}
BPBD = "opd-bpbd@aspirasi.kaltimprov.go.id"


def test_opd_deadline_passes_and_the_outbox_shows_reminder_and_escalation(local_stack):
    citizen = Citizen(local_stack)
    created = citizen.submit(
        category="kebencanaan",
        subcategory="longsor",
        title="Longsor di Jl. Pangeran Antasari",
        description="Tanah longsor menutup separuh jalan sejak semalam.",
    )
    tracking, used = created["tracking_number"], set[str]()
    act(next_link(local_stack, OPERATOR, tracking, used), {"decision": "accept"})
    act(next_link(local_stack, DISKOMINFO, tracking, used), {"kind": "aspiration", "opd": "BPBD"})
    next_link(local_stack, BPBD, tracking, used)  # the assignment

    def mail(address, word):
        return [
            m
            for m in local_stack.messages()
            if address in m["to"] and tracking in m["subject"] and word in m["subject"]
        ]

    reminder = wait_for(lambda: mail(BPBD, "Pengingat"), "the reminder", timeout=60)
    assert "/actions/" in reminder[0]["text"]
    assert wait_for(lambda: mail(DISKOMINFO, "Eskalasi"), "the escalation to Diskominfo", timeout=60)
    overdue = wait_for(lambda: mail(BPBD, "TERLAMBAT"), "the overdue notice", timeout=30)
    view = citizen.read(created["id"])
    assert view["overdue"] and view["stage"] == "opd_response" and view["timeline"][-1]["overdue"]

    late_link = LINK.findall(overdue[-1]["text"])[0]  # the link in the overdue notice
    act(late_link, {"response": "Alat berat sudah dikirim; jalan dibuka kembali."})  # a late answer is accepted
    act(next_link(local_stack, DISKOMINFO, tracking, used), {"decision": "approve"})
    act(next_link(local_stack, OPERATOR, tracking, used), {"reply": "BPBD telah membuka kembali jalan."})
    view = wait_for(lambda: (v := citizen.read(created["id"]))["status"] == "answered" and v, "answered")
    opd = [s for s in view["timeline"] if s["stage"] == "opd_response"][0]
    assert opd["overdue"] and opd["sla"] == "breached" and opd["business_minutes"] > 0
    assert requests.get(f"{local_stack.outbox}/messages", timeout=10).status_code == 200
