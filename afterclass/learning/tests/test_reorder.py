"""Putting units, and a unit's activities, in a new order in one go (drag and drop): the
actions, the page endpoints the script calls, the API, and everything they refuse."""

import pytest
from django.urls import reverse

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.learning.actions import do_reorder_activities, do_reorder_units
from afterclass.learning.models import Activity, Unit
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.learning.tests.test_api import call
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.models import Mode
from afterclass.spaces.tests.factories import make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(space, facilitator):
    return [make_unit(space, facilitator, title=title) for title in ("One", "Two", "Three")]


@pytest.fixture
def activities(unit, facilitator):
    return [make_activity(unit, facilitator, title=title) for title in ("Read", "Write", "Check")]


def unit_titles(space):
    return list(
        Unit.objects.filter(space=space).order_by("position").values_list("title", flat=True)
    )


def activity_titles(unit):
    return list(unit.activities.order_by("position").values_list("title", flat=True))


# --- Actions --------------------------------------------------------------------------------


def test_do_reorder_units_puts_every_unit_in_place_and_audits(space, units, facilitator):
    one, two, three = units
    assert do_reorder_units(space, [three.pk, one.pk, two.pk], actor=facilitator) == [
        three.pk, one.pk, two.pk,
    ]  # fmt: skip
    assert unit_titles(space) == ["Three", "One", "Two"]
    assert list(Unit.objects.filter(space=space).order_by("position").values_list(
        "position", flat=True)) == [1, 2, 3]  # fmt: skip
    assert AuditEntry.objects.get(action="unit.reorder").data["order"] == [three.pk, one.pk, two.pk]


def test_do_reorder_units_with_the_same_order_writes_nothing(space, units, facilitator):
    do_reorder_units(space, [u.pk for u in units], actor=facilitator)
    assert not AuditEntry.objects.filter(action="unit.reorder").exists()


def test_do_reorder_activities_puts_every_activity_in_place(unit, activities, facilitator):
    read, write, check = activities
    do_reorder_activities(unit, [check.pk, read.pk, write.pk], actor=facilitator)
    assert activity_titles(unit) == ["Check", "Read", "Write"]
    assert AuditEntry.objects.filter(action="activity.reorder").count() == 1


@pytest.mark.parametrize("case", ["missing", "extra", "twice", "another_units", "empty"])
def test_do_reorder_activities_refuses_a_list_that_is_not_exactly_the_unit_s(
    space, unit, activities, facilitator, case
):
    read, write, check = (a.pk for a in activities)
    elsewhere = make_activity(make_unit(space, facilitator, title="Other"), facilitator).pk
    order = {
        "missing": [check, read],
        "extra": [check, read, write, elsewhere],
        "twice": [check, read, read],
        "another_units": [check, read, elsewhere],
        "empty": [],
    }[case]
    with pytest.raises(InvalidInput, match="each of the 3 activities exactly once") as refused:
        do_reorder_activities(unit, order, actor=facilitator)
    assert refused.value.field == "order"
    assert activity_titles(unit) == ["Read", "Write", "Check"]


def test_do_reorder_units_refuses_another_space_s_unit(space, units, facilitator, owner):
    other = make_unit(make_course(owner, name="Elsewhere"), owner, title="Elsewhere")
    with pytest.raises(InvalidInput, match="each of the 3 units exactly once"):
        do_reorder_units(space, [units[2].pk, units[0].pk, other.pk], actor=facilitator)
    assert unit_titles(space) == ["One", "Two", "Three"]


def test_reordering_is_for_facilitators(space, unit, units, activities, learner):
    with pytest.raises(NotAllowed):
        do_reorder_units(space, [u.pk for u in reversed(Unit.objects.filter(space=space))],
                         actor=learner)  # fmt: skip
    with pytest.raises(NotAllowed):
        do_reorder_activities(unit, [a.pk for a in reversed(activities)], actor=learner)
    assert activity_titles(unit) == ["Read", "Write", "Check"]


# --- The page endpoints the script calls ----------------------------------------------------


def test_units_order_endpoint_saves_the_order(client, space, units, facilitator):
    one, two, three = units
    client.force_login(facilitator)
    response = client.post(reverse("learning-units-order", args=[space.slug]),
                           {"order": [two.pk, three.pk, one.pk]})  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {"order": [two.pk, three.pk, one.pk]}
    assert unit_titles(space) == ["Two", "Three", "One"]


def test_activities_order_endpoint_saves_the_order(client, unit, activities, facilitator):
    read, write, check = activities
    client.force_login(facilitator)
    response = client.post(reverse("learning-activities-order", args=[unit.pk]),
                           {"order": [write.pk, check.pk, read.pk]})  # fmt: skip
    assert response.status_code == 200
    assert activity_titles(unit) == ["Write", "Check", "Read"]


