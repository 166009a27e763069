"""Lambda's event source mappings on the local stack, wired in one place.

The cloud hands the app three kinds of records (infra/aspirasi_infra/stack.py): the handoff queue's
messages to ``on_handoff``, S3's ObjectCreated events (via the uploads queue) to ``on_upload``, the WhatsApp
webhook's POSTs (via the WhatsApp queue) to ``on_whatsapp``, and the
work-items and complaints tables' stream records to ``on_change`` (a decision, an answer or a reopening
reaches the state machine that way). ``event_sources`` builds the pollers that play those mappings, for
`make run` (local/stack.py: ``EventSources.start`` polls in threads until stopped) and for the
in-process stack of `make demo`, the integration tests and the benchmarks (local/inprocess.py: it
delivers when asked).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import boto3

from local.poller import Poller
from local.provision import QueueResources, Resources, UploadResources
from local.stream_poller import DEFAULT_BACKOFF, StreamPoller, stream_arn_of, streams_client

log = logging.getLogger("aspirasi.local")
Handler = Callable[[dict, object], dict | None]


@dataclass
class EventSources:
    handoff: Poller  # the handoff queue -> app.on_handoff
    uploads: Poller | None  # the uploads queue (S3's ObjectCreated events) -> app.on_upload
    streams: list[StreamPoller]  # the work-items and complaints streams -> app.on_change
    whatsapp: Poller | None = None  # the WhatsApp queue (the webhook's POSTs) -> app.on_whatsapp

    def deliver_streams(self) -> int:
        """One read of every stream; how many records were handled."""
        return sum(poller.poll_once() for poller in self.streams)

    def start(self, stop: threading.Event) -> list[threading.Thread]:
        """Poll every source in daemon threads until ``stop`` is set, as the mappings would."""
        queues = [("sqs-poller", self.handoff, 1)] + ([("uploads-poller", self.uploads, 1)] if self.uploads else [])
        # A citizen's message wakes the long poll at once (SQS answers when one arrives); a retry's backoff
        # (ChangeMessageVisibility) waits up to the poll's end. Idle, the channel's poller asks moto 5x less.
        queues += [("whatsapp-poller", self.whatsapp, 5)] if self.whatsapp else []
        threads = [
            threading.Thread(target=_poll_queue, args=(poller, stop, wait), name=name, daemon=True)
            for name, poller, wait in queues
        ]
        threads.append(threading.Thread(target=self._poll_streams, args=(stop,), name="stream-poller", daemon=True))
        for thread in threads:
            thread.start()
        return threads

    def _poll_streams(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                if not self.deliver_streams():
                    stop.wait(0.1)
            except Exception:  # keep polling: the event source mapping would too
                log.exception("stream poller error")
                stop.wait(1)


def _poll_queue(poller: Poller, stop: threading.Event, wait_seconds: int = 1) -> None:
    while not stop.is_set():
        try:
            if not poller.poll_once(wait_seconds=wait_seconds):
                stop.wait(0.2)
        except Exception:  # keep polling: Lambda's event source mapping would too
            log.exception("poller error")
            stop.wait(1)


def event_sources(
    app_module,
    region: str,
    resources: Resources,
    uploads: UploadResources | None = None,
    *,
    on_change: Handler | None = None,
    stream_backoff: tuple[float, float] = DEFAULT_BACKOFF,
    whatsapp: QueueResources | None = None,
) -> EventSources:
    """The pollers for ``app_module``'s consumers on the provisioned ``resources`` (and ``uploads``, the
    attachments' queue, and ``whatsapp``, the WhatsApp queue, when given). ``on_change`` replaces
    ``app_module.on_change`` (the in-process stack wraps it to deliver a batch twice); ``stream_backoff``
    shortens the streams' retry backoff."""
    from chalicelib.adapters.tables import ComplaintModel, WorkItemModel

    sqs = boto3.client("sqs", region_name=region)
    dynamodb, streams = boto3.client("dynamodb", region_name=region), streams_client(region)
    handler = on_change or app_module.on_change
    return EventSources(
        handoff=Poller(sqs, resources.queue_url, resources.queue_arn, region, app_module.on_handoff),
        uploads=uploads_poller(app_module, region, uploads) if uploads else None,
        whatsapp=Poller(sqs, whatsapp.queue_url, whatsapp.queue_arn, region, app_module.on_whatsapp)
        if whatsapp
        else None,
        streams=[
            StreamPoller(
                streams, stream_arn_of(dynamodb, model.Meta.table_name), region, handler, backoff=stream_backoff
            )
            for model in (WorkItemModel, ComplaintModel)
        ],
    )


def uploads_poller(app_module, region: str, uploads: UploadResources) -> Poller:
    """S3's ObjectCreated events for attachments, to the uploads consumer (the second SQS mapping)."""
    sqs = boto3.client("sqs", region_name=region)
    return Poller(sqs, uploads.queue_url, uploads.queue_arn, region, app_module.on_upload)
