"""A long draft goes on on another device (composer.js, posts/drafts.py): written on the feed of
one browser, kept on the server after a pause; a second browser (no draft of its own) offers it
back ("Continue your draft"), brings it into the composer with the keyboard, and posting it
deletes it on the server. A short draft stays in its browser; a draft cut short is taken off the
server. axe-core and 320/390 px on every page and state."""

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
from afterclass.posts.models import Draft, Post
from afterclass.spaces.tests.factories import add_member, make_space

TITLE = "How we hand over a dashboard when its owner leaves"
LONG = (
    "Three of our dashboards lost their owners this year. Each time nobody knew where the data "
    "came from, which filters mattered or who had asked for it. Here is the checklist we now "
    "use: a named owner, a one-line purpose, the sources, and a date to review it."
)
SAVE = "**/compose/drafts/save/"


@pytest.fixture
def world(db):
    owner = AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    space = make_space(owner, name="Data skills", slug="data-skills")
    return {"space": space, "member": add_member(space, PersonFactory(display_name="Priya")).person}


def test_a_long_draft_goes_on_in_another_browser(open_page, world):
    member = world["member"]
    laptop = open_page(as_person=member)
    laptop.goto("/feed/")
    laptop.get_by_role("link", name="Post…").click()
    laptop.get_by_label("Title").fill(TITLE)
    # A short text stays in this browser: nothing is sent.
    laptop.get_by_label("Text").fill("Three of our dashboards")
    laptop.wait_for_timeout(2500)
    assert not Draft.objects.exists()
    with laptop.expect_response(SAVE) as sent:
        laptop.get_by_label("Text").fill(LONG)
    assert sent.value.status == 200
    draft = Draft.objects.get()
    assert (draft.person, draft.space, draft.title, draft.body) == (
        member, world["space"], TITLE, LONG,
    )  # fmt: skip

    phone = open_page(as_person=member, viewport=PHONE)
    phone.goto("/feed/")
    mark_document(phone)
    offer = phone.get_by_role("link", name="Continue your draft")
    expect(offer).to_be_visible()
    check_page(phone, "a draft from another device offered")
    offer.focus()
    phone.keyboard.press("Enter")
    title = phone.get_by_label("Title")
    expect(title).to_have_value(TITLE)
    expect(phone.get_by_label("Text")).to_have_value(LONG)
    expect(phone.get_by_role("status").filter(has_text="Your draft is back.")).to_be_visible()
    # Focus is in the composer that replaced the bar, not lost to the page.
    assert phone.evaluate("document.activeElement.closest('#composer') !== null")
    check_page(phone, "the draft back in the composer")
    snap(phone, "draft-continued-phone")
    phone.get_by_role("button", name="Post").click()
    expect(phone.locator("ol.post-list > li.post-item").first).to_contain_text(TITLE)
    assert is_same_document(phone)
    assert Post.objects.filter(title=TITLE).exists()
    assert not Draft.objects.exists()


def test_a_draft_cut_short_is_taken_off_the_server(open_page, world):
    page = open_page(as_person=world["member"])
    page.goto("/feed/")
    page.get_by_role("link", name="Post…").click()
    page.get_by_label("Title").fill(TITLE)
    with page.expect_response(SAVE):
        page.get_by_label("Text").fill(LONG)
    assert Draft.objects.exists()
    with page.expect_response("**/compose/drafts/*/discard/") as discarded:
        page.get_by_label("Text").fill("Never mind.")
    assert discarded.value.status == 204
    assert not Draft.objects.exists()
    # A second browser has nothing to continue.
    other = open_page(as_person=world["member"])
    with other.expect_response("**/compose/drafts/") as asked:
        other.goto("/feed/")
    assert asked.value.json() == {"drafts": []}
    expect(other.get_by_role("link", name="Continue your draft")).to_be_hidden()
