"""The read side of files: the attachments of a page of posts in one query, a post's files for
its edit page, the files of learning sessions, activities and submissions, and a person's uploads
waiting for the post being written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from afterclass.attachments.models import Attachment
from afterclass.posts.models import PostKind

if TYPE_CHECKING:
    from afterclass.people.models import Person
    from afterclass.posts.models import Post

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


def files_by(owner_field: str, owner_ids: Iterable[int]) -> dict[int, list[Attachment]]:
    """The files of many sessions, activities or submissions (`owner_field`), by owner id, in
    their order: one query, none without ids."""
    wanted = sorted({pk for pk in owner_ids if pk})
    found: dict[int, list[Attachment]] = defaultdict(list)
    if wanted:
        for attachment in Attachment.objects.filter(**{f"{owner_field}__in": wanted}).order_by(
            owner_field, "position", "id"
        ):
            found[getattr(attachment, f"{owner_field}_id")].append(attachment)
    return dict(found)


def waiting_uploads(person: Person, ids: Sequence[int]) -> dict[int, Attachment]:
    """The person's own uploads among `ids` that no post has taken yet, by id (one query; none
    without ids). Anyone else's upload is simply not there."""
    wanted = [pk for pk in ids if pk]
    if not wanted:
        return {}
    return {a.pk: a for a in Attachment.objects.unattached_of(person).filter(pk__in=wanted)}
