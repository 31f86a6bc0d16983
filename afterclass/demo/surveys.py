"""The demo's pre-launch survey: the planned reading club asks the organisation whether it
would use it, with about 25 answers and a few "tell me at launch" sign-ups, all through the
survey actions (so anonymity holds in the demo as everywhere)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from afterclass.demo.spaces import READING_CLUB
from afterclass.people.models import Person
from afterclass.spaces.models import Space, Status
from afterclass.surveys.actions import (
    PRELAUNCH_QUESTIONS,
    do_answer_survey,
    do_create_survey,
    do_open_survey,
    do_sign_up_for_launch,
)
from afterclass.surveys.models import AudienceKind, QuestionKind, Survey, SurveyInvitation

ANSWERS = 25
SIGN_UPS = 9
TOPICS = [
    "Leadership books, and how to apply them on a busy shift",
    "Short articles rather than whole books, please",
    "Customer psychology",
    "Anything on managing change",
    "Data and decision making",
    "",
    "Biographies of people who built things",
    "Health and safety culture",
]


def load_prelaunch_survey(admin: Person, *, seed: int, now: datetime) -> Survey | None:
    """Create, open and answer the reading club's pre-launch survey once."""
    space = Space.objects.filter(slug=READING_CLUB.slug, status=Status.PLANNING).first()
    if space is None or Survey.objects.filter(space=space, is_prelaunch=True).exists():
        return None
    survey = do_create_survey(
        actor=admin,
        title=f"Would you join “{space.name}”?",
        intro=(
            "We are planning a reading club open to everyone at Northwind. Tell us whether you "
            "would take part and what you would like to read. Your answers are anonymous."
        ),
        # A community's planned members are anyone who is interested: ask everyone.
        audience=AudienceKind.EVERYONE,
        space=space,
        questions=PRELAUNCH_QUESTIONS,
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=11),
        anonymous=True,
        is_prelaunch=True,
    )
    do_open_survey(survey, actor=admin)
    rng = random.Random(seed)  # noqa: S311 - demo answers
    invited = list(
        Person.objects.filter(
            pk__in=SurveyInvitation.objects.filter(survey=survey).values("person_id")
        )
        .exclude(pk=admin.pk)
        .order_by("pk")
    )
    respondents = rng.sample(invited, min(ANSWERS, len(invited)))
    questions = list(survey.questions.all())
    for person in respondents:
        answers: dict[str, object] = {}
        for question in questions:
            key = str(question.pk)
            if question.kind == QuestionKind.SINGLE:
                # The first options (yes, often, informal) a little more likely, as in life.
                weights = [5, 3, 2, 1, 1, 1, 1, 1, 1, 1][: len(question.options)]
                answers[key] = rng.choices(question.options, weights=weights)[0]
            elif question.kind == QuestionKind.MULTIPLE:
                answers[key] = rng.sample(question.options, rng.randint(0, 3))
            else:
                answers[key] = rng.choice(TOPICS)
        do_answer_survey(survey, answers, actor=person)
    for person in respondents[:SIGN_UPS]:
        do_sign_up_for_launch(space, actor=person)
    return survey
