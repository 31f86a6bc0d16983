"""Every posts action: what it does, whom it refuses, and that a refusal changes nothing."""

import pytest

from afterclass.audit.models import AuditEntry
from afterclass.core.errors import Conflict, InvalidInput, NotAllowed
from afterclass.insights.models import Event
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.actions import (
    do_accept_answer,
    do_comment,
    do_create_post,
    do_edit_comment,
    do_edit_post,
    do_hide_post,
    do_react,
    do_remove_comment,
    do_remove_post,
    do_restore_post,
    do_reveal_asker,
    do_set_locked,
    do_set_pinned,
    do_vote,
)
from afterclass.posts.models import Comment, ContentState, Post, Reaction, Revision, Vote
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, Membership, Role, Template
from afterclass.spaces.tests.factories import add_member, make_space

pytestmark = pytest.mark.django_db


@pytest.fixture
def space(admin):
    return make_space(admin)


@pytest.fixture
def member(space):
    return add_member(space).person


@pytest.fixture
def other(space):
    return add_member(space).person


@pytest.fixture
def moderator(space):
    return add_member(space, role=Role.MODERATOR).person


def snapshot():
    """Everything the posts actions write, to assert that a refusal wrote nothing."""
    return {
        "posts": list(Post.objects.order_by("pk").values()),
        "comments": list(Comment.objects.order_by("pk").values()),
        "votes": Vote.objects.count(),
        "reactions": Reaction.objects.count(),
        "revisions": Revision.objects.count(),
        "audit": AuditEntry.objects.count(),
        "events": Event.objects.count(),
    }


def refused(error, call, *, match=None):
    before = snapshot()
    with pytest.raises(error, match=match):
        call()
    assert snapshot() == before


# --- Creating ------------------------------------------------------------------------------


def test_do_create_post_discussion_renders_markdown_and_records(space, member):
    post = do_create_post(
        space, actor=member, kind="discussion", title=" Retros ", body="Use **timelines**."
    )

    assert post.title == "Retros"
    assert post.body_html == "<p>Use <strong>timelines</strong>.</p>\n"
    assert not post.is_pinned
    assert post.state == ContentState.VISIBLE
    assert Event.objects.filter(kind="posted", person_id=member.pk).count() == 1
    entry = AuditEntry.objects.get(action="post.create")
    assert entry.actor_id == member.pk
    assert entry.target_id == post.pk


def test_do_create_post_question_may_have_no_body(space, member):
    post = do_create_post(space, actor=member, kind="question", title="How do I start?")

    assert post.kind == "question"
    assert post.body == ""
    assert not post.is_answered


def test_do_create_post_resource_needs_an_https_link(space, member):
    post = do_create_post(
        space, actor=member, kind="resource", title="Guide", link_url="https://example.org/g"
    )

    assert post.link_url == "https://example.org/g"
    refused(
        InvalidInput,
        lambda: do_create_post(space, actor=member, kind="resource", title="No link"),
        match="needs a link",
    )
    for bad in ("javascript:alert(1)", "ftp://example.org/x", "example.org", "data:text/html,x"):
        refused(
            InvalidInput,
            lambda bad=bad: do_create_post(
                space, actor=member, kind="resource", title="Bad", link_url=bad
            ),
            match="full web address",
        )


def test_do_create_post_update_is_short_and_untitled(admin, member):
    tips = make_space(admin, name="Tips", template=Template.TIPS)
    add_member(tips, member)

    post = do_create_post(tips, actor=member, kind="update", body="x" * 280)

    assert len(post.body) == 280
    refused(
        InvalidInput,
        lambda: do_create_post(tips, actor=member, kind="update", body="x" * 281),
        match="at most 280",
    )
    refused(
        InvalidInput,
        lambda: do_create_post(tips, actor=member, kind="update", title="T", body="tip"),
        match="no title",
    )
    refused(InvalidInput, lambda: do_create_post(tips, actor=member, kind="update", body="  "))


