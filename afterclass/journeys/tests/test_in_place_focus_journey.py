"""In-place updates keep focus and say what changed: an answer posted with the keyboard takes
focus, the live region announces it and the badge and count update; a reaction or a vote keeps
focus on the pressed button."""

import re

from playwright.sync_api import expect

from afterclass.journeys.tests.browser import PHONE, snap
from afterclass.people.models import Organisation
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.tests.factories import add_member, make_space

FOCUSED_TAG = "document.activeElement.tagName"


def _question():
    Organisation.current()
    owner = PersonFactory(display_name="Olive Owner")
    helper = PersonFactory(display_name="Hal Helper")
    space = make_space(owner, name="Data skills", slug="data")
    add_member(space, helper)
    question = make_post(space, owner, kind="question", title="Pivot or formula?", body="Which?")
    return helper, question


def _journey(open_page, viewport, name):
    helper, question = _question()
    page = open_page(as_person=helper, **({"viewport": viewport} if viewport else {}))
    page.goto(f"/posts/{question.pk}/")
    expect(page.get_by_text("Waiting for an answer")).to_be_visible()
    answer_box = page.get_by_label("Your answer")
    answer_box.fill("A pivot table: it is faster.")
    page.get_by_role("button", name="Post your answer").focus()
    page.keyboard.press("Enter")

    new_answer = page.locator(".comment").filter(has_text="A pivot table")
    expect(new_answer).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Your answer is posted. 1 answer.")
    expect(page.get_by_role("heading", name="1 answer")).to_be_visible()
    expect(page.locator("#answer-state")).to_have_text("Answered")
    assert page.evaluate(FOCUSED_TAG) != "BODY"
    snap(page, f"01-answer-posted-{name}")

    # "Like", then "Like 1" once pressed: the count of each kind is in its button.
    like = page.get_by_role("button", name=re.compile(r"^Like( \d+)?$"))
    like.focus()
    page.keyboard.press("Enter")
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("“Like” added. 1 reaction.")
    page.keyboard.press("Enter")
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like).to_be_focused()
    snap(page, f"02-reacted-{name}")


def test_posting_an_answer_and_reacting_keep_focus_and_announce(open_page):
    _journey(open_page, None, "desktop")


def test_posting_an_answer_on_a_phone_keeps_focus(open_page):
    _journey(open_page, PHONE, "phone")
