"""Reports API schemas: what a member sends to report, what a moderator sends to resolve, and
how a report looks.

What a report is about is described from what moderation.queries.present_reports gave the
viewer (a SeenReport: the shown author, never the real one), as everywhere in the API: an
anonymous asker stays "A colleague". The reporter is named only in what moderators receive (the
list and a resolution); the person who reports gets their own report back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import model_validator

from afterclass.core.api import Id, InputSchema, PageParams, storable
from afterclass.moderation.models import (
    NOTE_LENGTH,
    TEXT_LENGTH,
    Outcome,
    ReportReason,
    ReportState,
)
from afterclass.moderation.queries import SeenReport
from afterclass.posts.schemas import ANONYMOUS_LABEL, AuthorOut

ReportText = Annotated[str, Field(max_length=TEXT_LENGTH), storable]
Note = Annotated[str, Field(max_length=NOTE_LENGTH), storable]


class ReportIn(InputSchema):
    post: Id | None = Field(None, description="The post reported; or send `comment`.")
    comment: Id | None = Field(None, description="The comment reported; or send `post`.")
    reason: ReportReason
    text: ReportText = Field("", description="Required when the reason is `other`.")

    @model_validator(mode="after")
    def one_target(self) -> ReportIn:
        if (self.post is None) == (self.comment is None):
            raise ValueError("send either post or comment, not both or neither")
        return self


class ResolveIn(InputSchema):
    outcome: Outcome = Field(description="hidden (posts only), removed, or dismissed.")
    note: Note = Field("", description="Required to hide: the author reads it as the reason.")


class ReportParams(PageParams):
    state: ReportState = Field(ReportState.OPEN, description="Which reports to list.")


class PersonRefOut(Schema):
    id: int
    display_name: str


class ReportTargetOut(Schema):
    type: Literal["post", "comment"]
    id: int
    post: int = Field(description="The post, or the post the comment is on.")
    state: str
    excerpt: str = Field(description="The start of the text; empty once removed.")
    author: AuthorOut | None = Field(description="null when the asker is anonymous to me.")
    author_label: str


class ReportOut(Schema):
    id: int
    space: str = Field(description="The space's slug.")
    target: ReportTargetOut
    reason: ReportReason
    text: str
    state: ReportState
    outcome: Outcome | None
    resolution_note: str
    reporter: PersonRefOut | None = Field(description="For moderators, and for the reporter.")
    resolved_by: PersonRefOut | None
    created_at: datetime
    resolved_at: datetime | None

    @classmethod
    def build(cls, report: SeenReport, *, show_reporter: bool) -> ReportOut:
        target = report.target
        shown = report.shown_author
        reporter = report.reporter if show_reporter else None
        resolved_by = report.resolved_by
        return cls(
            id=report.pk,
            space=report.space.slug,
            target=ReportTargetOut(
                type="post" if report.post_id else "comment",
                id=target.pk,
                post=report.target_post.pk,
                state=target.state,
                excerpt=report.excerpt,
                author=AuthorOut.build(shown) if shown is not None else None,
                author_label=shown.display_name if shown is not None else ANONYMOUS_LABEL,
            ),
            reason=ReportReason(report.reason),
            text=report.text,
            state=ReportState(report.state),
            outcome=Outcome(report.outcome) if report.outcome else None,
            resolution_note=report.resolution_note,
            reporter=PersonRefOut(id=reporter.pk, display_name=reporter.display_name)
            if reporter is not None
            else None,
            resolved_by=PersonRefOut(id=resolved_by.pk, display_name=resolved_by.display_name)
            if resolved_by is not None
            else None,
            created_at=report.created_at,
            resolved_at=report.resolved_at,
        )


class ReportPage(Schema):
    items: list[ReportOut]
    next: str | None