def test_do_create_post_announcement_by_moderator_is_pinned(space, moderator, member):
    post = do_create_post(space, actor=moderator, kind="announcement", title="Welcome", body="Hi")

    assert post.is_pinned
    refused(
        NotAllowed,
        lambda: do_create_post(space, actor=member, kind="announcement", title="Hi", body="x"),
        match="moderators and owners",
    )


def test_do_create_post_refuses_kinds_the_template_does_not_take(space, member):
    refused(
        NotAllowed,
        lambda: do_create_post(space, actor=member, kind="update", body="A tip"),
        match="takes these kinds of post: discussion, question",
    )
    refused(InvalidInput, lambda: do_create_post(space, actor=member, kind="essay", title="x"))


def test_do_create_post_refuses_bad_title_and_body(space, member):
    refused(InvalidInput, lambda: do_create_post(space, actor=member, kind="discussion", body="b"))
    refused(
        InvalidInput,
        lambda: do_create_post(space, actor=member, kind="discussion", title="t" * 201, body="b"),
    )
    refused(InvalidInput, lambda: do_create_post(space, actor=member, kind="discussion", title="t"))
    refused(
        InvalidInput,
        lambda: do_create_post(space, actor=member, kind="discussion", title="t", body="b" * 20001),
    )


def test_do_create_post_refuses_people_who_cannot_take_part(admin, space):
    outsider = PersonFactory()
    pending = add_member(space, state="pending").person
    banned = add_member(space, state="banned").person
    unaccepted = add_member(space, accepted_rules=False).person
    for person in (outsider, pending, banned, AdminFactory()):
        refused(NotAllowed, lambda person=person: make_post(space, person), match="Join")
    refused(NotAllowed, lambda: make_post(space, unaccepted), match="ground rules")
    archived = make_space(admin, name="Old", status="archived")
    old_member = add_member(archived).person
    refused(NotAllowed, lambda: make_post(archived, old_member), match="archived")


def test_do_create_post_anonymous_only_when_the_space_allows(space, admin, member):
    refused(
        NotAllowed,
        lambda: make_post(space, member, kind="question", anonymous=True),
        match="does not take anonymous",
    )
    do_update_space(space, actor=admin, anonymous_questions=AnonymousQuestions.EVERYONE)
    refused(
        NotAllowed,
        lambda: make_post(space, member, kind="discussion", anonymous=True),
        match="Only questions",
    )

    post = make_post(space, member, kind="question", anonymous=True)

    assert post.is_anonymous
    assert post.author == member  # kept for abuse handling
    # The audit log does not name the asker.
    assert AuditEntry.objects.get(action="post.create", target_id=post.pk).actor_id is None


# --- Editing and removing --------------------------------------------------------------------


def test_do_edit_post_keeps_the_previous_version(space, member):
    post = make_post(space, member, title="Old title", body="Old *body*")

    do_edit_post(post, actor=member, title="New title", body="New **body**")

    post.refresh_from_db()
    assert (post.title, post.body) == ("New title", "New **body**")
    assert "<strong>body</strong>" in post.body_html
    assert post.edited_at is not None
    revision = Revision.objects.get(post=post)
    assert (revision.title, revision.body) == ("Old title", "Old *body*")


def test_do_edit_post_with_nothing_changed_keeps_no_revision(space, member):
    post = make_post(space, member)

    do_edit_post(post, actor=member, title=post.title, body=post.body)

    post.refresh_from_db()
    assert post.edited_at is None
    assert not Revision.objects.exists()


def test_do_edit_post_refuses_others_bad_input_and_removed_posts(space, member, moderator):
    post = make_post(space, member)
    refused(NotAllowed, lambda: do_edit_post(post, actor=moderator, body="mine now"))
    refused(InvalidInput, lambda: do_edit_post(post, actor=member, title=""))
    do_remove_post(post, actor=member)
    refused(NotAllowed, lambda: do_edit_post(post, actor=member, body="again"))


