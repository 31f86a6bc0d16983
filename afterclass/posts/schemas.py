"""Posts API schemas: what a client sends to post, comment, vote, react and moderate, and how
posts and comments look to the person asking.

Posts and comments are built only from what posts.queries presented for the viewer
(posts.presentation.SeenPost, SeenComment), which carry the shown author, not the real one: an
anonymous asker is `"author": null` with `"author_label": "A colleague"`, and nothing else in
these schemas (ids, e-mails, avatars, links) names them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StrictBool

from afterclass.attachments.schemas import AttachmentOut
from afterclass.core.api import Id, InputSchema, PageParams, storable
from afterclass.people.models import Person
from afterclass.posts.models import ContentState, PostKind, ReactionKind
from afterclass.posts.poll_part import ResultsShown
from afterclass.posts.presentation import SeenComment, SeenPost, shown_body, shown_title

ANONYMOUS_LABEL = "A colleague"

Title = Annotated[str, Field(max_length=200), storable]
PostBody = Annotated[str, Field(max_length=20000), storable]
LinkUrl = Annotated[str, Field(max_length=1000), storable]
CommentBody = Annotated[str, Field(max_length=10000), storable]
HideReason = Annotated[str, Field(max_length=300), storable]
RevealReason = Annotated[str, Field(max_length=500), storable]
AltText = Annotated[str, Field(max_length=300), storable]

# --- What clients send ----------------------------------------------------------------------


# A poll's shapes are a post's: sent with a post of kind "poll" (PollIn), shown in its detail
# and by the polls API (PollOut, built by polls.schemas.poll_out).
OptionText = Annotated[str, Field(max_length=140), storable]


class PollIn(InputSchema):
    options: list[OptionText] = Field(
        max_length=10, description="2-10 options, each written and different from the others."
    )
    multiple: StrictBool = Field(False, description="Whether a voter may choose several.")
    anonymous: StrictBool = Field(
        False,
        description="Nobody, admins included, can see who chose what; votes are then final.",
    )
    closes_at: datetime | None = Field(
        None, description="When voting ends, with a time zone, in the future; null: open."
    )
    results_shown: ResultsShown = Field(
        ResultsShown.AFTER_VOTING,
        description="Results are shown to a voter after voting, or to all after closing.",
    )


class PostCreateIn(InputSchema):
    kind: PostKind = Field(description="Which kinds a space takes: see its allowed_post_kinds.")
    title: Title = Field("", description="Required except for updates (which have none).")
    body: PostBody = Field("", description="Markdown. An update is at most 280 characters.")
    link_url: LinkUrl = Field("", description="An https:// address; required for a resource.")
    anonymous: StrictBool = Field(
        False, description="Ask a question as 'a colleague', where the space allows it."
    )
    attachments: list[Id] = Field(
        [],
        max_length=10,
        description="Ids from POST /attachments: 1-10 pictures for an image post, or one file "
        "for a resource (then link_url may be empty).",
    )
    alt_texts: list[AltText] = Field(
        [], max_length=10, description="For an image post: one description per picture, in order."
    )
    poll: PollIn | None = Field(
        None, description='For kind "poll" (required then): the options and settings.'
    )


class PostUpdateIn(InputSchema):
    """Only the fields sent are changed."""

    title: Title | None = None
    body: PostBody | None = None
    link_url: LinkUrl | None = None
    attachments: list[Id] | None = Field(
        None,
        max_length=10,
        description="The post's whole new list of files, in order: ids of the files it has "
        "and of new uploads from POST /attachments; its files left out are deleted. An image "
        "post keeps 1-10 pictures, a resource one file (or none, with a link). Not sent: the "
        "files stay as they are.",
    )
    alt_texts: list[AltText] | None = Field(
        None,
        max_length=10,
        description="With `attachments`: one description per picture of an image post, in "
        "the same order.",
    )


class CommentCreateIn(InputSchema):
    body: CommentBody = Field(description="Markdown.")
    parent: Id | None = Field(
        None, description="A comment of this post to reply to; replies are one level deep."
    )


class CommentUpdateIn(InputSchema):
    body: CommentBody = Field(description="Markdown.")


class AcceptIn(InputSchema):
    answer: Id | None = Field(description="The answer to accept, or null to take it back.")


class HideIn(InputSchema):
    reason: HideReason = Field(description="Shown to the author.")


class RevealIn(InputSchema):
    reason: RevealReason = Field(description="Why, in a sentence: it is kept in the audit log.")


class FeedParams(PageParams):
    kind: PostKind | None = Field(None, description="Only posts of this kind.")
    unanswered: bool = Field(False, description="Only questions without an answer.")


# --- What clients receive -------------------------------------------------------------------


class AuthorOut(Schema):
    id: int
    display_name: str
    job_title: str
    avatar_url: str | None

    @classmethod
    def build(cls, person: Person) -> AuthorOut:
        return cls(
            id=person.pk,
            display_name=person.display_name,
            job_title=person.job_title,
            avatar_url=person.avatar.url if person.avatar else None,
        )


def _author_fields(shown: Person | None) -> dict[str, object]:
    """The only place an author becomes JSON: from a presented `shown_author`."""
    return {
        "author": AuthorOut.build(shown) if shown is not None else None,
        "author_label": shown.display_name if shown is not None else ANONYMOUS_LABEL,
    }


class SpaceRefOut(Schema):
    slug: str
    name: str


class PostOut(Schema):
    id: int
    space: SpaceRefOut
    kind: PostKind
    title: str = Field(description="Empty for a removed post.")
    body: str = Field(description="Markdown, as written; empty for a removed post.")
    link_url: str
    author: AuthorOut | None = Field(description="null when the asker is anonymous to me.")
    author_label: str = Field(description=f'The name to show, or "{ANONYMOUS_LABEL}".')
    is_anonymous: bool
    is_mine: bool
    state: ContentState
    is_pinned: bool
    is_locked: bool
    is_answered: bool
    accepted_answer: int | None = Field(description="The accepted answer's id (questions).")
    comment_count: int
    answer_count: int
    reaction_count: int
    helped_count: int
    my_reactions: list[ReactionKind]
    unread: bool = Field(
        description=(
            "New to me: never opened and active since I joined its space, or activity since I"
            " last read it (members only)."
        )
    )
    new_comments: int = Field(
        description="Comments since I last read it (0 when never read: the whole post is new)."
    )
    attachments: list[AttachmentOut] = Field(description="Pictures or a file, in order.")
    created_at: datetime
    edited_at: datetime | None
    last_activity_at: datetime

    @classmethod
    def fields_of(cls, post: SeenPost) -> dict[str, object]:
        removed = post.is_removed
        return {
            "id": post.pk,
            "space": SpaceRefOut(slug=post.space.slug, name=post.space.name),
            "kind": post.kind,
            "title": shown_title(post),
            "body": shown_body(post),
            "link_url": "" if removed else post.link_url,
            **_author_fields(post.shown_author),
            "is_anonymous": post.is_anonymous,
            "is_mine": post.is_mine,
            "state": post.state,
            "is_pinned": post.is_pinned,
            "is_locked": post.is_locked,
            "is_answered": post.is_answered,
            "accepted_answer": post.accepted_answer_id,
            "comment_count": post.comment_count,
            "answer_count": post.answer_count,
            "reaction_count": post.reaction_count,
            "helped_count": post.helped_count,
            "my_reactions": sorted(post.my_reactions),
            "unread": post.is_unread,
            "new_comments": post.new_comments,
            "attachments": [
                AttachmentOut.build(attachment) for attachment in post.shown_attachments
            ],
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "last_activity_at": post.last_activity_at,
        }

    @classmethod
    def build(cls, post: SeenPost) -> PostOut:
        return cls.model_validate(cls.fields_of(post))


class PostPermissionsOut(Schema):
    edit: bool
    remove: bool
    comment: bool
    accept: bool = Field(description="Choose the accepted answer (questions).")
    moderate: bool = Field(description="Hide, restore, pin and lock.")
    reveal_asker: bool = Field(description="Organisation admins, on an anonymous question.")


class VoterOut(Schema):
    id: int
    display_name: str


class PollOptionOut(Schema):
    id: int
    text: str
    votes: int | None = Field(description="null while I may not see the results.")
    voters: list[VoterOut] | None = Field(
        description="Who chose it: named polls, with the results only; null otherwise."
    )


class PollOut(Schema):
    options: list[PollOptionOut]
    multiple: bool
    anonymous: bool
    results_shown: ResultsShown
    closes_at: datetime | None
    closed: bool
    closed_at: datetime | None = Field(description="When it closed, early or at closes_at.")
    results_visible: bool
    voted: bool
    my_choices: list[int] = Field(description="My options (named polls; empty when anonymous).")
    voter_count: int
    can_vote: bool
    can_close: bool


class PostDetailOut(PostOut):
    body_html: str = Field(description="The markdown rendered to sanitised HTML.")
    hidden_reason: str = Field(description="Why a moderator hid it (the author and moderators).")
    can: PostPermissionsOut
    poll: PollOut | None = Field(None, description='For kind "poll": the poll as I see it.')

    @classmethod
    def build_detail(
        cls, post: SeenPost, can: PostPermissionsOut, poll: PollOut | None = None
    ) -> PostDetailOut:
        return cls.model_validate(
            {
                **cls.fields_of(post),
                "body_html": "" if post.is_removed else post.body_html,
                "hidden_reason": post.hidden_reason,
                "can": can,
                "poll": poll,
            }
        )


class PostPage(Schema):
    items: list[PostOut]
    next: str | None


class CommentOut(Schema):
    id: int
    post: int
    parent: int | None
    author: AuthorOut | None = Field(description="null for an anonymous asker's own comments.")
    author_label: str
    by_asker: bool = Field(description="Written by the person who asked the question.")
    is_mine: bool
    body: str = Field(description="Markdown; empty for a removed comment.")
    body_html: str
    state: ContentState
    hidden_reason: str
    vote_count: int
    my_vote: bool
    reaction_count: int
    helped_count: int = Field(description='"This helped me" reactions.')
    my_reactions: list[ReactionKind] = Field(description="My reactions to it.")
    is_accepted: bool
    created_at: datetime
    edited_at: datetime | None
    replies: list[CommentOut] = Field(description="For a top-level comment: its replies.")

    @classmethod
    def build(
        cls, comment: SeenComment, *, accepted: int | None, my_votes: frozenset[int]
    ) -> CommentOut:
        removed = comment.is_removed
        return cls.model_validate(
            {
                "id": comment.pk,
                "post": comment.post_id,
                "parent": comment.parent_id,
                **_author_fields(comment.shown_author),
                "by_asker": comment.by_asker,
                "is_mine": comment.is_mine,
                "body": "" if removed else comment.body,
                "body_html": "" if removed else comment.body_html,
                "state": comment.state,
                "hidden_reason": comment.hidden_reason
                if comment.state == ContentState.HIDDEN
                else "",
                "vote_count": comment.vote_count,
                "my_vote": comment.pk in my_votes,
                "reaction_count": comment.reaction_count,
                "helped_count": comment.helped_count,
                "my_reactions": sorted(comment.my_reactions),
                "is_accepted": accepted is not None and comment.pk == accepted,
                "created_at": comment.created_at,
                "edited_at": comment.edited_at,
                "replies": [
                    cls.build(reply, accepted=accepted, my_votes=my_votes)
                    for reply in comment.visible_replies
                ],
            }
        )


class CommentPage(Schema):
    items: list[CommentOut]
    next: str | None


class VoteOut(Schema):
    comment: int
    vote_count: int
    my_vote: bool


class ReactionOut(Schema):
    kind: ReactionKind
    on: bool = Field(description="Whether my reaction of this kind is now there.")


class AskerOut(Schema):
    """Who asked an anonymous question: for organisation admins, after an audited reveal."""

    id: int
    display_name: str
    email: str
