"""The local stack fires the app's schedules on demand as EventBridge would (local/schedules.py)."""

from __future__ import annotations

from local.schedules import scheduled_event, schedules

MONTHLY = "cron(0 0 1-10 * ? *)"  # 08:00 WITA (00:00 UTC) on days 1-10


def test_the_app_schedules_the_monthly_report_and_chalice_reads_the_local_event():
    from chalice.app import CloudWatchEvent

    import app

    expression, handler = schedules(app)["monthly_report"]
    assert expression == MONTHLY and handler is app.monthly_report
    event = CloudWatchEvent(scheduled_event("monthly_report", "ap-southeast-3", {"month": "2026-10"}), None)
    assert event.detail == {"month": "2026-10"} and event.detail_type == "Scheduled Event"
