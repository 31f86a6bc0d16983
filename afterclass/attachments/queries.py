"""The read side of files: the attachments of a page of posts, in one query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from afterclass.attachments.models import Attachment
from afterclass.posts.models import PostKind

if TYPE_CHECKING:
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
