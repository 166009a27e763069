"""The WhatsAppRecords port (service/ports.py) on DynamoDB: one table (tables.WhatsAppModel) keyed by
``pk``/``sk``. Every item that may be abandoned has ``expires_at`` (TTL); DynamoDB deletes expired items within
a day or two, so reads treat an item past its ``expires_at`` as gone."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from pynamodb.exceptions import DoesNotExist

from ..domain.whatsapp import Awaiting, Conversation, Status, ThreadEntry
from ..service.ports import ConditionFailed, StoredConversation
from .dynamo import conditional, transaction
from .tables import WhatsAppModel as W

CONVERSATION, AWAITING, IN, OUT = "conversation", "awaiting", "in", "out"
# A handled message id is remembered this long: Meta retries a failed delivery for up to a day; the rest is margin.
SEEN_DAYS = 8
# An awaiting item outlives its ``until`` by this much, so a late answer still finds what it answered.
AWAITING_MARGIN = timedelta(days=1)
# Status callbacks may come out of order: a status never goes back to an earlier one.
STATUS_RANK = {"sent": 1, "delivered": 2, "read": 3, "failed": 4}
# A thread's items are read in pages of this many (a case's thread is short).
_PAGE = 200


def _phone(phone: str) -> str:
    return f"phone#{phone}"


def _message(message_id: str) -> str:
    return f"message#{message_id}"


def _case(complaint_id: str) -> str:
    return f"case#{complaint_id}"


def _epoch(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp())


def _ttl(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _live(item: W | None, now: float | None = None) -> W | None:
    """The item unless its ``expires_at`` has passed (TTL deletion lags)."""
    if item is None or item.expires_at is None:
        return item
    return item if item.expires_at.timestamp() > (time.time() if now is None else now) else None


def _get(pk: str, sk: str) -> W | None:
    try:
        return W.get(pk, sk, consistent_read=True)
    except DoesNotExist:
        return None


class WhatsAppStore:
    """The ``WhatsAppRecords`` port (service/ports.py)."""

    def last_inbound_at(self, phone: str) -> str | None:
        found = self.conversation(phone)
        return found.last_inbound_at if found is not None else None

    def conversation(self, phone: str) -> StoredConversation | None:
        item = _live(_get(_phone(phone), CONVERSATION))
        if item is None:
            return None
        dialogue = Conversation.from_dict(item.dialogue) if item.dialogue else None
        return StoredConversation(dialogue, int(item.version or 0), item.last_inbound_at)

    def save_turn(
        self,
        phone: str,
        message_id: str,
        at: str,
        conversation: Conversation | None,
        expected_version: int | None,
        expires_at: int,
        clear_awaiting: bool = False,
    ) -> None:
        """One TransactWriteItems; ConditionFailed reasons ``[message id, conversation]`` (the port's order)."""
        seen_until = _ttl(_epoch(at) + SEEN_DAYS * 86400)
        if expected_version is None:  # nothing there, or only a record past its time the TTL has not removed
            version_holds = W.pk.does_not_exist() | (W.expires_at <= _ttl(int(time.time())))
        else:
            version_holds = W.version == expected_version
        try:
            with transaction() as tx:
                tx.save(
                    W(_message(message_id), IN, phone=phone, at=at, expires_at=seen_until),
                    condition=W.pk.does_not_exist(),
                )
                tx.save(
                    W(
                        _phone(phone),
                        CONVERSATION,
                        dialogue=conversation.to_dict() if conversation is not None else None,
                        version=(expected_version or 0) + 1,
                        last_inbound_at=at,
                        expires_at=_ttl(expires_at),
                    ),
                    condition=version_holds,
                )
                if clear_awaiting:
                    tx.delete(W(_phone(phone), AWAITING))
        except ConditionFailed as failed:
            # PynamoDB sends deletes before puts: the awaiting item's reason comes first, and is never a condition.
            reasons = list(failed.reasons or [])
            if clear_awaiting and reasons:
                reasons = reasons[1:] + reasons[:1]
            raise ConditionFailed(reasons) from failed

    def seen(self, message_id: str) -> bool:
        return _get(_message(message_id), IN) is not None

    def expect_reply(self, phone: str, awaiting: Awaiting, until: str) -> None:
        W(
            _phone(phone),
            AWAITING,
            kind=awaiting.kind,
            complaint_id=awaiting.complaint_id,
            tracking_number=awaiting.tracking_number,
            until=until,
            expires_at=_ttl(_epoch(until)) + AWAITING_MARGIN,
        ).save()

    def awaiting_reply(self, phone: str) -> tuple[Awaiting, str] | None:
        item = _live(_get(_phone(phone), AWAITING))
        if item is None:
            return None
        awaiting = Awaiting(str(item.kind), str(item.complaint_id), str(item.tracking_number))
        return awaiting, str(item.until)

    def record_thread(self, complaint_id: str, entries: Sequence[ThreadEntry]) -> None:
        """Each entry once: an "out" entry with its ``message#<wamid>``/``out`` pointer (one transaction, the
        pointer's absence the condition); an "in" entry keyed by its time and id."""
        for entry in entries:
            sk = f"{entry.at}#{entry.message_id}"
            item = W(
                _case(complaint_id),
                sk,
                direction=entry.direction,
                text=entry.text,
                kind=entry.kind,
                message_id=entry.message_id,
                at=entry.at,
                status=entry.status,
                status_rank=STATUS_RANK.get(entry.status or ""),
            )
            try:
                if entry.direction == OUT:
                    with transaction() as tx:
                        tx.save(
                            W(_message(entry.message_id), OUT, complaint_id=complaint_id, entry=sk),
                            condition=W.pk.does_not_exist(),
                        )
                        tx.save(item)
                else:
                    with conditional():
                        item.save(condition=W.pk.does_not_exist())
            except ConditionFailed:
                continue  # recorded already

    def thread(self, complaint_id: str) -> list[ThreadEntry]:
        return [
            ThreadEntry(
                at=str(item.at),
                direction=str(item.direction),
                text=item.text or "",
                message_id=str(item.message_id),
                kind=str(item.kind or "text"),
                status=item.status,
            )
            for item in W.query(_case(complaint_id), consistent_read=True, page_size=_PAGE)
        ]

    def record_status(self, status: Status, at: str) -> None:
        """The entry takes the status unless it has a later one already (callbacks come out of order)."""
        pointer = _get(_message(status.id), OUT)
        rank = STATUS_RANK.get(status.status)
        if pointer is None or rank is None or not pointer.complaint_id or not pointer.entry:
            return
        try:
            with conditional():
                W(_case(pointer.complaint_id), pointer.entry).update(
                    actions=[W.status.set(status.status), W.status_at.set(at), W.status_rank.set(rank)],
                    condition=W.pk.exists() & (W.status_rank.does_not_exist() | (W.status_rank < rank)),
                )
        except ConditionFailed:
            return  # a later status is there already
