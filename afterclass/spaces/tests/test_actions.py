"""Every space action: what it changes, and every bad input it refuses without changing anything."""

import pytest

from afterclass.core.errors import Conflict, InvalidInput, NotAllowed, NotFound
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import DepartmentFactory, PersonFactory
from afterclass.spaces.access import check_can_participate
from afterclass.spaces.actions import (
    do_accept_rules,
    do_ban_member,
    do_create_space,
    do_decide_requests,
    do_invite_department_to_space,
    do_invite_to_space,
    do_join_space,
    do_leave_space,
    do_publish_rules,
    do_remove_member,
    do_set_member_role,
    do_set_space_status,
    do_update_space,
)
from afterclass.spaces.models import (
    GroundRules,
    JoinPolicy,
    Membership,
    MembershipState,
    Role,
    RulesAcceptance,
    Space,
    Status,
    Visibility,
)
from afterclass.spaces.tests.factories import add_member, make_space

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


# --- Every bad input is refused and changes nothing -------------------------------------------


@pytest.fixture
def owner(db):
    return PersonFactory()


@pytest.fixture
def space(owner):
    return make_space(owner)


@pytest.fixture
def request_space(owner):
    return make_space(
        owner,
        name="Leading teams",
        slug="leading-teams",
        join_policy=JoinPolicy.REQUEST,
        membership_questions=["Which course?", "What do you hope to learn?"],
    )


def assert_counters_match(space):
    """The counters on the row equal what the memberships say."""
    space.refresh_from_db()
    memberships = Membership.objects.filter(space=space)
    assert space.member_count == memberships.filter(state=MembershipState.ACTIVE).count()
    assert space.pending_count == memberships.filter(state=MembershipState.PENDING).count()


def snapshot(space):
    space.refresh_from_db()
    return (
        {field.name: getattr(space, field.name) for field in Space._meta.concrete_fields},
        sorted(Membership.objects.filter(space=space).values_list("person_id", "state", "role")),
        GroundRules.objects.filter(space=space).count(),
        RulesAcceptance.objects.filter(space=space).count(),
    )


@pytest.mark.parametrize(
    "slug", ["Bad Slug", "a--b", "-a", "a-", "ünïcode", "new", "settings", "x" * 61, "a_b"]
)
def test_create_space_refuses_bad_slugs(admin, slug):
    with pytest.raises(InvalidInput) as error:
        do_create_space(actor=admin, name="A", purpose="p", rules="r", slug=slug)
    assert error.value.field == "slug"
    assert not Space.objects.exists()


def test_create_space_makes_unique_slugs_from_names(admin):
    first = do_create_space(actor=admin, name="Data skills", purpose="p", rules="r")
    second = do_create_space(actor=admin, name="Data skills!", purpose="p", rules="r")
    reserved = do_create_space(actor=admin, name="New", purpose="p", rules="r")
    assert (first.slug, second.slug, reserved.slug) == ("data-skills", "data-skills-2", "new-space")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"purpose": ""}, "purpose"),
        ({"purpose": "x" * 2001}, "purpose"),
        ({"rules": "  "}, "ground rules"),
        ({"description": "x" * 281}, "description"),
        ({"mode": "chaotic"}, "mode"),
        ({"template": "blog"}, "template"),
        ({"visibility": "public"}, "visibility"),
        ({"join_policy": "anyone"}, "join_policy"),
        ({"audience": "world"}, "audience"),
        ({"target_weekly_active_pct": 101}, "target_weekly_active_pct"),
        ({"target_answer_rate_pct": -1}, "target_answer_rate_pct"),
        ({"target_completion_pct": "50"}, "target_completion_pct"),
        ({"target_completion_pct": True}, "target_completion_pct"),
        ({"target_answer_hours": 0}, "target_answer_hours"),
        ({"target_answer_hours": 721}, "target_answer_hours"),
        ({"membership_questions": ["q"] * 6}, "questions"),
        ({"membership_questions": ["x" * 201]}, "questions"),
        ({"membership_questions": "Why?"}, "questions"),
        ({"status": "launched"}, "status"),
    ],
)
def test_create_space_refuses_bad_fields(admin, fields, field):
    values = {"purpose": "p", "rules": "r", **fields}
    with pytest.raises(InvalidInput) as error:
        do_create_space(actor=admin, name="A", **values)
    assert error.value.field == field
    assert not Space.objects.exists()
    assert not Membership.objects.exists()


