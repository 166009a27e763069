"""`make monthly-report [MONTH=2026-10] [FORCE=1]`: the monthly SLA report email, now, on the running local stack.

Asks the local stack (`make run`, in another terminal) to fire the app's ``monthly_report``
schedule at once, as EventBridge would, with ``{"month", "force"}`` in the event's detail (as an
operator's `aws lambda invoke` does in the cloud, docs/operations.md); prints what was sent. Without
MONTH it is last month (in WITA). A month is emailed once: FORCE=1 sends it again, and sends the
current month, not over yet, as a preliminary report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from datetime import datetime

from chalicelib.domain.calendar import WITA
from chalicelib.service.monthly_report import previous_month


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", default=os.environ.get("MONTH") or None, help="YYYY-MM (default: last month)")
    parser.add_argument("--force", action="store_true", default=os.environ.get("FORCE", "") not in ("", "0"))
    parser.add_argument(
        "--outbox",
        default=f"http://127.0.0.1:{os.environ.get('OUTBOX_PORT', '8025')}",
        help="the local stack's outbox (default: http://127.0.0.1:$OUTBOX_PORT)",
    )
    args = parser.parse_args(argv)
    month = args.month or previous_month(datetime.now(WITA).date())
    request = urllib.request.Request(
        f"{args.outbox}/schedules/monthly_report",
        method="POST",
        data=json.dumps({"month": month, "force": args.force}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            result = json.load(response)
    except urllib.error.HTTPError as error:
        reason = json.load(error).get("error", "")
        hint = " FORCE=1 sends the figures so far as a preliminary report." if "MonthNotOver" in reason else ""
        print(f"The monthly report failed: {reason}.{hint}", file=sys.stderr)
        return 1
    except urllib.error.URLError as error:
        print(
            f"No local stack answers at {args.outbox} ({error.reason}). Start it with `make run` in another "
            "terminal (same OUTBOX_PORT).",
            file=sys.stderr,
        )
        return 2
    if not result.get("sent"):
        why = {"already_sent": f"the report of {month} was sent already; FORCE=1 sends it again"}
        print(f"Nothing sent: {why.get(result.get('reason'), result.get('reason'))}.")
        return 0
    attachment = result["attachment"]
    print(
        f"Sent the SLA report of {result['month']}"
        f"{' (preliminary: the month is not over)' if result.get('preliminary') else ''}"
        f"{' again' if result.get('resent') else ''}:\n"
        f"  to          {', '.join(result['to'])}\n"
        f"  subject     {result['subject']}\n"
        f"  attachment  {attachment['filename']} ({attachment['size']:,} bytes): "
        f"{args.outbox}/messages/{result['message_id']}/{attachment['filename']}\n"
        f"  totals      {json.dumps(result.get('totals'), ensure_ascii=False)}\n"
        f"The email is in the outbox: {args.outbox}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
