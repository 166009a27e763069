"""DynamoDB access for personal data rights (service/privacy.py): all of a citizen's complaints,
correcting and erasing their reporter fields.

Part of ``Store`` (a mixin, kept in its own file). Each complaint is erased in one transaction with
its ``personal_data_erased`` audit entry, conditional on it still belonging to the citizen: a retry
after a crash erases only what is left, and a complaint is never half erased. Removing
``citizen_id`` also takes the complaint out of the (sparse) citizen index, so a retry does not
find it again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist

from .tables import AttachmentModel, AuditModel, ComplaintModel, RevocationModel, WorkItemModel


class PrivacyStore:
    def all_complaints_of(self, citizen_id: str, page_size: int = 100) -> list[ComplaintModel]:
        """Every complaint in the citizen index under this citizen (pages of a key query, never a scan)."""
        found: list[ComplaintModel] = []
        start = None
        while True:
            result = ComplaintModel.by_citizen.query(citizen_id, limit=page_size, last_evaluated_key=start)
            found.extend(result)
            start = result.last_evaluated_key
            if not start:
                return found

    def correct_reporter(self, complaint_id: str, citizen_id: str, actions: list, audit: AuditModel) -> None:
        """Update the reporter fields of one of the citizen's complaints, with its audit entry.

        Raises ConditionFailed when the complaint is no longer theirs (erased meanwhile)."""
        from .dynamo import transaction

        with transaction() as tx:
            tx.update(
                ComplaintModel(complaint_id),
                actions=actions,
                condition=ComplaintModel.id.exists() & (ComplaintModel.citizen_id == citizen_id),
            )
            tx.save(audit, condition=AuditModel.seq.does_not_exist())

    def erase_reporter(self, complaint_id: str, citizen_id: str, actions: list, audit: AuditModel) -> None:
        """Remove the personal fields of one complaint and note it in the audit, or nothing.

        Raises ConditionFailed when it was erased already (or was never this citizen's)."""
        self.correct_reporter(complaint_id, citizen_id, actions, audit)

    def redact_audit(self, entry: AuditModel, actor: str, details: dict) -> None:
        """Replace one audit entry's actor and details (the person taken out of them)."""
        AuditModel(entry.complaint_id, entry.seq).update(
            actions=[AuditModel.actor.set(actor), AuditModel.details.set(details)], condition=AuditModel.seq.exists()
        )

    def redact_answered_by(self, item, answered_by: str) -> None:
        """Replace who answered a stage visit's question (the citizen's account id erased)."""
        WorkItemModel(item.complaint_id, item.step).update(
            actions=[WorkItemModel.answered_by.set(answered_by)], condition=WorkItemModel.step.exists()
        )

    def email_records(self, complaint_id: str) -> list:
        """The case's email records (tables.EmailModel: one per email, with its recipients): a key query."""
        from .tables import EmailModel

        return list(EmailModel.query(complaint_id, consistent_read=True))

    def redact_email_record(self, record, to: list[str]) -> None:
        """Replace the recipients an email record keeps (the citizen's address erased)."""
        from .tables import EmailModel

        EmailModel(record.complaint_id, record.email_key).update(
            actions=[EmailModel.to.set(to)], condition=EmailModel.email_key.exists()
        )

    def erase_attachment(self, attachment: AttachmentModel, actions: list) -> None:
        """Mark an attachment's file deleted and its name erased (idempotent: the same values again)."""
        AttachmentModel(attachment.complaint_id, attachment.attachment_id).update(
            actions=actions, condition=AttachmentModel.attachment_id.exists()
        )

    # -- revoked tokens (service/access.py) ----------------------------------------------------
    def revoke_tokens(self, subject_key: str, revoked_at: int, reason: str, expires_at: int) -> None:
        """Refuse every token of the account issued at or before ``revoked_at`` (a later revocation wins)."""
        expires = datetime.fromtimestamp(expires_at, UTC)
        RevocationModel(subject_key, revoked_at=revoked_at, reason=reason, ttl=expires).save(
            condition=RevocationModel.subject.does_not_exist() | (RevocationModel.revoked_at <= revoked_at)
        )

    def tokens_revoked_at(self, subject_key: str) -> int | None:
        """When the account's tokens were revoked (epoch seconds), or None: one consistent GetItem."""
        try:
            return int(RevocationModel.get(subject_key, consistent_read=True).revoked_at)
        except DoesNotExist:
            return None
