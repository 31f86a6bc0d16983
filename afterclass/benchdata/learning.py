"""Learning programmes of a benchmark data set: each structured space follows up a session with
units of activities of every kind, released over time, and some learners' progress on them."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from afterclass.benchdata import text
from afterclass.benchdata.organisation import OrgPlan, SpacePlan
from afterclass.benchdata.writer import Writer
from afterclass.learning.models import (
    Activity,
    ActivityKind,
    Progress,
    ProgressState,
    QuickCheckAttempt,
    QuickCheckQuestion,
    Session,
    Submission,
    SubmissionState,
    Unit,
)
from afterclass.spaces.models import Mode, Status

UNITS = 3
ACTIVITIES_PER_UNIT = 4
# At most this many learners of a space have progress, so a space of thousands stays quick.
LEARNERS = 400
KINDS = list(ActivityKind)


def write_learning(writer: Writer, rng: random.Random, org: OrgPlan, *, now: datetime) -> None:
    for space in org.spaces:
        if space.mode == Mode.STRUCTURED and space.status != Status.PLANNING and space.members:
            _programme(writer, rng, space, now=now)


def _programme(writer: Writer, rng: random.Random, space: SpacePlan, *, now: datetime) -> None:
    topic = rng.choice(text.TOPICS).replace("-", " ")
    starts = now - timedelta(days=rng.randint(20, 60))
    session = Session(
        space_id=space.id,
        title=f"Workshop: {topic}",
        description=text.paragraph(rng, 20, 40),
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Room 2",
        created_at=starts - timedelta(days=14),
    )
    writer.add(session)
    learners = rng.sample(space.members, min(len(space.members), LEARNERS))
    facilitator = space.moderators[0] if space.moderators else space.members[0]
    for position in range(UNITS):
        # Two units released, the last one next week: learners see only part of a programme.
        release = (
            starts + timedelta(days=1 + 14 * position)
            if position < UNITS - 1
            else now + timedelta(days=7)
        )
        unit = Unit(
            space_id=space.id,
            session_id=session.pk,
            title=f"Unit {position + 1}: {rng.choice(text.TOPICS)}",
            description=text.sentence(rng, 12),
            position=position + 1,
            release_at=release,
            due_at=release + timedelta(days=14),
            created_at=starts - timedelta(days=7),
        )
        writer.add(unit)
        for number in range(ACTIVITIES_PER_UNIT):
            kind = KINDS[(position * ACTIVITIES_PER_UNIT + number) % len(KINDS)]
            instructions = text.paragraph(rng, 20, 60)
            activity = Activity(
                unit_id=unit.pk,
                kind=kind,
                title=f"{ActivityKind(kind).label}: {rng.choice(text.TOPICS)}",
                instructions=instructions,
                instructions_html=text.as_html(instructions),
                position=number + 1,
                created_at=unit.created_at,
            )
            writer.add(activity)
            if kind == ActivityKind.QUICK_CHECK:
                for question in range(2):
                    writer.add(
                        QuickCheckQuestion(
                            activity_id=activity.pk,
                            position=question + 1,
                            text=f"Which is true of {rng.choice(text.TOPICS)}?",
                            options=["The first", "The second", "Both"],
                            correct=[2],
                        )
                    )
            if release < now:
                _progress(writer, rng, activity, learners, facilitator, after=release, now=now)


def _progress(
    writer: Writer,
    rng: random.Random,
    activity: Activity,
    learners: list[int],
    facilitator: int,
    *,
    after: datetime,
    now: datetime,
) -> None:
    if activity.kind == ActivityKind.DISCUSSION:
        return  # a discussion prompt's progress is read from its thread's comments
    for learner in learners:
        if rng.random() < 0.4:
            continue
        when = min(now, after + timedelta(hours=rng.uniform(1, 24 * 14)))
        state, attempts, score = ProgressState.DONE, 0, None
        if activity.kind in (ActivityKind.TASK, ActivityKind.REFLECTION):
            submission = rng.choice(list(SubmissionState))
            state = ProgressState(submission)
            reviewed = submission != SubmissionState.SUBMITTED
            writer.add(
                Submission(
                    activity_id=activity.pk,
                    person_id=learner,
                    text=text.paragraph(rng, 15, 40),
                    state=submission,
                    feedback=text.sentence(rng, 10) if reviewed else "",
                    feedback_by_id=facilitator if reviewed else None,
                    feedback_at=when + timedelta(days=1) if reviewed else None,
                    submitted_at=when,
                )
            )
        elif activity.kind == ActivityKind.QUICK_CHECK:
            attempts, score = 1, rng.randint(0, 2)
            writer.add(
                QuickCheckAttempt(
                    activity_id=activity.pk,
                    person_id=learner,
                    answers=[[2], [rng.randint(0, 2)]],
                    score=score,
                    total=2,
                    created_at=when,
                )
            )
        writer.add(
            Progress(
                activity_id=activity.pk,
                person_id=learner,
                state=state,
                best_score=score,
                attempts=attempts,
                updated_at=when,
            )
        )
