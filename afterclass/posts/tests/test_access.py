"""Who sees which posts and comments, and whose name an anonymous question shows to whom."""

import pytest
from django.contrib.auth.models import AnonymousUser

from afterclass.core.errors import InvalidInput, NotAllowed, NotFound
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.access import (
    access_comment,
    access_post,
    author_shown_to,
    can_reveal_asker,
    check_can_reveal_asker,
    comments_visible_to,
    moderated_space_ids,
    posts_visible_to,
)
from afterclass.posts.actions import do_hide_post, do_remove_comment, do_remove_post
from afterclass.posts.models import Comment, Post
from afterclass.posts.queries import post_thread, present
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, MembershipState, Role, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

CALLERS = (
    "anonymous",
    "non_member",
    "pending",
    "banned",
    "left",
    "deactivated",
    "member",
    "moderator",
    "owner",
    "org_admin",
)
SEES_CONTENT = {"member", "moderator", "owner", "org_admin"}


def caller(kind, space):
    """A person in the given relation to the space."""
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "non_member":
        return PersonFactory()
    if kind == "org_admin":
        return AdminFactory()
    states = {"pending": MembershipState.PENDING, "banned": MembershipState.BANNED,
              "left": MembershipState.LEFT}  # fmt: skip
    roles = {"moderator": Role.MODERATOR, "owner": Role.OWNER}
    person = add_member(
        space, state=states.get(kind, MembershipState.ACTIVE), role=roles.get(kind, Role.MEMBER)
    ).person
    if kind == "deactivated":
        person.is_active = False
        person.save(update_fields=["is_active"])
    return person


@pytest.fixture
def spaces(admin):
    listed = make_space(admin, name="Listed")
    secret = make_space(admin, name="Secret", visibility=Visibility.SECRET)
    return {"listed": listed, "secret": secret}


def visible_titles(viewer):
    return set(Post.objects.filter(posts_visible_to(viewer)).values_list("title", flat=True))


@pytest.mark.parametrize("kind", CALLERS)
@pytest.mark.parametrize("visibility", ["listed", "secret"])
def test_posts_visible_to_each_kind_of_caller(spaces, admin, kind, visibility):
    space = spaces[visibility]
    make_post(space, admin, title=f"canary {visibility}")
    other = spaces["secret" if visibility == "listed" else "listed"]
    make_post(other, admin, title="elsewhere")
    viewer = caller(kind, space)

    titles = visible_titles(viewer)

    if kind in SEES_CONTENT:
        assert f"canary {visibility}" in titles
    else:
        assert titles.isdisjoint({f"canary {visibility}"})
    assert ("elsewhere" in titles) == (kind == "org_admin")
    if kind in SEES_CONTENT:
        post = Post.objects.get(title=f"canary {visibility}")
        assert access_post(viewer, post.pk) == post
    else:
        post = Post.objects.get(title=f"canary {visibility}")
        with pytest.raises(NotFound):
            access_post(viewer, post.pk)


def test_posts_visible_to_none_sees_nothing(spaces, admin):
    make_post(spaces["listed"], admin)

    assert not Post.objects.filter(posts_visible_to(None)).exists()


@pytest.mark.parametrize(
    ("kind", "sees_hidden"),
    [("member", False), ("author", True), ("moderator", True), ("owner", True),
     ("org_admin", True), ("non_member", False)],
)  # fmt: skip
def test_hidden_posts_are_seen_by_moderators_and_their_author_only(spaces, kind, sees_hidden):
    space = spaces["listed"]
    author = add_member(space).person
    moderator = add_member(space, role=Role.MODERATOR).person
    post = make_post(space, author, title="hidden canary")
    do_hide_post(post, actor=moderator, reason="Checking the facts.")
    viewer = {"author": author, "moderator": moderator}.get(kind) or caller(kind, space)

    assert ("hidden canary" in visible_titles(viewer)) is sees_hidden
    if not sees_hidden:
        with pytest.raises(NotFound):
            access_post(viewer, post.pk)


def test_removed_posts_stay_readable_to_members(spaces, admin):
    space = spaces["listed"]
    author, reader = add_member(space).person, add_member(space).person
    post = make_post(space, author, title="withdrawn")
    do_remove_post(post, actor=author)

    assert access_post(reader, post.pk).is_removed


def test_comments_visible_to_hides_hidden_comments_from_members(spaces, admin):
    space = spaces["listed"]
    author, commenter, reader = (add_member(space).person for _ in range(3))
    moderator = add_member(space, role=Role.MODERATOR).person
    post = make_post(space, author)
    visible = make_comment(post, commenter, body="visible")
    hidden = make_comment(post, commenter, body="hidden")
    removed = make_comment(post, commenter, body="removed")
    Comment.objects.filter(pk=hidden.pk).update(state="hidden", hidden_reason="Rude.")
    do_remove_comment(removed, actor=commenter)

    def bodies(viewer):
        return set(
            Comment.objects.filter(comments_visible_to(viewer, post)).values_list("body", flat=True)
        )

    assert bodies(reader) == {"visible", "removed"}
    assert bodies(commenter) == {"visible", "hidden", "removed"}
    assert bodies(moderator) == {"visible", "hidden", "removed"}
    assert bodies(admin) == {"visible", "hidden", "removed"}
    assert bodies(AnonymousUser()) == set()
    assert access_comment(reader, visible.pk) == visible
    with pytest.raises(NotFound):
        access_comment(reader, hidden.pk)
    assert access_comment(commenter, hidden.pk) == hidden
    with pytest.raises(NotFound):
        access_comment(PersonFactory(), visible.pk)
    with pytest.raises(NotFound):
        access_comment(reader, 10_000)


