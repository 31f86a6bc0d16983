"""Who may see and do what with spaces: every caller against every kind of space."""

import pytest
from django.contrib.auth.models import AnonymousUser

from afterclass.core.errors import NotAllowed, NotFound
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.spaces.access import (
    access_space,
    can_create_space,
    can_join,
    can_manage,
    can_moderate,
    can_view_content,
    check_can_create_space,
    check_can_join,
    check_can_manage,
    check_can_moderate,
    check_can_participate,
    check_can_view_content,
    my_place,
    needs_rules_acceptance,
    visible_spaces_filter,
)
from afterclass.spaces.actions import do_publish_rules
from afterclass.spaces.models import JoinPolicy, MembershipState, Role, Space, Status, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

CALLERS = [
    "anonymous",
    "deactivated",
    "non-member",
    "pending",
    "declined",
    "banned",
    "left",
    "member",
    "moderator",
    "owner",
    "admin",
]
STATES = {
    "pending": MembershipState.PENDING,
    "declined": MembershipState.DECLINED,
    "banned": MembershipState.BANNED,
    "left": MembershipState.LEFT,
}


@pytest.fixture
def owner(db):
    return PersonFactory()


def make_caller(kind, space, owner):
    """A person standing in the given relation to `space`."""
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "owner":
        return owner
    if kind == "admin":
        return AdminFactory()
    person = PersonFactory(is_active=kind != "deactivated")
    if kind in STATES:
        add_member(space, person, state=STATES[kind])
    elif kind in {"member", "moderator"}:
        add_member(space, person, role=Role.MODERATOR if kind == "moderator" else Role.MEMBER)
    return person


SPACES = {
    "listed": {"visibility": Visibility.LISTED, "status": Status.LAUNCHED},
    "listed-archived": {"visibility": Visibility.LISTED, "status": Status.ARCHIVED},
    "listed-planning": {"visibility": Visibility.LISTED, "status": Status.PLANNING},
    "secret": {"visibility": Visibility.SECRET, "status": Status.LAUNCHED},
}
# Who may know each kind of space exists.
KNOWN_TO_EVERYONE = {"non-member", "pending", "declined", "banned", "left", "member",
                     "moderator", "owner", "admin"}  # fmt: skip
KNOWN_TO_MEMBERS = {"member", "moderator", "owner", "admin"}
VISIBLE = {
    "listed": KNOWN_TO_EVERYONE,
    "listed-archived": KNOWN_TO_EVERYONE,
    "listed-planning": KNOWN_TO_MEMBERS,
    "secret": KNOWN_TO_MEMBERS,
}


@pytest.mark.parametrize("kind", CALLERS)
@pytest.mark.parametrize("space_kind", list(SPACES))
def test_visible_to_and_access_space_agree_for_every_caller(owner, kind, space_kind):
    space = make_space(owner, name="Target", slug="target", **SPACES[space_kind])
    make_space(owner, name="Other", slug="other", visibility=Visibility.SECRET)
    person = make_caller(kind, space, owner)
    expected = kind in VISIBLE[space_kind]
    visible = list(Space.objects.filter(visible_spaces_filter(person)))
    assert (space in visible) is expected
    if expected:
        assert access_space(person, "target") == space
    else:
        with pytest.raises(NotFound) as error:
            access_space(person, "target")
        # The same words as for a space that does not exist: nothing leaks.
        with pytest.raises(NotFound) as missing:
            access_space(person, "no-such-space")
        assert error.value.message == missing.value.message


@pytest.mark.parametrize(
    ("kind", "content", "moderate", "manage"),
    [
        ("non-member", False, False, False),
        ("pending", False, False, False),
        ("banned", False, False, False),
        ("left", False, False, False),
        ("member", True, False, False),
        ("moderator", True, True, False),
        ("owner", True, True, True),
        ("admin", True, True, True),
    ],
)
def test_permissions_follow_the_role(owner, kind, content, moderate, manage):
    space = make_space(owner)
    person = make_caller(kind, space, owner)
    loaded = access_space(person, space.slug)
    assert can_view_content(person, loaded) is content
    assert can_moderate(person, loaded) is moderate
    assert can_manage(person, loaded) is manage
    for allowed, check in [
        (content, check_can_view_content),
        (moderate, check_can_moderate),
        (manage, check_can_manage),
    ]:
        if allowed:
            check(person, loaded)
        else:
            with pytest.raises(NotAllowed):
                check(person, loaded)


