"""The e-mail digest: who gets one and when, what it says and in which order (questions waiting
for an answer first), anonymity, and a query count that does not grow with the people."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from afterclass.learning.tests.factories import make_activity, make_course, make_unit
from afterclass.notifications.actions import do_set_email_settings, do_set_space_level
from afterclass.notifications.email import queue_digests, send_digests
from afterclass.notifications.models import (
    Channel,
    DigestFrequency,
    EmailSettings,
    Notification,
    NotificationKind,
)
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.actions import do_hide_post
from afterclass.posts.models import Post, PostKind
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_leave_space
from afterclass.spaces.models import AnonymousQuestions, Role, Visibility
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _site(settings, db):
    settings.SITE_URL = "https://afterclass.example.org"
    Organisation.current()


@pytest.fixture
def owner(db):
    return PersonFactory(display_name="Olive Owner")


@pytest.fixture
def space(owner):
    return make_space(owner, name="Data skills", anonymous_questions=AnonymousQuestions.EVERYONE)


@pytest.fixture
def reader(space):
    return add_member(space, PersonFactory(email="rita@example.org", display_name="Rita")).person


@pytest.fixture
def asker(space):
    return add_member(space, PersonFactory(display_name="Sam Secret")).person


def ask(space, person, title, **fields):
    return make_post(space, person, kind=PostKind.QUESTION, title=title, **fields)


def tell(person, message, **fields):
    fields.setdefault("kind", NotificationKind.REPLY)
    fields.setdefault("channel", Channel.EMAIL_DIGEST)
    return Notification.objects.create(recipient=person, message=message, url="/feed/", **fields)


def digests_to(email):
    return [m for m in mail.outbox if m.to == [email]]


def later(days=0):
    return timezone.now() + datetime.timedelta(days=days, minutes=1)


def test_digest_lists_waiting_questions_first_then_my_notifications(space, reader, asker):
    tell(reader, "Olive replied to your comment")
    ask(space, asker, "How do I join two tables?")
    assert send_digests(later()) >= 1
    [message] = digests_to(reader.email)
    assert message.subject == "What happened in your spaces"
    for text in (message.body, message.alternatives[0][0]):
        question = text.index("How do I join two tables?")
        notification = text.index("Olive replied to your comment")
        assert question < notification
        assert text.index("Questions waiting for an answer".upper() if text is message.body
                          else "Questions waiting for an answer") < question  # fmt: skip
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "https://afterclass.example.org/notifications/unsubscribe/" in message.body
    assert message.alternatives[0][1] == "text/html"


def test_digest_shows_an_anonymous_asker_as_a_colleague(space, reader, asker):
    ask(space, asker, "A delicate question", anonymous=True)
    send_digests(later())
    [message] = digests_to(reader.email)
    assert "A colleague" in message.body
    assert "Sam Secret" not in message.body
    assert "Sam Secret" not in message.alternatives[0][0]


def test_digest_leaves_out_answered_hidden_own_muted_and_foreign_questions(
    owner, space, reader, asker
):
    answered = ask(space, asker, "Answered already")
    make_comment(answered, owner, "Here is how.")
    hidden = ask(space, asker, "Hidden one")
    do_hide_post(hidden, reason="Off topic", actor=owner)
    ask(space, reader, "My own question")
    elsewhere = make_space(owner, name="Elsewhere", slug="elsewhere")
    ask(elsewhere, owner, "In a space Rita is not in")
    muted = make_space(owner, name="Muted space", slug="muted")
    add_member(muted, reader)
    do_set_space_level(muted, "muted", actor=reader)
    ask(muted, owner, "In a muted space")
    ask(space, asker, "The only one to show")
    send_digests(later())
    [message] = digests_to(reader.email)
    assert "The only one to show" in message.body
    for title in ("Answered already", "Hidden one", "My own question", "In a space Rita",
                  "In a muted space"):  # fmt: skip
        assert title not in message.body


def test_digest_skips_people_with_nothing_to_say_and_those_who_opted_out(space, reader, asker):
    quiet = add_member(space, PersonFactory(email="quiet@example.org")).person
    do_set_email_settings(actor=quiet, no_email=True)
    never = add_member(space, PersonFactory(email="never@example.org")).person
    do_set_email_settings(actor=never, digest=DigestFrequency.OFF)
    gone = add_member(space, PersonFactory(email="gone@example.org", is_active=False)).person
    for person in (quiet, never, gone):
        tell(person, "Something for you")
    ask(space, asker, "Who can help?")
    send_digests(later())
    assert digests_to(reader.email)
    assert not digests_to(asker.email)  # only their own question: nothing to say
    for person in (quiet, never, gone):
        assert not digests_to(person.email)
    assert EmailSettings.objects.get(person=asker).last_digest_at is not None


def test_digest_waits_for_its_period_and_does_not_repeat(space, reader, asker):
    do_set_email_settings(actor=reader, digest=DigestFrequency.DAILY)
    tell(reader, "First news")
    now = later()
    send_digests(now)
    assert len(digests_to(reader.email)) == 1
    tell(reader, "Second news")
    send_digests(now + datetime.timedelta(hours=5))
    assert len(digests_to(reader.email)) == 1, "not due yet"
    send_digests(now + DAY)
    second = digests_to(reader.email)[-1]
    assert "Second news" in second.body
    assert "First news" not in second.body, "a notification is in one digest only"


def test_weekly_digest_comes_after_seven_days(space, reader, asker):
    tell(reader, "News")
    now = later()
    send_digests(now)
    tell(reader, "More news")
    send_digests(now + 3 * DAY)
    assert len(digests_to(reader.email)) == 1
    send_digests(now + 7 * DAY)
    assert len(digests_to(reader.email)) == 2


def test_digest_leaves_out_read_notifications(reader):
    tell(reader, "Already read", read_at=timezone.now())
    send_digests(later())
    assert not digests_to(reader.email)


@pytest.mark.parametrize("readers", [1, 20])
def test_digest_queries_do_not_grow_with_people(
    owner, space, asker, readers, django_assert_num_queries
):
    for number in range(readers):
        person = add_member(space, PersonFactory()).person
        tell(person, f"News {number}")
    ask(space, asker, "Anyone?")
    # due people, waiting questions for each person, the questions, notifications,
    # organisation, then in a savepoint: keys already queued, the insert, emailed_at, settings
    # rows made, last_digest_at; then the empty next batch
    with django_assert_num_queries(13):
        assert queue_digests(later()) == readers + 1  # the owner is a member too
    send_digests(later())
    assert len(mail.outbox) == readers + 1  # sent by the outbox, none twice


def test_send_digests_command(space, reader, asker, capsys):
    ask(space, asker, "Command question")
    call_command("send_digests")
    # the command runs at "now": the question is a moment old, inside the first week
    assert digests_to(reader.email)
    assert "Sent" in capsys.readouterr().out


def test_digest_leaves_out_a_secret_space_the_person_left(owner, reader, asker):
    secret = make_space(owner, name="Secret", slug="secret", visibility=Visibility.SECRET)
    add_member(secret, reader)
    add_member(secret, asker)
    do_leave_space(secret, actor=reader)
    ask(secret, asker, "Asked after Rita left")
    tell(reader, "Something else")
    send_digests(later())
    [message] = digests_to(reader.email)
    assert "Asked after Rita left" not in message.body
    assert "Secret" not in message.body


def test_digest_leaves_out_a_question_its_reader_may_not_see_yet(owner, reader):
    # A question that is the thread of a discussion prompt whose unit is not released: only the
    # space's moderators may see it (Post.objects.visible_to), so only they hear of it. The
    # digest read membership alone before it was built on the seeing rule.
    course = make_course(owner, name="Course", slug="course")
    add_member(course, reader)
    moderator = add_member(
        course, PersonFactory(email="mo@example.org"), role=Role.MODERATOR
    ).person
    unit = make_unit(course, owner, release_at=timezone.now() + 3 * DAY)
    prompt = make_activity(unit, owner, kind="discussion", title="Before the release")
    Post.objects.filter(pk=prompt.post_id).update(kind=PostKind.QUESTION)
    tell(reader, "Something else")
    send_digests(later())
    [message] = digests_to(reader.email)
    assert "Before the release" not in message.body
    [told] = digests_to(moderator.email)
    assert "Before the release" in told.body


def test_digest_lists_at_most_ten_questions_a_person_oldest_first(space, reader, asker):
    for number in range(12):
        ask(space, asker, f"Question number {number:02}")
    send_digests(later())
    [message] = digests_to(reader.email)
    shown = [n for n in range(12) if f"Question number {n:02}" in message.body]
    assert shown == list(range(10))
