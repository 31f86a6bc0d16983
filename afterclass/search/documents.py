"""What each findable thing's search document holds: one builder per source, returning the
document to store and the folded text its title and body are matched by.

Each builder takes only what its source's author wrote for others to read: a learning
activity's document holds what the facilitators wrote, never a learner's answer.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass

from afterclass.attachments.models import Attachment
from afterclass.learning.models import Activity, Session, Unit
from afterclass.people.models import Person
from afterclass.posts.models import Comment, Post, PostKind
from afterclass.search.models import Kind, SearchDocument, Source
from afterclass.search.text import index_text
from afterclass.spaces.models import Space

TAG = re.compile(r"<[^>]+>")


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


def file_draft(attachment: Attachment, post: Post, text: str) -> Draft:
    """A file's name and the text read from it ("" until it is read, see index.read_files)."""
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


def session_file_draft(attachment: Attachment, session: Session, text: str) -> Draft:
    """A learning session's material: found by the space's members, as the session page."""
    document = _learning_file_document(attachment, session.space_id)
    document.session_id = session.pk
    return _learning_file_draft(document, attachment, text)


def activity_file_draft(attachment: Attachment, activity: Activity, unit: Unit, text: str) -> Draft:
    """A learning activity's file: released with its unit, as the activity."""
    document = _learning_file_document(attachment, unit.space_id)
    document.activity_id = activity.pk
    document.unit_id, document.release_at = unit.pk, unit.release_at
    return _learning_file_draft(document, attachment, text)


# Only what facilitators gave a session or activity is built here: a learner's submitted file
# never reaches a builder (see index.reindex_attachment and the "materials" stage).
def _learning_file_document(attachment: Attachment, space_id: int) -> SearchDocument:
    return SearchDocument(
        source=Source.FILE,
        kind=Kind.FILE,
        object_id=attachment.pk,
        space_id=space_id,
        author_id=attachment.uploader_id,
        title=attachment.original_name[:300],
        has_files=True,
        created_at=attachment.created_at,
    )


def _learning_file_draft(document: SearchDocument, attachment: Attachment, text: str) -> Draft:
    document.body = text
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


def activity_draft(activity: Activity, unit: Unit) -> Draft:
    """A learning activity's title and instructions, and its unit's title; never anything a
    learner wrote."""
    instructions = plain_text(activity.instructions_html, activity.instructions)
    body = " · ".join(part for part in [unit.title, instructions] if part)
    document = SearchDocument(
        source=Source.ACTIVITY,
        object_id=activity.pk,
        kind=Kind.ACTIVITY,
        space_id=unit.space_id,
        unit_id=unit.pk,
        release_at=unit.release_at,
        title=activity.title[:300],
        body=body,
        created_at=activity.created_at,
    )
    return Draft(document, index_text(activity.title), index_text(body))
