"""Feed cards that carry the conversation: react and reply from the feed without leaving it,
with the keyboard alone, focus kept after each update; an anonymous asker stays "a colleague";
the phone width (axe-core and 320/390 px on every state, as every journey page)."""

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
from afterclass.posts.actions import do_react
from afterclass.posts.models import Comment, Reaction
from afterclass.posts.tests.factories import make_comment, make_post
from afterclass.spaces.actions import do_update_space
from afterclass.spaces.models import AnonymousQuestions
from afterclass.spaces.tests.factories import add_member, make_space


@pytest.fixture
def world(db):
    owner = AdminFactory(
        display_name="Alex Morgan", email="alex.morgan@example.org", job_title="Data lead"
    )
    data = make_space(owner, name="Data skills", slug="data-skills")
    do_update_space(data, actor=owner, anonymous_questions=AnonymousQuestions.MEMBERS)
    member = add_member(data, PersonFactory(display_name="Priya Shah")).person
    asker = add_member(data, PersonFactory(display_name="Sam Quiet")).person
    tip = make_post(data, owner, title="Name your ranges", body="Ranges with names read better.")
    make_comment(tip, asker, "I do this for every lookup table now.")
    make_comment(tip, owner, "Glad it helps. Name the tables too.")
    do_react(actor=asker, kind="like", post=tip)
    do_react(actor=owner, kind="insightful", post=tip)
    question = make_post(
        data, asker, kind="question", title="Is VLOOKUP still worth learning?", anonymous=True
    )
    make_comment(question, owner, "XLOOKUP is easier, but you will meet VLOOKUP everywhere.")
    make_comment(question, asker, "Thanks, that is what I feared.")
    return {"member": member, "tip": tip, "question": question}


def card_of(page, post):
    return page.locator(f"#post-{post.pk}")


