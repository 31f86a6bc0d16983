"""The journey of structured learning (issue 4): a facilitator builds a unit with a reading, a
task and a quick check; a learner completes all three (the reading in one click, without a
reload); the facilitator sees the progress grid update and gives feedback in place."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from afterclass.learning.models import Activity, Progress, Submission, Unit
from afterclass.learning.tests.factories import make_course
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.spaces.models import Role, Space
from afterclass.spaces.tests.factories import add_member

QUESTIONS = (
    "? Which chart shows a trend over time?\n* A line chart\n- A pie chart\n> Lines show change."
)


@pytest.fixture
def space() -> Space:
    owner = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    return make_course(owner, name="After the data workshop")


@pytest.fixture
def facilitator(space):
    person = PersonFactory(display_name="Fay Trainer", email="fay@example.org")
    return add_member(space, person, role=Role.MODERATOR).person


@pytest.fixture
def learner(space):
    person = PersonFactory(display_name="Lee Learner", email="lee@example.org")
    return add_member(space, person).person


def test_learning_journey_build_complete_review(open_page, space, facilitator, learner):
    trainer = open_page(as_person=facilitator)
    build_unit(trainer, space)
    unit = Unit.objects.get(space=space)
    assert [a.kind for a in unit.activities.order_by("position")] == [
        "reading", "task", "quick_check",
    ]  # fmt: skip

    student = open_page(as_person=learner)
    complete_all_three(student, space, unit)

    trainer.goto(reverse("learning-progress", args=[space.slug]))
    row = trainer.get_by_role("row", name="Lee Learner")
    expect(row).to_contain_text("Done")
    expect(row).to_contain_text("Submitted")
    trainer.goto(reverse("learning-review", args=[space.slug]))
    card = trainer.locator(".submission").first
    expect(card).to_contain_text("A one-page plan")
    card.get_by_label("Feedback").fill("Clear and realistic. Well done.")
    card.get_by_role("button", name="Mark complete").click()
    expect(trainer.locator(".submission").first).to_contain_text("Clear and realistic")
    task = Activity.objects.get(kind="task")
    assert Progress.objects.get(activity=task, person=learner).state == "complete"
    trainer.goto(reverse("learning-progress", args=[space.slug]))
    expect(trainer.get_by_role("row", name="Lee Learner")).to_contain_text("100%")


def build_unit(page: Page, space: Space) -> None:
    page.goto(reverse("learning-space", args=[space.slug]))
    page.get_by_role("link", name="Add a unit").click()
    page.get_by_label("Title").fill("After workshop 1")
    page.get_by_role("button", name="Add the unit").click()
    expect(page.get_by_role("heading", name="After workshop 1")).to_be_visible()
    for kind, title, extra in (
        ("reading", "Read the chart guide", None),
        ("task", "Plan a dashboard", None),
        ("quick_check", "Check your charts", QUESTIONS),
    ):
        page.get_by_role("link", name="Add an activity").click()
        page.get_by_label("Kind").select_option(kind)
        page.get_by_label("Title").fill(title)
        page.get_by_label("Instructions").fill(f"**{title}** this week.")
        if extra:
            page.get_by_label("Questions (quick check)").fill(extra)
        page.get_by_role("button", name="Add the activity").click()
        expect(page.locator(".activities").get_by_role("link", name=title)).to_be_visible()


def complete_all_three(page: Page, space: Space, unit: Unit) -> None:
    page.goto(reverse("learning-space", args=[space.slug]))
    page.get_by_role("button", name="Mark as done").click()
    expect(page.locator(".unit-progress")).to_have_text("1 of 3 done")
    assert Submission.objects.count() == 0

    page.locator(".activities").get_by_role("link", name="Plan a dashboard").click()
    page.get_by_label("Your answer").fill("A one-page plan with three charts.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Waiting for feedback")).to_be_visible()

    page.goto(reverse("learning-space", args=[space.slug]))
    page.locator(".activities").get_by_role("link", name="Check your charts").click()
    page.get_by_label("A line chart").check()
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_text("You scored 1 of 1.")).to_be_visible()
    expect(page.get_by_text("Lines show change.")).to_be_visible()
    page.goto(reverse("learning-space", args=[space.slug]))
    expect(page.locator(".unit-progress")).to_have_text("3 of 3 done")
