"""A profile's contributions (posts, answers, accepted answers, colleagues helped, spaces): only
what the viewer may see, anonymous questions never; the page and the API say the same, in a fixed
number of queries."""

import pytest
from django.urls import reverse

from afterclass.people.actions import do_create_access_token
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_accept_answer, do_hide_post, do_react, do_remove_post
from afterclass.posts.activity import contributions
from afterclass.posts.models import PostKind, ReactionKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import AnonymousQuestions, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def world():
    """Ada writes in a listed space the viewer shares and in a secret space the viewer is not in."""
    ada = PersonFactory(display_name="Ada Author")
    viewer = PersonFactory(display_name="Vic Viewer")
    colleague = PersonFactory(display_name="Cole League")
    owner = PersonFactory()
    listed = make_space(owner, name="Shared craft", anonymous_questions=AnonymousQuestions.EVERYONE)
    secret = make_space(owner, name="Hush project", visibility=Visibility.SECRET)
    for person in (ada, viewer, colleague):
        add_member(listed, person)
    add_member(secret, ada)
    add_member(secret, colleague)
    return {
        "ada": ada,
        "viewer": viewer,
        "colleague": colleague,
        "owner": owner,
        "listed": listed,
        "secret": secret,
    }


def test_contributions_show_only_what_the_viewer_may_see(world):
    ada, viewer = world["ada"], world["viewer"]
    shared = make_post(world["listed"], ada, title="Pairing on estimates")
    make_post(world["secret"], ada, title="Codename Okapi plans")
    question = make_post(world["secret"], world["colleague"], kind=PostKind.QUESTION, title="Q?")
    make_comment(question, ada, body="Secret answer")

    seen = contributions(ada, viewer)

    assert (seen.posts, seen.answers) == (1, 0)
    assert [post.pk for post in seen.recent_posts] == [shared.pk]
    assert [space.name for space in seen.spaces] == ["Shared craft"]
    # A member of both sees both; an organisation admin sees everything.
    both = contributions(ada, world["colleague"])
    assert (both.posts, both.answers) == (2, 1)
    assert [space.name for space in both.spaces] == ["Hush project", "Shared craft"]
    admin = contributions(ada, PersonFactory(is_org_admin=True))
    assert (admin.posts, admin.answers) == (2, 1)


def test_contributions_never_show_an_anonymous_question_or_its_asker_s_comments(world):
    ada, colleague = world["ada"], world["colleague"]
    asked = make_post(
        world["listed"], ada, kind=PostKind.QUESTION, title="Who am I?", anonymous=True
    )
    make_comment(asked, ada, body="Adding detail, still anonymous")
    answer = make_comment(asked, colleague, body="An answer")
    do_react(actor=colleague, kind=ReactionKind.HELPED, post=asked)

    for viewer in (world["viewer"], colleague, world["owner"], ada):
        seen = contributions(ada, viewer)
        assert (seen.posts, seen.answers, seen.helped) == (0, 0, 0)
        assert seen.recent_posts == []
        assert seen.recent_answers == []
    # The answerer is not anonymous: their answer counts for them.
    assert contributions(colleague, world["viewer"]).recent_answers == [answer]


def test_contributions_count_answers_accepted_answers_and_colleagues_helped(world):
    ada, viewer, colleague = world["ada"], world["viewer"], world["colleague"]
    first = make_post(world["listed"], colleague, kind=PostKind.QUESTION, title="First?")
    second = make_post(world["listed"], viewer, kind=PostKind.QUESTION, title="Second?")
    accepted = make_comment(first, ada, body="Use a timeline.")
    other = make_comment(second, ada, body="Try pairing.")
    reply = make_comment(first, ada, body="A reply, not an answer", parent=accepted)
    do_accept_answer(first, accepted, actor=colleague)
    own = make_post(world["listed"], ada, title="My tip")
    # Colleague marks two of Ada's things, viewer one: two people; Ada's own mark does not count.
    do_react(actor=colleague, kind=ReactionKind.HELPED, comment=accepted)
    do_react(actor=colleague, kind=ReactionKind.HELPED, post=own)
    do_react(actor=viewer, kind=ReactionKind.HELPED, comment=reply)
    do_react(actor=ada, kind=ReactionKind.HELPED, post=own)
    do_react(actor=world["owner"], kind=ReactionKind.LIKE, post=own)

    seen = contributions(ada, viewer)

    assert (seen.posts, seen.answers, seen.accepted_answers, seen.helped) == (1, 2, 1, 2)
    assert {answer.pk for answer in seen.recent_answers} == {accepted.pk, other.pk}


def test_contributions_leave_out_hidden_and_removed_posts(world):
    ada = world["ada"]
    hidden = make_post(world["listed"], ada, title="Off topic")
    removed = make_post(world["listed"], ada, title="Withdrawn")
    kept = make_post(world["listed"], ada, title="Kept")
    do_hide_post(hidden, actor=world["owner"], reason="Off topic here")
    do_remove_post(removed, actor=ada)

    for viewer in (world["viewer"], world["owner"], ada):
        assert [post.pk for post in contributions(ada, viewer).recent_posts] == [kept.pk]


def test_profile_page_shows_contributions_to_the_viewer_only(client, world):
    ada = world["ada"]
    make_post(world["listed"], ada, title="Pairing on estimates")
    make_post(world["secret"], ada, title="Codename Okapi plans")
    client.force_login(world["viewer"])

    response = client.get(reverse("person-profile", args=[ada.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Pairing on estimates" in body
    assert "Shared craft" in body
    assert "Okapi" not in body
    assert "Hush project" not in body
    assert "<strong>1</strong> post" in body


def test_profile_page_queries_do_not_grow_with_contributions(
    client, world, django_assert_num_queries
):
    ada, viewer = world["ada"], world["viewer"]
    client.force_login(viewer)
    url = reverse("person-profile", args=[ada.pk])
    make_post(world["listed"], ada, title="One")
    client.get(url)
    with django_assert_num_queries(13) as one:  # 11, and where their answers helped (2)
        client.get(url)
    question = make_post(world["listed"], viewer, kind=PostKind.QUESTION, title="Many?")
    for number in range(8):
        post = make_post(world["listed"], ada, title=f"Post {number}")
        do_react(actor=viewer, kind=ReactionKind.HELPED, post=post)
        make_comment(question, ada, body=f"Answer {number}")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert "<strong>9</strong> posts" in response.content.decode()


def test_contributions_api_matches_the_page(client, world):
    ada, viewer = world["ada"], world["viewer"]
    question = make_post(world["listed"], viewer, kind=PostKind.QUESTION, title="Why?")
    answer = make_comment(question, ada, body="Because.")
    do_accept_answer(question, answer, actor=viewer)
    make_post(world["secret"], ada, title="Codename Okapi plans")
    _, token = do_create_access_token(viewer, "tests", actor=viewer)

    response = client.get(
        f"/api/v1/people/{ada.pk}/contributions", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 200
    data = response.json()
    assert (data["posts"], data["answers"], data["accepted_answers"]) == (0, 1, 1)
    assert data["recent_answers"][0]["question"]["headline"] == "Why?"
    assert data["recent_answers"][0]["is_accepted"] is True
    assert data["spaces"] == [{"slug": world["listed"].slug, "name": "Shared craft"}]
    assert "Okapi" not in response.content.decode()
    missing = client.get(
        "/api/v1/people/999999/contributions", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert missing.status_code == 404
