"""The journey of reordering a programme (issue 4): a facilitator drags an activity to the top of
its unit and a unit above another; the new order is saved without a reload and is still there
after one. The move buttons, the path without a mouse, are still offered."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from afterclass.journeys.tests.browser import is_same_document, mark_document, snap
from afterclass.learning.models import Unit
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.spaces.models import Role, Space
from afterclass.spaces.tests.factories import add_member


@pytest.fixture
def space() -> Space:
    owner = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    return make_course(owner, name="After the data workshop")


@pytest.fixture
def facilitator(space):
    person = PersonFactory(display_name="Fay Trainer", email="fay@example.org")
    return add_member(space, person, role=Role.MODERATOR).person


@pytest.fixture
def programme(space, facilitator):
    first = make_unit(space, facilitator, title="After workshop 1")
    for title in ("Read the chart guide", "Plan a dashboard", "Check your charts"):
        make_activity(first, facilitator, "reading", title=title)
    second = make_unit(space, facilitator, title="After workshop 2")
    make_activity(second, facilitator, "reading", title="Read about colour")
    return first, second


def titles(page: Page, unit: Unit) -> list[str]:
    return page.locator(f"#unit-{unit.pk} .activities > li > a").all_inner_texts()


def test_learning_reorder_journey_drag_activity_and_unit(open_page, space, facilitator, programme):
    first, second = programme
    page = open_page(as_person=facilitator)
    page.goto(reverse("learning-space", args=[space.slug]))
    expect(page.get_by_text("Drag a unit or an activity")).to_be_visible()
    assert titles(page, first) == ["Read the chart guide", "Plan a dashboard", "Check your charts"]
    mark_document(page)

    last = page.locator(f"#unit-{first.pk} .activities > li").filter(has_text="Check your charts")
    top = page.locator(f"#unit-{first.pk} .activities > li").filter(has_text="Read the chart guide")
    last.drag_to(top, target_position={"x": 20, "y": 4})
    expect(page.get_by_role("status")).to_have_text("New order saved.")
    assert is_same_document(page)
    assert titles(page, first) == ["Check your charts", "Read the chart guide", "Plan a dashboard"]
    # The move buttons follow the new order: the first cannot go up, the last cannot go down.
    expect(page.get_by_role("button", name="Move Check your charts up")).to_be_disabled()
    expect(page.get_by_role("button", name="Move Plan a dashboard down")).to_be_disabled()
    snap(page, "activity-dragged")

    page.reload()
    assert titles(page, first) == ["Check your charts", "Read the chart guide", "Plan a dashboard"]
    assert list(first.activities.order_by("position").values_list("title", flat=True)) == [
        "Check your charts", "Read the chart guide", "Plan a dashboard",
    ]  # fmt: skip

    page.locator(f"#unit-{second.pk} > h2").drag_to(
        page.locator(f"#unit-{first.pk} > h2"), target_position={"x": 20, "y": 2}
    )
    expect(page.get_by_role("status")).to_have_text("New order saved.")
    page.reload()
    headings = page.locator("#units > section.unit > h2").all_inner_texts()
    assert headings == ["After workshop 2", "After workshop 1"]
    snap(page, "unit-dragged")

    # Without a mouse: the move buttons still work, and agree with what was dragged.
    page.get_by_role("button", name="Move Read the chart guide up").click()
    expect(page.locator(f"#unit-{first.pk} .activities > li > a")).to_have_text(
        ["Read the chart guide", "Check your charts", "Plan a dashboard"]
    )