def test_do_edit_comment_keeps_the_previous_version(space, member, other):
    post = make_post(space, member)
    comment = make_comment(post, other, body="first")

    do_edit_comment(comment, actor=other, body="second")

    comment.refresh_from_db()
    assert comment.body == "second"
    assert comment.edited_at is not None
    assert Revision.objects.get(comment=comment).body == "first"
    refused(NotAllowed, lambda: do_edit_comment(comment, actor=member, body="third"))
    refused(InvalidInput, lambda: do_edit_comment(comment, actor=other, body=" "))


def test_do_remove_post_by_author_and_by_moderator(space, member, moderator, other):
    own = make_post(space, member)
    theirs = make_post(space, other)

    do_remove_post(own, actor=member)
    do_remove_post(theirs, actor=moderator)

    own.refresh_from_db()
    theirs.refresh_from_db()
    assert own.state == ContentState.REMOVED_BY_AUTHOR
    assert theirs.state == ContentState.REMOVED_BY_MODERATOR
    assert AuditEntry.objects.filter(action="post.remove").count() == 2
    refused(Conflict, lambda: do_remove_post(own, actor=member))


def test_do_remove_post_refuses_other_members(space, member, other):
    post = make_post(space, member)

    refused(NotAllowed, lambda: do_remove_post(post, actor=other))

    post.refresh_from_db()
    assert post.state == ContentState.VISIBLE


def test_do_remove_post_unpins_an_announcement(space, moderator):
    post = do_create_post(space, actor=moderator, kind="announcement", title="Hi", body="x")

    do_remove_post(post, actor=moderator)

    post.refresh_from_db()
    assert not post.is_pinned


def test_do_remove_comment_by_author_and_moderator_refuses_others(space, member, other, moderator):
    post = make_post(space, member)
    first, second = make_comment(post, other), make_comment(post, other)

    refused(NotAllowed, lambda: do_remove_comment(first, actor=member))
    do_remove_comment(first, actor=other)
    do_remove_comment(second, actor=moderator)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == ContentState.REMOVED_BY_AUTHOR
    assert second.state == ContentState.REMOVED_BY_MODERATOR
    refused(Conflict, lambda: do_remove_comment(first, actor=other))


def test_do_remove_comment_takes_back_an_accepted_answer_and_its_count(space, member, other):
    question = make_post(space, member, kind="question")
    answer = make_comment(question, other)
    do_accept_answer(question, answer, actor=member)

    do_remove_comment(answer, actor=other)

    question.refresh_from_db()
    assert question.accepted_answer is None
    assert question.answer_count == 0  # unanswered again: it shows in "waiting for an answer"


def test_do_remove_comment_by_an_anonymous_asker_does_not_name_them(space, admin, member):
    do_update_space(space, actor=admin, anonymous_questions=AnonymousQuestions.EVERYONE)
    question = make_post(space, member, kind="question", anonymous=True)
    note = make_comment(question, member, body="Some more detail.")

    do_remove_comment(note, actor=member)

    assert AuditEntry.objects.get(action="comment.remove").actor_id is None


# --- Moderation --------------------------------------------------------------------------------


def test_do_hide_and_restore_post(space, member, moderator):
    post = make_post(space, member)

    do_hide_post(post, actor=moderator, reason="Off topic for this space.")
    post.refresh_from_db()
    assert (post.state, post.hidden_reason) == (ContentState.HIDDEN, "Off topic for this space.")
    refused(Conflict, lambda: do_hide_post(post, actor=moderator, reason="again"))

    do_restore_post(post, actor=moderator)
    post.refresh_from_db()
    assert (post.state, post.hidden_reason) == (ContentState.VISIBLE, "")
    refused(Conflict, lambda: do_restore_post(post, actor=moderator))
    assert [e.action for e in AuditEntry.objects.filter(action__in=["post.hide", "post.restore"])]


