"""The journey of an anonymous question (issue 3): a member asks anonymously, a colleague answers
without learning who asked, a third member votes the answer up and finds the question helpful
(htmx, no reload), the asker accepts the answer and the question shows as answered. Then an
organisation admin reveals who asked, for a complaint (issue 12, item 9): a <dialog> asks for
the reason, the name is shown to that admin in place, and nobody else's page changes."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from afterclass.audit.models import AuditEntry
from afterclass.journeys.tests.browser import (
    PHONE,
    check_page,
    is_same_document,
    mark_document,
    snap,
)
from afterclass.people.tests.factories import AdminFactory, DepartmentFactory, PersonFactory
from afterclass.posts.actions import do_comment, do_vote
from afterclass.posts.models import Comment, Post, PostKind, Reaction, ReactionKind, Vote
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions, Space
from afterclass.spaces.tests.factories import add_member, make_space

SPACE_NAME = "Excel after the course"
QUESTION = "How do I stop VLOOKUP breaking when columns move?"
DETAILS = "Every month someone inserts a column in the source sheet and my report shows #REF!."
ANSWER = "Use XLOOKUP, or INDEX with MATCH: both look the column up by its header."
OTHER_ANSWER = "Turn the source range into a table and refer to its columns by name."
ASKER_NAME = "Dana Whitfield"


@pytest.fixture
def space() -> Space:
    owner = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    space = make_space(owner, name=SPACE_NAME, purpose="Keep practising what the course taught.")
    do_update_space(space, actor=owner, anonymous_questions=AnonymousQuestions.EVERYONE)
    space.refresh_from_db()
    assert space.anonymous_questions == AnonymousQuestions.EVERYONE
    return space


def member(space: Space, name: str, email: str, department: str):
    """A member of the space who has accepted its ground rules."""
    person = PersonFactory(
        display_name=name, email=email, department=DepartmentFactory(name=department)
    )
    membership = add_member(space, person, accepted_rules=True)
    assert membership.rules_version_accepted == space.rules_version
    return person


@pytest.fixture
def asker(space):
    return member(space, ASKER_NAME, "dana.whitfield@example.org", "Payroll")


@pytest.fixture
def colleague(space):
    return member(space, "Priya Shah", "priya.shah@example.org", "Finance")


@pytest.fixture
def voter(space):
    return member(space, "Sam Okafor", "sam.okafor@example.org", "Sales operations")


@pytest.fixture
def other_helper(space):
    return member(space, "Jordan Lee", "jordan.lee@example.org", "Planning")


def test_question_journey_anonymous_question_to_accepted_answer(
    open_page, space, asker, colleague, voter, other_helper
):
    asker_page = open_page(as_person=asker)
    colleague_page = open_page(as_person=colleague)
    voter_page = open_page(as_person=voter)

    question = asker_asks_anonymously(asker_page, space, asker)
    answer = colleague_answers_without_knowing_who_asked(
        colleague_page, space, question, asker, colleague
    )
    other = another_answer_gathers_two_votes(question, other_helper, space.created_by, colleague)
    voter_votes_and_finds_it_helpful(voter_page, question, answer)
    asker_accepts_the_answer(asker_page, question, answer, other)
    everyone_sees_the_question_answered(colleague_page, space, question, asker)
    an_admin_reveals_who_asked(open_page, space, question, asker, colleague_page)


def asker_asks_anonymously(page: Page, space: Space, asker) -> Post:
    page.goto(reverse("space-home", args=[space.slug]))
    feed = page.get_by_role("region", name="Posts")
    expect(feed).to_contain_text("Nothing has been posted yet.")
    snap(page, "01-asker-space-home")

    feed.get_by_role("link", name="Write a post", exact=True).click()
    expect(page.get_by_role("heading", name="Write a post")).to_be_visible()
    page.get_by_role("navigation", name="Kind of post").get_by_role(
        "link", name="Question", exact=True
    ).click()
    expect(page.get_by_label("Your question")).to_be_visible()
    page.get_by_label("Your question").fill(QUESTION)
    page.get_by_label("Details").fill(DETAILS)
    anonymous = page.get_by_label("Ask anonymously")
    # In this space nobody sees who asked, moderators included: the form says so before posting.
    expect(anonymous).to_have_accessible_description(
        re.compile(r"Nobody in the space will see your name, moderators included")
    )
    anonymous.check()
    snap(page, "02-asker-question-form")
    page.get_by_role("button", name="Post", exact=True).click()

    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    expect(page.locator(".messages")).to_contain_text("Your post is up.")
    question = page.get_by_role("article")
    expect(question.get_by_role("heading", name=QUESTION, level=1)).to_be_visible()
    expect(question).to_contain_text("Waiting for an answer")
    # The asker sees themselves as "You", and is reminded what the others see.
    expect(question).to_contain_text("You asked anonymously: others in the space see “a colleague”")
    post = Post.objects.get(title=QUESTION)
    assert page.url.endswith(reverse("post-detail", args=[post.pk]))
    assert post.kind == PostKind.QUESTION
    assert post.is_anonymous
    assert post.author == asker  # kept for abuse handling, never shown
    assert post.body.replace("\r\n", "\n") == DETAILS
    snap(page, "03-asker-question-posted")
    return post


def traces_of(asker) -> list[str]:
    """What would give the asker away in a page's HTML."""
    last_name = asker.display_name.split()[-1]
    return [
        asker.display_name,
        last_name,
        asker.email,
        reverse("person-profile", args=[asker.pk]),
    ]


