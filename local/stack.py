"""The whole system on a laptop, in one process: `make run`.

A moto server (Step Functions executions on), every resource created from the
definitions the cloud uses, the Chalice app served like `chalice local`, pollers
that feed the app's consumers as Lambda's event source mappings would (the queues
and the tables' streams: local/event_sources.py), and the outbox of every email
sent. Ctrl-C stops it all.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import secrets
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

REGION = "ap-southeast-3"
SENDER_DOMAIN = "aspirasi.kaltimprov.go.id"
OPEN311_DEMO_CLIENT = "Demo client"
log = logging.getLogger("aspirasi.local")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _staff_password() -> str:
    # Meets the pool's policy (upper, lower, digit); random so nothing guessable ships.
    return "Kaltim-" + secrets.token_hex(3) + "A1"


def _staff(mail_domain: str) -> dict[str, str]:
    from chalicelib.config import Settings
    from chalicelib.domain import catalog, sop
    from chalicelib.domain.roles import ADMIN

    settings = Settings.from_env()
    staff = {f"{ADMIN}@{mail_domain}": ADMIN}  # the admin invites everyone else from the console
    for role in (sop.Role.OPERATOR, sop.Role.DISKOMINFO, sop.Role.SUPERVISOR):
        for email in settings.mailbox(role):
            staff[email] = role.value
    for code in catalog.OPDS:
        for email in settings.mailbox(sop.Role.OPD, code):
            staff[email] = f"opd-{code}"
    return staff


def _page_origins(public_base_url: str, port: int) -> list[str]:
    """Where the citizen page may be opened from: the bucket's CORS lets these post uploads."""
    from urllib.parse import urlsplit

    public = urlsplit(public_base_url)
    return [f"{public.scheme}://{public.netloc}", f"http://127.0.0.1:{port}", f"http://localhost:{port}"]


def graph_stand_in():
    """The stand-in Graph API (local/graph_api.py), reading the token, number id and templates the app reads."""
    from chalicelib.config import settings
    from local.graph_api import GraphStandIn

    def approved() -> list[str]:
        cfg = settings()
        return [
            cfg.whatsapp_reply_template,
            cfg.whatsapp_receipt_template,
            cfg.whatsapp_question_template,
            cfg.whatsapp_update_template,
        ]

    return GraphStandIn(
        lambda: os.environ.get("WHATSAPP_ACCESS_TOKEN", ""),
        lambda: os.environ.get("WHATSAPP_PHONE_NUMBER_ID", ""),
        approved,
    )