def test_do_hide_post_refuses_members_and_an_empty_reason(space, member, other, moderator):
    post = make_post(space, member)

    refused(NotAllowed, lambda: do_hide_post(post, actor=other, reason="I dislike it"))
    refused(NotAllowed, lambda: do_hide_post(post, actor=member, reason="Mine"))
    refused(InvalidInput, lambda: do_hide_post(post, actor=moderator, reason="  "))
    refused(InvalidInput, lambda: do_hide_post(post, actor=moderator, reason="r" * 301))


def test_do_restore_post_refuses_members_and_posts_removed_by_their_author(
    space, member, moderator
):
    hidden = make_post(space, member)
    do_hide_post(hidden, actor=moderator, reason="Check the facts first.")
    refused(NotAllowed, lambda: do_restore_post(hidden, actor=member))

    withdrawn = make_post(space, member)
    do_remove_post(withdrawn, actor=member)
    # The author took it back; a moderator does not publish it again for them.
    refused(Conflict, lambda: do_restore_post(withdrawn, actor=moderator))


def test_do_set_pinned_and_locked_by_moderators_only(space, member, moderator, other):
    post = make_post(space, member)

    do_set_pinned(post, True, actor=moderator)
    do_set_locked(post, True, actor=moderator)
    post.refresh_from_db()
    assert post.is_pinned
    assert post.is_locked
    assert AuditEntry.objects.filter(action__in=["post.pin", "post.lock"]).count() == 2

    refused(NotAllowed, lambda: do_set_pinned(post, False, actor=member))
    refused(NotAllowed, lambda: do_set_locked(post, False, actor=other))
    do_set_pinned(post, False, actor=moderator)
    do_set_locked(post, False, actor=moderator)
    post.refresh_from_db()
    assert not post.is_pinned
    assert not post.is_locked


def test_do_set_pinned_twice_changes_nothing(space, member, moderator):
    post = make_post(space, member)
    do_set_pinned(post, True, actor=moderator)

    before = snapshot()
    do_set_pinned(post, True, actor=moderator)

    assert snapshot() == before


# --- Comments and replies ---------------------------------------------------------------------


def test_do_comment_counts_and_records(space, member, other):
    post = make_post(space, member)

    comment = do_comment(post, actor=other, body="Try *this*.")

    post.refresh_from_db()
    assert post.comment_count == 1
    assert post.answer_count == 0
    assert comment.body_html == "<p>Try <em>this</em>.</p>\n"
    assert Event.objects.filter(kind="commented", person_id=other.pk).exists()


def test_do_comment_on_a_question_is_an_answer_and_replies_are_not(space, member, other):
    question = make_post(space, member, kind="question")
    answer = do_comment(question, actor=other, body="An answer")

    reply = do_comment(question, actor=member, body="Thanks", parent=answer)

    question.refresh_from_db()
    assert (question.comment_count, question.answer_count) == (2, 1)
    assert question.is_answered
    assert reply.parent == answer
    assert Event.objects.filter(kind="answered").count() == 1


def test_do_comment_replies_stay_one_level_deep(space, member, other):
    post = make_post(space, member)
    top = make_comment(post, other)
    reply = make_comment(post, member, parent=top)

    reply_to_reply = make_comment(post, other, parent=reply)

    assert reply_to_reply.parent_id == top.pk


def test_do_comment_refuses_bad_parents_and_text(space, member, other):
    post, elsewhere = make_post(space, member), make_post(space, other)
    foreign = make_comment(elsewhere, member)
    removed = make_comment(post, other)
    do_remove_comment(removed, actor=other)

    refused(InvalidInput, lambda: do_comment(post, actor=other, body="x", parent=foreign))
    refused(NotAllowed, lambda: do_comment(post, actor=member, body="x", parent=removed))
    refused(InvalidInput, lambda: do_comment(post, actor=other, body="   "))
    refused(InvalidInput, lambda: do_comment(post, actor=other, body="x" * 10001))


