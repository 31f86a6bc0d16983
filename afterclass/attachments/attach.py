"""Giving files to something other than a post: a learning session (its materials), an activity
or a task's submission. The learning actions call these inside their own transaction, so the
thing and its files are written (and audited) together.

The rules: the files asked for are the whole new list, in order; each is either a file the
thing has now or one of the actor's own uploads that nothing has taken yet. Files the thing had
and that are left out are deleted (their stored files once that is committed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db.models import Model

from afterclass.attachments.actions import remove_files_on_commit
from afterclass.attachments.models import Attachment
from afterclass.core.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from afterclass.people.models import Person

MAX_FILES = 10
FIELD = "attachment_ids"


@dataclass(frozen=True)
class FileChange:
    """What `check_files` found: the new list in order, and what it adds and removes."""

    files: list[Attachment] = field(default_factory=list)
    added: list[Attachment] = field(default_factory=list)
    removed: list[Attachment] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed) or [a.position for a in self.files] != list(
            range(len(self.files))
        )

    def audit(self) -> dict[str, list[int]]:
        """What the audit entry of the owner's change records about its files."""
        return {
            "files_added": [a.pk for a in self.added],
            "files_removed": [a.pk for a in self.removed],
        }


NO_CHANGE = FileChange()


def check_files(
    actor: Person, ids: Sequence[int], *, current: Sequence[Attachment] = ()
) -> FileChange:
    """The files a session, activity or submission will have (see the module rules). Raises
    InvalidInput, saying which id is wrong, before anything is written."""
    wanted = [int(pk) for pk in ids]
    if len(set(wanted)) != len(wanted):
        raise InvalidInput("The same file is attached twice.", field=FIELD)
    if len(wanted) > MAX_FILES:
        raise InvalidInput(f"Attach at most {MAX_FILES} files.", field=FIELD)
    have = {attachment.pk: attachment for attachment in current}
    new_ids = [pk for pk in wanted if pk not in have]
    mine: dict[int, Attachment] = {}
    if new_ids:
        mine = {a.pk: a for a in Attachment.objects.filter(uploader=actor, pk__in=new_ids)}
    for pk in new_ids:
        upload = mine.get(pk)
        if upload is None:
            raise InvalidInput(
                f"There is no upload of yours waiting to be attached with id {pk}.", field=FIELD
            )
        if upload.is_attached:
            raise InvalidInput(
                f"“{upload.original_name}” is already attached elsewhere: upload it again to "
                "use it here too.",
                field=FIELD,
            )
    kept = set(wanted)
    return FileChange(
        files=[have.get(pk) or mine[pk] for pk in wanted],
        added=[mine[pk] for pk in new_ids],
        removed=[attachment for pk, attachment in have.items() if pk not in kept],
    )


def apply_files(change: FileChange, owner_field: str, owner: Model, *, actor: Person) -> None:
    """Inside the owner's transaction: delete the files left out, give it the new uploads and
    put all in order. An upload taken meanwhile by something else is a Conflict (rolled back)."""
    if not change.changed:
        return
    if change.removed:
        Attachment.objects.filter(pk__in=[a.pk for a in change.removed]).delete()
        remove_files_on_commit(change.removed)
    added = {attachment.pk for attachment in change.added}
    for position, attachment in enumerate(change.files):
        if attachment.pk in added:
            rows = Attachment.objects.unattached_of(actor).filter(pk=attachment.pk)
            values = {owner_field: owner, "position": position}
        else:
            rows = Attachment.objects.filter(pk=attachment.pk, **{owner_field: owner})
            values = {"position": position}
        if not rows.update(**values):
            raise Conflict(f"“{attachment.original_name}” was just attached to something else.")
        setattr(attachment, owner_field, owner)
        attachment.position = position


def copy_files(
    originals: Sequence[Attachment], owner_field: str, owner: Model, *, actor: Person
) -> list[Attachment]:
    """Inside the owner's transaction: give it copies of `originals` (a programme copied for a
    new cohort), each stored anew, so that deleting one copy never deletes another's file. The
    copies are the actor's. Should the transaction fail, `remove_stored(copies)` the caller."""
    copies: list[Attachment] = []
    try:
        for original in originals:
            copy = Attachment(
                uploader=actor, kind=original.kind, original_name=original.original_name,
                content_type=original.content_type, size=original.size,
                alt_text=original.alt_text, width=original.width, height=original.height,
                position=original.position, **{owner_field: owner},
            )  # fmt: skip
            copies.append(copy)
            for source, target in ((original.file, copy.file),
                                   (original.thumbnail, copy.thumbnail)):  # fmt: skip
                if source and source.name:
                    with source.storage.open(source.name, "rb") as content:
                        target.save(source.name.rsplit("/", 1)[-1], ContentFile(content.read()),
                                    save=False)  # fmt: skip
        Attachment.objects.bulk_create(copies)
    except BaseException:
        remove_stored(copies)
        raise
    return copies


def remove_stored(attachments: Sequence[Attachment]) -> None:
    """Delete the stored files of attachments whose rows are not kept (at once)."""
    for attachment in attachments:
        for stored in (attachment.file, attachment.thumbnail):
            if stored and stored.name:
                stored.storage.delete(stored.name)
