"""The post pages: who gets what, what each form refuses, anonymity in the HTML, and how many
queries each page costs."""

import pytest
from django.urls import reverse

from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import (
    do_accept_answer,
    do_edit_post,
    do_hide_post,
    do_react,
    do_vote,
)
from afterclass.posts.models import Comment, ContentState, Post, Reaction, Vote
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_publish_rules
from afterclass.spaces.models import AnonymousQuestions, Role, Space, Template, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

CANARY = "canary-5d1e2-secret-post"
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def _organisation(db):
    # Created up front so that no page creates it while its queries are counted.
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
def moderator(space):
    return add_member(space, PersonFactory(display_name="Mo Moderator"), role=Role.MODERATOR).person


@pytest.fixture
def outsider(db):
    return PersonFactory(display_name="Otto Outsider")


@pytest.fixture
def secret_space(owner):
    return make_space(owner, name="Board coaching", slug="board", visibility=Visibility.SECRET)


def signed_in(client, person):
    client.force_login(person)
    return client


def feed_of(response):
    return [post.pk for post in response.context["feed"].items]


# --- Space feed ------------------------------------------------------------------------------


def test_space_feed_shows_pinned_first_then_newest(client, space, owner, member):
    first = make_post(space, member, title="First")
    second = make_post(space, member, title="Second")
    pinned = make_post(space, owner, kind="announcement", title="Welcome")
    third = make_post(space, member, title="Third")
    response = signed_in(client, member).get(reverse("space-home", args=[space.slug]))
    assert response.status_code == 200
    assert feed_of(response) == [pinned.pk, third.pk, second.pk, first.pk]
    body = response.content.decode()
    assert "Posts arrive in a later release" not in body
    assert reverse("post-create", args=[space.slug]) in body


def test_space_feed_filters_by_kind_and_unanswered_questions(client, space, member, owner):
    discussion = make_post(space, member, title="A discussion")
    answered = make_post(space, member, kind="question", title="Answered?")
    make_comment(answered, owner, "Yes.")
    waiting = make_post(space, member, kind="question", title="Waiting?")
    client = signed_in(client, member)
    url = reverse("space-home", args=[space.slug])
    assert feed_of(client.get(url, {"kind": "discussion"})) == [discussion.pk]
    assert feed_of(client.get(url, {"kind": "question"})) == [waiting.pk, answered.pk]
    assert feed_of(client.get(url, {"unanswered": "on"})) == [waiting.pk]
    # A kind it does not know is ignored rather than refused.
    assert len(feed_of(client.get(url, {"kind": "<script>"}))) == 3


def test_space_feed_more_posts_loads_the_next_page(client, space, member):
    posts = [make_post(space, member, title=f"Post {n:02d}") for n in range(23)]
    client = signed_in(client, member)
    url = reverse("space-home", args=[space.slug])
    response = client.get(url)
    more = response.context["feed_next"]
    assert more is not None
    assert "More posts" in response.content.decode()
    # Without JavaScript: the same page, the next posts.
    plain = client.get(url + more)
    assert feed_of(plain) == [post.pk for post in reversed(posts[:3])]
    # With htmx: only the list items to append, no page around them.
    partial = client.get(url + more, headers=HTMX)
    body = partial.content.decode()
    assert "<html" not in body
    assert "Post 00" in body
    assert "Post 22" not in body
    assert "More posts" not in body


def test_space_feed_bad_page_link_is_a_clear_400(client, space, member):
    response = signed_in(client, member).get(
        reverse("space-home", args=[space.slug]), {"cursor": "not-a-cursor"}
    )
    assert response.status_code == 400
    assert "This page link is not valid." in response.content.decode()


