"""Telling the search index what a write changed, from the action that wrote it.

The index (the search app) reads people, spaces, posts, learning and files to build its
documents, so those apps cannot import it. Their actions call the `reindex_*_on_commit`
functions here, and deleting threads or files for good calls `forget`; the search app registers
what does the work (`search/queue.py`, from `SearchConfig.ready()`). Only the id travels: the
task reads what is current when it runs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction


class Indexed(StrEnum):
    POST = "post"  # the post's thread: the post, its comments and its files
    POST_DOCUMENT = "post_document"  # the post's own document only (its counts changed)
    COMMENT = "comment"
    ATTACHMENT = "attachment"
    PERSON = "person"
    DEPARTMENT = "department"
    SPACE = "space"
    SESSION = "session"
    ACTIVITY = "activity"
    UNIT = "unit"


@dataclass(frozen=True)
class Indexer:
    # Queue the reindexing of one object of each kind (a task's enqueue).
    queue: Mapping[Indexed, Callable[[int], object]]
    # Delete at once, in the caller's transaction, what the index holds of these threads (their
    # posts', comments' and files' documents) and of these files (their documents and text).
    forget: Callable[[Collection[int], Collection[int]], None]


_indexer: list[Indexer] = []


def register_indexer(indexer: Indexer) -> None:
    """Called once, by the search app."""
    if _indexer:
        raise ImproperlyConfigured("The search index is registered already.")
    missing = set(Indexed) - set(indexer.queue)
    if missing:
        raise ImproperlyConfigured(f"The search index cannot reindex {sorted(missing)}.")
    _indexer.append(indexer)


def _registered() -> Indexer:
    if not _indexer:
        raise ImproperlyConfigured("No search index is registered: is the search app installed?")
    return _indexer[0]


def _on_commit(kind: Indexed, object_id: int) -> None:
    # The write is committed: should queueing fail, it is logged, not turned into an error
    # for the person who wrote (`afterclass search rebuild` catches up).
    transaction.on_commit(partial(_registered().queue[kind], object_id), robust=True)


def forget(*, threads: Collection[int] = (), files: Collection[int] = ()) -> None:
    """What the index holds of threads (by their posts' ids) and files (by their attachments'
    ids) that are being deleted for good, deleted now: no task runs later to find them."""
    if threads or files:
        _registered().forget(threads, files)


def reindex_post_on_commit(post_id: int) -> None:
    _on_commit(Indexed.POST, post_id)


def reindex_post_document_on_commit(post_id: int) -> None:
    _on_commit(Indexed.POST_DOCUMENT, post_id)


def reindex_comment_on_commit(comment_id: int) -> None:
    _on_commit(Indexed.COMMENT, comment_id)


def reindex_attachment_on_commit(attachment_id: int) -> None:
    _on_commit(Indexed.ATTACHMENT, attachment_id)


def reindex_person_on_commit(person_id: int) -> None:
    _on_commit(Indexed.PERSON, person_id)


def reindex_department_on_commit(department_id: int) -> None:
    _on_commit(Indexed.DEPARTMENT, department_id)


def reindex_space_on_commit(space_id: int) -> None:
    _on_commit(Indexed.SPACE, space_id)


def reindex_session_on_commit(session_id: int) -> None:
    _on_commit(Indexed.SESSION, session_id)


def reindex_activity_on_commit(activity_id: int) -> None:
    _on_commit(Indexed.ACTIVITY, activity_id)


def reindex_unit_on_commit(unit_id: int) -> None:
    _on_commit(Indexed.UNIT, unit_id)
