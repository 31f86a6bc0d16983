"""Deleting threads for good, and files with everything that was read from them: the one way,
used by an erasure's deleted content (erasure/content.py) and by retention's delete rule
(retention/actions.py). Each caller keeps its own audit entries and recounts."""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.db.models import Q

from afterclass.attachments.actions import remove_files_on_commit
from afterclass.attachments.models import Attachment
from afterclass.core.indexing import forget
from afterclass.posts.models import Post


def delete_files(files: Q) -> None:
    """Delete the attachment rows `files` selects, the text read from them and their search
    documents (`core.indexing.forget`); their stored files once the transaction commits (a
    rollback keeps both)."""
    with transaction.atomic(savepoint=False):
        found = list(Attachment.objects.filter(files))
        ids = [attachment.pk for attachment in found]
        forget(files=ids)
        Attachment.objects.filter(pk__in=ids).delete()
        remove_files_on_commit(found)


def delete_threads(post_ids: Collection[int]) -> None:
    """Delete posts with their threads: comments and answers, reactions, votes, the poll, read
    marks, reports and notifications go with the post's row (their foreign keys cascade); its
    files as `delete_files`; the search documents of the post and of its comments. Counters
    live on the rows that go, so nothing left counts them. One transaction (the caller's, if
    it has one)."""
    if not post_ids:
        return
    ids = list(post_ids)
    with transaction.atomic(savepoint=False):
        delete_files(Q(post_id__in=ids))
        forget(threads=ids)
        Post.objects.filter(pk__in=ids).delete()
