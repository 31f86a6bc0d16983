"""Writing a demo space's conversations through the posts actions, then dating them in the past.

Every upload, post, answer, vote, reaction and report is made by the action a person would use,
so counters, events and audit entries agree with the rows; pictures and PDFs are drawn by
demo.media and pass do_upload's checks like anyone's. Only the timestamps are set afterwards
(the actions always say "now"), as a fixture would, so the demo carries ninety days of history.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max, Model, QuerySet

from afterclass.attachments.actions import do_upload
from afterclass.attachments.models import Attachment
from afterclass.audit.models import AuditEntry
from afterclass.demo.media import draw_picture, make_pdf
from afterclass.demo.threads import MODERATOR, Answer, Conversations, Thread
from afterclass.insights.models import Event, EventKind
from afterclass.moderation.actions import do_report
from afterclass.moderation.models import Report
from afterclass.people.models import Person
from afterclass.posts.actions import (
    do_accept_answer,
    do_comment,
    do_create_post,
    do_react,
    do_vote,
)
from afterclass.posts.models import Comment, Post, Reaction, ReactionKind, Vote
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import (
    GroundRules,
    Membership,
    MembershipState,
    Role,
    RulesAcceptance,
    Space,
)

HISTORY = timedelta(days=90)


def _last_pk(queryset: QuerySet[Event] | QuerySet[AuditEntry]) -> int:
    return int(queryset.aggregate(last=Max("pk"))["last"] or 0)


class ConversationWriter:
    """Writes one space's threads; `until` is the latest moment anything may be dated."""

    def __init__(
        self, space: Space, plan: Conversations, rng: random.Random, *, now: datetime,
        until: datetime,
    ) -> None:  # fmt: skip
        self.space = space
        self.plan = plan
        self.rng = rng
        self.now = now
        self.until = until
        memberships = list(
            Membership.objects.filter(
                space=space,
                state=MembershipState.ACTIVE,
                rules_version_accepted__gte=space.rules_version,
            )
            .select_related("person")
            .order_by("person__email")
        )
        self.people = [membership.person for membership in memberships]
        self.owner = next(m.person for m in memberships if m.role == Role.OWNER)
        moderators = [m.person for m in memberships if m.role == Role.MODERATOR]
        self.moderator = moderators[0] if moderators else self.owner
        self.event_mark = _last_pk(Event.objects.all())
        self.audit_mark = _last_pk(AuditEntry.objects.all())
        self.comments = 0

    # --- Who and when ------------------------------------------------------------------------

    def person(self, by: str | None, *, besides: tuple[Person, ...] = ()) -> Person:
        if by == MODERATOR:
            return self.moderator
        named = [person for person in self.people if by and person.job_title == by]
        if named:
            return named[0]
        pool = [person for person in self.people if person not in besides] or self.people
        return self.rng.choice(pool)

    def some(self, count: int, *, besides: tuple[Person, ...]) -> list[Person]:
        pool = [person for person in self.people if person not in besides]
        return self.rng.sample(pool, min(count, len(pool)))

    def later(self, after: datetime, *, most_hours: float) -> datetime:
        return min(after + timedelta(hours=self.rng.uniform(0.2, most_hours)), self.until)

    def dated(self, model: type[Model], when: datetime, **lookup: object) -> None:
        """Date what one action wrote: its row, and the events and audit entries it recorded."""
        model._default_manager.filter(**lookup).update(created_at=when)
        self.stamp(when)

    def stamp(self, when: datetime) -> None:
        """Date the events and audit entries recorded since the last stamp."""
        Event.objects.filter(pk__gt=self.event_mark).update(time=when)
        AuditEntry._base_manager.filter(pk__gt=self.audit_mark).update(time=when)
        self.event_mark = _last_pk(Event.objects.all())
        self.audit_mark = _last_pk(AuditEntry.objects.all())

    # --- Writing ---------------------------------------------------------------------------

    def write(self, threads: Sequence[Thread] | None = None) -> int:
        """Write every thread (or only `threads`, into a space that already has its history),
        oldest first; returns how many posts were made."""
        if self.plan.anonymous_questions != self.space.anonymous_questions:
            do_update_space(
                self.space, actor=self.owner, anonymous_questions=self.plan.anonymous_questions
            )
        if threads is None:
            threads = sorted(self.plan.threads, key=lambda thread: -thread.days_ago)
            first = self.post_time(threads[0]) if threads else self.until
            self.date_space(first - timedelta(days=1))
        else:
            threads = sorted(threads, key=lambda thread: -thread.days_ago)
        for thread in threads:
            self.thread(thread)
        return len(threads)

    def post_time(self, thread: Thread) -> datetime:
        day = self.now - timedelta(days=thread.days_ago)
        earliest = self.now - HISTORY + timedelta(hours=2)
        return min(max(day - timedelta(minutes=self.rng.randint(0, 480)), earliest), self.until)

    def date_space(self, launched: datetime) -> None:
        """The space was set up a week before its first post and everyone joined at launch.
        Their events say so too: insights count joining and accepting the rules as activity,
        so left at "now" they would make every member look active this week."""
        created = launched - timedelta(days=7)
        Space.objects.filter(pk=self.space.pk).update(created_at=created, launched_at=launched)
        GroundRules.objects.filter(space=self.space).update(created_at=created)
        Membership.objects.filter(space=self.space, joined_at__isnull=False).update(
            joined_at=launched
        )
        RulesAcceptance.objects.filter(space=self.space).update(accepted_at=launched)
        setup = Event.objects.filter(space=self.space, pk__lte=self.event_mark)
        setup.filter(kind=EventKind.SPACE_CREATED).update(time=created)
        setup.filter(kind__in=(EventKind.JOINED, EventKind.RULES_ACCEPTED)).update(time=launched)
        # Requests still waiting were made just now; the decided ones before the launch.
        waiting = Membership.objects.filter(space=self.space, state=MembershipState.PENDING)
        setup.filter(kind=EventKind.REQUESTED).exclude(person__in=waiting.values("person")).update(
            time=launched - timedelta(days=1)
        )
        setup.filter(kind=EventKind.LEFT).update(time=launched + (self.until - launched) / 2)

    def thread(self, thread: Thread) -> None:
        author = self.person(thread.by)
        when = self.post_time(thread)
        uploads = self.uploads(thread, author)
        post = do_create_post(
            self.space,
            actor=author,
            kind=thread.kind,
            title=thread.title,
            body=thread.body,
            link_url=thread.link_url,
            anonymous=thread.anonymous,
            attachments=[upload.pk for upload in uploads],
            alt_texts=[picture.alt for picture in thread.pictures],
        )
        if uploads:
            uploaded = when - timedelta(minutes=self.rng.randint(2, 20))
            Attachment.objects.filter(post=post).update(created_at=uploaded)
        self.dated(Post, when, pk=post.pk)
        last = when
        for kind, count in thread.reactions.items():
            for person in self.some(count, besides=(author,)):
                do_react(actor=person, kind=kind, post=post)
                at = self.later(when, most_hours=72)
                self.dated(Reaction, at, post=post, person=person, kind=kind)
        answered_at = when
        for answer in thread.answers:
            if answer.after_hours is None:
                answered_at = self.later(answered_at, most_hours=30)
            else:
                answered_at = min(answered_at + timedelta(hours=answer.after_hours), self.until)
            last = max(last, self.answer(post, thread, answer, answered_at, author))
        Post.objects.filter(pk=post.pk).update(created_at=when, last_activity_at=last)

    def uploads(self, thread: Thread, author: Person) -> list[Attachment]:
        """The thread's pictures or file, drawn now and uploaded by its author, as in the
        post form: through the same checks as anyone's upload."""
        files = [
            (f"{picture.scene}.jpg", draw_picture(picture.scene, self.drawing(), picture.text))
            for picture in thread.pictures
        ]
        if thread.document is not None:
            document = thread.document
            files.append((document.name, make_pdf(document.heading, document.lines)))
        return [
            do_upload(SimpleUploadedFile(name, content), actor=author) for name, content in files
        ]

    def drawing(self) -> random.Random:
        """A generator of its own for each picture, seeded from the thread's."""
        return random.Random(self.rng.getrandbits(64))  # noqa: S311 - demo pictures

    def answer(
        self, post: Post, thread: Thread, answer: Answer, when: datetime, asker: Person
    ) -> datetime:
        """One top-level comment with its replies, votes, reactions, acceptance and reports."""
        # A comment that gets reported is an ordinary member's, never a moderator's.
        unlikely = (self.owner, self.moderator) if answer.reports else ()
        author = self.person(answer.by, besides=(asker, *unlikely))
        comment = do_comment(post, actor=author, body=answer.body)
        self.comments += 1
        self.dated(Comment, when, pk=comment.pk)
        last = when
        for reply in answer.replies:
            replier = asker if reply.by_asker else self.person(None, besides=(author, asker))
            last = self.later(last, most_hours=12)
            made = do_comment(post, actor=replier, body=reply.body, parent=comment)
            self.comments += 1
            self.dated(Comment, last, pk=made.pk)
        for voter in self.some(answer.votes, besides=(author,)):
            do_vote(comment, actor=voter)
            self.dated(Vote, self.later(when, most_hours=96), comment=comment, person=voter)
        for person in self.some(answer.helped, besides=(author,)):
            do_react(actor=person, kind=ReactionKind.HELPED, comment=comment)
            at = self.later(when, most_hours=96)
            self.dated(Reaction, at, comment=comment, person=person, kind=ReactionKind.HELPED)
        if answer.accepted:
            chooser = self.moderator if thread.accepted_by_moderator else asker
            do_accept_answer(post, comment, actor=chooser)
            self.stamp(self.later(last, most_hours=6))
        reporters = self.some(len(answer.reports), besides=(author, self.owner, self.moderator))
        for flag, reporter in zip(answer.reports, reporters, strict=False):
            do_report(comment, actor=reporter, reason=flag.reason, text=flag.text)
            at = self.later(when, most_hours=20)
            self.dated(Report, at, comment=comment, reporter=reporter)
        return last
