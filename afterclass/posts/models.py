"""Posts of every kind, their comments and answers, votes, reactions and earlier versions.

Who may see a post or a comment is decided here once, as query vocabulary (`Post.objects
.visible_to(viewer)`, `Comment.objects.visible_to(viewer, post)`, and their relative forms
`.visible_to_recipient(OuterRef(...))` for many people at once): next to the models it reads,
so that the managers reach it without an import cycle. posts.access states the rule and builds
its loaders and checks on it; notifications, search, moderation, feeds and live build on it too.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from afterclass.learning.models import Activity
from afterclass.spaces.models import (
    MODERATOR_ROLES,
    Membership,
    is_signed_in,
    my_place,
    recipient_is,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person


class PostKind(models.TextChoices):
    DISCUSSION = "discussion", "Discussion"
    QUESTION = "question", "Question"
    UPDATE = "update", "Update"
    IMAGE = "image", "Image post"
    RESOURCE = "resource", "Resource"
    ANNOUNCEMENT = "announcement", "Announcement"
    POLL = "poll", "Poll"


class ContentState(models.TextChoices):
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden by a moderator"
    REMOVED_BY_AUTHOR = "removed_by_author", "Removed by the author"
    REMOVED_BY_MODERATOR = "removed_by_moderator", "Removed by a moderator"


REMOVED_STATES = (ContentState.REMOVED_BY_AUTHOR, ContentState.REMOVED_BY_MODERATOR)


class ReactionKind(models.TextChoices):
    LIKE = "like", "Like"
    HELPED = "helped", "This helped me"
    CELEBRATE = "celebrate", "Celebrate"
    INSIGHTFUL = "insightful", "Insightful"


def unreleased_prompt_posts() -> QuerySet[Any]:
    """The posts of discussion prompts whose unit is not released yet, which only the space's
    moderators and organisation admins see: a few ids, read once per query rather than looked
    up for each post (SQLite's statistics see mostly empty `post` columns on activities and
    would scan them for every post)."""
    return Activity.objects.filter(post__isnull=False, unit__release_at__gt=Now()).values("post")


def _readable_state(author: Any) -> Q:
    # Visible, or removed (a placeholder whose text nobody reads), or the viewer's own.
    return Q(state=ContentState.VISIBLE) | Q(state__in=REMOVED_STATES) | Q(author=author)


def posts_visible_to(viewer: Person | AnonymousUser | None) -> Q:
    """Posts the viewer may see, as one Q on Post (the rule of posts.access): organisation
    admins see every post; active members of its space see it when it is visible, removed or
    their own, and not the prompt of a unit not yet released; its moderators see all of it."""
    if not is_signed_in(viewer):
        return Q(pk__in=[])
    if viewer.is_org_admin:
        return Q()
    member = Exists(Membership.objects.active_in(OuterRef("space"), viewer))
    moderator = Exists(
        Membership.objects.active_in(OuterRef("space"), viewer, roles=MODERATOR_ROLES)
    )
    shown = _readable_state(viewer) & ~Q(pk__in=unreleased_prompt_posts())
    return Q(member) & (shown | Q(moderator))


def posts_visible_to_recipient(recipient: Any) -> Q:
    """The same rule as `posts_visible_to`, for the person `recipient` names in an outer query
    (e.g. `OuterRef("recipient")` from a query on notifications): many people at once."""
    person = OuterRef(recipient)
    member = Exists(Membership.objects.active_in(OuterRef("space"), person))
    moderator = Exists(
        Membership.objects.active_in(OuterRef("space"), person, roles=MODERATOR_ROLES)
    )
    shown = _readable_state(recipient) & ~Q(pk__in=unreleased_prompt_posts())
    return Q(recipient_is(recipient, is_org_admin=True)) | (
        Q(recipient_is(recipient)) & Q(member) & (shown | Q(moderator))
    )


def comments_visible_to(viewer: Person | AnonymousUser | None, post: Post | None = None) -> Q:
    """Comments the viewer may see, as one Q on Comment: those of posts they may see
    (`posts_visible_to`) that are visible, removed (a placeholder) or their own; all of them
    for the space's moderators and organisation admins. Given the post (already checked), only
    the comment's own state is filtered, and the viewer's role read from the post's space."""
    if not is_signed_in(viewer):
        return Q(pk__in=[])
    if post is not None:
        if viewer.is_org_admin or my_place(viewer, post.space).is_moderator:
            return Q()
        return _readable_state(viewer)
    if viewer.is_org_admin:
        return Q()
    post_seen = Exists(Post.objects.filter(posts_visible_to(viewer), pk=OuterRef("post")))
    moderator = Exists(
        Membership.objects.active_in(OuterRef("post__space"), viewer, roles=MODERATOR_ROLES)
    )
    return Q(post_seen) & (_readable_state(viewer) | Q(moderator))


