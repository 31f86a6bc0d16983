"""Who sees a poll's results, who may vote and close: the matrix of viewers and poll states."""

from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.core.errors import NotFound
from afterclass.people.tests.factories import AdminFactory
from afterclass.polls.access import access_poll
from afterclass.polls.actions import do_close_poll, do_vote_in_poll
from afterclass.polls.models import Poll
from afterclass.polls.queries import poll_view
from afterclass.polls.tests.factories import make_poll, option_ids
from afterclass.posts.tests.factories import make_post

pytestmark = pytest.mark.django_db


def view_for(poll: Poll, person):
    return poll_view(access_poll(person, poll.post_id), person)


@pytest.mark.parametrize("results_shown", ["after_voting", "after_closing"])
def test_poll_results_hidden_before_voting(space, poster, member, results_shown):
    poll = make_poll(space, poster, results_shown=results_shown)
    view = view_for(poll, member)
    assert not view.results_visible
    assert [option.votes for option in view.options] == [None, None, None]
    assert view.can_vote


def test_poll_results_after_voting_when_chosen(space, poster, member):
    poll = make_poll(space, poster, results_shown="after_voting")
    do_vote_in_poll(poll, actor=member, option_ids=option_ids(poll)[:1])
    view = view_for(poll, member)
    assert view.results_visible
    assert [option.votes for option in view.options] == [1, 0, 0]
    assert [option.percent for option in view.options] == [100, 0, 0]
    assert view.my_choices == option_ids(poll)[:1]


def test_poll_results_after_closing_stay_hidden_after_voting(space, poster, member):
    poll = make_poll(space, poster, results_shown="after_closing")
    do_vote_in_poll(poll, actor=member, option_ids=option_ids(poll)[:1])
    view = view_for(poll, member)
    assert view.voted
    assert not view.results_visible
    assert [option.votes for option in view.options] == [None, None, None]


@pytest.mark.parametrize("how", ["closes_at", "closed_early"])
def test_poll_results_shown_to_everyone_once_closed(space, poster, member, other, how):
    poll = make_poll(space, poster, results_shown="after_closing")
    do_vote_in_poll(poll, actor=other, option_ids=option_ids(poll)[1:2])
    if how == "closed_early":
        do_close_poll(poll, actor=poster)
    else:
        Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    view = view_for(poll, member)
    assert view.closed
    assert view.results_visible
    assert not view.can_vote
    assert not view.shows_ballot
    assert [option.votes for option in view.options] == [0, 1, 0]


@pytest.mark.parametrize("who", ["poster", "moderator", "admin"])
def test_poll_results_always_shown_to_poster_and_moderators(space, poster, moderator, who):
    poll = make_poll(space, poster, results_shown="after_closing")
    viewer = {"poster": poster, "moderator": moderator, "admin": AdminFactory()}[who]
    view = view_for(poll, viewer)
    assert view.results_visible
    assert view.can_close


def test_poll_member_cannot_close(space, poster, member):
    poll = make_poll(space, poster)
    assert not view_for(poll, member).can_close


def test_access_poll_refuses_outsiders_and_other_posts(space, poster, outsider):
    poll = make_poll(space, poster)
    with pytest.raises(NotFound):
        access_poll(outsider, poll.post_id)
    discussion = make_post(space, poster)
    with pytest.raises(NotFound):
        access_poll(poster, discussion.pk)
    with pytest.raises(NotFound):
        access_poll(poster, 999_999)