def assert_anonymous(html: str, asker, where: str) -> None:
    for trace in traces_of(asker):
        assert trace not in html, f"{where} gives the anonymous asker away: it contains {trace!r}"


def feed_item(feed: Locator) -> Locator:
    return feed.get_by_role("listitem").filter(
        has=feed.page.get_by_role("link", name=QUESTION, exact=True)
    )


def colleague_answers_without_knowing_who_asked(
    page: Page, space: Space, question: Post, asker, colleague
) -> Comment:
    # The "What's new" feed across my spaces: the whole page names nobody for the question.
    page.goto(reverse("home-feed"))
    item = feed_item(page.get_by_role("main"))
    expect(item).to_contain_text("A colleague")
    assert_anonymous(page.content(), asker, "The home feed")
    snap(page, "04-colleague-home-feed")

    # The space's feed. The space's home also previews its members, by name, beside the feed:
    # being a member is not secret, who asked is — so the feed itself must name nobody.
    page.goto(reverse("space-home", args=[space.slug]))
    feed = page.get_by_role("region", name="Posts")
    item = feed_item(feed)
    expect(item).to_contain_text("A colleague")
    expect(item).to_contain_text("Waiting for an answer")
    expect(item).to_contain_text("0 answers")
    assert_anonymous(feed.inner_html(), asker, "The space's feed")
    snap(page, "05-colleague-space-feed")

    item.get_by_role("link", name=QUESTION, exact=True).click()
    expect(page).to_have_url(re.compile(rf"{reverse('post-detail', args=[question.pk])}$"))
    article = page.get_by_role("article")
    expect(article.get_by_role("heading", name=QUESTION, level=1)).to_be_visible()
    expect(article).to_contain_text(DETAILS)
    expect(article).to_contain_text("A colleague")
    expect(article).not_to_contain_text("asked anonymously")
    expect(page.get_by_text("No answers yet.")).to_be_visible()
    assert_anonymous(page.content(), asker, "The question's page")
    snap(page, "06-colleague-question-page")

    page.get_by_label("Your answer").fill(ANSWER)
    # The answer is posted without leaving the page (htmx): wait for the server's answer.
    # Only the form's own POST: a live catch-up also reads /live/posts/<id>/comments/.
    posted = reverse("post-comment", args=[question.pk])
    with page.expect_response(
        lambda response: response.request.method == "POST" and response.url.endswith(posted)
    ):
        page.get_by_role("button", name="Post your answer").click()

    answer = Comment.objects.get(post=question, body=ANSWER)
    expect(page).to_have_url(re.compile(rf"#comment-{answer.pk}$"))
    answers = page.get_by_role("region", name="1 answer")
    mine = answers.get_by_role("listitem").filter(has_text=ANSWER)
    expect(mine.get_by_role("link", name="You", exact=True)).to_be_visible()
    expect(mine).to_contain_text("0 votes")
    # Nobody votes on their own answer.
    expect(mine.get_by_role("button", name=re.compile("Vote up"))).to_have_count(0)
    assert_anonymous(page.content(), asker, "The question's page after answering")
    assert answer.author == colleague
    snap(page, "07-colleague-answered")
    return answer