def test_do_comment_refuses_outsiders_hidden_posts_and_locked_threads(
    space, member, other, moderator
):
    post = make_post(space, member)
    refused(NotAllowed, lambda: do_comment(post, actor=PersonFactory(), body="Hi"))

    do_set_locked(post, True, actor=moderator)
    refused(NotAllowed, lambda: do_comment(post, actor=other, body="Hi"), match="locked")
    do_comment(post, actor=moderator, body="Closing note")  # moderators still can

    hidden = make_post(space, member)
    do_hide_post(hidden, actor=moderator, reason="Needs a check.")
    refused(NotAllowed, lambda: do_comment(hidden, actor=other, body="Hi"))


# --- Votes and accepted answers ---------------------------------------------------------------


@pytest.fixture
def answered(space, member, other):
    question = make_post(space, member, kind="question")
    return question, make_comment(question, other, body="Use the 4Ls.")


def test_do_vote_once_and_undo(answered, space):
    _, answer = answered
    voter = add_member(space).person

    do_vote(answer, actor=voter)
    do_vote(answer, actor=voter)
    answer.refresh_from_db()
    assert answer.vote_count == 1
    assert Vote.objects.filter(comment=answer).count() == 1
    assert Event.objects.filter(kind="voted").count() == 1

    do_vote(answer, actor=voter, up=False)
    answer.refresh_from_db()
    assert answer.vote_count == 0

    before = snapshot()
    do_vote(answer, actor=voter, up=False)  # undoing twice changes nothing
    assert snapshot() == before


def test_do_vote_refuses_own_answer_outsiders_and_non_answers(answered, space, member, other):
    question, answer = answered
    reply = make_comment(question, member, parent=answer)
    discussion = make_post(space, member)
    comment = make_comment(discussion, other)

    refused(NotAllowed, lambda: do_vote(answer, actor=other), match="own answer")
    refused(NotAllowed, lambda: do_vote(answer, actor=PersonFactory()))
    refused(InvalidInput, lambda: do_vote(reply, actor=other))
    refused(InvalidInput, lambda: do_vote(comment, actor=member))
    do_remove_comment(answer, actor=other)
    refused(Conflict, lambda: do_vote(answer, actor=member))


def test_do_accept_answer_by_asker_and_by_moderator(answered, moderator):
    question, answer = answered

    do_accept_answer(question, answer, actor=question.author)
    question.refresh_from_db()
    assert question.accepted_answer == answer
    assert Event.objects.filter(kind="accepted").count() == 1

    do_accept_answer(question, None, actor=moderator)
    question.refresh_from_db()
    assert question.accepted_answer is None
    assert AuditEntry.objects.filter(action="post.accept", actor=moderator).exists()


def test_do_accept_answer_refuses_others_and_wrong_answers(answered, space, member, other):
    question, answer = answered
    bystander = add_member(space).person
    reply = make_comment(question, member, parent=answer)
    another = make_post(space, member, kind="question")
    foreign = make_comment(another, other)
    discussion = make_post(space, member)

    refused(NotAllowed, lambda: do_accept_answer(question, answer, actor=other))
    refused(NotAllowed, lambda: do_accept_answer(question, answer, actor=bystander))
    refused(NotAllowed, lambda: do_accept_answer(question, answer, actor=PersonFactory()))
    refused(InvalidInput, lambda: do_accept_answer(question, foreign, actor=member))
    refused(InvalidInput, lambda: do_accept_answer(question, reply, actor=member))
    refused(NotAllowed, lambda: do_accept_answer(discussion, None, actor=member))


def test_do_accept_answer_anonymous_asker_may_accept(space, admin, member, other):
    do_update_space(space, actor=admin, anonymous_questions=AnonymousQuestions.MEMBERS)
    question = make_post(space, member, kind="question", anonymous=True)
    answer = make_comment(question, other)

    do_accept_answer(question, answer, actor=member)

    question.refresh_from_db()
    assert question.accepted_answer == answer


# --- Reactions -------------------------------------------------------------------------------


