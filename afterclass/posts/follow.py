"""Saving a post for later, following or muting a thread, and acknowledging an announcement:
one person's choices about one post, each an idempotent write (a double click writes once).

The post is one the actor may see: views and the API load it with `access_post` (404 otherwise).
These are personal choices, like reactions and a space's notification level, so they write no
audit entry; an acknowledgement is its own record (who, when)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from afterclass.posts.access import check_can_acknowledge
from afterclass.posts.models import Acknowledgement, Post, SavedPost, ThreadFollow, ThreadState

if TYPE_CHECKING:
    from afterclass.people.models import Person


def do_save(post: Post, *, actor: Person) -> bool:
    """Save the post for the actor (once, however often asked). Returns True: it is saved."""
    SavedPost.objects.bulk_create([SavedPost(person=actor, post=post)], ignore_conflicts=True)
    return True


def do_unsave(post: Post, *, actor: Person) -> bool:
    """Take the post off the actor's saved posts. Returns False: it is not saved."""
    SavedPost.objects.filter(person=actor, post=post).delete()
    return False


def _set_state(post: Post, state: str, *, actor: Person) -> None:
    # One upsert: two requests at once leave one row, with the last choice.
    ThreadFollow.objects.bulk_create(
        [ThreadFollow(person=actor, post=post, state=state, updated_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["person", "post"],
        update_fields=["state", "updated_at"],
    )


def do_follow(post: Post, *, actor: Person) -> str:
    """Follow the thread: the actor is told of each new comment (and no longer muted)."""
    _set_state(post, ThreadState.FOLLOWING, actor=actor)
    return ThreadState.FOLLOWING


def do_unfollow(post: Post, *, actor: Person) -> str:
    """Stop following: told only of replies to one's own comments and of mentions. The author
    follows without a row, so their choice is kept as a row; anyone else's row goes."""
    if post.author_id == actor.pk:
        _set_state(post, ThreadState.NOT_FOLLOWING, actor=actor)
    else:
        ThreadFollow.objects.filter(person=actor, post=post).delete()
    return ThreadState.NOT_FOLLOWING


def do_mute(post: Post, *, actor: Person) -> str:
    """Mute the thread: nothing about it reaches the actor but mentions of them (the fan-out,
    notifications.rules.THREAD_MUTE_KEEPS)."""
    _set_state(post, ThreadState.MUTED, actor=actor)
    return ThreadState.MUTED


def do_unmute(post: Post, *, actor: Person) -> str:
    """Back to what the thread does by default: its author follows it, others do not."""
    with transaction.atomic():
        ThreadFollow.objects.filter(person=actor, post=post, state=ThreadState.MUTED).delete()
    return thread_state(post, actor)


def thread_state(post: Post, person: Person) -> str:
    """The person's state for the thread, the author's default applied (one query)."""
    chosen = (
        ThreadFollow.objects.filter(person=person, post=post)
        .values_list("state", flat=True)
        .first()
    )
    if chosen is not None:
        return chosen
    return ThreadState.FOLLOWING if post.author_id == person.pk else ThreadState.NOT_FOLLOWING


def do_acknowledge(post: Post, *, actor: Person) -> bool:
    """Say "I have read this" on an announcement that asks for it (once)."""
    check_can_acknowledge(actor, post)
    Acknowledgement.objects.bulk_create(
        [Acknowledgement(person=actor, post=post)], ignore_conflicts=True
    )
    return True
