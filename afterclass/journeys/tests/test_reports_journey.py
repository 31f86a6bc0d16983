"""The journey of a report (issue 3): a member reports a comment from the post's page, a moderator
finds it in the space's report queue and hides the comment with a note, the comment's author sees
it hidden with that reason, and the moderator restores it from the thread without a reload."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from afterclass.journeys.tests.browser import is_same_document, mark_document
from afterclass.journeys.tests.test_thread_journey import snap
from afterclass.moderation.models import Report, ReportState
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import Comment, ContentState, Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Role, Space
from afterclass.spaces.tests.factories import add_member, make_space

TITLE = "Which chart for a budget split?"
OFFENDING = "Only amateurs use pie charts. Sign up for my paid course at my site to learn more."
REASON_TEXT = "Advertising a paid course in every thread."
NOTE = "Please don't advertise paid courses here"


@pytest.fixture
def space() -> Space:
    owner = PersonFactory(display_name="Alex Morgan")
    return make_space(owner, name="Charts club")


@pytest.fixture
def moderator(space):
    person = PersonFactory(display_name="Mo Reyes")
    return add_member(space, person, role=Role.MODERATOR).person


@pytest.fixture
def reporter(space):
    return add_member(space, PersonFactory(display_name="Priya Shah")).person


@pytest.fixture
def offender(space):
    return add_member(space, PersonFactory(display_name="Chris Vale")).person


@pytest.fixture
def post(space, reporter) -> Post:
    return make_post(space, reporter, title=TITLE, body="Five departments, one budget.")


@pytest.fixture
def comment(post, offender) -> Comment:
    return make_comment(post, offender, OFFENDING)


def test_reports_journey_reported_comment_is_hidden_with_a_reason(
    open_page, space, post, comment, reporter, moderator, offender
):
    member_reports_the_comment(open_page(as_person=reporter), post, comment)
    moderator_hides_it_from_the_queue(open_page(as_person=moderator), space, comment)
    author_sees_it_hidden_with_the_reason(open_page(as_person=offender), post, comment)
    moderator_restores_it_in_the_thread(open_page(as_person=moderator), post, comment)


def member_reports_the_comment(page: Page, post: Post, comment: Comment) -> None:
    page.goto(reverse("post-detail", args=[post.pk]))
    item = page.locator(f"#comment-{comment.pk}")
    expect(item).to_contain_text(OFFENDING)
    item.locator("summary", has_text="Report").click()
    item.get_by_label("What is wrong with it?").select_option(label="Spam")
    item.get_by_label("Tell the moderators more").fill(REASON_TEXT)
    snap(page, "01-member-reports-the-comment")
    item.get_by_role("button", name="Send the report").click()

    expect(page.locator(".messages")).to_contain_text("The space's moderators will look at it")
    expect(page).to_have_url(re.compile(rf"#comment-{comment.pk}$"))
    report = Report.objects.get()
    assert (report.comment_id, report.reason, report.state) == (
        comment.pk,
        "spam",
        ReportState.OPEN,
    )
    snap(page, "02-member-reported")


def moderator_hides_it_from_the_queue(page: Page, space: Space, comment: Comment) -> None:
    page.goto(f"/spaces/{space.slug}/reports/")
    expect(page.get_by_role("heading", name="Open reports")).to_be_visible()
    row = page.locator("li.report").filter(has_text=OFFENDING[:40])
    expect(row).to_contain_text("1 open report")
    expect(row).to_contain_text(REASON_TEXT)
    expect(row).to_contain_text("reported by Priya Shah")
    snap(page, "03-moderator-report-queue")

    mark_document(page)
    row.get_by_label(re.compile("Note")).fill(NOTE)
    row.get_by_role("button", name="Hide the comment").click()
    handled = page.locator(f"#report-{Report.objects.get().pk}")
    expect(handled).to_contain_text("Handled")
    expect(handled).to_contain_text("The comment is hidden; its author sees your note.")
    assert is_same_document(page), "hiding from the queue reloaded the page"
    comment.refresh_from_db()
    assert (comment.state, comment.hidden_reason) == (ContentState.HIDDEN, NOTE)
    snap(page, "04-moderator-hid-the-comment")


def author_sees_it_hidden_with_the_reason(page: Page, post: Post, comment: Comment) -> None:
    page.goto(reverse("post-detail", args=[post.pk]))
    item = page.locator(f"#comment-{comment.pk}")
    expect(item.get_by_role("note")).to_have_text(f"Hidden by a moderator: {NOTE}.")
    expect(item).to_contain_text(OFFENDING)  # their own words stay visible to them
    expect(item.get_by_role("link", name=re.compile("Edit"))).to_have_count(0)
    snap(page, "05-author-sees-the-reason")


def moderator_restores_it_in_the_thread(page: Page, post: Post, comment: Comment) -> None:
    page.goto(reverse("post-detail", args=[post.pk]))
    item = page.locator(f"#comment-{comment.pk}")
    expect(item.get_by_role("note")).to_contain_text(NOTE)
    mark_document(page)
    with page.expect_response(lambda response: "/restore/" in response.url) as restored:
        item.get_by_role("button", name="Restore this comment").click()
    assert restored.value.request.header_value("HX-Request") == "true"
    expect(item.get_by_role("note")).to_have_count(0)
    expect(item.locator("summary", has_text="Hide")).to_be_visible()
    assert is_same_document(page), "restoring reloaded the whole page"
    comment.refresh_from_db()
    assert comment.state == ContentState.VISIBLE

    # And hiding it again, from the thread this time, with a reason: swapped in place too.
    item.locator("summary", has_text="Hide").click()
    item.get_by_label("Reason (its author is shown this)").fill("Second warning")
    with page.expect_response(lambda response: "/hide/" in response.url):
        item.get_by_role("button", name="Hide the comment").click()
    expect(item.get_by_role("note")).to_have_text("Hidden by a moderator: Second warning.")
    assert is_same_document(page), "hiding reloaded the whole page"
    comment.refresh_from_db()
    assert (comment.state, comment.hidden_reason) == (ContentState.HIDDEN, "Second warning")
    snap(page, "06-moderator-restored-and-hid-again")
