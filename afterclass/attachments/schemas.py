"""Attachments API schemas: an upload as the uploader and post readers see it."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from afterclass.attachments.models import Attachment, AttachmentKind
from afterclass.attachments.views import file_url, thumbnail_url


class AttachmentOut(Schema):
    id: int
    kind: AttachmentKind
    name: str = Field(description="The cleaned file name.")
    content_type: str = Field(description="Read from the content, not the name.")
    size: int = Field(description="In bytes.")
    alt_text: str = Field(description="For pictures: the description for people who cannot see it.")
    width: int | None
    height: int | None
    url: str = Field(description="The file; permission-checked (who may see what it is on).")
    thumbnail_url: str | None = Field(description="Pictures only.")
    attached: bool = Field(description="Whether a post, session, activity or submission uses it.")
    created_at: datetime

    @classmethod
    def build(cls, attachment: Attachment) -> AttachmentOut:
        return cls(
            id=attachment.pk,
            kind=AttachmentKind(attachment.kind),
            name=attachment.original_name,
            content_type=attachment.content_type,
            size=attachment.size,
            alt_text=attachment.alt_text,
            width=attachment.width,
            height=attachment.height,
            url=file_url(attachment),
            thumbnail_url=thumbnail_url(attachment),
            attached=attachment.is_attached,
            created_at=attachment.created_at,
        )
