"""DynamoDB access for personal data rights (service/privacy.py): all of a citizen's complaints,
correcting and erasing their reporter fields.

Part of ``Store`` (a mixin, kept in its own file). Each complaint is erased in one transaction with
its ``personal_data_erased`` audit entry, its text rewritten without the person in the same write,
conditional on it still belonging to the citizen (and its text being what was read): a retry after a
crash erases only what is left, and a complaint is never half erased. Removing
``citizen_id`` also takes the complaint out of the (sparse) citizen index, so a retry does not
find it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from ..domain.files import REJECTED
from ..domain.records import Attachment, AuditEntry, Complaint, EmailRecord, WorkItem
from .dynamo import conditional, to_record, update_complaint
from .tables import AttachmentModel, AuditModel, ComplaintModel, EmailModel, RevocationModel, WorkItemModel


class PrivacyStore:
    def all_complaints_of(self, citizen_id: str, page_size: int = 100) -> list[Complaint]:
        """Every complaint in the citizen index under this citizen (pages of a key query, never a scan)."""
        found: list[Complaint] = []
        start = None
        while True:
            result = ComplaintModel.by_citizen.query(citizen_id, limit=page_size, last_evaluated_key=start)
            found.extend(to_record(c, Complaint) for c in result)
            start = result.last_evaluated_key
            if not start:
                return found

    def correct_reporter(
        self,
        complaint_id: str,
        citizen_id: str,
        changes: dict[str, str | None],
        audit: AuditEntry,
        texts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> None:
        """Change the reporter fields of one of the citizen's complaints (``changes``: field -> new value,
        None removes it) and rewrite its ``texts`` (the old name taken out: ``erase_reporter``'s form), with its
        audit entry; all of it or nothing.

        Raises ConditionFailed when the complaint is no longer theirs (erased meanwhile), or when one of the
        ``texts`` is no longer as read (the caller reads the case again)."""
        actions: list[Action] = [
            getattr(ComplaintModel, name).set(value) if value is not None else getattr(ComplaintModel, name).remove()
            for name, value in changes.items()
        ]
        rewrites, condition = _rewritten(texts, ComplaintModel.citizen_id == citizen_id)
        update_complaint(complaint_id, actions + rewrites, condition, audit)

    def erase_reporter(
        self,
        complaint_id: str,
        citizen_id: str,
        fields: Sequence[str],
        erased_at: str,
        audit: AuditEntry,
        texts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> None:
        """Remove the personal ``fields`` of one complaint, rewrite its ``texts`` (field -> (the value read, the
        value without the person)), note when, and note it in the audit; all of it or nothing.

        Raises ConditionFailed when it was erased already (or was never this citizen's), or when one of the
        ``texts`` is no longer as read, written or not (the caller reads the case again)."""
        actions: list[Action] = [getattr(ComplaintModel, f).remove() for f in fields]
        actions += [ComplaintModel.personal_data_erased_at.set(erased_at), ComplaintModel.updated_at.set(erased_at)]
        rewrites, condition = _rewritten(texts, ComplaintModel.citizen_id == citizen_id)
        update_complaint(complaint_id, actions + rewrites, condition, audit)

    def redact_audit(self, entry: AuditEntry, actor: str, details: dict) -> None:
        """Replace one audit entry's actor and details (the person taken out of them)."""
        with conditional():
            AuditModel(entry.complaint_id, entry.seq).update(
                actions=[AuditModel.actor.set(actor), AuditModel.details.set(details)],
                condition=AuditModel.seq.exists(),
            )

    def redact_answered_by(self, item: WorkItem, answered_by: str) -> None:
        """Replace who answered a stage visit's question (the citizen's account id erased)."""
        with conditional():
            WorkItemModel(item.complaint_id, item.step).update(
                actions=[WorkItemModel.answered_by.set(answered_by)], condition=WorkItemModel.step.exists()
            )

    def email_records(self, complaint_id: str) -> list[EmailRecord]:
        """The case's email records (one per email, with its recipients): a key query."""
        return [to_record(r, EmailRecord) for r in EmailModel.query(complaint_id, consistent_read=True)]

    def redact_email_record(self, record: EmailRecord, to: list[str]) -> None:
        """Replace the recipients an email record keeps (the citizen's address erased)."""
        with conditional():
            EmailModel(record.complaint_id, record.email_key).update(
                actions=[EmailModel.to.set(to)], condition=EmailModel.email_key.exists()
            )

    def erase_attachment(
        self, attachment: Attachment, reason: str, filename: str, checked_at: str, created_by: str | None
    ) -> None:
        """Mark an attachment's file deleted (rejected for ``reason``), its name replaced by ``filename`` and,
        when given, its uploader by ``created_by`` (idempotent: the same values again)."""
        actions: list[Action] = [
            AttachmentModel.status.set(REJECTED),
            AttachmentModel.reject_reason.set(reason),
            AttachmentModel.filename.set(filename),
            AttachmentModel.checked_at.set(checked_at),
            AttachmentModel.etag.remove(),
        ]
        if created_by is not None:
            actions.append(AttachmentModel.created_by.set(created_by))
        with conditional():
            AttachmentModel(attachment.complaint_id, attachment.attachment_id).update(
                actions=actions, condition=AttachmentModel.attachment_id.exists()
            )

    # -- revoked tokens (service/access.py) ----------------------------------------------------
    def revoke_tokens(self, subject_key: str, revoked_at: int, reason: str, expires_at: int) -> None:
        """Refuse every token of the account issued at or before ``revoked_at`` (a later revocation wins)."""
        expires = datetime.fromtimestamp(expires_at, UTC)
        with conditional():
            RevocationModel(subject_key, revoked_at=revoked_at, reason=reason, ttl=expires).save(
                condition=RevocationModel.subject.does_not_exist() | (RevocationModel.revoked_at <= revoked_at)
            )

    def tokens_revoked_at(self, subject_key: str) -> int | None:
        """When the account's tokens were revoked (epoch seconds), or None: one consistent GetItem."""
        try:
            return int(RevocationModel.get(subject_key, consistent_read=True).revoked_at)
        except DoesNotExist:
            return None


def _rewritten(
    texts: Mapping[str, tuple[str | None, str | None]] | None, condition: Condition
) -> tuple[list[Action], Condition]:
    """The writes of the ``texts`` that change (field -> (as read, rewritten)), and ``condition`` held to every
    one of them still being as read, changed or not: a text written since is never overwritten unseen."""
    actions: list[Action] = []
    for name, (read, rewritten) in (texts or {}).items():
        attribute = getattr(ComplaintModel, name)
        if rewritten != read:
            actions.append(attribute.set(rewritten) if rewritten is not None else attribute.remove())
        condition &= attribute.does_not_exist() if read is None else attribute == read
    return actions, condition