def test_do_react_toggles_and_counts(space, member, other):
    post = make_post(space, member)

    assert do_react(actor=other, kind="helped", post=post) is True
    assert do_react(actor=other, kind="helped", post=post) is True  # twice: still one
    assert do_react(actor=other, kind="like", post=post) is True
    assert do_react(actor=member, kind="like", post=post) is True
    post.refresh_from_db()
    assert (post.reaction_count, post.helped_count) == (3, 1)
    assert Event.objects.filter(kind="reacted").count() == 3

    assert do_react(actor=other, kind="helped", post=post, on=False) is False
    post.refresh_from_db()
    assert (post.reaction_count, post.helped_count) == (2, 0)

    before = snapshot()
    assert do_react(actor=other, kind="helped", post=post, on=False) is False
    assert snapshot() == before


def test_do_react_on_a_comment_leaves_the_post_counters(space, member, other):
    post = make_post(space, member)
    comment = make_comment(post, other)

    do_react(actor=member, kind="insightful", comment=comment)

    post.refresh_from_db()
    assert post.reaction_count == 0
    assert Reaction.objects.get(comment=comment).kind == "insightful"


def test_do_react_refuses(space, member, other, moderator):
    post = make_post(space, member)
    comment = make_comment(post, other)

    refused(InvalidInput, lambda: do_react(actor=other, kind="angry", post=post))
    refused(InvalidInput, lambda: do_react(actor=other, kind="like"))
    refused(InvalidInput, lambda: do_react(actor=other, kind="like", post=post, comment=comment))
    refused(NotAllowed, lambda: do_react(actor=PersonFactory(), kind="like", post=post))
    do_hide_post(post, actor=moderator, reason="Needs a check.")
    refused(Conflict, lambda: do_react(actor=other, kind="like", post=post))


# --- Revealing an anonymous asker ---------------------------------------------------------------


@pytest.fixture
def anonymous_question(space, admin, member):
    do_update_space(space, actor=admin, anonymous_questions=AnonymousQuestions.EVERYONE)
    return make_post(space, member, kind="question", anonymous=True)


def test_do_reveal_asker_by_org_admin_with_reason_is_audited(anonymous_question, member):
    outside_admin = AdminFactory()

    asker = do_reveal_asker(
        anonymous_question, actor=outside_admin, reason="Reported for harassment twice."
    )

    assert asker == member
    entry = AuditEntry.objects.get(action="post.reveal_asker")
    assert entry.actor_id == outside_admin.pk
    assert entry.target_id == anonymous_question.pk
    assert entry.data["reason"] == "Reported for harassment twice."


def test_do_reveal_asker_refuses(anonymous_question, space, member, admin):
    owner = add_member(space, role=Role.OWNER).person
    moderator = add_member(space, role=Role.MODERATOR).person
    for person in (owner, moderator, member, PersonFactory()):
        refused(
            NotAllowed,
            lambda person=person: do_reveal_asker(
                anonymous_question, actor=person, reason="I would like to know who."
            ),
        )
    refused(InvalidInput, lambda: do_reveal_asker(anonymous_question, actor=admin, reason="why"))
    refused(
        InvalidInput, lambda: do_reveal_asker(anonymous_question, actor=admin, reason="   short   ")
    )
    named = make_post(space, member, kind="question")
    refused(InvalidInput, lambda: do_reveal_asker(named, actor=admin, reason="Long enough reason."))


def test_do_edit_comment_refuses_people_who_no_longer_take_part(space, member, other):
    post = make_post(space, member)
    comment = make_comment(post, other, body="first")
    Membership.objects.filter(space=space, person=other).update(state="banned")

    refused(NotAllowed, lambda: do_edit_comment(comment, actor=other, body="changed"))


def test_do_accept_answer_twice_changes_nothing(answered):
    question, answer = answered
    do_accept_answer(question, answer, actor=question.author)

    before = snapshot()
    do_accept_answer(question, answer, actor=question.author)

    assert snapshot() == before
