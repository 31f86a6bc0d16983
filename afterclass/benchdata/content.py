"""The content of a benchmark data set: posts of every kind with their polls, comments and
answers, votes and reactions, the analytics events of each, and the notifications they caused.

Each post is written with its whole thread at once, so that its counters (and those of its
comments) are the counts of the rows written with it, and nothing needs updating afterwards.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from afterclass.benchdata import text
from afterclass.benchdata.organisation import OrgPlan, SpacePlan
from afterclass.benchdata.tiers import Tier
from afterclass.benchdata.writer import Progress, Writer, batch
from afterclass.insights.models import Event, EventKind
from afterclass.notifications.models import Notification, NotificationKind
from afterclass.polls.models import Poll, PollBallot, PollChoice, PollOption
from afterclass.posts.models import (
    Comment,
    ContentState,
    Post,
    PostKind,
    Reaction,
    ReactionKind,
    Vote,
)
from afterclass.spaces.models import AnonymousQuestions, Status

KIND_WEIGHTS = {
    PostKind.DISCUSSION: 30,
    PostKind.QUESTION: 25,
    PostKind.UPDATE: 20,
    PostKind.IMAGE: 10,
    PostKind.RESOURCE: 10,
    PostKind.ANNOUNCEMENT: 4,
    PostKind.POLL: 6,
}
REACTION_KINDS = list(ReactionKind)
# Of the reactions and votes, the share recorded as events (the rest of the event budget goes
# to posts, comments and the sign-ins and reads that fill it up).
INTERACTION_EVENT_SHARE = 0.35
POSTS_PER_TRANSACTION = 10_000


@dataclass
class PostPlan:
    id: int
    space: SpacePlan
    time: datetime
    kind: str
    state: str
    comments: int = 0
    reactions: int = 0
    comment_reactions: int = 0
    votes: int = 0


def plan_posts(
    rng: random.Random, tier: Tier, org: OrgPlan, *, start: datetime, now: datetime
) -> list[PostPlan]:
    """Which space each post is in, when, of what kind, and how much of each thing it gets."""
    spaces = [space for space in org.spaces if space.status != Status.PLANNING and space.members]
    weights = [len(space.members) ** 0.8 for space in spaces]
    span = (now - start).total_seconds()
    drafts = []
    for space in rng.choices(spaces, weights=weights, k=tier.posts):
        end = space.archived_at or now
        seconds = rng.uniform(0, (end - start).total_seconds() if span else 0)
        drafts.append((start + timedelta(seconds=seconds), space))
    drafts.sort(key=lambda draft: (draft[0], draft[1].id))
    posts = []
    for number, (time, space) in enumerate(drafts, start=1):
        kinds = space.post_kinds
        kind = rng.choices(kinds, weights=[KIND_WEIGHTS[PostKind(k)] for k in kinds])[0]
        roll = rng.random()
        state = (
            ContentState.HIDDEN
            if roll < 0.01
            else ContentState.REMOVED_BY_AUTHOR
            if roll < 0.015
            else ContentState.VISIBLE
        )
        posts.append(PostPlan(number, space, time, kind, state))
    visible = [post for post in posts if post.state == ContentState.VISIBLE]
    long_threads = rng.sample(visible, min(tier.long_threads, len(visible)))
    for post in long_threads:
        post.comments = tier.long_thread_size
    rest = max(0, tier.comments - sum(post.comments for post in long_threads))
    thread_weights = [rng.paretovariate(1.8) - 0.9 for _ in visible]
    for post in _spread(rng, visible, thread_weights, rest):
        post.comments += 1
    for post in _spread(
        rng, visible, [rng.paretovariate(1.5) for _ in visible], int(tier.reactions * 0.6)
    ):
        post.reactions += 1
    commented = [post for post in visible if post.comments]
    counts = [post.comments for post in commented]
    for post in _spread(rng, commented, counts, tier.reactions - int(tier.reactions * 0.6)):
        post.comment_reactions += 1
    questions = [post for post in commented if post.kind == PostKind.QUESTION]
    for post in _spread(rng, questions, [post.comments for post in questions], tier.votes):
        post.votes += 1
    return posts


def _spread(
    rng: random.Random, posts: list[PostPlan], weights: Sequence[float], k: int
) -> list[PostPlan]:
    return rng.choices(posts, weights=weights, k=k) if posts and k > 0 else []


class ContentWriter:
    def __init__(
        self, writer: Writer, rng: random.Random, org: OrgPlan, tier: Tier, now: datetime
    ) -> None:
        self.writer = writer
        self.rng = rng
        self.org = org
        self.now = now
        self.notify_share = min(1.0, tier.notifications / max(1, tier.comments))
        self.events = 0
        # The asker of the current post when it is an anonymous question: their acts in its
        # thread are recorded without them, and nobody's acts name them as the other person.
        self.asker: int | None = None
        self.voted: set[tuple[int, int]] = set()
        self.reacted: set[tuple[str, int, int, str]] = set()

    def write_all(self, posts: list[PostPlan], progress: Progress | None) -> None:
        for first in range(0, len(posts), POSTS_PER_TRANSACTION):
            with batch(self.writer):
                for post in posts[first : first + POSTS_PER_TRANSACTION]:
                    self.write_post(post)
            if progress:
                progress("posts", min(len(posts), first + POSTS_PER_TRANSACTION), len(posts))

    # --- one post and its thread --------------------------------------------------------------

    def write_post(self, plan: PostPlan) -> None:
        rng, space = self.rng, plan.space
        authors = (
            space.moderators
            if plan.kind == PostKind.ANNOUNCEMENT and space.moderators
            else space.members
        )
        author = rng.choice(authors)
        anonymous = (
            plan.kind == PostKind.QUESTION
            and space.anonymous_questions != AnonymousQuestions.OFF
            and rng.random() < 0.15
        )
        topic = rng.choice(text.TOPICS)
        title = "" if plan.kind == PostKind.UPDATE else text.title(rng, topic)
        if plan.kind == PostKind.POLL:
            title = f"Which {topic} format works best for you?"
        body = (
            text.paragraph(rng, 10, 40)
            if plan.kind == PostKind.UPDATE
            else text.paragraph(rng, 20, 90)
        )
        post = Post(
            pk=plan.id,
            space_id=space.id,
            author_id=author,
            is_anonymous=anonymous,
            kind=plan.kind,
            title=title,
            body=body,
            body_html=text.as_html(body),
            link_url=f"https://example.com/{topic}/{plan.id}"
            if plan.kind == PostKind.RESOURCE
            else "",
            state=plan.state,
            hidden_reason="Off topic for this space." if plan.state == ContentState.HIDDEN else "",
            is_pinned=plan.kind == PostKind.ANNOUNCEMENT and rng.random() < 0.05,
            created_at=plan.time,
            last_activity_at=plan.time,
        )
        self.asker = author if anonymous else None
        self.event(
            EventKind.POSTED, plan.time, None if anonymous else author, space, detail=plan.kind
        )
        if plan.kind == PostKind.POLL:
            self.write_poll(post, space)
        self.write_thread(post, plan)
        self.write_reactions(
            plan.reactions,
            space,
            post.created_at,
            owner=author,
            target=post,
        )
        # Last: until now its counters were still being counted (a flush writes every buffer).
        self.writer.add(post)
        self.voted.clear()
        self.reacted.clear()

    def write_thread(self, post: Post, plan: PostPlan) -> None:
        rng, space = self.rng, plan.space
        if not plan.comments:
            return
        last = min(self.now, plan.space.archived_at or self.now)
        window = max(60.0, min((last - plan.time).total_seconds(), 14 * 86400))
        times = sorted(
            plan.time + timedelta(seconds=rng.uniform(1, window)) for _ in range(plan.comments)
        )
        top: list[Comment] = []
        comments: list[Comment] = []
        asker = post.author_id if post.is_anonymous else None
        for time in times:
            parent = rng.choice(top) if top and rng.random() < 0.3 else None
            author = rng.choice(space.members)
            comment = Comment(
                pk=self.writer.new_id(Comment),
                post_id=post.pk,
                parent_id=parent.pk if parent else None,
                author_id=author,
                body=(body := text.paragraph(rng, 8, 45)),
                body_html=text.as_html(body),
                created_at=time,
            )
            comments.append(comment)
            if parent is None:
                top.append(comment)
            is_answer = parent is None and post.kind == PostKind.QUESTION
            anonymous = asker is not None and author == asker
            self.event(
                EventKind.ANSWERED if is_answer else EventKind.COMMENTED,
                time,
                author,
                space,
                other=parent.author_id if parent else post.author_id,
            )
            if rng.random() < self.notify_share and post.author_id != author:
                self.notify(post, comment, is_answer=is_answer, anonymous=anonymous)
        post.comment_count = len(comments)
        post.answer_count = len(top) if post.kind == PostKind.QUESTION else 0
        post.last_activity_at = times[-1]
        if post.kind == PostKind.QUESTION:
            for _ in range(plan.votes):
                answer = rng.choice(top)
                voter = rng.choice(space.members)
                if voter == answer.author_id or (answer.pk, voter) in self.voted:
                    continue
                self.voted.add((answer.pk, voter))
                answer.vote_count += 1
                when = answer.created_at + timedelta(hours=rng.uniform(0, 48))
                self.writer.add(Vote(comment_id=answer.pk, person_id=voter, created_at=when))
                if rng.random() < INTERACTION_EVENT_SHARE:
                    self.event(EventKind.VOTED, when, voter, space, other=answer.author_id)
            if top and rng.random() < 0.4:
                post.accepted_answer_id = max(top, key=lambda answer: answer.vote_count).pk
        for _ in range(plan.comment_reactions):
            comment = rng.choice(comments)
            self.write_reactions(
                1,
                space,
                comment.created_at,
                owner=comment.author_id,
                target=comment,
            )
        for comment in comments:
            self.writer.add(comment)

    def write_reactions(
        self,
        count: int,
        space: SpacePlan,
        after: datetime,
        *,
        owner: int | None,
        target: Post | Comment,
    ) -> None:
        rng = self.rng
        for _ in range(count):
            person = rng.choice(space.members)
            kind = rng.choice(REACTION_KINDS)
            key = (type(target).__name__, target.pk, person, kind)
            if key in self.reacted:
                continue
            self.reacted.add(key)
            when = after + timedelta(hours=rng.uniform(0, 72))
            on_post = isinstance(target, Post)
            self.writer.add(
                Reaction(
                    post_id=target.pk if on_post else None,
                    comment_id=None if on_post else target.pk,
                    person_id=person,
                    kind=kind,
                    created_at=when,
                )
            )
            target.reaction_count += 1
            target.helped_count += kind == ReactionKind.HELPED
            if rng.random() < INTERACTION_EVENT_SHARE:
                self.event(EventKind.REACTED, when, person, space, detail=kind, other=owner)

    def write_poll(self, post: Post, space: SpacePlan) -> None:
        rng = self.rng
        poll = Poll(
            pk=self.writer.new_id(Poll),
            post_id=post.pk,
            multiple=rng.random() < 0.3,
            anonymous=rng.random() < 0.3,
            closes_at=post.created_at + timedelta(days=7) if rng.random() < 0.5 else None,
        )
        options = []
        for position in range(rng.randint(2, 4)):
            option = PollOption(
                pk=self.writer.new_id(PollOption),
                poll_id=poll.pk,
                position=position,
                text=f"Option {position + 1}: {rng.choice(text.TOPICS)}",
            )
            options.append(option)
        voters = rng.sample(space.members, min(len(space.members), rng.randint(0, 25)))
        for voter in voters:
            ballot = PollBallot(pk=self.writer.new_id(PollBallot), poll_id=poll.pk, person_id=voter)
            self.writer.add(ballot)
            chosen = rng.sample(options, rng.randint(1, 2) if poll.multiple else 1)
            for option in chosen:
                option.vote_count += 1
                if not poll.anonymous:
                    self.writer.add(PollChoice(ballot_id=ballot.pk, option_id=option.pk))
        poll.voter_count = len(voters)
        self.writer.add(poll)
        for option in options:
            self.writer.add(option)

    # --- what it caused --------------------------------------------------------------------

    def event(
        self,
        kind: str,
        time: datetime,
        person: int | None,
        space: SpacePlan | None,
        *,
        detail: str = "",
        other: int | None = None,
    ) -> None:
        org = self.org
        if person is not None and person == self.asker:
            person = None
        if other == self.asker:
            other = None
        known_other = other is not None and person is not None and other != person
        self.writer.add(
            Event(
                time=time,
                kind=kind,
                detail=detail,
                person_id=person,
                space_id=space.id if space else None,
                department_id=org.department_of[person] if person else None,
                level_id=org.level_of[person] if person else None,
                other_department_id=org.department_of[other] if known_other and other else None,
                other_level_id=org.level_of[other] if known_other and other else None,
            )
        )
        self.events += 1

    def notify(self, post: Post, comment: Comment, *, is_answer: bool, anonymous: bool) -> None:
        name = "A colleague" if anonymous else self.org.name_of[comment.author_id]
        what = "answered your question" if is_answer else "commented on your post"
        read = self.rng.random() < 0.7
        self.writer.add(
            Notification(
                recipient_id=post.author_id,
                kind=NotificationKind.ANSWER if is_answer else NotificationKind.REPLY,
                actor_id=None if anonymous else comment.author_id,
                space_id=post.space_id,
                post_id=post.pk,
                comment_id=comment.pk,
                message=f"{name} {what} “{(post.title or post.body)[:60]}”",
                url=f"/posts/{post.pk}/#comment-{comment.pk}",
                created_at=comment.created_at,
                read_at=comment.created_at + timedelta(hours=2) if read else None,
            )
        )


def fill_events(
    writer: Writer,
    rng: random.Random,
    org: OrgPlan,
    content: ContentWriter,
    total: int,
    *,
    start: datetime,
    now: datetime,
) -> None:
    """Sign-ins and reads of spaces up to the event budget, spread over the whole period."""
    span = (now - start).total_seconds()
    spaces = [space for space in org.spaces if space.members and space.status != Status.PLANNING]
    content.asker = None
    with batch(writer):
        for _ in range(max(0, total - content.events)):
            time = start + timedelta(seconds=rng.uniform(0, span))
            if rng.random() < 0.4 or not spaces:
                person = rng.randint(1, len(org.name_of) - 1)
                content.event(EventKind.SIGNED_IN, time, person, None)
            else:
                space = rng.choice(spaces)
                content.event(EventKind.VIEWED, time, rng.choice(space.members), space)
