"""Fixtures of the survey tests: a department with a team, people in and out of it, a space
in planning for that department and a helper that makes (and opens) a survey."""

from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import AdminFactory, DepartmentFactory, PersonFactory
from afterclass.spaces.models import Audience, Space, Status
from afterclass.spaces.tests.factories import make_space
from afterclass.surveys.actions import do_create_survey, do_open_survey
from afterclass.surveys.models import AudienceKind, QuestionKind, Survey

QUESTIONS = [
    {
        "text": "Which tool?",
        "kind": QuestionKind.SINGLE,
        "options": ["Excel", "R"],
        "required": True,
    },
    {"text": "Where?", "kind": QuestionKind.MULTIPLE, "options": ["Home", "Office", "Train"]},
    {"text": "How useful?", "kind": QuestionKind.SCALE, "required": True},
    {"text": "Anything else?", "kind": QuestionKind.TEXT},
]


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Run an action and what it leaves for after its commit (the fan-out)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def org_admin(db) -> Person:
    return AdminFactory(display_name="Ann Admin")


@pytest.fixture
def finance(db):
    return DepartmentFactory(name="Finance")


@pytest.fixture
def accounts(finance):
    return DepartmentFactory(name="Accounts", parent=finance)


@pytest.fixture
def fay(finance) -> Person:
    return PersonFactory(display_name="Fay Finance", email="fay@example.org", department=finance)


@pytest.fixture
def abe(accounts) -> Person:
    return PersonFactory(display_name="Abe Accounts", email="abe@example.org", department=accounts)


@pytest.fixture
def otto(db) -> Person:
    return PersonFactory(display_name="Otto Outsider", email="otto@example.org")


@pytest.fixture
def owner(db) -> Person:
    return PersonFactory(display_name="Olive Owner", email="olive@example.org")


@pytest.fixture
def planned(owner, finance) -> Space:
    space = make_space(
        owner,
        name="Finance forum",
        slug="finance-forum",
        status=Status.PLANNING,
        audience=Audience.DEPARTMENTS,
        audience_departments=[finance],
        purpose="Share what we learn about budgeting and forecasting.",
    )
    return space


def make_survey(actor, *, open_it=False, questions=None, **fields) -> Survey:
    start = timezone.now() - timedelta(minutes=1)
    fields.setdefault("title", "Tools we use")
    fields.setdefault("audience", AudienceKind.EVERYONE)
    fields.setdefault("opens_at", start)
    fields.setdefault("closes_at", start + timedelta(days=7))
    survey = do_create_survey(
        actor=actor, questions=QUESTIONS if questions is None else questions, **fields
    )
    if open_it:
        do_open_survey(survey, actor=actor)
    return survey


def answers_for(survey, **by_text):
    """Answers keyed by question id, given by the question's text."""
    ids = {question.text: str(question.pk) for question in survey.questions.all()}
    return {ids[text]: value for text, value in by_text.items()}


def full_answers(survey, tool="Excel", useful=4, note="More training, please"):
    return answers_for(
        survey,
        **{"Which tool?": tool, "Where?": ["Home"], "How useful?": useful, "Anything else?": note},
    )
