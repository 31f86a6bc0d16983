"""Every change to posts, comments, votes and reactions. Pages, API and commands call these."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from afterclass.attachments.attach import FileChange, apply_files
from afterclass.audit.log import record_audit
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.core.indexing import (
    reindex_comment_on_commit,
    reindex_post_document_on_commit,
    reindex_post_on_commit,
)
from afterclass.core.validation import clean_choice, clean_text
from afterclass.insights.events import record_event
from afterclass.insights.models import EventKind
from afterclass.live.events import publish_comment_created, publish_post_created
from afterclass.posts.access import (
    can_moderate_space,
    check_can_accept,
    check_can_comment,
    check_can_edit,
    check_can_moderate_post,
    check_can_post,
    check_can_reveal_asker,
)
from afterclass.posts.files import check_post_files
from afterclass.posts.hashtags import parse_hashtags, save_post_hashtags
from afterclass.posts.mentions import render_text, save_mentions
from afterclass.posts.models import (
    Comment,
    ContentState,
    Post,
    PostKind,
    Reaction,
    ReactionKind,
    ReadMark,
    Revision,
    Vote,
)
from afterclass.posts.notices import (
    tell_about_comment,
    tell_about_comment_edit,
    tell_about_edit,
    tell_about_post,
    tell_accepted,
    tell_asker_revealed,
)
from afterclass.spaces.access import check_can_participate, my_place

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.spaces.models import Space

UPDATE_LENGTH = 280
TITLED_KINDS = {
    PostKind.DISCUSSION,
    PostKind.QUESTION,
    PostKind.RESOURCE,
    PostKind.ANNOUNCEMENT,
    PostKind.POLL,
}


def _clean_post(
    kind: str, title: str, body: str, link_url: str, *, has_file: bool = False
) -> tuple[str, str, str]:
    title = clean_text(title, "title", max_length=200, required=kind in TITLED_KINDS)
    if kind == PostKind.UPDATE:
        if title:
            raise InvalidInput("An update has no title: just the text.", field="title")
        body = clean_text(body, "text", max_length=UPDATE_LENGTH, required=True)
    else:
        body = clean_text(body, "text", max_length=20000, required=kind == PostKind.DISCUSSION)
    link_url = clean_text(link_url, "link", max_length=1000, required=False)
    if link_url:
        try:
            URLValidator(schemes=["http", "https"])(link_url)
        except ValidationError as error:
            raise InvalidInput(
                "The link must be a full web address starting with https://.", field="link_url"
            ) from error
    elif kind == PostKind.RESOURCE and not has_file:
        raise InvalidInput("A resource needs a link or a file.", field="link_url")
    return title, body, link_url


def do_create_post(
    space: Space,
    *,
    actor: Person,
    kind: str,
    title: str = "",
    body: str = "",
    link_url: str = "",
    anonymous: bool = False,
    attachments: Sequence[int] = (),
    alt_texts: Sequence[str] = (),
    attach_poll: Callable[[Post], None] | None = None,
    asks_acknowledgement: bool = False,
) -> Post:
    """Post in a space. Announcements are pinned and may ask to be acknowledged ("I have read
    this", posts.follow); an anonymous question hides its asker.
    `attachments` are the actor's own unattached uploads: 1-10 pictures with alt texts for an
    image post, or one file for a resource (instead of a link). A poll comes with
    `attach_poll`, which writes its options in the post's transaction (polls.actions)."""
    kind = clean_choice(kind, PostKind, "kind")
    if kind == PostKind.POLL and attach_poll is None:
        raise InvalidInput("A poll needs its options.", field="options")
    check_can_post(actor, space, kind, anonymous=anonymous)
    files = check_post_files(actor, kind, attachments, alt_texts)
    title, body, link_url = _clean_post(kind, title, body, link_url, has_file=bool(files.files))
    rendered = render_text(body, space)
    with transaction.atomic():
        post = Post.objects.create(
            space=space,
            author=actor,
            is_anonymous=anonymous,
            kind=kind,
            title=title,
            body=body,
            body_html=rendered.html,
            link_url=link_url,
            is_pinned=kind == PostKind.ANNOUNCEMENT,
            asks_acknowledgement=asks_acknowledgement and kind == PostKind.ANNOUNCEMENT,
        )
        if attach_poll is not None:
            attach_poll(post)
        apply_files(files, "post", post, actor=actor)
        save_post_hashtags(post, [*parse_hashtags(title), *rendered.hashtags], new=True)
        mentioned = save_mentions(rendered.mentioned, post=post, new=True)
        _mark_read(post, actor)  # your own post is not news to you
        tell_about_post(post, actor=actor, mentioned=mentioned)
        record_event(
            EventKind.POSTED, person=actor, space=space, detail=kind, anonymous=post.is_anonymous
        )
        # The audit entry of an anonymous question must not name the asker to those who read
        # the log for other reasons: only the post is named; the author is on the post.
        record_audit(
            "post.create", post, actor=None if anonymous else actor, space_id=space.pk, kind=kind
        )
        transaction.on_commit(lambda: publish_post_created(post))
    reindex_post_on_commit(post.pk)
    return post


def do_edit_post(
    post: Post, *, actor: Person, title: str | None = None, body: str | None = None,
    link_url: str | None = None, files: Sequence[tuple[int, str]] | None = None,
) -> Post:  # fmt: skip
    """The author edits a post: the fields given, and with `files` its files, in one
    transaction; the previous text is kept for moderators. `files` is the whole new list, in
    order, of (attachment id, alt text): files the post has now and the author's own uploads not
    attached yet; the post's files left out are deleted (see posts.files for the rules of each
    kind). None leaves the files as they are. Nothing is written unless all is valid."""
    check_can_edit(actor, post.author_id, post.state)
    check_can_participate(actor, post.space)
    wanted_link = post.link_url if link_url is None else link_url
    change = None
    if files is not None:
        # Files first: a resource may swap its link for a file in the same edit.
        change = check_post_files(
            actor, post.kind, [int(pk) for pk, _text in files], [text for _pk, text in files],
            post=post, link_url=wanted_link,
        )  # fmt: skip
    text = _clean_post(
        post.kind,
        post.title if title is None else title,
        post.body if body is None else body,
        wanted_link,
        has_file=_keeps_a_file(post, wanted_link, change),
    )
    text_changed = text != (post.title, post.body, post.link_url)
    files_changed = change is not None and change.changed
    if not text_changed and not files_changed:
        return post
    with transaction.atomic():
        if change is not None and files_changed:
            _edit_files(post, change, actor=actor, touch=not text_changed)
        if text_changed:
            _edit_text(post, *text, actor=actor)
    reindex_post_on_commit(post.pk)
    return post


def _keeps_a_file(post: Post, link_url: str, change: FileChange | None) -> bool:
    """Whether a resource has a file after the edit (asked only when it drops its link)."""
    if post.kind != PostKind.RESOURCE or link_url.strip():
        return False
    return bool(change.files) if change is not None else post.attachments.exists()


def _edit_files(post: Post, change: FileChange, *, actor: Person, touch: bool) -> None:
    """Inside the edit's transaction: the post's new files; `touch` marks the post edited (when
    its text, which does so too, is not changed)."""
    apply_files(change, "post", post, actor=actor)
    if touch:
        post.edited_at = timezone.now()
        Post.objects.filter(pk=post.pk).update(edited_at=post.edited_at)
    # As for the post itself: an anonymous question's files do not name their author.
    record_audit(
        "post.attachments.edit", post, actor=None if post.is_anonymous else actor,
        space_id=post.space_id, added=sorted(a.pk for a in change.added),
        removed=[a.pk for a in change.removed],
    )  # fmt: skip


def _edit_text(post: Post, title: str, body: str, link_url: str, *, actor: Person) -> None:
    """Inside the edit's transaction: the new text, the previous one kept as a revision."""
    Revision.objects.create(post=post, title=post.title, body=post.body)
    post.title, post.body, post.link_url = title, body, link_url
    rendered = render_text(body, post.space)
    post.body_html = rendered.html
    save_post_hashtags(post, [*parse_hashtags(title), *rendered.hashtags])
    mentioned = save_mentions(rendered.mentioned, post=post)
    tell_about_edit(post, actor=actor, mentioned=mentioned)
    post.edited_at = timezone.now()
    post.save(update_fields=["title", "body", "body_html", "link_url", "edited_at"])


def do_remove_post(post: Post, *, actor: Person) -> Post:
    """Remove a post: its author, or a moderator. The thread stays readable."""
    if post.is_removed:
        raise Conflict("This post has already been removed.")
    by_author = actor.pk == post.author_id
    if not by_author:
        check_can_moderate_post(actor, post)
    with transaction.atomic():
        post.state = (
            ContentState.REMOVED_BY_AUTHOR if by_author else ContentState.REMOVED_BY_MODERATOR
        )
        post.is_pinned = False
        post.save(update_fields=["state", "is_pinned"])
        record_audit(
            "post.remove", post, actor=None if by_author and post.is_anonymous else actor,
            space_id=post.space_id,
        )  # fmt: skip
    reindex_post_on_commit(post.pk)
    return post


def do_hide_post(post: Post, *, actor: Person, reason: str) -> Post:
    """A moderator hides a post with a reason that its author is shown."""
    check_can_moderate_post(actor, post)
    reason = clean_text(reason, "reason", max_length=300, required=True)
    if post.state != ContentState.VISIBLE:
        raise Conflict("Only a visible post can be hidden.")
    with transaction.atomic():
        post.state, post.hidden_reason = ContentState.HIDDEN, reason
        post.save(update_fields=["state", "hidden_reason"])
        record_audit("post.hide", post, actor=actor, space_id=post.space_id, reason=reason)
    reindex_post_on_commit(post.pk)
    return post


def do_restore_post(post: Post, *, actor: Person) -> Post:
    check_can_moderate_post(actor, post)
    if post.state == ContentState.VISIBLE:
        raise Conflict("This post is already visible.")
    if post.state == ContentState.REMOVED_BY_AUTHOR:
        # The author took it back: publishing it again is theirs to decide, not a moderator's.
        raise Conflict("The author removed this post; it cannot be restored.")
    with transaction.atomic():
        post.state, post.hidden_reason = ContentState.VISIBLE, ""
        post.save(update_fields=["state", "hidden_reason"])
        record_audit("post.restore", post, actor=actor, space_id=post.space_id)
    reindex_post_on_commit(post.pk)
    return post


def _set_switch(post: Post, field: str, on: bool, *, actor: Person) -> Post:
    """Turn a moderator's on/off switch of a post (pinned, locked); the same state is a no-op."""
    check_can_moderate_post(actor, post)
    if getattr(post, field) == on:
        return post
    with transaction.atomic():
        setattr(post, field, on)
        post.save(update_fields=[field])
        action = {"is_pinned": ("pin", "unpin"), "is_locked": ("lock", "unlock")}[field]
        record_audit(f"post.{action[0] if on else action[1]}", post, actor=actor,
                     space_id=post.space_id)  # fmt: skip
    return post


def do_set_pinned(post: Post, pinned: bool, *, actor: Person) -> Post:
    """Pin a post to the top of its space's feed, or unpin it (moderators)."""
    return _set_switch(post, "is_pinned", pinned, actor=actor)


def do_set_locked(post: Post, locked: bool, *, actor: Person) -> Post:
    """Lock a thread against new comments, or open it again (moderators)."""
    return _set_switch(post, "is_locked", locked, actor=actor)


def do_comment(post: Post, *, actor: Person, body: str, parent: Comment | None = None) -> Comment:
    """Comment on a post, or reply to a top-level comment (one level). On a question a top-level
    comment is an answer."""
    check_can_comment(actor, post)
    text = clean_text(body, "comment", max_length=10000, required=True)
    if parent is not None:
        if parent.post_id != post.pk:
            raise InvalidInput("You can only reply to a comment of this post.", field="parent")
        if parent.parent_id is not None:
            parent = parent.parent  # replies stay one level deep: answer the thread
        if parent is not None and parent.state != ContentState.VISIBLE:
            raise NotAllowed("This comment cannot take replies.")
    is_answer = parent is None and post.kind == PostKind.QUESTION
    now = timezone.now()
    rendered = render_text(text, post.space)
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post, parent=parent, author=actor, body=text, body_html=rendered.html
        )
        mentioned = save_mentions(rendered.mentioned, comment=comment, new=True)
        Post.objects.filter(pk=post.pk).update(
            comment_count=F("comment_count") + 1,
            answer_count=F("answer_count") + (1 if is_answer else 0),
            last_activity_at=now,
        )
        post.comment_count += 1
        post.answer_count += 1 if is_answer else 0
        post.last_activity_at = now
        # Commenting, you are at the end of the thread: your own comment is not news to you.
        _mark_read(post, actor)
        record_event(
            EventKind.ANSWERED if is_answer else EventKind.COMMENTED,
            person=actor,
            space=post.space,
            anonymous=_is_anonymous_asker(post, actor),
            other_id=_known_author(post, parent),
        )
        tell_about_comment(comment, actor=actor, mentioned=mentioned)
        transaction.on_commit(lambda: publish_comment_created(comment))
    reindex_comment_on_commit(comment.pk)
    return comment


