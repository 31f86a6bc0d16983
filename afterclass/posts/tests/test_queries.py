"""The read side of posts: what each list holds, in which order, and in how many queries."""

import pytest
from django.contrib.auth.models import AnonymousUser

from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.access import access_post
from afterclass.posts.actions import (
    do_accept_answer,
    do_hide_post,
    do_react,
    do_remove_post,
    do_set_pinned,
    do_vote,
)
from afterclass.posts.models import Post
from afterclass.posts.queries import home_feed, post_thread, present, space_feed, waiting_questions
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_set_space_status, do_update_space
from afterclass.spaces.models import AnonymousQuestions, Role
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(admin):
    return make_space(admin)


@pytest.fixture
def member(space):
    return add_member(space).person


@pytest.fixture
def moderator(space):
    return add_member(space, role=Role.MODERATOR).person


def titles(page):
    return [post.title for post in page.items]


def test_space_feed_pinned_first_then_newest(space, member, moderator):
    first = make_post(space, member, title="first")
    make_post(space, member, title="second")
    make_post(space, member, title="third")
    do_set_pinned(first, True, actor=moderator)

    assert titles(space_feed(space, member)) == ["first", "third", "second"]


def test_space_feed_leaves_out_hidden_and_removed_posts(space, member, moderator):
    make_post(space, member, title="kept")
    do_hide_post(make_post(space, member, title="hidden"), actor=moderator, reason="Not now.")
    do_remove_post(make_post(space, member, title="removed"), actor=member)

    assert titles(space_feed(space, member)) == ["kept"]
    assert titles(space_feed(space, moderator)) == ["kept"]


def test_space_feed_filters_by_kind_and_unanswered(space, member, moderator):
    make_post(space, member, title="talk")
    answered = make_post(space, member, kind="question", title="answered")
    make_comment(answered, moderator)
    make_post(space, member, kind="question", title="waiting")

    assert titles(space_feed(space, member, kind="question")) == ["waiting", "answered"]
    assert titles(space_feed(space, member, unanswered=True)) == ["waiting"]


def test_space_feed_is_empty_for_outsiders(space, member):
    make_post(space, member)

    assert space_feed(space, PersonFactory()).items == []
    assert space_feed(space, AnonymousUser()).items == []


def test_space_feed_pages_with_a_cursor(space, member):
    for number in range(5):
        make_post(space, member, title=f"post {number}")

    first = space_feed(space, member, limit=2)
    second = space_feed(space, member, limit=2, cursor=first.next)
    third = space_feed(space, member, limit=2, cursor=second.next)

    assert titles(first) + titles(second) + titles(third) == [f"post {n}" for n in range(4, -1, -1)]
    assert third.next is None


def test_space_feed_presents_each_post(space, member):
    post = make_post(space, member)
    do_react(actor=member, kind="helped", post=post)

    item = space_feed(space, member).items[0]

    assert item.shown_author == member
    assert item.is_mine
    assert item.my_reactions == {"helped"}
    other = add_member(space).person
    item = space_feed(space, other).items[0]
    assert not item.is_mine
    assert item.my_reactions == set()


def test_home_feed_holds_only_my_spaces(admin, space, member):
    elsewhere = make_space(admin, name="Elsewhere")
    make_post(space, member, title="mine")
    make_post(elsewhere, admin, title="not mine")

    assert titles(home_feed(member)) == ["mine"]
    assert titles(home_feed(admin)) == ["not mine", "mine"]  # admin owns both
    assert home_feed(AnonymousUser()).items == []


def test_waiting_questions_oldest_first_without_answers(space, member, moderator):
    make_post(space, member, kind="question", title="older")
    make_post(space, member, kind="question", title="newer")
    answered = make_post(space, member, kind="question", title="answered")
    make_comment(answered, moderator)
    make_post(space, member, title="a discussion")

    assert titles(waiting_questions(member)) == ["older", "newer"]
    assert waiting_questions(None).items == []


def test_waiting_questions_leave_out_archived_spaces(admin, space, member):
    make_post(space, member, kind="question", title="open")
    old = make_space(admin, name="Old")
    add_member(old, member)
    make_post(old, member, kind="question", title="closed")
    do_set_space_status(old, "archived", actor=admin)

    assert titles(waiting_questions(member)) == ["open"]
    assert titles(home_feed(member)) == ["closed", "open"]  # still readable in the feed


def test_post_thread_orders_answers_by_votes_and_accepted_first(space, member, moderator):
    question = make_post(space, member, kind="question")
    voters = [add_member(space).person for _ in range(2)]
    early = make_comment(question, moderator, body="early")
    popular = make_comment(question, voters[0], body="popular")
    accepted = make_comment(question, voters[1], body="accepted")
    do_vote(popular, actor=member)
    do_vote(popular, actor=voters[1])
    do_vote(early, actor=member)
    do_accept_answer(question, accepted, actor=member)

    thread = post_thread(access_post(member, question.pk), member)

    assert [c.body for c in thread.comments] == ["accepted", "popular", "early"]
    assert thread.my_votes == {popular.pk, early.pk}


def test_post_thread_discussion_comments_oldest_first_with_replies(space, member, moderator):
    post = make_post(space, member)
    first = make_comment(post, moderator, body="first")
    make_comment(post, member, body="second")
    make_comment(post, member, body="reply", parent=first)

    thread = post_thread(access_post(member, post.pk), member)

    assert [c.body for c in thread.comments] == ["first", "second"]
    assert [r.body for r in thread.comments[0].visible_replies] == ["reply"]
    assert thread.my_votes == set()


# --- Query counts: the same for 1 and for 50 rows -------------------------------------------