def comments_visible_on(
    viewer: Person | AnonymousUser | None, posts: Sequence[Post], moderated: Collection[int]
) -> Q:
    """`comments_visible_to` for the comments of posts already checked (a feed's page, built on
    `posts_visible_to`): as for one given post, only the comment's own state is filtered, the
    viewer's role read from `moderated` (the ids of the spaces they moderate). No join to the
    posts: a feed's cards ask for their comments without reading the posts table again."""
    if not is_signed_in(viewer):
        return Q(pk__in=[])
    ids = [post.pk for post in posts]
    if viewer.is_org_admin:
        return Q(post_id__in=ids)
    theirs = [post.pk for post in posts if post.space_id in moderated]
    return Q(post_id__in=ids) & (_readable_state(viewer) | Q(post_id__in=theirs))


def comments_visible_to_recipient(recipient: Any) -> Q:
    """The same rule as `comments_visible_to`, for the person `recipient` names in an outer
    query (e.g. `OuterRef("recipient")`)."""
    post_seen = Exists(
        Post.objects.filter(posts_visible_to_recipient(OuterRef(recipient)), pk=OuterRef("post"))
    )
    moderator = Exists(
        Membership.objects.active_in(
            OuterRef("post__space"), OuterRef(recipient), roles=MODERATOR_ROLES
        )
    )
    admin = recipient_is(recipient, is_org_admin=True)
    return Q(post_seen) & (_readable_state(recipient) | Q(moderator) | Q(admin))


class PostQuerySet(models.QuerySet["Post"]):
    def visible_to(self, viewer: Person | AnonymousUser | None) -> PostQuerySet:
        """Posts the viewer may see (`posts_visible_to`)."""
        return self.filter(posts_visible_to(viewer))

    def visible_to_recipient(self, recipient: Any) -> PostQuerySet:
        """Posts the person named by `recipient` (an OuterRef) may see: inside `Exists(...)`
        of queries across many people (the mailer, the digest)."""
        return self.filter(posts_visible_to_recipient(recipient))

    def for_list(self) -> PostQuerySet:
        # The poll (a reverse one-to-one, None for other kinds) for the "Poll · N votes" line.
        return self.select_related("space", "author", "author__department", "author__level", "poll")


