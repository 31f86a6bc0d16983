"""Which files a post may have, and a post's files for its pages: the rules of each kind on top
of attachments.attach (the files are the whole new list, in order, the post's own or the actor's
uploads not attached yet). An image post has 1-10 pictures, each described (alt text); a resource
has at most one file, and none only with a link; other posts have no files. The actions check
with `check_post_files` before writing and write with `attachments.attach.apply_files`.

Here rather than in attachments, which posts and learning both use and which imports neither."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from afterclass.attachments.attach import (
    FileChange,
    check_alt_text,
    check_distinct,
    choose_files,
    padded_alt_texts,
)
from afterclass.attachments.models import Attachment
from afterclass.core.errors import InvalidInput
from afterclass.posts.models import PostKind

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.posts.models import Post

# A post's files, as the API and the actions name them.
POST_FIELD = "attachments"
MAX_IMAGES = 10
# Only these kinds take files, so other pages of posts need no query at all.
KINDS_WITH_FILES = {PostKind.IMAGE, PostKind.RESOURCE}


def with_attachments(posts: Sequence[Post]) -> None:
    """Set `post.shown_attachments` (in order) on each post; none on a removed post."""
    wanted = [post.pk for post in posts if post.kind in KINDS_WITH_FILES and not post.is_removed]
    found: dict[int, list[Attachment]] = defaultdict(list)
    if wanted:
        for attachment in Attachment.objects.filter(post__in=wanted).order_by(
            "post_id", "position", "id"
        ):
            found[attachment.post_id or 0].append(attachment)
    for post in posts:
        post.shown_attachments = found.get(post.pk, [])  # type: ignore[attr-defined]


def files_of(post: Post) -> list[Attachment]:
    """A post's files in their order (none for kinds that take no files, without a query)."""
    if post.kind not in KINDS_WITH_FILES:
        return []
    return list(Attachment.objects.filter(post=post).order_by("position", "id"))


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
    check_distinct(wanted, POST_FIELD)
    _check_post_count(kind, len(wanted), editing=post is not None, link_url=link_url)
    current = list(post.attachments.all()) if post is not None else []
    change = choose_files(actor, wanted, current, POST_FIELD, tell_taken=False)
    texts = padded_alt_texts(alt_texts, len(wanted))
    return FileChange(
        files=change.files,
        added=change.added,
        removed=change.removed,
        alt_texts=_described(kind, change.files, texts),
    )


def wanted_files(ids: Sequence[int], alt_texts: Sequence[str]) -> list[tuple[int, str]]:
    """A post's files as (id, description) pairs, from the ids and the descriptions in order
    (fewer descriptions than files: the others have none)."""
    return list(zip(ids, padded_alt_texts(alt_texts, len(ids)), strict=True))


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


def _described(kind: str, files: Sequence[Attachment], texts: Sequence[str]) -> list[str]:
    """Each file's description: pictures of an image post need one; other files have none."""
    described = []
    for number, (attachment, text) in enumerate(zip(files, texts, strict=True), start=1):
        if kind == PostKind.IMAGE and not attachment.is_image:
            raise InvalidInput(
                f"“{attachment.original_name}” is not a picture: an image post takes pictures.",
                field=POST_FIELD,
            )
        check_alt_text(text, number, required=kind == PostKind.IMAGE)
        described.append(text if attachment.is_image else "")
    return described