def fill_space(space, author, count, *, kind="discussion"):
    for number in range(count):
        make_post(space, author, kind=kind, title=f"Post {number}")


@pytest.fixture
def anonymous_space(space, admin):
    do_update_space(space, actor=admin, anonymous_questions=AnonymousQuestions.MEMBERS)
    return space


@pytest.mark.parametrize("count", [1, 50])
def test_space_feed_query_count_is_flat(anonymous_space, member, count, django_assert_num_queries):
    space = anonymous_space
    fill_space(space, member, count)
    for post in Post.objects.all():
        do_react(actor=member, kind="like", post=post)
    make_post(space, member, kind="question", anonymous=True)

    # moderated spaces, posts, reactions (mine and counts per kind), my read marks, the cards'
    # last comments, my place in their spaces
    with django_assert_num_queries(6):
        page = space_feed(space, member, limit=100)
    assert len(page.items) == count + 1


@pytest.mark.parametrize("count", [1, 50])
def test_home_feed_query_count_is_flat(admin, member, count, django_assert_num_queries):
    for number in range(2):
        space = make_space(admin, name=f"Space {number}")
        add_member(space, member)
        fill_space(space, member, count)

    # my spaces, their first rows merged, those posts, then present's three and the cards' two
    with django_assert_num_queries(8):
        page = home_feed(member, limit=100)
    assert len(page.items) == 2 * count


def _walk(feed, person, limit):
    """Every page of a feed, following its cursors: the titles, page by page."""
    pages, cursor = [], None
    while True:
        page = feed(person, cursor=cursor, limit=limit)
        pages.append(titles(page))
        if not page.next:
            return pages
        cursor = page.next


def _interleaved_spaces(admin, member, *, spaces=3, posts=7):
    """Posts written round-robin in several spaces (some at the same instant), newest last."""
    made = [make_space(admin, name=f"Busy {number}") for number in range(spaces)]
    for space in made:
        add_member(space, member)
    written = []
    for number in range(posts * spaces):
        post = make_post(made[number % spaces], admin, title=f"P{number}")
        written.append(post)
    # Two posts at one instant: the id breaks the tie, the same way on every page.
    Post.objects.filter(pk=written[5].pk).update(created_at=written[4].created_at)
    return made, [post.title for post in written]


@pytest.mark.parametrize("merged", [True, False])
def test_home_feed_pages_across_spaces_in_order(admin, member, merged, monkeypatch):
    if not merged:  # more spaces than the merge takes: one sorted query instead, same pages
        monkeypatch.setattr("afterclass.posts.queries.MERGE_MAX_SPACES", 1)
    _made, written = _interleaved_spaces(admin, member)

    pages = _walk(home_feed, member, limit=4)

    newest_first = [title for page in pages for title in page]
    assert newest_first == list(reversed(written))
    assert [len(page) for page in pages] == [4, 4, 4, 4, 4, 1]


@pytest.mark.parametrize("merged", [True, False])
def test_waiting_questions_page_across_spaces_oldest_first(admin, member, merged, monkeypatch):
    if not merged:
        monkeypatch.setattr("afterclass.posts.queries.MERGE_MAX_SPACES", 1)
    spaces = [make_space(admin, name=f"Asking {number}") for number in range(3)]
    for space in spaces:
        add_member(space, member)
    asked = [make_post(spaces[n % 3], admin, kind="question", title=f"Q{n}") for n in range(10)]
    make_comment(asked[0], member, body="An answer.")  # answered: leaves the list
    do_set_space_status(spaces[2], "archived", actor=admin)  # archived: left out

    pages = _walk(waiting_questions, member, limit=3)

    assert [title for page in pages for title in page] == [
        f"Q{n}" for n in range(1, 10) if n % 3 != 2
    ]


def test_home_feed_query_count_is_flat_as_spaces_grow(admin, member, django_assert_num_queries):
    for number in range(12):
        space = make_space(admin, name=f"Space {number}")
        add_member(space, member)
        fill_space(space, member, 3)

    with django_assert_num_queries(8):
        page = home_feed(member, limit=100)
    assert len(page.items) == 36


@pytest.mark.parametrize("count", [1, 50])
def test_waiting_questions_query_count_is_flat(space, member, count, django_assert_num_queries):
    fill_space(space, member, count, kind="question")

    with django_assert_num_queries(8):
        page = waiting_questions(member, limit=100)
    assert len(page.items) == count


@pytest.mark.parametrize("count", [1, 50])
def test_present_query_count_is_flat(space, member, count, django_assert_num_queries):
    fill_space(space, member, count)
    posts = list(Post.objects.for_list())

    # moderated spaces, my reactions, my read marks
    with django_assert_num_queries(3):
        present(posts, member)


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("kind", ["question", "discussion"])
def test_post_thread_query_count_is_flat(
    anonymous_space, member, moderator, kind, count, django_assert_num_queries
):
    space = anonymous_space
    post = make_post(space, member, kind=kind, anonymous=kind == "question")
    helpers = [add_member(space).person for _ in range(3)]
    for number in range(count):
        comment = make_comment(post, helpers[number % 3], body=f"Comment {number}")
        make_comment(post, member, body=f"Reply {number}", parent=comment)
        if kind == "question":
            do_vote(comment, actor=moderator)
    post = access_post(moderator, post.pk)

    # moderated spaces, my reactions, my read marks, my membership, comments, their replies,
    # my reactions to them, my votes
    with django_assert_num_queries(8 if kind == "question" else 7):
        thread = post_thread(post, moderator, limit=100)
    assert len(thread.comments) == count
    assert all(len(comment.visible_replies) == 1 for comment in thread.comments)
