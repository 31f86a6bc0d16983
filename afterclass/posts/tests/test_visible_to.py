"""The one query API for who may see a space, a post and a comment (issue 13 part 1): the relative
form, asked for many people at once (`.visible_to_recipient(OuterRef(...))`, as the mailer and
the digest ask it), gives every person of a small world the same answer as the per-viewer form
(`.visible_to(viewer)`), and the per-viewer form gives the answers the rule states."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef
from django.utils import timezone

from afterclass.learning.tests.factories import make_activity, make_unit
from afterclass.people.actions import do_set_active
from afterclass.people.models import Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.access import moderated_space_ids
from afterclass.posts.actions import (
    do_hide_comment,
    do_hide_post,
    do_remove_comment,
    do_remove_post,
)
from afterclass.posts.models import Comment, Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_ban_member, do_leave_space
from afterclass.spaces.models import (
    MODERATOR_ROLES,
    AnonymousQuestions,
    Membership,
    MembershipState,
    Role,
    Space,
    Status,
)
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Listed, secret and planned spaces; a member, a moderator, an owner, people who left, were
    banned, asked or were deactivated; an outsider and an organisation admin; visible, hidden,
    removed and anonymous posts and comments, and an unreleased discussion prompt."""
    owner = PersonFactory(display_name="Owner")
    people = {
        "owner": owner,
        "moderator": PersonFactory(display_name="Moderator"),
        "member": PersonFactory(display_name="Member"),
        "left": PersonFactory(display_name="Left"),
        "banned": PersonFactory(display_name="Banned"),
        "pending": PersonFactory(display_name="Pending"),
        "deactivated": PersonFactory(display_name="Deactivated"),
        "outsider": PersonFactory(display_name="Outsider"),
        "admin": PersonFactory(display_name="Admin", is_org_admin=True),
    }
    listed = make_space(
        owner, name="Listed", slug="listed", anonymous_questions=AnonymousQuestions.MEMBERS
    )
    secret = make_space(owner, name="Secret", slug="secret", visibility="secret")
    planned = make_space(owner, name="Planned", slug="planned", status=Status.PLANNING)
    for space in (listed, secret, planned):
        add_member(space, people["moderator"], role=Role.MODERATOR)
        for name in ("member", "left", "banned", "deactivated"):
            add_member(space, people[name])
        add_member(space, people["pending"], state=MembershipState.PENDING)
    posts = {}
    for space in (listed, secret):
        key = space.slug
        posts[f"{key}-visible"] = make_post(space, people["member"], title=f"{key} visible")
        posts[f"{key}-hidden"] = make_post(space, people["member"], title=f"{key} hidden")
        posts[f"{key}-removed"] = make_post(space, people["member"], title=f"{key} removed")
        do_hide_post(posts[f"{key}-hidden"], actor=owner, reason="Off topic")
        do_remove_post(posts[f"{key}-removed"], actor=people["member"])
    posts["anonymous"] = make_post(
        listed, people["member"], kind="question", anonymous=True, title="Anonymous question"
    )
    unit = make_unit(listed, owner, title="Later", release_at=timezone.now() + timedelta(days=3))
    prompt = make_activity(unit, owner, "discussion", title="A prompt")
    posts["prompt"] = Post.objects.get(pk=prompt.post_id)
    thread = posts["listed-visible"]
    comments = {
        "visible": make_comment(thread, people["moderator"], "Visible"),
        "hidden": make_comment(thread, people["member"], "Hidden"),
        "removed": make_comment(thread, people["member"], "Removed"),
        "on-hidden-post": Comment.objects.create(
            post=posts["listed-hidden"], author=people["moderator"], body="On a hidden post"
        ),
        "on-prompt": make_comment(posts["prompt"], owner, "On the prompt"),
    }
    do_hide_comment(comments["hidden"], actor=owner, reason="Off topic")
    do_remove_comment(comments["removed"], actor=people["member"])
    do_leave_space(listed, actor=people["left"])
    do_leave_space(secret, actor=people["left"])
    for space in (listed, secret):
        membership = Membership.objects.get(space=space, person=people["banned"])
        do_ban_member(space, membership.pk, actor=owner)
    do_set_active(people["deactivated"], False, actor=people["admin"])
    for person in people.values():
        person.refresh_from_db()
    return people, posts, comments


def _relative(queryset) -> set[int]:
    """The people the relative form says may see the one row of `queryset`, in one query."""
    sees = queryset.visible_to_recipient(OuterRef("pk"))
    return set(Person.objects.filter(Exists(sees)).values_list("pk", flat=True))


def test_relative_form_gives_each_person_the_per_viewer_answer_for_spaces(world):
    people, _, _ = world
    for space in Space.objects.all():
        per_viewer = {
            p.pk
            for p in people.values()
            if Space.objects.visible_to(p).filter(pk=space.pk).exists()
        }
        assert _relative(Space.objects.filter(pk=space.pk)) == per_viewer, space