def test_create_space_is_refused_when_the_organisation_does_not_allow_it(person):
    Organisation.objects.update_or_create(pk=1, defaults={"anyone_can_create_spaces": False})
    with pytest.raises(NotAllowed):
        do_create_space(actor=person, name="Mine", purpose="p", rules="r")
    assert not Space.objects.exists()


@pytest.mark.parametrize("kind", ["non-member", "member", "moderator"])
def test_update_space_by_someone_who_does_not_own_it_changes_nothing(space, kind):
    person = PersonFactory()
    if kind != "non-member":
        add_member(space, person, role=Role.MODERATOR if kind == "moderator" else Role.MEMBER)
    before = snapshot(space)
    with pytest.raises(NotAllowed):
        do_update_space(space, actor=person, name="Hijacked", visibility=Visibility.SECRET)
    with pytest.raises(NotAllowed):
        do_publish_rules(space, "My rules now.", actor=person)
    with pytest.raises(NotAllowed):
        do_set_space_status(space, Status.ARCHIVED, actor=person)
    assert snapshot(space) == before


def test_update_space_by_the_owner_and_an_admin(space, owner, admin):
    do_update_space(space, actor=owner, name="Data and analytics", target_answer_hours=24)
    do_update_space(space, actor=admin, description="For everyone who works with numbers.")
    space.refresh_from_db()
    assert space.name == "Data and analytics"
    assert space.target_answer_hours == 24
    assert space.description == "For everyone who works with numbers."


def test_update_space_to_a_taken_slug_changes_nothing(space, owner):
    make_space(owner, name="Other", slug="other")
    before = snapshot(space)
    with pytest.raises(Conflict) as error:
        do_update_space(space, actor=owner, name="Renamed", slug="other")
    assert error.value.field == "slug"
    # The object in hand is put back too, so a page does not show the refused values.
    assert (space.name, space.slug) == ("Data skills", "data-skills")
    assert snapshot(space) == before


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"name": ""}, "name"), ({"name": "x" * 81}, "name"), ({"slug": "bad slug"}, "slug"),
     ({"colour": "red"}, "colour"), ({"target_answer_rate_pct": 200}, "target_answer_rate_pct")],
)  # fmt: skip
def test_update_space_refuses_bad_input(space, owner, fields, field):
    before = snapshot(space)
    with pytest.raises(InvalidInput) as error:
        do_update_space(space, actor=owner, **fields)
    assert error.value.field == field
    assert snapshot(space) == before


@pytest.mark.parametrize(
    ("target", "error"),
    [(Status.PLANNING, Conflict), (Status.LAUNCHED, Conflict), ("deleted", InvalidInput)],
)
def test_set_space_status_refuses_impossible_changes(space, owner, target, error):
    before = snapshot(space)
    with pytest.raises(error):
        do_set_space_status(space, target, actor=owner)
    assert snapshot(space) == before


def test_set_space_status_launches_archives_and_reopens(owner):
    planned = make_space(owner, status=Status.PLANNING)
    do_set_space_status(planned, Status.LAUNCHED, actor=owner)
    launched_at = planned.launched_at
    assert launched_at is not None
    do_set_space_status(planned, Status.ARCHIVED, actor=owner)
    assert planned.archived_at is not None
    do_set_space_status(planned, Status.LAUNCHED, actor=owner)
    planned.refresh_from_db()
    assert (planned.status, planned.launched_at) == (Status.LAUNCHED, launched_at)


# --- Ground rules ------------------------------------------------------------------------------


def test_publish_rules_refuses_the_same_or_empty_text(space, owner):
    before = snapshot(space)
    with pytest.raises(InvalidInput):
        do_publish_rules(space, "Be kind. Stay on topic.", actor=owner)
    with pytest.raises(InvalidInput):
        do_publish_rules(space, "   ", actor=owner)
    with pytest.raises(InvalidInput):
        do_publish_rules(space, "x" * 10001, actor=owner)
    assert snapshot(space) == before


def test_accept_rules_of_a_stale_version_changes_nothing(space, owner):
    member = PersonFactory()
    add_member(space, member, accepted_rules=False)
    do_publish_rules(space, "Version two.", actor=owner)
    before = snapshot(space)
    with pytest.raises(Conflict, match="read them again"):
        do_accept_rules(space, actor=member, version=1)
    assert snapshot(space) == before
    do_accept_rules(space, actor=member, version=2)
    assert Membership.objects.get(space=space, person=member).rules_version_accepted == 2
    assert RulesAcceptance.objects.filter(space=space, person=member, version=2).exists()


