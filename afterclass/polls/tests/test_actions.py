"""Poll actions: creating a poll with its post, every input refused, voting (single, multiple,
changed, taken back, final when anonymous), closing, and what an anonymous poll stores."""

from datetime import timedelta

import pytest
from django.utils import timezone

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.insights.models import Event, EventKind
from afterclass.polls.actions import (
    ANONYMOUS_FINAL,
    do_close_poll,
    do_create_poll,
    do_take_back_vote,
    do_vote_in_poll,
)
from afterclass.polls.models import Poll, PollBallot, PollChoice, PollOption
from afterclass.polls.tests.factories import make_poll, option_ids
from afterclass.posts.actions import do_create_post
from afterclass.posts.models import Post, PostKind
from afterclass.spaces.models import Template
from afterclass.spaces.tests.factories import make_space

pytestmark = pytest.mark.django_db


def votes(poll: Poll) -> list[int]:
    return list(poll.options.order_by("position").values_list("vote_count", flat=True))


def test_do_create_poll_writes_the_post_poll_and_options(space, poster):
    closes = timezone.now() + timedelta(days=3)
    post = do_create_poll(
        space,
        actor=poster,
        question="  Which Excel topic next?  ",
        body="We plan the next session.",
        options=["Pivot tables", " Power Query ", "XLOOKUP"],
        multiple=True,
        anonymous=True,
        closes_at=closes,
        results_shown="after_closing",
    )
    assert (post.kind, post.title, post.author) == (
        PostKind.POLL,
        "Which Excel topic next?",
        poster,
    )
    poll = Poll.objects.get(post=post)
    assert (poll.multiple, poll.anonymous, poll.closes_at, poll.results_shown) == (
        True,
        True,
        closes,
        "after_closing",
    )
    assert [(o.position, o.text) for o in poll.options.all()] == [
        (1, "Pivot tables"),
        (2, "Power Query"),
        (3, "XLOOKUP"),
    ]
    assert AuditEntry.objects.filter(action="post.create", target_id=post.pk).exists()


def test_do_create_post_refuses_a_poll_without_its_options(space, poster):
    with pytest.raises(InvalidInput, match="A poll needs its options") as error:
        do_create_post(space, actor=poster, kind="poll", title="Which topic?")
    assert error.value.field == "options"
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"options": ["Only one"]}, "at least 2"),
        ({"options": []}, "at least 2"),
        ({"options": [f"Option {n}" for n in range(11)]}, "at most 10"),
        ({"options": ["Pivot tables", "  "]}, "cannot be empty"),
        ({"options": ["Pivot tables", "pivot TABLES"]}, "there twice"),
        ({"options": ["Pivot tables", "x" * 141]}, "at most 140"),
        ({"options": ["Pivot tables", "a\x00b"]}, "null character"),
        ({"closes_at": timezone.now() - timedelta(minutes=1)}, "in the future"),
        ({"closes_at": timezone.now().replace(tzinfo=None) + timedelta(days=1)}, "time zone"),
        ({"results_shown": "never"}, "results_shown must be one of"),
        ({"question": "   "}, "title cannot be empty"),
    ],
)
def test_do_create_poll_refuses_bad_input_and_writes_nothing(space, poster, fields, message):
    with pytest.raises(InvalidInput, match=message):
        make_poll(space, poster, **fields)
    assert not Post.objects.exists()
    assert not Poll.objects.exists()
    assert not PollOption.objects.exists()


def test_do_create_poll_refuses_a_space_without_polls(owner, poster):
    course = make_space(owner, name="Course", slug="course", template=Template.COURSE)
    with pytest.raises(NotAllowed, match="takes these kinds"):
        make_poll(course, owner)
    assert not Poll.objects.exists()


def test_do_create_poll_refuses_an_outsider(space, outsider):
    with pytest.raises(NotAllowed):
        make_poll(space, outsider)
    assert not Poll.objects.exists()


def test_do_vote_in_poll_single_choice_counts_one_vote(space, poster, member):
    poll = make_poll(space, poster)
    first, second, _ = option_ids(poll)
    do_vote_in_poll(poll, actor=member, option_ids=[second])
    poll.refresh_from_db()
    assert poll.voter_count == 1
    assert votes(poll) == [0, 1, 0]
    ballot = PollBallot.objects.get(poll=poll, person=member)
    assert list(ballot.choices.values_list("option_id", flat=True)) == [second]
    assert first != second


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("none", "Choose an option"),
        ("two", "one choice only"),
        ("foreign", "not one of this poll's"),
        ("unknown", "not one of this poll's"),
    ],
)
def test_do_vote_in_poll_refuses_bad_choices(space, poster, member, choice, message):
    poll = make_poll(space, poster)
    other = make_poll(space, poster, question="Another?")
    ids = option_ids(poll)
    chosen = {
        "none": [],
        "two": ids[:2],
        "foreign": [option_ids(other)[0]],
        "unknown": [999_999],
    }[choice]
    with pytest.raises(InvalidInput, match=message):
        do_vote_in_poll(poll, actor=member, option_ids=chosen)
    assert not PollBallot.objects.exists()
    assert votes(poll) == [0, 0, 0]


def test_do_vote_in_poll_multiple_choice_counts_each_option(space, poster, member, other):
    poll = make_poll(space, poster, multiple=True)
    a, _b, c = option_ids(poll)
    do_vote_in_poll(poll, actor=member, option_ids=[a, c])
    do_vote_in_poll(poll, actor=other, option_ids=[c])
    poll.refresh_from_db()
    assert poll.voter_count == 2
    assert votes(poll) == [1, 0, 2]


