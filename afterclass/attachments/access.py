"""Who may receive an uploaded file.

An attached file is seen by exactly those who may see its post (posts.access.access_post), and
not at all once the post is removed; an upload not yet attached only by the person who sent it.
Everyone else gets the same 404 as for a file that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from afterclass.attachments.models import Attachment
from afterclass.core.errors import NotFound
from afterclass.posts.access import access_post
from afterclass.spaces.access import is_signed_in

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from afterclass.people.models import Person

ATTACHMENT_NOT_FOUND = "There is no such file, or you cannot see it."


def access_attachment(viewer: Person | AnonymousUser | None, attachment_id: int) -> Attachment:
    """Load a file the viewer may receive; 404 otherwise (see the module rules)."""
    if not is_signed_in(viewer):
        raise NotFound(ATTACHMENT_NOT_FOUND)
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    if attachment.post_id is None:
        if attachment.uploader_id != viewer.pk:
            raise NotFound(ATTACHMENT_NOT_FOUND)
        return attachment
    try:
        post = access_post(viewer, attachment.post_id)
    except NotFound as error:
        raise NotFound(ATTACHMENT_NOT_FOUND) from error
    if post.is_removed:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    attachment.post = post
    return attachment