def test_relative_form_gives_each_person_the_per_viewer_answer_for_posts(world):
    people, posts, _ = world
    for name, post in posts.items():
        per_viewer = {
            p.pk for p in people.values() if Post.objects.visible_to(p).filter(pk=post.pk).exists()
        }
        assert _relative(Post.objects.filter(pk=post.pk)) == per_viewer, name


def test_relative_form_gives_each_person_the_per_viewer_answer_for_comments(world):
    people, _, comments = world
    for name, comment in comments.items():
        per_viewer = {
            p.pk
            for p in people.values()
            if Comment.objects.visible_to(p).filter(pk=comment.pk).exists()
        }
        assert _relative(Comment.objects.filter(pk=comment.pk)) == per_viewer, name


def test_comments_of_a_given_post_answer_as_across_posts(world):
    """Given the post (already checked), `visible_to(viewer, post)` answers as the form across
    posts does for the comments of a post the viewer may see."""
    people, _, _ = world
    for person in people.values():
        for post in Post.objects.visible_to(person):
            post = Post.objects.select_related("space").get(pk=post.pk)
            given = set(Comment.objects.visible_to(person, post).values_list("pk", flat=True))
            across = set(
                Comment.objects.visible_to(person).filter(post=post).values_list("pk", flat=True)
            )
            assert given == across, (person, post)


def _titles(viewer) -> set[str]:
    return set(Post.objects.visible_to(viewer).values_list("title", flat=True))


def test_visible_to_each_kind_of_person(world):
    people, _, _ = world
    readable = {"listed visible", "listed removed", "secret visible", "secret removed"}
    everything = readable | {"listed hidden", "secret hidden", "Anonymous question", "A prompt"}
    assert _titles(people["member"]) == readable | {
        "listed hidden",  # their own
        "secret hidden",
        "Anonymous question",
    }
    assert _titles(people["moderator"]) == everything
    assert _titles(people["owner"]) == everything
    assert _titles(people["admin"]) == everything
    for nobody in ("left", "banned", "pending", "deactivated", "outsider"):
        assert _titles(people[nobody]) == set(), nobody
    assert _titles(None) == set()
    assert _titles(AnonymousUser()) == set()


def test_comments_visible_to_a_member_and_a_moderator(world):
    people, _, _ = world
    member = set(Comment.objects.visible_to(people["member"]).values_list("body", flat=True))
    assert member == {"Visible", "Hidden", "Removed", "On a hidden post"}  # hidden: their own
    outsider = PersonFactory()
    add_member(Space.objects.get(slug="listed"), outsider)
    assert set(Comment.objects.visible_to(outsider).values_list("body", flat=True)) == {
        "Visible",
        "Removed",
    }
    moderator = set(Comment.objects.visible_to(people["moderator"]).values_list("body", flat=True))
    assert moderator == {body for body in Comment.objects.values_list("body", flat=True)}


def test_spaces_visible_to_each_kind_of_person(world):
    people, _, _ = world

    def slugs(viewer):
        return set(Space.objects.visible_to(viewer).values_list("slug", flat=True))

    assert slugs(people["outsider"]) == {"listed"}
    assert slugs(people["left"]) == {"listed", "planned"}  # left the other two only
    assert slugs(people["member"]) == {"listed", "secret", "planned"}
    assert slugs(people["admin"]) == {"listed", "secret", "planned"}
    assert slugs(people["deactivated"]) == set()
    assert slugs(None) == set()


def test_membership_active_in_with_and_without_roles(world):
    people, _, _ = world
    listed = Space.objects.get(slug="listed")
    active = set(Membership.objects.active_in(listed).values_list("person_id", flat=True))
    assert active == {people[name].pk for name in ("owner", "moderator", "member", "deactivated")}
    moderators = Membership.objects.active_in(listed, roles=MODERATOR_ROLES)
    assert set(moderators.values_list("person_id", flat=True)) == {
        people["owner"].pk,
        people["moderator"].pk,
    }
    assert Membership.objects.active_in(listed, people["member"]).exists()
    assert not Membership.objects.active_in(listed, people["left"]).exists()
    # As a subquery, relative to each person of an outer query.
    members = Person.objects.filter(Exists(Membership.objects.active_in(listed, OuterRef("pk"))))
    assert set(members.values_list("pk", flat=True)) == active


def test_comments_of_checked_posts_are_those_the_per_viewer_rule_shows(world):
    """`Comment.objects.visible_on` (a feed's cards: posts already checked) gives each person
    exactly the comments `visible_to` gives them on the posts they may see."""
    people, _, _ = world
    for name, person in people.items():
        seen = list(Post.objects.visible_to(person).select_related("space"))
        moderated = moderated_space_ids(person)
        on = set(Comment.objects.visible_on(person, seen, moderated).values_list("pk", flat=True))
        expected = set(
            Comment.objects.visible_to(person)
            .filter(post__in=[post.pk for post in seen])
            .values_list("pk", flat=True)
        )
        assert on == expected, name
    assert not Comment.objects.visible_on(AnonymousUser(), list(Post.objects.all()), set())
