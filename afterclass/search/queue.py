"""Queueing the search index's tasks once a write commits: what the actions call
(`reindex_*_on_commit`). Only the id travels: the task reads what is current when it runs.

This module sits above `tasks` (which run `index`) and is imported by no part of search's
index, so the index never needs the tasks that call it.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.tasks import Task

from afterclass.search import tasks


def _on_commit(task: Task[[int], None], object_id: int) -> None:
    # The write is committed: should queueing fail, it is logged, not turned into an error
    # for the person who wrote (`afterclass search rebuild` catches up).
    transaction.on_commit(partial(task.enqueue, object_id), robust=True)


def reindex_post_on_commit(post_id: int) -> None:
    _on_commit(tasks.reindex_post, post_id)


def reindex_post_document_on_commit(post_id: int) -> None:
    _on_commit(tasks.reindex_post_document, post_id)


def reindex_comment_on_commit(comment_id: int) -> None:
    _on_commit(tasks.reindex_comment, comment_id)


def reindex_attachment_on_commit(attachment_id: int) -> None:
    _on_commit(tasks.reindex_attachment, attachment_id)


def reindex_person_on_commit(person_id: int) -> None:
    _on_commit(tasks.reindex_person, person_id)


def reindex_department_on_commit(department_id: int) -> None:
    _on_commit(tasks.reindex_department, department_id)


def reindex_space_on_commit(space_id: int) -> None:
    _on_commit(tasks.reindex_space, space_id)


def reindex_session_on_commit(session_id: int) -> None:
    _on_commit(tasks.reindex_session, session_id)


def reindex_activity_on_commit(activity_id: int) -> None:
    _on_commit(tasks.reindex_activity, activity_id)


def reindex_unit_on_commit(unit_id: int) -> None:
    _on_commit(tasks.reindex_unit, unit_id)
