"""API schemas of search: the query parameters and one result."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema

from afterclass.core.api import CursorText, Id, storable
from afterclass.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from afterclass.search.engine import Hit
from afterclass.search.models import Kind
from afterclass.search.snippets import Marked


class SearchParams(Schema):
    # The length limit is checked by the engine, which says so in words (400, field "q").
    q: Annotated[str, storable] = Field(
        "", description='Words; "a phrase" in quotes; word* for a prefix. At most 1,000 characters.'
    )
    space: str | None = Field(None, description="A space's slug: search only there.")
    kind: Kind | None = Field(None, description="Only this kind of result.")
    author: Id | None = Field(None, description="Only content by this person.")
    after: date | None = Field(None, description="Created on or after this day.")
    before: date | None = Field(None, description="Created on or before this day.")
    answered: bool | None = Field(None, description="Only answered (true) or unanswered questions.")
    has_files: bool = Field(False, description="Only results with files.")
    cursor: CursorText | None = Field(None, description="The `next` value of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Results per page.")


class HitAuthorOut(Schema):
    id: int | None
    name: str


class HitSpaceOut(Schema):
    slug: str
    name: str


class RangeOut(Schema):
    start: int = Field(description="Offset of the first character, in Unicode code points.")
    end: int = Field(description="Offset just after the last character.")

    @staticmethod
    def all_of(marked: Marked) -> list[RangeOut]:
        return [RangeOut(start=start, end=end) for start, end in marked.marks]


class HitOut(Schema):
    kind: Kind
    source: str = Field(description="post, comment, file, person, space or activity.")
    id: int = Field(description="The id of the post, comment, file, person, space or activity.")
    post_id: int | None
    title: str = Field(description="Plain text (not HTML): escape it where you show it.")
    title_highlights: list[RangeOut] = Field(description="Where the matched words are in `title`.")
    snippet: str = Field(description='Plain text around the first match, with "…" where it is cut.')
    snippet_highlights: list[RangeOut] = Field(
        description="Where the matched words are in `snippet`."
    )
    url: str
    space: HitSpaceOut | None
    author: HitAuthorOut | None = Field(
        description='Who wrote it; "A colleague" with no id for an anonymous question.'
    )
    is_accepted: bool
    is_answered: bool
    created_at: datetime

    @staticmethod
    def build(hit: Hit) -> HitOut:
        document = hit.document
        space = document.space
        author = None
        if hit.author_name is not None:
            author = HitAuthorOut(id=document.author_id, name=hit.author_name)
        return HitOut(
            kind=Kind(document.kind),
            source=document.source,
            id=document.object_id,
            post_id=document.post_id,
            title=hit.marked_title.text,
            title_highlights=RangeOut.all_of(hit.marked_title),
            snippet=hit.marked_snippet.text,
            snippet_highlights=RangeOut.all_of(hit.marked_snippet),
            url=hit.url,
            space=HitSpaceOut(slug=space.slug, name=space.name) if space else None,
            author=author,
            is_accepted=document.is_accepted,
            is_answered=document.is_answered,
            created_at=document.created_at,
        )


class SearchPage(Schema):
    items: list[HitOut]
    next: str | None
    hint: str | None = Field(
        None, description="Why nothing was searched (empty, punctuation or common words only)."
    )