def another_answer_gathers_two_votes(question: Post, other_helper, owner, colleague) -> Comment:
    """Meanwhile another member answers and two people vote for it: without an accepted answer
    it is listed first, so the acceptance must be what puts the other answer on top."""
    question.refresh_from_db()
    other = do_comment(question, actor=other_helper, body=OTHER_ANSWER)
    do_vote(other, actor=owner)
    do_vote(other, actor=colleague)
    other.refresh_from_db()
    assert other.vote_count == 2
    return other


def answer_item(page: Page, text: str) -> Locator:
    return (
        page.get_by_role("region", name=re.compile(r"^\d+ answers?$"))
        .get_by_role("listitem")
        .filter(has_text=text)
    )


def voter_votes_and_finds_it_helpful(page: Page, question: Post, answer: Comment) -> None:
    page.goto(reverse("post-detail", args=[question.pk]))
    answers = page.get_by_role("region", name="2 answers").get_by_role("listitem")
    # By votes: the other answer (2 votes) comes before Priya's (none yet).
    expect(answers.first).to_contain_text(OTHER_ANSWER)
    expect(answers.nth(1)).to_contain_text(ANSWER)
    item = answer_item(page, ANSWER)
    expect(item).to_contain_text("Priya Shah")
    expect(item).to_contain_text("0 votes")
    snap(page, "08-voter-question-page")

    mark_document(page)
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/vote/" in response.url
    ) as voted:
        item.get_by_role("button", name="Vote up this answer").click()
    assert voted.value.request.header_value("HX-Request") == "true"
    expect(item).to_contain_text("1 vote")
    expect(item).not_to_contain_text("0 votes")
    expect(item.get_by_role("button", name=re.compile("Voted"))).to_have_attribute(
        "aria-pressed", "true"
    )
    assert is_same_document(page), "voting reloaded the whole page instead of the vote count"
    answer.refresh_from_db()
    assert answer.vote_count == 1
    assert Vote.objects.filter(comment=answer, person__display_name="Sam Okafor").exists()
    snap(page, "09-voter-voted-up")

    # "This helped me" on the question: a toggle, on and off and on again, without a reload.
    article = page.get_by_role("article")
    helped = article.get_by_role("button", name="This helped me")
    expect(helped).to_have_attribute("aria-pressed", "false")
    expect(article).to_contain_text("0 reactions")
    mark_document(page)
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/react/" in response.url
    ) as reacted:
        helped.click()
    assert reacted.value.request.header_value("HX-Request") == "true"
    expect(helped).to_have_attribute("aria-pressed", "true")
    expect(article).to_contain_text("1 reaction · 1 found this helpful")
    assert is_same_document(page), "reacting reloaded the whole page"
    snap(page, "10-voter-helped-on")

    helped.click()
    expect(helped).to_have_attribute("aria-pressed", "false")
    expect(article).to_contain_text("0 reactions")
    expect(article).not_to_contain_text("found this helpful")
    assert not Reaction.objects.filter(post=question).exists()
    helped.click()
    expect(helped).to_have_attribute("aria-pressed", "true")
    expect(article).to_contain_text("1 reaction · 1 found this helpful")
    assert is_same_document(page), "taking the reaction back reloaded the whole page"
    question.refresh_from_db()
    assert (question.reaction_count, question.helped_count) == (1, 1)
    assert Reaction.objects.get(post=question).kind == ReactionKind.HELPED
    snap(page, "11-voter-helped-toggled")


def asker_accepts_the_answer(page: Page, question: Post, answer: Comment, other: Comment) -> None:
    page.goto(reverse("post-detail", args=[question.pk]))
    item = answer_item(page, ANSWER)
    expect(item).to_contain_text("1 vote")
    snap(page, "12-asker-sees-answers")

    item.get_by_role("button", name="Accept this answer").click()

    expect(page.locator(".messages")).to_contain_text("The answer is marked as accepted.")
    expect(page.get_by_role("article")).to_contain_text("Answer accepted")
    answers = page.get_by_role("region", name="2 answers").get_by_role("listitem")
    # The accepted answer comes first although the other one has more votes.
    expect(answers.first).to_contain_text(ANSWER)
    expect(answers.first).to_contain_text("Accepted answer")
    expect(answers.nth(1)).to_contain_text(OTHER_ANSWER)
    expect(answers.nth(1)).not_to_contain_text("Accepted answer")
    expect(answers.first.get_by_role("button", name="Take back the acceptance")).to_be_visible()
    question.refresh_from_db()
    assert question.accepted_answer_id == answer.pk
    assert other.vote_count > answer.vote_count == 1
    snap(page, "13-asker-accepted")