@pytest.mark.parametrize("order", [["1", "x"], ["-1"], []])
def test_activities_order_endpoint_refuses_bad_lists_with_a_message(
    client, unit, activities, facilitator, order
):
    client.force_login(facilitator)
    response = client.post(reverse("learning-activities-order", args=[unit.pk]), {"order": order})
    assert response.status_code == 400
    assert response.json()["error"]
    assert activity_titles(unit) == ["Read", "Write", "Check"]


def test_order_endpoints_refuse_learners_and_outsiders(client, space, unit, activities, learner):
    ids = [a.pk for a in reversed(activities)]
    client.force_login(learner)
    assert client.post(reverse("learning-activities-order", args=[unit.pk]),
                       {"order": ids}).status_code == 403  # fmt: skip
    assert client.post(reverse("learning-units-order", args=[space.slug]),
                       {"order": [unit.pk]}).status_code == 403  # fmt: skip
    client.force_login(PersonFactory())
    assert client.post(reverse("learning-activities-order", args=[unit.pk]),
                       {"order": ids}).status_code == 404  # fmt: skip
    assert client.get(reverse("learning-activities-order", args=[unit.pk])).status_code == 405
    assert activity_titles(unit) == ["Read", "Write", "Check"]


def test_learning_page_makes_lists_draggable_for_facilitators_only(
    client, space, unit, activities, facilitator, learner
):
    client.force_login(facilitator)
    body = client.get(reverse("learning-space", args=[space.slug])).content.decode()
    assert body.count('draggable="true"') == 4  # the unit and its three activities
    assert reverse("learning-activities-order", args=[unit.pk]) in body
    assert "learning/reorder.js" in body
    # The move buttons stay, for the keyboard and without JavaScript.
    assert 'name="direction" value="up"' in body
    client.force_login(learner)
    body = client.get(reverse("learning-space", args=[space.slug])).content.decode()
    assert "draggable" not in body
    assert "reorder.js" not in body


# --- API ------------------------------------------------------------------------------------


def test_api_units_order(client, space, units, facilitator, learner):
    one, two, three = units
    url = f"/spaces/{space.slug}/units/order"
    response = call(client, "post", url, facilitator, {"units": [three.pk, two.pk, one.pk]})
    assert response.status_code == 200
    assert response.json() == {"ids": [three.pk, two.pk, one.pk]}
    assert unit_titles(space) == ["Three", "Two", "One"]
    assert call(client, "post", url, learner, {"units": [one.pk, two.pk, three.pk]}
                ).status_code == 403  # fmt: skip
    response = call(client, "post", url, facilitator, {"units": [one.pk, two.pk]})
    assert response.status_code == 400
    assert "exactly once" in response.json()["detail"]
    assert unit_titles(space) == ["Three", "Two", "One"]


def test_api_activities_order(client, unit, activities, facilitator, learner, outsider):
    read, write, check = activities
    url = f"/units/{unit.pk}/activities/order"
    response = call(client, "post", url, facilitator, {"activities": [check.pk, write.pk, read.pk]})
    assert response.status_code == 200
    assert activity_titles(unit) == ["Check", "Write", "Read"]
    assert call(client, "post", url, outsider, {"activities": [read.pk]}).status_code == 404
    assert call(client, "post", url, facilitator, {"activities": "all"}).status_code in (400, 422)
    response = call(client, "post", url, facilitator, {"activities": [read.pk, read.pk, write.pk]})
    assert response.status_code == 400
    assert activity_titles(unit) == ["Check", "Write", "Read"]
    assert Activity.objects.count() == 3


# --- The space header's Learning tab --------------------------------------------------------


def test_space_header_has_a_learning_tab_for_members_of_a_structured_space(
    client, space, learner, outsider
):
    learning = reverse("learning-space", args=[space.slug])
    client.force_login(learner)
    home = client.get(reverse("space-home", args=[space.slug])).content.decode()
    assert f'<a href="{learning}">Learning</a>' in home
    page = client.get(learning).content.decode()
    assert f'<a href="{learning}" aria-current="page">Learning</a>' in page
    client.force_login(outsider)
    rules = client.get(reverse("space-rules", args=[space.slug]))
    assert f'href="{learning}"' not in rules.content.decode()


def test_space_header_has_no_learning_tab_in_an_informal_space(client, owner):
    informal = make_space(owner, name="Coffee corner", mode=Mode.INFORMAL)
    client.force_login(owner)
    home = client.get(reverse("space-home", args=[informal.slug])).content.decode()
    assert reverse("learning-space", args=[informal.slug]) not in home


def test_learning_page_writes_progress_states_as_people_read_them(
    client, space, unit, facilitator, learner
):
    make_activity(unit, facilitator)
    client.force_login(learner)
    body = client.get(reverse("learning-space", args=[space.slug])).content.decode()
    assert "Not started" in body
    assert "Notstarted" not in body
