"""The rules for the files of a thing, written once: a post (pictures or a resource's file), a
learning session (its materials), an activity or a task's submission. The actions check the
files with `check_post_files` or `check_files` before writing anything, then write them with
`apply_files` inside their own transaction, so the thing and its files change (and are
audited) together.

The rules: the files asked for are the whole new list, in order; each is either a file the
thing has now or one of the actor's own uploads that nothing has taken yet. Files the thing had
and that are left out are deleted (their stored files once that is committed). A post adds the
rules of its kind: an image post has 1-10 pictures, each described (alt text); a resource has at
most one file, and none only with a link; other posts have no files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db.models import Model

from afterclass.attachments.actions import remove_files_on_commit
from afterclass.attachments.models import Attachment
from afterclass.attachments.queries import KINDS_WITH_FILES
from afterclass.core.errors import Conflict, InvalidInput
from afterclass.posts.models import PostKind

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.posts.models import Post

MAX_FILES = 10
FIELD = "attachment_ids"
# A post's files, as the API and the actions name them.
POST_FIELD = "attachments"
ALT_FIELD = "alt_texts"
MAX_IMAGES = 10
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
    _check_distinct(wanted, FIELD)
    if len(wanted) > MAX_FILES:
        raise InvalidInput(f"Attach at most {MAX_FILES} files.", field=FIELD)
    return _choose(actor, wanted, current, FIELD, tell_taken=True)


def check_post_files(
    actor: Person, kind: str, ids: Sequence[int], alt_texts: Sequence[str] = (), *,
    post: Post | None = None, link_url: str = "",
) -> FileChange:  # fmt: skip
    """The files a post of `kind` will have (see the module rules), each with its description:
    a new post's (`post` None) or, for `post`, its whole new list. `link_url` is the link the
    post will have, which lets a resource drop its file (a new resource's link is checked with
    its text). Raises InvalidInput before anything is written."""
    wanted = [int(pk) for pk in ids]
    if kind not in KINDS_WITH_FILES:
        if wanted:
            raise InvalidInput("Only image posts and resources can have files.", field=POST_FIELD)
        return FileChange(alt_texts=[])
    _check_distinct(wanted, POST_FIELD)
    _check_post_count(kind, len(wanted), editing=post is not None, link_url=link_url)
    current = list(post.attachments.all()) if post is not None else []
    change = _choose(actor, wanted, current, POST_FIELD, tell_taken=False)
    texts = _padded_alt_texts(alt_texts, len(wanted))
    return FileChange(
        files=change.files,
        added=change.added,
        removed=change.removed,
        alt_texts=_described(kind, change.files, texts),
    )


def wanted_files(ids: Sequence[int], alt_texts: Sequence[str]) -> list[tuple[int, str]]:
    """A post's files as (id, description) pairs, from the ids and the descriptions in order
    (fewer descriptions than files: the others have none)."""
    return list(zip(ids, _padded_alt_texts(alt_texts, len(ids)), strict=True))


def _check_distinct(ids: Sequence[int], field_name: str) -> None:
    if len(set(ids)) != len(ids):
        raise InvalidInput("The same file is attached twice.", field=field_name)


def _check_post_count(kind: str, count: int, *, editing: bool, link_url: str) -> None:
    if kind == PostKind.IMAGE:
        _check_picture_count(count, editing=editing)
    elif count > 1:
        hint = ": remove the current one to add another" if editing else ""
        raise InvalidInput(f"A resource has one file{hint}.", field=POST_FIELD)
    elif editing and count == 0 and not link_url.strip():
        raise InvalidInput(
            "A resource needs a link or a file: give it a link before removing its file.",
            field=POST_FIELD,
        )


def _check_picture_count(count: int, *, editing: bool) -> None:
    if count < 1:
        hint = ": add one before removing the last" if editing else ""
        raise InvalidInput(f"An image post needs at least one picture{hint}.", field=POST_FIELD)
    if count > MAX_IMAGES:
        raise InvalidInput(f"An image post has at most {MAX_IMAGES} pictures.", field=POST_FIELD)


def _choose(
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


def _padded_alt_texts(alt_texts: Sequence[str], count: int) -> list[str]:
    texts = [" ".join(str(text or "").split()) for text in alt_texts]
    if len(texts) > count:
        raise InvalidInput("There are more alt texts than files.", field=ALT_FIELD)
    return texts + [""] * (count - len(texts))


def _described(kind: str, files: Sequence[Attachment], texts: Sequence[str]) -> list[str]:
    """Each file's description: pictures of an image post need one; other files have none."""
    described = []
    for number, (attachment, text) in enumerate(zip(files, texts, strict=True), start=1):
        if kind == PostKind.IMAGE and not attachment.is_image:
            raise InvalidInput(
                f"“{attachment.original_name}” is not a picture: an image post takes pictures.",
                field=POST_FIELD,
            )
        _check_alt_text(text, number, required=kind == PostKind.IMAGE)
        described.append(text if attachment.is_image else "")
    return described


def _check_alt_text(text: str, number: int, *, required: bool) -> None:
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
