"""What pages and the API are given of a post and a comment (posts.presentation.SeenPost,
SeenComment, Thread) holds no path to an anonymous asker: no `author` or `author_id`, no model
they came from, and the asker nowhere among the values a member is given."""

import dataclasses
import typing

import pytest
from django.db.models import Model

from afterclass.attachments.models import Attachment
from afterclass.people.models import Organisation, Person
from afterclass.people.tests.factories import AdminFactory
from afterclass.posts.access import access_post
from afterclass.posts.models import Comment, Post
from afterclass.posts.presentation import SeenComment, SeenPost, Thread
from afterclass.posts.queries import home_feed, post_thread, present
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, Space
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _organisation(db):
    Organisation.current()


@pytest.fixture
def asked():
    admin = AdminFactory()
    space = make_space(admin, name="Ask")
    do_update_space(space, actor=admin, anonymous_questions=AnonymousQuestions.EVERYONE)
    asker = add_member(space).person
    member = add_member(space).person
    question = make_post(space, asker, kind="question", anonymous=True)
    answer = make_comment(question, member, body="Try this.")
    make_comment(question, asker, body="Thank you!", parent=answer)
    make_comment(question, asker, body="More detail from me.")
    return asker, member, question


@pytest.mark.parametrize("seen_type", [SeenPost, SeenComment, Thread])
def test_seen_types_have_no_author_and_hold_no_post_or_comment(seen_type):
    names = {field.name for field in dataclasses.fields(seen_type)}
    assert not names & {"author", "author_id"}
    # The names presentation imports for type checking only.
    types = {"Attachment": Attachment, "Person": Person, "Space": Space}
    for name, hint in typing.get_type_hints(seen_type, localns=types).items():
        held = {arg for arg in _types_in(hint) if isinstance(arg, type)}
        assert not held & {Post, Comment}, f"{seen_type.__name__}.{name} holds a model"


def _types_in(hint: object) -> list[object]:
    found = [hint]
    for arg in typing.get_args(hint):
        found.extend(_types_in(arg))
    return found


def _values(seen: object) -> list[object]:
    """Every value a SeenPost, SeenComment or Thread carries, its replies and comments too."""
    found: list[object] = []
    for field in dataclasses.fields(seen):  # type: ignore[arg-type]
        value = getattr(seen, field.name)
        items = value if isinstance(value, tuple | frozenset) else (value,)
        for item in items:
            found.append(item)
            if dataclasses.is_dataclass(item):
                found.extend(_values(item))
    return found


def test_a_member_is_given_nothing_that_leads_to_the_anonymous_asker(asked):
    asker, member, question = asked
    (seen,) = present([access_post(member, question.pk)], member)
    thread = post_thread(access_post(member, question.pk), member)
    [listed] = home_feed(member).items

    for shown in (seen, listed, thread):
        values = _values(shown)
        assert not [v for v in values if isinstance(v, Post | Comment)]
        people = [v for v in values if isinstance(v, Model) and v._meta.model_name == "person"]
        assert asker.pk not in {person.pk for person in people}
    assert not hasattr(seen, "author")
    assert not hasattr(seen, "author_id")
    assert [c.shown_author for c in thread.comments] == [member, None]
    assert [r.shown_author for r in thread.comments[0].visible_replies] == [None]


def test_the_asker_sees_themselves(asked):
    asker, _, question = asked
    (seen,) = present([access_post(asker, question.pk)], asker)
    assert seen.shown_author == asker
    assert seen.is_mine


def test_seen_post_is_frozen(asked):
    _, member, question = asked
    (seen,) = present([access_post(member, question.pk)], member)
    with pytest.raises(dataclasses.FrozenInstanceError):
        seen.shown_author = member  # type: ignore[misc]
