"""Read state: each member's last-read point per post, unread badges in feeds and the API, and
unread counts on the space directory and in the space feed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.actions import do_mark_read
from afterclass.posts.models import Post, ReadMark
from afterclass.posts.queries import home_feed, present, space_feed
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, Space
from afterclass.spaces.queries import space_directory, unread_count
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db) -> Person:
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner) -> Space:
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def member(space) -> Person:
    return add_member(space, PersonFactory(display_name="Mina Member")).person


@pytest.fixture
def helper(space) -> Person:
    return add_member(space, PersonFactory(display_name="Hal Helper")).person


def state_of(post: Post, viewer: Person) -> tuple[bool, int]:
    fresh = Post.objects.for_list().get(pk=post.pk)
    (seen,) = present([fresh], viewer)
    return seen.is_unread, seen.new_comments


def read(client, post: Post, person: Person):
    client.force_login(person)
    response = client.get(reverse("post-detail", args=[post.pk]))
    assert response.status_code == 200
    return response


def bearer(person: Person) -> dict[str, str]:
    _, secret = do_create_access_token(person, "read state", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


# --- The action ------------------------------------------------------------------------------


def test_mark_read_new_post_is_unread_until_read(space, owner, member):
    post = make_post(space, owner)
    assert state_of(post, member) == (True, 0)
    post.space = Space.objects.with_membership_of(member).get(pk=space.pk)
    assert do_mark_read(post, actor=member) is True
    assert state_of(post, member) == (False, 0)
    mark = ReadMark.objects.get(person=member, post=post)
    assert mark.seen_activity_at == post.last_activity_at


def test_mark_read_writes_one_row_per_person_and_post(space, owner, member):
    post = make_post(space, owner)
    for _ in range(3):
        do_mark_read(post, actor=member)
    make_comment(post, owner, "More")
    do_mark_read(post, actor=member)
    mark = ReadMark.objects.get(person=member, post=post)
    assert mark.seen_comment_count == 1
    assert ReadMark.objects.filter(post=post).count() == 2  # the member's and the author's


def test_mark_read_new_comment_by_someone_else_makes_it_unread(space, owner, member, helper):
    post = make_post(space, owner)
    do_mark_read(post, actor=member)
    make_comment(post, helper, "I have a thought.")
    assert state_of(post, member) == (True, 1)
    make_comment(post, helper, "And another.")
    assert state_of(post, member) == (True, 2)
    do_mark_read(Post.objects.get(pk=post.pk), actor=member)
    assert state_of(post, member) == (False, 0)


def test_mark_read_my_own_comment_does_not_make_it_unread(space, owner, member):
    post = make_post(space, owner)
    do_mark_read(post, actor=member)
    make_comment(post, member, "My answer.")
    assert state_of(post, member) == (False, 0)
    # ...but it is news to the author, who had read it when posting.
    assert state_of(post, owner) == (True, 1)


def test_mark_read_my_own_post_is_not_unread(space, member):
    post = make_post(space, member)
    assert state_of(post, member) == (False, 0)


@pytest.mark.parametrize("who", ["admin", "outsider", "former member"])
def test_mark_read_writes_nothing_for_non_members(space, owner, who):
    post = make_post(space, owner)
    if who == "admin":
        person = AdminFactory()
    elif who == "outsider":
        person = PersonFactory()
    else:
        person = add_member(space, state="left").person
    assert do_mark_read(post, actor=person) is False
    assert not ReadMark.objects.filter(person=person).exists()


def test_mark_read_admin_outside_the_space_sees_no_unread_badges(space, owner):
    admin = AdminFactory()
    make_post(space, owner)
    page = space_feed(space, admin)
    assert [(p.is_unread, p.new_comments) for p in page.items] == [(False, 0)]


def test_mark_read_admin_who_is_a_member_has_read_state(space, owner):
    admin = add_member(space, AdminFactory()).person
    post = make_post(space, owner)
    assert state_of(post, admin) == (True, 0)
    do_mark_read(post, actor=admin)
    assert state_of(post, admin) == (False, 0)


# --- Pages ----------------------------------------------------------------------------------


def test_post_page_marks_the_post_read(client, space, owner, member, helper):
    post = make_post(space, owner, title="Retro formats")
    make_comment(post, helper, "Timeline!")
    read(client, post, member)
    assert state_of(post, member) == (False, 0)
    make_comment(post, helper, "Also: sailboat.")
    body = client.get(reverse("space-home", args=[space.slug])).content.decode()
    assert "1 new comment<" in body
    assert '<span class="badge unread">1 unread</span>' in body  # the feed's header


def test_post_page_by_an_admin_outside_the_space_writes_nothing(client, space, owner):
    admin = AdminFactory()
    post = make_post(space, owner)
    read(client, post, admin)
    assert not ReadMark.objects.filter(person=admin).exists()


def test_space_feed_shows_unread_badges(client, space, owner, member):
    make_post(space, owner, title="Never opened")
    client.force_login(member)
    body = client.get(reverse("space-home", args=[space.slug])).content.decode()
    # A quiet mark, not an "Unread" badge (issue 14)
    assert '<span class="new-mark"><span class="dot" aria-hidden="true"></span>New</span>' in body


def test_space_directory_counts_unread_posts_in_my_spaces(client, space, owner, member, helper):
    other = make_space(owner, name="Other", slug="other")
    add_member(other, member)
    first, second, _ = (make_post(space, owner, title=f"P{n}") for n in range(3))
    make_post(other, owner, title="Elsewhere")
    do_mark_read(first, actor=member)
    do_mark_read(second, actor=member)
    make_comment(second, helper, "News")  # unread again
    make_comment(first, member, "Mine")  # still read
    old = make_post(space, owner, title="Long ago")
    Post.objects.filter(pk=old.pk).update(last_activity_at=timezone.now() - timedelta(days=91))

    counts = {s.slug: s.unread_count for s in space_directory(member).items}
    assert counts == {"data-skills": 2, "other": 1}
    assert unread_count(space, member) == 2

    client.force_login(member)
    body = client.get(reverse("space-directory")).content.decode()
    assert "2 unread posts" in body
    assert "1 unread post<" in body


def test_space_directory_unread_count_leaves_out_hidden_and_removed(space, owner, member):
    post = make_post(space, owner)
    Post.objects.filter(pk=post.pk).update(state="hidden")
    assert unread_count(space, member) == 0


def test_unread_count_stops_at_the_cap_and_shows_99_plus(client, space, owner, member, monkeypatch):
    monkeypatch.setattr("afterclass.spaces.queries.UNREAD_CAP", 3)
    monkeypatch.setattr("afterclass.spaces.templatetags.spaces.UNREAD_CAP", 3)
    posts = [make_post(space, owner, title=f"P{n}") for n in range(5)]
    assert unread_count(space, member) == 3  # counted among the 3 most recently active

    # Read the 3 most recent: the count looks no further than them, so none is unread…
    for post in posts[2:]:
        do_mark_read(post, actor=member)
    assert unread_count(space, member) == 0
    # …until an older one has new activity and is among the most recent again.
    make_comment(posts[0], owner, "Still relevant")
    assert unread_count(space, member) == 1

    for post in posts[2:]:
        make_comment(post, owner, "More")
    client.force_login(member)
    assert "2+ unread posts" in client.get(reverse("space-directory")).content.decode()
    home = client.get(reverse("space-home", args=[space.slug])).content.decode()
    assert "2+ unread</span>" in home


@pytest.mark.parametrize("rows", [1, 50])
def test_space_directory_query_count_is_flat_with_posts(
    owner, member, django_assert_num_queries, rows
):
    for number in range(rows):
        space = make_space(owner, name=f"Space {number:02}", slug=f"space-{number}")
        add_member(space, member)
        make_post(space, owner, title="Hello")
    with django_assert_num_queries(1):
        page = space_directory(member, limit=100)
    counts = {s.slug: s.unread_count for s in page.items}
    assert counts.pop("data-skills") == 0  # the member's first space has no posts
    assert list(counts.values()) == [1] * rows


# --- API ------------------------------------------------------------------------------------


def test_post_api_reports_and_marks_read(client, space, owner, member, helper):
    post = make_post(space, owner)
    auth = bearer(member)
    url = f"/api/v1/posts/{post.pk}"
    first = client.get(url, **auth).json()
    assert (first["unread"], first["new_comments"]) == (True, 0)  # what was new before reading
    again = client.get(url, **auth).json()
    assert (again["unread"], again["new_comments"]) == (False, 0)
    make_comment(post, helper, "News")
    listed = client.get(f"/api/v1/spaces/{space.slug}/posts", **auth).json()["items"]
    assert (listed[0]["unread"], listed[0]["new_comments"]) == (True, 1)


def test_space_list_api_has_unread_count(client, space, owner, member):
    make_post(space, owner)
    auth = bearer(member)
    mine = client.get("/api/v1/spaces?which=mine", **auth).json()["items"]
    assert [(s["slug"], s["unread_count"]) for s in mine] == [("data-skills", 1)]
    other = make_space(owner, name="Elsewhere", slug="elsewhere")
    make_post(other, owner)
    discover = client.get("/api/v1/spaces?which=discover", **auth).json()["items"]
    assert [(s["slug"], s["unread_count"]) for s in discover] == [("elsewhere", None)]


def test_post_api_admin_outside_the_space_writes_nothing(client, space, owner):
    admin = AdminFactory()
    post = make_post(space, owner)
    body = client.get(f"/api/v1/posts/{post.pk}", **bearer(admin)).json()
    assert (body["unread"], body["new_comments"]) == (False, 0)
    assert not ReadMark.objects.filter(person=admin).exists()


# --- Anonymity ------------------------------------------------------------------------------


@pytest.mark.parametrize("setting", [AnonymousQuestions.MEMBERS, AnonymousQuestions.EVERYONE])
def test_read_state_anonymous_question_stays_anonymous(client, space, owner, member, setting):
    do_update_space(space, actor=owner, anonymous_questions=setting)
    asker = add_member(space, PersonFactory(display_name="Ada Asker")).person
    question = make_post(space, asker, kind="question", title="Is it OK?", anonymous=True)
    do_mark_read(question, actor=member)
    make_comment(question, asker, "Some context from me.")
    # The asker's own comment is not news to them; to the member it is, still anonymous.
    assert state_of(question, asker) == (False, 0)
    assert state_of(question, member) == (True, 1)
    client.force_login(member)
    page = client.get(reverse("space-home", args=[space.slug])).content.decode()
    feed = page[page.index('id="feed"') :]
    feed = feed[: feed.index("</section>")]
    assert "Ada Asker" not in feed  # (the asker is still listed among the members)
    assert "1 new comment" in feed
    body = client.get(f"/api/v1/posts/{question.pk}", **bearer(member)).json()
    assert body["author"] is None
    assert (body["unread"], body["new_comments"]) == (True, 1)
    assert home_feed(member).items[0].shown_author is None
