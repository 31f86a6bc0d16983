"""The fragments an open page fetches on a live event: what is new for this viewer, through the
pages' own access rules and templates (hidden content stays out, anonymity holds), and how many
queries they cost."""

import pytest
from django.urls import reverse

from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_hide_comment, do_hide_post
from afterclass.posts.models import PostKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.posts.views.live import CATCH_UP_LIMIT
from afterclass.spaces.models import AnonymousQuestions, Role, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

CANARY = "canary-91c0d-live-fragment"


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(
        owner,
        name="Data skills",
        slug="data-skills",
        anonymous_questions=AnonymousQuestions.EVERYONE,
    )


@pytest.fixture
def member(space):
    return add_member(space, PersonFactory(display_name="Mina Member")).person


@pytest.fixture
def writer(space):
    return add_member(space, PersonFactory(display_name="Wren Writer")).person


@pytest.fixture
def moderator(space):
    return add_member(space, PersonFactory(display_name="Mo Moderator"), role=Role.MODERATOR).person


@pytest.fixture
def outsider(db):
    return PersonFactory(display_name="Otto Outsider")


@pytest.fixture
def secret_space(owner):
    return make_space(owner, name="Board coaching", slug="board", visibility=Visibility.SECRET)


def feed_url(space, after=0, **params):
    query = "&".join([f"after={after}", *(f"{key}={value}" for key, value in params.items())])
    return f"{reverse('live-space-posts', args=[space.slug])}?{query}"


def comments_url(post, after=0):
    return f"{reverse('live-post-comments', args=[post.pk])}?after={after}"


# --- a space feed ----------------------------------------------------------------------------


