"""Insights never single out a small group: small departments and levels merge into "Other",
an "Other" still too small is withheld, matrix cells of few people are withheld, the pulse
average needs enough answers, and named people only for those allowed to see them."""

from datetime import date

import pytest

from afterclass.insights.metrics import space_insights
from afterclass.insights.models import EventKind, PulseAnswer
from afterclass.insights.periods import Period
from afterclass.insights.privacy import OTHER, Breakdown, Group, group_of, merge_small, min_group
from afterclass.insights.rollups import compute_rollups
from afterclass.insights.tests.factories import event, local
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db

MARCH = Period(date(2026, 3, 1), date(2026, 3, 28))
NAMES = {1: "Sales", 2: "IT", 3: "HR", 4: "Legal"}


@pytest.mark.parametrize(
    ("setting", "expected"), [(None, 5), (1, 3), (2, 3), (3, 3), (5, 5), (8, 8)]
)
def test_min_group_never_below_three(settings, setting, expected):
    if setting is not None:
        settings.AFTERCLASS_INSIGHTS_MIN_GROUP = setting

    assert min_group() == expected


def test_merge_small_groups_below_the_threshold_become_other():
    found = merge_small({1: 7, 2: 5, 3: 4, None: 1}, {1: 10, 2: 20, 3: 3, None: 1}, NAMES)

    assert found == Breakdown(
        [Group("IT", 5, 20), Group("Sales", 7, 10), Group(OTHER, 5, 4.0)], withheld_people=0
    )


def test_merge_small_other_still_too_small_is_withheld():
    found = merge_small({1: 7, 3: 2, 4: 1, None: 1}, {1: 10, 3: 3, 4: 1, None: 2}, NAMES)

    assert found == Breakdown([Group("Sales", 7, 10)], withheld_people=4)


def test_merge_small_threshold_follows_the_setting_but_never_below_three(settings):
    settings.AFTERCLASS_INSIGHTS_MIN_GROUP = 1

    found = merge_small({1: 3, 2: 2, 3: 1}, {1: 3, 2: 2, 3: 1}, NAMES)

    assert found == Breakdown([Group("Sales", 3, 3), Group(OTHER, 3, 3.0)], withheld_people=0)


def test_group_of_small_and_unknown_are_other():
    sizes = {1: 5, 2: 4}

    assert [group_of(key, sizes) for key in (1, 2, 3, None)] == [1, None, None, None]


def people_in(space, department, n: int, **fields):
    return [
        add_member(space, PersonFactory(department=department, **fields)).person for _ in range(n)
    ]


def test_space_insights_departments_small_ones_merged_into_other(space):
    sales, it, hr = (DepartmentFactory(name=name) for name in ("Sales", "IT", "HR"))
    groups = {"sales": people_in(space, sales, 5), "it": people_in(space, it, 3)}
    groups["hr"] = people_in(space, hr, 1)
    groups["none"] = people_in(space, None, 1)
    for members in groups.values():
        for person in members:
            event(EventKind.VIEWED, person, space, date(2026, 3, 10))
    compute_rollups(MARCH)

    departments = space_insights(space, MARCH, individuals=False).departments

    assert departments == Breakdown([Group("Sales", 5, 5), Group(OTHER, 5, 5)], 0)


def test_space_insights_departments_other_too_small_withheld(space):
    sales, it = DepartmentFactory(name="Sales"), DepartmentFactory(name="IT")
    for person in people_in(space, sales, 6) + people_in(space, it, 4):
        event(EventKind.VIEWED, person, space, date(2026, 3, 10))
    compute_rollups(MARCH)

    insights = space_insights(space, MARCH, individuals=False)

    assert insights.departments == Breakdown([Group("Sales", 6, 6)], withheld_people=4)
    assert insights.min_group == 5


def test_space_insights_levels_merged_the_same_way(space, staff, manager):
    for person in people_in(space, None, 5, level=staff) + people_in(space, None, 2, level=manager):
        event(EventKind.VIEWED, person, space, date(2026, 3, 10))
    compute_rollups(MARCH)

    levels = space_insights(space, MARCH, individuals=False).levels

    assert levels == Breakdown([Group("Staff", 5, 5)], withheld_people=2)


