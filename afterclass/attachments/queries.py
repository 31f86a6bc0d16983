"""The read side of files: the files of learning sessions, activities and submissions, and a
person's uploads waiting for the post being written (a post's files: posts.files)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from afterclass.attachments.models import Attachment

if TYPE_CHECKING:
    from afterclass.people.models import Person


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
