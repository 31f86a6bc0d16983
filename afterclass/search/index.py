"""Keeping the search index in step with the content: storing documents (built in
`afterclass.search.documents`), the reindex functions the tasks run (the actions queue them
after commit through `afterclass.core.indexing`), and the full rebuild.

Only what someone may find is indexed: hidden and removed posts and comments, files of such
posts, deactivated people are deleted from the index, never stored with a flag. Who may see a
space's content is decided at query time (memberships change too often to index), and so is
whether a learning activity's unit is released yet (its release time passes with no action).
An activity's discussion thread (a post) carries its unit and release time too, so that it is
found no earlier than the activity, and so is each file the facilitators gave the activity; the
files of a learning session (its materials) are found by the space's members, as the session.
Learners' answers (task submissions with their files, private reflections) are never indexed:
only what the facilitators wrote.

Adding a type of document is: a `Source` and `Kind` value, a builder in `documents`, a
`reindex_*` function here, its task in `tasks`, an `Indexed` kind and its `*_on_commit` in
`core/indexing.py` and the task in `queue`, a stage in
`STAGES`, and a branch in `access.documents_visible_to` if its rule differs from "content of a
space".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Prefetch, Q, QuerySet
from django.utils import timezone

from afterclass.attachments.models import Attachment, AttachmentKind
from afterclass.learning.models import Activity, Session, Unit
from afterclass.people.models import Person
from afterclass.posts.models import Comment, ContentState, Post
from afterclass.search import postgres, sqlite_fts
from afterclass.search.documents import (
    Draft,
    activity_draft,
    activity_file_draft,
    comment_draft,
    file_draft,
    person_draft,
    post_draft,
    session_file_draft,
    space_draft,
)
from afterclass.search.extract import read_text
from afterclass.search.models import FileText, SearchDocument, Source
from afterclass.spaces.models import Space

BATCH = 1000


def backend() -> ModuleType:
    """The full-text backend of the database in use."""
    return postgres if connection.vendor == "postgresql" else sqlite_fts


# --- Storing --------------------------------------------------------------------------------

# Every column a document's upsert rewrites: all but its key.
UPDATED_FIELDS = [
    field.name
    for field in SearchDocument._meta.concrete_fields
    if field.name not in ("id", "source", "object_id")
]


def _mark_threads(drafts: Sequence[Draft]) -> None:
    """Documents of a post that is a learning activity's discussion thread get the activity's
    unit and release time (see access.documents_visible_to)."""
    post_ids = {draft.document.post_id for draft in drafts if draft.document.post_id is not None}
    if not post_ids:
        return
    rows = Activity.objects.filter(post_id__in=post_ids).values_list(
        "post_id", "unit_id", "unit__release_at"
    )
    threads = {post_id: (unit_id, release_at) for post_id, unit_id, release_at in rows}
    for draft in drafts:
        thread = threads.get(draft.document.post_id or 0)
        if thread is not None:
            draft.document.unit_id, draft.document.release_at = thread


def _store(drafts: Sequence[Draft]) -> None:
    """Insert or update each document and its full-text entry, by (source, object id): two
    tasks indexing the same thing at once both succeed, the later one's content stays. Rows are
    written in one order, (source, object id), so that concurrent upserts of overlapping rows
    (a post's own document, updated with each of its comments) wait for each other instead of
    deadlocking."""
    unique = {(draft.document.source, draft.document.object_id): draft for draft in drafts}
    ordered = [unique[key] for key in sorted(unique)]
    if not ordered:
        return
    _mark_threads(ordered)
    now = timezone.now()
    for draft in ordered:
        draft.document.indexed_at = now
    stored = SearchDocument.objects.bulk_create(
        [draft.document for draft in ordered],
        update_conflicts=True,
        unique_fields=["source", "object_id"],
        update_fields=UPDATED_FIELDS,
    )
    rows = [
        (document.pk, draft.title_text, draft.body_text)
        for document, draft in zip(stored, ordered, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(backend().UPSERT_SQL, rows)


def _lock_thread(post_id: int) -> None:
    """Inside a transaction: wait until no other one writes this post's documents. Every
    comment's update rewrites its post's own document too, and a post's reindex rewrites its
    comments': on PostgreSQL two such transactions, each holding a row the other needs, would
    deadlock and one would fail. One at a time per post, they never do (each is short)."""
    lock_sql = backend().THREAD_LOCK_SQL
    if lock_sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(lock_sql, [backend().THREAD_LOCK_CLASS, post_id % 2**31])


def _delete(documents: QuerySet[SearchDocument]) -> None:
    # The backend's table follows, by a trigger on both SQLite and PostgreSQL.
    documents.delete()


def forget(threads: Collection[int], files: Collection[int]) -> None:
    """Delete at once what the index holds of threads deleted for good (the documents of their
    posts, comments and files) and of files deleted for good (their documents and read text):
    `core.indexing.forget`, in the deleting transaction."""
    if files:
        FileText.objects.filter(attachment_id__in=list(files)).delete()
        _delete(SearchDocument.objects.filter(source=Source.FILE, object_id__in=list(files)))
    if threads:
        _delete(SearchDocument.objects.filter(post_id__in=list(threads)))


def _delete_stale(documents: QuerySet[SearchDocument], current: QuerySet[Any]) -> None:
    """Delete those of `documents` whose object is not among `current` any more. The database
    judges it when deleting, so a comment or file committed after we read the thread keeps the
    document its own task stores."""
    _delete(documents.exclude(object_id__in=current.values("pk")))


# --- Files' text ----------------------------------------------------------------------------


def _file_texts(files: Iterable[Attachment]) -> dict[int, str]:
    """The text read from each file so far, by attachment id (a file not read yet has none)."""
    ids = [item.pk for item in files]
    return dict(FileText.objects.filter(attachment_id__in=ids).values_list("attachment_id", "text"))


def read_files(files: Iterable[Attachment]) -> bool:
    """Read the text of the files never read, each within its time and size budget, and keep
    it: never inside a transaction (a slow file must not hold the database while others write).
    Returns whether any file was read."""
    files = [item for item in files if item.kind == AttachmentKind.FILE]
    known = set(_file_texts(files))
    read = False
    for item in files:
        if item.pk in known:
            continue
        reading = read_text(item)
        FileText.objects.bulk_create(
            [FileText(attachment_id=item.pk, text=reading.text, outcome=reading.outcome)],
            update_conflicts=True,
            unique_fields=["attachment_id"],
            update_fields=["text", "outcome", "read_at"],
        )
        read = True
    return read


# --- Reindexing: each reads the current state and stores it, so running one twice gives the
# same index; files are read between two passes, outside the transactions -------------------


def _visible_attachments(post: Post) -> list[Attachment]:
    return list(Attachment.objects.filter(post=post).order_by("position", "id"))


def _index_thread(post_id: int) -> list[Attachment]:
    """Store a visible post with its comments and files, or remove them all; returns the files
    of the visible post."""
    documents = SearchDocument.objects.filter(post_id=post_id)
    with transaction.atomic():
        _lock_thread(post_id)
        # Read under the lock: what the last transaction to hold it wrote is seen.
        post = Post.objects.filter(pk=post_id).first()
        if post is None or post.state != ContentState.VISIBLE:
            _delete(documents)
            return []
        attachments = _visible_attachments(post)
        files = [item for item in attachments if item.kind == AttachmentKind.FILE]
        texts = _file_texts(files)
        comments = Comment.objects.filter(post=post, state=ContentState.VISIBLE)
        _store([
            post_draft(post, attachments),
            *(comment_draft(comment, post) for comment in comments),
            *(file_draft(item, post, texts.get(item.pk, "")) for item in files),
        ])  # fmt: skip
        _delete_stale(
            documents.filter(source=Source.COMMENT),
            Comment.objects.filter(post_id=post_id, state=ContentState.VISIBLE),
        )
        _delete_stale(
            documents.filter(source=Source.FILE),
            Attachment.objects.filter(post_id=post_id, kind=AttachmentKind.FILE),
        )
    return files


def reindex_post(post_id: int) -> None:
    """The post, its comments and its files: stored when the post is visible, else removed.
    The post is findable before its files are read; a file is read once (see read_files)."""
    if read_files(_index_thread(post_id)):
        _index_thread(post_id)


def _index_post_document(post: Post) -> None:
    documents = SearchDocument.objects.filter(source=Source.POST, object_id=post.pk)
    if post.state == ContentState.VISIBLE:
        _store([post_draft(post, _visible_attachments(post))])
    else:
        _delete(documents)


def reindex_post_document(post_id: int) -> None:
    """Only the post's own document: its counts changed (a reaction), not its thread."""
    with transaction.atomic():
        _lock_thread(post_id)
        post = Post.objects.filter(pk=post_id).first()
        if post is None:
            _delete(SearchDocument.objects.filter(post_id=post_id))
        else:
            _index_post_document(post)


def reindex_comment(comment_id: int) -> None:
    """One comment (gone when hidden or removed), and its post's answered state."""
    post_id = Comment.objects.filter(pk=comment_id).values_list("post_id", flat=True).first()
    document = SearchDocument.objects.filter(source=Source.COMMENT, object_id=comment_id)
    with transaction.atomic():
        if post_id is not None:
            _lock_thread(post_id)
        comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
        if comment is None:
            _delete(document)
            return
        post = comment.post
        if post.state != ContentState.VISIBLE:
            _delete(SearchDocument.objects.filter(post_id=post.pk))
        elif comment.state != ContentState.VISIBLE:
            _delete(document)
            _index_post_document(post)
        else:
            _store([post_draft(post, _visible_attachments(post)), comment_draft(comment, post)])


def reindex_attachment(attachment_id: int) -> None:
    """A file of a post (a picture's alt text lives in its post's document), of a learning
    session or of an activity. A file not attached, or a learner's submitted file, is never
    indexed."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is not None and attachment.post_id is not None:
        reindex_post(attachment.post_id)
    elif attachment is not None and attachment.session_id is not None:
        reindex_session(attachment.session_id)
    elif attachment is not None and attachment.activity_id is not None:
        reindex_activity(attachment.activity_id)
    else:
        with transaction.atomic():
            _delete(SearchDocument.objects.filter(source=Source.FILE, object_id=attachment_id))
            if attachment is None:
                FileText.objects.filter(attachment_id=attachment_id).delete()


def reindex_person(person_id: int) -> None:
    """A person's name, job title, department and interests; gone once deactivated."""
    person = Person.objects.for_list().filter(pk=person_id).first()
    with transaction.atomic():
        if person is not None and person.is_active:
            _store([person_draft(person)])
        else:
            _delete(SearchDocument.objects.filter(source=Source.PERSON, object_id=person_id))


def reindex_department(department_id: int) -> None:
    """Everyone in a department or its teams, after it is renamed."""
    ids = Person.objects.filter(department_id=department_id).values_list("pk", flat=True)
    team_ids = Person.objects.filter(department__parent_id=department_id).values_list(
        "pk", flat=True
    )
    for person_id in [*ids, *team_ids]:
        reindex_person(person_id)


def reindex_space(space_id: int) -> None:
    """A space's name and purpose. Who may find it is decided at query time."""
    space = Space.objects.filter(pk=space_id).first()
    with transaction.atomic():
        if space is not None:
            _store([space_draft(space)])
        else:
            _delete(SearchDocument.objects.filter(source=Source.SPACE, object_id=space_id))


def _learning_files() -> QuerySet[Attachment]:
    """A session's or activity's files to index: files, not pictures (as for posts)."""
    return Attachment.objects.filter(kind=AttachmentKind.FILE).order_by("position", "id")


def _index_session(session_id: int) -> list[Attachment]:
    session = Session.objects.filter(pk=session_id).first()
    files = list(_learning_files().filter(session=session)) if session is not None else []
    with transaction.atomic():
        if session is not None:
            texts = _file_texts(files)
            _store([session_file_draft(item, session, texts.get(item.pk, "")) for item in files])
        _delete_stale(
            SearchDocument.objects.filter(session_id=session_id),
            _learning_files().filter(session_id=session_id),
        )
    return files


def reindex_session(session_id: int) -> None:
    """A learning session's materials (its files); gone with the session or the file."""
    if read_files(_index_session(session_id)):
        _index_session(session_id)


def _activity_drafts(activity: Activity, unit: Unit, texts: dict[int, str]) -> list[Draft]:
    """An activity and its files (prefetched by `_with_files`: `attachments.all()` reads them)."""
    return [
        activity_draft(activity, unit),
        *(
            activity_file_draft(item, activity, unit, texts.get(item.pk, ""))
            for item in activity.attachments.all()  # prefetched by `_with_files`
        ),
    ]


def _with_files(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.prefetch_related(Prefetch("attachments", queryset=_learning_files()))


def _follow_threads(unit_id: int, unit: Unit | None) -> None:
    """The discussion threads of a unit's activities take its new release time; a thread whose
    activity is gone is an ordinary post again (it stays in the space)."""
    threads = SearchDocument.objects.filter(unit_id=unit_id, post_id__isnull=False)
    linked = Activity.objects.filter(unit_id=unit_id, post__isnull=False).values("post_id")
    threads.exclude(post_id__in=linked).update(unit_id=None, release_at=None)
    if unit is not None:
        threads.update(release_at=unit.release_at)


def _index_activity(activity_id: int) -> list[Attachment]:
    activity = _with_files(Activity.objects.select_related("unit")).filter(pk=activity_id).first()
    document = SearchDocument.objects.filter(source=Source.ACTIVITY, object_id=activity_id)
    with transaction.atomic():
        unit_ids = set(document.values_list("unit_id", flat=True))
        files: list[Attachment] = []
        if activity is None:
            _delete(document)
        else:
            files = list(activity.attachments.all())
            _store(_activity_drafts(activity, activity.unit, _file_texts(files)))
        _delete_stale(
            SearchDocument.objects.filter(activity_id=activity_id),
            _learning_files().filter(activity_id=activity_id),
        )
        for unit_id in unit_ids - ({activity.unit_id} if activity else set()):
            if unit_id is not None:
                _follow_threads(unit_id, None)
    return files


def reindex_activity(activity_id: int) -> None:
    """A learning activity and its files; gone once deleted (its thread then found as any
    post)."""
    if read_files(_index_activity(activity_id)):
        _index_activity(activity_id)


def _index_unit(unit_id: int) -> list[Attachment]:
    unit = Unit.objects.filter(pk=unit_id).first()
    activities = list(_with_files(unit.activities.all())) if unit is not None else []
    files = [item for activity in activities for item in activity.attachments.all()]
    with transaction.atomic():
        if unit is not None:
            texts = _file_texts(files)
            _store([draft for item in activities for draft in _activity_drafts(item, unit, texts)])
        _delete_stale(
            SearchDocument.objects.filter(source=Source.ACTIVITY, unit_id=unit_id),
            Activity.objects.filter(unit_id=unit_id),
        )
        _delete_stale(
            SearchDocument.objects.filter(unit_id=unit_id, activity_id__isnull=False),
            _learning_files().filter(activity__unit_id=unit_id),
        )
        _follow_threads(unit_id, unit)
    return files


def reindex_unit(unit_id: int) -> None:
    """Every activity of a unit with their files and threads, after its title or release time
    changed; gone with the unit."""
    if read_files(_index_unit(unit_id)):
        _index_unit(unit_id)


# --- Rebuild --------------------------------------------------------------------------------


def _batches[M: Model](queryset: QuerySet[M]) -> Iterator[list[M]]:
    last = 0
    while True:
        batch = list(queryset.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def _post_batch(posts: list[Post]) -> list[Draft]:
    # Each post's attachments, prefetched in order by the "posts" stage.
    drafts = [post_draft(post, list(post.attachments.all())) for post in posts]
    files = [
        (item, post)
        for post in posts
        for item in post.attachments.all()
        if item.kind == AttachmentKind.FILE
    ]
    texts = _file_texts(item for item, _ in files)
    return drafts + [file_draft(item, post, texts.get(item.pk, "")) for item, post in files]


def _comment_batch(comments: list[Comment]) -> list[Draft]:
    return [comment_draft(comment, comment.post) for comment in comments]


def _material_batch(files: list[Attachment]) -> list[Draft]:
    texts = _file_texts(files)
    drafts = []
    for item in files:
        text = texts.get(item.pk, "")
        if item.session is not None:
            drafts.append(session_file_draft(item, item.session, text))
        elif item.activity is not None:
            drafts.append(activity_file_draft(item, item.activity, item.activity.unit, text))
    return drafts


@dataclass(frozen=True)
class Stage:
    name: str
    queryset: Callable[[], QuerySet[Any]]
    build: Callable[[list[Any]], list[Draft]]


# In this order: a search ranks the newest matches (see engine.CANDIDATES), and after a rebuild
# the newest documents are the last stored. Those a search is most often for come last: spaces,
# people, learning activities and their files, then posts, with comments first of all.
STAGES = [
    Stage(
        "comments",
        lambda: Comment.objects.filter(
            state=ContentState.VISIBLE, post__state=ContentState.VISIBLE
        ).select_related("post"),
        _comment_batch,
    ),
    Stage(
        "posts",
        lambda: Post.objects.filter(state=ContentState.VISIBLE).prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.order_by("position", "id"))
        ),
        _post_batch,
    ),
    # The files of learning sessions and activities; never a submission's.
    Stage(
        "materials",
        lambda: (
            _learning_files()
            .filter(Q(session__isnull=False) | Q(activity__isnull=False))
            .select_related("session", "activity__unit")
        ),
        _material_batch,
    ),
    Stage(
        "activities",
        lambda: Activity.objects.select_related("unit"),
        lambda rows: [activity_draft(row, row.unit) for row in rows],
    ),
    Stage(
        "people",
        lambda: Person.objects.filter(is_active=True).for_list(),
        lambda rows: [person_draft(row) for row in rows],
    ),
    Stage("spaces", lambda: Space.objects.all(), lambda rows: [space_draft(row) for row in rows]),
]

Progress = Callable[[str, int, int], None]


def _files_to_read() -> QuerySet[Attachment]:
    """The files the index holds (those of visible posts, sessions and activities) whose text
    was never read."""
    return (
        _learning_files()
        .filter(
            Q(post__state=ContentState.VISIBLE)
            | Q(session__isnull=False)
            | Q(activity__isnull=False)
        )
        .exclude(pk__in=FileText.objects.values("attachment_id"))
    )


def read_all_files(progress: Progress | None = None) -> int:
    """Read the files never read (after a restore, or those attached while no worker ran),
    each in its own short write, within its budget; returns how many."""
    FileText.objects.exclude(attachment_id__in=Attachment.objects.values("pk")).delete()
    queryset = _files_to_read()
    total = queryset.count()
    done = 0
    if progress:
        progress("files", 0, total)
    for files in _batches(queryset):
        read_files(files)
        done += len(files)
        if progress:
            progress("files", done, total)
    return total


def rebuild(progress: Progress | None = None) -> dict[str, int]:
    """Read the files never read, then drop and rebuild the whole index in one transaction
    (searches meanwhile see the old one). Returns how many files were read and how many
    documents each stage stored."""
    counts = {"files read": read_all_files(progress)}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(backend().CLEAR_SQL)
        SearchDocument.objects.all().delete()
        for stage in STAGES:
            queryset = stage.queryset()
            total = queryset.count()
            done = 0
            stored = 0
            if progress:
                progress(stage.name, 0, total)
            for rows in _batches(queryset):
                drafts = stage.build(rows)
                _store(drafts)
                done += len(rows)
                stored += len(drafts)
                if progress:
                    progress(stage.name, done, total)
            counts[stage.name] = stored
    with connection.cursor() as cursor:
        for statement in backend().AFTER_REBUILD_SQL:
            cursor.execute(statement)
    return counts
