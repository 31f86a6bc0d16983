"""Keeping the search index in step with the content: builders of documents for each source,
the reindex functions the actions call after commit, and the full rebuild.

Only what someone may find is indexed: hidden and removed posts and comments, files of such
posts, deactivated people are deleted from the index, never stored with a flag. Who may see a
space's content is decided at query time (memberships change too often to index).

Adding a type of document (learning activities, say) is: a `Source` and `Kind` value, a
builder returning `Draft`s here, a `reindex_*` function, a stage in `STAGES`, and a branch in
`access.documents_visible_to` if its rule differs from "content of a space".
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Prefetch, QuerySet
from django.utils import timezone

from afterclass.attachments.models import Attachment, AttachmentKind
from afterclass.people.models import Person
from afterclass.posts.models import Comment, ContentState, Post, PostKind
from afterclass.search import postgres, sqlite_fts
from afterclass.search.extract import attachment_text
from afterclass.search.models import Kind, SearchDocument, Source
from afterclass.search.text import index_text
from afterclass.spaces.models import Space

BATCH = 1000
TAG = re.compile(r"<[^>]+>")


def backend() -> ModuleType:
    """The full-text backend of the database in use."""
    return postgres if connection.vendor == "postgresql" else sqlite_fts


@dataclass
class Draft:
    """A document about to be stored, with the text its title and body are matched by."""

    document: SearchDocument
    title_text: str
    body_text: str


def plain_text(body_html: str, fallback: str = "") -> str:
    """Readable text of rendered Markdown: tags become spaces, entities characters."""
    if not body_html:
        return fallback
    return " ".join(html.unescape(TAG.sub(" ", body_html)).split())


# --- Builders -------------------------------------------------------------------------------


def post_draft(post: Post, attachments: Sequence[Attachment]) -> Draft:
    alt_texts = [item.alt_text for item in attachments if item.alt_text]
    body = " ".join([plain_text(post.body_html, post.body), *alt_texts]).strip()
    document = SearchDocument(
        source=Source.POST,
        object_id=post.pk,
        kind=post.kind,
        space_id=post.space_id,
        post_id=post.pk,
        # An anonymous question's asker never enters the index (see posts.access).
        author_id=None if post.is_anonymous else post.author_id,
        title=post.title[:300],
        body=body,
        is_answered=post.kind == PostKind.QUESTION and post.answer_count > 0,
        is_accepted=post.accepted_answer_id is not None,
        helped_count=post.helped_count,
        has_files=bool(attachments),
        created_at=post.created_at,
    )
    return Draft(document, index_text(post.title), index_text(body))


def comment_draft(comment: Comment, post: Post) -> Draft:
    is_answer = post.kind == PostKind.QUESTION and comment.parent_id is None
    body = plain_text(comment.body_html, comment.body)
    document = SearchDocument(
        source=Source.COMMENT,
        object_id=comment.pk,
        kind=Kind.ANSWER if is_answer else Kind.COMMENT,
        space_id=post.space_id,
        post_id=post.pk,
        # The asker's own comments in their anonymous question are "a colleague" too.
        author_id=None
        if post.is_anonymous and comment.author_id == post.author_id
        else comment.author_id,
        # Shown as the context of the result; not matched (the post itself is found by it).
        title=post.title[:300],
        body=body,
        is_answered=is_answer,
        is_accepted=post.accepted_answer_id == comment.pk,
        helped_count=comment.helped_count,
        created_at=comment.created_at,
    )
    return Draft(document, "", index_text(body))


def file_draft(attachment: Attachment, post: Post, text: str | None = None) -> Draft:
    """A file's name and text; `text` when it was read before (reading a PDF is slow)."""
    if text is None:
        text = attachment_text(attachment)
    document = SearchDocument(
        source=Source.FILE,
        object_id=attachment.pk,
        kind=Kind.FILE,
        space_id=post.space_id,
        post_id=post.pk,
        # The file of an anonymous question was uploaded by its asker: not shown either.
        author_id=None if post.is_anonymous else attachment.uploader_id,
        title=attachment.original_name[:300],
        body=text,
        has_files=True,
        created_at=attachment.created_at,
    )
    return Draft(document, index_text(attachment.original_name), index_text(text))


def person_draft(person: Person) -> Draft:
    department = person.department.path if person.department else ""
    interests = ", ".join(str(item) for item in person.interests or [])
    body = " · ".join(part for part in [person.job_title, department, interests] if part)
    document = SearchDocument(
        source=Source.PERSON,
        object_id=person.pk,
        kind=Kind.PERSON,
        title=person.display_name[:300],
        body=body,
        created_at=person.date_joined,
    )
    return Draft(document, index_text(person.display_name), index_text(f"{body} {person.bio}"))


def space_draft(space: Space) -> Draft:
    body = " ".join(part for part in [space.description, space.purpose] if part)
    document = SearchDocument(
        source=Source.SPACE,
        object_id=space.pk,
        kind=Kind.SPACE,
        space_id=space.pk,
        title=space.name,
        body=body,
        created_at=space.created_at,
    )
    return Draft(document, index_text(space.name), index_text(body))


# --- Storing --------------------------------------------------------------------------------


def _insert(drafts: Sequence[Draft]) -> None:
    if not drafts:
        return
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
    """A file of a post (a picture's alt text lives in its post's document)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.post_id is None:
        with transaction.atomic():
            _delete(SearchDocument.objects.filter(source=Source.FILE, object_id=attachment_id))
        return
    reindex_post(attachment.post_id)


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
