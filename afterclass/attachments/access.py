"""Who may receive an uploaded file.

An attached file is seen by exactly those who may see what it is attached to, as its owner's
app says (attachments.owners; posts/file_owners.py, learning/file_owners.py):
- a post's file by the post's readers (posts.access.access_post), and not at all once the post
  is removed;
- a learning session's materials by the space's members and facilitators;
- an activity's file by those who may see the activity (learners once its unit is released,
  facilitators always);
- a task submission's file only by its author and the space's facilitators (never the group).
An upload not yet attached is seen only by the person who sent it. Everyone else gets the same
404 as for a file that does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from afterclass.attachments.models import Attachment
from afterclass.attachments.owners import OWNER_FIELDS, owner_check
from afterclass.core.errors import NotFound
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
    try:
        _check_owner(viewer, attachment)
    except NotFound as error:
        raise NotFound(ATTACHMENT_NOT_FOUND) from error
    return attachment


def _check_owner(viewer: Person, attachment: Attachment) -> None:
    """Raise NotFound unless the viewer may see what the file is attached to (its owner's app
    decides: attachments.owners)."""
    for owner_field in OWNER_FIELDS:
        owner_id = getattr(attachment, f"{owner_field}_id")
        if owner_id is not None:
            owner_check(owner_field)(viewer, attachment, owner_id)
            return
    if attachment.uploader_id != viewer.pk:
        raise NotFound(ATTACHMENT_NOT_FOUND)