def _is_anonymous_asker(post: Post, person: Person) -> bool:
    """Whether `person` acts in the thread of their own anonymous question: such acts are
    recorded for insights without naming anyone."""
    return post.is_anonymous and post.author_id == person.pk


def _known_author(post: Post, comment: Comment | None) -> int | None:
    """Who an interaction is with, for the connection insights: the comment's author, or the
    post's; None when that is the anonymous asker (never attributed)."""
    if comment is not None:
        anonymous = post.is_anonymous and comment.author_id == post.author_id
        return None if anonymous else comment.author_id
    return None if post.is_anonymous else post.author_id


def _mark_read(post: Post, person: Person) -> None:
    """Write the person's read mark for the post as it is now, in one statement (an upsert)."""
    now = timezone.now()
    ReadMark.objects.bulk_create(
        [
            ReadMark(
                person=person,
                post=post,
                seen_comment_count=post.comment_count,
                seen_activity_at=post.last_activity_at,
                updated_at=now,
            )
        ],
        update_conflicts=True,
        unique_fields=["person", "post"],
        update_fields=["seen_comment_count", "seen_activity_at", "updated_at"],
    )


def do_mark_read(post: Post, *, actor: Person) -> bool:
    """The actor has read the post as it is now; returns whether a mark was written. Read state
    belongs to active members of the post's space: anyone else (an organisation admin looking in
    from outside) leaves none. One upsert; no query more when `post.space` carries the actor's
    membership (`with_membership_of`)."""
    if not my_place(actor, post.space).is_active_member:
        return False
    _mark_read(post, actor)
    return True


