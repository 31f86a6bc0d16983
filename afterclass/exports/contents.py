"""What a person's data export holds: everything they wrote, chose or were sent, as plain data.

Each part is a query on rows that belong to the person (author, person, recipient or uploader
is them), so nothing of anyone else's private data can come along: no other author's name on
an anonymous question, no actor of a notification (an anonymous asker could be one), no
anonymous survey answers (they have no person). The person's OWN anonymous questions are their
data: they are in it, marked `"anonymous": true`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from afterclass.attachments.models import Attachment
from afterclass.learning.models import Submission
from afterclass.notifications.models import Notification
from afterclass.people.models import Person
from afterclass.polls.models import PollBallot
from afterclass.posts.models import Comment, Post, Reaction, Vote
from afterclass.surveys.models import Response


def _when(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass
class StoredFile:
    """A file to copy into the zip, read from the storage backend by its name."""

    storage_name: str
    archive_name: str


@dataclass
class ExportContents:
    sections: dict[str, Any] = field(default_factory=dict)
    files: list[StoredFile] = field(default_factory=list)


def profile(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "display_name": person.display_name,
        "email": person.email,
        "job_title": person.job_title,
        "department": person.department.path if person.department else None,
        "level": person.level.name if person.level else None,
        "bio": person.bio,
        "interests": person.interests,
        "date_joined": _when(person.date_joined),
        "avatar": _avatar_name(person),
    }


def _avatar_name(person: Person) -> str | None:
    if not person.avatar or not person.avatar.name:
        return None
    return f"files/avatar/{person.avatar.name.rsplit('/', 1)[-1]}"


def posts(person: Person) -> list[dict[str, Any]]:
    found = Post.objects.filter(author=person).select_related("space").order_by("created_at", "pk")
    return [
        {
            "id": post.pk,
            "space": post.space.name,
            "kind": post.kind,
            "anonymous": post.is_anonymous,
            "title": post.title,
            "body": post.body,
            "state": post.state,
            "created_at": _when(post.created_at),
            "edited_at": _when(post.edited_at),
        }
        for post in found
    ]


def comments(person: Person) -> list[dict[str, Any]]:
    found = (
        Comment.objects.filter(author=person)
        .select_related("post__space")
        .order_by("created_at", "pk")
    )
    return [
        {
            "id": comment.pk,
            "space": comment.post.space.name,
            "post_id": comment.post_id,
            "post_title": comment.post.title,
            "is_answer": comment.post.kind == "question",
            "reply_to": comment.parent_id,
            "body": comment.body,
            "state": comment.state,
            "created_at": _when(comment.created_at),
            "edited_at": _when(comment.edited_at),
        }
        for comment in found
    ]


def reactions(person: Person) -> list[dict[str, Any]]:
    found = Reaction.objects.filter(person=person).order_by("created_at", "pk")
    return [
        {
            "kind": reaction.kind,
            "post_id": reaction.post_id,
            "comment_id": reaction.comment_id,
            "created_at": _when(reaction.created_at),
        }
        for reaction in found
    ]


def answer_votes(person: Person) -> list[dict[str, Any]]:
    found = Vote.objects.filter(person=person).order_by("created_at", "pk")
    return [{"comment_id": vote.comment_id, "created_at": _when(vote.created_at)} for vote in found]


def poll_votes(person: Person) -> list[dict[str, Any]]:
    found = (
        PollBallot.objects.filter(person=person)
        .select_related("poll__post")
        .prefetch_related("choices__option")
        .order_by("pk")
    )
    return [
        {
            "post_id": ballot.poll.post_id,
            "question": ballot.poll.post.title,
            "anonymous_poll": ballot.poll.anonymous,
            # An anonymous poll keeps no record of what anyone chose, theirs included.
            "chose": [choice.option.text for choice in ballot.choices.all()],
        }
        for ballot in found
    ]


def submissions(person: Person) -> list[dict[str, Any]]:
    found = (
        Submission.objects.filter(person=person)
        .select_related("activity__unit__space")
        .order_by("submitted_at", "pk")
    )
    return [
        {
            "id": submission.pk,
            "space": submission.activity.unit.space.name,
            "activity": submission.activity.title,
            "kind": submission.activity.kind,  # a reflection is a kind of activity
            "text": submission.text,
            "state": submission.state,
            "feedback": submission.feedback,
            "submitted_at": _when(submission.submitted_at),
        }
        for submission in found
    ]


def survey_answers(person: Person) -> list[dict[str, Any]]:
    # Anonymous surveys' responses have no person: this filter cannot reach them.
    found = (
        Response.objects.filter(person=person)
        .select_related("survey")
        .prefetch_related("survey__questions")
        .order_by("submitted_on")
    )
    rows = []
    for response in found:
        questions = {str(q.pk): q.text for q in response.survey.questions.all()}
        rows.append(
            {
                "survey": response.survey.title,
                "submitted_at": _when(response.submitted_at or response.submitted_on),
                "answers": [
                    {"question": questions.get(key, key), "answer": value}
                    for key, value in response.answers.items()
                ],
            }
        )
    return rows


def notifications(person: Person) -> list[dict[str, Any]]:
    # The actor is left out: the message is already written for the recipient, anonymity
    # applied, and an actor could be an anonymous asker.
    found = Notification.objects.filter(recipient=person).order_by("created_at", "pk")
    return [
        {
            "kind": notification.kind,
            "message": notification.message,
            "url": notification.url,
            "created_at": _when(notification.created_at),
            "read_at": _when(notification.read_at),
        }
        for notification in found
    ]


def uploaded_files(person: Person) -> tuple[list[dict[str, Any]], list[StoredFile]]:
    found = Attachment.objects.filter(uploader=person).order_by("created_at", "pk")
    listed, files = [], []
    for attachment in found:
        name = f"files/uploads/{attachment.pk}-{attachment.original_name}".replace("..", "_")
        listed.append(
            {
                "id": attachment.pk,
                "name": attachment.original_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "alt_text": attachment.alt_text,
                "uploaded_at": _when(attachment.created_at),
                "in_this_archive": name,
            }
        )
        files.append(StoredFile(attachment.file.name or "", name))
    return listed, files


def collect(person: Person) -> ExportContents:
    """All of `person`'s data, as sections (for JSON and the HTML index) and files to copy."""
    person = Person.objects.select_related("department", "level").get(pk=person.pk)
    contents = ExportContents()
    contents.sections = {
        "profile": profile(person),
        "posts": posts(person),
        "comments_and_answers": comments(person),
        "reactions": reactions(person),
        "answer_votes": answer_votes(person),
        "poll_votes": poll_votes(person),
        "learning_submissions": submissions(person),
        "survey_answers": survey_answers(person),
        "notifications": notifications(person),
    }
    listed, files = uploaded_files(person)
    contents.sections["files"] = listed
    avatar = _avatar_name(person)
    if avatar and person.avatar.name:
        files.append(StoredFile(person.avatar.name, avatar))
    contents.files = files
    return contents
