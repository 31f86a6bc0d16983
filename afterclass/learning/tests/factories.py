"""Factories for learning: made through the actions, as the app makes them."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from afterclass.learning.actions import QuestionIn, do_create_activity, do_create_unit
from afterclass.learning.models import Activity, Unit
from afterclass.people.models import Person
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import make_space


def make_course(owner: Person | None = None, **fields: Any) -> Space:
    fields.setdefault("name", "After the data workshop")
    return make_space(owner, mode="structured", template="course", **fields)


def make_unit(space: Space, actor: Person, **fields: Any) -> Unit:
    fields.setdefault("title", "After workshop 1")
    fields.setdefault("release_at", timezone.now() - timedelta(hours=1))
    return do_create_unit(space, actor=actor, **fields)


QUESTIONS = [
    QuestionIn("What is a median?", ["The middle value", "The average"], [0], "Sort, then pick."),
    QuestionIn("Which are charts?", ["Bar", "Table", "Line"], [0, 2], "Tables are not charts."),
]


def make_activity(unit: Unit, actor: Person, kind: str = "reading", **fields: Any) -> Activity:
    fields.setdefault("title", f"A {kind}")
    fields.setdefault("instructions", "Read **chapter 2**.")
    if kind == "quick_check":
        fields.setdefault("questions", QUESTIONS)
    return do_create_activity(unit, actor=actor, kind=kind, **fields)
