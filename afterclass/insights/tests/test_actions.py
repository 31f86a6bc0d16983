"""The insights actions: the pulse answer, the owner's insight settings and recorded reads —
who may, what bad input is refused (changing nothing), and what is written."""

from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import InvalidInput, NotAllowed
from afterclass.insights.access import insight_settings
from afterclass.insights.actions import (
    do_answer_pulse,
    do_change_insight_settings,
    do_record_view,
)
from afterclass.insights.models import (
    DailyActivity,
    Event,
    EventKind,
    InsightSettings,
    PulseAnswer,
)
from afterclass.insights.periods import Period, today
from afterclass.insights.rollups import compute_rollups
from afterclass.insights.tests.factories import local
from afterclass.insights.tests.pulse import make_due_for_pulse
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.spaces.models import MembershipState, Role
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        "answers": list(PulseAnswer.objects.values("space", "person", "score")),
        "events": Event.objects.filter(kind=EventKind.PULSE_ANSWERED).count(),
    }


# --- do_answer_pulse -------------------------------------------------------------------------


def test_do_answer_pulse_member_answers_and_it_is_recorded(pulse_on, member):
    make_due_for_pulse(pulse_on, member)
    answer = do_answer_pulse(pulse_on, actor=member, score="4")

    assert (answer.space, answer.person, answer.score) == (pulse_on, member, 4)
    assert Event.objects.filter(
        kind=EventKind.PULSE_ANSWERED, person=member, space=pulse_on
    ).exists()


def test_do_answer_pulse_second_answer_replaces_the_first(pulse_on, member):
    make_due_for_pulse(pulse_on, member)
    do_answer_pulse(pulse_on, actor=member, score=2)

    do_answer_pulse(pulse_on, actor=member, score=5)

    assert list(PulseAnswer.objects.values_list("person", "score")) == [(member.pk, 5)]


@pytest.mark.parametrize("score", ["0", "6", "x", "", None, "2.5", -1])
def test_do_answer_pulse_refuses_bad_scores(pulse_on, member, score):
    make_due_for_pulse(pulse_on, member)
    do_answer_pulse(pulse_on, actor=member, score=3)
    before = snapshot()

    with pytest.raises(InvalidInput, match="from 1"):
        do_answer_pulse(pulse_on, actor=member, score=score)

    assert snapshot() == before


def test_do_answer_pulse_only_active_members(pulse_on, owner):
    outsider = PersonFactory()
    admin = AdminFactory()
    pending = add_member(pulse_on, state=MembershipState.PENDING).person
    left = add_member(pulse_on, state=MembershipState.LEFT).person
    before = snapshot()

    for person in (outsider, admin, pending, left):
        with pytest.raises(NotAllowed, match="Only members"):
            do_answer_pulse(pulse_on, actor=person, score=3)

    assert snapshot() == before
    make_due_for_pulse(pulse_on, owner)
    do_answer_pulse(pulse_on, actor=owner, score=3)  # the owner is a member too
    moderator = add_member(pulse_on, role=Role.MODERATOR).person
    make_due_for_pulse(pulse_on, moderator)
    do_answer_pulse(pulse_on, actor=moderator, score=3)
    assert PulseAnswer.objects.count() == 2


def test_do_answer_pulse_only_when_the_pulse_is_on(space, owner, member):
    make_due_for_pulse(space, member)
    with pytest.raises(NotAllowed, match="does not ask"):
        do_answer_pulse(space, actor=member, score=3)
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=False
    )
    do_answer_pulse(space, actor=member, score=3)
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=False, health_visible_to_members=False
    )
    before = snapshot()

    with pytest.raises(NotAllowed, match="does not ask"):
        do_answer_pulse(space, actor=member, score=4)

    assert snapshot() == before


# --- do_change_insight_settings --------------------------------------------------------------


def test_do_change_insight_settings_owner_changes_and_it_is_audited(space, owner):
    assert insight_settings(space).pulse_enabled is False  # the default, never saved

    found = do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=True
    )
    do_change_insight_settings(
        space, actor=owner, pulse_enabled=True, health_visible_to_members=False
    )

    found.refresh_from_db()
    assert (found.pulse_enabled, found.health_visible_to_members) == (True, False)
    assert InsightSettings.objects.count() == 1
    entries = AuditEntry.objects.filter(action="insights.settings").order_by("pk")
    assert [(e.actor_id, e.space_id) for e in entries] == [(owner.pk, space.pk)] * 2
    assert entries[0].data["health_visible_to_members"] is True
    assert entries[1].data["health_visible_to_members"] is False


def test_do_change_insight_settings_org_admin_may(space):
    admin = AdminFactory()

    do_change_insight_settings(
        space, actor=admin, pulse_enabled=True, health_visible_to_members=True
    )

    assert insight_settings(space).pulse_enabled is True
    assert AuditEntry.objects.get(action="insights.settings").actor == admin


def test_do_change_insight_settings_refused_to_others(space):
    moderator = add_member(space, role=Role.MODERATOR).person
    member = add_member(space).person
    outsider = PersonFactory()

    for person in (moderator, member, outsider):
        with pytest.raises(NotAllowed, match="Only the space's owners"):
            do_change_insight_settings(
                space, actor=person, pulse_enabled=True, health_visible_to_members=True
            )

    assert not InsightSettings.objects.exists()
    assert not AuditEntry.objects.filter(action="insights.settings").exists()


# --- do_record_view --------------------------------------------------------------------------


def views(person) -> int:
    return Event.objects.filter(kind=EventKind.VIEWED, person=person).count()


def test_do_record_view_once_per_person_space_and_day(space, member, owner):
    assert do_record_view(space, actor=member) is True
    assert do_record_view(space, actor=member) is False
    assert do_record_view(space, actor=owner) is True

    assert views(member) == 1
    assert views(owner) == 1
    event = Event.objects.get(kind=EventKind.VIEWED, person=member)
    assert (event.space, event.department_id) == (space, member.department_id)


def test_do_record_view_again_the_next_day(space, member):
    yesterday = timezone.localdate() - timedelta(days=1)
    Event.objects.create(
        kind=EventKind.VIEWED, person=member, space=space, time=local(yesterday, 23, 59)
    )

    assert do_record_view(space, actor=member) is True
    assert views(member) == 2


def test_do_record_view_per_space(space, member, owner):
    other = make_space(owner, name="Other space")
    add_member(other, member)

    assert do_record_view(space, actor=member) is True
    assert do_record_view(other, actor=member) is True
    assert views(member) == 2


def test_do_record_view_not_for_non_members(space):
    outsider, admin = PersonFactory(), AdminFactory()
    pending = add_member(space, state=MembershipState.PENDING).person

    for person in (outsider, admin, pending):
        assert do_record_view(space, actor=person) is False

    assert not Event.objects.filter(kind=EventKind.VIEWED).exists()


def test_do_record_view_counts_as_activity_that_day(space, member):
    do_record_view(space, actor=member)
    compute_rollups(Period(today(), today()))

    row = DailyActivity.objects.get(person=member, space=space, day=today())
    assert (row.actions, row.contributions, row.creations) == (1, 0, 0)
