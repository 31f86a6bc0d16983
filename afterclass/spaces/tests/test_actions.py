import pytest

from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.people.tests.factories import PersonFactory
from afterclass.spaces.access import check_can_participate
from afterclass.spaces.actions import (
    do_accept_rules,
    do_create_space,
    do_decide_requests,
    do_join_space,
    do_publish_rules,
)
from afterclass.spaces.models import JoinPolicy, MembershipState, Space
from afterclass.spaces.tests.factories import make_space

pytestmark = pytest.mark.django_db


def test_create_space_makes_creator_owner_with_rules_accepted(admin):
    space = do_create_space(actor=admin, name="Excel tips", purpose="Tips.", rules="Be kind.")
    assert space.slug == "excel-tips"
    assert space.member_count == 1
    check_can_participate(admin, space)


def test_create_space_refuses_duplicate_slug_without_change(admin):
    do_create_space(actor=admin, name="A", purpose="p", rules="r", slug="same")
    with pytest.raises(Conflict):
        do_create_space(actor=admin, name="B", purpose="p", rules="r", slug="same")
    assert Space.objects.count() == 1


@pytest.mark.parametrize(("name", "field"), [("", "name"), ("x" * 81, "name")])
def test_create_space_refuses_bad_names(admin, name, field):
    with pytest.raises(InvalidInput) as error:
        do_create_space(actor=admin, name=name, purpose="p", rules="r")
    assert error.value.field == field
    assert not Space.objects.exists()


def test_request_then_approve_then_accept_rules(admin):
    space = make_space(
        admin, join_policy=JoinPolicy.REQUEST, membership_questions=["Why do you want to join?"]
    )
    colleague = PersonFactory()
    membership = do_join_space(space, actor=colleague, answers=["To learn SQL"])
    assert membership.state == MembershipState.PENDING
    do_decide_requests(space, [membership.pk], approve=True, actor=admin)
    with pytest.raises(NotAllowed, match="ground rules"):
        check_can_participate(colleague, space)
    space.refresh_from_db()
    do_accept_rules(space, actor=colleague, version=1)
    check_can_participate(colleague, space)
    do_publish_rules(space, "Be kind. Cite sources.", actor=admin)
    with pytest.raises(NotAllowed, match="ground rules"):
        check_can_participate(colleague, space)
