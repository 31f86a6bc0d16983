"""What does the reindexing the actions ask for through `core.indexing`: each kind's task,
queued after commit, and forgetting threads and files deleted for good at once
(`index.forget`). `SearchConfig.ready()` registers it, so that the apps the index reads import
nothing of search.

This module sits above `tasks` (which run `index`) and is imported by no part of search's
index, so the index never needs the tasks that call it.
"""

from __future__ import annotations

from afterclass.core.indexing import Indexed, Indexer
from afterclass.search import index, tasks

INDEXER = Indexer(
    queue={
        Indexed.POST: tasks.reindex_post.enqueue,
        Indexed.POST_DOCUMENT: tasks.reindex_post_document.enqueue,
        Indexed.COMMENT: tasks.reindex_comment.enqueue,
        Indexed.ATTACHMENT: tasks.reindex_attachment.enqueue,
        Indexed.PERSON: tasks.reindex_person.enqueue,
        Indexed.DEPARTMENT: tasks.reindex_department.enqueue,
        Indexed.SPACE: tasks.reindex_space.enqueue,
        Indexed.SESSION: tasks.reindex_session.enqueue,
        Indexed.ACTIVITY: tasks.reindex_activity.enqueue,
        Indexed.UNIT: tasks.reindex_unit.enqueue,
    },
    forget=index.forget,
)