def test_access_post_unknown_is_not_found(person):
    with pytest.raises(NotFound, match="no such post"):
        access_post(person, 10_000)


def test_moderated_space_ids(spaces, admin):
    moderator = add_member(spaces["listed"], role=Role.MODERATOR).person
    add_member(spaces["secret"], moderator)
    add_member(spaces["secret"], PersonFactory(), role=Role.MODERATOR)

    assert moderated_space_ids(moderator) == {spaces["listed"].pk}
    assert moderated_space_ids(admin) == {spaces["listed"].pk, spaces["secret"].pk}  # owner
    assert moderated_space_ids(AnonymousUser()) == set()


# --- Anonymity ------------------------------------------------------------------------------

VIEWERS = ("member", "moderator", "owner", "asker", "outside_admin")
# Who is shown the asker of an anonymous question, by the space's setting when shown.
SEES_ASKER = {
    AnonymousQuestions.OFF: {"asker"},  # asked while allowed, then switched off: stays anonymous
    AnonymousQuestions.MEMBERS: {"asker", "moderator", "owner"},
    AnonymousQuestions.EVERYONE: {"asker"},
}


@pytest.fixture
def anonymity(admin):
    space = make_space(admin, name="Ask")
    people = {
        "member": add_member(space).person,
        "moderator": add_member(space, role=Role.MODERATOR).person,
        "owner": add_member(space, role=Role.OWNER).person,
        "asker": add_member(space).person,
        "outside_admin": AdminFactory(),
    }
    do_update_space(space, actor=admin, anonymous_questions=AnonymousQuestions.MEMBERS)
    question = make_post(space, people["asker"], kind="question", anonymous=True)
    named = make_post(space, people["asker"], kind="question", title="Named")
    return space, people, question, named


@pytest.mark.parametrize("setting", list(AnonymousQuestions))
@pytest.mark.parametrize("viewer_kind", VIEWERS)
def test_author_shown_to_by_setting_and_viewer(anonymity, admin, setting, viewer_kind):
    space, people, question, named = anonymity
    do_update_space(space, actor=admin, anonymous_questions=setting)
    viewer = people[viewer_kind]
    question = Post.objects.select_related("space", "author").get(pk=question.pk)
    named = Post.objects.select_related("space", "author").get(pk=named.pk)
    moderated = moderated_space_ids(viewer)

    shown = author_shown_to(viewer, question, moderated=moderated)

    expected = people["asker"] if viewer_kind in SEES_ASKER[setting] else None
    assert shown == expected
    # The same through `present`, which pages and the API use.
    assert present([question], viewer)[0].shown_author == expected
    # A question asked with a name shows it to everyone, whatever the setting.
    assert author_shown_to(viewer, named, moderated=moderated) == people["asker"]


def test_author_shown_to_without_moderated_spaces_hides_the_asker(anonymity):
    _, people, question, _ = anonymity

    assert author_shown_to(people["moderator"], question) is None
    assert author_shown_to(None, question) is None
    assert author_shown_to(AnonymousUser(), question) is None


@pytest.mark.parametrize("setting", [AnonymousQuestions.MEMBERS, AnonymousQuestions.EVERYONE])
def test_anonymous_askers_comments_in_their_thread_are_anonymous(anonymity, admin, setting):
    space, people, question, _ = anonymity
    do_update_space(space, actor=admin, anonymous_questions=setting)
    answer = make_comment(question, people["member"], body="Try this.")
    make_comment(question, people["asker"], body="Thank you!", parent=answer)
    make_comment(question, people["asker"], body="More detail from me.")

    for kind in VIEWERS:
        viewer = people[kind]
        post = access_post(viewer, question.pk)
        thread = post_thread(post, viewer)
        sees = kind in SEES_ASKER[setting]
        by_asker = next(c for c in thread.comments if c.body == "More detail from me.")
        answerer = next(c for c in thread.comments if c.pk == answer.pk)
        reply = answerer.visible_replies[0]
        assert by_asker.by_asker
        assert reply.by_asker
        assert (by_asker.shown_author == people["asker"]) is sees, kind
        assert (reply.shown_author == people["asker"]) is sees, kind
        assert (by_asker.shown_author is None) is not sees, kind
        assert answerer.shown_author == people["member"]
        assert not answerer.by_asker


@pytest.mark.parametrize("viewer_kind", [*VIEWERS, "space_admin"])
def test_can_reveal_asker_only_org_admins_on_an_anonymous_question(anonymity, admin, viewer_kind):
    _, people, question, named = anonymity
    viewer = admin if viewer_kind == "space_admin" else people[viewer_kind]
    may = viewer.is_org_admin

    assert can_reveal_asker(question, viewer) is may
    # The viewer's view of the post (what the post page's button reads) answers the same.
    assert can_reveal_asker(present([question], viewer)[0], viewer) is may
    assert can_reveal_asker(named, viewer) is False
    if may:
        check_can_reveal_asker(viewer, question)
        with pytest.raises(InvalidInput):
            check_can_reveal_asker(viewer, named)
    else:
        for post in (question, named):
            with pytest.raises(NotAllowed):
                check_can_reveal_asker(viewer, post)


def test_can_reveal_asker_refuses_signed_out_viewers(anonymity):
    _, _, question, _ = anonymity

    assert can_reveal_asker(question, None) is False
    assert can_reveal_asker(question, AnonymousUser()) is False