@pytest.mark.parametrize("state", [None, MembershipState.PENDING, MembershipState.BANNED])
def test_accept_rules_by_someone_who_is_not_a_member_is_refused(space, state):
    person = PersonFactory()
    if state:
        add_member(space, person, state=state, accepted_rules=False)
    before = snapshot(space)
    with pytest.raises(NotAllowed):
        do_accept_rules(space, actor=person, version=1)
    assert snapshot(space) == before


def test_accept_rules_twice_records_one_acceptance(space):
    member = PersonFactory()
    add_member(space, member, accepted_rules=False)
    do_accept_rules(space, actor=member, version=1)
    do_accept_rules(space, actor=member, version=1)
    assert RulesAcceptance.objects.filter(space=space, person=member).count() == 1


def test_posting_before_accepting_the_rules_is_refused(space, owner):
    member = PersonFactory()
    add_member(space, member, accepted_rules=False)
    with pytest.raises(NotAllowed, match="ground rules"):
        check_can_participate(member, space)
    do_accept_rules(space, actor=member)
    check_can_participate(member, space)


# --- Joining and leaving -----------------------------------------------------------------------


def test_join_open_space_counts_the_member(space):
    colleague = PersonFactory()
    membership = do_join_space(space, actor=colleague)
    assert membership.state == MembershipState.ACTIVE
    assert membership.rules_version_accepted is None
    assert_counters_match(space)
    space.refresh_from_db()
    assert space.member_count == 2


def test_join_secret_space_uninvited_is_refused(owner):
    secret = make_space(owner, visibility=Visibility.SECRET)
    before = snapshot(secret)
    with pytest.raises(NotFound):
        do_join_space(secret, actor=PersonFactory())
    assert snapshot(secret) == before


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"join_policy": JoinPolicy.INVITATION}, NotAllowed),
        ({"status": Status.ARCHIVED}, NotAllowed),
        ({"status": Status.PLANNING}, NotFound),
    ],
)
def test_join_refused_spaces_change_nothing(owner, fields, error):
    target = make_space(owner, **fields)
    before = snapshot(target)
    with pytest.raises(error):
        do_join_space(target, actor=PersonFactory())
    assert snapshot(target) == before


def test_banned_person_cannot_join_again(space, owner):
    colleague = PersonFactory()
    membership = do_join_space(space, actor=colleague)
    do_ban_member(space, membership.pk, actor=owner)
    before = snapshot(space)
    with pytest.raises(NotAllowed, match="cannot join it again"):
        do_join_space(space, actor=colleague)
    assert snapshot(space) == before


def test_banned_person_cannot_join_with_a_space_loaded_before_the_ban(space, owner):
    from afterclass.spaces.access import access_space

    colleague = PersonFactory()
    membership = do_join_space(space, actor=colleague)
    do_leave_space(space, actor=colleague)
    loaded_earlier = access_space(colleague, space.slug)
    do_ban_member(space, membership.pk, actor=owner)
    before = snapshot(space)
    with pytest.raises(NotAllowed, match="cannot join it again"):
        do_join_space(loaded_earlier, actor=colleague)
    assert snapshot(space) == before


def test_deactivated_person_cannot_join(space):
    with pytest.raises(NotFound):
        do_join_space(space, actor=PersonFactory(is_active=False))
    assert_counters_match(space)


@pytest.mark.parametrize(
    "answers",
    [None, [], ["Only one"], ["One", ""], ["One", "  "], ["One", 2], ["One", "x" * 1001]],
)
def test_join_request_with_bad_answers_changes_nothing(request_space, answers):
    before = snapshot(request_space)
    with pytest.raises(InvalidInput) as error:
        do_join_space(request_space, actor=PersonFactory(), answers=answers)
    assert error.value.field == "answers"
    assert snapshot(request_space) == before


def test_join_twice_is_refused(request_space):
    colleague = PersonFactory()
    do_join_space(request_space, actor=colleague, answers=["a", "b"])
    with pytest.raises(NotAllowed, match="waiting"):
        do_join_space(request_space, actor=colleague, answers=["a", "b"])
    assert_counters_match(request_space)


def test_declined_person_may_ask_again(request_space, owner):
    colleague = PersonFactory()
    first = do_join_space(request_space, actor=colleague, answers=["a", "b"])
    do_decide_requests(request_space, [first.pk], approve=False, actor=owner)
    second = do_join_space(request_space, actor=colleague, answers=["c", "d"])
    assert second.pk == first.pk
    assert second.state == MembershipState.PENDING
    assert second.answers[0]["answer"] == "c"
    assert_counters_match(request_space)