class Post(models.Model):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="posts")
    # Always stored, even for an anonymous question: it is kept for abuse handling only and
    # never leaves the server unless the viewer may see it (see posts.access.author_shown_to).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    is_anonymous = models.BooleanField(default=False)
    kind = models.CharField(max_length=16, choices=PostKind.choices)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000, blank=True)
    body_html = models.TextField(blank=True)
    link_url = models.URLField(max_length=1000, blank=True)
    state = models.CharField(
        max_length=24, choices=ContentState.choices, default=ContentState.VISIBLE
    )
    hidden_reason = models.CharField(max_length=300, blank=True)
    is_pinned = models.BooleanField(default=False)
    is_locked = models.BooleanField(default=False)
    # An announcement that asks its readers to say "I have read this" (posts.follow).
    asks_acknowledgement = models.BooleanField(default=False)
    accepted_answer = models.ForeignKey(
        "posts.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment_count = models.PositiveIntegerField(default=0)
    answer_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    helped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["space", "state", "-is_pinned", "-created_at", "-id"]),
            models.Index(fields=["space", "kind", "state", "-created_at", "-id"]),
            # Each space's newest first, for feeds across spaces (posts.queries._across_spaces).
            models.Index(fields=["space", "state", "-created_at", "-id"]),
            # A space's recent activity, for its unread count (spaces.queries.unread_posts).
            models.Index(fields=["space", "state", "last_activity_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(kind="question"),
                name="post_only_questions_are_anonymous",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.body[:60]

    @property
    def is_removed(self) -> bool:
        return self.state in REMOVED_STATES

    @property
    def is_answered(self) -> bool:
        return self.kind == PostKind.QUESTION and self.answer_count > 0


class CommentQuerySet(models.QuerySet["Comment"]):
    def visible_to(
        self, viewer: Person | AnonymousUser | None, post: Post | None = None
    ) -> CommentQuerySet:
        """Comments the viewer may see (`comments_visible_to`); of `post` when given."""
        rows = self.filter(comments_visible_to(viewer, post))
        return rows if post is None else rows.filter(post=post)

    def visible_on(
        self,
        viewer: Person | AnonymousUser | None,
        posts: Sequence[Post],
        moderated: Collection[int],
    ) -> CommentQuerySet:
        """Comments of these already-checked posts the viewer may see (`comments_visible_on`)."""
        return self.filter(comments_visible_on(viewer, posts, moderated))

    def visible_to_recipient(self, recipient: Any) -> CommentQuerySet:
        """Comments the person named by `recipient` (an OuterRef) may see."""
        return self.filter(comments_visible_to_recipient(recipient))


class Comment(models.Model):
    """A comment on a post, or a reply to one (one level). On a question, top-level comments
    are its answers."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    body = models.TextField(max_length=10000)
    body_html = models.TextField(blank=True)
    state = models.CharField(
        max_length=24, choices=ContentState.choices, default=ContentState.VISIBLE
    )
    hidden_reason = models.CharField(max_length=300, blank=True)
    vote_count = models.IntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    helped_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["post", "parent", "-vote_count", "created_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def is_removed(self) -> bool:
        return self.state in REMOVED_STATES


class Vote(models.Model):
    """One up-vote of one person on one answer."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["comment", "person"], name="vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} +1 {self.comment_id}"


class Reaction(models.Model):
    """A reaction of one kind by one person on a post or a comment."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="reaction_on_post_or_comment",
            ),
            models.UniqueConstraint(
                fields=["post", "person", "kind"],
                condition=Q(post__isnull=False),
                name="reaction_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "person", "kind"],
                condition=Q(comment__isnull=False),
                name="reaction_once_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}"


class Revision(models.Model):
    """An earlier version of a post or comment, kept when its author edits it (moderators see)."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of {self.post_id or self.comment_id}"


class Hashtag(models.Model):
    """A #hashtag, stored lowercase; a page lists the posts that carry it."""

    name = models.CharField(max_length=50, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"#{self.name}"


class PostHashtag(models.Model):
    """A hashtag written in a post (its title or body); replaced when the post is edited."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="post_hashtags")
    tag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="post_hashtags")

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tag", "post"], name="post_hashtag_once"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} #{self.tag_id}"


class Mention(models.Model):
    """An @mention, in a post or a comment, of a person who can see its space. Mentions of
    anyone else are left as plain text and never recorded."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False) & Q(comment__isnull=True))
                | (Q(post__isnull=True) & Q(comment__isnull=False)),
                name="mention_in_post_or_comment",
            ),
            models.UniqueConstraint(
                fields=["post", "person"],
                condition=Q(post__isnull=False),
                name="mention_once_per_post",
            ),
            models.UniqueConstraint(
                fields=["comment", "person"],
                condition=Q(comment__isnull=False),
                name="mention_once_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.person_id} in {self.post_id or self.comment_id}"


class ReadMark(models.Model):
    """How far one member has read one post: its comment count and last activity when they last
    opened it. A post is unread when it has had activity since (or was never opened)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_marks"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="read_marks")
    seen_comment_count = models.PositiveIntegerField(default=0)
    seen_activity_at = models.DateTimeField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "post"], name="read_mark_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} read {self.post_id}"


class SavedPost(models.Model):
    """A post one person saved for later; the Saved feed lists them, newest saved first."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_posts"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="saves")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "post"], name="saved_post_once"),
        ]
        indexes: ClassVar = [
            # The Saved feed: one person's saves, newest first (posts.feeds_more.saved_feed).
            models.Index(fields=["person", "-created_at", "-id"], name="saved_post_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} saved {self.post_id}"


class ThreadState(models.TextChoices):
    """How much one person hears about one thread. Without a row, a post's author follows it
    and everyone else does not (the rule of posts.notices before threads could be followed)."""

    FOLLOWING = "following", "Following"
    NOT_FOLLOWING = "not_following", "Not following"
    MUTED = "muted", "Muted"


class ThreadFollow(models.Model):
    """One person's choice for one thread: follow it (told of every new comment), stop following
    it, or mute it (told of nothing about it but mentions of them)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_follows"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="follows")
    state = models.CharField(max_length=16, choices=ThreadState.choices)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "post"], name="thread_follow_once"),
        ]
        indexes: ClassVar = [
            # The Following feed: one person's followed threads.
            models.Index(fields=["person", "state", "post"], name="thread_follow_person"),
            # A new comment's followers, and the fan-out's muted check, per thread.
            models.Index(fields=["post", "state", "person"], name="thread_follow_post"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.state} {self.post_id}"


class Acknowledgement(models.Model):
    """A member's "I have read this" on an announcement that asks for it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="acknowledgements")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["post", "person"], name="acknowledge_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} read {self.post_id}"


class Draft(models.Model):
    """A long post one person is writing in the composer, kept on the server (posts.drafts) so
    that it survives a lost browser and can be continued on another device: one per person,
    space and kind, as the browser keeps its own. Seen by its author alone."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="post_drafts"
    )
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=PostKind.choices)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000, blank=True)
    link_url = models.CharField(max_length=1000, blank=True)
    options = models.TextField(max_length=2000, blank=True)  # a poll's options, one a line
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            # Also the index of a person's drafts: a handful each (posts.drafts.MAX_DRAFTS).
            models.UniqueConstraint(fields=["person", "space", "kind"], name="draft_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}'s {self.kind} draft in {self.space_id}"