def do_edit_comment(comment: Comment, *, actor: Person, body: str) -> Comment:
    """The author edits a comment, as a post: while they may take part; the old text is kept."""
    check_can_edit(actor, comment.author_id, comment.state)
    check_can_participate(actor, comment.post.space)
    text = clean_text(body, "comment", max_length=10000, required=True)
    if text == comment.body:
        return comment
    with transaction.atomic():
        Revision.objects.create(comment=comment, body=comment.body)
        rendered = render_text(text, comment.post.space)
        comment.body, comment.body_html = text, rendered.html
        mentioned = save_mentions(rendered.mentioned, comment=comment)
        tell_about_comment_edit(comment, actor=actor, mentioned=mentioned)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
    reindex_comment_on_commit(comment.pk)
    return comment


def do_remove_comment(comment: Comment, *, actor: Person) -> Comment:
    if comment.is_removed:
        raise Conflict("This comment has already been removed.")
    post = comment.post
    by_author = actor.pk == comment.author_id
    if not by_author:
        check_can_moderate_post(actor, post)
    # An answer that was showing stops counting, so the question is unanswered again if it was
    # the only one ("waiting for an answer" and insights read answer_count).
    was_answer = (
        post.kind == PostKind.QUESTION
        and comment.parent_id is None
        and comment.state == ContentState.VISIBLE
    )
    with transaction.atomic():
        comment.state = (
            ContentState.REMOVED_BY_AUTHOR if by_author else ContentState.REMOVED_BY_MODERATOR
        )
        comment.save(update_fields=["state"])
        Post.objects.filter(pk=post.pk, accepted_answer=comment).update(accepted_answer=None)
        if was_answer:
            Post.objects.filter(pk=post.pk, answer_count__gt=0).update(
                answer_count=F("answer_count") - 1
            )
            post.answer_count = max(post.answer_count - 1, 0)
        if post.accepted_answer_id == comment.pk:
            post.accepted_answer = None
        # An anonymous asker removing their own comment in their question stays unnamed.
        anonymous = by_author and post.is_anonymous and comment.author_id == post.author_id
        record_audit(
            "comment.remove", comment, actor=None if anonymous else actor, space_id=post.space_id
        )
    reindex_comment_on_commit(comment.pk)
    return comment