def test_last_owner_cannot_leave(space, owner):
    before = snapshot(space)
    with pytest.raises(Conflict, match="only owner"):
        do_leave_space(space, actor=owner)
    assert snapshot(space) == before


def test_an_owner_may_leave_when_another_owner_stays(space, owner):
    second = PersonFactory()
    add_member(space, second, role=Role.OWNER)
    do_leave_space(space, actor=owner)
    assert Membership.objects.get(space=space, person=owner).state == MembershipState.LEFT
    assert_counters_match(space)


def test_leaving_a_space_i_am_not_in_is_refused(space):
    with pytest.raises(Conflict):
        do_leave_space(space, actor=PersonFactory())
    assert_counters_match(space)


# --- Requests ----------------------------------------------------------------------------------


def test_bulk_approve_with_an_already_decided_request_changes_nothing(request_space, owner):
    first, second, third = (
        do_join_space(request_space, actor=PersonFactory(), answers=["a", "b"]) for _ in range(3)
    )
    do_decide_requests(request_space, [first.pk], approve=False, actor=owner)
    before = snapshot(request_space)
    with pytest.raises(Conflict, match="already been handled"):
        do_decide_requests(
            request_space, [second.pk, first.pk, third.pk], approve=True, actor=owner
        )
    assert snapshot(request_space) == before
    assert_counters_match(request_space)


def test_deciding_a_request_of_another_space_changes_nothing(request_space, owner):
    other = make_space(owner, name="Other", slug="other", join_policy=JoinPolicy.REQUEST)
    foreign = do_join_space(other, actor=PersonFactory(), answers=[])
    mine = do_join_space(request_space, actor=PersonFactory(), answers=["a", "b"])
    before = snapshot(request_space)
    with pytest.raises(NotFound):
        do_decide_requests(request_space, [mine.pk, foreign.pk], approve=True, actor=owner)
    assert snapshot(request_space) == before


def test_deciding_nothing_is_refused(request_space, owner):
    with pytest.raises(InvalidInput):
        do_decide_requests(request_space, [], approve=True, actor=owner)


@pytest.mark.parametrize("kind", ["member", "requester"])
def test_deciding_requests_needs_a_moderator(request_space, kind):
    pending = do_join_space(request_space, actor=PersonFactory(), answers=["a", "b"])
    person = PersonFactory()
    if kind == "member":
        add_member(request_space, person)
    before = snapshot(request_space)
    with pytest.raises(NotAllowed):
        do_decide_requests(request_space, [pending.pk], approve=True, actor=person)
    assert snapshot(request_space) == before


def test_moderator_approves_and_declines_in_bulk(request_space):
    moderator = PersonFactory()
    add_member(request_space, moderator, role=Role.MODERATOR)
    requests = [
        do_join_space(request_space, actor=PersonFactory(), answers=["a", "b"]) for _ in range(4)
    ]
    approved = do_decide_requests(
        request_space, [item.pk for item in requests[:3]], approve=True, actor=moderator
    )
    assert {item.state for item in approved} == {MembershipState.ACTIVE}
    do_decide_requests(request_space, [requests[3].pk], approve=False, actor=moderator)
    request_space.refresh_from_db()
    assert (request_space.member_count, request_space.pending_count) == (5, 0)
    assert_counters_match(request_space)


# --- Inviting, removing, banning, roles --------------------------------------------------------


def test_invite_adds_people_and_turns_requests_into_members(request_space, owner):
    requester = PersonFactory()
    do_join_space(request_space, actor=requester, answers=["a", "b"])
    banned = PersonFactory()
    add_member(request_space, banned, state=MembershipState.BANNED)
    member = PersonFactory()
    add_member(request_space, member)
    newcomer = PersonFactory()
    added = do_invite_to_space(request_space, [requester, banned, member, newcomer], actor=owner)
    assert {item.person_id for item in added} == {requester.pk, newcomer.pk}
    assert Membership.objects.get(space=request_space, person=banned).state == "banned"
    assert_counters_match(request_space)


def test_invite_refuses_archived_spaces_and_inactive_people(owner):
    archived = make_space(owner, status=Status.ARCHIVED)
    with pytest.raises(Conflict):
        do_invite_to_space(archived, [PersonFactory()], actor=owner)
    launched = make_space(owner, name="Open", slug="open")
    with pytest.raises(InvalidInput):
        do_invite_to_space(launched, [PersonFactory(is_active=False)], actor=owner)
    assert_counters_match(archived)
    assert_counters_match(launched)


