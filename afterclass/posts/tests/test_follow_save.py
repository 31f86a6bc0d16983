"""Save, follow, mute and acknowledge (posts.follow), their pages and API, the Top, Following
and Saved feeds (posts.feeds_more): only for posts one may see, idempotent, notifications that
follow the thread's state, moderators alone see who read an announcement, and flat query
counts."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from afterclass.notifications.models import Notification, NotificationKind
from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_create_post, do_react
from afterclass.posts.feeds_more import (
    acknowledgements,
    following_feed,
    readers,
    saved_feed,
    thread_controls,
    top_feed,
)
from afterclass.posts.follow import (
    do_acknowledge,
    do_follow,
    do_mute,
    do_save,
    do_unfollow,
    do_unmute,
    do_unsave,
)
from afterclass.posts.models import Acknowledgement, Post, SavedPost, ThreadFollow, ThreadState
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import AnonymousQuestions, MembershipState, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

K = NotificationKind
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", slug="data-skills")


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


@pytest.fixture
def other(space):
    return add_member(space, PersonFactory(display_name="Ola Other")).person


@pytest.fixture
def outsider(db):
    return PersonFactory(display_name="Otto Outsider")


@pytest.fixture
def secret_post(owner):
    secret = make_space(owner, name="Secret", slug="secret", visibility=Visibility.SECRET)
    return make_post(secret, owner, title="Secret plans")


@pytest.fixture
def post(space, owner):
    return make_post(space, owner, title="How do you plan a sprint?")


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def told(kind=None):
    rows = Notification.objects.all()
    if kind is not None:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("recipient__display_name", flat=True))


# --- the actions ------------------------------------------------------------------------------


def test_save_is_idempotent_and_unsave_too(post, member):
    assert do_save(post, actor=member) is True
    assert do_save(post, actor=member) is True
    assert SavedPost.objects.filter(person=member, post=post).count() == 1
    assert do_unsave(post, actor=member) is False
    assert do_unsave(post, actor=member) is False
    assert not SavedPost.objects.exists()


def test_follow_mute_unfollow_keep_one_row_with_the_last_choice(post, member):
    do_follow(post, actor=member)
    do_follow(post, actor=member)
    assert ThreadFollow.objects.get(person=member).state == ThreadState.FOLLOWING
    do_mute(post, actor=member)
    assert ThreadFollow.objects.get(person=member).state == ThreadState.MUTED
    assert do_unmute(post, actor=member) == ThreadState.NOT_FOLLOWING
    do_follow(post, actor=member)
    do_unfollow(post, actor=member)
    assert not ThreadFollow.objects.filter(person=member).exists()


def test_the_author_follows_by_default_and_may_stop(post, owner):
    assert thread_controls(post, owner).following
    do_unfollow(post, actor=owner)
    assert ThreadFollow.objects.get(person=owner).state == ThreadState.NOT_FOLLOWING
    assert not thread_controls(post, owner).following


# --- notifications --------------------------------------------------------------------------


def test_a_follower_hears_of_new_comments_and_others_do_not(now, post, owner, member, other):
    do_follow(post, actor=member)
    now(make_comment, post, other, "We plan on Mondays.")
    assert told() == ["Mina Member", "Olive Owner"]
    note = Notification.objects.get(recipient=member)
    assert note.message == "Ola Other commented on “How do you plan a sprint?”, which you follow"


def test_a_muted_thread_tells_nothing_but_mentions(now, post, owner, member, other):
    do_mute(post, actor=owner)  # the author, who would hear of every comment
    do_mute(post, actor=member)
    mine = make_comment(post, member, "Mine")
    now(make_comment, post, other, "A first comment.")
    now(make_comment, post, other, "A reply to Mina.", parent=mine)
    assert told() == []
    handle = member.email.split("@")[0]
    now(make_comment, post, other, f"What do you think, @{handle}?")
    assert told() == ["Mina Member"]
    assert told(K.MENTION) == ["Mina Member"]


def test_the_author_who_stopped_following_is_not_told(now, post, owner, other):
    do_unfollow(post, actor=owner)
    now(make_comment, post, other, "A comment.")
    assert told() == []


def test_the_author_is_told_by_default_as_before(now, post, owner, other):
    now(make_comment, post, other, "A comment.")
    assert told(K.REPLY) == ["Olive Owner"]


def test_an_anonymous_askers_followers_never_see_their_name(now, owner, member, other):
    space = make_space(owner, name="Q", slug="q", anonymous_questions=AnonymousQuestions.EVERYONE)
    add_member(space, member)
    add_member(space, other)
    question = make_post(space, member, kind="question", title="Secret worry", anonymous=True)
    do_follow(question, actor=other)
    now(make_comment, question, member, "More detail from the asker.")
    note = Notification.objects.get(recipient=other)
    assert "Mina" not in note.message
    assert note.actor is None


# --- pages: permissions, toggles, focus keys ------------------------------------------------


@pytest.mark.parametrize("name", ["post-save", "post-follow", "post-acknowledge"])
def test_controls_are_404_for_a_post_one_may_not_see(client, member, secret_post, name):
    client.force_login(member)
    response = client.post(reverse(name, args=[secret_post.pk]), {"on": "1", "choice": "follow"})
    assert response.status_code == 404
    assert not SavedPost.objects.exists()
    assert not ThreadFollow.objects.exists()


def test_acknowledgement_list_is_404_for_a_post_one_may_not_see(client, member, secret_post):
    client.force_login(member)
    url = reverse("post-acknowledgements", args=[secret_post.pk])
    assert client.get(url).status_code == 404


def test_save_in_place_answers_the_controls_and_a_double_click_saves_once(client, post, member):
    client.force_login(member)
    url = reverse("post-save", args=[post.pk])
    for _ in range(2):
        response = client.post(url, {"on": "1"}, headers=HTMX)
        assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-pressed="true"' in html
    assert 'data-focus-key="save-' in html
    assert SavedPost.objects.filter(person=member).count() == 1


def test_without_javascript_a_toggle_redirects_back(client, post, member):
    client.force_login(member)
    response = client.post(reverse("post-follow", args=[post.pk]), {"choice": "follow"})
    assert response.status_code == 302
    assert response["Location"] == reverse("post-detail", args=[post.pk])
    assert ThreadFollow.objects.get(person=member).state == ThreadState.FOLLOWING


def test_a_bad_follow_choice_changes_nothing(client, post, member):
    client.force_login(member)
    response = client.post(reverse("post-follow", args=[post.pk]), {"choice": "explode"})
    assert response.status_code == 302
    assert not ThreadFollow.objects.exists()


def test_the_post_page_shows_the_controls(client, post, member):
    client.force_login(member)
    html = client.get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "Save for later" in html
    assert ">Follow<" in html
    assert ">Mute<" in html
    assert "I have read this" not in html


# --- acknowledgements -----------------------------------------------------------------------


@pytest.fixture
def announcement(space, owner):
    return do_create_post(
        space, actor=owner, kind="announcement", title="New expense rules",
        body="Read before Friday.", asks_acknowledgement=True,
    )  # fmt: skip


def test_only_announcements_that_ask_may_be_acknowledged(post, member, space, owner):
    from afterclass.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        do_acknowledge(post, actor=member)
    plain = do_create_post(space, actor=owner, kind="announcement", title="Hi", body="x")
    assert plain.asks_acknowledgement is False
    with pytest.raises(InvalidInput):
        do_acknowledge(plain, actor=member)


def test_a_question_never_asks_to_be_acknowledged(space, member):
    question = do_create_post(
        space, actor=member, kind="question", title="Why?", asks_acknowledgement=True
    )
    assert question.asks_acknowledgement is False


def test_acknowledging_twice_records_once(announcement, member):
    do_acknowledge(announcement, actor=member)
    do_acknowledge(announcement, actor=member)
    assert Acknowledgement.objects.filter(post=announcement).count() == 1


def test_a_member_acknowledges_from_the_page_in_place(client, announcement, member):
    client.force_login(member)
    page = client.get(reverse("post-detail", args=[announcement.pk])).content.decode()
    assert "I have read this" in page
    assert "Who has read this" not in page
    response = client.post(reverse("post-acknowledge", args=[announcement.pk]), headers=HTMX)
    assert "You have read this" in response.content.decode()
    assert Acknowledgement.objects.filter(person=member).exists()


def test_who_has_read_is_for_moderators_only(client, announcement, owner, member, other, space):
    gone = add_member(space, PersonFactory(display_name="Gina Gone"), state=MembershipState.LEFT)
    do_acknowledge(announcement, actor=member)
    url = reverse("post-acknowledgements", args=[announcement.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(owner)
    page = client.get(reverse("post-detail", args=[announcement.pk])).content.decode()
    assert "Who has read this" in page
    html = client.get(url).content.decode()
    assert "Have read it (1)" in html
    assert "Mina Member" in html
    assert "Ola Other" in html
    assert "Have not read it yet (2)" in html  # Ola and the owner
    assert gone.person.display_name not in html


def test_who_has_read_pages_through_a_big_space(announcement, owner, space, member, other):
    # 7 more members (10 active in all, the owner included); 3 of them have read it.
    people = [add_member(space, PersonFactory(display_name=f"Reader {n}")).person for n in range(7)]
    for person in people[:3]:
        do_acknowledge(announcement, actor=person)
    first = readers(announcement, read=False, limit=2)
    assert [r.name for r in first.people] == ["Mina Member", "Ola Other"]
    second = readers(announcement, read=False, cursor=first.next, limit=2)
    assert [r.name for r in second.people] == ["Olive Owner", "Reader 3"]
    last = readers(announcement, read=False, cursor=second.next, limit=2)
    assert [r.name for r in last.people] == ["Reader 4", "Reader 5"]
    rest = readers(announcement, read=False, cursor=last.next, limit=2)
    assert [r.name for r in rest.people] == ["Reader 6"]
    assert rest.next is None
    done = readers(announcement, read=True, limit=2)
    assert [r.name for r in done.people] == ["Reader 0", "Reader 1"]
    assert all(r.read_at is not None for r in done.people)
    found = acknowledgements(announcement)
    assert (found.read_count, found.not_read_count, found.members) == (3, 7, 10)


def test_who_has_read_shows_more_names_in_place(
    client, announcement, owner, space, member, monkeypatch
):
    monkeypatch.setattr("afterclass.posts.feeds_more.READERS_PAGE", 2)
    for n in range(3):
        add_member(space, PersonFactory(display_name=f"Reader {n}"))
    client.force_login(owner)
    url = reverse("post-acknowledgements", args=[announcement.pk])
    html = client.get(url).content.decode()
    assert "Have not read it yet (5)" in html  # Mina, Olive and the three readers
    assert "Mina Member" in html
    assert "Olive Owner" in html
    assert "Reader 0" not in html
    link = re.search(r'href="([^"]+list=not_read&amp;after=[^"]+)"', html)
    assert link is not None
    more = client.get(link.group(1).replace("&amp;", "&"), headers=HTMX)
    page = more.content.decode()
    assert page.startswith('<li tabindex="-1" id="readers-not_read-')
    assert "Reader 0" in page
    assert "Reader 1" in page
    assert "Mina Member" not in page
    assert "2 more names." in more["HX-Trigger-After-Settle"]
    # Without JavaScript: a page of that list alone, with the way back.
    plain = client.get(link.group(1).replace("&amp;", "&")).content.decode()
    assert "Have not read it yet: more names" in plain
    assert "Back to both lists" in plain


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"list": "everyone"}, "Choose the list of those who have read it or have not."),
        ({"list": "read", "after": "not a cursor"}, "This page link is not valid."),
        ({"list": "read", "after": "e30"}, "This page link is not valid."),
    ],
)
def test_who_has_read_refuses_a_bad_link_clearly(client, announcement, owner, query, message):
    client.force_login(owner)
    response = client.get(reverse("post-acknowledgements", args=[announcement.pk]), query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_who_has_read_costs_the_same_for_a_big_space(
    client, announcement, owner, space, django_assert_max_num_queries
):
    client.force_login(owner)
    url = reverse("post-acknowledgements", args=[announcement.pk])
    client.get(url)
    with django_assert_max_num_queries(50) as few:
        client.get(url)
    for n in range(30):
        add_member(space, PersonFactory(display_name=f"Reader {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "Reader 29" in html


def test_api_who_has_read_pages_with_cursors(client, announcement, owner, space, member):
    for n in range(3):
        add_member(space, PersonFactory(display_name=f"Reader {n}"))
    base = f"/api/v1/posts/{announcement.pk}/acknowledgements"
    body = client.get(base, {"limit": 2}, **bearer(owner)).json()
    assert (body["members"], body["read_count"]) == (5, 0)
    assert [r["name"] for r in body["not_read"]] == ["Mina Member", "Olive Owner"]
    assert body["read"] == []
    assert body["read_next"] is None
    after = client.get(
        base, {"limit": 2, "not_read_cursor": body["not_read_next"]}, **bearer(owner)
    ).json()
    assert [r["name"] for r in after["not_read"]] == ["Reader 0", "Reader 1"]
    bad = client.get(base, {"not_read_cursor": "nonsense!"}, **bearer(owner))
    assert bad.status_code == 400
    assert client.get(base, {"limit": 0}, **bearer(owner)).status_code == 422


def test_the_new_post_form_offers_acknowledgement_for_announcements_only(client, space, owner):
    client.force_login(owner)
    url = reverse("post-create", args=[space.slug])
    assert "asks_acknowledgement" in client.get(url, {"kind": "announcement"}).content.decode()
    assert "asks_acknowledgement" not in client.get(url, {"kind": "question"}).content.decode()


# --- feeds ----------------------------------------------------------------------------------


def test_feeds_list_only_what_the_viewer_may_see(post, secret_post, owner, member):
    for target in (post, secret_post):
        SavedPost.objects.create(person=member, post=target)
        ThreadFollow.objects.create(person=member, post=target, state=ThreadState.FOLLOWING)
    assert [p.pk for p in saved_feed(member).items] == [post.pk]
    assert [p.pk for p in following_feed(member).items] == [post.pk]
    assert [p.pk for p in top_feed(member).items] == [post.pk]
    assert secret_post.pk in [p.pk for p in following_feed(owner).items]  # the author's


def test_feeds_never_name_an_anonymous_asker(owner, member, other):
    space = make_space(owner, name="Q", slug="q", anonymous_questions=AnonymousQuestions.EVERYONE)
    add_member(space, member)
    add_member(space, other)
    question = make_post(space, member, kind="question", title="Worry", anonymous=True)
    do_save(question, actor=other)
    do_follow(question, actor=other)
    for feed in (saved_feed, following_feed, top_feed):
        (seen,) = feed(other).items
        assert seen.shown_author is None


def test_saved_is_newest_saved_first_and_pages_by_keyset(space, owner, member):
    posts = [make_post(space, owner, title=f"Post {n}") for n in range(5)]
    for post in posts:
        do_save(post, actor=member)
    first = saved_feed(member, limit=3)
    assert [p.pk for p in first.items] == [p.pk for p in reversed(posts)][:3]
    second = saved_feed(member, cursor=first.next, limit=3)
    assert [p.pk for p in second.items] == [posts[1].pk, posts[0].pk]
    assert second.next is None


def test_following_is_newest_activity_first(space, owner, member, other):
    older, newer = make_post(space, other, title="Older"), make_post(space, other, title="Newer")
    do_follow(older, actor=member)
    do_follow(newer, actor=member)
    make_comment(older, owner, "Bump")
    assert [p.pk for p in following_feed(member).items] == [older.pk, newer.pk]
    do_mute(older, actor=member)
    assert [p.pk for p in following_feed(member).items] == [newer.pk]


def test_top_ranks_helped_posts_first_and_leaves_old_ones_out(space, owner, member, other):
    quiet = make_post(space, owner, title="Quiet")
    helpful = make_post(space, owner, title="Helpful")
    do_react(actor=member, kind="helped", post=helpful)
    do_react(actor=other, kind="helped", post=helpful)
    old = make_post(space, owner, title="Old")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    week = [p.pk for p in top_feed(member).items]
    assert week == [helpful.pk, quiet.pk]
    assert old.pk in [p.pk for p in top_feed(member, period="month").items]


def test_top_pages_by_keyset_without_repeats(space, owner, member):
    made = [make_post(space, owner, title=f"P{n}") for n in range(7)]
    do_react(actor=member, kind="like", post=made[2])
    seen: list[int] = []
    page = top_feed(member, limit=3)
    seen += [p.pk for p in page.items]
    while page.next:
        page = top_feed(member, cursor=page.next, limit=3)
        seen += [p.pk for p in page.items]
    assert sorted(seen) == sorted(p.pk for p in made)
    assert seen[0] == made[2].pk


@pytest.mark.parametrize("name", ["top-feed", "following-feed", "saved-feed"])
def test_feed_pages_render_with_their_tab_current(client, member, post, name):
    do_save(post, actor=member)
    do_follow(post, actor=member)
    client.force_login(member)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse(name)}" aria-current="page"' in html
    assert "How do you plan a sprint?" in html


# The session, the person, the organisation and the bell, then the feed (one query; Saved's
# joins its saves) and what posts.queries.present reads for a page of cards.
# Saved carries its cards' conversation too (two queries: last comments, my place).
FEED_PAGE_QUERIES = {"top-feed": 9, "following-feed": 9, "saved-feed": 9}
# The feed itself, then present's queries for the page (a saved post's space is joined in).
FEED_QUERIES = {"top_feed": 6, "following_feed": 6, "saved_feed": 6}


@pytest.mark.parametrize("name", ["top-feed", "following-feed", "saved-feed"])
@pytest.mark.parametrize("rows", [1, 30])
def test_feed_page_query_count_is_flat(
    client, space, owner, member, name, rows, django_assert_num_queries
):
    for n in range(rows):
        post = make_post(space, owner, title=f"Post {n}")
        do_save(post, actor=member)
        do_follow(post, actor=member)
    client.force_login(member)
    client.get(reverse(name))  # the session and the organisation are read once
    with django_assert_num_queries(FEED_PAGE_QUERIES[name]):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("feed", [top_feed, following_feed, saved_feed])
@pytest.mark.parametrize("rows", [1, 30])
def test_feed_query_count_is_flat(space, owner, member, feed, rows, django_assert_num_queries):
    for n in range(rows):
        post = make_post(space, owner, title=f"Post {n}")
        do_save(post, actor=member)
        do_follow(post, actor=member)
    with django_assert_num_queries(FEED_QUERIES[feed.__name__]):
        assert len(feed(member).items) == min(rows, 20)


# --- the API ----------------------------------------------------------------------------------


def bearer(person):
    _, raw = do_create_access_token(person, "tests", actor=person)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_save_follow_mute_are_idempotent_and_404_when_unseen(client, post, secret_post, member):
    auth = bearer(member)
    base = f"/api/v1/posts/{post.pk}"
    for _ in range(2):
        assert client.put(f"{base}/save", **auth).json() == {"saved": True}
    assert SavedPost.objects.filter(person=member).count() == 1
    assert client.delete(f"{base}/save", **auth).json() == {"saved": False}
    assert client.put(f"{base}/follow", **auth).json()["state"] == "following"
    assert client.get(f"{base}/follow", **auth).json()["state"] == "following"
    assert client.put(f"{base}/mute", **auth).json()["state"] == "muted"
    assert client.delete(f"{base}/mute", **auth).json()["state"] == "not_following"
    assert client.delete(f"{base}/follow", **auth).json()["state"] == "not_following"
    hidden = f"/api/v1/posts/{secret_post.pk}"
    for verb in (client.put, client.delete):
        for what in ("save", "follow", "mute", "acknowledge"):
            if verb == client.delete and what == "acknowledge":
                continue
            assert verb(f"{hidden}/{what}", **auth).status_code == 404
    assert not ThreadFollow.objects.filter(post=secret_post).exists()


def test_api_acknowledge_and_the_list_for_moderators(client, announcement, member, owner):
    base = f"/api/v1/posts/{announcement.pk}"
    auth = bearer(member)
    assert client.put(f"{base}/acknowledge", **auth).json() == {"acknowledged": True}
    assert client.get(f"{base}/acknowledgements", **auth).status_code == 403
    body = client.get(f"{base}/acknowledgements", **bearer(owner)).json()
    assert [r["name"] for r in body["read"]] == ["Mina Member"]
    assert body["not_read"] == [{"name": "Olive Owner", "read_at": None}]


def test_api_feeds(client, post, member):
    do_save(post, actor=member)
    auth = bearer(member)
    for path in ("/api/v1/feed/top", "/api/v1/feed/following", "/api/v1/feed/saved"):
        assert client.get(path, **auth).status_code == 200, path
    saved = client.get("/api/v1/feed/saved", **auth).json()
    assert [p["id"] for p in saved["items"]] == [post.pk]


# --- opening a post reads its notifications ---------------------------------------------------


def test_opening_a_post_marks_its_and_its_comments_notifications_read_in_one_update(
    client, now, post, owner, member, other, django_assert_num_queries
):
    do_follow(post, actor=member)
    now(make_comment, post, other, "One")
    now(make_comment, post, other, "Two")
    elsewhere = make_post(post.space, other, title="Elsewhere")
    do_follow(elsewhere, actor=member)
    now(make_comment, elsewhere, owner, "Three")
    assert Notification.objects.unread().filter(recipient=member).count() == 3
    client.force_login(member)
    client.get(reverse("post-detail", args=[post.pk]))
    unread = Notification.objects.unread().filter(recipient=member)
    assert list(unread.values_list("post_id", flat=True)) == [elsewhere.pk]
