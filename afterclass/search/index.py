"""Keeping the search index in step with the content: storing documents (built in
`afterclass.search.documents`), the reindex functions the actions call after commit, and the
full rebuild.

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
`reindex_*` function here, a stage in `STAGES`, and a branch in `access.documents_visible_to` if
its rule differs from "content of a space".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
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
from afterclass.search.models import SearchDocument, Source
from afterclass.spaces.models import Space

BATCH = 1000


def backend() -> ModuleType:
    """The full-text backend of the database in use."""
    return postgres if connection.vendor == "postgresql" else sqlite_fts


# --- Storing --------------------------------------------------------------------------------


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


def _insert(drafts: Sequence[Draft]) -> None:
    if not drafts:
        return
    _mark_threads(drafts)
    now = timezone.now()
    for draft in drafts:
        draft.document.indexed_at = now
    created = SearchDocument.objects.bulk_create([draft.document for draft in drafts])
    rows = [
        (document.pk, draft.title_text, draft.body_text)
        for document, draft in zip(created, drafts, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(backend().INSERT_SQL, rows)


def _delete(documents: QuerySet[SearchDocument]) -> None:
    # The backend's table follows, by a trigger on both SQLite and PostgreSQL.
    documents.delete()


def _visible_attachments(post: Post) -> list[Attachment]:
    return list(Attachment.objects.filter(post=post).order_by("position", "id"))


def reindex_post(post_id: int) -> None:
    """The post, its comments and its files: stored when the post is visible, else removed.
    Files already read keep their text (a PDF is read once, when it is first indexed)."""
    post = Post.objects.filter(pk=post_id).first()
    with transaction.atomic():
        known = SearchDocument.objects.filter(post_id=post_id, source=Source.FILE)
        texts = dict(known.values_list("object_id", "body"))
        _delete(SearchDocument.objects.filter(post_id=post_id))
        if post is None or post.state != ContentState.VISIBLE:
            return
        attachments = _visible_attachments(post)
        comments = Comment.objects.filter(post=post, state=ContentState.VISIBLE)
        drafts = [post_draft(post, attachments)]
        drafts += [comment_draft(comment, post) for comment in comments]
        drafts += [
            file_draft(item, post, texts.get(item.pk))
            for item in attachments
            if item.kind == AttachmentKind.FILE
        ]
        _insert(drafts)


def _reindex_post_document(post: Post) -> None:
    _delete(SearchDocument.objects.filter(source=Source.POST, object_id=post.pk))
    if post.state == ContentState.VISIBLE:
        _insert([post_draft(post, _visible_attachments(post))])


def reindex_post_document(post_id: int) -> None:
    """Only the post's own document: its counts changed (a reaction), not its thread."""
    post = Post.objects.filter(pk=post_id).first()
    with transaction.atomic():
        if post is None:
            _delete(SearchDocument.objects.filter(post_id=post_id))
        else:
            _reindex_post_document(post)


def reindex_comment(comment_id: int) -> None:
    """One comment (gone when hidden or removed), and its post's answered state."""
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    with transaction.atomic():
        _delete(SearchDocument.objects.filter(source=Source.COMMENT, object_id=comment_id))
        if comment is None:
            return
        post = comment.post
        _reindex_post_document(post)
        if comment.state == ContentState.VISIBLE and post.state == ContentState.VISIBLE:
            _insert([comment_draft(comment, post)])


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


def reindex_person(person_id: int) -> None:
    """A person's name, job title, department and interests; gone once deactivated."""
    person = Person.objects.for_list().filter(pk=person_id).first()
    with transaction.atomic():
        _delete(SearchDocument.objects.filter(source=Source.PERSON, object_id=person_id))
        if person is not None and person.is_active:
            _insert([person_draft(person)])


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
        _delete(SearchDocument.objects.filter(source=Source.SPACE, object_id=space_id))
        if space is not None:
            _insert([space_draft(space)])


def _file_texts(documents: QuerySet[SearchDocument]) -> dict[int, str]:
    """The text of files already indexed, by attachment id: a PDF is read once."""
    return dict(documents.filter(source=Source.FILE).values_list("object_id", "body"))


def _learning_files() -> QuerySet[Attachment]:
    """A session's or activity's files to index: files, not pictures (as for posts)."""
    return Attachment.objects.filter(kind=AttachmentKind.FILE).order_by("position", "id")


def reindex_session(session_id: int) -> None:
    """A learning session's materials (its files); gone with the session or the file."""
    session = Session.objects.filter(pk=session_id).first()
    documents = SearchDocument.objects.filter(session_id=session_id)
    with transaction.atomic():
        texts = _file_texts(documents)
        _delete(documents)
        if session is not None:
            files = _learning_files().filter(session=session)
            _insert([session_file_draft(item, session, texts.get(item.pk)) for item in files])


def _activity_drafts(activity: Activity, unit: Unit, texts: dict[int, str]) -> list[Draft]:
    """An activity and its files (prefetched as `search_files`, or read here)."""
    files = getattr(activity, "search_files", None)
    if files is None:
        files = _learning_files().filter(activity=activity)
    return [
        activity_draft(activity, unit),
        *(activity_file_draft(item, activity, unit, texts.get(item.pk)) for item in files),
    ]


def _follow_threads(unit_id: int, unit: Unit | None) -> None:
    """The discussion threads of a unit's activities take its new release time; a thread whose
    activity is gone is an ordinary post again (it stays in the space)."""
    threads = SearchDocument.objects.filter(unit_id=unit_id, post_id__isnull=False)
    linked = Activity.objects.filter(unit_id=unit_id, post__isnull=False).values("post_id")
    threads.exclude(post_id__in=linked).update(unit_id=None, release_at=None)
    if unit is not None:
        threads.update(release_at=unit.release_at)


