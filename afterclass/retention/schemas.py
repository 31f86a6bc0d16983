"""The retention API's shapes: rules, a space's rule and hold, previews."""

from __future__ import annotations

from typing import Annotated

from ninja import Field, Schema

from afterclass.core.api import InputSchema, storable
from afterclass.retention.models import MAX_MONTHS
from afterclass.retention.queries import Rule, SpacePreview

Months = Annotated[int, Field(ge=1, le=MAX_MONTHS)]


class RetentionRuleOut(Schema):
    action: str = Field(description="keep, archive or delete.")
    months: int | None = Field(
        description="Threads with no activity for this many months are taken; null for keep."
    )

    @classmethod
    def of(cls, rule: Rule) -> RetentionRuleOut:
        return cls(action=rule.action, months=rule.months)


class RetentionRuleIn(InputSchema):
    action: str = Field(description="keep, archive or delete.")
    months: Months | None = Field(None, description="Needed to archive or delete.")


class SpaceRetentionRuleIn(InputSchema):
    action: str = Field(
        description="default (follow the organisation's rule), keep, archive or delete."
    )
    months: Months | None = Field(None, description="Needed to archive or delete.")


class SpaceRetentionOut(Schema):
    action: str = Field(description="default, keep, archive or delete.")
    months: int | None
    in_force: RetentionRuleOut = Field(description="The rule that applies, resolved.")
    legal_hold: bool = Field(description="While on, retention deletes nothing in the space.")
    hold_reason: str


class LegalHoldIn(InputSchema):
    on: bool
    reason: Annotated[str, Field(max_length=300), storable] = Field(
        "", description="Needed to put a hold on; kept in the audit log."
    )


class RetentionPreviewOut(Schema):
    space: str = Field(description="The space's slug.")
    space_name: str
    rule: RetentionRuleOut
    threads: int = Field(description="Posts that would go, each with its thread.")
    comments: int
    files: int
    held: bool = Field(description="A legal hold keeps them: a delete rule deletes nothing.")

    @classmethod
    def of(cls, preview: SpacePreview) -> RetentionPreviewOut:
        return cls(
            space=preview.space.slug,
            space_name=preview.space.name,
            rule=RetentionRuleOut.of(preview.rule),
            threads=preview.threads,
            comments=preview.comments,
            files=preview.files,
            held=preview.held,
        )


class RetentionPreviewParams(Schema):
    action: str | None = Field(None, description="The rule to preview; the one in force if none.")
    months: Months | None = None