def _counts_as_answer(comment: Comment) -> bool:
    return comment.post.kind == PostKind.QUESTION and comment.parent_id is None


def _change_answer_count(post: Post, change: int) -> None:
    Post.objects.filter(pk=post.pk, answer_count__gte=-change).update(
        answer_count=F("answer_count") + change
    )
    post.answer_count = max(post.answer_count + change, 0)


def do_hide_comment(comment: Comment, *, actor: Person, reason: str) -> Comment:
    """A moderator hides a comment with a reason that its author is shown. A hidden answer stops
    counting as an answer; if it was accepted it stays so (restoring brings it back as it was)."""
    post = comment.post
    check_can_moderate_post(actor, post)
    reason = clean_text(reason, "reason", max_length=300, required=True)
    if comment.state != ContentState.VISIBLE:
        raise Conflict("Only a visible comment can be hidden.")
    with transaction.atomic():
        comment.state, comment.hidden_reason = ContentState.HIDDEN, reason
        comment.save(update_fields=["state", "hidden_reason"])
        if _counts_as_answer(comment):
            _change_answer_count(post, -1)
        record_audit("comment.hide", comment, actor=actor, space_id=post.space_id, reason=reason)
    reindex_comment_on_commit(comment.pk)
    return comment


def do_restore_comment(comment: Comment, *, actor: Person) -> Comment:
    """A moderator shows a hidden (or moderator-removed) comment again; what its author removed
    stays removed."""
    post = comment.post
    check_can_moderate_post(actor, post)
    if comment.state == ContentState.VISIBLE:
        raise Conflict("This comment is already visible.")
    if comment.state == ContentState.REMOVED_BY_AUTHOR:
        # The author took it back: publishing it again is theirs to decide, not a moderator's.
        raise Conflict("The author removed this comment; it cannot be restored.")
    with transaction.atomic():
        comment.state, comment.hidden_reason = ContentState.VISIBLE, ""
        comment.save(update_fields=["state", "hidden_reason"])
        if _counts_as_answer(comment):
            _change_answer_count(post, 1)
        record_audit("comment.restore", comment, actor=actor, space_id=post.space_id)
    reindex_comment_on_commit(comment.pk)
    return comment


