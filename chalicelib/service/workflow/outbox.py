"""Every email of the workflow, once: claimed with a lease, sent, marked sent (issue 18).

SQS delivers a message at least once and a Lambda may die anywhere, so an email is a record of its own
(tables.EmailModel): a redelivery sends only what no earlier delivery sent.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from datetime import timedelta

from ...domain.records import Complaint, new_audit_entry
from ...domain.timestamps import iso
from .. import whatsapp_out
from ..container import Services
from ..links import deferred_links, issue_rating_link
from ..ports import (
    EMAIL_DONE,
    EMAIL_IN_FLIGHT,
    ConditionFailed,
    EmailOutcomeUnknown,
    EmailRejected,
    Notifier,
    SentEmail,
)
from ..views import case_context
from .case import SYSTEM

log = logging.getLogger(__name__)

# Marking an email sent is retried in-process with a short backoff (about 5 s in all): SES cannot take a
# message back, and an email left unmarked is missing from the case's trail and sent again after its lease.
MARK_TRIES = 8
MARK_PAUSE_MAX = 1.0  # seconds


def _pause(attempt: int) -> None:
    time.sleep(min(MARK_PAUSE_MAX, 0.05 * 3**attempt))


Email = tuple[list, str, dict]  # (to, template, context)

EMAIL_SENT, WHATSAPP_SENT = "email_sent", "whatsapp_sent"  # the audit action of each channel's message
# Each channel's metrics: refused for good (one series without dimensions: what its alarm watches), and
# outcome unknown. A WhatsApp send is counted too (WhatsAppSent), the dashboard's measure of the channel.
_REFUSED = {EMAIL_SENT: "EmailsRejected", WHATSAPP_SENT: "WhatsAppSendsFailed"}
_UNKNOWN = {EMAIL_SENT: "EmailOutcomeUnknown", WHATSAPP_SENT: "WhatsAppOutcomeUnknown"}

# Whether the message being handled came before (SQS's receive count > 1). A redelivery reads what an earlier
# delivery may have written before it writes again: a read is cheaper than a conditional write that fails,
# and while a service sheds load every write that need not be made is one fewer chance to fail again (a
# message that redid its finished writes each time could miss its fast retries under chaos; issue 19). The
# first delivery writes at once, as nothing can be there yet: the AWS-call budgets count first deliveries.
_REDELIVERY: ContextVar[bool] = ContextVar("aspirasi_redelivery", default=False)


@contextlib.contextmanager
def redelivery(again: bool) -> Iterator[None]:
    token = _REDELIVERY.set(again)
    try:
        yield
    finally:
        _REDELIVERY.reset(token)


def is_redelivery() -> bool:
    return _REDELIVERY.get()


class EmailInFlight(RuntimeError):
    """Another delivery holds this email's claim: it is being sent, or its sender died before
    marking it. The message fails, and SQS should deliver it again once the lease has run out:
    ``retry_after`` seconds at the latest (an earlier retry finds it in flight again)."""

    def __init__(self, key: str, retry_after: float):
        super().__init__(f"email {key} is being sent by another delivery")
        self.retry_after = retry_after


def send_once(
    svc: Services,
    complaint_id: str,
    key: str,
    stage: str | None,
    build: Callable[[], Email],
    assigned_step: int | None = None,
    notifier: Notifier | None = None,
    action: str = EMAIL_SENT,
) -> bool:
    """Send the case's email ``key`` once, however often (and however concurrently) the message comes.

    Each step is durable before the next, so a redelivery repeats only what has not succeeded (issue 18):
    ``build()`` renders the email without any AWS call (the action links it issues are only collected,
    links.deferred_links); one write claims the email (tables.EmailModel, with a lease: Settings
    ``email_lease_seconds``) and stores those links' hashes; SES sends it; one transaction marks it sent,
    notes it in the audit trail and, with ``assigned_step``, marks that visit's team told.
    A claim that finds the email marked sends nothing; a redelivery reads the record first and does not
    claim an email that is done.

    Why a retry makes a new link rather than the same one: the raw token exists only in the email, so
    the same link could be rebuilt only from a secret (an HMAC of the work item) -- one key that would
    forge every open link if it leaked from the Lambda's environment, or a KMS call per link. A new
    link is needed only when SES never took the email; its predecessor's hash stays, unreachable (no one
    holds its token), until its TTL.

    A sender that dies before the mark leaves a lease that runs out, and the redelivered message sends
    the email then. Only a death between SES accepting the email and the mark, or an SES answer lost
    on the way (EmailOutcomeUnknown: counted, then retried), sends it twice: the at-least-once window.
    An email the mail service refuses for good is recorded as done, unsent, and the case goes on.
    True: this call marked it sent (and the team told, with ``assigned_step``).

    Another channel's message goes the same way with its ``notifier`` (default ``svc.notifier``, SES) and its
    audit ``action`` (WHATSAPP_SENT: service/whatsapp_out.py's sender; its keys begin "wa:").
    """
    if is_redelivery():
        earlier = svc.store.get_email(complaint_id, key)
        if earlier is not None and (earlier.sent_at or earlier.rejected):
            return False  # what the claim would answer (EMAIL_DONE), without a write
    now = svc.now()
    lease = timedelta(seconds=svc.settings.email_lease_seconds)
    lease_until = iso(now + lease)
    with deferred_links() as links:
        to, template, context = build()
    claimed = svc.store.claim_email(complaint_id, key, iso(now), lease_until, links)
    if claimed == EMAIL_DONE:
        return False
    if claimed == EMAIL_IN_FLIGHT:
        raise EmailInFlight(key, lease.total_seconds())
    try:
        sent = (notifier or svc.notifier).send(to, template, context)
    except EmailRejected as rejected:
        log.warning("%s %s refused for good (%s); the case goes on without it", action, template, rejected)
        svc.metrics.count(_REFUSED[action], dimensions={"Template": template})
        svc.metrics.count(_REFUSED[action])  # all kinds in one series: what the alarm watches
        svc.store.mark_email_rejected(complaint_id, key, str(rejected), template, list(to))
        return False
    except EmailOutcomeUnknown as unknown:
        _outcome_unknown(svc, complaint_id, key, template, unknown, action)
        _release(svc, complaint_id, key, lease_until)
        raise
    except Exception:
        _release(svc, complaint_id, key, lease_until)  # so the redelivery need not wait for the lease
        raise
    if action == WHATSAPP_SENT:
        svc.metrics.count("WhatsAppSent")  # one series (a custom metric per template would cost for little)
    return _mark_sent(svc, complaint_id, key, stage, list(to), template, sent, assigned_step, action)


def _outcome_unknown(
    svc: Services, complaint_id: str, key: str, template: str, error: EmailOutcomeUnknown, action: str = EMAIL_SENT
) -> None:
    """SES may have taken the email but its answer was lost: count it, and let the message fail.

    The choice is to send again (a possible duplicate) rather than to mark it sent (a possible loss).
    Every email here either asks someone to act (a team's link, the citizen's question) or tells the
    citizen what the SOP owes them (receipt, reply); a lost one stalls the case or leaves the citizen
    uninformed, while a second copy only repeats it (a second link for the same visit is harmless: the
    first decision wins, the other link answers 409). SES rarely times out after taking a message; the
    metric shows how rarely. The log names the case and the template, never the addresses.
    """
    svc.metrics.count(_UNKNOWN[action], dimensions={"Template": template})
    svc.metrics.count(_UNKNOWN[action])  # all kinds in one series, as EmailsRejected
    log.warning(
        "%s outcome unknown (%s): complaint_id=%s template=%s email_key=%s; it is sent again, maybe twice",
        "whatsapp" if action == WHATSAPP_SENT else "email",
        error,
        complaint_id,
        template,
        key,
        extra={"complaint_id": complaint_id, "template": template, "email_key": key, "error": str(error)},
    )


def _release(svc: Services, complaint_id: str, key: str, lease_until: str) -> None:
    """Give the claim up after a failed send, tried a few times: a claim left standing holds the
    redelivered message back for the whole lease (EmailInFlight)."""
    _tried(
        lambda: svc.store.release_email(complaint_id, key, lease_until),
        "could not release the claim of email %s; it runs out by itself",
        key,
    )


def _mark_sent(
    svc: Services,
    complaint_id: str,
    key: str,
    stage: str | None,
    to: list,
    template: str,
    sent: SentEmail,
    assigned_step: int | None = None,
    action: str = EMAIL_SENT,
) -> bool:
    """Mark the email sent and note it in the audit trail (one transaction, with ``assigned_step``), retried
    a few times. True if this call marked it.

    If that still fails the message goes on as handled: the email is out, and failing the message
    would have its redelivery send it again once the lease has run out.
    """
    at = iso(svc.now())
    if action == WHATSAPP_SENT:  # no phone number in the trail: the case's thread and the record hold it
        note = new_audit_entry(
            complaint_id, at, SYSTEM, "whatsapp_sent", stage, {"template": template, "subject": sent.subject}
        )
    else:
        details = {"template": template, "to": to, "subject": sent.subject}
        note = new_audit_entry(complaint_id, at, SYSTEM, "email_sent", stage, details)
    try:
        return _tried(
            lambda: svc.store.record_email_sent(
                complaint_id, key, at, sent.message_id, template, to, sent.subject, note, assigned_step
            ),
            "email %s is sent but could not be marked; a redelivery after its lease would send it again",
            key,
            with_trace=True,
            not_retried=(ConditionFailed,),
        )
    except ConditionFailed:
        record = svc.store.get_email(complaint_id, key)
        if record is None or record.ses_message_id != sent.message_id:  # not our own earlier try
            log.warning("email %s was sent by another delivery too (a lease ran out mid-send)", key)
            svc.metrics.count("EmailsSentTwice")
            return False
        return True  # our own earlier try was marked (its answer lost): all of the transaction went in


def _tried(
    write: Callable[[], object],
    gave_up: str,
    key: str,
    *,
    with_trace: bool = False,
    not_retried: tuple[type[Exception], ...] = (),
) -> bool:
    """``write`` tried up to MARK_TRIES times, 0.05 s, 0.15 s, ... (at most MARK_PAUSE_MAX) apart: True once it
    went through, False (logged, as its caller: ``gave_up`` % ``key``, with the last failure's trace if
    ``with_trace``) if it never did. A ``not_retried`` exception is raised at once."""
    for attempt in range(MARK_TRIES):
        try:
            write()
            return True
        except not_retried:
            raise
        except Exception:
            if attempt + 1 == MARK_TRIES:
                (log.exception if with_trace else log.warning)(gave_up, key, stacklevel=2)
                return False
            _pause(attempt)
    return False


def tell_citizen(svc: Services, complaint_id: str, template: str, key: str | None = None, **extra) -> None:
    """Tell the citizen once per piece of news (``key``, default the template), even when SQS delivers the
    message again: by email if the case has an address, and on WhatsApp too if it came by WhatsApp."""
    key = key or template
    complaint = svc.store.existing_complaint(complaint_id)
    # Without an email (entered by staff for a reporter without one) the operator keeps them informed; a key in
    # the complaint's old ``notified`` set was emailed before emails had records of their own.
    if complaint.citizen_email and key not in (complaint.notified or ()):

        def build() -> Email:
            context = {
                "c": case_context(complaint),
                "base_url": svc.settings.public_base_url,
                "case_url": f"{svc.settings.public_base_url}/?case={complaint.id}",
                # the page's status check, open without logging in (the receipt tells the number's use)
                "track_url": f"{svc.settings.public_base_url}/?track={complaint.tracking_number}",
                **extra,
            }
            if template == "reply":
                context["rating_url"] = issue_rating_link(svc, complaint.id, svc.now())
            return [complaint.citizen_email], template, context

        send_once(svc, complaint_id, key, complaint.stage, build)
    if whatsapp_out.reaches(svc, complaint):
        _tell_on_whatsapp(svc, complaint, template, key, extra)


def _tell_on_whatsapp(svc: Services, complaint: Complaint, template: str, key: str, extra: dict) -> None:
    """The same news on WhatsApp, once (its own claim, key "wa:<key>"): free text within 24 hours of the
    citizen's last message, else the approved template. A refusal for good is recorded and the case goes on."""
    assert svc.whatsapp is not None and svc.whatsapp_records is not None and complaint.citizen_phone
    phone = complaint.citizen_phone
    last_inbound_at = svc.whatsapp_records.last_inbound_at(phone)  # read here: build() makes no AWS call
    sender = whatsapp_out.WhatsAppSender(svc.whatsapp, svc.whatsapp_records, svc.settings, svc.now)

    def build() -> Email:
        return [phone], template, whatsapp_out.context(svc, complaint, template, extra, last_inbound_at)

    send_once(svc, complaint.id, f"wa:{key}", complaint.stage, build, notifier=sender, action=WHATSAPP_SENT)
