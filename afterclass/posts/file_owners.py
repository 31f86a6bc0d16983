"""Who may receive a post's file (attachments.owners): the post's readers, and nobody once the
post is removed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from afterclass.attachments.access import ATTACHMENT_NOT_FOUND
from afterclass.attachments.owners import register_owner
from afterclass.core.errors import NotFound
from afterclass.posts.access import access_post

if TYPE_CHECKING:
    from afterclass.attachments.models import Attachment
    from afterclass.people.models import Person


def check_post_file(viewer: Person, attachment: Attachment, post_id: int) -> None:
    post = access_post(viewer, post_id)
    if post.is_removed:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    attachment.post = post


register_owner("post", check_post_file)
