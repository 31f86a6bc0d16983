"""Who may receive a learning object's file (attachments.owners): a session's materials, those
who may see the session (the space's members and facilitators); an activity's, those who may see
the activity (learners once its unit is released, facilitators always); a task submission's,
only its author and the space's facilitators (never the group)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from afterclass.attachments.access import ATTACHMENT_NOT_FOUND
from afterclass.attachments.owners import register_owner
from afterclass.core.errors import NotFound
from afterclass.learning.access import (
    access_activity,
    access_session,
    access_submission,
    is_facilitator,
)

if TYPE_CHECKING:
    from afterclass.attachments.models import Attachment
    from afterclass.people.models import Person


def check_session_file(viewer: Person, attachment: Attachment, session_id: int) -> None:
    attachment.session = access_session(viewer, session_id)


def check_activity_file(viewer: Person, attachment: Attachment, activity_id: int) -> None:
    attachment.activity = access_activity(viewer, activity_id)


def check_submission_file(viewer: Person, attachment: Attachment, submission_id: int) -> None:
    submission = access_submission(viewer, submission_id)
    # Stricter than the submission's text: a reflection shared with the group does not share its
    # author's files.
    if submission.person_id != viewer.pk and not is_facilitator(
        viewer, submission.activity.unit.space
    ):
        raise NotFound(ATTACHMENT_NOT_FOUND)
    attachment.submission = submission


register_owner("session", check_session_file)
register_owner("activity", check_activity_file)
register_owner("submission", check_submission_file)
