"""Files and pictures uploaded by people, attached to a post (image posts, resources)."""

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


class AttachmentQuerySet(models.QuerySet["Attachment"]):
    def unattached_of(self, person: Person) -> AttachmentQuerySet:
        return self.filter(uploader=person, post__isnull=True)


class Attachment(models.Model):
    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments"
    )
    # Null from the upload until the post that uses it is written.
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
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
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind == AttachmentKind.IMAGE
