"""What people are told about posts and comments, written once for every action that needs it.

The person shown as having done something is "A colleague" whenever pages would hide them (an
anonymous asker, in their question and in their own comments on it), and then no actor is
stored on the notification either."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q
from django.urls import reverse

from afterclass.notifications.actions import Audience, Notice, notify
from afterclass.notifications.models import NotificationKind
from afterclass.posts.access import A_COLLEAGUE
from afterclass.posts.models import Comment, Post, PostKind, ThreadFollow, ThreadState
from afterclass.posts.presentation import HEADLINE_LENGTH, headline

if TYPE_CHECKING:
    from afterclass.people.models import Person

K = NotificationKind


def _headline(post: Post) -> str:
    return headline(post, length=HEADLINE_LENGTH)


def _shown(person: Person, *, hidden: bool) -> tuple[str, int | None]:
    return (A_COLLEAGUE, None) if hidden else (person.display_name, person.pk)


def _post_url(post: Post, comment: Comment | None = None) -> str:
    url = reverse("post-detail", args=[post.pk])
    return f"{url}#comment-{comment.pk}" if comment is not None else url


def tell_about_post(post: Post, *, actor: Person, mentioned: Iterable[Person]) -> None:
    """A new post: see `post_notices`. Call inside the action's transaction."""
    for notice, people in post_notices(post, actor=actor, mentioned=mentioned):
        if people is None:
            notify(notice, audience=Audience.SPACE_MEMBERS)
        else:
            notify(notice, people)


def post_notices(
    post: Post, *, actor: Person, mentioned: Iterable[Person]
) -> list[tuple[Notice, set[int] | None]]:
    """Its mentions, then an announcement to every member (None: the space's members) or a
    new-post notice to those who follow all of the space's activity."""
    name, actor_id = _shown(actor, hidden=post.is_anonymous)
    headline = _headline(post)
    mention = f"{name} mentioned you in “{headline}”"
    if post.kind == PostKind.ANNOUNCEMENT:
        message = f"{name} announced in {post.space.name}: “{headline}”"
        kind = K.ANNOUNCEMENT
    else:
        what = "asked" if post.kind == PostKind.QUESTION else "posted"
        message = f"{name} {what} in {post.space.name}: “{headline}”"
        kind = K.NEW_POST
    return [
        (_post_notice(post, K.MENTION, mention, actor_id, actor), {p.pk for p in mentioned}),
        (_post_notice(post, kind, message, actor_id, actor), None),
    ]


def _post_notice(post: Post, kind: str, message: str, actor_id: int | None, by: Person) -> Notice:
    return Notice(
        kind, message, _post_url(post), space_id=post.space_id, post_id=post.pk,
        actor_id=actor_id, by_id=by.pk,
    )  # fmt: skip


def tell_about_edit(post: Post, *, actor: Person, mentioned: Iterable[Person]) -> None:
    """People newly mentioned by an edit are told; nobody else."""
    name, actor_id = _shown(actor, hidden=post.is_anonymous)
    mention = f"{name} mentioned you in “{_headline(post)}”"
    notify(_post_notice(post, K.MENTION, mention, actor_id, actor), {p.pk for p in mentioned})


def tell_about_comment(comment: Comment, *, actor: Person, mentioned: Iterable[Person]) -> None:
    """A new comment, answer or reply: see `comment_notices`."""
    for notice, people in comment_notices(comment, actor=actor, mentioned=mentioned):
        notify(notice, people)


def comment_notices(
    comment: Comment, *, actor: Person, mentioned: Iterable[Person]
) -> list[tuple[Notice, set[int]]]:
    """The post's author (unless they stopped following it), the author of the comment replied
    to, the people mentioned and the thread's followers each hear once about a new comment, in
    the most specific words."""
    post = comment.post
    hidden = post.is_anonymous and comment.author_id == post.author_id
    name, actor_id = _shown(actor, hidden=hidden)
    headline = _headline(post)
    told: dict[int, tuple[str, str]] = {}
    for person in mentioned:
        told[person.pk] = (K.MENTION, f"{name} mentioned you in a comment on “{headline}”")
    is_answer = comment.parent is None and post.kind == PostKind.QUESTION
    followers = _followers(post)
    if post.author_id in followers:
        if is_answer:
            told[post.author_id] = (K.ANSWER, f"{name} answered your question “{headline}”")
        else:
            told[post.author_id] = (K.REPLY, f"{name} commented on your post “{headline}”")
    if comment.parent is not None:
        told[comment.parent.author_id] = (
            K.REPLY,
            f"{name} replied to your comment on “{headline}”",
        )
    done = "answered" if is_answer else "commented on"
    for person_id in followers:
        told.setdefault(person_id, (K.REPLY, f"{name} {done} “{headline}”, which you follow"))
    told.pop(actor.pk, None)
    groups: dict[tuple[str, str], set[int]] = {}
    for person_id, words in told.items():
        groups.setdefault(words, set()).add(person_id)
    return [(_comment_notice(comment, kind, message, actor_id, actor), people)
            for (kind, message), people in groups.items()]  # fmt: skip


def _followers(post: Post) -> set[int]:
    """Who follows the thread (posts.follow): those who chose to, and its author unless they
    chose otherwise (the author has always been told of every comment). One query. A muted
    follower is left out here and by the fan-out (which keeps only their mentions)."""
    rows = ThreadFollow.objects.filter(post=post).filter(
        Q(state=ThreadState.FOLLOWING) | Q(person_id=post.author_id)
    )
    chosen = dict(rows.values_list("person_id", "state"))
    followers = {pk for pk, state in chosen.items() if state == ThreadState.FOLLOWING}
    if post.author_id not in chosen:
        followers.add(post.author_id)
    return followers


def _comment_notice(
    comment: Comment, kind: str, message: str, actor_id: int | None, by: Person
) -> Notice:
    post = comment.post
    return Notice(
        kind, message, _post_url(post, comment), space_id=post.space_id, post_id=post.pk,
        comment_id=comment.pk, actor_id=actor_id, by_id=by.pk,
    )  # fmt: skip


def tell_about_comment_edit(
    comment: Comment, *, actor: Person, mentioned: Iterable[Person]
) -> None:
    post = comment.post
    hidden = post.is_anonymous and comment.author_id == post.author_id
    name, actor_id = _shown(actor, hidden=hidden)
    message = f"{name} mentioned you in a comment on “{_headline(post)}”"
    notify(
        _comment_notice(comment, K.MENTION, message, actor_id, actor),
        {person.pk for person in mentioned},
    )


def tell_accepted(post: Post, answer: Comment, *, actor: Person) -> None:
    hidden = post.is_anonymous and actor.pk == post.author_id
    name, actor_id = _shown(actor, hidden=hidden)
    message = f"{name} accepted your answer to “{_headline(post)}”"
    notify(_comment_notice(answer, K.ACCEPTED, message, actor_id, actor), [answer.author_id])


def tell_asker_revealed(post: Post, *, reason: str) -> None:
    """The asker is told that an organisation admin looked behind their anonymity, and why, even
    when the question is hidden or they left the space. The admin is not named (the audit log
    names them to those who may read it)."""
    notify(
        Notice(
            K.ANONYMITY_REVEALED,
            f"An organisation admin saw that you asked “{_headline(post)}”. Reason: {reason}",
            _post_url(post), space_id=post.space_id, members_only=False,
        ),
        [post.author_id],
    )  # fmt: skip
