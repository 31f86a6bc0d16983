"""Live updates in the browser (issue 5): one person's comment appears on another person's open
post page, and a new post is announced on another's open space feed, without a reload.

The journeys' live server is uvicorn serving afterclass.asgi, pages and the /ws/live/ socket
(afterclass/journeys/tests/asgi_server.py).
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from afterclass.journeys.tests.browser import is_same_document, mark_document, snap
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.models import Comment, Post
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import Space
from afterclass.spaces.tests.factories import add_member, make_space

QUESTION = "Which chart shows a trend over twelve months best?"
ANSWER = "A line chart: one line per year, months along the bottom."
NEW_POST = "Slides from Tuesday's pivot table session"


@pytest.fixture
def space() -> Space:
    owner = PersonFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    return make_space(owner, name="Excel after the course", slug="excel")


@pytest.fixture
def asker(space):
    return add_member(space, PersonFactory(display_name="Dana Whitfield")).person


@pytest.fixture
def helper(space):
    return add_member(space, PersonFactory(display_name="Priya Shah")).person


def wait_until_live(page: Page) -> None:
    """The page's socket is open and has asked to follow its topics."""
    expect(page.locator("body[data-live-state='open']")).to_have_count(1)


def test_live_journey_a_comment_appears_on_an_open_post_page(open_page, space, asker, helper):
    question = make_post(space, asker, kind="question", title=QUESTION, body="For a report.")
    url = reverse("post-detail", args=[question.pk])

    asker_page = open_page(as_person=asker)
    asker_page.goto(url)
    comments = asker_page.locator("#comments")
    assert comments.get_attribute("data-live-topic") == f"post:{question.pk}", (
        "posts/post.html must mark its comments section with "
        'data-live-topic="post:{{ post.pk }}" for live updates'
    )
    expect(asker_page.get_by_text("No answers yet.")).to_be_visible()
    wait_until_live(asker_page)
    mark_document(asker_page)
    snap(asker_page, "01-asker-waits-on-the-question")

    helper_page = open_page(as_person=helper)
    helper_page.goto(url)
    helper_page.get_by_label("Your answer").fill(ANSWER)
    helper_page.get_by_role("button", name="Post your answer").click()
    expect(helper_page).to_have_url(re.compile(r"#comment-\d+$"))
    answer = Comment.objects.get(post=question, body=ANSWER)
    expect(helper_page.locator(f"#comment-{answer.pk}")).to_have_count(1)
    snap(helper_page, "02-helper-answered")

    # The answer arrives on the asker's open page, once, with the new count, and no reload.
    arrived = asker_page.locator(f"#comment-{answer.pk}")
    expect(arrived).to_contain_text(ANSWER)
    expect(arrived).to_contain_text("Priya Shah")
    expect(asker_page.get_by_role("heading", name="1 answer", exact=True)).to_be_visible()
    expect(asker_page.get_by_text("No answers yet.")).to_have_count(0)
    assert is_same_document(asker_page)
    # What arrived works like the rest of the page (htmx processed it): the reply form opens.
    arrived.locator("details.reply-form > summary").click()
    expect(arrived.get_by_label("Your reply")).to_be_visible()
    snap(asker_page, "03-asker-sees-the-answer-without-reloading")

    # The helper's own page shows the answer once, though it heard of it live as well.
    expect(helper_page.locator(f"#comment-{answer.pk}")).to_have_count(1)


def test_live_journey_a_new_post_is_announced_on_an_open_feed(open_page, space, asker, helper):
    make_post(space, asker, title="Welcome to the space")
    feed_page = open_page(as_person=asker)
    feed_page.goto(reverse("space-home", args=[space.slug]))
    feed = feed_page.get_by_role("region", name="Posts")
    expect(feed).to_contain_text("Welcome to the space")
    wait_until_live(feed_page)
    mark_document(feed_page)

    helper_page = open_page(as_person=helper)
    helper_page.goto(reverse("post-create", args=[space.slug]) + "?kind=discussion")
    helper_page.get_by_label("Title").fill(NEW_POST)
    helper_page.get_by_label("Text").fill("Ask me anything about them.")
    helper_page.get_by_role("button", name="Post", exact=True).click()
    expect(helper_page).to_have_url(re.compile(r"/posts/\d+/$"))
    post = Post.objects.get(title=NEW_POST)

    # Not pushed under the reader's eyes: a button says there is news, and shows it on demand.
    news = feed.get_by_role("button", name=re.compile(r"1 new post"))
    expect(news).to_be_visible()
    expect(feed.locator(f"#post-{post.pk}")).to_have_count(0)
    snap(feed_page, "04-feed-announces-a-new-post")
    news.click()
    first = feed.locator("#post-list > li").first
    expect(first).to_have_id(f"post-{post.pk}")
    expect(first).to_contain_text(NEW_POST)
    expect(first).to_contain_text("Priya Shah")
    expect(news).to_be_hidden()
    assert is_same_document(feed_page)
    snap(feed_page, "05-feed-shows-the-new-post")