def test_space_home_for_non_member_shows_no_posts(client, space, member, outsider):
    make_post(space, member, title=CANARY)
    response = signed_in(client, outsider).get(reverse("space-home", args=[space.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert CANARY not in body
    assert "Only members see what is posted here" in body
    assert "feed" not in response.context


def test_space_feed_stream_and_grid_layouts(client, owner):
    tips = make_space(owner, name="Quick tips", slug="tips", template=Template.TIPS)
    make_post(tips, owner, kind="update", body="Ctrl+Shift+L adds filters.")
    body = signed_in(client, owner).get(reverse("space-home", args=["tips"])).content.decode()
    assert "layout-stream" in body
    assert "Ctrl+Shift+L adds filters." in body
    make_space(owner, name="Board", slug="visual", template=Template.VISUAL)
    body = client.get(reverse("space-home", args=["visual"])).content.decode()
    assert "layout-grid" in body or "Nothing has been posted yet" in body
    assert "Pictures arrive in a later release" not in body


@pytest.mark.parametrize("rows", [1, 50])
def test_space_feed_query_count_does_not_grow_with_posts(
    client, django_assert_num_queries, space, member, rows
):
    for number in range(rows):
        make_post(space, member, title=f"Post {number}")
    client = signed_in(client, member)
    # session, person, space with my membership, rules, members preview, feed page,
    # moderated spaces, my reactions, my read marks, the cards' last comments, my place in the
    # posts' spaces, unread count, go-to colleagues (nobody has helped yet: one query),
    # organisation
    with django_assert_num_queries(14):
        response = client.get(reverse("space-home", args=[space.slug]))
    assert len(response.context["feed"].items) == min(rows, 20)


# --- Writing a post --------------------------------------------------------------------------


def test_post_create_page_offers_the_kinds_of_the_space(client, space, member, moderator):
    body = signed_in(client, member).get(reverse("post-create", args=[space.slug])).content
    page = body.decode()
    assert "?kind=question" in page
    assert "?kind=announcement" not in page
    assert "?kind=image" not in page
    page = (
        signed_in(client, moderator).get(reverse("post-create", args=[space.slug])).content.decode()
    )
    assert "?kind=announcement" in page


def test_post_create_makes_a_post_and_shows_it(client, space, member):
    response = signed_in(client, member).post(
        reverse("post-create", args=[space.slug]),
        {"kind": "discussion", "title": "Pivot tables", "body": "What do you use them for?"},
    )
    post = Post.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("post-detail", args=[post.pk])
    assert (post.author, post.title, post.is_anonymous) == (member, "Pivot tables", False)


def test_post_create_update_in_a_tips_space(client, owner):
    make_space(owner, name="Quick tips", slug="tips", template=Template.TIPS)
    response = signed_in(client, owner).post(
        reverse("post-create", args=["tips"]), {"kind": "update", "body": "F4 repeats."}
    )
    assert response.status_code == 302
    assert Post.objects.get().body == "F4 repeats."


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"kind": "discussion", "title": "", "body": "Text"}, 400, "title"),
        ({"kind": "discussion", "title": "Title", "body": "  "}, 400, "text"),
        ({"kind": "question", "title": "   ", "body": "Why?"}, 400, "title"),
        (
            {"kind": "resource", "title": "Reading", "link_url": "javascript:alert(1)"},
            400,
            "full web address",
        ),
        ({"kind": "resource", "title": "Reading", "link_url": ""}, 400, "needs a link"),
        ({"kind": "announcement", "title": "Hello", "body": "All"}, 400, "cannot write"),
        ({"kind": "image", "title": "Picture"}, 400, "cannot write"),
        ({"kind": "poll", "title": "Poll"}, 400, "Write the options"),
        ({"kind": "question", "title": "Q?", "anonymous": "on"}, 400, "anonymous questions"),
        ({"kind": "discussion", "title": "D", "body": "x", "anonymous": "on"}, 400, "Only ques"),
    ],
)
def test_post_create_refuses_bad_input_and_changes_nothing(
    client, space, member, data, status, message
):
    response = signed_in(client, member).post(reverse("post-create", args=[space.slug]), data)
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Post.objects.exists()


def test_post_create_refuses_an_update_over_280_characters(client, owner):
    make_space(owner, name="Quick tips", slug="tips", template=Template.TIPS)
    response = signed_in(client, owner).post(
        reverse("post-create", args=["tips"]), {"kind": "update", "body": "x" * 281}
    )
    assert response.status_code == 400
    assert "at most 280 characters" in response.content.decode()
    assert not Post.objects.exists()