def reindex_activity(activity_id: int) -> None:
    """A learning activity and its files; gone once deleted (its thread then found as any
    post)."""
    activity = Activity.objects.select_related("unit").filter(pk=activity_id).first()
    documents = SearchDocument.objects.filter(source=Source.ACTIVITY, object_id=activity_id)
    files = SearchDocument.objects.filter(activity_id=activity_id)
    with transaction.atomic():
        unit_ids = set(documents.values_list("unit_id", flat=True))
        texts = _file_texts(files)
        _delete(documents)
        _delete(files)
        if activity is not None:
            _insert(_activity_drafts(activity, activity.unit, texts))
        for unit_id in unit_ids - ({activity.unit_id} if activity else set()):
            if unit_id is not None:
                _follow_threads(unit_id, None)


def reindex_unit(unit_id: int) -> None:
    """Every activity of a unit with their files and threads, after its title or release time
    changed; gone with the unit."""
    unit = Unit.objects.filter(pk=unit_id).first()
    files = SearchDocument.objects.filter(unit_id=unit_id, activity_id__isnull=False)
    with transaction.atomic():
        texts = _file_texts(files)
        _delete(SearchDocument.objects.filter(source=Source.ACTIVITY, unit_id=unit_id))
        _delete(files)
        if unit is not None:
            activities = unit.activities.prefetch_related(
                Prefetch("attachments", queryset=_learning_files(), to_attr="search_files")
            )
            _insert([draft for item in activities for draft in _activity_drafts(item, unit, texts)])
        _follow_threads(unit_id, unit)


def _on_commit(function: Callable[[int], None], object_id: int) -> None:
    transaction.on_commit(lambda: function(object_id))


def reindex_post_on_commit(post_id: int) -> None:
    _on_commit(reindex_post, post_id)


def reindex_post_document_on_commit(post_id: int) -> None:
    _on_commit(reindex_post_document, post_id)


def reindex_comment_on_commit(comment_id: int) -> None:
    _on_commit(reindex_comment, comment_id)


def reindex_attachment_on_commit(attachment_id: int) -> None:
    _on_commit(reindex_attachment, attachment_id)


def reindex_person_on_commit(person_id: int) -> None:
    _on_commit(reindex_person, person_id)


def reindex_department_on_commit(department_id: int) -> None:
    _on_commit(reindex_department, department_id)


def reindex_space_on_commit(space_id: int) -> None:
    _on_commit(reindex_space, space_id)


def reindex_session_on_commit(session_id: int) -> None:
    _on_commit(reindex_session, session_id)


def reindex_activity_on_commit(activity_id: int) -> None:
    _on_commit(reindex_activity, activity_id)


def reindex_unit_on_commit(unit_id: int) -> None:
    _on_commit(reindex_unit, unit_id)


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
    drafts = [post_draft(post, post.search_attachments) for post in posts]  # type: ignore[attr-defined]
    for post in posts:
        files = [
            item
            for item in post.search_attachments  # type: ignore[attr-defined]
            if item.kind == AttachmentKind.FILE
        ]
        drafts += [file_draft(item, post) for item in files]
    return drafts


def _comment_batch(comments: list[Comment]) -> list[Draft]:
    return [comment_draft(comment, comment.post) for comment in comments]


def _material_batch(files: list[Attachment]) -> list[Draft]:
    drafts = []
    for item in files:
        if item.session is not None:
            drafts.append(session_file_draft(item, item.session))
        elif item.activity is not None:
            drafts.append(activity_file_draft(item, item.activity, item.activity.unit))
    return drafts


@dataclass(frozen=True)
class Stage:
    name: str
    queryset: Callable[[], QuerySet[Any]]
    build: Callable[[list[Any]], list[Draft]]


STAGES = [
    Stage("spaces", lambda: Space.objects.all(), lambda rows: [space_draft(row) for row in rows]),
    Stage(
        "people",
        lambda: Person.objects.filter(is_active=True).for_list(),
        lambda rows: [person_draft(row) for row in rows],
    ),
    Stage(
        "posts",
        lambda: Post.objects.filter(state=ContentState.VISIBLE).prefetch_related(
            Prefetch(
                "attachments",
                queryset=Attachment.objects.order_by("position", "id"),
                to_attr="search_attachments",
            )
        ),
        _post_batch,
    ),
    Stage(
        "comments",
        lambda: Comment.objects.filter(
            state=ContentState.VISIBLE, post__state=ContentState.VISIBLE
        ).select_related("post"),
        _comment_batch,
    ),
    Stage(
        "activities",
        lambda: Activity.objects.select_related("unit"),
        lambda rows: [activity_draft(row, row.unit) for row in rows],
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
]

Progress = Callable[[str, int, int], None]


def rebuild(progress: Progress | None = None) -> dict[str, int]:
    """Drop and rebuild the whole index in one transaction (searches meanwhile see the old
    one). Returns how many documents each stage stored."""
    counts: dict[str, int] = {}
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
                _insert(drafts)
                done += len(rows)
                stored += len(drafts)
                if progress:
                    progress(stage.name, done, total)
            counts[stage.name] = stored
    with connection.cursor() as cursor:
        for statement in backend().AFTER_REBUILD_SQL:
            cursor.execute(statement)
    return counts
