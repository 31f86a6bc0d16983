"""Who may report, and who may see and handle reports."""

import pytest

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.moderation.access import (
    access_report,
    can_report,
    can_see_reports,
    check_can_see_reports,
)
from afterclass.moderation.actions import do_report
from afterclass.moderation.models import Report
from afterclass.posts.actions import do_hide_post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import MembershipState, Role, Space
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


def annotated(space: Space, person) -> Space:
    return Space.objects.with_membership_of(person).get(pk=space.pk)


def test_can_report_members_on_what_others_wrote(space, post, comment, reporter, author, owner):
    assert can_report(reporter, post, annotated(space, reporter))
    assert can_report(reporter, comment, annotated(space, reporter))
    assert not can_report(author, post, annotated(space, author))
    assert not can_report(owner, comment, annotated(space, owner))


def test_can_report_not_outsiders_admins_or_anonymous(space, post, outsider, admin):
    from django.contrib.auth.models import AnonymousUser

    assert not can_report(outsider, post, annotated(space, outsider))
    assert not can_report(admin, post, annotated(space, admin))
    assert not can_report(AnonymousUser(), post, space)


def test_can_report_not_hidden_content(space, post, moderator, owner):
    do_hide_post(post, actor=owner, reason="Off topic")
    assert not can_report(moderator, post, annotated(space, moderator))


@pytest.mark.parametrize(
    ("role", "state", "allowed"),
    [
        (Role.OWNER, MembershipState.ACTIVE, True),
        (Role.MODERATOR, MembershipState.ACTIVE, True),
        (Role.MEMBER, MembershipState.ACTIVE, False),
        (Role.MODERATOR, MembershipState.LEFT, False),
        (Role.MODERATOR, MembershipState.BANNED, False),
    ],
)
def test_can_see_reports_by_role(space, role, state, allowed):
    person = add_member(space, role=role, state=state).person
    assert can_see_reports(person, annotated(space, person)) is allowed


def test_check_can_see_reports_refuses_members_and_allows_admins(space, reporter, admin):
    with pytest.raises(NotAllowed):
        check_can_see_reports(reporter, annotated(space, reporter))
    check_can_see_reports(admin, annotated(space, admin))


@pytest.fixture
def report(post, reporter) -> Report:
    return do_report(post, actor=reporter, reason="spam")


def test_access_report_for_moderators_and_admins(report, moderator, owner, admin):
    for person in (moderator, owner, admin):
        assert access_report(person, report.pk) == report


def test_access_report_is_not_found_for_everyone_else(report, reporter, author, outsider, owner):
    other_space = make_space(owner, name="Elsewhere")
    elsewhere = add_member(other_space, role=Role.MODERATOR).person
    for person in (reporter, author, outsider, elsewhere):
        with pytest.raises(NotFound):
            access_report(person, report.pk)
    with pytest.raises(NotFound):
        access_report(owner, report.pk + 1000)


def test_access_report_hides_reports_about_the_moderator_themself(space, reporter):
    moderator = add_member(space, role=Role.MODERATOR).person
    mine = do_report(make_post(space, moderator, title="Mine"), actor=reporter, reason="spam")
    with pytest.raises(NotFound):
        access_report(moderator, mine.pk)