def test_live_space_posts_lists_the_posts_after_the_given_id(client, space, member, writer):
    old = make_post(space, writer, title="Old news")
    first = make_post(space, writer, title="First new")
    second = make_post(space, writer, title="Second new")
    client.force_login(member)
    response = client.get(feed_url(space, after=old.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Old news" not in page
    assert page.index(f'id="post-{second.pk}"') < page.index(f'id="post-{first.pk}"')
    assert f'data-live-id="post-{first.pk}"' in page
    assert 'data-live-into="post-list"' in page
    assert "data-live-more" not in page


def test_live_space_posts_answers_no_content_when_nothing_is_new(client, space, member, writer):
    post = make_post(space, writer)
    client.force_login(member)
    response = client.get(feed_url(space, after=post.pk))
    assert response.status_code == 204
    assert response.content == b""


def test_live_space_posts_leaves_out_a_hidden_post(client, space, member, writer, moderator):
    post = make_post(space, writer, title=CANARY)
    do_hide_post(post, actor=moderator, reason="Off topic")
    for person in (member, moderator, writer):
        client.force_login(person)
        response = client.get(feed_url(space))
        assert response.status_code == 204, person
        assert CANARY not in response.content.decode()


def test_live_space_posts_keeps_an_anonymous_asker_unnamed(client, space, member, writer):
    writer.display_name = "Wren Secretname"
    writer.save(update_fields=["display_name"])
    make_post(space, writer, kind=PostKind.QUESTION, anonymous=True, title="Anonymous?")
    client.force_login(member)
    page = client.get(feed_url(space)).content.decode()
    assert "Anonymous?" in page
    assert "A colleague" in page
    assert "Secretname" not in page
    assert reverse("person-profile", args=[writer.pk]) not in page


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_live_space_posts_is_404_where_the_feed_is_not_shown(
    client, secret_space, space, who, request
):
    person = request.getfixturevalue(who)
    make_post(space, space.created_by, title=CANARY)
    client.force_login(person)
    target = space if who == "outsider" else secret_space
    response = client.get(feed_url(target))
    assert response.status_code == 404
    assert CANARY not in response.content.decode()


def test_live_space_posts_sends_a_signed_out_person_to_sign_in(client, space):
    response = client.get(feed_url(space))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("after", ["x", "-1", "1.5", "9" * 19])
def test_live_space_posts_refuses_a_bad_after(client, space, member, after):
    client.force_login(member)
    response = client.get(f"{reverse('live-space-posts', args=[space.slug])}?after={after}")
    assert response.status_code == 400
    assert "newest item" in response.content.decode()


def test_live_space_posts_keeps_the_feeds_filters(client, space, member, writer):
    make_post(space, writer, title="A discussion")
    make_post(space, writer, kind=PostKind.QUESTION, title="A question?")
    client.force_login(member)
    page = client.get(feed_url(space, kind="question")).content.decode()
    assert "A question?" in page
    assert "A discussion" not in page


def test_live_space_posts_says_when_there_is_more_than_it_sends(client, space, member, writer):
    for number in range(CATCH_UP_LIMIT + 1):
        make_post(space, writer, title=f"Post {number}")
    client.force_login(member)
    page = client.get(feed_url(space)).content.decode()
    assert page.count("data-live-into") == CATCH_UP_LIMIT
    assert "data-live-more" in page


@pytest.mark.parametrize("rows", [1, CATCH_UP_LIMIT])
def test_live_space_posts_query_count_is_flat(
    client, django_assert_num_queries, space, member, writer, rows
):
    for number in range(rows):
        make_post(space, writer, title=f"Post {number}")
    client.force_login(member)
    # session, person, space with my membership, the new posts, moderated spaces, my
    # reactions, my read marks, the cards' last comments, my place in their spaces (the cards'
    # react and reply controls), organisation (the template context)
    with django_assert_num_queries(10):
        response = client.get(feed_url(space))
    assert response.content.decode().count("data-live-into") == rows


# --- a post's comments -----------------------------------------------------------------------


def test_live_post_comments_lists_new_comments_and_replies(client, space, member, writer):
    post = make_post(space, writer)
    old = make_comment(post, writer, "Old comment")
    reply_to_old = make_comment(post, member, "A new reply to the old comment", parent=old)
    new = make_comment(post, writer, "A new comment")
    reply_to_new = make_comment(post, member, "Its reply", parent=new)
    client.force_login(member)
    response = client.get(comments_url(post, after=old.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Old comment" not in page
    assert f'data-live-into="replies-{old.pk}" data-live-id="comment-{reply_to_old.pk}"' in page
    assert f'data-live-into="comment-list" data-live-id="comment-{new.pk}"' in page
    # The new comment's reply comes inside it, not a second time on its own.
    assert page.count(f'id="comment-{reply_to_new.pk}"') == 1
    assert f'data-live-id="comment-{reply_to_new.pk}"' not in page
    assert 'data-live-replace="comments-summary"' in page
    assert "4 comments" in page  # the post's count: comments and replies


def test_live_post_comments_answers_no_content_when_nothing_is_new(client, space, member, writer):
    post = make_post(space, writer)
    comment = make_comment(post, writer)
    client.force_login(member)
    assert client.get(comments_url(post, after=comment.pk)).status_code == 204


def test_live_post_comments_shows_a_hidden_comment_only_to_those_who_may_see_it(
    client, space, member, writer, moderator
):
    post = make_post(space, writer)
    comment = make_comment(post, writer, CANARY)
    do_hide_comment(comment, actor=moderator, reason="Rude")
    client.force_login(member)
    assert client.get(comments_url(post)).status_code == 204
    client.force_login(moderator)
    assert CANARY in client.get(comments_url(post)).content.decode()


def test_live_post_comments_is_404_for_a_post_the_viewer_cannot_see(
    client, space, member, writer, moderator, outsider
):
    post = make_post(space, writer)
    make_comment(post, writer, CANARY)
    do_hide_post(post, actor=moderator, reason="Off topic")
    for person in (member, outsider):
        client.force_login(person)
        response = client.get(comments_url(post))
        assert response.status_code == 404
        assert CANARY not in response.content.decode()


def test_live_post_comments_keep_an_anonymous_asker_unnamed(client, space, member, writer):
    writer.display_name = "Wren Secretname"
    writer.save(update_fields=["display_name"])
    question = make_post(space, writer, kind=PostKind.QUESTION, anonymous=True, title="Q?")
    make_comment(question, writer, "The asker adds a detail")
    client.force_login(member)
    page = client.get(comments_url(question)).content.decode()
    assert "The asker adds a detail" in page
    assert "A colleague" in page
    assert "Secretname" not in page


def test_live_post_comments_refuses_a_bad_after(client, space, member, writer):
    post = make_post(space, writer)
    client.force_login(member)
    response = client.get(f"{reverse('live-post-comments', args=[post.pk])}?after=soon")
    assert response.status_code == 400


@pytest.mark.parametrize("rows", [1, CATCH_UP_LIMIT])
def test_live_post_comments_query_count_is_flat(
    client, django_assert_num_queries, space, member, writer, rows
):
    question = make_post(space, writer, kind=PostKind.QUESTION, title="How?")
    for number in range(rows):
        answer = make_comment(question, writer, f"Answer {number}")
        make_comment(question, member, f"Reply {number}", parent=answer)
    client.force_login(member)
    # session, person, post, space with my membership, moderated spaces, my reactions, my read
    # mark, new answers, their replies, new replies to older answers, my reactions to them,
    # my votes, organisation (the template context)
    with django_assert_num_queries(13):
        response = client.get(comments_url(question))
    assert response.content.decode().count('data-live-into="comment-list"') == rows
