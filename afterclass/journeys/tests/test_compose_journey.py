"""The editor in the browser: a picture chosen in the drop zone is sent ahead with its progress
shown, then posted; typing `@` and letters offers people to mention, picked with the keyboard."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from afterclass.attachments.models import Attachment
from afterclass.attachments.tests.factories import picture_bytes
from afterclass.journeys.tests.browser import check_page
from afterclass.people.tests.factories import AdminFactory, PersonFactory
from afterclass.posts.models import Post
from afterclass.spaces.models import Template
from afterclass.spaces.tests.factories import add_member, make_space

ALT = "The new meeting room, with a long oak table"


@pytest.fixture
def owner():
    return AdminFactory(display_name="Alex Morgan", email="alex.morgan@example.org")


def test_picture_sent_ahead_with_progress_then_posted(open_page, owner):
    board = make_space(owner, name="Office makeover", slug="makeover", template=Template.VISUAL)
    member = add_member(board, PersonFactory(display_name="Priya Shah")).person
    page = open_page(as_person=member)
    held = []
    # Hold the upload until the progress has been seen, then let it through.
    page.route("**/api/v1/attachments", lambda route: held.append(route))
    page.goto(reverse("post-create", args=[board.slug]) + "?kind=image")
    expect(page.get_by_text("Drag pictures here")).to_be_visible()
    page.get_by_label("Picture 1:", exact=True).set_input_files(
        files=[{"name": "room.png", "mimeType": "image/png",
                "buffer": picture_bytes("PNG", (640, 480))}]
    )  # fmt: skip
    expect(page.get_by_role("progressbar", name="Sending room.png")).to_be_visible()
    for _ in range(50):  # waiting lets Playwright hand the held request to the route
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    # Still sending: nothing is ready yet.
    expect(page.get_by_text("room.jpg is ready.")).to_have_count(0)
    held[0].continue_()
    expect(page.get_by_text("room.jpg is ready.")).to_be_visible()
    expect(page.get_by_role("progressbar")).to_have_count(0)
    upload = Attachment.objects.get()
    assert upload.post_id is None
    assert page.locator("input[name=upload_1]").input_value() == str(upload.pk)
    assert page.get_by_label("Picture 1:", exact=True).input_value() == ""
    expect(page.locator(".upload-status img.upload-preview")).to_be_visible()
    page.get_by_label("Description of picture 1:", exact=True).fill(ALT)
    page.get_by_label("Text").fill("The meeting room is finished.")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is up.")).to_be_visible()
    expect(page.get_by_role("img", name=ALT)).to_be_visible()
    post = Post.objects.get()
    assert list(post.attachments.all()) == [upload]
    assert Attachment.objects.count() == 1


def test_too_large_file_is_refused_next_to_it_before_sending(open_page, owner, settings):
    # (A refusal by the server shows the same way, but the browser reports its 400 as a console
    # error, which these journeys treat as a defect; the size limit is checked before sending.)
    settings.AFTERCLASS_MAX_UPLOAD_MB = 1
    board = make_space(owner, name="Office makeover", slug="makeover", template=Template.VISUAL)
    member = add_member(board, PersonFactory(display_name="Priya Shah")).person
    page = open_page(as_person=member)
    page.goto(reverse("post-create", args=[board.slug]) + "?kind=image")
    page.get_by_label("Picture 2:", exact=True).set_input_files(
        files=[{"name": "huge.png", "mimeType": "image/png",
                "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 1024 * 1024)}]
    )  # fmt: skip
    slot = page.locator("[data-upload-slot='2']")
    expect(slot.get_by_role("alert")).to_have_text(
        "huge.png: This file is 2.0 MB; the limit is 1 MB."
    )
    expect(page.get_by_role("progressbar")).to_have_count(0)
    assert page.get_by_label("Picture 2:", exact=True).input_value() == ""
    assert not Attachment.objects.exists()


def test_dropping_pictures_fills_the_slots_and_adds_more(open_page, owner):
    board = make_space(owner, name="Office makeover", slug="makeover", template=Template.VISUAL)
    member = add_member(board, PersonFactory(display_name="Priya Shah")).person
    page = open_page(as_person=member)
    page.goto(reverse("post-create", args=[board.slug]) + "?kind=image")
    files = [picture_bytes("PNG", (32 + n, 32)) for n in range(4)]
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            files.forEach((bytes, n) => transfer.items.add(
                new File([new Uint8Array(bytes)], `p${n}.png`, {type: "image/png"})));
            return transfer;
        }""",
        [list(content) for content in files],
    )
    zone = page.locator("[data-drop-zone]")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})
    for number in range(4):
        expect(page.get_by_text(f"p{number}.jpg is ready.")).to_be_visible()
    expect(page.get_by_label("Picture 4:", exact=True)).to_be_visible()
    assert page.locator("input[name=slots]").input_value() == "4"
    for number in range(1, 5):
        page.get_by_label(f"Description of picture {number}:", exact=True).fill(f"View {number}")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is up.")).to_be_visible()
    assert [a.alt_text for a in Post.objects.get().attachments.all()] == [
        f"View {number}" for number in range(1, 5)
    ]


def test_typing_at_and_letters_offers_people_to_mention(open_page, owner):
    space = make_space(owner, name="Data skills", slug="data-skills")
    member = add_member(space, PersonFactory(display_name="Priya Shah")).person
    add_member(space, PersonFactory(display_name="Zara Byrne", email="zara.byrne@example.org"))
    add_member(space, PersonFactory(display_name="Zach Ode", email="zach@example.org"))
    PersonFactory(display_name="Zed Outsider", email="zed@example.org")
    page = open_page(as_person=member)
    page.goto(reverse("post-create", args=[space.slug]) + "?kind=discussion")
    text = page.get_by_label("Text")
    text.click()
    text.press_sequentially("Thanks @za")
    options = page.get_by_role("listbox", name="People to mention").get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.first).to_contain_text("Zach Ode")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(text).to_have_attribute("aria-activedescendant", re.compile(r"mention-list-\d+-0"))
    check_page(page, "mention suggestions open")
    text.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    text.press("Enter")
    expect(text).to_have_value("Thanks @zara.byrne ")
    expect(page.get_by_role("listbox")).to_be_hidden()
    text.press_sequentially("and @zed")
    page.wait_for_timeout(400)
    expect(page.get_by_role("option")).to_have_count(0)  # not a member: never offered
    text.press_sequentially(" and @zac")
    expect(page.get_by_role("option")).to_have_count(1)
    text.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    text.press_sequentially("h")
    expect(page.get_by_role("option", name=re.compile("Zach Ode"))).to_be_visible()
    text.press("Tab")
    expect(text).to_have_value("Thanks @zara.byrne and @zed and @zach ")
    page.get_by_label("Title").fill("Thanks")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_text("Your post is up.")).to_be_visible()
    expect(page.locator(".prose a.mention")).to_have_count(2)