def test_do_vote_in_poll_changes_a_named_vote(space, poster, member):
    poll = make_poll(space, poster, multiple=True)
    a, b, c = option_ids(poll)
    do_vote_in_poll(poll, actor=member, option_ids=[a, b])
    do_vote_in_poll(poll, actor=member, option_ids=[b, c])
    poll.refresh_from_db()
    assert poll.voter_count == 1
    assert votes(poll) == [0, 1, 1]
    assert set(PollChoice.objects.values_list("option_id", flat=True)) == {b, c}


def test_do_vote_in_poll_same_vote_again_changes_nothing(space, poster, member):
    poll = make_poll(space, poster)
    a = option_ids(poll)[0]
    do_vote_in_poll(poll, actor=member, option_ids=[a])
    do_vote_in_poll(poll, actor=member, option_ids=[a])
    poll.refresh_from_db()
    assert (poll.voter_count, votes(poll)) == (1, [1, 0, 0])


def test_do_take_back_vote_removes_a_named_vote(space, poster, member):
    poll = make_poll(space, poster)
    a = option_ids(poll)[0]
    do_vote_in_poll(poll, actor=member, option_ids=[a])
    do_take_back_vote(poll, actor=member)
    poll.refresh_from_db()
    assert (poll.voter_count, votes(poll)) == (0, [0, 0, 0])
    assert not PollBallot.objects.exists()
    assert not PollChoice.objects.exists()
    do_take_back_vote(poll, actor=member)  # nothing to take back: nothing changes
    poll.refresh_from_db()
    assert poll.voter_count == 0


def test_do_vote_in_poll_anonymous_keeps_no_choice(space, poster, member, other):
    poll = make_poll(space, poster, anonymous=True, multiple=True)
    a, b, _c = option_ids(poll)
    do_vote_in_poll(poll, actor=member, option_ids=[a, b])
    do_vote_in_poll(poll, actor=other, option_ids=[b])
    poll.refresh_from_db()
    assert (poll.voter_count, votes(poll)) == (2, [1, 2, 0])
    assert not PollChoice.objects.exists()
    # A ballot says only that someone voted: it has no field beyond the poll and the person.
    assert {f.name for f in PollBallot._meta.concrete_fields} == {"id", "poll", "person"}
    assert not AuditEntry.objects.filter(target_type__startswith="polls.").exists()


def test_do_vote_in_poll_anonymous_vote_is_final(space, poster, member):
    poll = make_poll(space, poster, anonymous=True)
    a, b, _ = option_ids(poll)
    do_vote_in_poll(poll, actor=member, option_ids=[a])
    with pytest.raises(Conflict, match="final"):
        do_vote_in_poll(poll, actor=member, option_ids=[b])
    with pytest.raises(Conflict) as error:
        do_take_back_vote(poll, actor=member)
    assert error.value.message == ANONYMOUS_FINAL
    poll.refresh_from_db()
    assert (poll.voter_count, votes(poll)) == (1, [1, 0, 0])


def test_do_vote_in_poll_refuses_a_closed_poll_saying_when(space, poster, member):
    poll = make_poll(space, poster)
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    poll.refresh_from_db()
    with pytest.raises(Conflict, match="This poll closed on ") as error:
        do_vote_in_poll(poll, actor=member, option_ids=option_ids(poll)[:1])
    assert error.value.status == 409
    assert not PollBallot.objects.exists()


def test_do_vote_in_poll_refuses_an_outsider(space, poster, outsider):
    poll = make_poll(space, poster)
    with pytest.raises(NotAllowed):
        do_vote_in_poll(poll, actor=outsider, option_ids=option_ids(poll)[:1])
    assert not PollBallot.objects.exists()


def test_do_close_poll_by_poster_is_audited_and_stops_votes(space, poster, member):
    poll = make_poll(space, poster)
    do_close_poll(poll, actor=poster)
    poll.refresh_from_db()
    assert poll.closed_at is not None
    entry = AuditEntry.objects.get(action="poll.close")
    assert (entry.actor_id, entry.target_id, entry.space_id) == (poster.pk, poll.pk, space.pk)
    with pytest.raises(Conflict, match="closed on"):
        do_vote_in_poll(poll, actor=member, option_ids=option_ids(poll)[:1])
    with pytest.raises(Conflict, match="closed on"):
        do_close_poll(poll, actor=poster)


def test_do_close_poll_by_moderator(space, poster, moderator):
    poll = make_poll(space, poster)
    do_close_poll(poll, actor=moderator)
    poll.refresh_from_db()
    assert poll.closed_at is not None


def test_do_close_poll_refuses_other_members(space, poster, member):
    poll = make_poll(space, poster)
    with pytest.raises(NotAllowed, match="Only the person who asked"):
        do_close_poll(poll, actor=member)
    poll.refresh_from_db()
    assert poll.closed_at is None
    assert not AuditEntry.objects.filter(action="poll.close").exists()


def test_do_vote_in_poll_records_that_someone_answered_once_never_what(space, poster, member):
    poll = make_poll(space, poster)
    a, b, _ = option_ids(poll)
    do_vote_in_poll(poll, actor=member, option_ids=[a])
    do_vote_in_poll(poll, actor=member, option_ids=[b])  # a change is not a second answer
    events = Event.objects.filter(kind=EventKind.POLL_ANSWERED)
    assert list(events.values_list("person_id", "space_id")) == [(member.pk, space.pk)]
