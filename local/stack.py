"""The whole system on a laptop, in one process: `make run`.

A moto server (Step Functions executions on), every resource created from the
definitions the cloud uses, the Chalice app served like `chalice local`, a poller
that feeds the SQS handler as Lambda's event source mapping would, and the
outbox of every email sent. Ctrl-C stops it all.
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
    from chalicelib.domain.staff import ADMIN

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


def outbox_server(port: int, region: str) -> ThreadingHTTPServer:
    from chalicelib.rendering import render_page
    from local.outbox import sent_emails

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            if self.path.split("?")[0] == "/messages":
                body, kind = json.dumps(sent_emails(region), ensure_ascii=False).encode(), "application/json"
            elif self.path.split("?")[0] == "/":
                body = render_page("outbox", {"messages": sent_emails(region)[::-1]}).encode()
                kind = "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep the terminal for what matters
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    port = int(os.environ.get("PORT", "8000"))
    outbox_port = int(os.environ.get("OUTBOX_PORT", "8025"))
    moto_port = int(os.environ.get("MOTO_PORT") or _free_port())
    # Everything below talks to the moto server; the state machine's service calls too (MOTO_PORT).
    os.environ.update({
        "MOTO_PORT": str(moto_port),
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{moto_port}",
        "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
        "AUTO_CONFIRM_SIGNUP": "1",
        "COGNITO_SENDS_INVITATIONS": "0",  # moto emails nothing: staff invitations go through SES to the outbox
    })
    os.environ.setdefault("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("HANDOFF_QUEUE_NAME", "aspirasi-kaltim-handoff")
    os.environ.setdefault("ATTACHMENTS_BUCKET", "aspirasi-kaltim-attachments")
    os.environ.setdefault("UPLOADS_QUEUE_NAME", "aspirasi-kaltim-uploads")

    import boto3
    import requests
    from moto.server import ThreadedMotoServer

    from local.atomic_dynamodb import serialize_dynamodb

    serialize_dynamodb()  # the server answers on many threads; DynamoDB's writes are atomic, moto's are not
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    requests.post(f"http://127.0.0.1:{moto_port}/moto-api/config",
                  json={"stepfunctions": {"execute_state_machine": True}}, timeout=10).raise_for_status()

    from chalicelib.config import settings
    from local.poller import Poller
    from local.provision import provision, provision_cognito, provision_uploads

    resources = provision(REGION, os.environ["HANDOFF_QUEUE_NAME"], SENDER_DOMAIN)
    # Attachments: the browser posts files straight to moto's S3 (another port: CORS for the page's origin).
    uploads = provision_uploads(REGION, os.environ["ATTACHMENTS_BUCKET"], os.environ["UPLOADS_QUEUE_NAME"],
                                _page_origins(os.environ["PUBLIC_BASE_URL"], port))
    from chalicelib.domain.staff import all_groups

    identity = provision_cognito(REGION, _staff(SENDER_DOMAIN), _staff_password, groups=all_groups())
    os.environ.update({
        "STATE_MACHINE_ARN": resources.state_machine_arn,
        "COGNITO_USER_POOL_ID": identity.user_pool_id,
        "COGNITO_CLIENT_ID": identity.client_id,
        "COGNITO_JWKS_URL": f"http://127.0.0.1:{moto_port}/{identity.user_pool_id}/.well-known/jwks.json",
    })
    settings.cache_clear()
    app_module = importlib.import_module("app")
    app_module.services.cache_clear()

    stop = threading.Event()
    sqs = boto3.client("sqs", region_name=REGION)
    handoff_poller = Poller(sqs, resources.queue_url, resources.queue_arn, REGION, app_module.on_handoff)
    # S3's ObjectCreated events for attachments, to the uploads consumer (as the second event source mapping).
    uploads_poller = Poller(sqs, uploads.queue_url, uploads.queue_arn, REGION, app_module.on_upload)

    def poll_forever(poller):
        while not stop.is_set():
            try:
                if not poller.poll_once(wait_seconds=1):
                    stop.wait(0.2)
            except Exception:  # keep polling: Lambda's event source mapping would too
                log.exception("poller error")
                stop.wait(1)

    from chalice.config import Config
    from chalice.local import create_local_server

    api = create_local_server(app_module.app, Config.create(chalice_stage="dev", app_name="aspirasi-kaltim",
                                                            chalice_app=app_module.app), "127.0.0.1", port)
    outbox = outbox_server(outbox_port, REGION)
    threads = [threading.Thread(target=poll_forever, args=(handoff_poller,), name="sqs-poller", daemon=True),
               threading.Thread(target=poll_forever, args=(uploads_poller,), name="uploads-poller", daemon=True),
               threading.Thread(target=outbox.serve_forever, name="outbox", daemon=True)]
    for thread in threads:
        thread.start()

    cfg = settings()
    print(f"""
Aspirasi Kaltim — local stack (moto on 127.0.0.1:{moto_port}; SLA_TIME_SCALE={cfg.time_scale}, SLA_CALENDAR={cfg.calendar_mode})

  Citizen page and API   http://127.0.0.1:{port}/
  Outbox (every email)   http://127.0.0.1:{outbox_port}/      JSON: http://127.0.0.1:{outbox_port}/messages
  Links in emails start  {cfg.public_base_url}/actions/...
  Staff console          http://127.0.0.1:{port}/staff   (the admin invites and disables members there)

Staff accounts (log in at http://127.0.0.1:{port}/staff; they also act through the links in their emails;
invitations sent from the console arrive in the outbox):""")
    for email, password in identity.staff.items():
        print(f"  {email:<45} {password}")
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
