"""The composer on the feed: opened in place, a space picked, a question (with similar ones
suggested), a tip (its counter) and a post written, each card at the top without a reload; a
draft survives a reload; a double click posts once; all of it with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from afterclass.journeys.tests.browser import (
    PHONE,
    check_page,
    is_same_document,
    mark_document,
    snap,
)
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.models import Post
from afterclass.posts.tests.factories import make_post
from afterclass.search.index import rebuild
from afterclass.spaces.models import Template
from afterclass.spaces.tests.factories import add_member, make_space

TIP = "Ctrl+Shift+L filters a whole table in one go."


@pytest.fixture
def world(db):
    owner = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    data = make_space(owner, name="Data skills", slug="data-skills")
    tips = make_space(owner, name="Quick tips", slug="quick-tips", template=Template.TIPS)
    member = add_member(data, PersonFactory(display_name="Priya Shah")).person
    add_member(tips, member)
    make_post(data, owner, kind="question", title="How do I export a pivot table?")
    rebuild()
    return member


def top_card(page):
    return page.locator("ol.post-list > li.post-item").first


def composer_ready(page):
    """Wait until htmx has taken in the composer that a post's answer put in place (composer.js
    marks its form when htmx:load runs): a choice made before that sends nothing, which only a
    test is quick enough to do."""
    expect(page.locator("#composer-form[data-composer-ready]")).to_have_count(1)


def test_compose_from_the_feed_in_each_kind(open_page, world):
    page = open_page(as_person=world)
    page.goto("/feed/")
    mark_document(page)
    snap(page, "feed-composer-closed")

    page.get_by_role("link", name="Ask a question").click()
    space = page.get_by_label("Post in")
    expect(space).to_be_focused()
    page.get_by_label("Your question").evaluate("el => el.setAttribute('data-before-space', '')")
    space.select_option(label="Data skills")
    # Choosing the space redraws the composer in place (htmx): type into the new one, as a
    # person does, not into the old one while it is being replaced.
    expect(page.locator("[data-before-space]")).to_have_count(0)
    title = page.get_by_label("Your question")
    title.press_sequentially("Export pivot")
    similar = page.get_by_role("region", name="Similar questions")
    expect(similar.get_by_role("link", name="How do I export a pivot table?")).to_be_visible()
    check_page(page, "composer open, similar questions shown")
    snap(page, "feed-composer-question")
    title.fill("How do I export a pivot chart as a picture?")
    page.get_by_role("button", name="Post").click()
    expect(top_card(page)).to_contain_text("How do I export a pivot chart as a picture?")
    expect(top_card(page)).to_be_focused()
    assert is_same_document(page)
    expect(page.get_by_label("Your question")).to_have_value("")
    composer_ready(page)

    # A tip: another space, its kinds, and the counter.
    page.get_by_label("Post in").select_option(label="Quick tips")
    expect(page.get_by_role("link", name="Update")).to_have_attribute("aria-current", "page")
    text = page.get_by_label("Update")
    text.press_sequentially("Ctrl+Shift+L")
    expect(page.locator("[data-composer-count]")).to_have_text("268 characters left")
    expect(page.locator("[data-composer-count-said]")).to_have_text("268 characters left")
    text.fill(TIP)
    text.press("End")
    check_page(page, "composer open, a tip with its counter")
    page.get_by_role("button", name="Post").click()
    expect(top_card(page)).to_contain_text(TIP)
    expect(top_card(page)).to_contain_text("Quick tips")
    composer_ready(page)

    # A post: back to the first space, the kind switched in place; a double click posts once.
    # (Data skills opens on Discussion: the click redraws the composer, and Playwright may type
    # before the redraw lands: what was typed is kept, as for a person.)
    page.get_by_label("Post in").select_option(label="Data skills")
    page.get_by_role("link", name="Discussion").click()
    expect(page.get_by_role("link", name="Discussion")).to_have_attribute("aria-current", "page")
    page.get_by_label("Title").fill("Our first data clinic")
    page.get_by_label("Text").fill("Bring a spreadsheet that annoys you.")
    page.get_by_role("button", name="Post").dblclick()
    expect(top_card(page)).to_contain_text("Our first data clinic")
    assert is_same_document(page)
    assert [post.kind for post in Post.objects.filter(author=world).order_by("pk")] == [
        "question",
        "update",
        "discussion",
    ]
    snap(page, "feed-after-three-posts")


def test_words_typed_while_the_composer_is_redrawn_are_kept(open_page, world):
    """Switching the kind redraws the composer from the server with the title as it was when the
    request left: what the person typed until the answer came stays, and so does their place."""
    page = open_page(as_person=world)
    page.goto("/feed/")
    page.get_by_role("link", name="Post…").click()
    page.get_by_label("Post in").evaluate("el => el.setAttribute('data-before-space', '')")
    page.get_by_label("Post in").select_option(label="Data skills")
    # The composer is redrawn for the space chosen: the kind is picked in the new one (a
    # response to a link of the old one, gone meanwhile, would find no composer to replace).
    expect(page.locator("[data-before-space]")).to_have_count(0)
    composer_ready(page)
    expect(page.get_by_role("link", name="Discussion")).to_have_attribute("aria-current", "page")
    held = []
    page.route("**/compose/?*kind=question*", lambda route: held.append(route))
    question = page.get_by_role("link", name="Question", exact=True)
    question.click()
    for _ in range(50):  # waiting lets Playwright hand the held request to the route
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    page.get_by_label("Title").press_sequentially("Who runs the data clinic")
    held[0].continue_()
    expect(question).to_have_attribute("aria-current", "page")
    title = page.get_by_label("Your question")
    expect(title).to_have_value("Who runs the data clinic")
    expect(title).to_be_focused()
    page.keyboard.type("?")
    expect(title).to_have_value("Who runs the data clinic?")
    page.get_by_role("button", name="Post").click()
    expect(top_card(page)).to_contain_text("Who runs the data clinic?")


def test_closing_the_composer_keeps_the_page_and_the_draft(open_page, world):
    page = open_page(as_person=world)
    page.goto("/feed/")
    mark_document(page)
    page.get_by_role("link", name="Post…").click()
    page.get_by_label("Title").fill("Thoughts for later")
    page.wait_for_timeout(500)  # the draft is saved 300 ms after the last key
    page.get_by_role("link", name="Close").click()
    expect(page.get_by_role("link", name="Ask a question")).to_be_focused()
    expect(page.get_by_label("Title")).to_have_count(0)
    assert is_same_document(page)
    page.get_by_role("link", name="Continue your draft").click()
    expect(page.get_by_label("Title")).to_have_value("Thoughts for later")


def test_a_draft_survives_a_reload(open_page, world):
    page = open_page(as_person=world)
    page.goto("/feed/")
    page.get_by_role("link", name="Post…").click()
    page.get_by_label("Title").fill("Half-written thoughts")
    page.get_by_label("Text").press_sequentially("Still thinking about")
    page.wait_for_timeout(500)  # the draft is saved 300 ms after the last key
    page.reload()
    page.get_by_role("link", name="Continue your draft").click()
    expect(page.get_by_label("Title")).to_have_value("Half-written thoughts")
    expect(page.get_by_label("Text")).to_have_value("Still thinking about")
    expect(page.get_by_role("status").filter(has_text="Your draft is back.")).to_be_visible()
    page.get_by_role("button", name="Post").click()
    expect(top_card(page)).to_contain_text("Half-written thoughts")
    drafts = page.evaluate(
        "Object.keys(localStorage).filter((key) => key.startsWith('afterclass-draft:'))"
    )
    assert drafts == []
    page.reload()
    expect(page.get_by_role("link", name="Continue your draft")).to_be_hidden()


def test_the_composer_with_the_keyboard_alone(open_page, world):
    page = open_page(as_person=world)
    page.goto("/feed/")
    ask = page.get_by_role("link", name="Ask a question")
    ask.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Post in")).to_be_focused()
    # The space (already the one that takes questions), then the kinds, then the question.
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "title":
            break
    expect(page.get_by_label("Your question")).to_be_focused()
    page.keyboard.type("Which chart shows a trend best?")
    page.keyboard.press("Tab")
    page.keyboard.type("Monthly sales over three years.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Post")).to_be_focused()
    page.keyboard.press("Enter")
    card = top_card(page)
    expect(card).to_contain_text("Which chart shows a trend best?")
    expect(card).to_be_focused()
    assert Post.objects.filter(author=world).count() == 1


def test_the_composer_on_a_phone(open_page, world):
    page = open_page(as_person=world, viewport=PHONE)
    page.goto("/feed/")
    page.get_by_role("link", name="Share a tip").click()
    expect(page.get_by_label("Post in")).to_have_value("quick-tips")
    page.get_by_label("Update").fill(TIP)
    snap(page, "phone-composer-tip")
    page.get_by_role("button", name="Post").click()
    expect(top_card(page)).to_contain_text(TIP)
    snap(page, "phone-after-tip")
    assert re.search(r"/feed/$", page.url)
