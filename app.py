"""Aspirasi Kaltim: the Chalice app. The routes are Blueprints by audience (chalicelib/web/routes/); the
event handlers stay here, where Chalice names their Lambda functions (``app.on_handoff``, ...), and hand
their work to chalicelib/web/consumers.py. Handlers are thin: parse, log, measure, call a use case."""

from __future__ import annotations

import os

from chalice import Chalice, Cron

from chalicelib.domain.report import XLSX_CONTENT_TYPE
from chalicelib.web import consumers, http
from chalicelib.web.process import logger, services
from chalicelib.web.routes import BLUEPRINTS

__all__ = [
    "app",
    "logger",
    "monthly_report",
    "on_change",
    "on_handoff",
    "on_upload",
    "on_whatsapp",
    "pre_signup",
    "services",
]

# configure_logs=False: Powertools logs (chalicelib/web/process.py); Chalice would log every line twice.
app = Chalice(app_name="aspirasi-kaltim", configure_logs=False)
HANDOFF_QUEUE = os.environ.get("HANDOFF_QUEUE_NAME", "aspirasi-kaltim-handoff")
UPLOADS_QUEUE = os.environ.get("UPLOADS_QUEUE_NAME", "aspirasi-kaltim-uploads")
WHATSAPP_QUEUE = os.environ.get("WHATSAPP_QUEUE_NAME", "aspirasi-kaltim-whatsapp")

app.register_blueprint(http.blueprint)  # no routes: gives the HTTP helpers the request being served
for blueprint in BLUEPRINTS:
    app.register_blueprint(blueprint)
app.api.binary_types.append(XLSX_CONTENT_TYPE)  # API Gateway returns it as bytes to a client that accepts it


# -- attachments: S3's ObjectCreated events -------------------------------------------------------
@app.on_sqs_message(queue=UPLOADS_QUEUE, batch_size=10)
def on_upload(event):
    """S3's ObjectCreated events for attachments. Failed records go back to the queue (ReportBatchItemFailures)."""
    return consumers.process_batch("uploads", event.to_dict(), consumers.handle_upload, event.context)


# -- the state machine's messages ---------------------------------------------------------------
@app.on_sqs_message(queue=HANDOFF_QUEUE, batch_size=10)
def on_handoff(event):
    """The state machine's messages. Failed records go back to the queue (ReportBatchItemFailures)."""
    return consumers.process_batch("handoff", event.to_dict(), consumers.handle_handoff, event.context)


# -- the WhatsApp webhook's POSTs (web/routes/whatsapp.py queues them, signature checked) ---------------
@app.on_sqs_message(queue=WHATSAPP_QUEUE, batch_size=10)
def on_whatsapp(event):
    """Citizens' WhatsApp messages and the statuses of ours (service/whatsapp.py). Failed records go back to
    the queue (ReportBatchItemFailures); past the redrive limit, to its dead letters."""
    return consumers.process_batch("whatsapp", event.to_dict(), consumers.handle_whatsapp, event.context)


# -- decisions, answers and reopenings, from the tables' streams, to the state machine ---------------
@app.lambda_function(name="on_change")
def on_change(event, context):
    """DynamoDB stream records of work items and complaints (service/delivery.py). A failed record is
    reported (ReportBatchItemFailures) and comes again, with the ones after it, until it succeeds."""
    return consumers.process_batch("changes", event, consumers.handle_change, context)


# -- Cognito's pre sign-up trigger ---------------------------------------------------------------------
@app.lambda_function(name="pre_signup")
def pre_signup(event, context):
    """An account made straight at Cognito (SignUp with the public client id, skipping POST /auth/register)
    must obey the same field rules: a refusal here is Cognito's refusal (infra: the pool's PreSignUp trigger)."""
    return consumers.check_sign_up(event)


# -- monthly report ---------------------------------------------------------------------------------
@app.schedule(Cron(0, 0, "1-10", "*", "?", "*"), name="monthly_report")
def monthly_report(event):
    """Last month's SLA report to the supervisor's mailbox, on the first working day (service/monthly_report.py).

    Fires at 08:00 WITA (00:00 UTC) on days 1-10 of every month, and the use case decides whether
    today is the first working day: weekends, public holidays and cuti bersama can push that day to
    the 8th (Lebaran 2025: Idul Fitri on 31 March and 1 April, cuti bersama to 7 April; offices opened
    on the 8th), and ten days leave a margin. A month is claimed before its email goes out, so a
    second firing or a retry sends nothing. Invoked by hand, ``detail`` may carry ``{"month":
    "2026-10", "force": true}`` to send (again) that month's report (docs/operations.md).
    """
    return consumers.send_monthly_report(event.detail)
