"""Go-to colleagues (posts/experts.py): who answers well in which topics, on a space's home and
a profile, from what the viewer may see and never from an anonymous asker's own comments."""

import pytest
from django.test import Client

from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_accept_answer, do_hide_comment, do_react
from afterclass.posts.experts import go_to_colleagues, go_to_for
from afterclass.posts.models import PostKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import AnonymousQuestions, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner = PersonFactory(display_name="Olive Owner")
    space = make_space(owner, name="Data skills", anonymous_questions=AnonymousQuestions.MEMBERS)
    asker, ada, bo, cy, reader = (
        add_member(space, PersonFactory(display_name=name)).person
        for name in ("Asa Asker", "Ada Answers", "Bo Helps", "Cy Quiet", "Rea Reader")
    )
    question = make_post(space, asker, kind=PostKind.QUESTION, body="How to pivot? #excel")
    accepted = make_comment(question, ada, "Use a pivot table.")
    do_accept_answer(question, accepted, actor=asker)
    other = make_post(space, asker, kind=PostKind.QUESTION, body="Which chart? #charts")
    helpful = make_comment(other, bo, "A bar chart.")
    do_react(comment=helpful, actor=asker, kind="helped")
    do_react(comment=helpful, actor=reader, kind="helped")
    make_comment(other, cy, "No idea.")
    return space, owner, asker, ada, bo, cy, reader


def test_colleagues_rank_by_accepted_answers_then_helped_with_their_topics(world):
    space, _owner, _asker, ada, bo, _cy, reader = world

    ranked = go_to_colleagues(space, reader)

    assert [(g.person, g.accepted, g.helped, g.topics) for g in ranked] == [
        (ada, 1, 0, ("excel",)),
        (bo, 0, 2, ("charts",)),
    ]


def test_an_anonymous_askers_own_comments_never_rank_them(world):
    space, _owner, _asker, _ada, _bo, cy, reader = world
    shy = add_member(space, PersonFactory(display_name="Shy Asker")).person
    anonymous = make_post(space, shy, kind=PostKind.QUESTION, anonymous=True, body="#secret")
    own = make_comment(anonymous, shy, "Update: solved it myself.")
    for fan in (reader, cy):
        do_react(comment=own, actor=fan, kind="helped")

    assert shy not in [g.person for g in go_to_colleagues(space, reader)]
    assert go_to_for(shy, reader).is_empty


def test_hidden_answers_and_deactivated_people_do_not_count(world):
    space, owner, _asker, ada, bo, _cy, reader = world
    helpful = bo.comments.get()
    do_hide_comment(helpful, actor=owner, reason="Off topic")
    ada.is_active = False
    ada.save()

    assert go_to_colleagues(space, reader) == []


def test_a_profile_shows_only_spaces_and_topics_the_viewer_may_see(world):
    _space, _owner, _asker, ada, _bo, _cy, reader = world
    secret = make_space(
        PersonFactory(), name="Board room", slug="board-room", visibility=Visibility.SECRET
    )
    insider = add_member(secret, PersonFactory()).person
    add_member(secret, ada)
    hushed = make_post(secret, insider, kind=PostKind.QUESTION, body="Merger? #merger")
    do_accept_answer(hushed, make_comment(hushed, ada, "Not yet."), actor=insider)

    seen_by_reader = go_to_for(ada, reader)
    seen_by_insider = go_to_for(ada, insider)
    seen_by_herself = go_to_for(ada, ada)

    assert [space.name for space in seen_by_reader.spaces] == ["Data skills"]
    assert [topic for topic, _ in seen_by_reader.topics] == ["excel"]
    assert [space.name for space in seen_by_insider.spaces] == ["Board room"]
    assert {space.name for space in seen_by_herself.spaces} == {"Data skills", "Board room"}
    client = Client()
    client.force_login(reader)
    page = client.get(f"/people/{ada.pk}/").content.decode()
    assert "Go-to for" in page
    assert "#excel" in page
    assert "Board room" not in page
    assert "merger" not in page


@pytest.mark.parametrize("experts", [1, 8])
def test_query_counts_do_not_grow_with_the_colleagues(world, django_assert_num_queries, experts):
    space, _owner, asker, _ada, _bo, _cy, reader = world
    for number in range(experts):
        helper = add_member(space, PersonFactory()).person
        question = make_post(space, asker, kind=PostKind.QUESTION, body=f"Q{number} #t{number}")
        do_accept_answer(question, make_comment(question, helper, "This."), actor=asker)

    with django_assert_num_queries(3):
        assert go_to_colleagues(space, reader)
    with django_assert_num_queries(2):
        assert go_to_for(helper, reader).spaces


def test_the_space_home_names_its_go_to_colleagues(world):
    space, _owner, _asker, ada, bo, cy, reader = world
    client = Client()
    client.force_login(reader)

    page = client.get(f"/spaces/{space.slug}/").content.decode()

    section = page.split('id="go-to-heading"', 1)[1].split("</section>", 1)[0]
    assert ada.display_name in section
    assert bo.display_name in section
    assert cy.display_name not in section  # answered, but nobody found it helpful
    assert "1 accepted" in section
