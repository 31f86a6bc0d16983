"""Files sent with a learning form (session materials, an activity's files, a task's files):
stored as the actor's uploads, then given to the action, which checks and attaches them."""

from __future__ import annotations

from django import forms

from afterclass.attachments.actions import do_discard_uploads, do_upload
from afterclass.attachments.queries import files_by
from afterclass.learning.forms import kept_ids, sent_ahead
from afterclass.learning.models import Submission
from afterclass.people.models import Person


def send_files(form: forms.Form, actor: Person, sent: list[int]) -> list[int]:
    """Store each file that came with the form (its id goes into `sent`, so that the caller
    can discard them if the action refuses); return the whole new list of files: those kept,
    those the page's script sent ahead, then the ones that came with the form. A refused file
    (too big, a kind not allowed) raises InvalidInput on the `files` field. Files sent ahead
    stay waiting after a refusal: the form shows them again, ready to go."""
    for upload in form.cleaned_data.get("files") or []:
        sent.append(do_upload(upload, actor=actor).pk)
    return kept_ids(form) + sent_ahead(form) + sent


def discard(sent: list[int], actor: Person) -> None:
    """The action refused: the files sent with the form are not kept."""
    if sent:
        do_discard_uploads(sent, actor=actor)


def with_files(submissions: list[Submission]) -> None:
    """Set `shown_files` on each submission of a page (one query; none without submissions)."""
    found = files_by("submission", [s.pk for s in submissions])
    for submission in submissions:
        submission.shown_files = found.get(submission.pk, [])  # type: ignore[attr-defined]