def test_invite_into_a_secret_space_by_a_member_is_refused(owner):
    secret = make_space(owner, visibility=Visibility.SECRET)
    member = PersonFactory()
    add_member(secret, member)
    before = snapshot(secret)
    with pytest.raises(NotAllowed):
        do_invite_to_space(secret, [PersonFactory()], actor=member)
    assert snapshot(secret) == before


def test_invite_department_adds_the_department_and_its_teams(space, owner):
    sales = DepartmentFactory(name="Sales")
    team = DepartmentFactory(name="Inside sales", parent=sales)
    in_sales, in_team = PersonFactory(department=sales), PersonFactory(department=team)
    PersonFactory(department=sales, is_active=False)
    PersonFactory(department=DepartmentFactory(name="Finance"))
    added = do_invite_department_to_space(space, sales, actor=owner)
    assert {item.person_id for item in added} == {in_sales.pk, in_team.pk}
    assert_counters_match(space)


def test_remove_and_ban_keep_the_counters_right(request_space, owner):
    member = add_member(request_space)
    pending = do_join_space(request_space, actor=PersonFactory(), answers=["a", "b"])
    do_remove_member(request_space, member.pk, actor=owner)
    do_ban_member(request_space, pending.pk, actor=owner)
    do_ban_member(request_space, member.pk, actor=owner)
    request_space.refresh_from_db()
    assert (request_space.member_count, request_space.pending_count) == (1, 0)
    assert_counters_match(request_space)
    with pytest.raises(Conflict):
        do_ban_member(request_space, member.pk, actor=owner)
    with pytest.raises(Conflict):
        do_remove_member(request_space, member.pk, actor=owner)


def test_moderators_cannot_remove_owners_or_themselves(space, owner):
    moderator = PersonFactory()
    moderator_membership = add_member(space, moderator, role=Role.MODERATOR)
    owner_membership = Membership.objects.get(space=space, person=owner)
    before = snapshot(space)
    with pytest.raises(NotAllowed):
        do_ban_member(space, owner_membership.pk, actor=moderator)
    with pytest.raises(NotAllowed):
        do_remove_member(space, moderator_membership.pk, actor=moderator)
    with pytest.raises(NotAllowed):
        do_set_member_role(space, moderator_membership.pk, Role.OWNER, actor=moderator)
    assert snapshot(space) == before


def test_set_member_role_keeps_at_least_one_owner(space, owner):
    owner_membership = Membership.objects.get(space=space, person=owner)
    member = add_member(space)
    with pytest.raises(Conflict, match="at least one owner"):
        do_set_member_role(space, owner_membership.pk, Role.MEMBER, actor=owner)
    with pytest.raises(InvalidInput):
        do_set_member_role(space, member.pk, "emperor", actor=owner)
    do_set_member_role(space, member.pk, Role.OWNER, actor=owner)
    do_set_member_role(space, owner_membership.pk, Role.MEMBER, actor=owner)
    roles = dict(Membership.objects.filter(space=space).values_list("person_id", "role"))
    assert roles == {owner.pk: Role.MEMBER, member.person_id: Role.OWNER}


def test_counters_stay_right_through_a_season_of_changes(request_space, owner):
    people = [PersonFactory() for _ in range(6)]
    requests = [do_join_space(request_space, actor=p, answers=["a", "b"]) for p in people]
    do_decide_requests(request_space, [r.pk for r in requests[:3]], approve=True, actor=owner)
    do_decide_requests(request_space, [requests[3].pk], approve=False, actor=owner)
    do_leave_space(request_space, actor=people[0])
    do_leave_space(request_space, actor=people[4])
    do_ban_member(request_space, requests[1].pk, actor=owner)
    do_invite_to_space(request_space, [people[3], people[5], PersonFactory()], actor=owner)
    do_remove_member(request_space, requests[2].pk, actor=owner)
    do_join_space(request_space, actor=people[0], answers=["again", "yes"])
    request_space.refresh_from_db()
    assert (request_space.member_count, request_space.pending_count) == (4, 1)
    assert_counters_match(request_space)


def test_publish_rules_treats_crlf_and_lf_text_as_the_same_rules(admin):
    space = make_space(admin, rules="Be kind.\nStay on topic.")
    with pytest.raises(InvalidInput, match="same as the current"):
        do_publish_rules(space, "Be kind.\r\nStay on topic.", actor=admin)
    space.refresh_from_db()
    assert space.rules_version == 1
