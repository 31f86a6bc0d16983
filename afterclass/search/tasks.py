"""Background work of search: keeping the index in step with what was committed.

The actions queue these after commit (`core.indexing.reindex_*_on_commit`, filled in by
`queue.py`), with only an id: each task reads what is current when it runs and upserts it, so a
task run twice, late or after a retry gives the same index. Files are read here too, within
their budget, outside any transaction.
"""

from __future__ import annotations

from django.tasks import task

from afterclass.search import index


@task()
def reindex_post(post_id: int) -> None:
    index.reindex_post(post_id)


@task()
def reindex_post_document(post_id: int) -> None:
    index.reindex_post_document(post_id)


@task()
def reindex_comment(comment_id: int) -> None:
    index.reindex_comment(comment_id)


@task()
def reindex_attachment(attachment_id: int) -> None:
    index.reindex_attachment(attachment_id)


@task()
def reindex_person(person_id: int) -> None:
    index.reindex_person(person_id)


@task()
def reindex_department(department_id: int) -> None:
    index.reindex_department(department_id)


@task()
def reindex_space(space_id: int) -> None:
    index.reindex_space(space_id)


@task()
def reindex_session(session_id: int) -> None:
    index.reindex_session(session_id)


@task()
def reindex_activity(activity_id: int) -> None:
    index.reindex_activity(activity_id)


@task()
def reindex_unit(unit_id: int) -> None:
    index.reindex_unit(unit_id)
