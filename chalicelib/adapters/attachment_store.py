"""DynamoDB access for attachments: reserve a slot, settle an upload, list a case's files.

Part of ``Store`` (a mixin, kept in its own file). A slot is reserved with a conditional ADD on the
complaint's ``attachment_count`` in the same transaction as the attachment and its audit entry, so
two racing requests can never make a sixth; settling is conditional on the attachment's status, so
a redelivered or duplicated S3 event acts once.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from .tables import AttachmentModel, AuditModel, ComplaintModel


class AttachmentStore:
    def reserve_attachment(self, attachment: AttachmentModel, audit: AuditModel, limit: int, open_status: str) -> None:
        """Take one of the complaint's ``limit`` slots and record the pending attachment, or nothing.

        Raises ConditionFailed when the complaint is full or no longer open (or, never in practice,
        when the attachment's or the audit entry's fresh key exists).
        """
        from .dynamo import transaction

        count = ComplaintModel.attachment_count
        with transaction() as tx:
            tx.update(
                ComplaintModel(attachment.complaint_id),
                actions=[count.add(1)],
                condition=ComplaintModel.id.exists()
                & (ComplaintModel.status == open_status)
                & (count.does_not_exist() | (count < limit)),
            )
            tx.save(attachment, condition=AttachmentModel.attachment_id.does_not_exist())
            tx.save(audit, condition=AuditModel.seq.does_not_exist())

    def settle_attachment(
        self,
        attachment: AttachmentModel,
        expected_status: str,
        actions: list,
        audit: AuditModel | None,
        free_slot: bool,
        unless_case_status: str | None = None,
    ) -> None:
        """Move an attachment on from ``expected_status`` (freeing its slot if asked), with its audit entry.

        ``unless_case_status``: only while the complaint's status is not that one (checked in the same
        transaction; not with ``free_slot``, which writes the complaint already).
        Raises ConditionFailed if another delivery settled it first, or the complaint has that status.
        """
        from .dynamo import transaction

        condition = AttachmentModel.status == expected_status
        with transaction() as tx:
            tx.update(
                AttachmentModel(attachment.complaint_id, attachment.attachment_id),
                actions=actions,
                condition=AttachmentModel.attachment_id.exists() & condition,
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
            if audit is not None:
                tx.save(audit, condition=AuditModel.seq.does_not_exist())

    def get_attachment(self, complaint_id: str, attachment_id: str) -> AttachmentModel | None:
        try:
            return AttachmentModel.get(complaint_id, attachment_id, consistent_read=True)
        except DoesNotExist:
            return None

    def attachments(self, complaint_id: str, limit: int) -> list[AttachmentModel]:
        """A case's attachments, oldest first (ids sort as time); at most ``limit``: a key query, never a scan."""
        return list(AttachmentModel.query(complaint_id, consistent_read=True, limit=limit))
