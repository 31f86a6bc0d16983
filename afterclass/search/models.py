"""The search index: one row per findable thing, and the full-text entry each row is matched by.

`SearchDocument` holds what every backend shares: what the row stands for, where it lives (its
space, for the permission rule applied inside the query), the text shown in results, and the
signals ranking uses. `SearchEntry` is the backend's own full-text table (an FTS5 virtual table
on SQLite, a `tsvector` with a GIN index on PostgreSQL), made by the migration, keyed by the
document's id and never written through the ORM.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone


class Source(models.TextChoices):
    """What a document was made from. A new type is one more value here and one builder in
    `afterclass.search.index`."""

    POST = "post", "Post"
    COMMENT = "comment", "Comment"
    FILE = "file", "File"
    PERSON = "person", "Person"
    SPACE = "space", "Space"
    ACTIVITY = "activity", "Activity"


class Kind(models.TextChoices):
    """What a person filters by: the post kinds, answers and comments, files, people, spaces,
    learning activities."""

    DISCUSSION = "discussion", "Discussions"
    QUESTION = "question", "Questions"
    UPDATE = "update", "Updates"
    IMAGE = "image", "Image posts"
    RESOURCE = "resource", "Resources"
    ANNOUNCEMENT = "announcement", "Announcements"
    POLL = "poll", "Polls"
    ANSWER = "answer", "Answers"
    COMMENT = "comment", "Comments"
    FILE = "file", "Files"
    PERSON = "person", "People"
    SPACE = "space", "Spaces"
    ACTIVITY = "activity", "Learning activities"


# Kinds whose documents are a space's content: seen only by those who see the space's content.
CONTENT_SOURCES = (Source.POST, Source.COMMENT, Source.FILE)


class SearchDocument(models.Model):
    source = models.CharField(max_length=12, choices=Source.choices)
    object_id = models.BigIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The space the content lives in (for a space itself: that space); None for people.
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The post a comment or file belongs to, for links and the answered filter.
    post_id = models.BigIntegerField(null=True, blank=True)
    # None for an anonymous question: its asker is never stored in the index.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A learning activity's unit, and the moment it is released to learners: compared with the
    # time of each search (release needs no action), facilitators see it before.
    unit_id = models.BigIntegerField(null=True, blank=True)
    release_at = models.DateTimeField(null=True, blank=True)
    # A file of a learning session or activity (not of a post): what it links to and is kept
    # in step with. An activity's file also carries its unit and release time (see above).
    session_id = models.BigIntegerField(null=True, blank=True)
    activity_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    is_answered = models.BooleanField(default=False)
    is_accepted = models.BooleanField(default=False)
    helped_count = models.PositiveIntegerField(default=0)
    has_files = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    indexed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["source", "object_id"], name="search_document_once"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["space", "kind"], name="search_doc_space_kind"),
            models.Index(fields=["post_id"], name="search_doc_post"),
            models.Index(fields=["unit_id"], name="search_doc_unit"),
            models.Index(
                fields=["session_id"],
                name="search_doc_session",
                condition=models.Q(session_id__isnull=False),
            ),
            models.Index(
                fields=["activity_id"],
                name="search_doc_activity",
                condition=models.Q(activity_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id}"


class ReadOutcome(models.TextChoices):
    """How reading a file's text went (see `afterclass.search.extract`)."""

    READ = "read", "Read"
    CUT_OFF = "cut_off", "Cut off: over its time budget"
    TOO_LARGE = "too_large", "Not read: over its size budget"
    UNREADABLE = "unreadable", "Not read: broken or unsupported"
    NO_TEXT = "no_text", "A kind of file without text"


class FileText(models.Model):
    """The text read from a file once, within its budget, outside any transaction; the index
    takes it from here, so reindexing and `afterclass search rebuild` never read a file again.
    Keyed by the attachment's id without a foreign key: attachments are deleted in bulk by
    other apps, and a row left behind is dropped by the next reindex or rebuild."""

    attachment_id = models.BigIntegerField(primary_key=True)
    text = models.TextField(blank=True)
    outcome = models.CharField(max_length=12, choices=ReadOutcome.choices)
    read_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"text of attachment {self.attachment_id}: {self.outcome}"


class SearchEntry(models.Model):
    """The backend's full-text row of a document (see the module docstring)."""

    document = models.OneToOneField(
        SearchDocument,
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="entry",
    )

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return f"entry {self.pk}"