def test_my_place_uses_the_annotations_without_a_query(owner, django_assert_num_queries):
    space = make_space(owner)
    member = PersonFactory()
    add_member(space, member, role=Role.MODERATOR)
    loaded = access_space(member, space.slug)
    with django_assert_num_queries(0):
        place = my_place(member, loaded)
        assert can_moderate(member, loaded)
    assert (place.role, place.state, place.rules_version) == ("moderator", "active", 1)


def test_my_place_without_annotations_reads_the_membership(owner):
    space = make_space(owner)
    member = PersonFactory()
    add_member(space, member, state=MembershipState.PENDING)
    place = my_place(member, Space.objects.get(pk=space.pk))
    assert place.state == MembershipState.PENDING
    assert not place.is_active_member


@pytest.mark.parametrize(
    ("kind", "space_kind", "policy", "error", "message"),
    [
        ("non-member", "listed", JoinPolicy.OPEN, None, None),
        ("non-member", "listed", JoinPolicy.REQUEST, None, None),
        ("declined", "listed", JoinPolicy.REQUEST, None, None),
        ("left", "listed", JoinPolicy.OPEN, None, None),
        ("non-member", "listed", JoinPolicy.INVITATION, NotAllowed, "by invitation only"),
        ("non-member", "listed-archived", JoinPolicy.OPEN, NotAllowed, "archived"),
        ("non-member", "listed-planning", JoinPolicy.OPEN, NotFound, "cannot see it"),
        ("non-member", "secret", JoinPolicy.OPEN, NotFound, "cannot see it"),
        ("left", "secret", JoinPolicy.OPEN, NotFound, "cannot see it"),
        ("admin", "listed-planning", JoinPolicy.OPEN, NotAllowed, "not been launched"),
        ("admin", "secret", JoinPolicy.OPEN, None, None),
        ("banned", "listed", JoinPolicy.OPEN, NotAllowed, "cannot join it again"),
        ("pending", "listed", JoinPolicy.REQUEST, NotAllowed, "waiting for a moderator"),
        ("member", "listed", JoinPolicy.OPEN, NotAllowed, "already a member"),
        ("anonymous", "listed", JoinPolicy.OPEN, NotFound, "cannot see it"),
        ("deactivated", "listed", JoinPolicy.OPEN, NotFound, "cannot see it"),
    ],
)
def test_check_can_join_gives_the_reason(owner, kind, space_kind, policy, error, message):
    space = make_space(owner, join_policy=policy, **SPACES[space_kind])
    person = make_caller(kind, space, owner)
    if error is None:
        check_can_join(person, space)
        assert can_join(person, space)
    else:
        with pytest.raises(error, match=message):
            check_can_join(person, space)
        assert not can_join(person, space)


def test_needs_rules_acceptance_follows_the_version(owner):
    space = make_space(owner)
    member = PersonFactory()
    add_member(space, member)
    assert not needs_rules_acceptance(member, access_space(member, space.slug))
    do_publish_rules(space, "New rules.", actor=owner)
    assert needs_rules_acceptance(member, access_space(member, space.slug))
    # Non-members are not asked: they have nothing to accept.
    stranger = PersonFactory()
    assert not needs_rules_acceptance(stranger, access_space(stranger, space.slug))


@pytest.mark.parametrize(
    ("kind", "accepted", "status", "message"),
    [
        ("member", True, Status.LAUNCHED, None),
        ("member", False, Status.LAUNCHED, "accept the space's ground rules"),
        ("member", True, Status.ARCHIVED, "archived"),
        ("pending", True, Status.LAUNCHED, "Join this space"),
        ("non-member", True, Status.LAUNCHED, "Join this space"),
        ("admin", True, Status.LAUNCHED, "Join this space"),
    ],
)
def test_check_can_participate(owner, kind, accepted, status, message):
    space = make_space(owner, status=status)
    person = make_caller(kind, space, owner) if kind != "member" else PersonFactory()
    if kind == "member":
        add_member(space, person, accepted_rules=accepted)
    if message is None:
        check_can_participate(person, space)
    else:
        with pytest.raises(NotAllowed, match=message):
            check_can_participate(person, space)


def test_can_create_space_follows_the_organisation_policy(db):
    person = PersonFactory()
    admin = AdminFactory()
    assert can_create_space(person)
    Organisation.objects.update_or_create(pk=1, defaults={"anyone_can_create_spaces": False})
    assert not can_create_space(person)
    with pytest.raises(NotAllowed):
        check_can_create_space(person)
    assert can_create_space(admin)
    assert not can_create_space(AnonymousUser())
    assert not can_create_space(AdminFactory(is_active=False))
