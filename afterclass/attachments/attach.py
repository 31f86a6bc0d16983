"""The rules for the files of a thing, written once: a post (pictures or a resource's file), a
learning session (its materials), an activity or a task's submission. The actions check the
files with `check_files` (or, for a post, posts.files.check_post_files, built on `choose_files`)
before writing anything, then write them with `apply_files` inside their own transaction, so the
thing and its files change (and are audited) together.

The rules: the files asked for are the whole new list, in order; each is either a file the
thing has now or one of the actor's own uploads that nothing has taken yet. Files the thing had
and that are left out are deleted (their stored files once that is committed). A post adds the
rules of its kind (posts.files): an image post has 1-10 pictures, each described (alt text); a
resource has at most one file, and none only with a link; other posts have no files.
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
# A post's alt texts, as the API and the actions name them.
ALT_FIELD = "alt_texts"
ALT_TEXT_LENGTH = 300
# When something else takes an upload between the check and the write (the write is refused).
TAKEN = {
    "post": "“{name}” is already attached to another post.",
    "": "“{name}” was just attached to something else.",
}


@dataclass(frozen=True)
class FileChange:
    """What the checks found: the new list in order, what it adds and removes, and for a post
    each file's description (`alt_texts`, "" for files that are not pictures)."""

    files: list[Attachment] = field(default_factory=list)
    added: list[Attachment] = field(default_factory=list)
    removed: list[Attachment] = field(default_factory=list)
    alt_texts: list[str] | None = None

    def rows(self) -> list[tuple[int, Attachment, str | None]]:
        """(position, file, description or None to leave it) of the files whose row changes:
        new ones, and those moved or described anew."""
        texts = self.alt_texts if self.alt_texts is not None else [None] * len(self.files)
        added = {attachment.pk for attachment in self.added}
        return [
            (position, attachment, text)
            for position, (attachment, text) in enumerate(zip(self.files, texts, strict=True))
            if attachment.pk in added
            or attachment.position != position
            or (text is not None and attachment.alt_text != text)
        ]

    @property
    def changed(self) -> bool:
        return bool(self.removed) or bool(self.rows())

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
    check_distinct(wanted, FIELD)
    if len(wanted) > MAX_FILES:
        raise InvalidInput(f"Attach at most {MAX_FILES} files.", field=FIELD)
    return choose_files(actor, wanted, current, FIELD, tell_taken=True)


def check_distinct(ids: Sequence[int], field_name: str) -> None:
    if len(set(ids)) != len(ids):
        raise InvalidInput("The same file is attached twice.", field=field_name)


def choose_files(
    actor: Person, wanted: list[int], current: Sequence[Attachment], field_name: str, *,
    tell_taken: bool,
) -> FileChange:  # fmt: skip
    """The files `wanted` are: those of `current` and the actor's uploads not attached yet.
    `tell_taken` says apart an upload of the actor's that is already used (and only the first
    wrong id); otherwise every wrong id is named at once."""
    have = {attachment.pk: attachment for attachment in current}
    new_ids = [pk for pk in wanted if pk not in have]
    mine: dict[int, Attachment] = {}
    if new_ids:
        mine = {a.pk: a for a in Attachment.objects.filter(uploader=actor, pk__in=new_ids)}
    wrong = [pk for pk in new_ids if pk not in mine or mine[pk].is_attached]
    if wrong:
        _refuse(wrong, mine, field_name, tell_taken=tell_taken)
    kept = set(wanted)
    return FileChange(
        files=[have.get(pk) or mine[pk] for pk in wanted],
        added=[mine[pk] for pk in new_ids],
        removed=[attachment for pk, attachment in have.items() if pk not in kept],
    )


def _refuse(
    wrong: list[int], mine: dict[int, Attachment], field_name: str, *, tell_taken: bool
) -> None:
    if tell_taken:
        if wrong[0] in mine:
            raise InvalidInput(
                f"“{mine[wrong[0]].original_name}” is already attached elsewhere: upload it "
                "again to use it here too.",
                field=field_name,
            )
        wrong = wrong[:1]
    raise InvalidInput(
        f"There is no upload of yours waiting to be attached with id {', '.join(map(str, wrong))}.",
        field=field_name,
    )


def padded_alt_texts(alt_texts: Sequence[str], count: int) -> list[str]:
    texts = [" ".join(str(text or "").split()) for text in alt_texts]
    if len(texts) > count:
        raise InvalidInput("There are more alt texts than files.", field=ALT_FIELD)
    return texts + [""] * (count - len(texts))


def check_alt_text(text: str, number: int, *, required: bool) -> None:
    if "\x00" in text or len(text) > ALT_TEXT_LENGTH:
        raise InvalidInput(
            f"The description of picture {number} can be at most {ALT_TEXT_LENGTH} characters.",
            field=ALT_FIELD,
        )
    if required and not text:
        raise InvalidInput(
            f"Describe picture {number} for people who cannot see it (alt text).",
            field=ALT_FIELD,
        )


def apply_files(change: FileChange, owner_field: str, owner: Model, *, actor: Person) -> None:
    """Inside the owner's transaction: delete the files left out, give it the new uploads and
    put all in order (with their descriptions, for a post). An upload taken meanwhile by
    something else is a Conflict (rolled back)."""
    if change.removed:
        Attachment.objects.filter(pk__in=[a.pk for a in change.removed]).delete()
        remove_files_on_commit(change.removed)
    added = {attachment.pk for attachment in change.added}
    for position, attachment, text in change.rows():
        values: dict[str, object] = {"position": position}
        if text is not None:
            values["alt_text"] = text
        if attachment.pk in added:
            rows = Attachment.objects.unattached_of(actor).filter(pk=attachment.pk)
            values[owner_field] = owner
        else:
            rows = Attachment.objects.filter(pk=attachment.pk, **{owner_field: owner})
        if not rows.update(**values):
            taken = TAKEN.get(owner_field, TAKEN[""])
            raise Conflict(taken.format(name=attachment.original_name))
        setattr(attachment, owner_field, owner)
        attachment.position = position
        if text is not None:
            attachment.alt_text = text


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