def test_post_create_before_accepting_the_rules_is_refused(client, space, owner, member):
    do_publish_rules(space, "Be kind. Cite sources.", actor=owner)
    client = signed_in(client, member)
    page = client.get(reverse("post-create", args=[space.slug])).content.decode()
    assert "ground rules before taking part" in page
    response = client.post(
        reverse("post-create", args=[space.slug]),
        {"kind": "discussion", "title": "Hello", "body": "Hi"},
    )
    assert response.status_code == 403
    assert "ground rules before taking part" in response.content.decode()
    assert not Post.objects.exists()


def test_post_create_is_refused_to_non_members_and_hidden_for_secret_spaces(
    client, space, secret_space, outsider
):
    client = signed_in(client, outsider)
    data = {"kind": "discussion", "title": "Hello", "body": "Hi"}
    assert client.get(reverse("post-create", args=[space.slug])).status_code == 403
    assert client.post(reverse("post-create", args=[space.slug]), data).status_code == 403
    assert client.get(reverse("post-create", args=[secret_space.slug])).status_code == 404
    assert client.post(reverse("post-create", args=[secret_space.slug]), data).status_code == 404
    assert not Post.objects.exists()


def test_post_create_anonymous_question_explains_who_sees_the_name(client, owner, member):
    space = Space.objects.get(slug="data-skills")
    space.anonymous_questions = AnonymousQuestions.MEMBERS
    Space.objects.filter(pk=space.pk).update(anonymous_questions=AnonymousQuestions.MEMBERS)
    client = signed_in(client, member)
    url = reverse("post-create", args=[space.slug])
    page = client.get(url, {"kind": "question"}).content.decode()
    assert "Ask anonymously" in page
    assert "moderators and owners still see who asked" in page
    assert "Ask anonymously" not in client.get(url, {"kind": "discussion"}).content.decode()
    response = client.post(url, {"kind": "question", "title": "Silly question?", "anonymous": "on"})
    assert response.status_code == 302
    assert Post.objects.get().is_anonymous


def test_post_create_does_not_offer_anonymity_when_off(client, space, member):
    page = (
        signed_in(client, member)
        .get(reverse("post-create", args=[space.slug]), {"kind": "question"})
        .content.decode()
    )
    assert "Ask anonymously" not in page


# --- The post page ---------------------------------------------------------------------------