def test_react_and_reply_from_the_feed(open_page, world):
    tip, question = world["tip"], world["question"]
    page = open_page(as_person=world["member"])
    page.goto("/feed/")
    mark_document(page)
    card = card_of(page, tip)
    expect(card).to_contain_text("Data lead")
    expect(card).to_contain_text("Name the tables too.")
    # Sam's name shows on the tip they commented on, never on the question they asked anonymously.
    expect(card).to_contain_text("Sam Quiet")
    expect(card_of(page, question)).to_contain_text("A colleague")
    expect(card_of(page, question)).not_to_contain_text("Sam Quiet")
    check_page(page, "feed with cards")
    snap(page, "feed-cards-desktop")

    # React with the keyboard: focus stays on the pressed button, its count changes in place.
    like = card.get_by_role("button", name="Like")
    like.focus()
    expect(like).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Enter")
    like = card.get_by_role("button", name="Like")
    expect(like).to_have_attribute("aria-pressed", "true")
    expect(like).to_contain_text("2")
    expect(like).to_be_focused()
    page.keyboard.press("Space")  # and take it back
    expect(card.get_by_role("button", name="Like")).to_have_attribute("aria-pressed", "false")
    expect(card.get_by_role("button", name="Like")).to_be_focused()
    page.keyboard.press("Tab")
    helped = card.get_by_role("button", name="This helped me")
    expect(helped).to_be_focused()
    page.keyboard.press("Enter")
    expect(card.get_by_role("button", name="This helped me")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(card.get_by_role("button", name="This helped me")).to_be_focused()
    check_page(page, "a reaction toggled on a card")
    assert Reaction.objects.filter(person=world["member"], post=tip).count() == 1

    # Reply: the one-line box grows, the comment comes under the card, the box is ready again.
    box = card.get_by_label("Your comment on “Name your ranges”")
    one_line = box.bounding_box()["height"]
    box.focus()
    expect(box).to_be_focused()
    assert box.bounding_box()["height"] > one_line
    box.press_sequentially("Named ranges saved my month-end close.")
    page.keyboard.press("Tab")
    expect(card.get_by_role("button", name="Reply")).to_be_focused()
    page.keyboard.press("Enter")
    expect(card.locator(".card-comments")).to_contain_text("Named ranges saved my month-end close.")
    expect(card).to_contain_text("3 comments")
    box = card.get_by_label("Your comment on “Name your ranges”")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    expect(page.locator("#announcer")).to_contain_text("Your comment is posted. 3 comments.")
    assert Comment.objects.filter(post=tip, body__startswith="Named ranges").exists()
    check_page(page, "a reply posted from a card")

    # An answer to the anonymous question: the asker stays a colleague.
    answer_box = card_of(page, question).get_by_label(
        "Your answer to “Is VLOOKUP still worth learning?”"
    )
    answer_box.fill("Learn XLOOKUP first; VLOOKUP takes an afternoon after that.")
    card_of(page, question).get_by_role("button", name="Answer").click()
    expect(card_of(page, question)).to_contain_text("VLOOKUP takes an afternoon")
    expect(card_of(page, question)).to_contain_text("3 answers")
    expect(card_of(page, question)).not_to_contain_text("Sam Quiet")
    assert is_same_document(page)
    snap(page, "feed-cards-after-reply")


def test_the_reply_box_expands_into_the_comment_editor(open_page, world):
    # Focused, a card's reply box is the post page's comment editor: @mentions, the formatting
    # toolbar and Preview, with no Tab stop added; the reply is posted as a comment is.
    tip = world["tip"]
    page = open_page(as_person=world["member"])
    page.goto("/feed/")
    mark_document(page)
    card = card_of(page, tip)
    toolbar = card.get_by_role("toolbar", name="Formatting")
    expect(toolbar).to_have_count(0)  # not set up on every card, only on the one focused
    box = card.get_by_label("Your comment on “Name your ranges”")
    box.focus()
    expect(toolbar).to_be_visible()
    expect(card.get_by_role("tab", name="Preview")).to_be_visible()
    expect(box).to_be_focused()  # setting the editor up does not lose the focus
    box.press_sequentially("Thanks @ale")
    options = card.get_by_role("listbox", name="People to mention").get_by_role("option")
    expect(options.first).to_contain_text("Alex Morgan")
    box.press("Enter")
    expect(box).to_have_value("Thanks @alex.morgan ")
    box.press("Control+b")
    box.press_sequentially("named")
    expect(box).to_have_value("Thanks @alex.morgan **named**")
    check_page(page, "a card's reply box as the comment editor")
    snap(page, "feed-card-reply-editor-desktop")
    page.keyboard.press("Tab")  # the editor adds no stop between the text and the button
    expect(card.get_by_role("button", name="Reply")).to_be_focused()
    page.keyboard.press("Enter")
    posted = card.locator(".card-comments li").last
    expect(posted).to_contain_text("Thanks @alex.morgan named")
    expect(posted.get_by_role("link", name="@alex.morgan")).to_have_class("mention")
    expect(posted.locator("strong")).to_have_text("named")
    box = card.get_by_label("Your comment on “Name your ranges”")
    expect(box).to_have_value("")
    expect(box).to_be_focused()  # the new box has the focus, and is the editor again
    expect(toolbar).to_be_visible()
    assert is_same_document(page)
    check_page(page, "a reply with a mention posted from a card")


def test_the_reply_editor_on_a_phone(open_page, world):
    page = open_page(as_person=world["member"], viewport=PHONE)
    page.goto("/feed/")
    card = card_of(page, world["tip"])
    card.get_by_label("Your comment on “Name your ranges”").focus()
    expect(card.get_by_role("toolbar", name="Formatting")).to_be_visible()
    check_page(page, "phone: a card's reply box as the comment editor")
    card.scroll_into_view_if_needed()
    snap(page, "feed-card-reply-editor-phone")


def test_an_empty_reply_is_refused_in_place(open_page, world):
    tip = world["tip"]
    page = open_page(as_person=world["member"])
    page.goto("/feed/")
    mark_document(page)
    card = card_of(page, tip)
    card.get_by_role("button", name="Reply").focus()
    # The browser itself refuses an empty required box; with a space only, the server does.
    box = card.get_by_label("Your comment on “Name your ranges”")
    box.fill("   ")
    card.get_by_role("button", name="Reply").click()
    expect(card.locator(".card-reply .error")).to_have_text("Write something first.")
    expect(card.get_by_label("Your comment on “Name your ranges”")).to_be_focused()
    assert is_same_document(page)
    check_page(page, "a refused reply on a card")


def test_feed_cards_on_a_phone(open_page, world):
    page = open_page(as_person=world["member"], viewport=PHONE)
    page.goto("/feed/")
    card = card_of(page, world["tip"])
    expect(card.get_by_role("button", name="Like")).to_be_visible()
    card.get_by_label("Your comment on “Name your ranges”").focus()
    check_page(page, "phone feed with a reply box open")
    snap(page, "feed-cards-phone")
