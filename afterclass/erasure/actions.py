"""Carrying out an erasure (the task's work). Asking for one is erasure/request.py."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone

from afterclass.audit.log import record_audit
from afterclass.core.indexing import reindex_person_on_commit
from afterclass.erasure.content import delete_content, delete_uploads
from afterclass.erasure.models import IN_PROGRESS, Erasure, ErasureState
from afterclass.erasure.personal import (
    empty_account,
    forget_exports,
    forget_memberships,
    forget_messages,
    forget_rows,
)
from afterclass.people.models import ErasedContent


def do_erase(erasure_id: int) -> Erasure | None:
    """Erase the person of a waiting erasure: their content deleted or kept as chosen, then
    their personal data, then their row emptied into "Former colleague". Run again (a retry
    after a crash, a second delivery) it carries on: every step is one transaction that finds
    what is left to do, and a finished erasure is left alone (returns None)."""
    claimed = Erasure.objects.filter(pk=erasure_id, state__in=IN_PROGRESS).update(
        state=ErasureState.RUNNING
    )
    if not claimed:
        return None
    erasure = Erasure.objects.select_related("person").get(pk=erasure_id)
    person = erasure.person
    keep = erasure.content == ErasedContent.KEEP
    if keep:
        delete_uploads(person, everything=False)
    else:
        delete_content(person)
    forget_exports(person)
    forget_messages(person, keep_content=keep)
    forget_memberships(person)
    forget_rows(person)
    empty_account(person, erasure)
    with transaction.atomic():
        # Conditional, so that of two runs at once (a continued erasure and a late retry) one
        # records the end.
        finished = Erasure.objects.filter(pk=erasure.pk, state=ErasureState.RUNNING).update(
            state=ErasureState.DONE, finished_at=timezone.now()
        )
        if finished:
            # The system finished what the admin asked for (their entry is person.erase).
            record_audit("person.erased", erasure, actor=None, reference=erasure.reference)
            reindex_person_on_commit(person.pk)
    purge_search_index()
    erasure.refresh_from_db()
    return erasure


def purge_search_index() -> None:
    """Make the deletions final in SQLite's full-text index. FTS5 marks deleted rows and keeps
    their words in its segments until they are merged; 'optimize' merges them all now, so no
    trace of the erased words stays in the file (seconds on a large index: erasures are rare).
    PostgreSQL's deleted rows are invisible at once and their space is reclaimed by (auto)vacuum.
    The table is the search app's (search/sqlite_fts.py)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