def outbox_server(port: int, region: str, app_module=None, graph=None) -> ThreadingHTTPServer:
    """The outbox (emails), the schedules' trigger and, with ``graph``, the stand-in Graph API (WhatsApp)."""
    from urllib.parse import unquote

    from chalicelib.rendering import render_page
    from local import schedules
    from local.outbox import attachment, sent_emails

    class Handler(BaseHTTPRequestHandler):
        def _graph(self, method: str) -> bool:
            """Served by the stand-in Graph API (/graph/..., /whatsapp/...) if its path is one of its own."""
            if graph is None or not self.path.startswith(("/graph/", "/whatsapp/")):
                return False
            length = int(self.headers.get("Content-Length") or 0)
            answer = graph.handle(method, self.path, self.headers, self.rfile.read(length) if length else b"")
            if answer is None:
                self.send_error(404)
            else:
                self._send(*answer)
            return True

        def do_GET(self):  # noqa: N802 (http.server's naming)
            if self._graph("GET"):
                return
            path, extra = self.path.split("?")[0], {}
            parts = [unquote(p) for p in path.split("/")[1:]]
            if path == "/messages":
                body, kind = json.dumps(sent_emails(region), ensure_ascii=False).encode(), "application/json"
            elif path == "/":
                body = render_page("outbox", {"messages": sent_emails(region)[::-1]}).encode()
                kind = "text/html; charset=utf-8"
            elif len(parts) == 3 and parts[0] == "messages" and (attached := attachment(region, parts[1], parts[2])):
                # /messages/<id>/<filename>: an attached file (the monthly report's workbook)
                body, kind = attached, "application/octet-stream"
                extra = {"Content-Disposition": f'attachment; filename="{parts[2].replace(chr(34), "")}"'}
            else:
                self.send_error(404)
                return
            self._send(200, body, kind, extra)

        def do_POST(self):  # noqa: N802
            """``/schedules/<name>`` fires that schedule now (``make monthly-report``); the body is its ``detail``."""
            if self._graph("POST"):
                return
            parts = self.path.split("?")[0].split("/")
            if app_module is None or len(parts) != 3 or parts[1] != "schedules":
                self.send_error(404)
                return
            try:
                detail = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                status, result = 200, schedules.run(app_module, parts[2], region, detail)
            except KeyError as error:
                status, result = 404, {"error": str(error)}
            except ValueError as error:  # e.g. a month that is not over: the caller's to fix
                status, result = 400, {"error": f"{type(error).__name__}: {error}"}
            except Exception as error:  # the function failed: say why, as a Lambda invocation would
                log.exception("schedule %s failed", parts[2])
                status, result = 500, {"error": f"{type(error).__name__}: {error}"}
            self._send(status, json.dumps(result, ensure_ascii=False, default=str).encode(), "application/json")

        def _send(self, status: int, body: bytes, kind: str, extra: dict | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the terminal for what matters
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def _chat_ports(port: int, outbox_port: int) -> str:
    """`make whatsapp`'s ARGS when the stack is not on its default ports."""
    if (port, outbox_port) == (8000, 8025):
        return ""
    return f' ARGS="--api http://127.0.0.1:{port} --outbox http://127.0.0.1:{outbox_port}"'


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    from local import chaos

    try:  # CHAOS, CHAOS_CRASH, CHAOS_SEED: faults in the application's AWS calls (local/chaos.py)
        chaos_config = chaos.from_env(os.environ)
    except chaos.ChaosConfigError as error:
        print(f"Cannot start: {error}", file=sys.stderr, flush=True)
        return 2
    chaos.install(chaos_config)  # before any client exists, so every client gets the hooks
    port = int(os.environ.get("PORT", "8000"))
    outbox_port = int(os.environ.get("OUTBOX_PORT", "8025"))
    moto_port = int(os.environ.get("MOTO_PORT") or _free_port())
    # Everything below talks to the moto server; the state machine's service calls too (MOTO_PORT).
    os.environ.update(
        {
            "MOTO_PORT": str(moto_port),
            "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AUTO_CONFIRM_SIGNUP": "1",
            "COGNITO_SENDS_INVITATIONS": "0",  # moto emails nothing: staff invitations go through SES to the outbox
            "COGNITO_SENDS_RESET_CODES": "0",  # moto hands reset codes back in a header: we email them (outbox)
        }
    )
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    # Our modules' own loggers follow the app's level too (the privacy log scan runs all of them at DEBUG).
    for name in ("chalicelib", "local", "aspirasi.local"):
        logging.getLogger(name).setLevel(os.environ["POWERTOOLS_LOG_LEVEL"].upper())
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("HANDOFF_QUEUE_NAME", "aspirasi-kaltim-handoff")
    os.environ.setdefault("ATTACHMENTS_BUCKET", "aspirasi-kaltim-attachments")
    os.environ.setdefault("UPLOADS_QUEUE_NAME", "aspirasi-kaltim-uploads")
    os.environ.setdefault("WHATSAPP_QUEUE_NAME", "aspirasi-kaltim-whatsapp")
    os.environ.setdefault("OPEN311_ENDPOINT_TYPE", "test")  # what Open311 service discovery says of this endpoint
    # WhatsApp: the stand-in Graph API on the outbox's port (local/graph_api.py), fresh secrets each start.
    os.environ.setdefault("WHATSAPP_PHONE_NUMBER_ID", "local-phone-number-id")
    os.environ.setdefault("WHATSAPP_API_URL", f"http://127.0.0.1:{outbox_port}/graph/v21.0")
    for name in ("WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        os.environ[name] = secrets.token_urlsafe(24)

    import requests
    from moto.server import ThreadedMotoServer

    from local.atomic_dynamodb import serialize_dynamodb

    serialize_dynamodb()  # the server answers on many threads; DynamoDB's writes are atomic, moto's are not
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    requests.post(
        f"http://127.0.0.1:{moto_port}/moto-api/config",
        json={"stepfunctions": {"execute_state_machine": True}},
        timeout=10,
    ).raise_for_status()

    from chalicelib.config import settings
    from local.provision import (
        local_queue_settings,
        provision,
        provision_cognito,
        provision_uploads,
        provision_whatsapp,
    )

    queues = local_queue_settings(os.environ)  # SQS_VISIBILITY_TIMEOUT, SQS_MAX_RECEIVE_COUNT
    resources = provision(REGION, os.environ["HANDOFF_QUEUE_NAME"], SENDER_DOMAIN, **queues)
    # Attachments: the browser posts files straight to moto's S3 (another port: CORS for the page's origin).
    uploads = provision_uploads(
        REGION,
        os.environ["ATTACHMENTS_BUCKET"],
        os.environ["UPLOADS_QUEUE_NAME"],
        _page_origins(os.environ["PUBLIC_BASE_URL"], port),
        **queues,
    )
    # The webhook's POSTs, queued for the WhatsApp consumer (as in the cloud: web/routes/whatsapp.py).
    whatsapp_queue = provision_whatsapp(REGION, os.environ["WHATSAPP_QUEUE_NAME"], **queues)
    from chalicelib.domain.roles import all_groups

    identity = provision_cognito(REGION, _staff(SENDER_DOMAIN), _staff_password, groups=all_groups())
    os.environ.update(
        {
            "STATE_MACHINE_ARN": resources.state_machine_arn,
            "COGNITO_USER_POOL_ID": identity.user_pool_id,
            "COGNITO_CLIENT_ID": identity.client_id,
            "COGNITO_JWKS_URL": f"http://127.0.0.1:{moto_port}/{identity.user_pool_id}/.well-known/jwks.json",
        }
    )
    settings.cache_clear()
    app_module = importlib.import_module("app")
    app_module.services.cache_clear()
    if chaos_config.active:  # API requests and the event handlers the pollers call are the application's
        app_module.app.register_middleware(chaos.middleware, "all")
    # One Open311 client key, so the GeoReport v2 API can be tried at once (the admin issues more in the console).
    from chalicelib.service import api_keys

    open311_key = api_keys.issue_key(
        app_module.services(), {"organisation": OPEN311_DEMO_CLIENT}, by="system:local-stack"
    )["api_key"]
    from local import reply_templates

    reply_templates.seed(app_module.services())  # a few, so the decision forms offer some at once

    # The handoff, uploads and WhatsApp queues and the tables' streams, to the app's consumers (local/event_sources.py).
    from local.event_sources import event_sources

    sources = event_sources(app_module, REGION, resources, uploads, whatsapp=whatsapp_queue)
    from chalice.config import Config
    from chalice.local import ThreadedHTTPServer, create_local_server

    ThreadedHTTPServer.request_queue_size = 128  # socketserver's backlog of 5 resets connections under load

    api = create_local_server(
        app_module.app,
        Config.create(chalice_stage="dev", app_name="aspirasi-kaltim", chalice_app=app_module.app),
        "127.0.0.1",
        port,
    )
    outbox = outbox_server(outbox_port, REGION, app_module, graph_stand_in())
    stop = threading.Event()
    sources.start(stop)
    threading.Thread(target=outbox.serve_forever, name="outbox", daemon=True).start()

    cfg = settings()
    clocks = f"SLA_TIME_SCALE={cfg.time_scale}, SLA_CALENDAR={cfg.calendar_mode}"
    print(f"""
Aspirasi Kaltim — local stack (moto on 127.0.0.1:{moto_port}; {clocks})

  Citizen page and API   http://127.0.0.1:{port}/
  Outbox (every email)   http://127.0.0.1:{outbox_port}/      JSON: http://127.0.0.1:{outbox_port}/messages
  Links in emails start  {cfg.public_base_url}/actions/...
  Staff console          http://127.0.0.1:{port}/staff   (the admin invites and disables members there)
  Monthly SLA report     emailed 08:00 WITA on a month's first working day; now: make monthly-report

Staff accounts (log in at http://127.0.0.1:{port}/staff; they also act through the links in their emails;
invitations sent from the console arrive in the outbox):""")
    for email, password in identity.staff.items():
        print(f"  {email:<45} {password}")
    print(f"""
Open311 GeoReport v2 at http://127.0.0.1:{port}/open311/v2 (discovery.json, services.json, requests.json, ...);
its key for the organisation "{OPEN311_DEMO_CLIENT}" (POST requests with api_key=...):
Open311 API key: {open311_key}""")
    print(f"""
WhatsApp (Cloud API webhook POST/GET http://127.0.0.1:{port}/channels/whatsapp/webhook); the stand-in Graph API
records what the app sends: http://127.0.0.1:{outbox_port}/whatsapp/messages
WhatsApp verify token: {os.environ["WHATSAPP_VERIFY_TOKEN"]}
WhatsApp app secret: {os.environ["WHATSAPP_APP_SECRET"]}
Chat as a citizen on WhatsApp (another terminal):
  make whatsapp SECRET={os.environ["WHATSAPP_APP_SECRET"]}{_chat_ports(port, outbox_port)}""")
    if chaos_config.active:
        print(f"\nChaos mode ON: {chaos_config.describe()}; each fault is logged as 'chaos: ...'")
    print("\nReady. Ctrl-C stops everything.", flush=True)

    def shutdown(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shutdown)
    try:
        api.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        outbox.shutdown()
        api.server.server_close()
        moto.stop()
        print("\nStopped.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
