import pytest

from afterclass.core.errors import NotAllowed
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_accept_answer, do_react, do_vote
from afterclass.posts.queries import post_thread, space_feed
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


def test_anonymous_question_answered_voted_accepted(admin):
    space = make_space(admin)
    do_update_space(space, actor=admin, anonymous_questions=AnonymousQuestions.MEMBERS)
    asker, helper, reader = PersonFactory(), PersonFactory(), PersonFactory()
    for person in (asker, helper, reader):
        add_member(space, person)
    question = make_post(space, asker, kind="question", anonymous=True)
    answer = make_comment(question, helper, body="Use the 4Ls.")
    reply = make_comment(question, asker, body="Thanks!", parent=answer)
    do_vote(answer, actor=reader)
    do_vote(answer, actor=reader)  # twice changes nothing
    do_react(actor=reader, kind="helped", post=question)
    do_accept_answer(question, answer, actor=asker)
    with pytest.raises(NotAllowed):
        do_vote(answer, actor=helper)
    feed = space_feed(space, reader)
    assert feed.items[0].shown_author is None
    assert space_feed(space, asker).items[0].shown_author == asker
    assert space_feed(space, admin).items[0].shown_author == asker  # admin owns the space
    thread = post_thread(question, reader)
    assert thread.comments[0].vote_count == 1
    assert thread.comments[0].visible_replies[0].shown_author is None
    assert thread.post.accepted_answer_id == answer.pk
    assert reply.parent_id == answer.pk