def test_post_page_shows_answers_accepted_first_then_by_votes(client, space, owner, member):
    question = make_post(space, member, kind="question", title="Best chart for trends?")
    helper = add_member(space).person
    early = make_comment(question, owner, "A line chart.")
    popular = make_comment(question, helper, "A sparkline.")
    do_vote(popular, actor=member)
    accepted = make_comment(question, owner, "A slope chart.")
    do_accept_answer(question, accepted, actor=member)
    response = signed_in(client, member).get(reverse("post-detail", args=[question.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert [c.pk for c in response.context["thread"].comments] == [
        accepted.pk,
        popular.pk,
        early.pk,
    ]
    assert "✓ Accepted answer" in body
    assert "Answer accepted" in body
    assert "3 answers" in body


def test_post_page_is_404_for_outsiders_and_secret_spaces(client, space, secret_space, owner):
    listed = make_post(space, owner, title=CANARY)
    secret = make_post(secret_space, owner, title=CANARY)
    client = signed_in(client, PersonFactory())
    for post in (listed, secret):
        response = client.get(reverse("post-detail", args=[post.pk]))
        assert response.status_code == 404
        assert CANARY not in response.content.decode()
    assert client.get(reverse("post-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("rows", [1, 50])
def test_post_page_query_count_does_not_grow_with_comments(
    client, django_assert_num_queries, space, owner, member, rows
):
    question = make_post(space, owner, kind="question", title="How?")
    for number in range(rows):
        answer = make_comment(question, member, f"Answer {number}")
        make_comment(question, owner, f"Reply {number}", parent=answer)
    do_edit_post(question, actor=owner, title="How, exactly?")
    client = signed_in(client, member)
    # session, person, post, space with my membership, moderated spaces, my reactions,
    # my read mark, answers, their replies, my reactions to them, my votes, organisation,
    # read mark written, my notifications about it marked read, my saved/follow/acknowledged
    # state (posts.feeds_more.thread_controls)
    with django_assert_num_queries(15):
        response = client.get(reverse("post-detail", args=[question.pk]))
    assert len(response.context["thread"].comments) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_post_page_query_count_for_a_moderator(
    client, django_assert_num_queries, space, owner, member, rows
):
    post = make_post(space, member, title="Hello")
    for number in range(rows):
        make_comment(post, owner, f"Comment {number}")
    client = signed_in(client, owner)
    # as a member's count, with earlier versions instead of my votes (not a question), and no
    # read mark written: commenting left the owner's mark at the thread as it is
    with django_assert_num_queries(14):
        assert client.get(reverse("post-detail", args=[post.pk])).status_code == 200


def test_post_page_comment_and_reply(client, space, owner, member):
    post = make_post(space, owner, title="Share your dashboards")
    client = signed_in(client, member)
    url = reverse("post-comment", args=[post.pk])
    response = client.post(url, {"body": "Here is mine."})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("post-detail", args=[post.pk]) + f"#comment-{comment.pk}"
    response = client.post(url, {"body": "Nice one.", "parent": comment.pk})
    reply = Comment.objects.exclude(pk=comment.pk).get()
    assert reply.parent == comment
    body = client.get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "Here is mine." in body
    assert "Nice one." in body


@pytest.mark.parametrize("text", ["", "   "])
def test_post_page_empty_comment_is_refused(client, space, owner, member, text):
    post = make_post(space, owner)
    response = signed_in(client, member).post(
        reverse("post-comment", args=[post.pk]), {"body": text}
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_post_page_comment_on_a_locked_thread_is_refused(client, space, owner, member):
    post = make_post(space, owner)
    signed_in(client, owner).post(reverse("post-lock", args=[post.pk]), {"on": "1"})
    client = signed_in(client, member)
    page = client.get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "This thread is locked" in page
    response = client.post(reverse("post-comment", args=[post.pk]), {"body": "Hello?"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_post_page_vote_with_htmx_swaps_the_control(client, space, owner, member):
    question = make_post(space, member, kind="question", title="Why?")
    answer = make_comment(question, owner, "Because.")
    client = signed_in(client, member)
    url = reverse("answer-vote", args=[question.pk, answer.pk])
    response = client.post(url, {"up": "1"}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "1 vote" in body
    assert 'aria-pressed="true"' in body
    response = client.post(url, {}, headers=HTMX)
    assert "0 votes" in response.content.decode()
    assert not Vote.objects.exists()
    # Without JavaScript: back to the answer.
    response = client.post(url, {"up": "1"})
    assert response["Location"].endswith(f"#comment-{answer.pk}")
    assert Vote.objects.filter(person=member).exists()


def test_post_page_vote_on_own_answer_or_by_outsider_is_refused(
    client, space, owner, member, outsider
):
    question = make_post(space, member, kind="question", title="Why?")
    answer = make_comment(question, owner, "Because.")
    url = reverse("answer-vote", args=[question.pk, answer.pk])
    assert signed_in(client, owner).post(url, {"up": "1"}).status_code == 403
    assert signed_in(client, outsider).post(url, {"up": "1"}).status_code == 404
    assert not Vote.objects.exists()


def test_post_page_accept_by_the_asker_not_by_others(client, space, owner, member):
    question = make_post(space, member, kind="question", title="Why?")
    answer = make_comment(question, owner, "Because.")
    other = add_member(space).person
    url = reverse("post-accept", args=[question.pk])
    assert signed_in(client, other).post(url, {"answer": answer.pk}).status_code == 403
    question.refresh_from_db()
    assert question.accepted_answer is None
    assert signed_in(client, member).post(url, {"answer": answer.pk}).status_code == 302
    question.refresh_from_db()
    assert question.accepted_answer == answer
    # An answer of another question is not found.
    other_question = make_post(space, owner, kind="question", title="Other?")
    stray = make_comment(other_question, member, "Elsewhere.")
    assert client.post(url, {"answer": stray.pk}).status_code == 404
    question.refresh_from_db()
    assert question.accepted_answer == answer


def test_post_page_react_toggles_with_htmx(client, space, owner, member):
    post = make_post(space, owner, title="A tip")
    client = signed_in(client, member)
    url = reverse("post-react", args=[post.pk])
    response = client.post(url, {"kind": "helped", "on": "1"}, headers=HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert "1 found this helpful" in body
    assert Reaction.objects.filter(person=member, kind="helped").exists()
    response = client.post(url, {"kind": "helped"}, headers=HTMX)
    assert "0 reactions" in response.content.decode()
    assert not Reaction.objects.exists()
    assert client.post(url, {"kind": "love", "on": "1"}).status_code == 302
    assert not Reaction.objects.exists()


def test_post_page_edit_by_the_author_only(client, space, owner, member):
    post = make_post(space, member, title="Old title")
    url = reverse("post-edit", args=[post.pk])
    assert signed_in(client, owner).get(url).status_code == 403
    assert client.post(url, {"title": "Taken over", "body": "x"}).status_code == 403
    client = signed_in(client, member)
    assert client.post(url, {"title": "", "body": "x"}).status_code == 400
    post.refresh_from_db()
    assert post.title == "Old title"
    response = client.post(url, {"title": "New title", "body": "Better text."})
    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.body) == ("New title", "Better text.")
    page = client.get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "edited" in page
    assert "Earlier versions" not in page
    page = signed_in(client, owner).get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "Earlier versions" in page
    assert "Old title" in page


def test_post_page_remove_leaves_a_readable_thread(client, space, owner, member):
    post = make_post(space, member, title="Soon gone", body="The body")
    make_comment(post, owner, "A comment that stays.")
    other = add_member(space).person
    url = reverse("post-remove", args=[post.pk])
    assert signed_in(client, other).post(url).status_code == 403
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE
    assert signed_in(client, member).post(url).status_code == 302
    body = signed_in(client, other).get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "removed by the author" in body
    assert "The body" not in body
    assert "A comment that stays." in body


def test_post_page_moderator_removes_a_comment(client, space, owner, member):
    post = make_post(space, member, title="Thread")
    comment = make_comment(post, member, "Rude words")
    url = reverse("comment-remove", args=[comment.pk])
    other = add_member(space).person
    assert signed_in(client, other).post(url).status_code == 403
    assert signed_in(client, owner).post(url).status_code == 302
    body = signed_in(client, other).get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "Removed by a moderator." in body
    assert "Rude words" not in body


def test_post_page_edit_comment_by_its_author(client, space, owner, member):
    post = make_post(space, owner)
    comment = make_comment(post, member, "Tpyo")
    url = reverse("comment-edit", args=[comment.pk])
    assert signed_in(client, owner).post(url, {"body": "Hijack"}).status_code == 403
    client = signed_in(client, member)
    assert client.post(url, {"body": ""}).status_code == 400
    assert client.post(url, {"body": "Typo"}).status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Typo"


def test_post_page_moderator_hides_restores_pins_and_locks(client, space, owner, member, moderator):
    post = make_post(space, member, title="Off topic")
    client = signed_in(client, moderator)
    assert client.post(reverse("post-hide", args=[post.pk]), {"reason": ""}).status_code == 302
    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE
    client.post(reverse("post-hide", args=[post.pk]), {"reason": "Please keep to data skills."})
    post.refresh_from_db()
    assert (post.state, post.hidden_reason) == (ContentState.HIDDEN, "Please keep to data skills.")
    page = signed_in(client, member).get(reverse("post-detail", args=[post.pk])).content.decode()
    assert "Please keep to data skills." in page
    other = add_member(space).person
    assert signed_in(client, other).get(reverse("post-detail", args=[post.pk])).status_code == 404
    client = signed_in(client, moderator)
    client.post(reverse("post-restore", args=[post.pk]))
    client.post(reverse("post-pin", args=[post.pk]), {"on": "1"})
    client.post(reverse("post-lock", args=[post.pk]), {"on": "1"})
    post.refresh_from_db()
    assert (post.state, post.is_pinned, post.is_locked) == (ContentState.VISIBLE, True, True)
    client.post(reverse("post-pin", args=[post.pk]))
    client.post(reverse("post-lock", args=[post.pk]))
    post.refresh_from_db()
    assert (post.is_pinned, post.is_locked) == (False, False)


@pytest.mark.parametrize(
    ("name", "data", "member_status"),
    [
        ("post-hide", {"reason": "No"}, 403),
        # A hidden post is not shown to members at all.
        ("post-restore", {}, 404),
        ("post-pin", {"on": "1"}, 403),
        ("post-lock", {"on": "1"}, 403),
    ],
)
def test_post_moderation_is_refused_to_members_and_hidden_from_outsiders(
    client, space, owner, member, outsider, name, data, member_status
):
    post = make_post(space, owner, title="Stays as it is")
    if name == "post-restore":
        do_hide_post(post, actor=owner, reason="For the test")
    before = Post.objects.values().get(pk=post.pk)
    response = signed_in(client, member).post(reverse(name, args=[post.pk]), data)
    assert response.status_code == member_status
    assert signed_in(client, outsider).post(reverse(name, args=[post.pk]), data).status_code == 404
    assert Post.objects.values().get(pk=post.pk) == before


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("post-comment", {"body": "Hi"}),
        ("post-react", {"kind": "like", "on": "1"}),
        ("post-remove", {}),
        ("post-edit", {"title": "T", "body": "B"}),
    ],
)
def test_post_actions_are_404_for_outsiders(client, space, owner, outsider, name, data):
    post = make_post(space, owner, title="Stays as it is")
    before = Post.objects.values().get(pk=post.pk)
    response = signed_in(client, outsider).post(reverse(name, args=[post.pk]), data)
    assert response.status_code == 404
    assert Post.objects.values().get(pk=post.pk) == before
    assert not Comment.objects.exists()
    assert not Reaction.objects.exists()


# --- Anonymity in the HTML ------------------------------------------------------------------


@pytest.fixture
def asker(space):
    person = add_member(
        space, PersonFactory(display_name="Astrid Asker", email="astrid.asker@example.org")
    ).person
    Person.objects.filter(pk=person.pk).update(avatar="avatars/astrid-asker-face.png")
    person.refresh_from_db()
    return person


def anonymous_question(space, asker, owner, setting):
    Space.objects.filter(pk=space.pk).update(anonymous_questions=setting)
    space.refresh_from_db()
    question = make_post(
        space, asker, kind="question", title="Is it silly to ask about VLOOKUP?", anonymous=True
    )
    answer = make_comment(question, owner, "Not at all.")
    make_comment(question, asker, "Thank you, that helps.", parent=answer)
    make_comment(question, asker, "One more detail from me.")
    do_react(actor=asker, kind="like", post=question)
    return question


def leaks(body, asker):
    return [
        clue
        for clue in (
            "Astrid",
            "astrid.asker",
            "astrid-asker-face",
            reverse("person-profile", args=[asker.pk]),
        )
        if clue in body
    ]


def surfaces(client, space, question):
    return {
        "post": client.get(reverse("post-detail", args=[question.pk])),
        "space feed": client.get(reverse("space-home", args=[space.slug]), headers=HTMX),
        "home feed": client.get(reverse("home-feed")),
        "waiting": client.get(reverse("waiting-questions")),
    }


@pytest.mark.parametrize("setting", [AnonymousQuestions.MEMBERS, AnonymousQuestions.EVERYONE])
def test_anonymous_question_never_names_the_asker_to_a_member(
    client, space, owner, asker, member, setting
):
    question = anonymous_question(space, asker, owner, setting)
    # waiting questions only lists unanswered ones: add one more anonymous question
    make_post(space, asker, kind="question", title="Unanswered anonymous?", anonymous=True)
    client = signed_in(client, member)
    for name, response in surfaces(client, space, question).items():
        body = response.content.decode()
        assert response.status_code == 200, name
        assert "A colleague" in body, name
        assert leaks(body, asker) == [], name
    body = client.get(reverse("post-detail", args=[question.pk])).content.decode()
    assert "Thank you, that helps." in body
    assert "Asked the question" in body


def test_anonymous_question_the_asker_sees_they_asked_anonymously(client, space, owner, asker):
    question = anonymous_question(space, asker, owner, AnonymousQuestions.EVERYONE)
    body = signed_in(client, asker).get(reverse("post-detail", args=[question.pk]))
    assert "You asked anonymously" in body.content.decode()


@pytest.mark.parametrize(
    ("setting", "sees"),
    [(AnonymousQuestions.MEMBERS, True), (AnonymousQuestions.EVERYONE, False)],
)
def test_anonymous_question_what_a_moderator_sees(
    client, space, owner, asker, moderator, setting, sees
):
    question = anonymous_question(space, asker, owner, setting)
    body = signed_in(client, moderator).get(reverse("post-detail", args=[question.pk]))
    page = body.content.decode()
    assert (leaks(page, asker) != []) is sees
    if sees:
        assert "Asked anonymously" in page


# --- Home feed and waiting questions --------------------------------------------------------


def test_home_feed_shows_my_spaces_only(client, space, secret_space, owner, member):
    mine = make_post(space, owner, title="In my space")
    make_post(secret_space, owner, title=CANARY)
    response = signed_in(client, member).get(reverse("home-feed"))
    body = response.content.decode()
    assert [post.pk for post in response.context["page"].items] == [mine.pk]
    assert CANARY not in body
    assert "Data skills" in body


def test_waiting_questions_lists_unanswered_questions_oldest_first(client, space, owner, member):
    older = make_post(space, owner, kind="question", title="Older?")
    answered = make_post(space, owner, kind="question", title="Answered?")
    make_comment(answered, member, "Yes.")
    newer = make_post(space, owner, kind="question", title="Newer?")
    make_post(space, owner, title="Not a question")
    response = signed_in(client, member).get(reverse("waiting-questions"))
    assert [post.pk for post in response.context["page"].items] == [older.pk, newer.pk]


def test_home_feed_more_posts_with_htmx(client, space, owner, member):
    for number in range(21):
        make_post(space, owner, title=f"Post {number:02d}")
    client = signed_in(client, member)
    more = client.get(reverse("home-feed")).context["next_url"]
    body = client.get(reverse("home-feed") + more, headers=HTMX).content.decode()
    assert "<html" not in body
    assert "Post 00" in body


@pytest.mark.parametrize("rows", [1, 50])
@pytest.mark.parametrize("name", ["home-feed", "waiting-questions"])
def test_feeds_query_count_does_not_grow_with_posts(
    client, django_assert_num_queries, space, owner, member, rows, name
):
    other = make_space(owner, name="Other", slug="other")
    add_member(other, member)
    for number in range(rows):
        make_post(space if number % 2 else other, owner, kind="question", title=f"Q {number}")
    client = signed_in(client, member)
    # session, person, my spaces, their first rows merged, those posts, moderated spaces, my
    # reactions, my read marks, organisation; and on the home feed the spaces I may post in
    # (the composer, posts/views/composer.py)
    # (and the cards' last comments and my place in their spaces: posts.queries.present_page)
    with django_assert_num_queries(12 if name == "home-feed" else 11):
        response = client.get(reverse(name))
    assert len(response.context["page"].items) == min(rows, 20)


def test_feeds_need_signing_in(client):
    for name in ("home-feed", "waiting-questions"):
        assert client.get(reverse(name)).status_code == 302


# --- Space settings: anonymous questions -----------------------------------------------------


def test_space_settings_saves_anonymous_questions(client, space, owner):
    client = signed_in(client, owner)
    page = client.get(reverse("space-settings", args=[space.slug]))
    form = page.context["form"]
    assert form.initial["anonymous_questions"] == AnonymousQuestions.OFF
    data = {
        key: value
        for key, value in form.initial.items()
        if key not in {"audience_departments"} and value is not None
    }
    data["anonymous_questions"] = AnonymousQuestions.MEMBERS
    response = client.post(reverse("space-settings", args=[space.slug]), data)
    assert response.status_code == 302
    space.refresh_from_db()
    assert space.anonymous_questions == AnonymousQuestions.MEMBERS
    data["anonymous_questions"] = "nobody"
    assert client.post(reverse("space-settings", args=[space.slug]), data).status_code == 400
    space.refresh_from_db()
    assert space.anonymous_questions == AnonymousQuestions.MEMBERS
