"""The journey of a discussion thread (issue 3): a member comments and replies without the page
reloading, the count follows, an empty comment is explained in place, and a colleague who read the
thread before finds what is new since their last visit."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from afterclass.journeys.tests.browser import is_same_document, mark_document
from afterclass.journeys.tests.browser import snap as full_snap
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import Comment, Post
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import add_member, make_space

TITLE = "What goes on a good one-page dashboard?"
EARLIER = "Start from the three questions your manager asks every Monday."
COMMENT = "Put the trend first and the detail underneath: people read top-down."
REPLY = "And label the axes in words, not in column names."


@pytest.fixture
def space() -> Space:
    owner = PersonFactory(display_name="Alex Morgan")
    return make_space(owner, name="Reporting after the course")


@pytest.fixture
def author(space):
    return add_member(space, PersonFactory(display_name="Priya Shah")).person


@pytest.fixture
def reader(space):
    return add_member(space, PersonFactory(display_name="Sam Okafor")).person


@pytest.fixture
def discussion(space, reader) -> Post:
    post = make_post(space, space.created_by, title=TITLE, body="Share what works for you.")
    make_comment(post, reader, EARLIER)
    return post


def snap(page: Page, name: str) -> None:
    """A screenshot, then the empty style="" attributes that Chromium's full-page capture leaves
    behind removed: htmx copies an element's style onto its replacement with the same id while
    settling, which the page's CSP (no inline style) reports as an error. No page of ours has a
    style attribute of its own."""
    full_snap(page, name)
    page.evaluate(
        "document.querySelectorAll('[style=\"\"]').forEach((e) => e.removeAttribute('style'))"
    )


def comments(page: Page):
    return page.locator("#comment-list")


def send(page: Page, button) -> None:
    """Click a form's button and wait for htmx's answer to it."""
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/comments/" in response.url
    ) as answered:
        button.click()
    assert answered.value.request.header_value("HX-Request") == "true"
    assert answered.value.status == 200


def test_thread_journey_comment_and_reply_without_a_reload(open_page, discussion, author, reader):
    reader_page = open_page(as_person=reader)
    author_page = open_page(as_person=author)
    url = reverse("post-detail", args=[discussion.pk])

    # The reader was here before: what comes later will be new to them.
    reader_page.goto(url)
    expect(reader_page.get_by_role("heading", name="1 comment", level=2)).to_be_visible()
    expect(reader_page.locator(".new-mark")).to_have_count(0)

    author_comments(author_page, url)
    author_replies(author_page)
    author_sends_an_empty_comment(author_page)
    reader_finds_what_is_new(reader_page, url)


def author_comments(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="1 comment", level=2)).to_be_visible()
    # First visit: nothing is marked new, although the earlier comment is not mine.
    expect(page.locator(".new-mark")).to_have_count(0)
    snap(page, "01-author-opens-the-discussion")

    mark_document(page)
    page.get_by_label("Your comment").fill(COMMENT)
    send(page, page.get_by_role("button", name="Comment", exact=True))

    mine = comments(page).locator("> li").filter(has_text=COMMENT)
    expect(mine).to_be_visible()
    expect(mine.get_by_role("link", name="You", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="2 comments", level=2)).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_value("")
    # Listed after the earlier comment, at the end.
    expect(comments(page).locator("> li").last).to_contain_text(COMMENT)
    assert is_same_document(page), "commenting reloaded the whole page"
    created = Comment.objects.get(body=COMMENT)
    expect(page).to_have_url(re.compile(rf"{url}#comment-{created.pk}$"))
    snap(page, "02-author-commented")


def author_replies(page: Page) -> None:
    mine = comments(page).locator("> li").filter(has_text=COMMENT)
    mine.locator("summary", has_text="Reply").click()
    mine.get_by_label("Your reply").fill(REPLY)
    send(page, mine.get_by_role("button", name="Reply", exact=True))

    replies = mine.locator("ol.replies > li")
    expect(replies).to_have_count(1)
    expect(replies.first).to_contain_text(REPLY)
    expect(mine.get_by_label("Your reply")).to_have_value("")
    expect(page.get_by_role("heading", name="3 comments", level=2)).to_be_visible()
    assert is_same_document(page), "replying reloaded the whole page"
    reply = Comment.objects.get(body=REPLY)
    assert reply.parent == Comment.objects.get(body=COMMENT)
    snap(page, "03-author-replied")


def author_sends_an_empty_comment(page: Page) -> None:
    # Only spaces: the browser lets it through, the server says what is wrong, in the form.
    page.get_by_label("Your comment").fill("   ")
    send(page, page.get_by_role("button", name="Comment", exact=True))

    form = page.locator("#comment-form")
    expect(form).to_contain_text("Write something first.")
    expect(page.get_by_role("heading", name="3 comments", level=2)).to_be_visible()
    assert is_same_document(page), "the refused comment reloaded the whole page"
    assert Comment.objects.count() == 3
    snap(page, "04-author-empty-comment-refused")

    # The form still works after the error was shown in it.
    page.get_by_label("Your comment").fill("One more thought.")
    send(page, page.get_by_role("button", name="Comment", exact=True))
    expect(form).not_to_contain_text("Write something first.")
    expect(page.get_by_role("heading", name="4 comments", level=2)).to_be_visible()
    assert is_same_document(page)


def reader_finds_what_is_new(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="4 comments", level=2)).to_be_visible()
    new_comment = comments(page).locator("> li").filter(has_text=COMMENT)
    expect(new_comment.locator(".byline .new-mark").first).to_have_text("New")
    expect(new_comment.locator("ol.replies > li .new-mark")).to_have_text("New")
    # The reader's own earlier comment is not new to them.
    earlier = comments(page).locator("> li").filter(has_text=EARLIER)
    expect(earlier.locator(".new-mark")).to_have_count(0)
    expect(page.locator(".byline .new-mark")).to_have_count(3)
    snap(page, "05-reader-sees-what-is-new")

    page.get_by_role("link", name="Jump to the first new comment").click()
    first = Comment.objects.get(body=COMMENT)
    expect(page).to_have_url(re.compile(rf"#comment-{first.pk}$"))

    # Having read it, nothing is new any more.
    page.goto(url)
    expect(page.get_by_role("heading", name="4 comments", level=2)).to_be_visible()
    expect(page.locator(".new-mark")).to_have_count(0)