def _check_is_answer(comment: Comment) -> None:
    if comment.post.kind != PostKind.QUESTION or comment.parent_id is not None:
        raise InvalidInput(
            "Only answers to a question can be voted on or accepted.", field="comment"
        )
    if comment.state != ContentState.VISIBLE:
        raise Conflict("This answer is no longer visible.")


def do_vote(comment: Comment, *, actor: Person, up: bool = True) -> Comment:
    """Vote an answer up (once per person) or take the vote back. Not on your own answer."""
    check_can_participate(actor, comment.post.space)
    _check_is_answer(comment)
    if comment.author_id == actor.pk:
        raise NotAllowed("You cannot vote on your own answer.")
    with transaction.atomic():
        if up:
            try:
                with transaction.atomic():
                    Vote.objects.create(comment=comment, person=actor)
            except IntegrityError:
                return comment  # already voted: voting twice changes nothing
            change = 1
            record_event(
                EventKind.VOTED,
                person=actor,
                space=comment.post.space,
                anonymous=_is_anonymous_asker(comment.post, actor),
                other_id=_known_author(comment.post, comment),
            )
        else:
            deleted, _ = Vote.objects.filter(comment=comment, person=actor).delete()
            if not deleted:
                return comment
            change = -1
        Comment.objects.filter(pk=comment.pk).update(vote_count=F("vote_count") + change)
        comment.vote_count += change
    return comment


