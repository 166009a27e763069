"""DynamoDB access for reply templates (domain/reply_templates.py): one partition, read by Query."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from ..domain.reply_templates import ReplyTemplate
from .dynamo import conditional, to_model, to_record
from .tables import ReplyTemplateModel


class ReplyTemplateStore:
    """The ``ReplyTemplates`` port (service/ports.py)."""

    def reply_templates(self, scope: str) -> list[ReplyTemplate]:
        """Every template of the scope, by id (one Query; a few hundred at most)."""
        return [to_record(t, ReplyTemplate) for t in ReplyTemplateModel.query(scope, consistent_read=True)]

    def reply_template(self, scope: str, template_id: str) -> ReplyTemplate | None:
        try:
            return to_record(ReplyTemplateModel.get(scope, template_id, consistent_read=True), ReplyTemplate)
        except DoesNotExist:
            return None

    def add_reply_template(self, template: ReplyTemplate) -> None:
        """ConditionFailed if the id is taken (a random id: practically never)."""
        with conditional():
            to_model(template, ReplyTemplateModel).save(condition=ReplyTemplateModel.id.does_not_exist())

    def replace_reply_template(self, template: ReplyTemplate) -> None:
        """ConditionFailed if it was deleted meanwhile."""
        with conditional():
            to_model(template, ReplyTemplateModel).save(condition=ReplyTemplateModel.id.exists())

    def delete_reply_template(self, scope: str, template_id: str) -> None:
        """ConditionFailed if it is not there."""
        with conditional():
            ReplyTemplateModel(scope, template_id).delete(condition=ReplyTemplateModel.id.exists())