def test_space_insights_matrix_withholds_cells_of_few_people(space):
    a, b, c = (DepartmentFactory(name=name) for name in ("Accounts", "Buying", "Catering"))
    accounts, buying, catering = (
        people_in(space, a, 6),
        people_in(space, b, 5),
        people_in(space, c, 2),
    )
    day = date(2026, 3, 10)
    for person in accounts:  # Accounts -> Accounts: 6 people
        event(EventKind.COMMENTED, person, space, day, other_department_id=a.pk)
    for person in accounts[:5]:  # Accounts -> Buying and -> Catering: 5 people each
        event(EventKind.ANSWERED, person, space, day, other_department_id=b.pk)
        event(EventKind.REACTED, person, space, day, other_department_id=c.pk)
    for person in buying[:2]:  # Buying -> Accounts: 2 people, 3 interactions
        event(EventKind.VOTED, person, space, day, other_department_id=a.pk)
    event(EventKind.VOTED, buying[0], space, day, other_department_id=a.pk)
    for person in buying:  # acting, but with the unknown: not in the matrix
        event(EventKind.COMMENTED, person, space, day)
    for person in catering:  # Catering (too small: Other) -> Accounts: 2 people
        event(EventKind.COMMENTED, person, space, day, other_department_id=a.pk)
    compute_rollups(MARCH)

    matrix = space_insights(space, MARCH, individuals=False).matrix

    # Buying acts in the matrix with 2 people only: it is too small and joins Other.
    assert matrix.labels == ["Accounts", "Other"]
    assert matrix.values == [[6, 10], [None, 0]]
    assert matrix.withheld == 3 + 2


def test_space_insights_matrix_cells_shown_with_enough_people(space, settings):
    settings.AFTERCLASS_INSIGHTS_MIN_GROUP = 2
    a, b = DepartmentFactory(name="Accounts"), DepartmentFactory(name="Buying")
    accounts, buying = people_in(space, a, 3), people_in(space, b, 3)
    day = date(2026, 3, 10)
    for person in accounts:
        event(EventKind.COMMENTED, person, space, day, other_department_id=b.pk)
    for person in buying[:2]:
        event(EventKind.COMMENTED, person, space, day, other_department_id=a.pk)
    event(EventKind.COMMENTED, buying[2], space, day, other_department_id=b.pk)
    compute_rollups(MARCH)

    matrix = space_insights(space, MARCH, individuals=False).matrix

    # The setting says 2, the floor is 3: Buying's cells of 2 and 1 people are withheld.
    assert matrix.labels == ["Accounts", "Buying", "Other"]
    assert matrix.values == [[0, 3, 0], [None, None, 0], [0, 0, 0]]
    assert matrix.withheld == 2 + 1


def test_space_insights_pulse_average_hidden_below_min_group_answers(space):
    members = [add_member(space).person for _ in range(6)]
    for person, score in zip(members[:4], (1, 2, 4, 5), strict=True):
        PulseAnswer.objects.create(
            space=space, person=person, score=score, answered_at=local(date(2026, 3, 5))
        )
    PulseAnswer.objects.create(  # before the period: not counted
        space=space, person=members[5], score=5, answered_at=local(date(2026, 2, 28), 23, 59)
    )

    insights = space_insights(space, MARCH, individuals=False)
    assert (insights.pulse_average, insights.pulse_answers) == (None, 4)

    PulseAnswer.objects.create(
        space=space, person=members[4], score=3, answered_at=local(date(2026, 3, 28), 23, 59)
    )
    insights = space_insights(space, MARCH, individuals=False)
    assert (insights.pulse_average, insights.pulse_answers) == (3.0, 5)


def test_space_insights_go_to_only_for_those_who_may_see_individuals(space):
    sales, it = DepartmentFactory(name="Sales"), DepartmentFactory(name="IT")
    helper, other_helper = people_in(space, it, 2)
    day = date(2026, 3, 10)
    for _ in range(3):
        event(EventKind.ANSWERED, helper, space, day, other_department_id=sales.pk)
    event(EventKind.ANSWERED, other_helper, space, day, other_department_id=sales.pk)
    event(EventKind.ANSWERED, other_helper, space, day, other_department_id=it.pk)  # same dept
    compute_rollups(MARCH)

    assert space_insights(space, MARCH, individuals=False).go_to is None
    go_to = space_insights(space, MARCH, individuals=True).go_to
    assert [(g.person, g.cross_answers) for g in go_to] == [(helper, 3), (other_helper, 1)]