def do_accept_answer(post: Post, answer: Comment | None, *, actor: Person) -> Post:
    """The asker or a moderator marks one answer as accepted (None takes it back)."""
    check_can_accept(actor, post)
    if actor.pk == post.author_id:
        check_can_participate(actor, post.space)
    if answer is not None:
        if answer.post_id != post.pk:
            raise InvalidInput("That answer belongs to another question.", field="answer")
        answer.post = post
        _check_is_answer(answer)
    if post.accepted_answer_id == (answer.pk if answer is not None else None):
        return post  # already so: no second event or audit entry
    with transaction.atomic():
        post.accepted_answer = answer
        post.save(update_fields=["accepted_answer"])
        if answer is not None:
            record_event(
                EventKind.ACCEPTED,
                person=actor,
                space=post.space,
                anonymous=_is_anonymous_asker(post, actor),
            )
            tell_accepted(post, answer, actor=actor)
        if can_moderate_space(actor, post.space) and actor.pk != post.author_id:
            record_audit("post.accept", post, actor=actor, space_id=post.space_id)
    reindex_post_on_commit(post.pk)
    return post


def do_react(
    *, actor: Person, kind: str, post: Post | None = None, comment: Comment | None = None,
    on: bool = True,
) -> bool:  # fmt: skip
    """Add (on=True) or take back a reaction on a post or a comment; returns whether it is on."""
    kind = clean_choice(kind, ReactionKind, "kind")
    target_post = post if post is not None else (comment.post if comment is not None else None)
    if target_post is None or (post is not None and comment is not None):
        raise InvalidInput("React to one post or one comment.", field="target")
    check_can_participate(actor, target_post.space)
    state = comment.state if comment is not None else target_post.state
    if state != ContentState.VISIBLE:
        raise Conflict("This can no longer take reactions.")
    helped = 1 if kind == ReactionKind.HELPED else 0
    with transaction.atomic():
        if on:
            try:
                with transaction.atomic():
                    Reaction.objects.create(post=post, comment=comment, person=actor, kind=kind)
            except IntegrityError:
                return True
            change = 1
            record_event(
                EventKind.REACTED,
                person=actor,
                space=target_post.space,
                detail=kind,
                anonymous=_is_anonymous_asker(target_post, actor),
                other_id=_known_author(target_post, comment),
            )
        else:
            deleted, _ = Reaction.objects.filter(
                post=post, comment=comment, person=actor, kind=kind
            ).delete()
            if not deleted:
                return False
            change = -1
        counters = {
            "reaction_count": F("reaction_count") + change,
            "helped_count": F("helped_count") + change * helped,
        }
        if comment is not None:
            Comment.objects.filter(pk=comment.pk).update(**counters)
        else:
            Post.objects.filter(pk=target_post.pk).update(**counters)
    # "This helped me" raises a result in search: the document carries the counts.
    if comment is not None:
        reindex_comment_on_commit(comment.pk)
    else:
        reindex_post_document_on_commit(target_post.pk)
    return on


def do_reveal_asker(post: Post, *, actor: Person, reason: str) -> Person:
    """An organisation admin reveals who asked an anonymous question, for abuse handling. The
    written reason is audited; the asker is told."""
    check_can_reveal_asker(actor, post)
    reason = clean_text(reason, "reason", max_length=500, required=True)
    if len(reason) < 10:
        raise InvalidInput(
            "Write the reason in a sentence (at least 10 characters).", field="reason"
        )
    with transaction.atomic():
        record_audit("post.reveal_asker", post, actor=actor, space_id=post.space_id, reason=reason)
        tell_asker_revealed(post, reason=reason)
    return post.author
