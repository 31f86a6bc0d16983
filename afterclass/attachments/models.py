"""Files and pictures uploaded by people, attached to one owner: a post (image posts, resources),
or in structured learning a session (its materials), an activity or a task's submission."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from afterclass.people.models import Person


class AttachmentKind(models.TextChoices):
    IMAGE = "image", "Picture"
    FILE = "file", "File"


def stored_name(instance: object, filename: str) -> str:
    """Where a file is kept: a random folder nobody can guess, then the cleaned name."""
    return f"attachments/{secrets.token_urlsafe(18)}/{filename}"


# The fields an upload can be attached through; an upload has at most one of them set.
OWNER_FIELDS = ("post", "session", "activity", "submission")
UNATTACHED = Q(
    post__isnull=True, session__isnull=True, activity__isnull=True, submission__isnull=True
)


def _at_most_one_owner() -> Q:
    condition = Q()
    for index, first in enumerate(OWNER_FIELDS):
        for second in OWNER_FIELDS[index + 1 :]:
            condition &= Q(**{f"{first}__isnull": True}) | Q(**{f"{second}__isnull": True})
    return condition


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def unattached(self) -> AttachmentQuerySet:
        """Uploads nothing has taken yet (no post, session, activity or submission)."""
        return self.filter(UNATTACHED)

    def unattached_of(self, person: Person) -> AttachmentQuerySet:
        return self.filter(UNATTACHED, uploader=person)


class Attachment(models.Model):
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments"
    )
    # All null from the upload until the post (or learning session, activity or submission)
    # that uses it is written; then exactly one is set.
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    session = models.ForeignKey(
        "learning.Session", null=True, blank=True, on_delete=models.CASCADE,
        related_name="attachments",
    )  # fmt: skip
    activity = models.ForeignKey(
        "learning.Activity", null=True, blank=True, on_delete=models.CASCADE,
        related_name="attachments",
    )  # fmt: skip
    submission = models.ForeignKey(
        "learning.Submission", null=True, blank=True, on_delete=models.CASCADE,
        related_name="attachments",
    )  # fmt: skip
    kind = models.CharField(max_length=8, choices=AttachmentKind.choices)
    original_name = models.CharField(max_length=150)
    file = models.FileField(upload_to=stored_name, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    alt_text = models.CharField(max_length=300, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(upload_to=stored_name, max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["position", "id"]
        indexes: ClassVar = [
            models.Index(fields=["post", "position", "id"]),
            models.Index(fields=["uploader", "post"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(size__gt=0), name="attachment_not_empty"),
            models.CheckConstraint(condition=_at_most_one_owner(), name="attachment_one_owner"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_attached(self) -> bool:
        return any(getattr(self, f"{name}_id") is not None for name in OWNER_FIELDS)

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE
