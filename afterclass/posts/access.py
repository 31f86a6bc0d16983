"""Who may see or do what with posts and comments, and whose name an anonymous question shows.

The rules:
- A post is seen by whoever sees its space's content: active members and organisation admins.
- Hidden posts and comments are seen only by the space's moderators, organisation admins and
  their author (with the reason); removed ones stay in threads as "removed" placeholders.
- The thread of a discussion prompt waits, like its unit, for the unit's release: until then
  only the space's moderators and organisation admins see it.
- These seeing rules are written once, as `posts_visible_to` / `comments_visible_to` and their
  relative forms in posts.models, behind `Post.objects.visible_to(viewer)` and
  `Comment.objects.visible_to(viewer, post)`; every other app builds on those.
- Posting needs the space's rules accepted (spaces.access.check_can_participate), a kind the
  space's template allows, and for announcements a moderator.
- An anonymous question shows "a colleague" to everyone except: the asker themself, and, when
  the space is "anonymous to members", its moderators and owners. Organisation admins do not see
  the asker unless they reveal it with a written reason (an audited action): only they may
  reveal, and only an anonymous question (`can_reveal_asker`, `check_can_reveal_asker`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from afterclass.core.errors import InvalidInput, NotAllowed, NotFound
from afterclass.posts.models import Comment, ContentState, Post, PostKind

# The seeing rule above is one Q per object next to the models (posts.models), so that
# `Post.objects.visible_to` and `Comment.objects.visible_to` reach it without an import cycle.
from afterclass.posts.models import comments_visible_to as comments_visible_to
from afterclass.posts.models import posts_visible_to as posts_visible_to
from afterclass.posts.models import unreleased_prompt_posts as unreleased_prompt_posts
from afterclass.spaces.access import (
    check_can_participate,
    is_signed_in,
    my_place,
)
from afterclass.spaces.models import MODERATOR_ROLES as MODERATOR_ROLES
from afterclass.spaces.models import AnonymousQuestions, Membership, Space

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

POST_NOT_FOUND = "There is no such post, or you cannot see it."


def access_post(viewer: Person | AnonymousUser | None, post_id: int) -> Post:
    """Load a post the viewer may see, with its space and author; 404 otherwise."""
    post = (
        Post.objects.visible_to(viewer)
        .filter(pk=post_id)
        .select_related("space", "author", "accepted_answer")
        .first()
    )
    if post is None:
        raise NotFound(POST_NOT_FOUND)
    return post


def access_comment(viewer: Person | AnonymousUser | None, comment_id: int) -> Comment:
    comment = Comment.objects.select_related("post", "post__space", "author").filter(pk=comment_id)
    found = comment.first()
    if found is None:
        raise NotFound("There is no such comment, or you cannot see it.")
    post = access_post(viewer, found.post_id)
    if not Comment.objects.visible_to(viewer, post).filter(pk=found.pk).exists():
        raise NotFound("There is no such comment, or you cannot see it.")
    found.post = post
    return found


def can_moderate_space(viewer: Person | AnonymousUser | None, space: Space) -> bool:
    place = my_place(viewer, space)
    return place.is_org_admin or place.is_moderator


def moderated_space_ids(viewer: Person | AnonymousUser | None) -> set[int]:
    """The spaces where the viewer is an owner or moderator, in one query."""
    if not is_signed_in(viewer):
        return set()
    return set(
        Membership.objects.active_in(person=viewer, roles=MODERATOR_ROLES).values_list(
            "space_id", flat=True
        )
    )


# How every surface names the asker of an anonymous question to those who may not know them.
A_COLLEAGUE = "A colleague"


def author_shown_to(
    viewer: Person | AnonymousUser | None, post: Post, *, moderated: Iterable[int] = ()
) -> Person | None:
    """The author to show the viewer, or None for "a colleague" (see the module rules)."""
    if not post.is_anonymous:
        return post.author
    if is_signed_in(viewer) and viewer.pk == post.author_id:
        return post.author
    if post.space.anonymous_questions == AnonymousQuestions.MEMBERS and post.space_id in set(
        moderated
    ):
        return post.author
    return None


def check_can_post(viewer: Person, space: Space, kind: str, *, anonymous: bool) -> None:
    """Refuse a post the viewer may not make here, with the reason."""
    check_can_participate(viewer, space)
    if kind not in space.allowed_post_kinds:
        # Templates also list kinds that later issues build (polls): name only the ones we take.
        allowed = ", ".join(
            str(PostKind(k).label).lower() for k in space.allowed_post_kinds if k in PostKind
        )
        raise NotAllowed(f"This space takes these kinds of post: {allowed}.")
    if kind == PostKind.ANNOUNCEMENT and not can_moderate_space(viewer, space):
        raise NotAllowed("Only the space's moderators and owners can post announcements.")
    if anonymous and kind != PostKind.QUESTION:
        raise NotAllowed("Only questions can be asked anonymously.")
    if anonymous and space.anonymous_questions == AnonymousQuestions.OFF:
        raise NotAllowed("This space does not take anonymous questions.")


def check_can_comment(viewer: Person, post: Post) -> None:
    check_can_participate(viewer, post.space)
    if post.state != ContentState.VISIBLE:
        raise NotAllowed("This post cannot take new comments.")
    if post.is_locked and not can_moderate_space(viewer, post.space):
        raise NotAllowed("This thread is locked: no new comments.")


def check_can_edit(viewer: Person, author_id: int, state: str) -> None:
    if viewer.pk != author_id:
        raise NotAllowed("Only the author can edit this.")
    if state != ContentState.VISIBLE:
        raise NotAllowed("This can no longer be edited.")


def check_can_moderate_post(viewer: Person, post: Post) -> None:
    if not can_moderate_space(viewer, post.space):
        raise NotAllowed("Only the space's moderators can do this.")


def check_can_accept(viewer: Person, post: Post) -> None:
    """The asker (anonymous or not) or a moderator chooses the accepted answer."""
    if post.kind != PostKind.QUESTION:
        raise NotAllowed("Only a question has an accepted answer.")
    if viewer.pk != post.author_id and not can_moderate_space(viewer, post.space):
        raise NotAllowed("Only the person who asked, or a moderator, can accept an answer.")


class _MayBeAnonymous(Protocol):
    """A post as a model or as a viewer sees it (posts.presentation.SeenPost)."""

    @property
    def is_anonymous(self) -> bool: ...


def can_reveal_asker(post: _MayBeAnonymous, viewer: Person | AnonymousUser | None) -> bool:
    """Only organisation admins may reveal who asked, and only an anonymous question (the
    button on the post page, the API's `reveal_asker` permission, the reveal itself)."""
    return is_signed_in(viewer) and viewer.is_org_admin and post.is_anonymous


def check_can_reveal_asker(viewer: Person, post: _MayBeAnonymous) -> None:
    """`can_reveal_asker`, with the reason: 403 for anyone but an organisation admin (they may
    see the post), 400 for a question that is not anonymous."""
    if not can_reveal_asker(post, viewer):
        if not viewer.is_org_admin:
            raise NotAllowed("Only organisation admins can reveal who asked.")
        raise InvalidInput("This question is not anonymous.", field="post")


def check_can_acknowledge(viewer: Person, post: Post) -> None:
    """Saying "I have read this" is for active members of the space, on a visible announcement
    that asks for it."""
    if not post.asks_acknowledgement or post.kind != PostKind.ANNOUNCEMENT:
        raise InvalidInput("This post does not ask to be acknowledged.", field="post")
    if post.state != ContentState.VISIBLE:
        raise NotAllowed("This announcement can no longer be acknowledged.")
    if not my_place(viewer, post.space).is_active_member:
        raise NotAllowed("Only members of the space acknowledge its announcements.")


def can_see_acknowledgements(viewer: Person | AnonymousUser | None, post: Post) -> bool:
    """Who has and who has not read an announcement is for the space's owners and moderators
    (and organisation admins), never for its members. (For a post that does not ask, there
    is nobody to list.)"""
    return can_moderate_space(viewer, post.space)


def check_can_see_acknowledgements(viewer: Person, post: Post) -> None:
    if not can_see_acknowledgements(viewer, post):
        raise NotAllowed("Only the space's owners and moderators see who has read this.")
