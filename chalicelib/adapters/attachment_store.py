"""DynamoDB access for attachments: reserve a slot, settle an upload, list a case's files.

Part of ``Store`` (a mixin, kept in its own file). A slot is reserved with a conditional ADD on the
complaint's ``attachment_count`` in the same transaction as the attachment and its audit entry, so
two racing requests can never make a sixth; settling is conditional on the attachment's status, so
a redelivered or duplicated S3 event acts once.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from ..domain.files import ACCEPTED, PENDING, REJECTED
from ..domain.records import Attachment, AuditEntry
from .dynamo import save_audit, to_model, to_record, transaction
from .tables import AttachmentModel, ComplaintModel


class AttachmentStore:
    def reserve_attachment(self, attachment: Attachment, audit: AuditEntry, limit: int, open_status: str) -> None:
        """Take one of the complaint's ``limit`` slots and record the pending attachment, or nothing.

        Raises ConditionFailed when the complaint is full or no longer open (or, never in practice,
        when the attachment's or the audit entry's fresh key exists).
        """
        count = ComplaintModel.attachment_count
        with transaction() as tx:
            tx.update(
                ComplaintModel(attachment.complaint_id),
                actions=[count.add(1)],
                condition=ComplaintModel.id.exists()
                & (ComplaintModel.status == open_status)
                & (count.does_not_exist() | (count < limit)),
            )
            tx.save(to_model(attachment, AttachmentModel), condition=AttachmentModel.attachment_id.does_not_exist())
            save_audit(tx, audit)

    def accept_attachment(
        self,
        attachment: Attachment,
        size: int,
        detected_type: str,
        etag: str,
        checked_at: str,
        audit: AuditEntry,
        unless_case_status: str,
    ) -> None:
        """Record the pending attachment's checked file (its size, type and the ``etag`` of the upload it was
        made from), with its audit entry; it keeps its slot. Only while the complaint's status is not
        ``unless_case_status`` (checked in the same transaction).

        Raises ConditionFailed if another delivery settled it first, or the complaint has that status.
        """
        self._settle(
            attachment,
            [
                AttachmentModel.status.set(ACCEPTED),
                AttachmentModel.size.set(size),
                AttachmentModel.detected_type.set(detected_type),
                AttachmentModel.etag.set(etag),
                AttachmentModel.checked_at.set(checked_at),
            ],
            audit,
            free_slot=False,
            unless_case_status=unless_case_status,
        )

    def reject_attachment(
        self,
        attachment: Attachment,
        reason: str,
        checked_at: str,
        audit: AuditEntry,
        size: int | None = None,
        detected_type: str | None = None,
    ) -> None:
        """Reject the pending attachment for ``reason`` and give its slot back, with its audit entry. With the
        ``size`` of a judged upload, that is recorded (and its ``detected_type``, if known) and any etag forgotten.

        Raises ConditionFailed if another delivery settled it first.
        """
        actions = [AttachmentModel.status.set(REJECTED), AttachmentModel.reject_reason.set(reason)]
        if size is None:
            actions.append(AttachmentModel.checked_at.set(checked_at))
        else:
            actions += [
                AttachmentModel.size.set(size),
                AttachmentModel.checked_at.set(checked_at),
                AttachmentModel.etag.remove(),
            ]
            if detected_type:
                actions.append(AttachmentModel.detected_type.set(detected_type))
        self._settle(attachment, actions, audit, free_slot=True)

    def _settle(
        self,
        attachment: Attachment,
        actions: list,
        audit: AuditEntry,
        free_slot: bool,
        unless_case_status: str | None = None,
    ) -> None:
        """Move a pending attachment on (freeing its slot if asked), with its audit entry: one transaction.
        ``unless_case_status`` is not checked with ``free_slot``, which writes the complaint already."""
        with transaction() as tx:
            tx.update(
                AttachmentModel(attachment.complaint_id, attachment.attachment_id),
                actions=actions,
                condition=AttachmentModel.attachment_id.exists() & (AttachmentModel.status == PENDING),
            )
            if unless_case_status is not None and not free_slot:
                tx.condition_check(
                    ComplaintModel,
                    attachment.complaint_id,
                    condition=ComplaintModel.id.exists() & (ComplaintModel.status != unless_case_status),
                )
            if free_slot:
                tx.update(
                    ComplaintModel(attachment.complaint_id),
                    actions=[ComplaintModel.attachment_count.add(-1)],
                    condition=ComplaintModel.id.exists() & (ComplaintModel.attachment_count > 0),
                )
            save_audit(tx, audit)

    def get_attachment(self, complaint_id: str, attachment_id: str) -> Attachment | None:
        try:
            return to_record(AttachmentModel.get(complaint_id, attachment_id, consistent_read=True), Attachment)
        except DoesNotExist:
            return None

    def attachments(self, complaint_id: str, limit: int) -> list[Attachment]:
        """A case's attachments, oldest first (ids sort as time); at most ``limit``: a key query, never a scan."""
        found = AttachmentModel.query(complaint_id, consistent_read=True, limit=limit)
        return [to_record(a, Attachment) for a in found]
