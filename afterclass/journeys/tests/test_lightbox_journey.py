"""Pictures seen large (lightbox.js): from a card on the feed, from a visual board's grid and from
a post's page, a picture opens in a modal dialog, with the keyboard alone; Escape and "Close" put
focus back on the picture that opened it; the arrows and "Previous"/"Next" move through the post's
pictures ("Picture 2 of 3"), the alt text is the caption. axe-core and the 320/390 px checks run
with the dialog open; screenshots on desktop and phone."""

import io

import pytest
from django.urls import reverse
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from afterclass.attachments.tests.factories import make_upload
from afterclass.attachments.views import file_url
from afterclass.journeys.tests.browser import (
    PHONE,
    check_page,
    is_same_document,
    mark_document,
    snap,
)
from afterclass.people.tests.factories import PersonFactory
from afterclass.posts.tests.factories import make_post
from afterclass.spaces.models import Template
from afterclass.spaces.tests.factories import add_member, make_space

ALTS = [
    "The new reception desk, oak with a green front",
    "The quiet room with two armchairs by the window",
    "A wall of plants beside the stairs",
]
SIZES = [(1200, 800), (600, 900), (1000, 1000)]
COLOURS = [(46, 125, 50), (30, 90, 170), (190, 90, 30)]


def picture(size, colour):
    """A picture one can tell apart from the others in a screenshot: stripes on a colour."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 80):
        draw.rectangle([x, 0, x + 30, size[1]], fill=tuple(min(255, c + 60) for c in colour))
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def window_snap(page, name):
    """The window as the person sees it (a full-page capture moves a fixed dialog)."""
    page.screenshot(path=str(page.screenshots_dir / f"{name}.png"))


@pytest.fixture
def world(db):
    owner = PersonFactory(display_name="Alex Morgan", email="alex.morgan@example.org")
    board = make_space(owner, name="Office makeover", slug="makeover", template=Template.VISUAL)
    member = add_member(board, PersonFactory(display_name="Priya Shah")).person
    uploads = [
        make_upload(owner, f"room-{n}.png", picture(size, colour))
        for n, (size, colour) in enumerate(zip(SIZES, COLOURS, strict=True), start=1)
    ]
    post = make_post(
        board, owner, kind="image", title="The office, finished", body="Come and see it.",
        attachments=[upload.pk for upload in uploads], alt_texts=ALTS,
    )  # fmt: skip
    single = make_post(
        board, owner, kind="image", title="The old desk", body="Gone now.",
        attachments=[make_upload(owner, "old.png", picture((400, 300), (120, 120, 120))).pk],
        alt_texts=["The old reception desk, grey and chipped"],
    )  # fmt: skip
    return {"member": member, "board": board, "post": post, "single": single, "uploads": uploads}


def picture_link(page, alt):
    return page.get_by_role("link", name=alt, exact=True)


def lightbox(page):
    return page.get_by_role("dialog")


def expect_showing(page, number, of, world):
    dialog = lightbox(page)
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name(f"Picture {number} of {of}")
    expect(dialog.locator("figcaption")).to_have_text(ALTS[number - 1])
    image = dialog.get_by_role("img", name=ALTS[number - 1], exact=True)
    expect(image).to_have_attribute("src", file_url(world["uploads"][number - 1]))
    # The full-size file itself, loaded (decode() waits for it): the lightbox shows it large.
    width = SIZES[number - 1][0]
    assert image.evaluate("async i => { await i.decode(); return i.naturalWidth; }") == width


def test_pictures_open_large_from_the_feed_with_the_keyboard(open_page, world):
    page = open_page(as_person=world["member"])
    page.goto("/feed/")
    mark_document(page)
    card = page.locator(f"#post-{world['post'].pk}")
    first = card.get_by_role("link", name=ALTS[0], exact=True)
    expect(first).to_have_attribute("aria-haspopup", "dialog")
    first.focus()
    page.keyboard.press("Enter")
    expect_showing(page, 1, 3, world)
    close = lightbox(page).get_by_role("button", name="Close")
    expect(close).to_be_focused()
    check_page(page, "a picture open large")
    snap(page, "lightbox-desktop")
    window_snap(page, "lightbox-desktop-window")
    page.emulate_media(color_scheme="dark")
    check_page(page, "a picture open large, dark theme")
    window_snap(page, "lightbox-desktop-dark")
    page.emulate_media(color_scheme="light")

    page.keyboard.press("ArrowRight")
    expect_showing(page, 2, 3, world)
    expect(lightbox(page).locator("#lightbox-count")).to_have_attribute("aria-live", "polite")
    lightbox(page).get_by_role("button", name="Next").click()
    expect_showing(page, 3, 3, world)
    # Past the last picture comes the first again, and back.
    page.keyboard.press("ArrowRight")
    expect_showing(page, 1, 3, world)
    page.keyboard.press("ArrowLeft")
    expect_showing(page, 3, 3, world)
    lightbox(page).get_by_role("button", name="Previous").click()
    expect_showing(page, 2, 3, world)
    page.keyboard.press("Escape")
    expect(lightbox(page)).to_be_hidden()
    # Focus goes back to the picture that opened the dialog, not the one last shown.
    expect(first).to_be_focused()

    # Opened by a click on the second picture: "Close" gives focus back to that one.
    second = card.get_by_role("link", name=ALTS[1], exact=True)
    second.click()
    expect_showing(page, 2, 3, world)
    lightbox(page).get_by_role("button", name="Close").click()
    expect(lightbox(page)).to_be_hidden()
    expect(second).to_be_focused()

    # A post with one picture: no Previous or Next, the arrows do nothing.
    only = page.get_by_role("link", name="The old reception desk, grey and chipped")
    only.focus()
    page.keyboard.press("Enter")
    expect(lightbox(page)).to_have_accessible_name("Picture 1 of 1")
    expect(lightbox(page).get_by_role("button", name="Next")).to_be_hidden()
    page.keyboard.press("ArrowRight")
    expect(lightbox(page)).to_have_accessible_name("Picture 1 of 1")
    page.keyboard.press("Escape")
    expect(only).to_be_focused()
    assert is_same_document(page)


def test_pictures_open_large_from_a_board_and_a_post_page(open_page, world):
    page = open_page(as_person=world["member"])
    page.goto(reverse("space-home", args=[world["board"].slug]))
    mark_document(page)
    tile = page.locator(f".layout-grid #post-{world['post'].pk} .pictures").get_by_role(
        "link", name=ALTS[2], exact=True
    )
    tile.click()
    expect_showing(page, 3, 3, world)
    page.keyboard.press("ArrowRight")
    expect_showing(page, 1, 3, world)
    page.keyboard.press("Escape")
    expect(tile).to_be_focused()
    assert is_same_document(page)

    page.goto(reverse("post-detail", args=[world["post"].pk]))
    mark_document(page)
    link = picture_link(page, ALTS[1])
    link.focus()
    page.keyboard.press("Enter")
    expect_showing(page, 2, 3, world)
    check_page(page, "a post's picture open large")
    lightbox(page).get_by_role("button", name="Close").press("Enter")
    expect(link).to_be_focused()
    assert is_same_document(page)


def test_a_picture_open_large_on_a_phone(open_page, world):
    page = open_page(as_person=world["member"], viewport=PHONE)
    page.goto("/feed/")
    picture_link(page, ALTS[0]).click()
    expect_showing(page, 1, 3, world)
    # The whole dialog, buttons included, fits the phone's window.
    box = lightbox(page).bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= PHONE["width"]
    assert box["y"] + box["height"] <= PHONE["height"]
    for name in ("Close", "Previous", "Next"):
        expect(lightbox(page).get_by_role("button", name=name)).to_be_in_viewport()
    check_page(page, "a picture open large on a phone")
    snap(page, "lightbox-phone")
    page.keyboard.press("ArrowRight")
    expect_showing(page, 2, 3, world)
    window_snap(page, "lightbox-phone-window")
    page.keyboard.press("Escape")
    expect(picture_link(page, ALTS[0])).to_be_focused()
