"""Who is told what: each kind reaches the right people and nobody else (not the actor, not
non-members, not muted members, not people who cannot see the target), and an anonymous asker
is never named."""

import pytest

from afterclass.moderation.actions import do_report, do_resolve_report
from afterclass.notifications.actions import do_set_preference, do_set_space_level
from afterclass.notifications.fanout import Audience, Notice, deliver
from afterclass.notifications.models import Channel, Notification, NotificationKind, SpaceLevel
from afterclass.people.actions import do_set_active
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.actions import (
    do_accept_answer,
    do_edit_post,
    do_hide_post,
    do_reveal_asker,
)
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_decide_requests, do_join_space, do_set_space_status
from afterclass.spaces.models import (
    AnonymousQuestions,
    JoinPolicy,
    MembershipState,
    Role,
    Status,
    Visibility,
)
from afterclass.spaces.tests.factories import add_member, make_space

K = NotificationKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def now(django_capture_on_commit_callbacks):
    """Run what an action leaves for after its commit (the fan-out), as a real commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def space():
    return make_space(anonymous_questions=AnonymousQuestions.MEMBERS)


@pytest.fixture
def people(space):
    """ada and ben are members, mod moderates, outsider is not a member."""
    names = ["ada", "ben", "mod", "outsider"]
    made = {
        name: PersonFactory(email=f"{name}@example.org", display_name=name.title())
        for name in names
    }
    add_member(space, made["ada"])
    add_member(space, made["ben"])
    add_member(space, made["mod"], role=Role.MODERATOR)
    return made


def told(kind=None):
    rows = Notification.objects.all()
    if kind is not None:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("recipient__email", flat=True))


def test_mention_tells_the_member_mentioned_and_nobody_else(now, space, people):
    now(make_post, space, people["ada"], body="@ben and @outsider, what do you think?")
    assert told() == ["ben@example.org"]
    note = Notification.objects.get()
    assert note.kind == K.MENTION
    assert note.actor == people["ada"]
    assert note.message.startswith("Ada mentioned you in")


def test_answer_tells_the_asker_and_a_reply_tells_the_comment_author(now, space, people):
    question = make_post(space, people["ada"], kind="question", title="Which chart for shares?")
    answer = now(make_comment, question, people["ben"], "A stacked bar.")
    assert told(K.ANSWER) == ["ada@example.org"]
    now(make_comment, question, people["mod"], "Or a waffle chart.", parent=answer)
    assert told(K.REPLY) == ["ada@example.org", "ben@example.org"]
    replies = {n.recipient.email: n.message for n in Notification.objects.filter(kind=K.REPLY)}
    assert replies["ben@example.org"].startswith("Mod replied to your comment")
    assert replies["ada@example.org"].startswith("Mod commented on your post")


def test_nobody_is_told_about_their_own_doing(now, space, people):
    post = make_post(space, people["ada"])
    comment = now(make_comment, post, people["ada"], "Adding to my own post, @ada.")
    now(make_comment, post, people["ada"], "And replying to myself.", parent=comment)
    assert told() == []


def test_one_person_hears_once_about_one_comment(now, space, people):
    post = make_post(space, people["ada"], kind="question", title="Pivot tables?")
    now(make_comment, post, people["ben"], "Ask @ada, she knows.")
    assert told() == ["ada@example.org"]
    assert Notification.objects.get().kind == K.ANSWER


def test_accepted_answer_tells_its_author(now, space, people):
    question = make_post(space, people["ada"], kind="question", title="Which chart?")
    answer = make_comment(question, people["ben"], "A bar chart.")
    Notification.objects.all().delete()
    now(do_accept_answer, question, answer, actor=people["ada"])
    assert told(K.ACCEPTED) == ["ben@example.org"]
    assert Notification.objects.get().actor == people["ada"]


def test_announcement_reaches_active_members_only(now, space, people):
    pending = PersonFactory(email="pending@example.org")
    add_member(space, pending, state=MembershipState.PENDING)
    left = PersonFactory(email="left@example.org")
    add_member(space, left, state=MembershipState.LEFT)
    gone = PersonFactory(email="gone@example.org")
    add_member(space, gone)
    do_set_active(gone, False, actor=AdminFactory())
    now(make_post, space, people["mod"], kind="announcement", title="Workshop on Friday")
    # The space's owner (made by make_space) is a member too.
    owner_email = space.created_by.email
    assert told(K.ANNOUNCEMENT) == sorted(["ada@example.org", "ben@example.org", owner_email])


def test_muted_members_hear_nothing_from_the_space(now, space, people):
    do_set_space_level(space, SpaceLevel.MUTED, actor=people["ben"])
    now(make_post, space, people["mod"], kind="announcement", title="Workshop on Friday")
    now(make_post, space, people["ada"], body="@ben look at this")
    assert "ben@example.org" not in told()


def test_new_posts_reach_only_those_following_all_activity(now, space, people):
    do_set_space_level(space, SpaceLevel.ALL, actor=people["ben"])
    now(make_post, space, people["ada"], kind="question", title="Who knows SQL windows?")
    assert told(K.NEW_POST) == ["ben@example.org"]
    assert Notification.objects.get().message == (
        f"Ada asked in {space.name}: “Who knows SQL windows?”"
    )


def test_anonymous_question_never_names_the_asker(now, space, people):
    do_set_space_level(space, SpaceLevel.ALL, actor=people["ben"])
    question = now(
        make_post, space, people["ada"], kind="question", title="Is it fine not to know git?",
        body="Asking for a colleague, @mod", anonymous=True,
    )  # fmt: skip
    answer = now(make_comment, question, people["ben"], "Completely fine.")
    now(make_comment, question, people["ada"], "Thanks, @mod too!", parent=answer)
    about_asker = Notification.objects.exclude(recipient=people["ada"])
    assert about_asker.count() == 4  # new post (ben), mention (mod), reply (ben), mention (mod)
    for note in about_asker:
        assert note.actor_id is None
        assert "Ada" not in note.message
        assert note.message.startswith("A colleague")


def test_an_edit_tells_only_people_newly_mentioned(now, space, people):
    post = now(make_post, space, people["ada"], body="Thanks @ben")
    now(do_edit_post, post, actor=people["ada"], body="Thanks @ben and @mod")
    assert told(K.MENTION) == ["ben@example.org", "mod@example.org"]


def test_channel_follows_preferences_and_off_means_no_row(now, space, people):
    do_set_preference(K.MENTION, Channel.OFF, actor=people["ben"])
    do_set_preference(K.MENTION, Channel.IN_APP, actor=people["mod"])
    now(make_post, space, people["ada"], body="@ben @mod")
    assert told() == ["mod@example.org"]
    assert Notification.objects.get().channel == Channel.IN_APP


def test_anonymity_reveal_cannot_be_switched_off():
    from afterclass.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="always told"):
        do_set_preference(K.ANONYMITY_REVEALED, Channel.OFF, actor=PersonFactory())


def test_reveal_tells_the_asker_even_when_hidden_and_muted(now, space, people):
    question = make_post(space, people["ada"], kind="question", title="Q?", anonymous=True)
    do_hide_post(question, actor=people["mod"], reason="Off topic")
    do_set_space_level(space, SpaceLevel.MUTED, actor=people["ada"])
    now(do_reveal_asker, question, actor=AdminFactory(), reason="Abusive follow-ups reported")
    note = Notification.objects.get()
    assert note.recipient == people["ada"]
    assert note.kind == K.ANONYMITY_REVEALED
    assert "Abusive follow-ups reported" in note.message
    assert note.actor_id is None


def test_nothing_is_told_about_a_post_hidden_before_the_fan_out(space, people):
    post = make_post(space, people["ada"])
    do_hide_post(post, actor=people["mod"], reason="Spam")
    notice = Notice(K.MENTION, "x", "/", space_id=space.pk, post_id=post.pk)
    assert deliver(notice, [people["ben"].pk]) == 0


def test_members_only_notices_skip_people_who_cannot_see_the_space(people, space):
    notice = Notice(K.MENTION, "x", "/", space_id=space.pk)
    assert deliver(notice, [people["ben"].pk, people["outsider"].pk]) == 1
    assert told() == ["ben@example.org"]


def test_join_request_tells_moderators_and_the_decision_tells_the_person(now, people):
    owner = PersonFactory(email="owner@example.org")
    space = make_space(owner, join_policy=JoinPolicy.REQUEST, name="Finance club")
    add_member(space, people["mod"], role=Role.MODERATOR)
    add_member(space, people["ada"])
    membership = now(do_join_space, space, actor=people["outsider"], answers=[])
    assert told(K.JOIN_REQUEST) == ["mod@example.org", "owner@example.org"]
    now(do_decide_requests, space, [membership.pk], approve=False, actor=people["mod"])
    assert told(K.REQUEST_DECIDED) == ["outsider@example.org"]
    assert "declined" in Notification.objects.get(kind=K.REQUEST_DECIDED).message


def test_archiving_tells_members(now, space, people):
    now(do_set_space_status, space, Status.ARCHIVED, actor=space.created_by)
    assert told(K.SPACE_ARCHIVED) == ["ada@example.org", "ben@example.org", "mod@example.org"]


def test_handled_report_tells_each_reporter_without_the_text(now, space, people):
    post = make_post(space, people["ada"], title="Buy cheap watches", body="spam spam")
    report = do_report(post, actor=people["ben"], reason="spam")
    do_report(post, actor=people["mod"], reason="spam")
    now(do_resolve_report, report, actor=space.created_by, outcome="removed")
    assert told(K.REPORT_HANDLED) == ["ben@example.org", "mod@example.org"]
    for note in Notification.objects.all():
        assert "watches" not in note.message
        assert "removed" in note.message


def test_secret_space_mentions_do_not_reach_outsiders(now, people):
    secret = make_space(visibility=Visibility.SECRET, name="Board prep")
    add_member(secret, people["ada"])
    now(make_post, secret, people["ada"], body="@outsider @ben canary-secret-word")
    assert told() == []


def test_audience_space_moderators_needs_a_space():
    with pytest.raises(ValueError, match="space"):
        deliver(Notice(K.JOIN_REQUEST, "x", "/"), audience=Audience.SPACE_MODERATORS)


def test_nothing_is_told_while_silenced(now, space, people):
    from afterclass.notifications.fanout import silenced

    with silenced():
        now(make_post, space, people["ada"], body="@ben history, not news")
    now(make_post, space, people["ada"], body="@ben this is news")
    assert told() == ["ben@example.org"]
