"""Posts of every kind, their comments and answers, votes, reactions and earlier versions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


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


class PostQuerySet(models.QuerySet["Post"]):
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
