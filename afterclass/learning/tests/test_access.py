"""Who sees which units, activities and submissions: decided in the query."""

from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.core.errors import NotFound
from afterclass.learning.access import access_activity, access_submission, access_unit
from afterclass.learning.actions import do_submit
from afterclass.learning.models import Unit
from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.spaces.models import MembershipState, Role
from afterclass.spaces.tests.factories import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden(space, facilitator):
    unit = make_unit(space, facilitator, title="Hidden", release_at=timezone.now() + timedelta(1))
    make_activity(unit, facilitator, "task")
    return unit


def test_visible_to_hides_unreleased_from_learners_in_the_query(
    space, unit, hidden, learner, facilitator, owner
):
    assert list(Unit.objects.visible_to(learner, space)) == [unit]
    assert list(Unit.objects.visible_to(facilitator, space)) == [unit, hidden]
    assert list(Unit.objects.visible_to(owner, space)) == [unit, hidden]


def test_visible_to_is_empty_for_non_members_and_pending(space, unit, outsider):
    pending = add_member(space, state=MembershipState.PENDING).person
    assert not Unit.objects.visible_to(outsider, space).exists()
    assert not Unit.objects.visible_to(pending, space).exists()
    assert not Unit.objects.visible_to(None, space).exists()


def test_access_unit_and_activity_404_before_release(hidden, learner, facilitator):
    with pytest.raises(NotFound):
        access_unit(learner, hidden.pk)
    with pytest.raises(NotFound):
        access_activity(learner, hidden.activities.get().pk)
    assert access_unit(facilitator, hidden.pk) == hidden


def test_access_activity_404_for_facilitator_of_another_space(unit, facilitator, owner):
    activity = make_activity(unit, facilitator)
    stranger = add_member(make_course(owner, name="Other"), role=Role.MODERATOR).person
    with pytest.raises(NotFound):
        access_activity(stranger, activity.pk)
    with pytest.raises(NotFound):
        access_activity(stranger, 10**9)


def test_access_submission_only_author_and_facilitators(unit, facilitator, learner, other_learner):
    task = make_activity(unit, facilitator, "task")
    submission = do_submit(task, actor=learner, text="Mine")
    assert access_submission(learner, submission.pk) == submission
    assert access_submission(facilitator, submission.pk) == submission
    with pytest.raises(NotFound):
        access_submission(other_learner, submission.pk)
