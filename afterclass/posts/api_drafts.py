"""Drafts API: the caller's own drafts kept on the server (posts.drafts), as the composer keeps
them: one per space and kind, PUT to keep (replacing the one there), DELETE to discard. Another
person's draft is 404, as one that does not exist."""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status

from afterclass.core.api import Id, InputSchema, current_person, errors, storable
from afterclass.posts.drafts import (
    OFFERED,
    DraftText,
    access_draft,
    do_discard_draft,
    do_save_draft,
    drafts_of,
)
from afterclass.posts.models import Draft, PostKind
from afterclass.spaces.access import access_space

router = Router(tags=["drafts"])

# Lengths are checked by the action (posts.drafts.LIMITS, a 400 that names the field); these
# bounds only keep an absurd body from being parsed.
Text = Annotated[str, Field(max_length=20000), storable]


class DraftIn(InputSchema):
    space: Annotated[str, Field(max_length=100), storable] = Field(description="The space's slug.")
    kind: PostKind
    title: Text = ""
    body: Text = ""
    link_url: Text = ""
    options: Text = Field("", description="A poll's options, one a line.")


class DraftOut(Schema):
    id: int
    space: str = Field(description="The space's slug.")
    kind: PostKind
    title: str
    body: str
    link_url: str
    options: str
    saved_at: datetime

    @staticmethod
    def build(draft: Draft) -> "DraftOut":
        return DraftOut(
            id=draft.pk, space=draft.space.slug, kind=PostKind(draft.kind), title=draft.title,
            body=draft.body, link_url=draft.link_url, options=draft.options,
            saved_at=draft.saved_at,
        )  # fmt: skip


@router.get("/drafts", response={200: list[DraftOut], **errors(401, 422)}, summary="List my drafts")
def draft_list(request: HttpRequest) -> list[DraftOut]:
    """My newest drafts (at most 10), in spaces I may still see."""
    return [DraftOut.build(draft) for draft in drafts_of(current_person(request))[:OFFERED]]


@router.put(
    "/drafts",
    response={200: DraftOut, **errors(400, 401, 403, 404, 409, 422, 429)},
    summary="Keep a draft",
)
def draft_save(request: HttpRequest, payload: DraftIn) -> DraftOut:
    """Keep my draft of a post of `kind` in the space (replacing the one there). 429 when the same
    draft was saved in the last 2 seconds (Retry-After says when to try again), 409 past 50."""
    viewer = current_person(request)
    space = access_space(viewer, payload.space)
    text = DraftText(
        title=payload.title, body=payload.body, link_url=payload.link_url, options=payload.options
    )
    draft = do_save_draft(space, actor=viewer, kind=payload.kind, text=text)
    draft.space = space
    return DraftOut.build(draft)


@router.delete(
    "/drafts/{draft_id}", response={204: None, **errors(401, 404, 422)}, summary="Discard a draft"
)
def draft_discard(request: HttpRequest, draft_id: Path[Id]) -> Status[None]:
    viewer = current_person(request)
    do_discard_draft(access_draft(viewer, draft_id), actor=viewer)
    return Status(204, None)