def everyone_sees_the_question_answered(page: Page, space: Space, question: Post, asker) -> None:
    page.goto(reverse("space-home", args=[space.slug]))
    feed = page.get_by_role("region", name="Posts")
    item = feed_item(feed)
    expect(item).to_contain_text("Answer accepted")
    expect(item).not_to_contain_text("Waiting for an answer")
    expect(item).to_contain_text("2 answers")
    # The voter's "This helped me" on the question, counted per kind on the card.
    expect(item.get_by_role("button", name="This helped me")).to_contain_text("1")
    expect(item).to_contain_text("A colleague")
    assert_anonymous(feed.inner_html(), asker, "The space's feed after the acceptance")
    snap(page, "14-colleague-feed-answered")

    # Answered questions leave the list of questions waiting for an answer.
    page.goto(reverse("waiting-questions"))
    expect(page.get_by_role("link", name=QUESTION, exact=True)).to_have_count(0)

    page.goto(reverse("post-detail", args=[question.pk]))
    expect(page.get_by_role("article")).to_contain_text("Answer accepted")
    answers = page.get_by_role("region", name="2 answers").get_by_role("listitem")
    expect(answers.first).to_contain_text("Accepted answer")
    expect(answers.first).to_contain_text(ANSWER)
    expect(answers.nth(1)).to_contain_text(OTHER_ANSWER)
    # Only the asker (or a moderator) chooses the accepted answer.
    expect(page.get_by_role("button", name="Take back the acceptance")).to_have_count(0)
    expect(page.get_by_role("button", name="Accept this answer")).to_have_count(0)
    assert_anonymous(page.content(), asker, "The answered question's page")
    snap(page, "15-colleague-question-answered")


REVEAL_REASON = "A harassment complaint names this question."


def an_admin_reveals_who_asked(open_page, space: Space, question: Post, asker, colleague_page):
    """The space's owner is an organisation admin: a dialog asks why (Escape gives focus back
    to the button), the name appears in place with the focus on it, and nobody else sees it."""
    admin = space.created_by
    page = open_page(as_person=admin)
    page.goto(reverse("post-detail", args=[question.pk]))
    assert_anonymous(page.content(), asker, "The admin's page before the reveal")
    opener = page.get_by_role("button", name="Reveal who asked")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Reveal who asked this question?")
    expect(dialog).to_be_visible()
    reason = dialog.get_by_label("Why do you need to know who asked?")
    expect(reason).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    assert not AuditEntry.objects.filter(action="post.reveal_asker").exists()

    mark_document(page)
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    check_page(page, "the reveal-asker dialog open")
    snap(page, "16-admin-reveal-dialog")
    page.keyboard.type(REVEAL_REASON)
    dialog.get_by_role("button", name="Reveal who asked").click()
    expect(dialog).to_be_hidden()
    revealed = page.locator("#revealed-asker")
    expect(revealed).to_contain_text(f"Asked by {asker.display_name}")
    expect(revealed).to_be_focused()
    expect(page.locator("#announcer")).to_have_text(f"Asked by {asker.display_name}.")
    assert is_same_document(page), "the reveal reloaded the page instead of updating it"
    entry = AuditEntry.objects.get(action="post.reveal_asker")
    assert (entry.actor_id, entry.data["reason"]) == (admin.pk, REVEAL_REASON)
    snap(page, "17-admin-asker-revealed")

    # The colleague's page is as it was: only the admin saw the name.
    colleague_page.goto(reverse("post-detail", args=[question.pk]))
    assert_anonymous(colleague_page.content(), asker, "The colleague's page after the reveal")

    # On a phone the dialog fits the screen.
    phone = open_page(as_person=admin, viewport=PHONE)
    phone.goto(reverse("post-detail", args=[question.pk]))
    phone.get_by_role("button", name="Reveal who asked").click()
    expect(phone.get_by_role("dialog")).to_be_visible()
    check_page(phone, "the reveal-asker dialog open on a phone")
    snap(phone, "18-admin-reveal-dialog-phone")
